"""Incremental change detection: each kind of change re-scores exactly the clients it touched."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from duediligence.batch import RescoreSummary, detect_changes
from duediligence.batch.runner import current_versions
from duediligence.db.base import utcnow
from duediligence.db.enums import EngagementKind, MatchStatus, RunStatus, Severity
from duediligence.db.models import (
    Assessment,
    Client,
    ScoringRun,
    ScreeningMatch,
    WatchlistSnapshot,
)
from tests.batch.conftest import MODELS, assessments_per_client
from tests.factories import (
    make_assessment,
    make_client,
    make_engagement,
    make_entity,
    make_party,
    make_signal,
    make_watchlist,
)

FIRST = date(2022, 1, 1)  # before Myanmar's FATF call for action (2022-10-21)
SECOND = date(2023, 1, 1)
KINDS = [
    "signals",
    "matches",
    "profile",
    "parties",
    "engagements",
    "lists",
    "window",
    "jurisdictions",
    "model",
    "untouched",
]


def _match(session: Session, client: Client, snapshot: WatchlistSnapshot, name: str) -> Any:
    entity = make_entity(session, snapshot, name)
    match = ScreeningMatch(
        client_id=client.id,
        subject_key=f"client:{client.id}",
        subject_name=client.name,
        entity_id=entity.id,
        snapshot_id=snapshot.id,
        score=0.91,
        matcher_version="test",
    )
    session.add(match)
    session.flush()
    return match


def _roster(session: Session) -> dict[str, Any]:
    list_a = make_watchlist(session, "list-a")
    list_b = make_watchlist(session, "list-b")
    made: dict[str, Any] = {"list_b": list_b}
    for kind in KINDS:
        country = "MM" if kind == "jurisdictions" else "US"
        client = make_client(session, country=country)
        make_party(session, client, country=country)
        make_engagement(session, client)
        make_signal(session, client, label="fraud", severity=Severity.ALLEGATION)
        made[kind] = client
    made["match"] = _match(session, made["matches"], list_a, "Listed A")
    _match(session, made["lists"], list_b, "Listed B")
    # Published after FIRST: outside the first assessment, inside the second.
    make_signal(session, made["window"], label="fraud", published_at=date(2022, 6, 1))
    session.commit()
    return made


def _change_everything(session: Session, made: dict[str, Any]) -> int:
    make_signal(session, made["signals"], label="money_laundering")
    match = session.get(ScreeningMatch, made["match"].id)
    assert match is not None
    match.status = MatchStatus.CONFIRMED
    match.decided_at = utcnow()
    profile = session.get(Client, made["profile"].id)
    assert profile is not None
    profile.industry = "gambling"
    profile.profile_version += 1
    make_party(session, made["parties"], name="New Owner")
    make_engagement(session, made["engagements"], kind=EngagementKind.CUSTOM_BUILD)
    session.add(
        WatchlistSnapshot(
            watchlist_id=made["list_b"].watchlist_id, version="v2", source_sha256="b" * 64
        )
    )
    make_assessment(session, made["model"], as_of=FIRST, risk_model_version="risk-old")
    new = make_client(session)
    session.commit()
    return new.id


def test_each_kind_of_change_is_detected(
    session: Session, run_rescore: Callable[..., RescoreSummary]
) -> None:
    made = _roster(session)
    first = run_rescore(full=True, as_of=FIRST)
    assert first.status == "completed" and first.clients_scored == len(KINDS)
    new_id = _change_everything(session, made)

    scorer, signal_version = current_versions(session=session, models_dir=MODELS)
    changes = detect_changes(
        session=session,
        as_of=SECOND,
        risk_model_version=scorer.version,
        signal_model_version=signal_version,
    )
    expected = {made[k].id: {k} for k in KINDS if k not in ("untouched", "window")}
    expected[made["window"].id] = {"signals"}
    expected[new_id] = {"new"}
    assert dict(changes.reasons) == expected
    assert changes.total_clients == len(KINDS) + 1

    second = run_rescore(as_of=SECOND)
    assert second.mode == "incremental"
    assert second.clients_scored == len(expected)
    per_client = assessments_per_client(session, second.run_id)
    assert set(per_client) == set(expected) and set(per_client.values()) == {1}
    assert second.changes["jurisdictions"] == 1 and second.changes["new"] == 1

    # Nothing changed since: nothing to score.
    third = run_rescore(as_of=SECOND)
    assert third.clients_scored == 0 and third.exit_code == 0


def test_model_change_implies_full(
    session: Session, run_rescore: Callable[..., RescoreSummary]
) -> None:
    for _ in range(5):
        make_signal(session, make_client(session), label="fraud")
    session.commit()
    first = run_rescore(full=True, as_of=FIRST)
    assert first.clients_scored == 5
    assert run_rescore(as_of=FIRST).clients_scored == 0
    # The last completed run was made with another model: everyone is re-scored.
    session.execute(
        update(ScoringRun)
        .where(ScoringRun.status == RunStatus.COMPLETED)
        .values(risk_model_version="risk-old")
    )
    session.commit()
    again = run_rescore(as_of=FIRST)
    assert again.mode == "full" and again.clients_scored == 5
    run = session.get(ScoringRun, again.run_id)
    assert run is not None and run.params["full_reason"] == "model changed"


def test_full_scores_everyone_and_tier_rise_is_alerted(
    session: Session, run_rescore: Callable[..., RescoreSummary], tmp_path: Any
) -> None:
    calm = make_client(session, name="Calm Co")
    risen = make_client(session, name="Risen Co")
    for client in (calm, risen):
        make_party(session, client)
    session.commit()
    first = run_rescore(as_of=FIRST)
    assert first.clients_scored == 2 and first.exit_code == 0
    assert first.tier_changes["new"] == 2
    make_signal(
        session,
        risen,
        title="Risen Co convicted of human trafficking",
        label="human_trafficking",
        severity=Severity.CONVICTION,
        credibility=0.95,
        published_at=date(2021, 5, 1),
    )
    session.commit()
    second = run_rescore(as_of=FIRST)
    assert second.clients_scored == 1
    assert second.tier_changes == {"up": 1, "down": 0, "unchanged": 0, "new": 0}
    assert second.exit_code == 3
    (alert,) = second.alerts
    assert alert.client_id == risen.id and alert.previous_tier == "low"
    assert alert.tier in ("high", "prohibited")
    assert "signals" in alert.changes and "Convicted" in alert.reason
    full = run_rescore(full=True, as_of=FIRST)
    assert full.mode == "full" and full.clients_scored == 2
    assert full.tier_changes["unchanged"] == 2 and full.exit_code == 0
    stored = session.scalars(select(Assessment.run_id).where(Assessment.client_id == calm.id))
    assert sorted(r for r in stored if r is not None) == [first.run_id, full.run_id]
