"""Roster imports: formats, upserts, idempotency, audit trail, skip-invalid and rejects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence.db.enums import LinkStatus
from duediligence.db.models import AuditEvent, Client, Engagement, Party, Signal
from duediligence.errors import ValidationFailed
from duediligence.ingest.roster import import_file


def _load_examples(session: Session, examples: Path) -> None:
    import_file(session=session, path=examples / "clients.csv", kind="clients")
    import_file(session=session, path=examples / "parties.csv", kind="parties")
    import_file(session=session, path=examples / "engagements.csv", kind="engagements")
    import_file(session=session, path=examples / "signals.jsonl", kind="signals")
    session.commit()


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(m))
        for m in (Client, Party, Engagement, Signal, AuditEvent)
    )


def test_examples_import_and_normalise(session: Session, examples: Path) -> None:
    _load_examples(session, examples)
    nw = session.scalar(select(Client).where(Client.external_ref == "EX-001"))
    assert nw is not None
    assert nw.country == "GB"  # "United Kingdom" normalised
    assert nw.aliases == ["Northwind", "NW Freight"]
    assert nw.products == ["crm", "analytics"]
    bf = session.scalar(select(Client).where(Client.external_ref == "EX-002"))
    assert bf is not None and bf.website == "https://bluefin.example"
    holding = session.scalar(select(Party).where(Party.name == "Northwind Holdings BV"))
    assert holding is not None and holding.country == "NL"
    linked = session.scalar(select(Signal).where(Signal.external_id == "ex-1"))
    assert linked is not None and linked.client_id == bf.id
    assert linked.link_status == LinkStatus.IMPORTED
    unlinked = session.scalar(select(Signal).where(Signal.subject_name == "Northwind Logistics"))
    assert unlinked is not None and unlinked.client_id is None
    assert unlinked.link_status == LinkStatus.UNLINKED
    assert unlinked.credibility == 0.6  # news default


def test_reimport_changes_nothing(session: Session, examples: Path) -> None:
    _load_examples(session, examples)
    before = _counts(session)
    for kind, name in [
        ("clients", "clients.csv"),
        ("parties", "parties.csv"),
        ("engagements", "engagements.csv"),
        ("signals", "signals.jsonl"),
    ]:
        result = import_file(session=session, path=examples / name, kind=kind)  # type: ignore[arg-type]
        assert result.inserted == 0 and result.updated == 0
        assert result.unchanged == result.rows
    session.commit()
    after = _counts(session)
    assert after[:4] == before[:4]
    assert after[4] == before[4] + 4  # one import event per file, nothing else


def test_updated_client_is_audited(session: Session, examples: Path, tmp_path: Path) -> None:
    _load_examples(session, examples)
    text = (examples / "clients.csv").read_text().replace("48000.00", "52000.00")
    changed = tmp_path / "clients.csv"
    changed.write_text(text)
    version = session.scalar(select(Client.profile_version).where(Client.external_ref == "EX-001"))
    result = import_file(session=session, path=changed, kind="clients", actor="ann")
    session.commit()
    assert (result.updated, result.unchanged) == (1, 1)
    client = session.scalar(select(Client).where(Client.external_ref == "EX-001"))
    assert client is not None and str(client.contract_value) == "52000.00"
    assert client.profile_version == version + 1
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "client.updated"))
    assert event is not None and event.actor == "ann"
    assert event.before == {"contract_value": "48000.00"}
    assert event.after == {"contract_value": "52000.00"}


def test_json_array_and_jsonl_formats(session: Session, tmp_path: Path) -> None:
    rows = [
        {"external_ref": "J-1", "name": "Json One", "aliases": ["J1"], "country": "de"},
        {"external_ref": "J-2", "name": "Json Two"},
    ]
    (tmp_path / "c.json").write_text(json.dumps(rows))
    (tmp_path / "c2.jsonl").write_text(
        "\n".join(json.dumps(r | {"external_ref": r["external_ref"] + "b"}) for r in rows)
    )
    assert import_file(session=session, path=tmp_path / "c.json", kind="clients").inserted == 2
    assert import_file(session=session, path=tmp_path / "c2.jsonl", kind="clients").inserted == 2
    j1 = session.scalar(select(Client).where(Client.external_ref == "J-1"))
    assert j1 is not None and j1.aliases == ["J1"] and j1.country == "DE"


def test_all_or_nothing_lists_every_bad_row(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(
        "external_ref,name,country,onboarded_on\n"
        "A-1,Good One,US,2020-01-01\n"
        "A-2,Bad Country,Atlantis,2020-01-01\n"
        "A-3,Bad Date,US,2020-13-45\n"
        "A-1,Duplicate,US,\n"
    )
    rejects = tmp_path / "rejects.csv"
    with pytest.raises(ValidationFailed) as info:
        import_file(session=session, path=path, kind="clients", rejects_path=rejects)
    locations = [p.location for p in info.value.problems]
    assert locations == ["line 3", "line 4", "line 5"]
    assert info.value.problems[0].field == "country"
    assert session.scalar(select(func.count()).select_from(Client)) == 0
    assert len(rejects.read_text().strip().splitlines()) == 4  # header + 3


def test_skip_invalid_writes_valid_rows(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("external_ref,name,status\nA-1,Good,active\nA-2,Bad,dormant\n")
    result = import_file(session=session, path=path, kind="clients", skip_invalid=True)
    assert (result.inserted, result.rejected) == (1, 1)
    assert result.problems[0].field == "status"


def test_dry_run_writes_nothing(session: Session, examples: Path) -> None:
    result = import_file(
        session=session, path=examples / "clients.csv", kind="clients", dry_run=True
    )
    assert result.rows == 2 and result.dry_run
    assert session.scalar(select(func.count()).select_from(Client)) == 0


def test_unknown_client_ref_is_rejected(session: Session, examples: Path) -> None:
    with pytest.raises(ValidationFailed) as info:
        import_file(session=session, path=examples / "parties.csv", kind="parties")
    assert {p.field for p in info.value.problems} == {"client_ref"}
    assert len(info.value.problems) == 3


def test_party_change_bumps_profile_version(
    session: Session, examples: Path, tmp_path: Path
) -> None:
    _load_examples(session, examples)
    version = session.scalar(select(Client.profile_version).where(Client.external_ref == "EX-001"))
    changed = tmp_path / "parties.csv"
    changed.write_text((examples / "parties.csv").read_text().replace(",60,", ",75,"))
    result = import_file(session=session, path=changed, kind="parties")
    assert result.updated == 1
    new_version = session.scalar(
        select(Client.profile_version).where(Client.external_ref == "EX-001")
    )
    assert new_version == version + 1


def test_import_is_undone_by_the_callers_rollback(session: Session, examples: Path) -> None:
    """The import's savepoint stays inside the caller's transaction (SQLite included)."""
    result = import_file(
        session=session, path=examples / "clients.csv", kind="clients", actor="test"
    )
    assert result.inserted > 0
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Client)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
