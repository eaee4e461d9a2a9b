"""Reviewers' actions on news links: confirm, re-link or reject how a signal was tied to a client.

The linker (:mod:`duediligence.matching.linking`) ties an article to a client — directly, or
*through* one of its parties ("about its owner X": ``Signal.link_party_id``) — and stores its
evidence (``Signal.link_evidence``: the matched mention, its sentence, where it stood, how often,
the reasons). When it cannot tell two clients apart it leaves the signal ``ambiguous`` with the
competing candidates (``Signal.link_candidates``). A reviewer then:

- **confirms** a link (:func:`confirm_link`): the link stays, the reviewer and time are stored;
- **re-links** the signal to another client, optionally through one of that client's parties
  (:func:`relink`); resolving an ambiguous signal is a re-link to one of its candidates;
- **rejects** a link (:func:`reject_link`): a :class:`~duediligence.db.models.SignalLinkRejection`
  row remembers it (the linker never makes that link again), the signal is unlinked and goes
  back to ``unlinked``, or to ``ambiguous`` when other candidates remain;
- **withdraws a rejection** made in error (:func:`unreject_link`): the rejection row is deleted
  (the audit event keeps it) and the linker runs on the signal again, so it may link it anew.

Each action needs a reviewer (:data:`~duediligence.accounts.roles.PERMISSIONS`,
``REVIEW_SIGNAL``), records one audit event (``signal.link_confirmed``, ``signal.relinked``,
``signal.link_rejected``, ``signal.link_unrejected``) with the link before and after, and —
like confirming a screening match (:func:`duediligence.review.verdicts.decide_match`) —
re-assesses every client whose record changed, so its current verdict reflects the link at
once instead of waiting for the nightly re-scoring. A re-linked or rejected signal loses the
previous client's review verdict and the classifier's reading of the client's role in it (both
were about another client); the role is read again at once when an adverse-media model is
active, else by the next ``classify`` run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from duediligence.accounts.roles import Permission
from duediligence.accounts.users import require_permission
from duediligence.audit.trail import record_event
from duediligence.db.base import utcnow
from duediligence.db.enums import LinkStatus, ReviewStatus
from duediligence.db.models import Assessment, Client, Party, Signal, SignalLinkRejection
from duediligence.db.queries import resolve_client
from duediligence.errors import ConfigError, ConflictError, InputError, NotFoundError

log = logging.getLogger(__name__)

WHERE_WORDS = {"headline": "headline", "first paragraph": "first-paragraph", "body": "body"}


# --------------------------------------------------------------------------- reading a link


def describe_evidence(evidence: dict[str, Any] | None) -> str | None:
    """How the linker found the client, in words: ``headline mention of 'Acme Ltd'`` (``,
    3 mentions`` when it counted more than one); None without evidence.

    ``evidence`` is ``Signal.link_evidence`` (keys ``mention``, ``where``, ``count``, ...);
    ``where`` is ``headline``, ``first paragraph``, ``body`` or ``subject`` (the source named its
    subject, see :func:`duediligence.matching.linking.link_signals`)."""
    if not evidence or not evidence.get("mention"):
        return None
    if evidence.get("where") == "subject":
        # the source named its subject and the text never spells it: the link rests on that
        return f"subject named by the source: '{evidence['mention']}'"
    where = WHERE_WORDS.get(str(evidence.get("where") or ""), str(evidence.get("where") or ""))
    text = f"{where} mention of '{evidence['mention']}'".strip()
    count = evidence.get("count")
    if isinstance(count, int) and count > 1:
        text += f", {count} mentions"
    return text


def describe_party(party_name: str | None, party_role: str | None) -> str | None:
    """``about its owner John Doe`` for a signal linked through a party; None otherwise."""
    if not party_name:
        return None
    return f"about its {party_role or 'party'} {party_name}"


def describe_link(signal: Signal) -> str:
    """One line on how a signal is tied to its client: the evidence, the party it is about and
    whether a reviewer confirmed it or re-linked it (``headline mention of 'John Doe'; about its
    owner John Doe; link confirmed by rita``). Reads ``signal.link_party``."""
    parts = []
    how = describe_evidence(signal.link_evidence)
    if how:
        parts.append(how)
    elif signal.link_status == LinkStatus.IMPORTED:
        parts.append("named in the imported file")
    elif signal.link_status == LinkStatus.LINKED:
        parts.append("linked by name")
    party = signal.link_party
    about = describe_party(party.name, party.role.value) if party is not None else None
    if about:
        parts.append(about)
    if signal.link_reviewed_by:
        relinked = "reviewer" in (signal.link_evidence or {})
        verb = "re-linked" if relinked else "link confirmed"
        parts.append(f"{verb} by {signal.link_reviewed_by}")
    elif signal.link_status == LinkStatus.LINKED:
        parts.append("link not reviewed")
    return "; ".join(parts)


def candidates_of(signal: Signal) -> list[dict[str, Any]]:
    """The competing clients the linker stored (``{client, name, score, evidence}``), without
    the leading ``{"reason": ...}`` item."""
    return [c for c in (signal.link_candidates or []) if c.get("client")]


def ambiguity_reason(signal: Signal) -> str | None:
    """Why the linker could not decide (the candidates' leading ``reason`` item), if stored."""
    for c in signal.link_candidates or []:
        if "reason" in c and not c.get("client"):
            return str(c["reason"])
    return None


def link_dict(signal: Signal) -> dict[str, Any]:
    """A JSON-able view of a signal's link for the CLI, the web app and audit events:
    ``{signal, title, published_at, source, url, label, adverse_probability, status, client,
    client_name, client_country, party, party_role, evidence, how, candidates, reason,
    reviewed_by, reviewed_at}`` (``label`` and ``adverse_probability``: the adverse-media
    classifier's reading, None before it ran)."""
    client = signal.client
    party = signal.link_party
    return {
        "signal": signal.id,
        "title": signal.title,
        "published_at": signal.published_at,
        "source": signal.source,
        "url": signal.url,
        "label": signal.label,
        "adverse_probability": signal.adverse_probability,
        "status": signal.link_status.value,
        "client": client.external_ref if client is not None else None,
        "client_name": client.name if client is not None else None,
        "client_country": client.country if client is not None else None,
        "party": party.name if party is not None else None,
        "party_role": party.role.value if party is not None else None,
        "evidence": signal.link_evidence,
        "how": describe_link(signal),
        "candidates": candidates_of(signal),
        "reason": ambiguity_reason(signal),
        "reviewed_by": signal.link_reviewed_by,
        "reviewed_at": signal.link_reviewed_at,
    }


def _state(signal: Signal) -> dict[str, Any]:
    """The link fields an audit event records before and after a change."""
    client_ref = None
    if signal.client_id is not None:
        client_ref = signal.client.external_ref if signal.client is not None else None
    return {
        "link_status": signal.link_status.value,
        "client": client_ref,
        "party_id": signal.link_party_id,
        "party": signal.link_party.name if signal.link_party is not None else None,
        "link_reviewed_by": signal.link_reviewed_by,
        "review_status": signal.review_status.value,
    }


_AWAITING_REVIEW = (
    or_(
        Signal.link_status == LinkStatus.AMBIGUOUS,
        (Signal.link_status == LinkStatus.LINKED) & Signal.link_reviewed_by.is_(None),
    ),
    Signal.screening_match_id.is_(None),
)


def links_to_review(*, session: Session, limit: int | None = None) -> list[Signal]:
    """Signals whose link awaits a reviewer: ambiguous ones first (nothing is linked until a
    reviewer picks a client), then ones the linker linked that no reviewer confirmed yet; oldest
    publication first within each. The clients and parties the signals are linked to are loaded
    in one query each (:func:`link_dict` reads them), not one look-up per signal."""
    query = (
        select(Signal)
        .options(selectinload(Signal.client), selectinload(Signal.link_party))
        .where(*_AWAITING_REVIEW)
        .order_by(
            case((Signal.link_status == LinkStatus.AMBIGUOUS, 0), else_=1),
            Signal.published_at,
            Signal.id,
        )
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def count_links_to_review(*, session: Session) -> int:
    """How many signals :func:`links_to_review` would list without a limit."""
    return int(
        session.scalar(select(func.count()).select_from(Signal).where(*_AWAITING_REVIEW)) or 0
    )


def rejected_client_ids(*, session: Session, signal_id: int) -> set[int]:
    """The clients reviewers rejected as the subject of signal ``signal_id``."""
    return set(
        session.scalars(
            select(SignalLinkRejection.client_id).where(SignalLinkRejection.signal_id == signal_id)
        )
    )


# --------------------------------------------------------------------------- actions


@dataclass
class LinkChange:
    """A reviewer's action on a link: the signal as it is now, the clients re-assessed because
    their record changed (their new current assessments), and for a rejection or its withdrawal
    the client rejected (its external reference)."""

    signal: Signal
    assessments: list[Assessment] = field(default_factory=list)
    rejected_client: str | None = None  # reject_link / unreject_link: the client concerned


def _signal(*, session: Session, signal_id: int) -> Signal:
    signal = session.get(Signal, signal_id)
    if signal is None:
        raise NotFoundError(f"no signal {signal_id}")
    if signal.screening_match_id is not None:
        raise ConflictError(
            f"signal {signal_id} records a confirmed screening match; review the match instead"
        )
    return signal


def _reason(reason: str | None, *, required: bool) -> str | None:
    text = (reason or "").strip() or None
    if required and text is None:
        raise InputError("a reason is required")
    return text


def _reassess(*, session: Session, client_ids: list[int | None], actor: str) -> list[Assessment]:
    """Re-assess each client (once, in order) whose record a link change altered."""
    from duediligence.risk.assess import assess_client

    done = []
    for client_id in dict.fromkeys(c for c in client_ids if c is not None):
        done.append(assess_client(session=session, client=client_id, actor=actor))
    return done


def _reread_role(*, session: Session, signal: Signal, actor: str) -> None:
    """Forget the classifier's reading of the previous client's role in the signal and read it
    again for the new client when an adverse-media model is active."""
    from duediligence.signals.annotate import classify_signal_ids

    signal.role = None
    session.flush()
    if signal.client_id is None or signal.model_version is None:
        return
    try:
        classify_signal_ids(session=session, signal_ids=[signal.id], actor=actor)
    except (NotFoundError, ConfigError) as exc:
        log.info("signal %s: role not re-read (%s); the next classify run reads it", signal.id, exc)
    session.refresh(signal)


def _audit(
    *,
    session: Session,
    signal: Signal,
    action: str,
    actor: str,
    before: dict[str, Any],
    client_id: int | None,
    **extra: Any,
) -> None:
    session.flush()
    session.refresh(signal, ["client", "link_party"])
    record_event(
        session=session,
        actor=actor,
        action=f"signal.{action}",
        object_type="signal",
        object_id=signal.id,
        client_id=client_id,
        before=before,
        after={**_state(signal), **extra},
    )


def confirm_link(
    *, session: Session, signal_id: int, actor: str | None, reason: str | None = None
) -> LinkChange:
    """A reviewer confirms a signal's link to its client (and the party it went through).

    Stores the reviewer and time on the signal (``link_reviewed_by``/``_at``) and records one
    ``signal.link_confirmed`` event. :class:`PermissionDenied` unless ``actor`` is an active
    reviewer; :class:`NotFoundError` for an unknown signal; :class:`ConflictError` when the
    signal is not linked to a client (an ambiguous one is resolved with :func:`relink`) or its
    link is already confirmed. Nothing is re-assessed: the record does not change.
    """
    user = require_permission(session=session, username=actor, permission=Permission.REVIEW_SIGNAL)
    signal = _signal(session=session, signal_id=signal_id)
    if signal.client_id is None:
        what = (
            "ambiguous: re-link it to one of its candidates"
            if signal.link_status == LinkStatus.AMBIGUOUS
            else "not linked to a client"
        )
        raise ConflictError(f"signal {signal_id} is {what}")
    if signal.link_reviewed_by is not None:
        raise ConflictError(
            f"the link of signal {signal_id} was confirmed by {signal.link_reviewed_by} already"
        )
    before = _state(signal)
    signal.link_reviewed_by = user.username
    signal.link_reviewed_at = utcnow()
    _audit(
        session=session,
        signal=signal,
        action="link_confirmed",
        actor=user.username,
        before=before,
        client_id=signal.client_id,
        reason=_reason(reason, required=False),
        how=describe_link(signal),
    )
    return LinkChange(signal)


def relink(
    *,
    session: Session,
    signal_id: int,
    client_ref: str | int,
    actor: str | None,
    reason: str,
    party: str | int | None = None,
) -> LinkChange:
    """A reviewer ties a signal to ``client_ref`` — directly, or through one of its parties
    (``party``: the party's id, or its exact name, case-insensitive) — and re-assesses the
    client it left and the client it joined.

    Resolves an ambiguous signal (pick one of its candidates) or corrects a wrong link. The link
    counts as reviewed (``link_reviewed_by``); the link evidence the linker stored is kept with
    ``reviewer`` added. One ``signal.relinked`` event. :class:`InputError` for a blank reason,
    an unknown party of that client, or a client a reviewer rejected for this signal;
    :class:`ConflictError` when the signal is already linked exactly so;
    :class:`PermissionDenied` unless ``actor`` is an active reviewer.
    """
    user = require_permission(session=session, username=actor, permission=Permission.REVIEW_SIGNAL)
    text = _reason(reason, required=True)
    signal = _signal(session=session, signal_id=signal_id)
    client = resolve_client(session=session, ref=client_ref)
    target_party = (
        _party(session=session, client=client, party=party) if party is not None else None
    )
    party_id = target_party.id if target_party is not None else None
    if client.id in rejected_client_ids(session=session, signal_id=signal.id):
        raise InputError(
            f"a reviewer rejected {client.external_ref} as the subject of signal {signal_id}; "
            "withdraw the rejection first (signals link unreject)"
        )
    if signal.client_id == client.id and signal.link_party_id == party_id:
        raise ConflictError(
            f"signal {signal_id} is linked to {client.external_ref} that way already"
            + ("" if signal.link_reviewed_by else ": confirm the link instead")
        )
    before = _state(signal)
    evidence = dict(_evidence_for(signal, client.external_ref) or {})
    previous = signal.client_id
    signal.client_id = client.id
    signal.link_party_id = party_id
    signal.link_status = LinkStatus.LINKED
    signal.link_reviewed_by = user.username
    signal.link_reviewed_at = utcnow()
    evidence["reviewer"] = f"re-linked by {user.username}: {text}"
    signal.link_evidence = evidence
    if previous != client.id:
        _clear_verdict(signal)
    session.flush()
    if previous != client.id:
        _reread_role(session=session, signal=signal, actor=user.username)
    _audit(
        session=session,
        signal=signal,
        action="relinked",
        actor=user.username,
        before=before,
        client_id=client.id,
        reason=text,
        previous_client_id=previous,
    )
    return LinkChange(
        signal, _reassess(session=session, client_ids=[previous, client.id], actor=user.username)
    )


def reject_link(
    *,
    session: Session,
    signal_id: int,
    actor: str | None,
    reason: str,
    client_ref: str | int | None = None,
) -> LinkChange:
    """A reviewer rejects a signal's link to a client: the linker never makes it again.

    ``client_ref`` defaults to the client the signal is linked to; for an ambiguous signal it
    names the candidate to strike out. Records a
    :class:`~duediligence.db.models.SignalLinkRejection`; a linked signal is unlinked (client,
    party, review verdict and the client's role reading cleared). The signal becomes
    ``ambiguous`` with the remaining candidates when any are left (not rejected), else
    ``unlinked``. Re-assesses the client it left. One ``signal.link_rejected`` event.
    :class:`InputError` for a blank reason, or no client to reject; :class:`ConflictError` when
    that link was rejected already; :class:`PermissionDenied` unless ``actor`` is a reviewer.
    """
    user = require_permission(session=session, username=actor, permission=Permission.REVIEW_SIGNAL)
    text = _reason(reason, required=True)
    signal = _signal(session=session, signal_id=signal_id)
    ref: str | int | None = client_ref if client_ref is not None else signal.client_id
    if ref is None:
        raise InputError(
            f"signal {signal_id} is not linked to a client: name the candidate to reject"
        )
    client = resolve_client(session=session, ref=ref)
    rejected = rejected_client_ids(session=session, signal_id=signal.id)
    if client.id in rejected:
        raise ConflictError(
            f"the link of signal {signal_id} to {client.external_ref} was rejected already"
        )
    before = _state(signal)
    session.add(
        SignalLinkRejection(
            signal_id=signal.id, client_id=client.id, rejected_by=user.username, reason=text
        )
    )
    rejected.add(client.id)
    left = signal.client_id if signal.client_id == client.id else None
    if left is not None:
        signal.client_id = None
        signal.link_party_id = None
        signal.link_score = None
        signal.link_evidence = None
        signal.link_reviewed_by = None
        signal.link_reviewed_at = None
        _clear_verdict(signal)
        signal.role = None
    if signal.client_id is None:
        refs = {
            ref: cid
            for ref, cid in session.execute(
                select(Client.external_ref, Client.id).where(
                    Client.external_ref.in_([c["client"] for c in candidates_of(signal)])
                )
            )
        }
        remaining = [
            c
            for c in candidates_of(signal)
            if c["client"] in refs and refs[c["client"]] not in rejected
        ]
        if remaining:
            signal.link_status = LinkStatus.AMBIGUOUS
            reason_item = [{"reason": ambiguity_reason(signal) or "a reviewer rejected a link"}]
            signal.link_candidates = reason_item + remaining
        else:
            signal.link_status = LinkStatus.UNLINKED
            signal.link_candidates = None
    _audit(
        session=session,
        signal=signal,
        action="link_rejected",
        actor=user.username,
        before=before,
        client_id=client.id,
        reason=text,
        rejected_client=client.external_ref,
    )
    return LinkChange(
        signal,
        _reassess(session=session, client_ids=[left], actor=user.username),
        rejected_client=client.external_ref,
    )


def unreject_link(
    *,
    session: Session,
    signal_id: int,
    actor: str | None,
    reason: str,
    client_ref: str | int | None = None,
) -> LinkChange:
    """A reviewer withdraws a rejection (:func:`reject_link`) made in error: the linker may
    link the signal to that client again, and runs on it at once.

    ``client_ref`` names the rejected client; it may be left out when the signal has exactly
    one rejection. Deletes the :class:`~duediligence.db.models.SignalLinkRejection` row and
    records one ``signal.link_unrejected`` event whose ``before`` holds the rejection withdrawn
    (client, who rejected it, when, why). A signal without a client (``unlinked`` or
    ``ambiguous``) is then linked again by :func:`duediligence.matching.linking.link_signals`
    with the rejection gone: it may be linked (a ``signal.linked`` event; the link awaits a
    reviewer's confirmation like any the linker makes), left ambiguous with the candidates
    recomputed, or stay unlinked. A signal linked to another client meanwhile keeps its link
    (nothing is re-assessed). Re-assesses the client the linker linked it to, if any.

    :class:`PermissionDenied` unless ``actor`` is an active reviewer (the permission rejecting
    needs, ``REVIEW_SIGNAL``); :class:`InputError` for a blank reason, or no ``client_ref``
    when the signal has several rejections or none; :class:`ConflictError` when that client was
    not rejected for the signal; :class:`NotFoundError` for an unknown signal or client.
    """
    from duediligence.matching.linking import link_signals

    user = require_permission(session=session, username=actor, permission=Permission.REVIEW_SIGNAL)
    text = _reason(reason, required=True)
    signal = _signal(session=session, signal_id=signal_id)
    rows = list(
        session.scalars(
            select(SignalLinkRejection)
            .where(SignalLinkRejection.signal_id == signal.id)
            .order_by(SignalLinkRejection.id)
        )
    )
    if client_ref is None:
        if len(rows) != 1:
            refs = _refs(session=session, client_ids=[r.client_id for r in rows])
            raise InputError(
                f"signal {signal_id} has no rejected link"
                if not rows
                else f"signal {signal_id} has rejected links to {', '.join(refs)}: name the client"
            )
        client = session.get(Client, rows[0].client_id)
        assert client is not None
    else:
        client = resolve_client(session=session, ref=client_ref)
    rejection = next((r for r in rows if r.client_id == client.id), None)
    if rejection is None:
        raise ConflictError(
            f"no reviewer rejected {client.external_ref} as the subject of signal {signal_id}"
        )
    before = {
        **_state(signal),
        "rejection": {
            "client": client.external_ref,
            "rejected_by": rejection.rejected_by,
            "rejected_at": rejection.rejected_at,
            "reason": rejection.reason,
        },
    }
    session.delete(rejection)
    session.flush()
    _audit(
        session=session,
        signal=signal,
        action="link_unrejected",
        actor=user.username,
        before=before,
        client_id=client.id,
        reason=text,
        unrejected_client=client.external_ref,
    )
    linked: int | None = None
    if signal.client_id is None:
        link_signals(session=session, signal_ids=[signal.id], actor=user.username)
        session.refresh(signal)
        linked = signal.client_id
        if linked is not None:
            _reread_role(session=session, signal=signal, actor=user.username)
    session.refresh(signal, ["client", "link_party"])
    return LinkChange(
        signal,
        _reassess(session=session, client_ids=[linked], actor=user.username),
        rejected_client=client.external_ref,
    )


@dataclass
class RejectedLink:
    """One rejected link as a reviewer sees it: the signal, the client struck out, by whom,
    when and why, and where the signal stands now (``status``, ``client``: its current link)."""

    signal: int
    title: str
    published_at: date
    rejected_client: str
    rejected_client_name: str
    rejected_by: str
    rejected_at: datetime
    reason: str | None
    status: str
    client: str | None


def rejected_links(
    *, session: Session, signal_id: int | None = None, limit: int | None = 200
) -> list[RejectedLink]:
    """Rejected links, the newest rejection first (of one signal with ``signal_id``): one
    query, for the CLI's ``signals links --rejected`` and the web links page."""
    current = aliased(Client)
    query = (
        select(SignalLinkRejection, Signal, Client.external_ref, Client.name, current.external_ref)
        .join(Signal, Signal.id == SignalLinkRejection.signal_id)
        .join(Client, Client.id == SignalLinkRejection.client_id)
        .outerjoin(current, current.id == Signal.client_id)
        .order_by(SignalLinkRejection.rejected_at.desc(), SignalLinkRejection.id.desc())
    )
    if signal_id is not None:
        query = query.where(SignalLinkRejection.signal_id == signal_id)
    if limit is not None:
        query = query.limit(limit)
    return [
        RejectedLink(
            signal=signal.id,
            title=signal.title,
            published_at=signal.published_at,
            rejected_client=ref,
            rejected_client_name=name,
            rejected_by=rejection.rejected_by,
            rejected_at=rejection.rejected_at,
            reason=rejection.reason,
            status=signal.link_status.value,
            client=now_ref,
        )
        for rejection, signal, ref, name, now_ref in session.execute(query)
    ]


def _refs(*, session: Session, client_ids: list[int]) -> list[str]:
    """The external references of ``client_ids``, in that order."""
    query = select(Client.id, Client.external_ref).where(Client.id.in_(client_ids))
    refs = {client_id: ref for client_id, ref in session.execute(query)}
    return [refs[c] for c in client_ids if c in refs]


def _party(*, session: Session, client: Client, party: str | int) -> Party:
    """One of ``client``'s parties by id or exact name (case-insensitive)."""
    parties = list(session.scalars(select(Party).where(Party.client_id == client.id)))
    for p in parties:
        if str(p.id) == str(party) or p.name.casefold() == str(party).strip().casefold():
            return p
    names = ", ".join(f"{p.name} ({p.role.value}, id {p.id})" for p in parties) or "none on file"
    raise InputError(f"{client.external_ref} has no party {party!r}; its parties: {names}")


def _evidence_for(signal: Signal, client_ref: str) -> dict[str, Any] | None:
    """The evidence the linker gathered for ``client_ref``: the signal's own evidence when it
    was already linked to it, else the matching candidate's."""
    if signal.client is not None and signal.client.external_ref == client_ref:
        return signal.link_evidence
    for c in candidates_of(signal):
        if c.get("client") == client_ref:
            evidence = c.get("evidence")
            return dict(evidence) if isinstance(evidence, dict) else None
    return None


def _clear_verdict(signal: Signal) -> None:
    """A confirm/dismiss verdict was about the previous client: the signal is unreviewed."""
    signal.review_status = ReviewStatus.UNREVIEWED
    signal.reviewed_by = None
    signal.reviewed_at = None
    signal.review_reason = None
