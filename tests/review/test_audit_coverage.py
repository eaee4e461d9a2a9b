"""Every state-changing library function records its change in the audit trail.

One audit event per state change, in the same transaction: single-object functions leave
exactly one event; a function that changes several objects leaves one per object (plus one for
the file, for an import); a no-op leaves none. The chain stays verifiable throughout.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.audit.trail import verify_chain
from duediligence.db.enums import ReportFormat, ReportKind, Tier
from duediligence.db.models import AuditEvent, ScreeningMatch
from tests.factories import (
    make_assessment,
    make_client,
    make_entity,
    make_reviewer,
    make_signal,
    make_watchlist,
)
from tests.review.conftest import event_count

MODELS = Path(__file__).resolve().parents[2] / "models"


def _actions_after(session: Session, sequence: int) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.sequence > sequence)
            .order_by(AuditEvent.sequence)
        )
    )


def _delta(session: Session, change: Callable[[], Any]) -> list[str]:
    """Run ``change`` and return the actions of the events it recorded."""
    start = event_count(session)
    change()
    session.flush()
    return _actions_after(session, start)


def _match(session: Session, topics: list[str]) -> ScreeningMatch:
    client = make_client(session)
    snapshot = make_watchlist(session, name=f"list-{client.id}")
    entity = make_entity(session, snapshot, "Some Body", topics=topics)
    match = ScreeningMatch(
        client_id=client.id,
        subject_key=f"client:{client.id}",
        subject_name=client.name,
        entity_id=entity.id,
        snapshot_id=snapshot.id,
        score=0.9,
        explanation={},
        matcher_version="test",
    )
    session.add(match)
    session.flush()
    return match


def test_match_decisions(session: Session) -> None:
    from duediligence.review.verdicts import decide_match

    rita = make_reviewer(session)
    dismissed = _match(session, ["crime"])
    # A verdict re-assesses the client at once.
    assert _delta(
        session,
        lambda: decide_match(
            session=session, match_id=dismissed.id, confirm=False, reason="no", actor=rita
        ),
    ) == ["match.dismissed", "assessment.created"]
    # Confirming a sanctions match also records the sanction signal.
    confirmed = _match(session, ["sanction"])
    assert _delta(
        session,
        lambda: decide_match(
            session=session, match_id=confirmed.id, confirm=True, reason="yes", actor=rita
        ),
    ) == ["match.confirmed", "signal.created", "assessment.created"]
    assert verify_chain(session=session).ok


def test_assessments(session: Session) -> None:
    from duediligence.risk.assess import assess_client, score_clients, store_results

    client = make_client(session)
    assert _delta(
        session, lambda: assess_client(session=session, client=client.external_ref, actor="a")
    ) == ["assessment.created"]
    others = [make_client(session) for _ in range(3)]
    results = score_clients(
        session=session, client_ids=[c.id for c in others], as_of=client.created_at.date()
    )
    assert (
        _delta(session, lambda: store_results(session=session, results=results, actor="a"))
        == ["assessment.created"] * 3
    )
    assert _delta(session, lambda: store_results(session=session, results=[], actor="a")) == []


def test_model_activation(session: Session, tmp_path: Path) -> None:
    from duediligence.modelstore import activate_model, active_versions

    models = tmp_path / "models"
    shutil.copytree(MODELS, models)
    version = active_versions(models)["risk"]
    assert _delta(
        session,
        lambda: activate_model(session=session, models_dir=models, version=version, actor="a"),
    ) == [
        "model.registered",
        "model.activated",
    ]
    assert (
        _delta(
            session,
            lambda: activate_model(session=session, models_dir=models, version=version, actor="a"),
        )
        == []
    )


def test_report_rendering_record(session: Session, tmp_path: Path) -> None:
    from duediligence.reporting.integrity import record_report

    client = make_client(session)
    assessment = make_assessment(session, client, tier=Tier.HIGH)
    path = tmp_path / "r.json"
    path.write_text("{}")
    assert _delta(
        session,
        lambda: record_report(
            session=session,
            path=path,
            kind=ReportKind.CLIENT,
            fmt=ReportFormat.JSON,
            assessment_id=assessment.id,
            client_id=client.id,
            actor="a",
        ),
    ) == ["report.rendered"]


def test_roster_imports(session: Session, tmp_path: Path) -> None:
    from duediligence.ingest.roster import import_file

    clients = tmp_path / "clients.csv"
    clients.write_text(
        "external_ref,name,country\nI-1,Alpha Ltd,US\nI-2,Beta GmbH,DE\n", encoding="utf-8"
    )
    assert sorted(
        _delta(
            session, lambda: import_file(session=session, path=clients, kind="clients", actor="a")
        )
    ) == [
        "client.created",
        "client.created",
        "import.clients",
    ]
    clients.write_text(
        "external_ref,name,country\nI-1,Alpha Ltd,GB\nI-2,Beta GmbH,DE\n", encoding="utf-8"
    )
    assert sorted(
        _delta(
            session, lambda: import_file(session=session, path=clients, kind="clients", actor="a")
        )
    ) == [
        "client.updated",
        "import.clients",
    ]
    parties = tmp_path / "parties.csv"
    parties.write_text("client_ref,name,kind,role\nI-1,Ann Owner,person,owner\n", encoding="utf-8")
    assert _delta(
        session, lambda: import_file(session=session, path=parties, kind="parties", actor="a")
    ) == ["import.parties"]
    assert verify_chain(session=session).ok


@pytest.mark.parametrize("kind", ["ftm"])
def test_watchlist_import(session: Session, tmp_path: Path, kind: str) -> None:
    from duediligence.ingest.watchlists import import_watchlist

    path = tmp_path / "list.ftm.json"
    path.write_text(
        '{"id": "x1", "schema": "Person", "properties": {"name": ["Ivan Example"]}}\n',
        encoding="utf-8",
    )
    first = _delta(
        session, lambda: import_watchlist(session=session, path=path, fmt=kind, name="t", actor="a")
    )
    assert first == ["watchlist.created", "watchlist.snapshot_imported"]
    # Re-importing the very same file changes nothing.
    assert (
        _delta(
            session,
            lambda: import_watchlist(session=session, path=path, fmt=kind, name="t", actor="a"),
        )
        == []
    )


def test_signal_classification(session: Session) -> None:
    from duediligence.signals import annotate_signals

    client = make_client(session)
    signals = [make_signal(session, client) for _ in range(3)]
    assert _delta(
        session,
        lambda: annotate_signals(session=session, signals=signals, models_dir=MODELS, actor="a"),
    ) == ["signals.classified"]


def test_roster_screening(session: Session) -> None:
    from duediligence.matching import screen_clients

    snapshot = make_watchlist(session, name="screen-list")
    make_entity(session, snapshot, "Zanzibar Quokka Trading", schema="Company")
    make_client(session, name="Zanzibar Quokka Trading")
    session.commit()
    assert _delta(session, lambda: screen_clients(session=session, actor="a")) == ["match.created"]
    assert _delta(session, lambda: screen_clients(session=session, actor="a")) == []
