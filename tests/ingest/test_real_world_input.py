"""Real-world input without surprises (issue 20), through the CLI on a real database:
one date rule, impossible dates refused, feed items never dropped, feed text as plain text,
Excel CSVs, and a missing models folder that is an error."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.config import get_settings
from duediligence.db.enums import DateBasis
from duediligence.db.models import Client, Signal

MODELS = Path(__file__).resolve().parents[2] / "models"
TRAFFICKING = (
    "Police raided the offices of Acme Escorts over sex trafficking; prosecutors charged "
    "its owners with trafficking minors"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the test's folder: rejects reports go beside the working folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DD_MODELS_DIR", str(MODELS))
    get_settings.cache_clear()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _signals(session: Session) -> list[Signal]:
    session.expire_all()
    return list(session.scalars(select(Signal).order_by(Signal.id)))


def _feed(path: Path, items: str, channel: str = "") -> Path:
    return _write(
        path,
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Example Wire</title><link>https://news.example.org/</link>{channel}"
        f"{items}</channel></rss>",
    )


# -- "The same instant gets different dates by path" -----------------------------------


def test_signals_file_dates_by_the_utc_instant_and_keeps_the_original(
    cli: Any, session: Session, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "signals.csv",
        "signal_id,kind,title,published_at\n"
        "a,news,Zulu,2021-03-04T10:00:00Z\n"
        "b,news,Pacific,2021-03-04T22:30:00-08:00\n"
        "c,news,Kiribati,2021-03-04T00:00:00+14:00\n"
        "d,news,Naive,2021-03-04T23:30:00\n",
    )
    result = cli("import", "signals", str(path))
    assert result.exit_code == 0, result.output
    assert "1 timestamp(s) without a UTC offset, taken as UTC" in result.output
    assert "3 timestamp(s) converted from their UTC offset to the UTC date" in result.output
    got = {
        s.external_id: (s.published_at, s.published_original, s.published_utc_offset)
        for s in _signals(session)
    }
    assert got == {
        "a": (date(2021, 3, 4), "2021-03-04T10:00:00Z", 0),
        "b": (date(2021, 3, 5), "2021-03-04T22:30:00-08:00", -480),
        "c": (date(2021, 3, 3), "2021-03-04T00:00:00+14:00", 840),
        "d": (date(2021, 3, 4), "2021-03-04T23:30:00", None),
    }
    assert {s.external_id: s.published_basis for s in _signals(session)}["d"] == (
        DateBasis.NAIVE_UTC
    )


def test_a_feed_item_gets_the_same_date_as_the_same_instant_in_a_file(
    cli: Any, session: Session, tmp_path: Path
) -> None:
    feed = _feed(
        tmp_path / "feed.xml",
        "<item><title>Feed item</title><guid>f1</guid>"
        "<pubDate>Thu, 04 Mar 2021 22:30:00 -0800</pubDate></item>",
    )
    assert cli("import", "feed", str(feed)).exit_code == 0
    rows = _write(
        tmp_path / "s.jsonl",
        json.dumps(
            {"kind": "news", "title": "File row", "published_at": "2021-03-04T22:30:00-08:00"}
        )
        + "\n",
    )
    assert cli("import", "signals", str(rows)).exit_code == 0
    assert [(s.title, s.published_at) for s in _signals(session)] == [
        ("Feed item", date(2021, 3, 5)),
        ("File row", date(2021, 3, 5)),
    ]


# -- "Impossible dates pass" ------------------------------------------------------------


def test_a_signal_dated_2091_is_refused_and_the_2019_one_makes_the_client_high(
    cli: Any, session: Session, tmp_path: Path
) -> None:
    clients = _write(tmp_path / "c.csv", "external_ref,name,industry\nAX-1,Acme Escorts,dating\n")
    assert cli("import", "clients", str(clients)).exit_code == 0
    typo = _write(
        tmp_path / "typo.csv",
        "client_ref,kind,title,published_at,severity\n"
        f"AX-1,legal_action,{TRAFFICKING},2091-05-02,charge\n",
    )
    refused = cli("import", "signals", str(typo))
    assert refused.exit_code == 2
    assert "publication date 2091-05-02 is after the import time" in refused.output
    assert _signals(session) == []
    fixed = _write(tmp_path / "fixed.csv", typo.read_text().replace("2091-05-02", "2019-05-02"))
    assert cli("import", "signals", str(fixed)).exit_code == 0
    assessed = json.loads(cli("assess", "AX-1", "--json").output)
    assert assessed["tier"] in ("high", "prohibited"), assessed


def test_a_date_before_1900_is_refused_per_row_with_skip_invalid(
    cli: Any, session: Session, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "s.csv",
        "kind,title,published_at\nnews,Old,1850-01-01\nnews,Fine,2020-01-01\n",
    )
    result = cli("import", "signals", str(path), "--skip-invalid", "--json")
    data = json.loads(result.stdout)
    assert (data["rows"], data["inserted"], data["rejected"]) == (2, 1, 1)
    assert "before 1900" in data["problems"][0]["reason"]


# -- "Feed items vanish without a word" -------------------------------------------------


def test_feed_items_without_a_usable_date_are_kept_and_flagged(
    cli: Any, session: Session, tmp_path: Path
) -> None:
    feed = _feed(
        tmp_path / "feed.xml",
        "<item><title>Dated</title><guid>1</guid>"
        "<pubDate>Tue, 02 Mar 2021 09:00:00 GMT</pubDate></item>"
        "<item><title>Unparseable date</title><guid>2</guid><pubDate>32 Foo 2021</pubDate></item>"
        "<item><title>No date at all</title><guid>3</guid></item>",
        channel="<lastBuildDate>Fri, 05 Mar 2021 07:00:00 +0000</lastBuildDate>",
    )
    result = cli("import", "feed", str(feed))
    assert result.exit_code == 0, result.output
    assert "3 items, 3 new, 0 updated, 0 unchanged, 0 rejected" in result.output
    assert "2 date(s) estimated from the feed's own date" in result.output
    got = [(s.title, s.published_at, s.published_basis) for s in _signals(session)]
    assert got == [
        ("Dated", date(2021, 3, 2), DateBasis.OFFSET),
        ("Unparseable date", date(2021, 3, 5), DateBasis.CHANNEL),
        ("No date at all", date(2021, 3, 5), DateBasis.CHANNEL),
    ]


def test_feed_without_any_date_uses_the_retrieval_time_and_refuses_a_future_item(
    cli: Any, session: Session, tmp_path: Path
) -> None:
    feed = _feed(
        tmp_path / "feed.xml",
        "<item><title>Undated</title><guid>1</guid></item>"
        "<item><title>Typo</title><guid>2</guid>"
        "<pubDate>Tue, 02 Mar 2091 09:00:00 GMT</pubDate></item>",
    )
    result = cli("import", "feed", str(feed))
    assert result.exit_code == 0, result.output
    assert "2 items, 1 new, 0 updated, 0 unchanged, 1 rejected" in result.output
    assert "item 2, field 'published_at'" in result.output and "after the import time" in (
        result.output
    )
    [kept] = _signals(session)
    assert kept.published_basis == DateBasis.RETRIEVED
    assert kept.retrieved_at is not None and kept.published_at == kept.retrieved_at.date()


# -- "Feed text is stored as HTML" ------------------------------------------------------


def test_feed_text_is_plain_and_links_are_absolute_http(
    cli: Any, session: Session, tmp_path: Path
) -> None:
    feed = _feed(
        tmp_path / "feed.xml",
        "<item><title>Police &lt;b&gt;raided&lt;/b&gt; Acme &amp;amp; Co</title>"
        "<link>/news/2021/03/acme</link><guid>1</guid>"
        "<pubDate>Tue, 02 Mar 2021 09:00:00 GMT</pubDate>"
        '<description>&lt;p&gt;Officers said &lt;a href="/x"&gt;the firm&lt;/a&gt; '
        'sold &amp;amp;lt;b&amp;amp;gt; nothing&lt;img src="y.png"&gt;&lt;/p&gt;'
        "&lt;p&gt;Second paragraph.&lt;/p&gt;</description></item>"
        "<item><title>Script link</title><link>javascript:alert(1)</link><guid>2</guid>"
        "<pubDate>Tue, 02 Mar 2021 09:00:00 GMT</pubDate></item>",
    )
    result = cli("import", "feed", str(feed))
    assert result.exit_code == 0, result.output
    assert "1 link(s) dropped (not an absolute http(s) URL)" in result.output
    first, second = _signals(session)
    assert first.title == "Police raided Acme & Co"
    assert first.text == "Officers said the firm sold &lt;b&gt; nothing\n\nSecond paragraph."
    assert first.url == "https://news.example.org/news/2021/03/acme"
    assert second.url is None


# -- "Excel exports are refused for nothing" -------------------------------------------


def test_excel_trailing_delimiters_are_ignored_and_reported(
    cli: Any, session: Session, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "clients.csv",
        "external_ref,name,country,,\r\nX-1,Acme,US,,\r\n,,,,\r\nX-2,Beta,DE\r\n",
    )
    result = cli("import", "clients", str(path))
    assert result.exit_code == 0, result.output
    assert "2 rows, 2 new" in result.output
    assert "2 empty column(s) without a header name ignored: column 4, column 5" in result.output
    assert "1 blank line(s) skipped" in result.output
    one_comma = _write(tmp_path / "one.csv", "external_ref,name,\nX-3,Gamma\n")
    assert cli("import", "clients", str(one_comma)).exit_code == 0
    session.expire_all()
    assert session.scalars(select(Client.external_ref).order_by(Client.id)).all() == [
        "X-1",
        "X-2",
        "X-3",
    ]


def test_a_value_in_an_unnamed_column_is_a_row_error(cli: Any, tmp_path: Path) -> None:
    path = _write(tmp_path / "c.csv", "external_ref,name,\nX-1,Acme,stray\n")
    result = cli("import", "clients", str(path))
    assert result.exit_code == 2
    assert "a value in column 3, which has no name in the header" in result.output


@pytest.mark.parametrize(
    "content,shown,option",
    [
        ("external_ref;name\nX-1;Acme\n", "`;`-separated", ";"),
        ("external_ref\tname\nX-1\tAcme\n", "tab-separated", "tab"),
    ],
)
def test_other_delimiters_get_the_clear_message_and_the_option(
    cli: Any, session: Session, tmp_path: Path, content: str, shown: str, option: str
) -> None:
    path = _write(tmp_path / "c.csv", content)
    refused = cli("import", "clients", str(path))
    assert refused.exit_code == 2
    assert (
        f"this file looks {shown}; export as comma-separated UTF-8 CSV, or pass "
        f"`--delimiter '{option}'`"
    ) in refused.output
    accepted = cli("import", "clients", str(path), "--delimiter", option)
    assert accepted.exit_code == 0, accepted.output
    session.expire_all()
    assert session.scalars(select(Client.name)).all() == ["Acme"]


# -- "Silent failures and wrong hints" --------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("import", "signals", "{signals}"),
        ("import", "feed", "{feed}"),
        ("classify", "-"),
        ("classify", "--signals"),
        ("assess", "X-1"),
        ("knowability", "X-1"),
        ("rescore",),
        ("report", "client", "X-1"),
        ("onboard", "--name", "Newco Ltd", "--country", "GB", "--ref", "N-1"),
        ("model", "evaluate", "signals"),
        ("serve",),
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_missing_models_folder_is_an_error_naming_it(
    cli: Any, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple
) -> None:
    clients = _write(tmp_path / "c.csv", "external_ref,name\nX-1,Acme\n")
    assert cli("import", "clients", str(clients)).exit_code == 0
    signals = _write(tmp_path / "s.csv", "kind,title,published_at\nnews,Acme raided,2021-01-01\n")
    feed = _feed(tmp_path / "f.xml", "<item><title>Acme</title><guid>1</guid></item>")
    if args[:2] == ("report", "client"):  # a report reads an assessment: there must be one
        assert cli("assess", "X-1").exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the default relative DD_MODELS_DIR, from another folder
    monkeypatch.delenv("DD_MODELS_DIR", raising=False)
    get_settings.cache_clear()
    argv = [a.format(signals=signals, feed=feed) for a in args]
    result = cli(*argv, input="some text\n")
    assert result.exit_code == 2, result.output
    assert f"models directory not found: {elsewhere / 'models'}" in result.output
    assert _signals(session) == []  # nothing imported half-way
