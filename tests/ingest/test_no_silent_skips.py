"""No silent skips: each import path is fed a file holding one item of every kind it may pass
over, refuse or change, and its summary must account for every one of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from duediligence.ingest.feeds import LINK_DROPPED, TITLE_FROM_TEXT_NOTE, import_feed
from duediligence.ingest.roster import import_file
from duediligence.ingest.watchlists import import_watchlist
from tests.factories import make_client


def _reasons(result: Any) -> list[str]:
    return [p.reason for p in result.problems]


def _accounts_for_rows(result: Any) -> None:
    assert result.rows == result.inserted + result.updated + result.unchanged + result.rejected


def test_csv_signals_every_skippable_row_is_counted(session: Session, tmp_path: Path) -> None:
    make_client(session, external_ref="K-1")
    session.commit()
    path = tmp_path / "signals.csv"
    path.write_text(
        "client_ref,kind,title,published_at,,\n"
        "K-1,news,Good row,2021-03-04,,\n"  # written
        "\n"  # blank line
        ",,,,,\n"  # a row of empty cells (Excel)
        "K-1,news,Good row,2021-03-04,,\n"  # duplicate of line 2
        "K-9,news,Unknown client,2021-03-04,,\n"  # unknown client
        "K-1,news,Future,2091-03-04,,\n"  # refused date
        "K-1,news,Unreadable,someday,,\n"  # unreadable date
        "K-1,bogus,Bad kind,2021-03-04,,\n"  # invalid field
        "K-1,news,Stray value,2021-03-04,x,\n"  # value in an unnamed column
        "K-1,news\n",  # truncated row
        encoding="utf-8",
    )
    result = import_file(session=session, path=path, kind="signals", skip_invalid=True)
    _accounts_for_rows(result)
    assert (result.rows, result.inserted, result.rejected) == (8, 1, 7)
    assert result.blank_lines == 2
    assert result.ignored_columns == ["column 5", "column 6"]
    reasons = " | ".join(_reasons(result))
    for expected in (
        "duplicate of line 2",
        "unknown client 'K-9'",
        "after the import time",
        "not a date or timestamp we can read",
        "Input should be",
        "which has no name in the header",
        "the header has 6",
    ):
        assert expected in reasons, expected


def test_jsonl_and_json_every_skippable_record_is_counted(session: Session, tmp_path: Path) -> None:
    good = {"kind": "news", "title": "Good", "published_at": "2021-03-04"}
    jsonl = tmp_path / "signals.jsonl"
    jsonl.write_text(
        "\n".join(
            [
                json.dumps(good),
                "",  # blank line
                "{not json",
                "[1, 2]",  # not an object
                json.dumps({**good, "title": "Extra", "colour": "red"}),  # unknown field
                json.dumps({**good, "title": "Naive", "published_at": "2021-03-04T10:00:00"}),
                json.dumps({**good, "title": "Old", "published_at": "1800-01-01"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = import_file(session=session, path=jsonl, kind="signals", skip_invalid=True)
    _accounts_for_rows(result)
    assert (result.rows, result.inserted, result.rejected, result.blank_lines) == (6, 2, 4, 1)
    assert result.date_bases == {"date": 1, "naive_utc": 1}
    array = tmp_path / "signals.json"
    array.write_text(json.dumps([good | {"title": "Array"}, "text", {"kind": "news"}]))
    result = import_file(session=session, path=array, kind="signals", skip_invalid=True)
    _accounts_for_rows(result)
    assert (result.rows, result.inserted, result.rejected) == (3, 1, 2)


def test_feed_every_kind_of_item_is_counted(session: Session, tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    date = "<pubDate>Tue, 02 Mar 2021 09:00:00 GMT</pubDate>"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>'
        f"<item><title>Good</title><guid>1</guid>{date}</item>"
        f"<item><title>Good</title><guid>1</guid>{date}</item>"  # same id again
        "<item><title>No date</title><guid>2</guid></item>"
        "<item><title>Bad date</title><guid>3</guid><pubDate>soon</pubDate></item>"
        "<item><title>Future</title><guid>4</guid>"
        "<pubDate>Tue, 02 Mar 2099 09:00:00 GMT</pubDate></item>"
        f"<item><guid>5</guid><description>Only a body text here</description>{date}</item>"
        f"<item><guid>6</guid>{date}</item>"  # no title, no text
        f"<item><title>Script link</title><link>javascript:x()</link><guid>7</guid>{date}</item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    result = import_feed(session=session, source=str(feed), actor=None)
    _accounts_for_rows(result)
    assert (result.rows, result.inserted, result.rejected) == (8, 5, 3)
    assert result.date_bases == {"offset": 3, "retrieved": 2}
    assert result.notes == {LINK_DROPPED: 1, TITLE_FROM_TEXT_NOTE: 1}
    reasons = " | ".join(_reasons(result))
    assert "duplicate of item 1" in reasons
    assert "after the import time" in reasons
    assert "no title and no text" in reasons
    again = import_feed(session=session, source=str(feed), actor=None)
    _accounts_for_rows(again)
    assert (again.inserted, again.unchanged, again.rejected) == (0, 5, 3)


def test_watchlists_every_record_not_screened_is_counted(session: Session, tmp_path: Path) -> None:
    lines = [
        {"id": "p1", "schema": "Person", "properties": {"name": ["Ivan Petrov"]}},
        {"id": "p1", "schema": "Person", "properties": {"name": ["Ivan Petrov"]}},  # repeated
        {"id": "c1", "schema": "Company", "properties": {"name": ["Petrov Trading"]}},
        {"id": "n1", "schema": "Person", "properties": {"nationality": ["ru"]}},  # no name
        {"id": "s1", "schema": "Sanction", "properties": {"entity": ["p1"]}},
        {"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"]}},
        {
            "id": "s2",
            "schema": "Sanction",
            "properties": {"entity": ["c1"], "listingDate": ["2091-01-01"]},
        },
    ]
    path = tmp_path / "list.ftm.json"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = import_watchlist(session=session, path=path, fmt="ftm")
    assert result.entity_count + sum(result.skipped.values()) == len(lines)
    assert result.skipped == {
        "Ownership record (not a screenable entity)": 1,
        "Sanction record (not a screenable entity)": 2,
        "entity without a name": 1,
        "repeated id": 1,
    }
    assert len(result.refused_dates) == 1 and "c1" in result.refused_dates[0]

    un = tmp_path / "un.xml"
    un.write_text(
        "<CONSOLIDATED_LIST><INDIVIDUALS>"
        "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>ALI</FIRST_NAME>"
        "<LISTED_ON>2015-04-07-04:00</LISTED_ON></INDIVIDUAL>"
        "<INDIVIDUAL><DATAID>2</DATAID></INDIVIDUAL>"
        "</INDIVIDUALS></CONSOLIDATED_LIST>",
        encoding="utf-8",
    )
    result = import_watchlist(session=session, path=un, fmt="un")
    assert (result.entity_count, result.skipped) == (1, {"entry without a name": 1})

    ofac = tmp_path / "ofac"
    ofac.mkdir()
    (ofac / "sdn.csv").write_text(
        '1,"PETROV, Ivan","individual","RUSSIA-EO14024",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n'
        '2,-0-,"individual","RUSSIA-EO14024",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n'
        "\x1a\n",
        encoding="utf-8",
    )
    result = import_watchlist(session=session, path=ofac, fmt="ofac")
    assert (result.entity_count, result.skipped) == (1, {"entry without a number or a name": 1})
