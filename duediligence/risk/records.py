"""The one loader of clients' public records: dated facts read in bulk, sliced as of a date.

:func:`load_facts` reads, for a chunk of clients, everything scoring depends on up to a date —
profile, owners, signals, screening matches with their listing dates, engagements — with one
plain SQL query per table (``text()`` queries: no ORM objects, no per-value type processing, so
a 100k roster loads in seconds on SQLite and PostgreSQL alike). :func:`record_as_of` then cuts
a :class:`~duediligence.risk.features.ClientRecord` out of those facts for any date up to that
one, in Python: the nightly batch slices once per client, knowability slices at every date the
record changed without going back to the database.

When a fact counts as of a date ``D``:

- a signal: published on or before ``D`` and not dismissed by a reviewer. The sanction signal a
  confirmed match records is left out: the match itself is the finding and counts once. A
  signal linked to the client *through* one of its parties (``signals.link_party_id``: news
  about its owner, director or officer) goes to ``ClientRecord.party_signals`` — ownership
  exposure, scored by the rules, never the client's own adverse media;
- a confirmed screening match: from the date the listing became public — the entity's listing
  date where the list gives one (UN ``LISTED_ON``, FtM ``Sanction.listingDate``/``startDate``),
  else the publication date of the earliest list snapshot that contained it (else, for a
  snapshot imported before publication dates were kept, its import date, and the evidence says
  so) — not from the day a reviewer confirmed it;
- a pending (unreviewed) screening match: from the day it was raised;
- an engagement: dated on or before ``D``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from duediligence.db.enums import MatchStatus, PartyRole, ReviewStatus
from duediligence.errors import NotFoundError
from duediligence.risk.features import (
    DEFAULT_CREDIBILITY,
    ClientRecord,
    SignalFact,
    stage_of_item,
)
from duediligence.risk.pep import decay_dates, pep_settings, political_evidence
from duediligence.risk.topics import counts as topic_counts

# Which list entities' matches count in scoring, and what they lead to: the one topic table
# of duediligence.risk.topics (entities without topics count as sanctioned). A match also
# counts when the entity is linked to a PEP (duediligence.risk.pep).

_CLIENTS = text(
    "SELECT id, country, industry, products, profile_version FROM clients WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_OWNERS = text(
    "SELECT client_id, kind, role, country FROM parties WHERE client_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_SIGNAL_COLUMNS = (
    "SELECT s.id, s.client_id, s.title, s.kind, s.published_at, s.source, s.severity, "
    "s.credibility, s.label, s.label_probabilities, s.role, s.adverse_probability, "
    "s.created_at, s.review_status, s.reviewed_at, p.name, p.role, s.evidence "
    "FROM signals s LEFT JOIN parties p ON p.id = s.link_party_id "
    "WHERE s.client_id IN :ids AND s.published_at <= :until "
    "AND s.screening_match_id IS NULL "
)
_SIGNALS = text(
    _SIGNAL_COLUMNS + "AND s.review_status != :dismissed ORDER BY s.published_at, s.id"
).bindparams(bindparam("ids", expanding=True))
# As seen at a moment: dismissed ones too (they may have been dismissed after it).
_SIGNALS_ALL = text(_SIGNAL_COLUMNS + "ORDER BY s.published_at, s.id").bindparams(
    bindparam("ids", expanding=True)
)
_MATCH_COLUMNS = (
    "SELECT m.id, m.client_id, m.status, m.score, m.created_at, m.subject_name, e.name, "
    "e.topics, e.programs, e.source_id, e.listed_on, e.listed_on_source, w.name, "
    "s.published_on, s.published_source, s.imported_at, p.role, e.raw, m.decided_at "
    "FROM screening_matches m JOIN watchlist_entities e ON e.id = m.entity_id "
    "LEFT JOIN parties p ON p.id = m.party_id "
    "JOIN watchlists w ON w.id = e.watchlist_id "
    "JOIN watchlist_snapshots s ON s.id = e.first_seen_snapshot_id "
    "WHERE m.client_id IN :ids "
)
_MATCHES = text(_MATCH_COLUMNS + "AND m.status != :dismissed ORDER BY m.id").bindparams(
    bindparam("ids", expanding=True)
)
_MATCHES_ALL = text(_MATCH_COLUMNS + "ORDER BY m.id").bindparams(bindparam("ids", expanding=True))
_ENGAGEMENTS = text(
    "SELECT client_id, date, kind FROM engagements WHERE client_id IN :ids AND date <= :until"
).bindparams(bindparam("ids", expanding=True))


@dataclass(frozen=True)
class MatchFact:
    """A non-dismissed screening match of a client (or one of its parties) on a list entry."""

    id: int
    confirmed: bool
    score: float
    raised_on: date  # the day screening raised it
    known_since: date  # the day the listing became public (see the module docstring)
    known_since_source: str  # how ``known_since`` was established, for the evidence
    subject: str  # the client's or party's name that matched
    entity: str  # the listed name
    list_name: str
    source_id: str
    programs: tuple[str, ...]
    topics: tuple[str, ...]
    relation: str = "client"  # who matched: the client, or a party's role (owner, director ...)
    political: dict[str, Any] | None = None  # the entity's PEP functions and PEP relatives

    def counts(self) -> bool:
        """Whether the match counts in scoring: the entity's topics have a rule in the topic
        table (no topics: sanctioned), or it is linked to a PEP."""
        return topic_counts(self.topics, self.programs) or self.political is not None

    def evidence(self) -> dict[str, Any]:
        """The JSON-able evidence item features, rules and reports show."""
        return {
            "match_id": self.id,
            "subject": self.subject,
            "entity": self.entity,
            "list": self.list_name,
            "source_id": self.source_id,
            "programs": list(self.programs),
            "topics": list(self.topics),
            "score": self.score,
            "raised_on": self.raised_on.isoformat(),
            "known_since": self.known_since.isoformat(),
            "known_since_source": self.known_since_source,
            "relation": self.relation,
            **({"political": self.political} if self.political is not None else {}),
        }


@dataclass
class ClientFacts:
    """Every dated fact about one client up to a date: the input of :func:`record_as_of`."""

    client_id: int
    until: date
    profile_version: int
    country: str | None
    industry: str | None
    products: list[str]
    owners: list[dict[str, Any]]
    signals: list[SignalFact] = field(default_factory=list)  # by publication date
    matches: list[MatchFact] = field(default_factory=list)
    engagements: list[tuple[date, str]] = field(default_factory=list)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


class KnownSince(NamedTuple):
    """When a listing became public, the sentence that says how we know, and whether the date
    is only an estimate (the day a snapshot was imported)."""

    day: date
    how: str
    estimated: bool


def known_since(
    listed_on: date | None,
    listed_on_source: str | None,
    published_on: date | None,
    published_source: str | None,
    imported_at: datetime | date,
    list_name: str,
) -> KnownSince:
    """When a listing became public: the entity's own listing date first; else the
    publication date of the first snapshot that held it; else (a snapshot stored before
    publication dates were recorded) its import date, as an estimate."""
    if listed_on is not None:
        how = f"listed {listed_on.isoformat()} ({listed_on_source or 'the list'})"
        return KnownSince(listed_on, how, False)
    if published_on is not None:
        how = f"; {published_source}" if published_source else ""
        return KnownSince(
            published_on,
            f"on the {list_name} list published {published_on.isoformat()}{how}; "
            "the source gives no listing date",
            False,
        )
    day = _day(imported_at)
    return KnownSince(
        day,
        f"on the {list_name} list imported {day.isoformat()}; the source gives no listing "
        "date and the snapshot no publication date",
        True,
    )


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def load_facts(
    *,
    session: Session,
    client_ids: Sequence[int],
    until: date,
    seen_by: datetime | None = None,
) -> list[ClientFacts]:
    """The dated facts of each client up to ``until``, in the order of ``client_ids``.

    ``seen_by`` (a stored assessment's creation time) limits them to what the database held at
    that moment: signals and screening matches recorded by then, with the reviewers' verdicts
    given by then (a match confirmed or dismissed later was pending then; a signal dismissed
    later still counted). One query per table for the whole chunk. :class:`NotFoundError`
    names a missing client.
    """
    seen = _moment(seen_by)
    ids = list(client_ids)
    if not ids:
        return []
    params: dict[str, Any] = {"ids": ids}
    clients = {r[0]: r for r in session.execute(_CLIENTS, params)}
    missing = set(ids) - set(clients)
    if missing:
        raise NotFoundError(f"no client with id {sorted(missing)[0]}")
    owners: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for cid, kind, role, country in session.execute(_OWNERS, params):
        if role == PartyRole.OWNER.value:
            owners[cid].append({"kind": kind, "role": role, "country": country})
    # SQLite stores dates as ISO text, so compare as text there; PostgreSQL takes a date.
    day: Any = until.isoformat() if session.get_bind().dialect.name == "sqlite" else until
    signals: dict[int, list[SignalFact]] = defaultdict(list)
    signal_query = _SIGNALS if seen is None else _SIGNALS_ALL
    for row in session.execute(
        signal_query, {**params, "until": day, "dismissed": ReviewStatus.DISMISSED.value}
    ):
        sid, cid, title, kind, published, source, severity, credibility, label, probs = row[:10]
        role, adverse_probability, created, review_status, reviewed, party, party_role = row[10:17]
        evidence = row[17]
        if seen is not None:
            reviewed_at = _moment(reviewed)
            if (_moment(created) or seen) > seen:
                continue  # recorded after the moment
            if review_status == ReviewStatus.DISMISSED.value and (
                reviewed_at is None or reviewed_at <= seen
            ):
                continue  # dismissed by then
        signals[cid].append(
            SignalFact(
                sid,
                title,
                kind,
                _day(published),
                source,
                severity or None,
                credibility if credibility is not None else DEFAULT_CREDIBILITY,
                label,
                _json(probs),
                role,
                adverse_probability,
                party,
                str(party_role) if party is not None and party_role else None,
                None
                if severity
                else stage_of_item(severity=None, role=role, title=title, evidence=_json(evidence)),
            )
        )
    matches: dict[int, list[MatchFact]] = defaultdict(list)
    match_query = _MATCHES if seen is None else _MATCHES_ALL
    for row in session.execute(match_query, {**params, "dismissed": MatchStatus.DISMISSED.value}):
        (mid, cid, status, score, created, subject, entity, topics, programs, source_id) = row[:10]
        listed, listed_source, list_name, published, published_source, imported = row[10:16]
        party_role, raw, decided = row[16:]
        if seen is not None:
            if (_moment(created) or seen) > seen:
                continue  # raised after the moment
            decided_at = _moment(decided)
            if decided_at is not None and decided_at > seen:
                status = MatchStatus.PENDING.value  # the verdict came later
            if status == MatchStatus.DISMISSED.value:
                continue
        topic_list = list(_json(topics) or ())
        since, how, _estimated = known_since(
            _day(listed) if listed is not None else None,
            listed_source,
            _day(published) if published is not None else None,
            published_source,
            imported,
            list_name,
        )
        matches[cid].append(
            MatchFact(
                id=mid,
                confirmed=status == MatchStatus.CONFIRMED.value,
                score=float(score),
                raised_on=_day(created),
                known_since=since,
                known_since_source=how,
                subject=subject,
                entity=entity,
                list_name=list_name,
                source_id=source_id,
                programs=tuple(_json(programs) or ()),
                topics=tuple(topic_list),
                relation=str(party_role) if party_role else "client",
                political=political_evidence(_json(raw) or {}, topic_list),
            )
        )
    engagements: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for cid, when, kind in session.execute(_ENGAGEMENTS, {**params, "until": day}):
        engagements[cid].append((_day(when), kind))
    return [
        ClientFacts(
            client_id=cid,
            until=until,
            profile_version=clients[cid][4],
            country=clients[cid][1],
            industry=clients[cid][2],
            products=list(_json(clients[cid][3]) or []),
            owners=owners[cid],
            signals=signals[cid],
            matches=matches[cid],
            engagements=engagements[cid],
        )
        for cid in ids
    ]


def record_as_of(facts: ClientFacts, as_of: date) -> ClientRecord:
    """The client's public record as of ``as_of`` (on or before ``facts.until``); pure."""
    if as_of > facts.until:
        raise ValueError(f"facts were loaded up to {facts.until}, not {as_of}")
    confirmed, pending = [], []
    for m in facts.matches:
        if not m.counts():
            continue
        if m.confirmed and m.known_since <= as_of:
            confirmed.append(m.evidence())
        elif not m.confirmed and m.raised_on <= as_of:
            pending.append(m.evidence())
    return ClientRecord(
        client_id=facts.client_id,
        as_of=as_of,
        profile_version=facts.profile_version,
        country=facts.country,
        industry=facts.industry,
        products=facts.products,
        owners=facts.owners,
        signals=[s for s in facts.signals if s.published_at <= as_of and s.party is None],
        party_signals=[s for s in facts.signals if s.published_at <= as_of and s.party is not None],
        confirmed_matches=confirmed,
        pending_matches=pending,
        engagement_kinds=[kind for when, kind in facts.engagements if when <= as_of],
    )


def load_records(*, session: Session, client_ids: Sequence[int], as_of: date) -> list[ClientRecord]:
    """The public record of each client as of ``as_of`` (a few queries for the whole chunk)."""
    return [
        record_as_of(f, as_of)
        for f in load_facts(session=session, client_ids=client_ids, until=as_of)
    ]


def change_dates(facts: ClientFacts) -> list[date]:
    """Every date up to ``facts.until`` on which the client's record as scored could change:
    signals published, listings of confirmed matches made public, potential matches raised, a
    listed PEP taking office or a former PEP's period ending (:func:`~duediligence.risk.pep.
    decay_dates`), and the client's or its owners' countries put on (or taken off) a
    jurisdiction list."""
    from duediligence.risk.reference import listings

    until = facts.until
    dates = {s.published_at for s in facts.signals}
    months = pep_settings().former_pep_months
    for m in facts.matches:
        if m.counts():
            dates.add(m.known_since if m.confirmed else m.raised_on)
            if m.confirmed and m.political is not None:  # a PEP taking office or decaying
                dates.update(d for d in decay_dates(m.evidence(), months) if d > m.known_since)
    countries = {facts.country} | {o.get("country") for o in facts.owners}
    for listing in listings():
        if listing.country in countries:
            dates.update(d for d in (listing.since, listing.until) if d is not None)
    return sorted(d for d in dates if d <= until)
