"""The rescore lease: one invocation at a time; an expired or orphaned lease is taken over."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from duediligence.batch import LEASE_NAME, RescoreSummary, acquire_lease, renew_lease
from duediligence.batch.lease import owner_is_dead
from duediligence.db.base import utcnow
from duediligence.db.models import AuditEvent, Lease
from duediligence.errors import ConflictError
from tests.factories import make_client

LIVE_ELSEWHERE = "other-host:4242:abcd1234:rescore"


def _hold(session: Session, owner: str, expires_in: timedelta) -> None:
    now = utcnow()
    session.add(Lease(name=LEASE_NAME, owner=owner, acquired_at=now, expires_at=now + expires_in))
    session.commit()


def test_second_holder_is_refused_with_a_clear_message(engine: Engine) -> None:
    acquire_lease(engine, LEASE_NAME, "me:1:a")
    with pytest.raises(ConflictError, match=r"another rescore is running.*held by me:1:a"):
        acquire_lease(engine, LEASE_NAME, "you:2:b")
    # The holder may take it again (renewal by acquisition) and renew it.
    acquire_lease(engine, LEASE_NAME, "me:1:a")
    renew_lease(engine, LEASE_NAME, "me:1:a")


def test_expired_lease_is_taken_over_and_audited(engine: Engine, session: Session) -> None:
    _hold(session, LIVE_ELSEWHERE, timedelta(seconds=-1))
    info = acquire_lease(engine, LEASE_NAME, "me:1:a", ttl=timedelta(minutes=5))
    assert info.taken_over_from == LIVE_ELSEWHERE
    session.expire_all()
    row = session.get(Lease, LEASE_NAME)
    assert row is not None and row.owner == "me:1:a" and row.expires_at > utcnow()
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "lease.taken_over"))
    assert event is not None and event.before["owner"] == LIVE_ELSEWHERE
    # The previous holder finds out when it tries to renew.
    with pytest.raises(ConflictError, match="lease 'rescore' was lost"):
        renew_lease(engine, LEASE_NAME, LIVE_ELSEWHERE)


def test_lease_of_a_dead_local_process_is_taken_over_at_once(
    engine: Engine, session: Session
) -> None:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    import socket

    dead = f"{socket.gethostname()}:{int(child.stdout)}:deadbeef:rescore"
    assert owner_is_dead(dead)
    _hold(session, dead, timedelta(hours=1))
    info = acquire_lease(engine, LEASE_NAME, "me:1:a")
    assert info.taken_over_from == dead


def test_cli_refuses_an_overlapping_invocation(
    cli: Callable[..., Any], session: Session, tmp_path: Path
) -> None:
    make_client(session)
    _hold(session, LIVE_ELSEWHERE, timedelta(minutes=10))
    result = cli("rescore", "--alerts-dir", str(tmp_path))
    assert result.exit_code == 1
    assert "another rescore is running" in result.output
    assert LIVE_ELSEWHERE in result.output
    # Once that lease expires, the next invocation takes over and runs.
    session.query(Lease).delete()
    session.commit()
    _hold(session, LIVE_ELSEWHERE, timedelta(seconds=-5))
    result = cli("rescore", "--json", "--alerts-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["clients_scored"] == 1
    session.expire_all()
    assert session.get(Lease, LEASE_NAME) is None  # released at the end


def test_library_refuses_while_lease_is_held(
    session: Session, run_rescore: Callable[..., RescoreSummary]
) -> None:
    _hold(session, LIVE_ELSEWHERE, timedelta(minutes=10))
    with pytest.raises(ConflictError):
        run_rescore()
