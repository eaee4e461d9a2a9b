"""Hardening (issue 19, hole 6): every file reader refuses hostile input with a one-line error
naming the file and line, exit 2, and nothing written — FollowTheMoney lines that are not
entities, feeds and UN lists declaring a DTD or entities, OFAC files with NUL bytes, overlong
cells or the wrong number of columns, URLs other than http(s), references with path separators
or ``..``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence.db.models import AuditEvent, Client, Signal, Watchlist, WatchlistEntity
from duediligence.ingest.hostile import is_http_url, refuse_xml_declarations

GOOD_FTM = '{"id": "a1", "schema": "Person", "properties": {"name": ["John Smith"]}}\n'
OFAC_ROW = '306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'


def _counts(session: Session) -> tuple[int, ...]:
    session.expire_all()
    return tuple(
        session.scalar(select(func.count()).select_from(t)) or 0
        for t in (Watchlist, WatchlistEntity, Signal, Client, AuditEvent)
    )


def _refused(result: Any, where: str) -> None:
    """Exit 2, one error line naming file and line, no traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.output
    assert where in errors[0], result.output


FTM_CASES: dict[str, bytes] = {
    "array": b"[1, 2]\n",
    "string": b'"Person"\n',
    "deep nesting": b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
    "invalid utf-8": b'{"id": "b", "schema": "Person", "properties": {"name": ["\xff\xfe"]}}\n',
    "properties not an object": b'{"id": "b", "schema": "Person", "properties": [1]}\n',
    "id not a string": b'{"id": ["b"], "schema": "Person", "properties": {}}\n',
    "property not strings": b'{"id": "b", "schema": "Person", "properties": {"name": [{}]}}\n',
}


@pytest.mark.parametrize("case", list(FTM_CASES))
def test_hostile_ftm_line_is_refused(cli: Any, session: Session, tmp_path: Path, case: str) -> None:
    path = tmp_path / "list.ftm.json"
    path.write_bytes(GOOD_FTM.encode() + FTM_CASES[case])
    before = _counts(session)
    result = cli("watchlist", "import", str(path), "--format", "ftm", "--name", "t")
    _refused(result, f"{path}, line 2")
    assert _counts(session) == before


def test_well_formed_ftm_still_imports(cli: Any, session: Session, tmp_path: Path) -> None:
    path = tmp_path / "list.ftm.json"
    path.write_text(GOOD_FTM)
    result = cli("watchlist", "import", str(path), "--format", "ftm", "--name", "t")
    assert result.exit_code == 0, result.output


ENTITY_FEED = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<rss version="2.0"><channel><title>News &lol2;</title>
<item><title>Acme fined &lol2;</title><link>https://example.com/a</link>
<pubDate>Tue, 03 May 2022 10:00:00 GMT</pubDate></item></channel></rss>
"""
EXTERNAL_FEED = """<?xml version="1.0"?>
<!DOCTYPE feed SYSTEM "file:///etc/passwd">
<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>
<entry><title>Acme</title><updated>2022-05-03T10:00:00Z</updated></entry></feed>
"""


@pytest.mark.parametrize(
    ("text", "encoding", "line"),
    [(ENTITY_FEED, "utf-8", 2), (EXTERNAL_FEED, "utf-8", 2), (ENTITY_FEED, "utf-16", 2)],
    ids=["entities", "external dtd", "entities in utf-16"],
)
def test_feed_declaring_a_dtd_is_refused(
    cli: Any, session: Session, tmp_path: Path, text: str, encoding: str, line: int
) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(text.encode(encoding))
    before = _counts(session)
    result = cli("import", "feed", str(path))
    _refused(result, f"{path}, line {line}")
    assert "DOCTYPE" in result.output
    assert _counts(session) == before


def test_un_list_declaring_entities_is_refused(cli: Any, session: Session, tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e "Evil">]>\n'
        '<CONSOLIDATED_LIST dateGenerated="2021-01-01"><INDIVIDUALS><INDIVIDUAL>'
        "<DATAID>1</DATAID><FIRST_NAME>&e;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS>"
        "</CONSOLIDATED_LIST>\n"
    )
    before = _counts(session)
    result = cli("watchlist", "import", str(path), "--format", "un")
    _refused(result, f"{path}, line 2")
    assert _counts(session) == before


def test_cdata_mentioning_a_doctype_is_not_a_declaration() -> None:
    feed = (
        b'<?xml version="1.0"?><rss><channel><item><description><![CDATA[<!DOCTYPE html>'
        b"<p>x</p>]]></description></item></channel></rss>"
    )
    refuse_xml_declarations(feed, "feed.xml")  # no error: only the prolog can declare


OFAC_CASES: dict[str, tuple[str, str]] = {
    "nul byte": ('99,"NUL\x00NAME",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n', "NUL"),
    "overlong name": (
        '98,"' + "A" * 200_000 + '",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n',
        "characters long",
    ),
    "too few columns": ('97,"SHORT ROW","CUBA"\n', "3 column(s)"),
    "too many columns": (OFAC_ROW.rstrip("\n") + ",extra\n", "13 column(s)"),
    "enormous cell": (
        '96,"X",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"' + "r" * 300_000 + '"\n',
        "line 2",
    ),
}


@pytest.mark.parametrize("case", list(OFAC_CASES))
def test_hostile_ofac_file_is_refused(
    cli: Any, session: Session, tmp_path: Path, case: str
) -> None:
    row, expected = OFAC_CASES[case]
    folder = tmp_path / "ofac"
    folder.mkdir()
    (folder / "sdn.csv").write_text(OFAC_ROW + row + "\x1a", encoding="utf-8")
    before = _counts(session)
    result = cli("watchlist", "import", str(folder), "--format", "ofac")
    _refused(result, f"{folder / 'sdn.csv'}, line 2")
    assert expected in result.output
    assert _counts(session) == before


def test_wrong_columns_in_an_ofac_side_file_is_refused(
    cli: Any, session: Session, tmp_path: Path
) -> None:
    folder = tmp_path / "ofac"
    folder.mkdir()
    (folder / "sdn.csv").write_text(OFAC_ROW)
    (folder / "alt.csv").write_text('306,12,"aka","BNC",-0- \n306,13,"aka"\n')
    result = cli("watchlist", "import", str(folder), "--format", "ofac")
    _refused(result, f"{folder / 'alt.csv'}, line 2")
    assert _counts(session)[0] == 0


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>x</script>", "file:///etc/passwd"]
)
def test_signal_urls_other_than_http_are_refused(
    cli: Any, session: Session, tmp_path: Path, url: str
) -> None:
    path = tmp_path / "signals.jsonl"
    path.write_text(
        json.dumps(
            {"kind": "news", "title": "Acme fined", "url": url, "published_at": "2022-05-03"}
        )
        + "\n"
    )
    result = cli("import", "signals", str(path), "--rejects", str(tmp_path / "r.csv"))
    assert result.exit_code == 2, result.output
    assert "line 1, field 'url'" in result.output and "http(s)" in result.output
    assert _counts(session)[2] == 0


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("website", "javascript:alert(1)", "http(s) URL or a bare domain"),
        ("website", "data:text/html,x", "http(s) URL or a bare domain"),
        ("external_ref", "../../etc/passwd", "path separator"),
        ("external_ref", "..", "'..'"),
        ("external_ref", "C\\0001", "path separator"),
        ("external_ref", "C/0001", "path separator"),
    ],
)
def test_client_websites_and_references_are_checked(
    cli: Any, session: Session, tmp_path: Path, column: str, value: str, reason: str
) -> None:
    row = {"external_ref": "C-1", "name": "Acme", column: value}
    path = tmp_path / "clients.json"
    path.write_text(json.dumps([row]))
    result = cli("import", "clients", str(path), "--rejects", str(tmp_path / "r.csv"))
    assert result.exit_code == 2, result.output
    assert f"field '{column}'" in result.output and reason in result.output
    assert _counts(session)[3] == 0


def test_party_client_ref_with_path_separator_is_refused(
    cli: Any, session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "parties.csv"
    path.write_text("client_ref,name,kind,role\n../C-1,Ann,person,director\n")
    result = cli("import", "parties", str(path), "--rejects", str(tmp_path / "r.csv"))
    assert result.exit_code == 2 and "path separator" in result.output, result.output


def test_http_urls() -> None:
    assert is_http_url("https://example.com/a?b#c") and is_http_url("http://127.0.0.1:8000/")
    assert not is_http_url("https://javascript:alert(1)")  # 'https://' + a hostile bare value
    assert not is_http_url("https://exa mple.com") and not is_http_url("mailto:a@b.c")
