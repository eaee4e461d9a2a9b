"""A named lease in the database: one holder at a time, with an expiry.

The holder renews the lease while it works; a holder that crashed stops renewing, so the lease
expires and the next invocation takes it over. A holder on this same machine whose process is
gone is treated as expired at once (its ``owner`` records host and pid), so a killed run can be
resumed without waiting for the expiry.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError as SAIntegrityError
from sqlalchemy.orm import Session

from duediligence.audit.trail import record_event
from duediligence.db.base import utcnow
from duediligence.db.models import Lease
from duediligence.db.session import session_factory
from duediligence.errors import ConflictError

log = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(minutes=15)


def new_owner(tag: str = "") -> str:
    """A unique owner name for this process: ``host:pid:random[:tag]``."""
    base = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    return f"{base}:{tag}" if tag else base


def owner_is_dead(owner: str) -> bool:
    """Whether ``owner`` names a process on this machine that no longer exists."""
    parts = owner.split(":")
    if len(parts) < 3 or parts[0] != socket.gethostname():
        return False
    try:
        pid = int(parts[1])
    except ValueError:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass(frozen=True)
class LeaseInfo:
    """Who holds a lease and until when."""

    name: str
    owner: str
    acquired_at: datetime
    expires_at: datetime
    taken_over_from: str | None = None


def current_lease(*, session: Session, name: str) -> LeaseInfo | None:
    """The lease row named ``name``, if any (expired or not)."""
    row = session.get(Lease, name, populate_existing=True)
    if row is None:
        return None
    return LeaseInfo(row.name, row.owner, row.acquired_at, row.expires_at)


def acquire_lease(
    engine: Engine, name: str, owner: str, *, ttl: timedelta = DEFAULT_TTL
) -> LeaseInfo:
    """Take the lease ``name`` for ``owner`` in its own committed transaction.

    Succeeds when nobody holds it, when it expired, when its holder's process on this machine
    is gone, or when ``owner`` already holds it; otherwise raises :class:`ConflictError` naming
    the holder and the expiry.
    """
    factory = session_factory(engine)
    for _attempt in range(3):
        now = utcnow()
        with factory() as session:
            held = current_lease(session=session, name=name)
            if held is None:
                try:
                    session.execute(
                        insert(Lease).values(
                            name=name, owner=owner, acquired_at=now, expires_at=now + ttl
                        )
                    )
                    session.commit()
                except SAIntegrityError:
                    session.rollback()
                    continue  # someone inserted it first: look again
                log.info("lease %s acquired", name, extra={"lease": name, "owner": owner})
                return LeaseInfo(name, owner, now, now + ttl)
            stale = held.expires_at <= now or owner_is_dead(held.owner)
            if held.owner != owner and not stale:
                raise ConflictError(
                    f"another rescore is running: lease {name!r} is held by {held.owner} "
                    f"since {held.acquired_at:%Y-%m-%d %H:%M:%S} UTC until "
                    f"{held.expires_at:%Y-%m-%d %H:%M:%S} UTC; wait for it to finish, or for the "
                    "lease to expire if that run crashed"
                )
            # Compare-and-set on the row we saw, so two takers cannot both win.
            result = session.execute(
                update(Lease)
                .where(
                    Lease.name == name,
                    Lease.owner == held.owner,
                    Lease.expires_at == held.expires_at,
                )
                .values(owner=owner, acquired_at=now, expires_at=now + ttl)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                session.rollback()
                continue
            taken_from = None
            if held.owner != owner:
                taken_from = held.owner
                record_event(
                    session=session,
                    actor=None,
                    action="lease.taken_over",
                    object_type="lease",
                    object_id=name,
                    before={"owner": held.owner, "expires_at": held.expires_at},
                    after={"owner": owner, "expires_at": now + ttl},
                )
                log.warning(
                    "lease %s taken over from %s (expired or its process is gone)",
                    name,
                    held.owner,
                    extra={"lease": name, "owner": owner, "previous_owner": held.owner},
                )
            session.commit()
            return LeaseInfo(name, owner, now, now + ttl, taken_from)
    raise ConflictError(f"could not take lease {name!r}: it keeps changing hands; try again")


def renew_lease(engine: Engine, name: str, owner: str, *, ttl: timedelta = DEFAULT_TTL) -> datetime:
    """Push the expiry of a lease ``owner`` holds; :class:`ConflictError` if it was lost."""
    expires = utcnow() + ttl
    with session_factory(engine)() as session:
        result = session.execute(
            update(Lease).where(Lease.name == name, Lease.owner == owner).values(expires_at=expires)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            raise ConflictError(
                f"lease {name!r} was lost (it expired and another invocation took it over); "
                "stopping this run"
            )
        session.commit()
    return expires


def release_lease(engine: Engine, name: str, owner: str) -> None:
    """Give the lease up (no-op if ``owner`` no longer holds it)."""
    with session_factory(engine)() as session:
        session.execute(delete(Lease).where(Lease.name == name, Lease.owner == owner))
        session.commit()


def holder(*, session: Session, name: str) -> str | None:
    """The owner of a live (unexpired) lease, or ``None``."""
    row = session.scalar(select(Lease).where(Lease.name == name))
    if row is None or row.expires_at <= utcnow():
        return None
    return row.owner
