"""Load a parsed list into the database as a new snapshot, keeping history.

Importing the same file again is a no-op (the snapshot is keyed by the file's SHA-256). A newer
version adds, updates and retires entities; every new or changed entity's content is kept in
``watchlist_entity_versions`` so a past screening can say which snapshot it used and what the
entry said then.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from duediligence.audit.trail import record_event
from duediligence.db.base import utcnow
from duediligence.db.models import (
    Watchlist,
    WatchlistEntity,
    WatchlistEntityVersion,
    WatchlistSnapshot,
)
from duediligence.errors import InputError
from duediligence.files import require_file
from duediligence.ingest.dates import DateRefused, listing_time
from duediligence.ingest.watchlists import ftm, ofac, un
from duediligence.ingest.watchlists.common import Parsed, ParsedEntity, Skipped
from duediligence.jsonutil import sha256_file

log = logging.getLogger(__name__)

ListFormat = Literal["ofac", "un", "ftm"]
PARSERS: dict[str, Callable[[Path], Iterator[Parsed]]] = {
    "ofac": ofac.parse,
    "un": un.parse,
    "ftm": ftm.parse,
}
DEFAULT_NAMES = {"ofac": "ofac-sdn", "un": "un-consolidated"}
BATCH = 2000


@dataclass
class WatchlistImportResult:
    """What a list import did."""

    watchlist: str
    watchlist_id: int
    snapshot_id: int
    created: bool  # False when this exact file was imported before (no-op)
    source_sha256: str
    entity_count: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    published_on: date | None = None
    published_source: str | None = None
    # records of the file that are not screened, by reason (relations, no name, repeated id)
    skipped: dict[str, int] = field(default_factory=dict)
    # listing dates the date rule refused: the entity is kept, a confirmed match on it is
    # dated by this snapshot's import instead
    refused_dates: list[str] = field(default_factory=list)
    # persons with no birth date read from the list: "id (name): why" (a DOB text not read, or
    # none given); counted in the summary, listed with ``watchlist import --debug``
    no_birth_date: list[str] = field(default_factory=list)


def source_sha256(path: Path, fmt: str) -> str:
    """SHA-256 of the source: the file, or for OFAC the combination of its files."""
    if fmt == "ofac":
        digest = hashlib.sha256()
        for name, file in sorted(ofac.source_files(path).items()):
            digest.update(f"{name}:{sha256_file(file)}\n".encode())
        return digest.hexdigest()
    require_file(path)
    return sha256_file(path)


def _batches(items: Iterable[Parsed], size: int) -> Iterator[list[Parsed]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _listed_on(e: ParsedEntity) -> date | None:
    return date.fromisoformat(e.listed_on) if e.listed_on else None


def publication(path: Path, fmt: str, given: date | None) -> tuple[date, str]:
    """When the publisher issued this version of the list, and how we know.

    ``--published`` (``given``) wins; else the date the file itself carries (UN
    ``dateGenerated``); else the file's modification time. Never the import date: a list
    imported today may have been published months ago.
    """
    if given is not None:
        return given, "given on import (--published)"
    if fmt == "un":
        found = un.published_on(path)
        if found is not None:
            return date.fromisoformat(found[0]), found[1]
    file = ofac.source_files(path)["sdn.csv"] if fmt == "ofac" else path
    modified = datetime.fromtimestamp(file.stat().st_mtime, UTC).date()
    return modified, "the file's modification time"


def _entity_values(e: ParsedEntity) -> dict[str, Any]:
    return {
        "listed_on": _listed_on(e),
        "listed_on_source": e.listed_on_source if e.listed_on else None,
        "schema": e.schema,
        "name": e.name[:500],
        "names": e.names,
        "weak_names": e.weak_names,
        "countries": e.countries,
        "identifiers": e.identifiers,
        "birth_dates": e.birth_dates,
        "topics": e.topics,
        "programs": e.programs,
        "raw": e.raw,
    }


def import_watchlist(
    *,
    session: Session,
    path: str | Path,
    fmt: ListFormat,
    name: str | None = None,
    actor: str | None = None,
    published: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> WatchlistImportResult:
    """Import a list file (``ofac``: folder or sdn.csv; ``un``: XML; ``ftm``: JSON lines).

    ``published`` is the list's publication date when the caller knows it (see
    :func:`publication` for how it is found otherwise); it dates the matches on entries whose
    source gives no listing date of their own."""
    if fmt not in PARSERS:
        raise InputError(f"unknown list format {fmt!r}: use ofac, un or ftm")
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    list_name = name or DEFAULT_NAMES.get(fmt) or path.stem
    sha = source_sha256(path, fmt)

    watchlist = session.scalar(select(Watchlist).where(Watchlist.name == list_name))
    if watchlist is None:
        watchlist = Watchlist(name=list_name, source_format=fmt, active=True)
        session.add(watchlist)
        session.flush()
        record_event(
            session=session,
            actor=actor,
            action="watchlist.created",
            object_type="watchlist",
            object_id=list_name,
            after={"format": fmt},
        )
    elif watchlist.source_format != fmt:
        raise InputError(
            f"list {list_name!r} holds {watchlist.source_format} data; "
            f"use another --name for a {fmt} file"
        )
    existing_snapshot = session.scalar(
        select(WatchlistSnapshot).where(
            WatchlistSnapshot.watchlist_id == watchlist.id, WatchlistSnapshot.source_sha256 == sha
        )
    )
    if existing_snapshot is not None:
        return WatchlistImportResult(
            watchlist=list_name,
            watchlist_id=watchlist.id,
            snapshot_id=existing_snapshot.id,
            created=False,
            source_sha256=sha,
            entity_count=existing_snapshot.entity_count,
        )

    published_on, published_source = publication(path, fmt, published)
    snapshot = WatchlistSnapshot(
        watchlist_id=watchlist.id,
        version=f"{utcnow():%Y-%m-%d}-{sha[:8]}",
        source_sha256=sha,
        source_path=str(path),
        published_on=published_on,
        published_source=published_source,
    )
    session.add(snapshot)
    session.flush()
    known: dict[str, tuple[int, str, date | None]] = {
        sid: (eid, chash, listed)
        for sid, eid, chash, listed in session.execute(
            select(
                WatchlistEntity.source_id,
                WatchlistEntity.id,
                WatchlistEntity.content_hash,
                WatchlistEntity.listed_on,
            ).where(WatchlistEntity.watchlist_id == watchlist.id)
        )
    }
    result = WatchlistImportResult(
        watchlist=list_name,
        watchlist_id=watchlist.id,
        snapshot_id=snapshot.id,
        created=True,
        source_sha256=sha,
        published_on=published_on,
        published_source=published_source,
    )
    seen: set[str] = set()
    skipped: Counter[str] = Counter()
    unchanged_ids: list[int] = []
    now = utcnow()
    for batch in _batches(PARSERS[fmt](path), BATCH):
        new_rows, versions, updates, dated = [], [], [], []
        for entity in batch:
            if isinstance(entity, Skipped):
                skipped[entity.reason] += 1
                continue
            if not entity.source_id or entity.source_id in seen:
                skipped["entry without an id" if not entity.source_id else "repeated id"] += 1
                continue
            seen.add(entity.source_id)
            if entity.schema == "Person" and not entity.birth_dates:
                why = (
                    "birth date not read from "
                    + "; ".join(repr(t) for t in entity.unread_birth_dates)
                    if entity.unread_birth_dates
                    else "no birth date given"
                )
                result.no_birth_date.append(f"{entity.source_id} ({entity.name[:60]}): {why}")
            try:
                listing_time(entity.listed_on, now=now)
            except DateRefused as exc:
                result.refused_dates.append(f"{entity.source_id} ({entity.name[:60]}): {exc}")
                entity.listed_on = entity.listed_on_source = None
            chash = entity.content_hash()
            prior = known.get(entity.source_id)
            if prior is None:
                new_rows.append(
                    {
                        "watchlist_id": watchlist.id,
                        "source_id": entity.source_id,
                        "content_hash": chash,
                        "first_seen_snapshot_id": snapshot.id,
                        "last_seen_snapshot_id": snapshot.id,
                        "changed_snapshot_id": snapshot.id,
                        **_entity_values(entity),
                    }
                )
                versions.append((entity.source_id, chash, entity.content()))
            elif prior[1] != chash:
                updates.append(
                    {
                        "id": prior[0],
                        "content_hash": chash,
                        "last_seen_snapshot_id": snapshot.id,
                        "changed_snapshot_id": snapshot.id,
                        **_entity_values(entity),
                    }
                )
                versions.append((entity.source_id, chash, entity.content()))
            elif prior[2] != _listed_on(entity):
                # Same content; the listing date was not recorded when it was first stored.
                dated.append(
                    {
                        "id": prior[0],
                        "last_seen_snapshot_id": snapshot.id,
                        "listed_on": _listed_on(entity),
                        "listed_on_source": entity.listed_on_source if entity.listed_on else None,
                    }
                )
            else:
                unchanged_ids.append(prior[0])
        if new_rows:
            session.execute(insert(WatchlistEntity), new_rows)
        if updates or dated:
            session.execute(update(WatchlistEntity), updates + dated)
        if versions:
            ids = dict(
                session.execute(
                    select(WatchlistEntity.source_id, WatchlistEntity.id).where(
                        WatchlistEntity.watchlist_id == watchlist.id,
                        WatchlistEntity.source_id.in_([v[0] for v in versions]),
                    )
                ).all()
            )
            session.execute(
                insert(WatchlistEntityVersion),
                [
                    {
                        "entity_id": ids[sid],
                        "snapshot_id": snapshot.id,
                        "content_hash": chash,
                        "data": data,
                    }
                    for sid, chash, data in versions
                ],
            )
        result.added += len(new_rows)
        result.changed += len(updates)
        if progress:
            progress(len(seen))
    for start in range(0, len(unchanged_ids), 1000):
        session.execute(
            update(WatchlistEntity)
            .where(WatchlistEntity.id.in_(unchanged_ids[start : start + 1000]))
            .values(last_seen_snapshot_id=snapshot.id)
        )
    if not seen:
        raise InputError(f"{path}: no list entries found (is it a {fmt} file?)")
    result.entity_count = len(seen)
    result.removed = len(set(known) - seen)
    result.skipped = dict(sorted(skipped.items()))
    if result.refused_dates:
        log.warning(
            "%s: %d listing date(s) refused by the date rule, e.g. %s",
            list_name,
            len(result.refused_dates),
            result.refused_dates[0],
        )
    snapshot.entity_count = result.entity_count
    snapshot.added_count = result.added
    snapshot.changed_count = result.changed
    snapshot.removed_count = result.removed
    session.flush()
    record_event(
        session=session,
        actor=actor,
        action="watchlist.snapshot_imported",
        object_type="watchlist",
        object_id=list_name,
        after={
            "snapshot_id": snapshot.id,
            "sha256": sha,
            "published_on": published_on,
            "published_source": published_source,
            "entities": result.entity_count,
            "added": result.added,
            "changed": result.changed,
            "removed": result.removed,
            "skipped": result.skipped,
            "refused_listing_dates": len(result.refused_dates),
            "persons_without_birth_date": len(result.no_birth_date),
        },
    )
    log.info(
        "imported %s: %d entities (%d new, %d changed, %d removed)",
        list_name,
        result.entity_count,
        result.added,
        result.changed,
        result.removed,
    )
    return result


@dataclass
class WatchlistSummary:
    """One list with its snapshots, for ``watchlist list``."""

    name: str
    source_format: str
    active: bool
    current_entities: int
    snapshots: list[dict[str, Any]]


def current_snapshot_ids(*, session: Session) -> dict[int, int]:
    """``{watchlist_id: latest snapshot id}`` of the active lists."""
    rows = session.execute(
        select(WatchlistSnapshot.watchlist_id, func.max(WatchlistSnapshot.id))
        .join(Watchlist, Watchlist.id == WatchlistSnapshot.watchlist_id)
        .where(Watchlist.active.is_(True))
        .group_by(WatchlistSnapshot.watchlist_id)
    ).all()
    return {w: s for w, s in rows}


def list_watchlists(*, session: Session) -> list[WatchlistSummary]:
    """Every list, its snapshots (newest first) and the entity count of its latest snapshot."""
    out = []
    for wl in session.scalars(select(Watchlist).order_by(Watchlist.name)):
        snaps = session.scalars(
            select(WatchlistSnapshot)
            .where(WatchlistSnapshot.watchlist_id == wl.id)
            .order_by(WatchlistSnapshot.id.desc())
        ).all()
        out.append(
            WatchlistSummary(
                name=wl.name,
                source_format=wl.source_format,
                active=wl.active,
                current_entities=snaps[0].entity_count if snaps else 0,
                snapshots=[
                    {
                        "id": s.id,
                        "version": s.version,
                        "imported_at": s.imported_at,
                        "published_on": s.published_on,
                        "published_source": s.published_source,
                        "sha256": s.source_sha256,
                        "entities": s.entity_count,
                        "added": s.added_count,
                        "changed": s.changed_count,
                        "removed": s.removed_count,
                    }
                    for s in snaps
                ],
            )
        )
    return out
