"""Seed a test database the way the demo does: sample roster and case study, shipped models,
classified signals, a small watch list, screening, assessments, and one user per role.

The watch list is a three-entity FollowTheMoney file written by the test: one entity shares a
name with the case-study client (a false positive a reviewer dismisses), one with an owner of
another client, and one unrelated. The real lists are not needed for the web tests.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from duediligence.accounts.tokens import issue_api_token
from duediligence.accounts.users import add_user
from duediligence.db.enums import Role
from duediligence.db.models import Client, Signal
from duediligence.db.session import session_scope
from duediligence.ingest.roster import import_file
from duediligence.ingest.watchlists import import_watchlist
from duediligence.matching import link_signals, screen_clients
from duediligence.modelstore import sync_active_from_disk
from duediligence.risk import score_clients, store_results
from duediligence.shipped import IMPORT_ORDER, sample_data_dir
from duediligence.signals import annotate_signals

MODELS = Path(__file__).resolve().parents[2] / "models"
PASSWORD = "correct horse battery"
USERS = {
    "admin": Role.ADMIN,
    "ana": Role.ANALYST,
    "rita": Role.REVIEWER,
    "sam": Role.REVIEWER,
    "audrey": Role.AUDITOR,
    "sally": Role.SENIOR,
}
AS_OF = date(2024, 6, 30)

ENTITIES = [
    {
        "id": "test-bp-1",
        "schema": "Company",
        "properties": {
            "name": ["Backpage.com LLC"],
            "country": ["ru"],
            "topics": ["sanction"],
            "program": ["TEST-PROGRAM"],
        },
    },
    {
        "id": "test-camarillo",
        "schema": "Company",
        "properties": {"name": ["Camarillo Holdings Limited"], "country": ["cy"]},
    },
    {
        "id": "test-other",
        "schema": "Person",
        "properties": {"name": ["Ivan Testovich Petrov"], "birthDate": ["1960"]},
    },
]


def write_watchlist(folder: Path) -> Path:
    """The small FtM watch list, as JSON lines."""
    path = folder / "test-list.ftm.json"
    path.write_text("".join(json.dumps(e) + "\n" for e in ENTITIES), encoding="utf-8")
    return path


def seed(engine: Engine, tmp: Path, *, score_all: bool = False) -> dict[str, str]:
    """Load everything; returns an API token per username."""
    folder = sample_data_dir()
    with session_scope(engine) as session:
        for kind, name in IMPORT_ORDER:
            import_file(session=session, path=folder / name, kind=kind, actor="system")  # type: ignore[arg-type]
        sync_active_from_disk(session=session, models_dir=MODELS, actor="system")
        annotate_signals(
            session=session, signals=list(session.scalars(select(Signal))), models_dir=MODELS
        )
        import_watchlist(session=session, path=write_watchlist(tmp), fmt="ftm", actor="system")
        screen_clients(session=session, actor="system")
        link_signals(session=session, actor="system")
        query = select(Client.id).order_by(Client.id)
        if not score_all:
            query = query.where(
                (Client.external_ref.like("CS-%")) | (Client.id <= 40)  # a roster to page through
            )
        ids = list(session.scalars(query))
        # As if the nightly run had scored the roster on AS_OF (so these are current).
        store_results(
            session=session,
            results=score_clients(session=session, client_ids=ids, as_of=AS_OF),
            actor="system",
            made_on=AS_OF,
        )
    tokens = {}
    with session_scope(engine) as session:
        for username, role in USERS.items():
            add_user(
                session=session, username=username, role=role, password=PASSWORD, actor="admin"
            )
        for username in USERS:
            tokens[username] = issue_api_token(session=session, username=username, actor="admin")
    return tokens
