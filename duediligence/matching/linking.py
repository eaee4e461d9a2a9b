"""Link signals that arrived without a client to clients, by name.

The signal's subject name (or, failing that, its title) is screened against every client name
and alias with the same comparison as list screening. One clear winner links the signal; several
plausible clients, or a winner whose country the item contradicts ("registered in Spain" for a
client in Germany), leave it ``ambiguous`` with the candidates for a reviewer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import countrynames
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.audit.trail import PendingEvent, record_events
from duediligence.db.enums import LinkStatus
from duediligence.db.models import Client, Signal, SignalLinkRejection
from duediligence.matching.compare import DEFAULT_THRESHOLD
from duediligence.matching.index import NameIndex

MARGIN = 0.05
_COUNTRY_PHRASE = re.compile(
    r"\b(?:registered|based|headquartered|incorporated) in (?:the )?"
    r"([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)*)"
)


@dataclass
class LinkResult:
    """How many signals were linked, left ambiguous or left unlinked."""

    linked: int = 0
    ambiguous: int = 0
    unlinked: int = 0


def mentioned_countries(text: str) -> set[str]:
    """ISO codes of countries a text places its subject in ("registered in Spain")."""
    codes = set()
    for phrase in _COUNTRY_PHRASE.findall(text or ""):
        code = countrynames.to_code(phrase)
        if code:
            codes.add(code.upper())
    return codes


def _client_index(session: Session) -> tuple[NameIndex, list[Client]]:
    clients = list(session.scalars(select(Client).order_by(Client.id)))
    index = NameIndex()
    for position, client in enumerate(clients):
        for name in dict.fromkeys([client.name, *(client.aliases or [])]):
            index.add(position, name, "Company")
    return index, clients


def link_signals(
    session: Session,
    signals: Sequence[Signal] | None = None,
    *,
    actor: str | None,
    threshold: float = DEFAULT_THRESHOLD,
) -> LinkResult:
    """Link unlinked signals (all of them, or the given ones) to clients by name."""
    if signals is None:
        signals = list(
            session.scalars(
                select(Signal).where(
                    Signal.client_id.is_(None), Signal.link_status == LinkStatus.UNLINKED
                )
            )
        )
    result = LinkResult()
    todo = [s for s in signals if s.client_id is None]
    if not todo:
        return result
    index, clients = _client_index(session)
    # A link a reviewer rejected is never made again (review.links.reject_link).
    rejected: dict[int, set[int]] = {}
    for signal_id, client_id in session.execute(
        select(SignalLinkRejection.signal_id, SignalLinkRejection.client_id).where(
            SignalLinkRejection.signal_id.in_([s.id for s in todo])
        )
    ):
        rejected.setdefault(signal_id, set()).add(client_id)
    events: list[PendingEvent] = []
    for signal in todo:
        name = signal.subject_name or signal.title
        found = [
            (indexed, m)
            for indexed, m in index.search(name, "Company")
            if m.score >= threshold
            and clients[indexed.record].id not in rejected.get(signal.id, set())
        ]
        if not signal.subject_name:
            found = []  # a headline alone names too much to link on; leave it for a person
        if not found:
            result.unlinked += 1
            continue
        best_client = clients[found[0][0].record]
        candidates = [
            {
                "client": clients[i.record].external_ref,
                "name": i.name,
                "score": m.score,
                "explanation": m.explanation,
            }
            for i, m in found[:5]
        ]
        countries = mentioned_countries(f"{signal.title} {signal.text or ''}")
        contradicted = bool(countries) and best_client.country not in countries
        close = len(found) > 1 and found[0][1].score - found[1][1].score < MARGIN
        if contradicted or close:
            signal.link_status = LinkStatus.AMBIGUOUS
            reason = (
                f"the item places its subject in {', '.join(sorted(countries))}, the "
                f"client is in {best_client.country}"
                if contradicted
                else "several clients match the name"
            )
            candidates.insert(0, {"reason": reason})
            signal.link_candidates = candidates
            result.ambiguous += 1
            continue
        signal.client_id = best_client.id
        signal.link_status = LinkStatus.LINKED
        signal.link_score = found[0][1].score
        signal.link_candidates = candidates
        result.linked += 1
        events.append(
            PendingEvent(
                "signal.linked",
                "signal",
                signal.id,
                best_client.id,
                after={"client": best_client.external_ref, "score": signal.link_score},
            )
        )
    session.flush()
    record_events(session, actor=actor, events=events)
    return result
