"""Screening against the active watch lists: one name, a batch, or the whole roster.

A hit's score starts from the name comparison and is adjusted by secondary identifiers, each
adjustment explained: a registration or ID number match is decisive (score 1.0); a birth year
more than a year away from every birth year on the list lowers the score by 0.25 (an exact name
then falls below the default threshold), a matching one raises it by 0.05; a country the list
gives raises it by 0.03 (another country is not evidence either way: people move). The raises
only rank names that match on their own: a birth year never turns a weak name match (a
one-word alias such as "OMAR") into a hit.

Weak aliases (OFAC's remarks a.k.a.s, UN aliases of ``QUALITY`` Low, FtM ``weakAlias``) are
screened too, but a hit through a weak alias alone is a weak hit: its score is capped at
:data:`WEAK_ALIAS_CAP`, below the default threshold, unless a birth date (year within one), a
nationality or country, or an identifier of the query agrees with the entry; the explanation
says which.
"""

from __future__ import annotations

import csv
import functools
import gc
import logging
import re
import threading
from collections.abc import Callable, Collection, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from duediligence import csvutil
from duediligence.audit.trail import PendingEvent, record_events
from duediligence.db.enums import MatchStatus, PartyKind
from duediligence.db.models import (
    Client,
    Party,
    ScreeningMatch,
    Watchlist,
    WatchlistEntity,
)
from duediligence.errors import InputError
from duediligence.files import require_file
from duediligence.ingest.watchlists.loader import current_snapshot_ids
from duediligence.jsonutil import canonical_json, sha256_text
from duediligence.matching.compare import DEFAULT_THRESHOLD, MATCHER_VERSION
from duediligence.matching.index import NameIndex, gc_paused

log = logging.getLogger(__name__)

COMPATIBLE: dict[str, set[str]] = {
    "Person": {"Person", "LegalEntity"},
    "Company": {"Company", "Organization", "LegalEntity", "PublicBody"},
    "Organization": {"Company", "Organization", "LegalEntity", "PublicBody"},
    "LegalEntity": {"Person", "Company", "Organization", "LegalEntity", "PublicBody"},
    "Vessel": {"Vessel"},
    "Airplane": {"Airplane"},
}
SCHEMAS = tuple(COMPATIBLE)
BIRTH_YEAR_PENALTY = 0.25
BIRTH_YEAR_BONUS = 0.05
COUNTRY_BONUS = 0.03
WEAK_ALIAS_CAP = 0.7
FREEZE_MIN_NAMES = 20_000


@dataclass
class EntityRecord:
    """What the index keeps about a listed entity."""

    entity_id: int
    list_name: str
    source_id: str
    schema: str
    name: str
    countries: list[str]
    birth_years: set[int]
    identifiers: set[str]
    snapshot_id: int
    content_hash: str
    topics: list[str]


@dataclass(frozen=True)
class FeatureSpec:
    """One declared feature of a hit: its key, what it measures, and its weight in the score.

    ``weight`` is the change a value of 1 makes to the score (``penalty``: the change a value
    of -1 makes, when it differs from ``weight``). The rules are those of this module's
    docstring.
    """

    name: str
    description: str
    weight: float
    penalty: float | None = None


# The one list of features a hit can carry (the CLI, the roster screening and the API read it).
FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec(
        "name_similarity",
        f"Best similarity ({MATCHER_VERSION}) between a query name and any name or alias of the "
        "entity: normalised, transliterated, token- and edit-distance based.",
        1.0,
    ),
    FeatureSpec(
        "weak_alias",
        f"1 when the hit came through a weak alias only (name similarity capped at "
        f"{WEAK_ALIAS_CAP}), 0 when through a weak alias corroborated by a birth year, a "
        "country or an identifier.",
        0.0,
    ),
    FeatureSpec(
        "identifier_match",
        "1 when an ID number of the query equals one of the entity's (decisive: score 1.0).",
        1.0,
    ),
    FeatureSpec(
        "birth_year_match",
        f"+1 when a birth year agrees within a year (+{BIRTH_YEAR_BONUS} if the name matches on "
        f"its own), -1 when it differs from every listed year (-{BIRTH_YEAR_PENALTY}).",
        BIRTH_YEAR_BONUS,
        penalty=BIRTH_YEAR_PENALTY,
    ),
    FeatureSpec(
        "country_match",
        f"1 when a query country is among the entity's countries (+{COUNTRY_BONUS} if the name "
        "matches on its own).",
        COUNTRY_BONUS,
    ),
)
FEATURE_NAMES = frozenset(f.name for f in FEATURES)


@dataclass(frozen=True)
class HitFeature:
    """One feature of a hit: ``feature`` (a :data:`FEATURES` key), its ``value``, the
    ``weight`` it carried in the score (value x weight is the change it made) and a
    human-readable ``explanation`` (for display only: nothing parses it)."""

    feature: str
    value: float
    weight: float
    explanation: str

    def __post_init__(self) -> None:
        if self.feature not in FEATURE_NAMES:
            raise ValueError(f"undeclared hit feature {self.feature!r}")


@dataclass
class Hit:
    """A listed entity that matches a screened name.

    ``features`` holds the structured features behind the score, name similarity first;
    ``adjustments`` are the explanations of the others, in order. ``query_name`` and
    ``query_country`` say which of several query names and countries gave the hit
    (:func:`screen_entity`).
    """

    entity_id: int
    list_name: str
    source_id: str
    schema: str
    entity_name: str
    matched_name: str
    score: float
    name_score: float
    explanation: str
    features: list[HitFeature] = field(default_factory=list)
    snapshot_id: int = 0
    topics: list[str] = field(default_factory=list)
    weak_alias: bool = False  # matched through a weak alias only
    query_name: str = ""
    query_country: str | None = None

    @property
    def adjustments(self) -> list[str]:
        """The explanations of the features other than name similarity, in order."""
        return [f.explanation for f in self.features if f.feature != "name_similarity"]

    def feature_values(self) -> dict[str, float]:
        """``{feature: value}`` (the yente ``features`` object), name similarity first."""
        return {f.feature: f.value for f in self.features}

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able view: every field, the features as dicts, and ``adjustments``."""
        data = asdict(self)
        data["adjustments"] = self.adjustments
        return data

    def _add(self, feature: str, value: float, weight: float, explanation: str) -> None:
        self.features.append(HitFeature(feature, value, weight, explanation))


class WatchlistIndex:
    """The candidate index over every name of every current entity of the active lists."""

    def __init__(self, records: list[EntityRecord], names: NameIndex, key: tuple[int, ...]):
        self.records = records
        self.names = names
        self.key = key
        self.entity_hashes = {r.entity_id: r.content_hash for r in records}


_cache: dict[str, WatchlistIndex] = {}
_cache_lock = threading.Lock()


def _norm_id(value: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", value.upper())


def _years(values: list[str]) -> set[int]:
    return {int(v[:4]) for v in values if len(v) >= 4 and v[:4].isdigit()}


def build_index(*, session: Session) -> WatchlistIndex:
    """Build the index from the current snapshots of the active lists."""
    snapshots = current_snapshot_ids(session=session)
    records: list[EntityRecord] = []
    names = NameIndex()
    list_names = dict(session.execute(select(Watchlist.id, Watchlist.name)).all())
    for watchlist_id, snapshot_id in sorted(snapshots.items()):
        rows = session.execute(
            select(
                WatchlistEntity.id,
                WatchlistEntity.source_id,
                WatchlistEntity.schema,
                WatchlistEntity.name,
                WatchlistEntity.names,
                WatchlistEntity.weak_names,
                WatchlistEntity.countries,
                WatchlistEntity.birth_dates,
                WatchlistEntity.identifiers,
                WatchlistEntity.content_hash,
                WatchlistEntity.topics,
            ).where(
                WatchlistEntity.watchlist_id == watchlist_id,
                WatchlistEntity.last_seen_snapshot_id == snapshot_id,
            )
        )
        for row in rows:
            position = len(records)
            records.append(
                EntityRecord(
                    row.id,
                    list_names[watchlist_id],
                    row.source_id,
                    row.schema,
                    row.name,
                    list(row.countries or []),
                    _years(row.birth_dates or []),
                    {_norm_id(i) for i in row.identifiers or [] if len(_norm_id(i)) >= 5},
                    snapshot_id,
                    row.content_hash,
                    list(row.topics or []),
                )
            )
            for alias in row.names or [row.name]:
                names.add(position, alias, row.schema)
            for alias in row.weak_names or []:
                names.add(position, alias, row.schema, weak=True)
    key = tuple(sorted(snapshots.values()))
    log.info("screening index: %d entities, %s", len(records), names.stats())
    return WatchlistIndex(records, names, key)


# The snapshot check runs on every screen() call: one plain statement on the session's own
# database connection (its transaction), run by the driver's cursor rather than through
# SQLAlchemy's statement execution (about 0.01 ms instead of 0.07 ms per call, and 0.4 ms for an
# ORM query; same result as ``current_snapshot_ids``). Portable SQL, no parameters.
_SNAPSHOT_KEY_SQL = text(
    "SELECT MAX(s.id) FROM watchlist_snapshots s "
    "JOIN watchlists w ON w.id = s.watchlist_id "
    "WHERE w.active GROUP BY s.watchlist_id"
)
_SNAPSHOT_KEY_TEXT = str(_SNAPSHOT_KEY_SQL)


def _snapshot_key(*, session: Session) -> tuple[int, ...]:
    """The ids of the current snapshots of the active lists, sorted (the index's cache key)."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # as an ORM query would (autoflush)
    dbapi = session.connection().connection.dbapi_connection
    if dbapi is None:  # a detached connection: the ordinary statement execution
        return tuple(sorted(row[0] for row in session.connection().execute(_SNAPSHOT_KEY_SQL)))
    cursor = dbapi.cursor()
    try:
        cursor.execute(_SNAPSHOT_KEY_TEXT)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return tuple(sorted(row[0] for row in rows))


@functools.lru_cache(maxsize=64)
def _url_text(url: Any) -> str:
    """The database URL as text (the index cache key; rendering it costs more than the rest of
    a cache hit, so it is kept per URL object, which is immutable)."""
    return str(url)


def get_index(*, session: Session) -> WatchlistIndex:
    """The cached index for the current snapshots (rebuilt when a list changes)."""
    key = _snapshot_key(session=session)
    cache_key = _url_text(session.get_bind().engine.url)
    with _cache_lock:
        cached = _cache.get(cache_key)
        if cached is not None and cached.key == key:
            return cached
    with gc_paused():
        index = build_index(session=session)
    if len(index.names) >= FREEZE_MIN_NAMES:
        # A big index lives as long as the process: move its objects out of the garbage
        # collector's view so full collections do not rescan them (p99 latency). They are
        # acyclic, so reference counting still frees them when a newer index replaces it.
        gc.freeze()
    with _cache_lock:
        _cache[cache_key] = index
    return index


def _adjust(
    hit: Hit,
    record: EntityRecord,
    country: str | None,
    birth_date: date | str | None,
    identifiers: list[str] | None,
    threshold: float,
) -> None:
    if identifiers:
        shared = {_norm_id(i) for i in identifiers} & record.identifiers
        if shared:
            hit.score = 1.0
            hit._add(
                "identifier_match", 1.0, 1.0, f"ID number {sorted(shared)[0]} matches (decisive)"
            )
            return
    if birth_date and record.birth_years:
        year = int(str(birth_date)[:4])
        if any(abs(year - y) <= 1 for y in record.birth_years):
            if hit.name_score >= threshold:
                hit.score = min(1.0, hit.score + BIRTH_YEAR_BONUS)
                hit._add(
                    "birth_year_match",
                    1.0,
                    BIRTH_YEAR_BONUS,
                    f"birth year {year} matches the list (+{BIRTH_YEAR_BONUS:.2f})",
                )
        else:
            # Enough to take an exact name below the default threshold: same name, another
            # person.
            hit.score = max(0.0, hit.score - BIRTH_YEAR_PENALTY)
            years = ", ".join(str(y) for y in sorted(record.birth_years))
            hit._add(
                "birth_year_match",
                -1.0,
                BIRTH_YEAR_PENALTY,
                f"birth year {year} differs from the list's {years} (-{BIRTH_YEAR_PENALTY:.2f})",
            )
    if (
        country
        and record.countries
        and country.upper() in record.countries
        and hit.name_score >= threshold
    ):
        hit.score = min(1.0, hit.score + COUNTRY_BONUS)
        hit._add(
            "country_match",
            1.0,
            COUNTRY_BONUS,
            f"country {country.upper()} matches (+{COUNTRY_BONUS:.2f})",
        )


def _corroboration(
    record: EntityRecord,
    country: str | None,
    birth_date: date | str | None,
    identifiers: list[str] | None,
) -> str | None:
    """What of the query, besides the name, agrees with the listed entry (or None)."""
    if identifiers and {_norm_id(i) for i in identifiers} & record.identifiers:
        return "an identifier"
    if birth_date and record.birth_years:
        year = int(str(birth_date)[:4])
        if any(abs(year - y) <= 1 for y in record.birth_years):
            return f"birth year {year}"
    if country and country.upper() in record.countries:
        return f"country {country.upper()}"
    return None


def screen_with(
    index: WatchlistIndex,
    name: str,
    *,
    schema: str = "LegalEntity",
    country: str | None = None,
    birth_date: date | str | None = None,
    identifiers: list[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 10,
) -> list[Hit]:
    """Screen one name against an already built index."""
    if schema not in COMPATIBLE:
        raise InputError(f"unknown schema {schema!r}: use one of {', '.join(SCHEMAS)}")
    allowed = COMPATIBLE[schema]
    hits = []
    # Without an identifier (decisive whatever the name score), a name scoring below the
    # threshold cannot become a hit: the other adjustments raise only names at or above it.
    floor = threshold if not identifiers else 0.0
    for indexed, match in index.names.search(name, schema, min_score=floor):
        record = index.records[indexed.record]
        if record.schema not in allowed:
            continue
        hit = Hit(
            entity_id=record.entity_id,
            list_name=record.list_name,
            source_id=record.source_id,
            schema=record.schema,
            entity_name=record.name,
            matched_name=indexed.name,
            score=match.score,
            name_score=match.score,
            explanation="",
            snapshot_id=record.snapshot_id,
            topics=record.topics,
            weak_alias=indexed.weak,
        )
        if indexed.weak:
            corroborated = _corroboration(record, country, birth_date, identifiers)
            if corroborated is None:
                hit.score = hit.name_score = min(hit.score, WEAK_ALIAS_CAP)
                hit._add(
                    "weak_alias",
                    1.0,
                    0.0,
                    f"through the weak alias '{indexed.name}' only: a weak hit, at most "
                    f"{WEAK_ALIAS_CAP} unless a birth date, nationality or identifier agrees",
                )
            else:
                hit._add(
                    "weak_alias",
                    0.0,
                    0.0,
                    f"through the weak alias '{indexed.name}', corroborated by {corroborated}",
                )
        _adjust(hit, record, country, birth_date, identifiers, threshold)
        hit.score = round(hit.score, 4)
        if hit.score >= threshold:
            hit.explanation = match.explanation  # written only for the hits a reviewer sees
            hit.features.insert(
                0, HitFeature("name_similarity", round(hit.name_score, 4), 1.0, hit.explanation)
            )
            hit.query_name = name
            hit.query_country = country
            hits.append(hit)
    best: dict[int, Hit] = {}
    for hit in hits:  # a full name and a weak alias of one entity: keep the better hit
        if hit.entity_id not in best or hit.score > best[hit.entity_id].score:
            best[hit.entity_id] = hit
    hits = sorted(best.values(), key=lambda h: -h.score)
    return hits[:limit]


def screen(
    *,
    session: Session,
    name: str,
    schema: str = "LegalEntity",
    country: str | None = None,
    birth_date: date | str | None = None,
    identifiers: list[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 10,
) -> list[Hit]:
    """Screen one name against every active list; hits at or above ``threshold``, best first."""
    if not name or not name.strip():
        raise InputError("the name to screen is empty")
    return screen_with(
        get_index(session=session),
        name,
        schema=schema,
        country=country,
        birth_date=birth_date,
        identifiers=identifiers,
        threshold=threshold,
        limit=limit,
    )


_BIRTH_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_birth_date(value: date | str | None) -> str | None:
    """A screening query's birth date as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (or None).

    The one parser of query birth dates (``screen name --birth-date``, the batch CSV's
    ``birth_date`` column, the API's ``birthDate``). A ``date`` becomes its ISO form; blank
    gives None. Raises :class:`InputError` for anything else, or for a month or day that does
    not exist. Screening uses the year only (within one year of a listed year).
    """
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    text_value = value.strip()
    if not text_value:
        return None
    m = _BIRTH_DATE.fullmatch(text_value)
    problem = m is None
    if m is not None and m.group(2):
        try:
            date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
        except ValueError:
            problem = True
    if problem:
        raise InputError(f"birth date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    return text_value


def screen_entity(
    index: WatchlistIndex,
    names: list[str],
    *,
    schema: str = "LegalEntity",
    countries: list[str] | None = None,
    birth_date: date | str | None = None,
    identifiers: list[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    candidates: int = 20,
    list_name: str | None = None,
    max_names: int = 10,
    max_countries: int = 3,
) -> list[Hit]:
    """Screen an entity given several names and countries: each entity's best hit, best first.

    Every one of the first ``max_names`` non-blank ``names`` is screened with every one of the
    first ``max_countries`` ``countries`` (ISO codes, any case, cut to two letters; none: no
    country), the birth date (:func:`parse_birth_date`; :class:`InputError` when unreadable)
    and the ``identifiers``, keeping the best ``candidates`` hits of each pair. An entity keeps
    its highest-scoring hit, whose ``query_name`` and ``query_country`` say which pair gave
    it; ``list_name`` keeps only that list's entities. Every merged hit (score at least
    ``threshold``) is returned, by score then entity id: the caller takes the first few and
    may report how many there were. Raises :class:`InputError` when no name is given.
    """
    usable = [n.strip() for n in names if n and n.strip()][:max_names]
    if not usable:
        raise InputError("a non-empty name (or alias) is required")
    birth = parse_birth_date(birth_date)
    given = [c.strip().upper()[:2] for c in countries or [] if c and c.strip()]
    codes: list[str | None] = [*given[:max_countries]] or [None]
    best: dict[int, Hit] = {}
    for name in usable:
        for country in codes:
            for hit in screen_with(
                index,
                name,
                schema=schema,
                country=country,
                birth_date=birth,
                identifiers=identifiers or None,
                threshold=threshold,
                limit=candidates,
            ):
                if list_name is not None and hit.list_name != list_name:
                    continue
                if hit.entity_id not in best or hit.score > best[hit.entity_id].score:
                    best[hit.entity_id] = hit
    return sorted(best.values(), key=lambda h: (-h.score, h.entity_id))


# --------------------------------------------------------------------------- batch


BATCH_COLUMNS = [
    "query_id",
    "query_name",
    "rank",
    "score",
    "list",
    "source_id",
    "entity_name",
    "explanation",
]


def _batch_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    require_file(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        fields = set(reader.fieldnames or [])
        if not {"id", "name"} <= fields:
            raise InputError(f"{path}, line 1: the header needs the columns id and name")
        unknown = fields - {"id", "name", "schema", "birth_date", "country"}
        if unknown:
            raise InputError(f"{path}, line 1: unknown column(s) {', '.join(sorted(unknown))}")
        try:
            for row in reader:
                yield reader.line_num, row
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"{path}, line {reader.line_num}: unreadable: {exc}") from None


def _via(hit: Hit) -> str:
    """'via alias ...: ' when the hit matched one of the entity's other names."""
    if hit.weak_alias:
        return f"via weak alias {hit.matched_name!r}: "
    return f"via alias {hit.matched_name!r}: " if hit.matched_name != hit.entity_name else ""


@dataclass
class BatchResult:
    """What a batch screening did."""

    queries: int = 0
    hits: int = 0
    skipped: list[str] = field(default_factory=list)


def screen_batch(
    *,
    session: Session,
    queries: Path,
    output: Path,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """Screen every row of ``queries`` (id,name[,schema,birth_date,country]) into ``output``."""
    index = get_index(session=session)
    result = BatchResult()
    output.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the output and renamed at the end: bad input never leaves a half-written
    # file, nor clobbers the previous output.
    partial = output.with_name(output.name + ".part")
    try:
        _write_batch_hits(index, queries, partial, threshold, result, progress)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output)
    if progress:
        progress(result.queries)
    return result


def _write_batch_hits(
    index: WatchlistIndex,
    queries: Path,
    path: Path,
    threshold: float,
    result: BatchResult,
    progress: Callable[[int], None] | None,
) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csvutil.writer(handle)
        writer.writerow(BATCH_COLUMNS)
        for line, row in _batch_rows(queries):
            name = (row.get("name") or "").strip()
            schema = (row.get("schema") or "LegalEntity").strip() or "LegalEntity"
            if not name or schema not in COMPATIBLE:
                result.skipped.append(
                    f"line {line}: " + ("empty name" if not name else f"unknown schema {schema!r}")
                )
                continue
            try:
                birth = parse_birth_date(row.get("birth_date"))
            except InputError:
                result.skipped.append(f"line {line}: bad birth_date {row.get('birth_date')!r}")
                continue
            hits = screen_with(
                index,
                name,
                schema=schema,
                country=row.get("country") or None,
                birth_date=birth,
                threshold=threshold,
            )
            for rank, hit in enumerate(hits, start=1):
                writer.writerow(
                    [
                        row.get("id", ""),
                        name,
                        rank,
                        f"{hit.score:.3f}",
                        hit.list_name,
                        hit.source_id,
                        hit.entity_name,
                        "; ".join([_via(hit) + hit.explanation, *hit.adjustments]),
                    ]
                )
            result.queries += 1
            result.hits += len(hits)
            if progress and result.queries % 200 == 0:
                progress(result.queries)


# --------------------------------------------------------------------------- roster


@dataclass
class RosterScreeningResult:
    """What screening the roster did."""

    subjects: int = 0
    new_matches: int = 0
    reopened: int = 0
    unchanged: int = 0
    kept_dismissed: int = 0


def _subject_hash(name: str, birth_date: Any, country: Any) -> str:
    return sha256_text(canonical_json([name, birth_date, country]))


def screen_clients(
    *,
    session: Session,
    actor: str | None,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[int], None] | None = None,
    client_ids: Collection[int] | None = None,
) -> RosterScreeningResult:
    """Screen every client (or only ``client_ids``), alias and party against the active lists.

    A match a reviewer dismissed stays dismissed on later runs unless the list entry or the
    subject's data changed; then it is re-opened (pending) and the change is audited.
    """
    index = get_index(session=session)
    result = RosterScreeningResult()
    only = list(client_ids) if client_ids is not None else None
    matches = select(ScreeningMatch)
    client_rows = select(Client).order_by(Client.id)
    party_rows = select(Party).where(Party.pseudonymised_at.is_(None))
    if only is not None:
        matches = matches.where(ScreeningMatch.client_id.in_(only))
        client_rows = client_rows.where(Client.id.in_(only))
        party_rows = party_rows.where(Party.client_id.in_(only))
    existing = {(m.subject_key, m.entity_id): m for m in session.scalars(matches)}
    events: list[PendingEvent] = []
    clients = session.scalars(client_rows).all()
    parties_by_client: dict[int, list[Party]] = {}
    for party in session.scalars(party_rows):
        parties_by_client.setdefault(party.client_id, []).append(party)
    for done, client in enumerate(clients, start=1):
        subjects: list[tuple[str, int | None, str, str, Any, Any]] = [
            (f"client:{client.id}", None, n, "Company", None, client.country)
            for n in dict.fromkeys([client.name, *(client.aliases or [])])
        ]
        for party in parties_by_client.get(client.id, []):
            schema = "Person" if party.kind == PartyKind.PERSON else "Company"
            subjects.append(
                (f"party:{party.id}", party.id, party.name, schema, party.birth_date, party.country)
            )
        for subject_key, party_id, name, schema, birth, country in subjects:
            result.subjects += 1
            subject_hash = _subject_hash(name, birth, country)
            for hit in screen_with(
                index, name, schema=schema, country=country, birth_date=birth, threshold=threshold
            ):
                entity_hash = index.entity_hashes[hit.entity_id]
                explanation = {
                    "name": hit.explanation,
                    "adjustments": hit.adjustments,
                    "matched_name": hit.matched_name,
                    "name_score": hit.name_score,
                    "features": [asdict(f) for f in hit.features],
                }
                match = existing.get((subject_key, hit.entity_id))
                if match is None:
                    match = ScreeningMatch(
                        client_id=client.id,
                        party_id=party_id,
                        subject_key=subject_key,
                        subject_name=name,
                        entity_id=hit.entity_id,
                        snapshot_id=hit.snapshot_id,
                        score=hit.score,
                        explanation=explanation,
                        matcher_version=MATCHER_VERSION,
                        subject_hash=subject_hash,
                        entity_hash=entity_hash,
                        status=MatchStatus.PENDING,
                    )
                    session.add(match)
                    existing[(subject_key, hit.entity_id)] = match
                    result.new_matches += 1
                    events.append(
                        PendingEvent(
                            "match.created",
                            "screening_match",
                            None,
                            client.id,
                            after={
                                "subject": name,
                                "entity": hit.entity_name,
                                "list": hit.list_name,
                                "source_id": hit.source_id,
                                "score": hit.score,
                            },
                        )
                    )
                    continue
                changed = match.subject_hash != subject_hash or match.entity_hash != entity_hash
                if match.status == MatchStatus.DISMISSED and not changed:
                    result.kept_dismissed += 1
                    continue
                if match.status == MatchStatus.DISMISSED and changed:
                    events.append(
                        PendingEvent(
                            "match.reopened",
                            "screening_match",
                            match.id,
                            client.id,
                            before={"status": "dismissed", "reason": match.decision_reason},
                            after={
                                "status": "pending",
                                "why": "the list entry or the subject changed",
                            },
                        )
                    )
                    match.status = MatchStatus.PENDING
                    result.reopened += 1
                else:
                    result.unchanged += 1
                match.score = hit.score
                match.explanation = explanation
                match.snapshot_id = hit.snapshot_id
                match.matcher_version = MATCHER_VERSION
                match.subject_hash = subject_hash
                match.entity_hash = entity_hash
        if progress and done % 50 == 0:
            progress(done)
    session.flush()
    record_events(session=session, actor=actor, events=events)
    return result
