"""The ``screen`` and ``matches`` commands end to end (CliRunner, real database)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.enums import PartyKind, SignalKind
from duediligence.db.models import Signal
from tests.factories import make_client, make_entity, make_party, make_reviewer, make_watchlist

HEADER = [
    "query_id",
    "query_name",
    "rank",
    "score",
    "list",
    "source_id",
    "entity_name",
    "explanation",
]


def _lists(session: Session) -> None:
    snap = make_watchlist(session, "test-sdn")
    make_entity(session, snap, "SALEK, Abdulhai", source_id="100", birth_dates=["1970"])
    make_entity(session, snap, "SALEK, Karim", source_id="101")
    make_entity(
        session,
        snap,
        "BLUE OCEAN SHIPPING LLC",
        source_id="102",
        schema="Company",
        names=["BLUE OCEAN SHIPPING LLC", "BOS LINES"],
    )
    session.commit()


def test_screen_name_table_and_no_match(cli: Any, session: Session) -> None:
    _lists(session)
    result = cli("screen", "name", "SALEK, Abdulhai", "--schema", "Person", "--birth-date", "1970")
    assert result.exit_code == 0, result.output
    assert "test-sdn" in result.output and "100" in result.output
    assert "birth year 1970 matches" in result.output
    none = cli("screen", "name", "Nobody Anywhere")
    assert none.exit_code == 0 and "no match at or above 0.80" in none.output
    low = json.loads(cli("screen", "name", "Salek", "--threshold", "0.3", "--json").output)
    assert {h["source_id"] for h in low} <= {"100", "101"}


def test_screen_name_rejects_bad_input(cli: Any, session: Session) -> None:
    _lists(session)
    bad_date = cli("screen", "name", "Abdulhai Salek", "--birth-date", "May 1970")
    assert bad_date.exit_code == 2 and "--birth-date" in bad_date.output
    bad_schema = cli("screen", "name", "Abdulhai Salek", "--schema", "Planet")
    assert bad_schema.exit_code == 2 and "unknown schema" in bad_schema.output


def test_screen_batch_writes_one_row_per_hit(cli: Any, session: Session, tmp_path: Path) -> None:
    _lists(session)
    queries = tmp_path / "queries.csv"
    queries.write_text(
        "id,name,schema,birth_date,country\n"
        "q1,Abdulhai Salek,Person,1970,AF\n"
        "q2,Blue Ocean Shipping Ltd,Company,,\n"
        "q3,BOS Lines,,,\n"
        "q4,Nobody Anywhere,Person,,\n"
        "q5,Karim Salek,Person,not-a-date,\n"
        "q6,,Person,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out" / "hits.csv"
    result = cli("screen", "batch", str(queries), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "screened 4 names: 3 hits" in result.output and "2 rows skipped" in result.output
    assert "line 6: bad birth_date" in result.output and "line 7: empty name" in result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == HEADER
    hits = [dict(zip(HEADER, r, strict=True)) for r in rows[1:]]
    assert [(h["query_id"], h["source_id"], h["rank"]) for h in hits] == [
        ("q1", "100", "1"),
        ("q2", "102", "1"),
        ("q3", "102", "1"),
    ]
    first = hits[0]
    assert first["list"] == "test-sdn" and first["entity_name"] == "SALEK, Abdulhai"
    assert float(first["score"]) >= 0.8
    assert "'salek' ~ 'salek' (same)" in first["explanation"]
    assert "birth year 1970 matches" in first["explanation"]
    assert hits[2]["entity_name"] == "BLUE OCEAN SHIPPING LLC"  # the primary name is reported
    assert hits[2]["explanation"].startswith("via alias 'BOS LINES': 'bos' ~ 'bos' (same)")
    assert not hits[1]["explanation"].startswith("via alias")


def test_screen_batch_bad_header(cli: Any, session: Session, tmp_path: Path) -> None:
    _lists(session)
    queries = tmp_path / "q.csv"
    queries.write_text("ref,full_name\n1,x\n", encoding="utf-8")
    result = cli("screen", "batch", str(queries), "--output", str(tmp_path / "h.csv"))
    assert result.exit_code == 2 and "needs the columns id and name" in result.output
    assert not (tmp_path / "h.csv").exists(), "bad input leaves no output file behind"
    previous = tmp_path / "previous.csv"
    previous.write_text("kept\n", encoding="utf-8")
    missing = cli("screen", "batch", str(tmp_path / "nope.csv"), "--output", str(previous))
    assert missing.exit_code == 2
    assert previous.read_text(encoding="utf-8") == "kept\n", "the previous output is not clobbered"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == []


def test_matches_list_names_the_list_programme_and_listing_date(
    cli: Any, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reviewer deciding from the CLI sees which list and programme a hit is on and since
    when (or that the list gives no date), as the web page and the report show it."""
    from datetime import date

    snap = make_watchlist(session, "test-un")
    make_entity(
        session,
        snap,
        "IZZAT IBRAHIM AL-DURI",
        source_id="6908053",
        programs=["Iraq"],
        listed_on=date(2003, 6, 27),
    )
    make_entity(session, snap, "TIMCHENKO, Gennady", source_id="16666")
    client = make_client(session, name="Kestrel Gulf Trading FZE", external_ref="C-9")
    make_party(session, client, name="Izzat Ibrahim al-Duri", kind=PartyKind.PERSON)
    make_party(session, client, name="Gennady Timchenko", kind=PartyKind.PERSON)
    make_reviewer(session, "bob")
    session.commit()
    assert cli("screen", "clients", "--as", "bob").exit_code == 0
    rows = {m["source_id"]: m for m in json.loads(cli("matches", "list", "--json").output)}
    assert rows["6908053"]["list"] == "test-un" and rows["6908053"]["programs"] == ["Iraq"]
    assert rows["6908053"]["listed_on"] == "2003-06-27"
    assert rows["16666"]["listed_on"] is None and rows["16666"]["programs"] == []
    from duediligence.cli.common import out

    monkeypatch.setattr(out, "width", 200)  # one line per row, whatever the terminal
    table = cli("matches", "list").output
    assert "test-un 6908053 (Iraq)" in table and "2003-06-27" in table
    assert "no date given" in table


def test_matches_review_flow(cli: Any, session: Session) -> None:
    _lists(session)
    client = make_client(session, name="Blue Ocean Shipping Ltd", external_ref="C-1")
    make_party(session, client, name="Karim Salek", kind=PartyKind.PERSON)
    make_reviewer(session, "bob")
    session.commit()
    screened = cli("screen", "clients", "--as", "bob")
    assert screened.exit_code == 0, screened.output
    assert "2 new matches" in screened.output
    table = cli("matches", "list")
    assert "C-1" in table.output and "pending" in table.output
    pending = json.loads(cli("matches", "list", "--status", "pending", "--json").output)
    by_source = {m["source_id"]: m for m in pending}
    assert set(by_source) == {"101", "102"}
    assert by_source["102"]["explanation"]["name"]
    company = by_source["102"]["id"]
    person = by_source["101"]["id"]
    confirmed = cli("matches", "confirm", str(company), "--reason", "same company", "--as", "bob")
    assert confirmed.exit_code == 0 and f"match {company} confirmed" in confirmed.output
    dismissed = cli("matches", "dismiss", str(person), "--reason", "other Karim", "--as", "bob")
    assert dismissed.exit_code == 0
    session.expire_all()
    signal = session.scalars(select(Signal).where(Signal.kind == SignalKind.SANCTION)).one()
    assert signal.client_id == client.id
    decided = json.loads(cli("matches", "list", "--status", "dismissed", "--json").output)
    assert [(m["id"], m["reason"], m["decided_by"]) for m in decided] == [
        (person, "other Karim", "bob")
    ]
    no_reason = cli("matches", "confirm", str(person), "--reason", " ", "--as", "bob")
    assert no_reason.exit_code == 2
    rescreen = cli("screen", "clients", "--as", "bob")
    assert "1 stay dismissed" in rescreen.output
