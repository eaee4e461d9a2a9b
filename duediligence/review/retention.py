"""Retention: pseudonymise personal data of parties of clients offboarded long ago.

A client whose relationship ended (``offboarded_on``) more than :data:`RETENTION_YEARS` years
before the given date has its *person* parties (owners, directors, officers who are natural
persons) pseudonymised: name, party key, birth date and country are replaced or cleared and
``pseudonymised_at`` is set. Screening matches on those parties lose the name and the
comparison details; a signal whose subject is such a person loses the subject name; and audit
events of those clients whose payload mentions a purged name have that payload replaced by a
redaction marker that keeps its SHA-256, so the hash chain still verifies (the purge event
lists the redacted events, and ``audit verify`` refuses a redaction no purge lists).

Kept as they are: clients (a company is not personal data), company parties, engagements,
assessments (their features and explanations hold no names) and decisions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.accounts.roles import Permission
from duediligence.accounts.users import require_permission
from duediligence.audit.trail import is_redacted, record_event, redaction_marker
from duediligence.db.base import utcnow
from duediligence.db.enums import ClientStatus, PartyKind
from duediligence.db.models import AuditEvent, Client, Party, ScreeningMatch, Signal
from duediligence.defaults import RETENTION_YEARS
from duediligence.jsonutil import canonical_json

log = logging.getLogger(__name__)

PURGE_REASON = "retention purge"


def years_before(day: date, years: int) -> date:
    """``day`` moved back ``years`` years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def pseudonym(party_id: int) -> str:
    """The stable stand-in name of a pseudonymised party."""
    return f"Pseudonymised person {party_id}"


@dataclass
class PurgeResult:
    """What a purge did (or, with ``dry_run``, would do)."""

    before: date
    cutoff: date
    dry_run: bool
    clients: list[str] = field(default_factory=list)
    parties: int = 0
    matches: int = 0
    signals: int = 0
    redacted_events: list[int] = field(default_factory=list)


def _mentions(payload: object, names: list[str]) -> bool:
    if payload is None or is_redacted(payload):
        return False
    text = canonical_json(payload).casefold()
    return any(name in text for name in names)


def purge_personal_data(
    *, session: Session, before: date, dry_run: bool = False, actor: str | None
) -> PurgeResult:
    """Pseudonymise personal data of clients offboarded more than five years before ``before``.

    ``actor`` must be an active admin (not needed for a dry run, which changes nothing).
    Idempotent: parties already pseudonymised are skipped. Records one ``retention.purged``
    event when anything changed.
    """
    acting = (
        None
        if dry_run
        else require_permission(
            session=session, username=actor, permission=Permission.PURGE_PERSONAL_DATA
        )
    )
    cutoff = years_before(before, RETENTION_YEARS)
    result = PurgeResult(before=before, cutoff=cutoff, dry_run=dry_run)
    clients = list(
        session.scalars(
            select(Client)
            .where(
                Client.status == ClientStatus.OFFBOARDED,
                Client.offboarded_on.is_not(None),
                Client.offboarded_on < cutoff,
            )
            .order_by(Client.id)
        )
    )
    if not clients:
        return result
    client_ids = [c.id for c in clients]
    parties = list(
        session.scalars(
            select(Party)
            .where(
                Party.client_id.in_(client_ids),
                Party.kind == PartyKind.PERSON,
                Party.pseudonymised_at.is_(None),
            )
            .order_by(Party.id)
        )
    )
    if not parties:
        return result
    touched = {p.client_id for p in parties}
    result.clients = [c.external_ref for c in clients if c.id in touched]
    result.parties = len(parties)
    names_by_client: dict[int, list[str]] = {}
    for p in parties:
        names_by_client.setdefault(p.client_id, []).append(p.name.casefold())
    party_ids = [p.id for p in parties]
    matches = list(
        session.scalars(select(ScreeningMatch).where(ScreeningMatch.party_id.in_(party_ids)))
    )
    result.matches = len(matches)
    signals = [
        s
        for s in session.scalars(select(Signal).where(Signal.client_id.in_(list(touched))))
        if s.subject_name and s.subject_name.casefold() in names_by_client.get(s.client_id or 0, [])
    ]
    result.signals = len(signals)
    events = [
        e
        for e in session.scalars(
            select(AuditEvent)
            .where(AuditEvent.client_id.in_(list(touched)))
            .order_by(AuditEvent.sequence)
        )
        if e.action != "retention.purged"
        and (
            _mentions(e.before, names_by_client[e.client_id or 0])
            or _mentions(e.after, names_by_client[e.client_id or 0])
        )
    ]
    result.redacted_events = [e.sequence for e in events]
    if dry_run:
        return result

    now = utcnow()
    by_party = {p.id: p for p in parties}
    for s in signals:
        for p in parties:
            if (
                p.client_id == s.client_id
                and p.name.casefold() == (s.subject_name or "").casefold()
            ):
                s.subject_name = pseudonym(p.id)
                break
    for m in matches:
        m.subject_name = pseudonym(m.party_id or 0)
        m.explanation = {"redacted": PURGE_REASON}
        m.subject_hash = None
    for e in events:
        names = names_by_client[e.client_id or 0]
        if _mentions(e.before, names):
            e.before = redaction_marker(e.before, PURGE_REASON, e.hash_scheme)
        if _mentions(e.after, names):
            e.after = redaction_marker(e.after, PURGE_REASON, e.hash_scheme)
    for party in by_party.values():
        party.name = pseudonym(party.id)
        party.party_key = f"pseudonymised-{party.id}"
        party.birth_date = None
        party.country = None
        party.pseudonymised_at = now
    session.flush()
    assert acting is not None
    record_event(
        session=session,
        actor=acting.username,
        action="retention.purged",
        object_type="retention",
        object_id=before.isoformat(),
        after={
            "before": before,
            "cutoff": cutoff,
            "retention_years": RETENTION_YEARS,
            "clients": result.clients,
            "party_ids": party_ids,
            "matches": result.matches,
            "signals": result.signals,
            "redacted_events": result.redacted_events,
        },
    )
    log.info(
        "retention purge: %d parties of %d clients pseudonymised, %d events redacted",
        result.parties,
        len(result.clients),
        len(result.redacted_events),
    )
    return result
