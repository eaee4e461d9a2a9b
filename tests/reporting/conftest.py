"""The case study in a real database, screened against a small list, assessed and reviewed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from duediligence.accounts.users import add_user
from duediligence.config import get_settings
from duediligence.db.enums import DecisionAction, DecisionStatus, EngagementKind
from duediligence.db.models import Client, Decision, ScreeningMatch, Signal
from duediligence.ingest.roster import import_file
from duediligence.matching import screen_clients
from duediligence.review.verdicts import decide_match
from duediligence.risk import assess_client
from duediligence.shipped import IMPORT_ORDER, sample_data_dir
from duediligence.signals import annotate_signals
from tests.factories import make_engagement, make_entity, make_reviewer, make_watchlist
from tests.snapshots import Snapshots

MODELS = Path(__file__).resolve().parents[2] / "models"
SECTIONS = (
    "verdict",
    "knowability",
    "subject",
    "scope",
    "parties",
    "hits",
    "negative-results",
    "adverse-media",
    "legal-actions",
    "risk-factors",
    "decisions",
    "integrity",
)


@pytest.fixture
def case_session(
    session: Session,
    engine: Engine,
    snapshots: Snapshots,
    monkeypatch: pytest.MonkeyPatch,
    cli_env: Callable[[str], None],
) -> Session:
    """The case study loaded into the test's database (see :func:`load_case_study`); CLI
    commands act as ``analyst`` unless they say ``--as``.

    Loaded once per test run and backend, then copied into each test's database (the same
    rows and ids: :mod:`tests.snapshots`). The load writes only to the database (no key, report
    or checkpoint file), from the sample files and the shipped models.
    """

    def build() -> None:
        load_case_study(session)

    snapshots.build_or_copy("case-study", engine, build)
    monkeypatch.setenv("DD_USER", "analyst")
    get_settings.cache_clear()
    return session


def load_case_study(session: Session) -> Session:
    """The three case-study clients, classified, screened, assessed; Backpage reviewed.

    Users: ``admin``, ``reviewer`` (who confirmed the hit), ``analyst`` and ``auditor``.

    A small sanctions list carries one of Backpage's owners (a confirmed hit, with a reason)
    and a second list has nothing on it (a negative result). Backpage's newest assessment has
    a decision by a maker and a checker; one engagement description is a spreadsheet formula.
    """
    folder = sample_data_dir()
    for kind, name in IMPORT_ORDER:
        if name.startswith("case_study/"):
            import_file(session=session, path=folder / name, kind=kind)  # type: ignore[arg-type]
    annotate_signals(
        session=session, signals=list(session.scalars(select(Signal))), models_dir=MODELS
    )
    listed = make_watchlist(session, "test-sanctions")
    make_entity(session, listed, "Camarillo Holdings LLC", schema="Company", source_id="SDN-1")
    empty = make_watchlist(session, "test-pep")
    make_entity(session, empty, "Nobody Relevant Anywhere", source_id="PEP-1")
    backpage = session.scalars(select(Client).where(Client.external_ref == "CS-BACKPAGE")).one()
    make_engagement(
        session,
        backpage,
        engagement_key="formula",
        date=date(2016, 2, 1),
        kind=EngagementKind.SUPPORT,
        description='=HYPERLINK("http://evil.example","click")',
    )
    screen_clients(session=session, actor="analyst")
    match = session.scalars(
        select(ScreeningMatch).where(ScreeningMatch.client_id == backpage.id)
    ).first()
    assert match is not None, "the listed owner must be found"
    decide_match(
        session=session,
        match_id=match.id,
        confirm=True,
        reason="same company, same address",
        actor=make_reviewer(session, "reviewer"),
    )
    add_user(session=session, username="analyst", role="analyst", actor="admin")
    add_user(session=session, username="auditor", role="auditor", actor="admin")
    for ref in ("CS-BACKPAGE", "CS-SAFEMARKET", "CS-DISMISSED"):
        assess_client(session=session, client=ref, as_of=date(2013, 11, 1), actor="analyst")
    for ref in ("CS-BACKPAGE", "CS-SAFEMARKET", "CS-DISMISSED"):
        assess_client(session=session, client=ref, actor="analyst")
    newest = assess_client(session=session, client="CS-BACKPAGE", actor="analyst")
    session.add(
        Decision(
            assessment_id=newest.id,
            client_id=backpage.id,
            action=DecisionAction.OFFBOARD,
            rationale="Trafficking findings by public authorities; offboard.",
            status=DecisionStatus.EFFECTIVE,
            requires_second=True,
            maker="analyst",
            checker="reviewer",
            checked_at=newest.created_at,
        )
    )
    session.commit()
    return session
