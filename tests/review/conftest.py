"""Fixtures of the review tests: a bootstrapped admin, two reviewers, an analyst, an auditor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence.accounts.users import add_user
from duediligence.config import get_settings
from duediligence.db.enums import Role
from duediligence.db.models import AuditEvent
from duediligence.review.decisions import _intervals

PASSWORD = "correct horse battery"


@pytest.fixture
def people(session: Session) -> dict[str, str]:
    """Usernames by role: admin, rita and sam (reviewers), ana (analyst), audrey (auditor)."""
    add_user(session=session, username="admin", role=Role.ADMIN, actor=None)
    for name, role in [
        ("rita", Role.REVIEWER),
        ("sam", Role.REVIEWER),
        ("ana", Role.ANALYST),
        ("audrey", Role.AUDITOR),
    ]:
        # Argon2 is slow on purpose: only rita gets a password (the tests that log in use her).
        add_user(
            session=session,
            username=name,
            role=role,
            password=PASSWORD if name == "rita" else None,
            actor="admin",
        )
    session.commit()
    return {"admin": "admin", "r1": "rita", "r2": "sam", "analyst": "ana", "auditor": "audrey"}


def event_count(session: Session) -> int:
    """How many audit events exist."""
    return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def last_events(session: Session, n: int) -> list[AuditEvent]:
    """The newest ``n`` events, oldest first."""
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.sequence.desc()).limit(n))
    return list(reversed(rows.all()))


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    _intervals.cache_clear()
    yield
    get_settings.cache_clear()
    _intervals.cache_clear()
