"""Import roster files (clients, parties, engagements, signals): validate, then upsert.

Two streaming passes keep memory flat however large the file: the first validates every row and
collects every problem; only if the file is clean (or ``skip_invalid``) does the second pass
write, in batches, inside the caller's transaction — so by default one bad row means nothing
from the file is written. Re-importing the same file changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, cast

from pydantic import BaseModel, ValidationError
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from duediligence import csvutil
from duediligence.audit.trail import PendingEvent, record_event, record_events
from duediligence.db.base import utcnow
from duediligence.db.bulk import bulk_insert
from duediligence.db.enums import LinkStatus, SignalKind
from duediligence.db.models import Client, Engagement, Party, Signal
from duediligence.db.session import begin_savepoint
from duediligence.errors import InputError, RowProblem, ValidationFailed
from duediligence.ingest.readers import (
    ReadStats,
    Record,
    RowError,
    delimiter_from_option,
    detect_format,
    iter_records,
)
from duediligence.ingest.schemas import (
    ClientIn,
    EngagementIn,
    PartyIn,
    SignalIn,
    all_errors,
)
from duediligence.jsonutil import sha256_file, to_jsonable

log = logging.getLogger(__name__)

Kind = Literal["clients", "parties", "engagements", "signals"]
KINDS: tuple[Kind, ...] = ("clients", "parties", "engagements", "signals")
BATCH_SIZE = 5000
Progress = Callable[[int], None]

SCHEMAS: dict[str, type[BaseModel]] = {
    "clients": ClientIn,
    "parties": PartyIn,
    "engagements": EngagementIn,
    "signals": SignalIn,
}

# How much a signal's source kind is believed when the file does not say.
DEFAULT_CREDIBILITY: dict[SignalKind, float] = {
    SignalKind.NEWS: 0.6,
    SignalKind.LEGAL_ACTION: 0.9,
    SignalKind.REGULATORY_ACTION: 0.95,
    SignalKind.SANCTION: 1.0,
    SignalKind.WATCHLIST: 0.9,
    SignalKind.INTERNAL: 0.8,
}

CLIENT_FIELDS = [f for f in ClientIn.model_fields if f != "external_ref"]


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do)."""

    kind: str
    path: str
    unit: str = "rows"  # what a row is called in summaries ("items" for feeds)
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    dry_run: bool = False
    problems: list[RowProblem] = field(default_factory=list)
    rejects_path: str | None = None
    inserted_signal_ids: list[int] = field(default_factory=list)
    # passed over without being a row: blank lines, empty unnamed CSV columns (Excel)
    blank_lines: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    # signals: valid rows by how their publication date was obtained (DateBasis values)
    date_bases: dict[str, int] = field(default_factory=dict)
    # feeds: what happened to items that were kept but changed (e.g. links dropped)
    notes: dict[str, int] = field(default_factory=dict)


def party_key(item: PartyIn) -> str:
    """The upsert key of a party inside its client."""
    if item.party_id:
        return f"id:{item.party_id}"
    return f"name:{' '.join(item.name.casefold().split())}|{item.role.value}"


def engagement_key(item: EngagementIn) -> str:
    """The upsert key of an engagement inside its client."""
    if item.engagement_id:
        return f"id:{item.engagement_id}"
    basis = f"{item.date.isoformat()}|{item.kind.value}|{item.description or ''}"
    return "h:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:40]


def signal_content_hash(item: SignalIn) -> str:
    """De-duplication key: the explicit id, else source + url + title + published date."""
    cached: str | None = item.__dict__.get("_content_hash")
    if cached is not None:
        return cached
    if item.signal_id:
        basis = f"id\x1f{item.signal_id}"
    else:
        basis = "\x1f".join(
            [item.source or "", item.url or "", item.title, item.published_at.utc_date.isoformat()]
        )
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()
    item.__dict__["_content_hash"] = digest  # frozen model: memoise outside the fields
    return digest


def _row_key(kind: str, item: Any) -> str:
    if kind == "clients":
        return str(item.external_ref)
    if kind == "parties":
        return f"{item.client_ref}\x1f{party_key(item)}"
    if kind == "engagements":
        return f"{item.client_ref}\x1f{engagement_key(item)}"
    return signal_content_hash(item)


def _client_ids(*, session: Session) -> dict[str, int]:
    return {ref: cid for ref, cid in session.execute(select(Client.external_ref, Client.id))}


def read_rows(
    path: Path,
    kind: str,
    fmt: str,
    *,
    delimiter: str = ",",
    stats: ReadStats | None = None,
) -> Iterator[tuple[str, Record]]:
    """The raw ``(location, record)`` pairs of a roster file of ``kind`` (see ``readers``)."""
    schema = SCHEMAS[kind]
    return iter_records(
        path,
        fmt,  # type: ignore[arg-type]
        allowed=schema.field_names(),  # type: ignore[attr-defined]
        required=schema.required_names(),  # type: ignore[attr-defined]
        delimiter=delimiter,
        stats=stats,
    )


def validate_rows(
    records: Iterable[tuple[str, Record]], kind: str, *, now: datetime
) -> Iterator[tuple[str, BaseModel | None, list[tuple[str, str]]]]:
    """``(location, valid item or None, [(field, reason)])`` for each record, validated with
    the schema of ``kind``; ``now`` is the import time the date rule checks against."""
    schema = SCHEMAS[kind]
    context = {"now": now}
    for location, record in records:
        if isinstance(record, RowError):
            yield location, None, [(record.field, record.reason)]
            continue
        try:
            yield location, schema.model_validate(record, context=context), []
        except ValidationError as exc:
            yield location, None, all_errors(exc)


def write_rejects(path: Path, problems: Iterable[RowProblem]) -> None:
    """Write a rejects report (CSV: source, location, field, reason)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csvutil.writer(handle)
        writer.writerow(["source", "location", "field", "reason"])
        for p in problems:
            writer.writerow([p.source, p.location, p.field, p.reason])


def import_file(
    *,
    session: Session,
    path: str | Path,
    kind: Kind,
    fmt: str | None = None,
    delimiter: str | None = None,
    skip_invalid: bool = False,
    rejects_path: str | Path | None = None,
    dry_run: bool = False,
    actor: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate and import one roster file of ``kind`` (CSV, JSON array or JSON Lines).

    ``delimiter`` (CSV only; default ``,``, ``tab`` accepted) splits the cells. Raises
    :class:`InputError` for an unreadable file and :class:`ValidationFailed` as
    :func:`import_records` does; see there for ``skip_invalid``, ``dry_run`` and the result.
    """
    if kind not in KINDS:
        raise InputError(f"unknown import kind {kind!r}: use one of {', '.join(KINDS)}")
    path = Path(path)
    file_format = detect_format(path, fmt)
    stats = ReadStats()
    records = read_rows(
        path, kind, file_format, delimiter=delimiter_from_option(delimiter), stats=stats
    )
    return import_records(
        session=session,
        records=records,
        kind=kind,
        source=str(path),
        stats=stats,
        audit_name=path.name,
        audit_extra=lambda: {"sha256": sha256_file(path)},
        skip_invalid=skip_invalid,
        rejects_path=rejects_path,
        dry_run=dry_run,
        actor=actor,
        progress=progress,
    )


def import_records(
    *,
    session: Session,
    records: Iterable[tuple[str, Record]],
    kind: Kind,
    source: str,
    stats: ReadStats | None = None,
    audit_name: str | None = None,
    audit_extra: Callable[[], dict[str, Any]] | None = None,
    now: datetime | None = None,
    skip_invalid: bool = False,
    rejects_path: str | Path | None = None,
    dry_run: bool = False,
    actor: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate and import ``(location, record)`` pairs of ``kind`` read from ``source``.

    Every record is counted in the result: new, updated, unchanged or rejected (with its
    ``RowProblem``: location, field, reason); ``stats`` (blank lines, ignored columns) is
    copied into it. Signals are dated by the date rule against ``now`` (default: the start of
    the import). Raises :class:`ValidationFailed` (listing every bad row, and writing
    ``rejects_path`` when given) if any row is invalid and ``skip_invalid`` is false; nothing
    is written then. With ``skip_invalid`` the valid rows are written and the problems
    returned. ``dry_run`` validates and counts without writing. One ``import.<kind>`` audit
    event names ``audit_name`` (default ``source``) and records the counts, plus what
    ``audit_extra()`` returns (e.g. the file's SHA-256).
    """
    if kind not in KINDS:
        raise InputError(f"unknown import kind {kind!r}: use one of {', '.join(KINDS)}")
    now = now or utcnow()
    result = ImportResult(kind=kind, path=source, dry_run=dry_run)
    refs = _client_ids(session=session) if kind != "clients" else {}

    # One streaming pass inside a savepoint: validate every row and write the valid ones in
    # batches. If any row is bad (and we are not skipping), the savepoint is rolled back, so
    # nothing from the file is written; every problem has still been collected for the report.
    writer = _WRITERS[kind]
    seen: dict[str, str] = {}
    bad_locations: set[str] = set()
    bases: Counter[str] = Counter()
    batch: list[Any] = []
    done = 0
    write = not dry_run
    savepoint = begin_savepoint(session=session)
    try:
        for location, item, errors in validate_rows(records, kind, now=now):
            result.rows += 1
            if item is not None:
                client_ref = getattr(item, "client_ref", None)
                if kind != "clients" and client_ref is not None and client_ref not in refs:
                    errors = [
                        ("client_ref", f"unknown client {client_ref!r} (import clients first)")
                    ]
                else:
                    key = _row_key(kind, item)
                    if key in seen:
                        errors = [("(row)", f"duplicate of {seen[key]} in the same file")]
                    else:
                        seen[key] = location
            if errors:
                bad_locations.add(location)
                for fld, reason in errors:
                    result.problems.append(RowProblem(source, location, fld, reason))
                if not skip_invalid:
                    write = False  # keep validating to report every bad row
                continue
            if kind == "signals":
                bases[str(item.published_at.basis)] += 1  # type: ignore[union-attr]
            if write:
                batch.append(item)
                if len(batch) >= BATCH_SIZE:
                    writer(session=session, items=batch, refs=refs, result=result, actor=actor)
                    done += len(batch)
                    batch = []
                    if progress:
                        progress(done)
        if write and batch:
            writer(session=session, items=batch, refs=refs, result=result, actor=actor)
            done += len(batch)
            if progress:
                progress(done)
    except BaseException:
        savepoint.rollback()
        raise
    del seen
    if stats is not None:
        result.blank_lines = stats.blank_lines
        result.ignored_columns = list(stats.ignored_columns)
    result.date_bases = dict(sorted(bases.items()))
    result.rejected = len(bad_locations)
    if result.rows == 0 or (result.problems and not skip_invalid) or dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    if result.rows == 0:
        raise InputError(f"{source}: no data rows after the header")
    if result.problems and rejects_path is not None:
        write_rejects(Path(rejects_path), result.problems)
        result.rejects_path = str(rejects_path)
    if result.problems and not skip_invalid:
        raise ValidationFailed(problems=result.problems, rejects_path=result.rejects_path)
    if dry_run:
        return result
    after: dict[str, Any] = {
        "rows": result.rows,
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
    }
    if audit_extra is not None:
        after = {**audit_extra(), **after}
    record_event(
        session=session,
        actor=actor,
        action=f"import.{kind}",
        object_type="file",
        object_id=(audit_name or source)[:100],
        after=after,
    )
    if kind == "signals" and result.inserted_signal_ids:
        _after_signals_inserted(session=session, signal_ids=result.inserted_signal_ids, actor=actor)
    return result


def _after_signals_inserted(*, session: Session, signal_ids: list[int], actor: str | None) -> None:
    """Enrich freshly imported signals: classify their text and link unlinked ones to clients."""
    from duediligence.ingest.enrich import enrich_signals

    enrich_signals(session=session, signal_ids=signal_ids, actor=actor)


# --------------------------------------------------------------------------- writers


def _client_values(item: ClientIn) -> dict[str, Any]:
    return {name: getattr(item, name) for name in CLIENT_FIELDS}


def _write_clients(
    *,
    session: Session,
    items: list[Any],
    refs: dict[str, int],
    result: ImportResult,
    actor: str | None,
) -> None:
    existing = {
        c.external_ref: c
        for c in session.scalars(
            select(Client).where(Client.external_ref.in_([i.external_ref for i in items]))
        )
    }
    new_rows = []
    events: list[PendingEvent] = []
    for item in items:
        values = _client_values(item)
        client = existing.get(item.external_ref)
        if client is None:
            new_rows.append({"external_ref": item.external_ref, **values})
            continue
        before = {k: getattr(client, k) for k in values if getattr(client, k) != values[k]}
        if not before:
            result.unchanged += 1
            continue
        for k in before:
            setattr(client, k, values[k])
        client.profile_version += 1
        result.updated += 1
        events.append(
            PendingEvent(
                "client.updated",
                "client",
                client.external_ref,
                client.id,
                before=before,
                after={k: values[k] for k in before},
            )
        )
    if new_rows:
        now = utcnow()
        for row in new_rows:
            row.update(created_at=now, updated_at=now, profile_version=1)
        session.execute(insert(Client), new_rows)
        ids = dict(
            session.execute(
                select(Client.external_ref, Client.id).where(
                    Client.external_ref.in_([r["external_ref"] for r in new_rows])
                )
            ).all()
        )
        result.inserted += len(new_rows)
        events.extend(
            PendingEvent(
                "client.created",
                "client",
                row["external_ref"],
                ids[row["external_ref"]],
                after=to_jsonable({k: v for k, v in row.items() if k in CLIENT_FIELDS}),
            )
            for row in new_rows
        )
    session.flush()
    record_events(session=session, actor=actor, events=events)


def _upsert_children(
    *,
    session: Session,
    model: type[Party] | type[Engagement],
    key_attr: str,
    rows: list[dict[str, Any]],
    result: ImportResult,
) -> set[int]:
    """Insert or update party/engagement rows keyed by (client_id, key); returns touched clients."""
    key_col = getattr(model, key_attr)
    client_col = model.__table__.c.client_id
    client_ids = {r["client_id"] for r in rows}
    existing = {
        (cast(Any, obj).client_id, getattr(obj, key_attr)): obj
        for obj in session.scalars(
            select(model).where(
                client_col.in_(client_ids), key_col.in_([r[key_attr] for r in rows])
            )
        )
    }
    new_rows = []
    touched: set[int] = set()
    now = utcnow()
    for row in rows:
        obj = existing.get((row["client_id"], row[key_attr]))
        if obj is None:
            new_rows.append({**row, "created_at": now, "updated_at": now})
            touched.add(row["client_id"])
            continue
        changed = {k: v for k, v in row.items() if getattr(obj, k) != v}
        if not changed:
            result.unchanged += 1
            continue
        for k, v in changed.items():
            setattr(obj, k, v)
        touched.add(row["client_id"])
        result.updated += 1
    if new_rows:
        session.execute(insert(model), new_rows)
        result.inserted += len(new_rows)
    session.flush()
    return touched


def _bump_profiles(*, session: Session, client_ids: set[int]) -> None:
    """A change of parties is a change of the client's profile (re-scoring must notice)."""
    if not client_ids:
        return
    for client in session.scalars(select(Client).where(Client.id.in_(client_ids))):
        client.profile_version += 1
        client.updated_at = utcnow()
    session.flush()


def _write_parties(
    *,
    session: Session,
    items: list[Any],
    refs: dict[str, int],
    result: ImportResult,
    actor: str | None,
) -> None:
    rows = [
        {
            "client_id": refs[i.client_ref],
            "party_key": party_key(i),
            "name": i.name,
            "kind": i.kind,
            "role": i.role,
            "ownership_pct": i.ownership_pct,
            "birth_date": i.birth_date,
            "country": i.country,
        }
        for i in items
    ]
    _bump_profiles(
        session=session,
        client_ids=_upsert_children(
            session=session, model=Party, key_attr="party_key", rows=rows, result=result
        ),
    )


def _write_engagements(
    *,
    session: Session,
    items: list[Any],
    refs: dict[str, int],
    result: ImportResult,
    actor: str | None,
) -> None:
    rows = [
        {
            "client_id": refs[i.client_ref],
            "engagement_key": engagement_key(i),
            "date": i.date,
            "kind": i.kind,
            "description": i.description,
            "value": i.value,
        }
        for i in items
    ]
    _upsert_children(
        session=session, model=Engagement, key_attr="engagement_key", rows=rows, result=result
    )


def _write_signals(
    *,
    session: Session,
    items: list[Any],
    refs: dict[str, int],
    result: ImportResult,
    actor: str | None,
) -> None:
    by_hash = {signal_content_hash(i): i for i in items}
    existing = set(
        session.scalars(select(Signal.content_hash).where(Signal.content_hash.in_(list(by_hash))))
    )
    ids_given = [i.signal_id for i in items if i.signal_id]
    if ids_given:
        existing_ids = set(
            session.scalars(select(Signal.external_id).where(Signal.external_id.in_(ids_given)))
        )
    else:
        existing_ids = set()
    now = utcnow()
    rows = []
    for content_hash, i in by_hash.items():
        if content_hash in existing or (i.signal_id and i.signal_id in existing_ids):
            result.unchanged += 1
            continue
        client_id = refs.get(i.client_ref) if i.client_ref else None
        rows.append(
            {
                "client_id": client_id,
                "external_id": i.signal_id,
                "kind": i.kind,
                "title": i.title,
                "text": i.text,
                "source": i.source,
                "url": i.url,
                "published_at": i.published_at.utc_date,
                "published_original": i.published_at.original,
                "published_utc_offset": i.published_at.utc_offset_minutes,
                "published_basis": i.published_at.basis,
                "retrieved_at": i.retrieved_at or now,
                "content_hash": content_hash,
                "subject_name": i.subject_name,
                "severity": i.severity,
                "credibility": i.credibility
                if i.credibility is not None
                else DEFAULT_CREDIBILITY[i.kind],
                "link_status": LinkStatus.IMPORTED if client_id else LinkStatus.UNLINKED,
                "created_at": now,
                "updated_at": now,
            }
        )
    if rows:
        bulk_insert(session=session, table=cast(Table, Signal.__table__), rows=rows)
        new_ids = session.scalars(
            select(Signal.id).where(Signal.content_hash.in_([r["content_hash"] for r in rows]))
        ).all()
        result.inserted_signal_ids.extend(new_ids)
        result.inserted += len(rows)


class _Writer(Protocol):
    """Writes one validated batch of one import kind (the signature every ``_write_*`` shares)."""

    def __call__(
        self,
        *,
        session: Session,
        items: list[Any],
        refs: dict[str, int],
        result: ImportResult,
        actor: str | None,
    ) -> None: ...


_WRITERS: dict[str, _Writer] = {
    "clients": _write_clients,
    "parties": _write_parties,
    "engagements": _write_engagements,
    "signals": _write_signals,
}


def signal_rows_date_range(*, session: Session) -> tuple[date | None, date | None]:
    """Earliest and latest publication dates held (for summaries)."""
    from sqlalchemy import func

    row = session.execute(
        select(func.min(Signal.published_at), func.max(Signal.published_at))
    ).one()
    return row[0], row[1]
