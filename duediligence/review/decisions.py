"""Reviewers' decisions on clients under a four-eyes rule.

A decision is made on the client's latest assessment. For ``high`` and ``prohibited`` tiers it
takes effect only once a *different* active reviewer confirms it; for lower tiers one reviewer
suffices. Decisions are never edited: a correction is a new decision whose ``supersedes_id``
names the old one, and the old one's status becomes ``superseded`` when the new one takes
effect (or at once, if the old one was still awaiting confirmation). The only fields that ever
change on a stored decision are its status and, on confirmation, the checker and next-review
date; each such change is one audit event.

A decision that takes effect sets the next-review date from the assessed tier (see
:func:`review_intervals`). An effective ``offboard`` decision marks the client offboarded.

**Politically exposed clients (enhanced due diligence).** When the assessment carries the
``politically_exposed_person`` rule (:mod:`duediligence.risk.pep`), a decision needs, besides
a second reviewer, the sign-off of a *senior approver* — a user with the ``senior`` role
(senior management: FATF Recommendation 12(b)(i); EU Directive 2015/849 art. 20(b)(i); UK MLRs
2017 reg. 35(5)(a)), who may sign off nothing else and decide nothing (see ``PERMISSIONS`` in
:mod:`duediligence.accounts.roles`), so maker, checker and approver are three people. An
approval (``approve``, ``approve_with_conditions``) is refused without the EDD fields — the
source of wealth, the source of funds (R.12(b)(ii); AMLD art. 20(b)(ii); MLRs reg. 35(5)(b))
and the EDD rationale. The decision takes effect once both the second review and the senior
sign-off are recorded, in either order; each is one audit event, and the decision's audit
record carries the EDD fields and the approver. Such a decision's next review comes after
``review_days`` of the ``[pep]`` table of ``DD_TIERS_FILE`` (enhanced ongoing monitoring).
"""

from __future__ import annotations

import functools
import logging
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session, selectinload

from duediligence.accounts.roles import Permission
from duediligence.audit.trail import lock_chain, record_event
from duediligence.db.base import utcnow
from duediligence.db.enums import (
    ClientStatus,
    DecisionAction,
    DecisionStatus,
    LinkStatus,
    MatchStatus,
    Tier,
)
from duediligence.db.models import (
    Assessment,
    Client,
    Decision,
    ScreeningMatch,
    Signal,
    Watchlist,
    WatchlistEntity,
)
from duediligence.db.queries import (
    current_assessment,
    current_assessment_ids,
    resolve_client,
    utc_today,
)
from duediligence.defaults import MATCH_THRESHOLD
from duediligence.errors import (
    ConfigError,
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDenied,
    StaleStateError,
)
from duediligence.review.edd import (
    APPROVALS,
    EDD_FIELDS,
    edd_steps,
    missing_edd_fields,
    needs_edd,
)
from duediligence.risk.pep import PEP_RULE

log = logging.getLogger(__name__)

FOUR_EYES_TIERS = frozenset({Tier.HIGH, Tier.PROHIBITED})
# Days until the next periodic review, by tier. DD_TIERS_FILE may override them in a
# ``[next_review_days]`` table (keys low, medium, high, prohibited).
DEFAULT_REVIEW_DAYS: dict[Tier, int] = {
    Tier.LOW: 3 * 365,
    Tier.MEDIUM: 2 * 365,
    Tier.HIGH: 365,
    Tier.PROHIBITED: 90,
}
# Actions that end (or never start) the relationship: nothing left to review periodically.
TERMINAL_ACTIONS = frozenset({DecisionAction.REJECT, DecisionAction.OFFBOARD})
LIVE_STATUSES = (DecisionStatus.AWAITING_CONFIRMATION, DecisionStatus.EFFECTIVE)


# --------------------------------------------------------------------------- configuration


@functools.cache
def _intervals(path: str | None) -> dict[Tier, int]:
    days = dict(DEFAULT_REVIEW_DAYS)
    if not path:
        return days
    try:
        table = tomllib.loads(Path(path).read_text("utf-8")).get("next_review_days", {})
        for key, value in table.items():
            tier = Tier(key)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"{key} must be a positive number of days")
            days[tier] = value
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"next_review_days in {path}: {exc}") from None
    return days


def review_intervals() -> dict[Tier, int]:
    """Days until the next review per tier (defaults, overridden by ``DD_TIERS_FILE``)."""
    from duediligence.config import get_settings

    path = get_settings().tiers_file
    return _intervals(str(path) if path else None)


def next_review_date(
    tier: Tier, action: DecisionAction, effective_on: date, *, pep: bool = False
) -> date | None:
    """When a decision taking effect on ``effective_on`` is due for review (None if terminal);
    for a politically exposed client (``pep``) the sooner of the tier's interval and the PEP
    review interval (``[pep] review_days``)."""
    if action in TERMINAL_ACTIONS:
        return None
    days = review_intervals()[tier]
    if pep:
        from duediligence.risk.pep import pep_settings

        days = min(days, pep_settings().review_days)
    return effective_on + timedelta(days=days)


# --------------------------------------------------------------------------- helpers


def _client(*, session: Session, ref: str | int) -> Client:
    return resolve_client(session=session, ref=ref)


def get_decision(*, session: Session, decision_id: int) -> Decision:
    """One decision by id; :class:`NotFoundError` if there is none."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFoundError(f"no decision {decision_id}")
    return decision


def client_decisions(*, session: Session, client_ref: str | int) -> list[Decision]:
    """A client's decisions, oldest first."""
    client = _client(session=session, ref=client_ref)
    return list(
        session.scalars(
            select(Decision).where(Decision.client_id == client.id).order_by(Decision.id)
        )
    )


def current_decision(*, session: Session, client_id: int) -> Decision | None:
    """The client's decision in force (the newest effective one), if any."""
    return session.scalar(
        select(Decision)
        .where(Decision.client_id == client_id, Decision.status == DecisionStatus.EFFECTIVE)
        .order_by(Decision.id.desc())
        .limit(1)
    )


def pending_decision(*, session: Session, client_id: int) -> Decision | None:
    """The client's decision awaiting a second reviewer, if any."""
    return session.scalar(
        select(Decision)
        .where(
            Decision.client_id == client_id,
            Decision.status == DecisionStatus.AWAITING_CONFIRMATION,
        )
        .order_by(Decision.id.desc())
        .limit(1)
    )


def decision_dict(decision: Decision) -> dict[str, Any]:
    """A JSON-able view of a decision (for audit events, ``--json`` and the web app)."""
    return {
        "id": decision.id,
        "client_id": decision.client_id,
        "assessment_id": decision.assessment_id,
        "tier": decision.assessment.tier.value if decision.assessment else None,
        "action": decision.action.value,
        "reason": decision.rationale,
        "status": decision.status.value,
        "requires_second": decision.requires_second,
        "maker": decision.maker,
        "made_at": decision.made_at,
        "checker": decision.checker,
        "checked_at": decision.checked_at,
        "supersedes_id": decision.supersedes_id,
        "next_review_on": decision.next_review_on,
        "requires_senior": decision.requires_senior,
        "senior_approver": decision.senior_approver,
        "senior_approved_at": decision.senior_approved_at,
        "source_of_wealth": decision.source_of_wealth,
        "source_of_funds": decision.source_of_funds,
        "edd_rationale": decision.edd_rationale,
    }


def _take_effect(*, session: Session, decision: Decision, when: datetime) -> dict[str, Any]:
    """Make ``decision`` effective: supersede what it replaces, apply its consequences."""
    changes: dict[str, Any] = {}
    decision.status = DecisionStatus.EFFECTIVE
    decision.next_review_on = next_review_date(
        decision.assessment.tier, decision.action, when.date(), pep=decision.requires_senior
    )
    older = list(
        session.scalars(
            select(Decision).where(
                Decision.client_id == decision.client_id,
                Decision.status == DecisionStatus.EFFECTIVE,
                Decision.id != decision.id,
            )
        )
    )
    for old in older:
        old.status = DecisionStatus.SUPERSEDED
    if older:
        changes["superseded"] = sorted(d.id for d in older)
    if decision.action == DecisionAction.OFFBOARD:
        client = session.get(Client, decision.client_id)
        if client is not None and client.status != ClientStatus.OFFBOARDED:
            changes["client_status"] = {
                "before": {"status": client.status.value, "offboarded_on": client.offboarded_on},
                "after": {"status": ClientStatus.OFFBOARDED.value, "offboarded_on": when.date()},
            }
            client.status = ClientStatus.OFFBOARDED
            client.offboarded_on = when.date()
            client.profile_version += 1
    return changes


def _record_decision_event(
    *,
    session: Session,
    decision: Decision,
    client_ref: str | None,
    verb: str,
    actor: str,
    changes: dict[str, Any],
    before: dict[str, Any] | None = None,
) -> None:
    """The ``decision.<verb>`` audit event: the decision as stored now, and what it changed."""
    record_event(
        session=session,
        actor=actor,
        action=f"decision.{verb}",
        object_type="decision",
        object_id=decision.id,
        client_id=decision.client_id,
        before=before,
        after={"client": client_ref, **decision_dict(decision), **changes},
    )


# --------------------------------------------------------------------------- decide & confirm


def decide(
    *,
    session: Session,
    client_ref: str | int,
    action: DecisionAction | str,
    reason: str,
    actor: str | None,
    supersedes: int | None = None,
    assessment_id: int | None = None,
    source_of_wealth: str | None = None,
    source_of_funds: str | None = None,
    edd_rationale: str | None = None,
) -> Decision:
    """Record a reviewer's decision on the client's current assessment.

    ``actor`` must be an active reviewer. The decision is made on the client's *current*
    assessment (:func:`~duediligence.db.queries.current_assessment`); naming another one in
    ``assessment_id`` — a historical, point-in-time assessment, or a superseded one — is a
    :class:`ConflictError`. For high and prohibited tiers the decision awaits a second reviewer
    (:func:`confirm`); otherwise it takes effect at once. While a decision of the client awaits
    confirmation, a new one is refused unless it names that decision in ``supersedes`` (a
    correction). Records one ``decision.made`` event.

    On a politically exposed client's assessment the decision also awaits a senior approver
    (:func:`senior_approve`), and an approval without ``source_of_wealth``,
    ``source_of_funds`` and ``edd_rationale`` is an :class:`InputError` naming what is missing
    (see the module docstring). The EDD fields are stored on any decision that gives them.
    """
    # imported here: accounts.users imports accounts.passwords, which hashes a dummy password
    # with Argon2 when imported; read-only commands (``review queue``) need not wait for it
    from duediligence.accounts.users import require_permission

    maker = require_permission(session=session, username=actor, permission=Permission.DECIDE)
    lock_chain(session=session)  # serialise concurrent decisions before reading what is pending
    try:
        action = DecisionAction(action)
    except ValueError:
        choices = ", ".join(a.value for a in DecisionAction)
        raise InputError(f"unknown action {action!r} (choose {choices})") from None
    if not reason or not reason.strip():
        raise InputError("a decision needs a reason")
    client = _client(session=session, ref=client_ref)
    assessment = current_assessment(session=session, client_id=client.id)
    if assessment is None:
        raise ConflictError(
            f"client {client.external_ref} has no current assessment: assess it first "
            f"(duediligence assess {client.external_ref})"
        )
    if assessment_id is not None and assessment_id != assessment.id:
        named = session.get(Assessment, assessment_id)
        if named is None or named.client_id != client.id:
            raise NotFoundError(f"no assessment {assessment_id} of {client.external_ref}")
        why = (
            f"a historical view as of {named.as_of}"
            if named.historical
            else f"superseded by assessment {assessment.id}"
        )
        raise ConflictError(
            f"assessment {assessment_id} of {client.external_ref} is {why}; decisions are made "
            f"on the current assessment ({assessment.id}, as of {assessment.as_of}, "
            f"{assessment.tier.value})"
        )
    pending = pending_decision(session=session, client_id=client.id)
    current = current_decision(session=session, client_id=client.id)
    superseded_now: list[int] = []
    if supersedes is not None:
        old = get_decision(session=session, decision_id=supersedes)
        if old.client_id != client.id:
            raise InputError(f"decision {supersedes} is about another client")
        if old.status == DecisionStatus.SUPERSEDED:
            raise ConflictError(f"decision {supersedes} is already superseded")
        refers_to: Decision | None = old
    else:
        refers_to = current
    if pending is not None:
        if refers_to is None or refers_to.id != pending.id:
            raise ConflictError(
                f"decision {pending.id} on {client.external_ref} awaits confirmation: confirm it, "
                f"or correct it with --supersedes {pending.id}"
            )
        pending.status = DecisionStatus.SUPERSEDED
        superseded_now.append(pending.id)
    edd = {
        "source_of_wealth": (source_of_wealth or "").strip() or None,
        "source_of_funds": (source_of_funds or "").strip() or None,
        "edd_rationale": (edd_rationale or "").strip() or None,
    }
    requires_senior = needs_edd(assessment)
    if requires_senior and action in APPROVALS:
        missing = missing_edd_fields(edd)
        if missing:
            raise InputError(
                f"{client.external_ref} is a politically exposed client: approving it needs "
                f"enhanced due diligence — {', '.join(missing)} missing (FATF R.12)"
            )
    now = utcnow()
    requires_second = assessment.tier in FOUR_EYES_TIERS or requires_senior
    decision = Decision(
        assessment_id=assessment.id,
        client_id=client.id,
        action=action,
        rationale=reason.strip(),
        status=DecisionStatus.AWAITING_CONFIRMATION,
        requires_second=requires_second,
        maker=maker.username,
        made_at=now,
        supersedes_id=refers_to.id if refers_to is not None else None,
        requires_senior=requires_senior,
        **edd,
    )
    decision.assessment = assessment
    session.add(decision)
    session.flush()
    changes: dict[str, Any] = {}
    if not requires_second:
        changes = _take_effect(session=session, decision=decision, when=now)
    if superseded_now:
        changes["superseded"] = sorted(superseded_now + changes.get("superseded", []))
    session.flush()
    _record_decision_event(
        session=session,
        decision=decision,
        client_ref=client.external_ref,
        verb="made",
        actor=maker.username,
        changes=changes,
    )
    log.info(
        "decision %s on %s: %s (%s)",
        decision.id,
        client.external_ref,
        action.value,
        decision.status.value,
    )
    return decision


def confirm(*, session: Session, decision_id: int, actor: str | None) -> Decision:
    """Confirm a decision awaiting a second reviewer, who must differ from its maker.

    Refused when the actor is not an active reviewer, is the maker, when the decision is not
    awaiting confirmation, or when the client was re-assessed at a higher tier since (the
    decision was made on stale facts). Records one ``decision.confirmed`` event.
    """
    from duediligence.accounts.users import require_permission  # see decide()

    checker = require_permission(
        session=session, username=actor, permission=Permission.CONFIRM_DECISION
    )
    lock_chain(session=session)  # two reviewers confirming at once: the second sees the first's
    decision = session.get(Decision, decision_id, populate_existing=True)
    if decision is None:
        raise NotFoundError(f"no decision {decision_id}")
    if decision.status != DecisionStatus.AWAITING_CONFIRMATION:
        who = f" (confirmed by {decision.checker})" if decision.checker else ""
        raise StaleStateError(
            f"decision {decision_id} is {decision.status.value}{who}, not awaiting confirmation"
        )
    if checker.username == decision.maker:
        raise PermissionDenied(
            f"four-eyes rule: {checker.username} made decision {decision_id} and cannot confirm it"
        )
    _refuse_if_stale(session=session, decision=decision)
    before = {"status": decision.status.value}
    now = utcnow()
    decision.checker = checker.username
    decision.checked_at = now
    if decision.requires_senior and decision.senior_approver is None:
        changes: dict[str, Any] = {"awaiting": "senior sign-off"}
    else:
        changes = _take_effect(session=session, decision=decision, when=now)
    session.flush()
    client_ref = session.scalar(select(Client.external_ref).where(Client.id == decision.client_id))
    _record_decision_event(
        session=session,
        decision=decision,
        client_ref=client_ref,
        verb="confirmed",
        actor=checker.username,
        changes=changes,
        before=before,
    )
    return decision


def _refuse_if_stale(*, session: Session, decision: Decision) -> None:
    """:class:`ConflictError` when the client was re-assessed at a higher tier since the
    decision was made, or became politically exposed since (the decision's facts are stale)."""
    latest = current_assessment(session=session, client_id=decision.client_id)
    if latest is None:
        return
    if latest.tier.rank > decision.assessment.tier.rank:
        raise ConflictError(
            f"the client was re-assessed at tier {latest.tier.value} after decision "
            f"{decision.id} was made on tier {decision.assessment.tier.value}: make a new decision"
        )
    if needs_edd(latest) and not decision.requires_senior:
        raise ConflictError(
            f"the client became politically exposed after decision {decision.id} was made: "
            "make a new decision (it needs enhanced due diligence and a senior sign-off)"
        )


def senior_approve(*, session: Session, decision_id: int, actor: str | None) -> Decision:
    """A senior approver's sign-off on a politically exposed client's decision.

    ``actor`` must be an active user with the ``senior`` role (:class:`PermissionDenied`
    otherwise, naming the role). Refused (:class:`ConflictError`) when the decision does not
    need a senior sign-off, is not awaiting, is already signed off, or its facts are stale;
    an approval still lacking an EDD field is an :class:`InputError`. The decision takes effect
    when its second review is recorded too. Records one ``decision.senior_approved`` event.
    """
    from duediligence.accounts.users import require_permission  # see decide()

    approver = require_permission(
        session=session, username=actor, permission=Permission.SENIOR_APPROVAL
    )
    lock_chain(session=session)
    decision = session.get(Decision, decision_id, populate_existing=True)
    if decision is None:
        raise NotFoundError(f"no decision {decision_id}")
    if not decision.requires_senior:
        raise ConflictError(f"decision {decision_id} does not need a senior sign-off")
    if decision.status != DecisionStatus.AWAITING_CONFIRMATION:
        raise ConflictError(f"decision {decision_id} is {decision.status.value}, not awaiting")
    if decision.senior_approver is not None:
        raise ConflictError(
            f"decision {decision_id} was signed off by {decision.senior_approver} already"
        )
    if approver.username in (decision.maker, decision.checker):
        raise PermissionDenied(
            f"{approver.username} took part in decision {decision_id} and cannot sign it off"
        )
    if decision.action in APPROVALS:
        missing = missing_edd_fields({f: getattr(decision, f) for f in EDD_FIELDS})
        if missing:
            raise InputError(f"decision {decision_id} lacks {', '.join(missing)}")
    _refuse_if_stale(session=session, decision=decision)
    before = {"status": decision.status.value, "senior_approver": None}
    now = utcnow()
    decision.senior_approver = approver.username
    decision.senior_approved_at = now
    if decision.checker is not None:
        changes = _take_effect(session=session, decision=decision, when=now)
    else:
        changes = {"awaiting": "second reviewer"}
    session.flush()
    client_ref = session.scalar(select(Client.external_ref).where(Client.id == decision.client_id))
    _record_decision_event(
        session=session,
        decision=decision,
        client_ref=client_ref,
        verb="senior_approved",
        actor=approver.username,
        changes=changes,
        before=before,
    )
    return decision


def edd_status(*, session: Session, client_ref: str | int) -> list[dict[str, Any]]:
    """The enhanced-due-diligence steps of a politically exposed client, done and missing,
    for its current assessment and the decision awaiting (else in force); empty when the
    current assessment is not a PEP's (see :func:`duediligence.review.edd.edd_steps`)."""
    client = _client(session=session, ref=client_ref)
    assessment = current_assessment(session=session, client_id=client.id)
    if assessment is None or not needs_edd(assessment):
        return []
    decision = pending_decision(session=session, client_id=client.id) or current_decision(
        session=session, client_id=client.id
    )
    if (
        decision is not None
        and decision.assessment_id != assessment.id
        and not (decision.requires_senior)
    ):
        decision = None  # a decision made before the client was a PEP covers none of it
    return edd_steps(assessment, decision)


# --------------------------------------------------------------------------- the queue


@dataclass(frozen=True)
class QueueItem:
    """Something waiting for a reviewer.

    ``kind`` is ``potential_match`` (a watch-list hit at or above the screening threshold that
    no reviewer has confirmed or dismissed: the client's verdict is on hold; ``match_id`` names
    it), ``second_review`` (a decision awaiting confirmation by someone other than ``maker``),
    ``senior_signoff`` (a politically exposed client's decision awaiting a second reviewer
    and/or a senior approver's sign-off, the note says which),
    ``first_review`` (a client assessed at ``tier`` with no decision covering it), or
    ``review_due`` (the decision in force reached its next-review date), or ``link_review``
    (a news item the linker could not attribute to one client: ``signal_id`` names it and the
    client is its strongest candidate; :mod:`duediligence.review.links`). ``tier`` and
    ``assessment_id`` are the client's current assessment (None if it has none yet).
    """

    kind: str
    client_ref: str
    client_name: str
    tier: str | None
    assessment_id: int | None
    decision_id: int | None
    action: str | None
    maker: str | None
    since: date
    note: str
    match_id: int | None = None
    signal_id: int | None = None


QUEUE_ORDER = {
    "potential_match": 0,
    "senior_signoff": 1,
    "second_review": 1,
    "first_review": 2,
    "review_due": 3,
    "link_review": 4,
}


def _queue_item(
    kind: str,
    row: Any,
    tier: Tier,
    assessment_id: int,
    decision: Decision | None,
    since: date,
    note: str,
) -> QueueItem:
    """A queue line about the client of ``row`` (its ref and name) and the decision it names."""
    return QueueItem(
        kind,
        row.external_ref,
        row.name,
        tier.value,
        assessment_id,
        decision.id if decision is not None else None,
        decision.action.value if decision is not None else None,
        decision.maker if decision is not None else None,
        since,
        note,
    )


def potential_match_items(*, session: Session) -> list[QueueItem]:
    """One queue line per unresolved watch-list hit at or above the screening threshold, for
    clients and prospects alike, oldest first (whatever the client's model tier)."""
    current = current_assessment_ids().subquery()
    rows = session.execute(
        select(
            ScreeningMatch.id,
            ScreeningMatch.subject_name,
            ScreeningMatch.score,
            ScreeningMatch.created_at,
            WatchlistEntity.name.label("entity"),
            WatchlistEntity.source_id,
            WatchlistEntity.programs,
            Watchlist.name.label("list_name"),
            Client.external_ref,
            Client.name,
            Assessment.id.label("assessment_id"),
            Assessment.tier,
        )
        .join(WatchlistEntity, WatchlistEntity.id == ScreeningMatch.entity_id)
        .join(Watchlist, Watchlist.id == WatchlistEntity.watchlist_id)
        .join(Client, Client.id == ScreeningMatch.client_id)
        .outerjoin(current, current.c.client_id == Client.id)
        .outerjoin(Assessment, Assessment.id == current.c.id)
        .where(
            ScreeningMatch.status == MatchStatus.PENDING,
            ScreeningMatch.score >= MATCH_THRESHOLD,
        )
        .order_by(ScreeningMatch.created_at, ScreeningMatch.id)
    ).all()
    items = []
    for r in rows:
        programs = ", ".join(r.programs or [])
        listed = f"{r.list_name} {r.source_id}" + (f", {programs}" if programs else "")
        items.append(
            QueueItem(
                "potential_match",
                r.external_ref,
                r.name,
                r.tier.value if r.tier is not None else None,
                r.assessment_id,
                None,
                None,
                None,
                r.created_at.date(),
                f"potential match {r.id} — on hold: {r.subject_name} ~ {r.entity} ({listed}) "
                f"score {r.score:.2f}; confirm or dismiss it",
                r.id,
            )
        )
    return items


def link_review_items(*, session: Session) -> list[QueueItem]:
    """One queue line per ambiguous news link (the linker found several plausible clients),
    oldest publication first: the client named is the strongest candidate, the note names
    them all and the command that resolves it."""
    signals = session.scalars(
        select(Signal)
        .where(Signal.link_status == LinkStatus.AMBIGUOUS, Signal.client_id.is_(None))
        .order_by(Signal.published_at, Signal.id)
    ).all()
    items = []
    for s in signals:
        candidates = [c for c in (s.link_candidates or []) if c.get("client")]
        if not candidates:
            continue
        top = max(candidates, key=lambda c: float(c.get("score") or 0.0))
        refs = ", ".join(str(c["client"]) for c in candidates)
        items.append(
            QueueItem(
                "link_review",
                str(top["client"]),
                str(top.get("name") or ""),
                None,
                None,
                None,
                None,
                None,
                s.published_at,
                f'ambiguous news link: signal {s.id} "{s.title[:80]}" could be about {refs}; '
                f"duediligence signals link relink {s.id} CLIENT",
                signal_id=s.id,
            )
        )
    return items


def review_queue(
    *, session: Session, today: date | None = None, min_tier: Tier = Tier.MEDIUM
) -> list[QueueItem]:
    """What awaits a first or second pair of eyes, most urgent first.

    Unresolved potential matches come first (oldest first), whatever the client's tier. Then a
    client needs a second review when a decision awaits confirmation, and a first review when
    its current assessment is at ``min_tier`` or above and no live decision covers it, or when
    it was re-assessed at a higher tier than the decision in force was made on, or became
    politically exposed after it (the decision in force had no EDD). Ambiguous news links
    (:func:`link_review_items`) come last. Read-only.
    """
    today = today or utc_today()
    current_ids = current_assessment_ids().subquery()
    live_clients = select(Decision.client_id).where(Decision.status.in_(LIVE_STATUSES))
    wanted_tiers = [t for t in Tier if t.rank >= min_tier.rank]
    # Light rows, not ORM objects: a roster of 100,000 clients must not load every assessment.
    latest = session.execute(
        select(
            Client.id.label("client_id"),
            Client.external_ref,
            Client.name,
            Assessment.id.label("assessment_id"),
            Assessment.tier,
            Assessment.created_at,
        )
        .join(current_ids, Assessment.id == current_ids.c.id)
        .join(Client, Client.id == Assessment.client_id)
        .where(or_(Assessment.tier.in_(wanted_tiers), Assessment.client_id.in_(live_clients)))
    ).all()
    live: dict[int, list[Decision]] = {}
    for d in session.scalars(
        select(Decision)
        .where(Decision.status.in_(LIVE_STATUSES))
        .options(selectinload(Decision.assessment))
        .order_by(Decision.id)
    ):
        live.setdefault(d.client_id, []).append(d)
    # Current assessments that found a PEP (a text match on the stored rule hits: no JSON is
    # loaded for the roster).
    exposed = set(
        session.scalars(
            select(Assessment.client_id)
            .join(current_ids, Assessment.id == current_ids.c.id)
            .where(cast(Assessment.rule_hits, String).like(f"%{PEP_RULE}%"))
        )
    )
    items: list[QueueItem] = []
    for row in latest:
        client_id = row.client_id
        decisions = live.get(client_id, [])
        pending = [d for d in decisions if d.status == DecisionStatus.AWAITING_CONFIRMATION]
        effective = [d for d in decisions if d.status == DecisionStatus.EFFECTIVE]
        for d in pending:
            note = f"{d.action.value} by {d.maker}; needs another reviewer"
            kind = "second_review"
            if d.requires_senior:
                kind = "senior_signoff"
                wanted = [
                    *(["another reviewer"] if d.checker is None else []),
                    *(["a senior sign-off"] if d.senior_approver is None else []),
                ]
                done = f"; confirmed by {d.checker}" if d.checker else ""
                note = (
                    f"PEP {d.action.value} by {d.maker}{done}; awaits {' and '.join(wanted)} "
                    "(enhanced due diligence)"
                )
            items.append(
                _queue_item(
                    kind,
                    row,
                    d.assessment.tier,
                    d.assessment_id,
                    d,
                    d.made_at.date(),
                    note,
                )
            )
        if pending:
            continue
        tier: Tier = row.tier
        current = effective[-1] if effective else None
        if current is None:
            if tier.rank >= min_tier.rank:
                items.append(
                    _queue_item(
                        "first_review",
                        row,
                        tier,
                        row.assessment_id,
                        None,
                        row.created_at.date(),
                        "no decision yet",
                    )
                )
            continue
        if current.action in TERMINAL_ACTIONS:
            continue
        decided_tier = current.assessment.tier
        newly_exposed = row.client_id in exposed and not current.requires_senior
        if newly_exposed or tier.rank > decided_tier.rank:
            note = (
                f"politically exposed since decision {current.id}: enhanced due diligence and a "
                "senior sign-off needed"
                if newly_exposed
                else f"risk rose from {decided_tier.value} to {tier.value} since decision "
                f"{current.id}"
            )
            items.append(
                _queue_item(
                    "first_review",
                    row,
                    tier,
                    row.assessment_id,
                    current,
                    row.created_at.date(),
                    note,
                )
            )
        elif current.next_review_on is not None and current.next_review_on <= today:
            note = f"periodic review due ({current.action.value} by {current.maker})"
            items.append(
                _queue_item(
                    "review_due",
                    row,
                    tier,
                    row.assessment_id,
                    current,
                    current.next_review_on,
                    note,
                )
            )
    items.sort(
        key=lambda i: (QUEUE_ORDER[i.kind], -Tier(i.tier or "low").rank, i.since, i.client_ref)
    )
    return potential_match_items(session=session) + items + link_review_items(session=session)
