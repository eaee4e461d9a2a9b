"""Roster re-scoring runs: plan, claim, score, store, resume, summarise.

A run is a :class:`ScoringRun` row with its :class:`ScoringChunk` rows, created in one
transaction. Each chunk is scored and stored in **one transaction** that also marks the chunk
done, so a run killed at any instant (SIGKILL included) leaves every chunk either fully stored
or untouched; the next invocation resumes the run and scores only the chunks still pending.
``UniqueConstraint(run_id, client_id)`` on assessments refuses a duplicate even if that ever
failed.

Parallelism:

- **PostgreSQL** is the coordinator. Every worker (``--workers N`` processes, and processes
  started elsewhere with ``--join RUN_ID``) claims the next pending chunk with
  ``SELECT ... FOR UPDATE SKIP LOCKED`` and keeps the row lock for the chunk's transaction;
  a worker that dies releases its chunk by rolling back.
- **SQLite** has one writer: ``N`` processes load and score chunks (read-only) and this process
  writes each chunk's results in one transaction.

Only one invocation coordinates a run at a time: it holds the ``rescore`` lease (see
:mod:`duediligence.batch.lease`) and renews it while it works.

This module takes an :class:`~sqlalchemy.Engine` rather than a session: a run is many
transactions and several processes by design.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from duediligence.audit.authentication import (
    AuthMethod,
    current_declaration,
    declare_authentication,
)
from duediligence.audit.trail import record_event
from duediligence.batch.alerts import TierAlert, tier_changes, write_alerts
from duediligence.batch.detect import ChangeSet, detect_changes, last_completed_run
from duediligence.batch.lease import (
    DEFAULT_TTL,
    acquire_lease,
    new_owner,
    release_lease,
    renew_lease,
)
from duediligence.db.base import utcnow
from duediligence.db.enums import ChunkStatus, ModelKind, RunStatus
from duediligence.db.models import Assessment, ScoringChunk, ScoringRun
from duediligence.db.session import make_engine, session_factory
from duediligence.errors import ConflictError, InputError, IntegrityError, NotFoundError
from duediligence.jsonutil import to_jsonable
from duediligence.modelstore import active_versions
from duediligence.risk.assess import RiskResult, load_scorer, score_clients, store_results
from duediligence.risk.model import Scorer

log = logging.getLogger(__name__)

LEASE_NAME = "rescore"
DEFAULT_CHUNK_SIZE = 1000
POLL_SECONDS = 0.5

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RescoreOptions:
    """What ``duediligence rescore`` was asked to do."""

    full: bool = False
    as_of: date | None = None
    workers: int = 1
    chunk_size: int = DEFAULT_CHUNK_SIZE
    resume: bool = False  # only resume an interrupted or failed run; error if there is none
    alerts_dir: Path | None = None
    actor: str | None = None
    lease_ttl: timedelta = DEFAULT_TTL
    models_dir: Path | None = None


@dataclass
class RescoreSummary:
    """What a run did: the figures for people, the exit code for schedulers."""

    run_id: int
    status: str
    mode: str
    as_of: date
    resumed: bool
    roster_clients: int
    clients_planned: int
    clients_scored: int
    chunks: int
    chunks_failed: int
    tier_changes: dict[str, int]
    changes: dict[str, int]
    alerts: list[TierAlert] = field(default_factory=list)
    alerts_csv: str | None = None
    alerts_json: str | None = None
    seconds: float = 0.0
    workers: int = 1
    risk_model_version: str | None = None
    signal_model_version: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 done; 1 failed; 3 done with tier increases awaiting review."""
        if self.status != RunStatus.COMPLETED.value:
            return 1
        return 3 if self.alerts else 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form (alerts included)."""
        data = {k: v for k, v in vars(self).items()}
        data["alerts"] = [vars(a) for a in self.alerts]
        data["exit_code"] = self.exit_code
        return data


@dataclass
class WorkDone:
    """Chunks and clients one worker stored."""

    chunks: int = 0
    clients: int = 0
    failed: int = 0


def _models_dir(options_dir: Path | None) -> Path:
    if options_dir is not None:
        return options_dir
    from duediligence.config import get_settings

    return get_settings().models_dir


def current_versions(
    *, session: Session, models_dir: Path | None = None
) -> tuple[Scorer, str | None]:
    """The active risk scorer and the active signal model version."""
    folder = _models_dir(models_dir)
    scorer = load_scorer(session=session, models_dir=folder)
    return scorer, active_versions(folder).get(str(ModelKind.SIGNALS))


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


# --------------------------------------------------------------------------- planning


def find_unfinished_run(*, session: Session, include_failed: bool = False) -> ScoringRun | None:
    """The newest run still marked running (or failed too, when asked)."""
    statuses = [RunStatus.RUNNING] + ([RunStatus.FAILED] if include_failed else [])
    return session.scalar(
        select(ScoringRun)
        .where(ScoringRun.status.in_(statuses))
        .order_by(ScoringRun.id.desc())
        .limit(1)
    )


def plan_run(
    *,
    session: Session,
    as_of: date,
    full: bool,
    chunk_size: int,
    scorer_version: str,
    signal_version: str | None,
    actor: str | None,
    workers: int,
) -> tuple[ScoringRun, ChangeSet | None]:
    """Create a run and its chunks (the caller commits): everyone when ``full`` or when the
    active model changed since the last completed run, else only the changed clients."""
    started = utcnow()  # before reading anything: later changes count for the next run
    mode = "full" if full else "incremental"
    reason = "requested" if full else None
    previous = last_completed_run(session=session)
    if (
        not full
        and previous is not None
        and (
            previous.risk_model_version != scorer_version
            or previous.signal_model_version != signal_version
        )
    ):
        mode, reason = "full", "model changed"
        log.info(
            "active model changed since run %d: scoring everyone",
            previous.id,
            extra={
                "previous_risk_model": previous.risk_model_version,
                "risk_model": scorer_version,
            },
        )
    changes: ChangeSet | None = None
    if mode == "full":
        from duediligence.db.models import Client

        ids = list(session.scalars(select(Client.id).order_by(Client.id)))
        roster = len(ids)
    else:
        changes = detect_changes(
            session=session,
            as_of=as_of,
            risk_model_version=scorer_version,
            signal_model_version=signal_version,
        )
        ids = changes.client_ids
        roster = changes.total_clients
    params: dict[str, Any] = {
        "chunk_size": chunk_size,
        "workers": workers,
        "roster_clients": roster,
        "full_reason": reason,
    }
    if changes is not None:
        params["change_counts"] = changes.counts()
        by_kind: dict[str, list[int]] = {}
        for cid, kinds in changes.reasons.items():
            for kind in kinds:
                by_kind.setdefault(kind, []).append(cid)
        params["changes"] = {k: sorted(v) for k, v in by_kind.items()}
    chunks = [ids[i : i + chunk_size] for i in range(0, len(ids), chunk_size)]
    run = ScoringRun(
        status=RunStatus.RUNNING,
        mode=mode,
        as_of=as_of,
        started_at=started,
        started_by=actor or "system",
        params=params,
        summary={},
        signal_model_version=signal_version,
        risk_model_version=scorer_version,
        chunk_count=len(chunks),
        client_count=len(ids),
    )
    session.add(run)
    session.flush()
    session.add_all(
        ScoringChunk(run_id=run.id, seq=seq, client_ids=part, status=ChunkStatus.PENDING)
        for seq, part in enumerate(chunks)
    )
    record_event(
        session=session,
        actor=actor,
        action="scoring_run.started",
        object_type="scoring_run",
        object_id=run.id,
        after={
            "mode": mode,
            "as_of": as_of,
            "clients": len(ids),
            "chunks": len(chunks),
            "risk_model_version": scorer_version,
            "full_reason": reason,
        },
    )
    session.flush()
    return run, changes


# --------------------------------------------------------------------------- one chunk


def write_chunk(
    *,
    session: Session,
    run: ScoringRun,
    chunk: ScoringChunk,
    results: list[RiskResult],
    worker: str,
    actor: str | None,
) -> int:
    """Store a chunk's results and mark it done, in the caller's transaction (not committed)."""
    ids = list(chunk.client_ids)
    already = set(
        session.scalars(
            select(Assessment.client_id).where(
                Assessment.run_id == run.id, Assessment.client_id.in_(ids)
            )
        )
    )
    if already:  # cannot happen while chunk and assessments commit together; stay safe anyway
        log.warning("chunk %d: %d clients already scored in this run", chunk.seq, len(already))
        results = [r for r in results if r.client_id not in already]
    stored = store_results(
        session=session, results=results, run_id=run.id, actor=actor, made_on=run.started_at.date()
    )
    now = utcnow()
    session.execute(
        update(ScoringChunk)
        .where(ScoringChunk.id == chunk.id)
        .values(
            status=ChunkStatus.DONE,
            claimed_by=worker,
            claimed_at=chunk.claimed_at or now,
            finished_at=now,
            attempts=ScoringChunk.attempts + 1,
            error=None,
        )
    )
    return stored


def _mark_failed(engine: Engine, chunk_id: int, worker: str, error: str) -> None:
    with session_factory(engine)() as session:
        session.execute(
            update(ScoringChunk)
            .where(ScoringChunk.id == chunk_id)
            .values(
                status=ChunkStatus.FAILED,
                claimed_by=worker,
                finished_at=utcnow(),
                attempts=ScoringChunk.attempts + 1,
                error=error[:2000],
            )
        )
        session.commit()


def _claim(*, session: Session, run_id: int) -> ScoringChunk | None:
    """The next pending chunk, row-locked for this transaction (skip-locked on PostgreSQL)."""
    return session.scalar(
        select(ScoringChunk)
        .where(ScoringChunk.run_id == run_id, ScoringChunk.status == ChunkStatus.PENDING)
        .order_by(ScoringChunk.seq)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def _check_model(run: ScoringRun, scorer: Scorer) -> None:
    if run.risk_model_version and run.risk_model_version != scorer.version:
        raise IntegrityError(
            f"run {run.id} uses risk model {run.risk_model_version} but {scorer.version} is "
            "active now; finish or abandon the run before changing models"
        )


def work_chunks(
    engine: Engine,
    run_id: int,
    *,
    worker: str,
    actor: str | None,
    models_dir: Path | None = None,
    on_chunk: Callable[[int], None] | None = None,
) -> WorkDone:
    """Claim, score and store chunks of ``run_id`` until none is left to claim.

    Each chunk is claimed, scored and stored in one transaction; a chunk that raises is rolled
    back and marked failed (the others go on).
    """
    factory = session_factory(engine)
    done = WorkDone()
    with factory() as session:
        run = session.get(ScoringRun, run_id)
        if run is None:
            raise NotFoundError(f"no scoring run {run_id}")
        scorer, _ = current_versions(session=session, models_dir=models_dir)
        _check_model(run, scorer)
        as_of, signal_version = run.as_of, run.signal_model_version
        session.commit()
    while True:
        with factory() as session:
            chunk = _claim(session=session, run_id=run_id)
            if chunk is None:
                session.commit()
                return done
            chunk.claimed_at = utcnow()
            chunk_id, seq = chunk.id, chunk.seq
            try:
                run = session.get(ScoringRun, run_id)
                assert run is not None
                results = score_clients(
                    session=session,
                    client_ids=list(chunk.client_ids),
                    as_of=as_of,
                    model=scorer,
                    signal_model_version=signal_version,
                )
                stored = write_chunk(
                    session=session,
                    run=run,
                    chunk=chunk,
                    results=results,
                    worker=worker,
                    actor=actor,
                )
                session.commit()
            except Exception as exc:  # one bad chunk must not stop the run
                session.rollback()
                log.exception("chunk %d of run %d failed", seq, run_id)
                _mark_failed(engine, chunk_id, worker, f"{type(exc).__name__}: {exc}")
                done.failed += 1
                continue
        done.chunks += 1
        done.clients += stored
        log.debug("chunk %d stored", seq, extra={"run_id": run_id, "chunk": seq, "worker": worker})
        if on_chunk is not None:
            on_chunk(stored)


# --------------------------------------------------------------------------- worker processes


_READER: dict[str, Any] = {}


def _init_reader(url: str, models_dir: str | None, run_id: int) -> None:
    """Pool initialiser: a read-only engine and the run's scorer, once per process."""
    engine = make_engine(url)
    with session_factory(engine)() as session:
        run = session.get(ScoringRun, run_id)
        assert run is not None
        scorer, _ = current_versions(
            session=session, models_dir=Path(models_dir) if models_dir else None
        )
        _check_model(run, scorer)
        signal_version = run.signal_model_version
        session.rollback()
    _READER.update(engine=engine, scorer=scorer, signal_version=signal_version)


def _score_chunk(chunk_id: int, client_ids: list[int], as_of: date) -> tuple[int, list[RiskResult]]:
    """Pool task: score a chunk without writing anything."""
    engine: Engine = _READER["engine"]
    with session_factory(engine)() as session:
        results = score_clients(
            session=session,
            client_ids=client_ids,
            as_of=as_of,
            model=_READER["scorer"],
            signal_model_version=_READER["signal_version"],
        )
        session.rollback()
    return chunk_id, results


def _join_worker(
    url: str, run_id: int, worker: str, actor: str | None, models_dir: str | None
) -> WorkDone:
    """Pool task on PostgreSQL: a full claiming worker in its own process."""
    engine = make_engine(url)
    try:
        return work_chunks(
            engine,
            run_id,
            worker=worker,
            actor=actor,
            models_dir=Path(models_dir) if models_dir else None,
        )
    finally:
        engine.dispose()


def _init_child(
    declared: tuple[str, AuthMethod] | None,
    initializer: Callable[..., None] | None,
    initargs: tuple[Any, ...],
) -> None:
    """Start a pool process: carry over how the acting user was authenticated (so the events
    it records say so, as the parent's do), then run the pool's own initializer."""
    if declared is not None:
        declare_authentication(*declared)
    if initializer is not None:
        initializer(*initargs)


def _pool(
    workers: int,
    *,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    # spawn, not fork: the parent may run a progress-bar thread and holds pooled connections.
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_child,
        initargs=(current_declaration(), initializer, initargs),
    )


# --------------------------------------------------------------------------- coordinator


class _Coordinator:
    """Drives one run to the end: workers, lease renewal, progress."""

    def __init__(
        self,
        engine: Engine,
        run_id: int,
        options: RescoreOptions,
        owner: str,
        progress: Progress | None,
    ) -> None:
        self.engine = engine
        self.run_id = run_id
        self.options = options
        self.owner = owner
        self.progress = progress
        self.factory = session_factory(engine)
        self.last_renew = time.monotonic()
        self.total_clients = 0
        self.done_clients = 0
        self.total_chunks = 0
        self.done_chunks = 0
        self.started = time.monotonic()

    def renew(self, force: bool = False) -> None:
        """Renew the lease if a third of its lifetime passed."""
        ttl = self.options.lease_ttl
        if force or time.monotonic() - self.last_renew > ttl.total_seconds() / 3:
            renew_lease(self.engine, LEASE_NAME, self.owner, ttl=ttl)
            self.last_renew = time.monotonic()

    def refresh_counts(self) -> None:
        """Re-read progress from the chunks table (workers elsewhere also store chunks)."""
        with self.factory() as session:
            rows = session.execute(
                select(ScoringChunk.status, ScoringChunk.client_ids).where(
                    ScoringChunk.run_id == self.run_id
                )
            ).all()
        self.total_chunks = len(rows)
        self.total_clients = sum(len(ids) for _, ids in rows)
        self.done_chunks = sum(1 for status, _ in rows if status == ChunkStatus.DONE)
        self.done_clients = sum(len(ids) for status, ids in rows if status == ChunkStatus.DONE)

    def chunk_stored(self, clients: int) -> None:
        """Account for one stored chunk: progress, a log line, the lease."""
        self.done_chunks += 1
        self.done_clients += clients
        elapsed = time.monotonic() - self.started
        log.info(
            "run %d: %d/%d chunks, %d/%d clients",
            self.run_id,
            self.done_chunks,
            self.total_chunks,
            self.done_clients,
            self.total_clients,
            extra={
                "event": "rescore.progress",
                "run_id": self.run_id,
                "chunks_done": self.done_chunks,
                "chunks_total": self.total_chunks,
                "clients_done": self.done_clients,
                "clients_total": self.total_clients,
                "elapsed_s": round(elapsed, 2),
            },
        )
        if self.progress is not None:
            self.progress(self.done_clients, self.total_clients)
        self.renew()

    def pending(self) -> list[tuple[int, list[int]]]:
        """Pending chunks as ``(id, client_ids)`` in order."""
        with self.factory() as session:
            return [
                (cid, list(ids))
                for cid, ids in session.execute(
                    select(ScoringChunk.id, ScoringChunk.client_ids)
                    .where(
                        ScoringChunk.run_id == self.run_id,
                        ScoringChunk.status == ChunkStatus.PENDING,
                    )
                    .order_by(ScoringChunk.seq)
                )
            ]

    def run_postgres(self) -> None:
        """N claiming workers (this process and N-1 others), then wait for joined workers."""
        extra = max(0, min(self.options.workers, self.total_chunks - self.done_chunks) - 1)
        models = str(self.options.models_dir) if self.options.models_dir else None
        pool = _pool(extra) if extra else None
        futures: list[Future[WorkDone]] = []
        try:
            if pool is not None:
                futures = [
                    pool.submit(
                        _join_worker,
                        _url(self.engine),
                        self.run_id,
                        f"{self.owner}:w{i + 1}",
                        self.options.actor,
                        models,
                    )
                    for i in range(extra)
                ]
            while True:
                work_chunks(
                    self.engine,
                    self.run_id,
                    worker=f"{self.owner}:w0",
                    actor=self.options.actor,
                    models_dir=self.options.models_dir,
                    on_chunk=self.chunk_stored,
                )
                # Chunks still pending are locked by other workers: wait, and take over any a
                # dead worker released.
                if not self.pending():
                    break
                time.sleep(POLL_SECONDS)
                self.renew()
                self.refresh_counts()
                if self.progress is not None:
                    self.progress(self.done_clients, self.total_clients)
            for future in futures:
                future.result()
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self.refresh_counts()

    def run_sqlite(self) -> None:
        """Score in N processes, write every chunk from this one (SQLite has one writer)."""
        # Starting processes costs a second or two: not worth it for a run of one or two chunks.
        workers = min(max(1, self.options.workers), self.total_chunks - self.done_chunks)
        if workers <= 1:
            work_chunks(
                self.engine,
                self.run_id,
                worker=f"{self.owner}:w0",
                actor=self.options.actor,
                models_dir=self.options.models_dir,
                on_chunk=self.chunk_stored,
            )
            return
        with self.factory() as session:
            run = session.get(ScoringRun, self.run_id)
            assert run is not None
            as_of = run.as_of
        todo = self.pending()
        models = str(self.options.models_dir) if self.options.models_dir else None
        with _pool(
            workers, initializer=_init_reader, initargs=(_url(self.engine), models, self.run_id)
        ) as pool:
            queue = list(reversed(todo))
            in_flight: dict[Future[tuple[int, list[RiskResult]]], int] = {}
            while queue or in_flight:
                while queue and len(in_flight) < 2 * workers:
                    chunk_id, ids = queue.pop()
                    in_flight[pool.submit(_score_chunk, chunk_id, ids, as_of)] = chunk_id
                finished, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
                for future in finished:
                    self._store_computed(future, in_flight.pop(future))

    def _store_computed(self, future: Future[tuple[int, list[RiskResult]]], chunk_id: int) -> None:
        try:
            _, results = future.result()
        except BrokenProcessPool:
            raise
        except Exception as exc:  # recorded on the chunk, the run goes on
            log.error("scoring chunk %d failed: %s", chunk_id, exc)
            _mark_failed(self.engine, chunk_id, self.owner, f"{type(exc).__name__}: {exc}")
            return
        with self.factory() as session:
            chunk = session.get(ScoringChunk, chunk_id)
            run = session.get(ScoringRun, self.run_id)
            assert chunk is not None and run is not None
            if chunk.status != ChunkStatus.PENDING:
                return
            try:
                stored = write_chunk(
                    session=session,
                    run=run,
                    chunk=chunk,
                    results=results,
                    worker=f"{self.owner}:w0",
                    actor=self.options.actor,
                )
                session.commit()
            except Exception as exc:
                session.rollback()
                log.exception("chunk %d of run %d failed", chunk.seq, self.run_id)
                _mark_failed(self.engine, chunk_id, self.owner, f"{type(exc).__name__}: {exc}")
                return
        self.chunk_stored(stored)


# --------------------------------------------------------------------------- public API


def rescore(
    engine: Engine, options: RescoreOptions, *, progress: Progress | None = None
) -> RescoreSummary:
    """Re-score the roster (incrementally unless ``options.full``), or resume an interrupted run.

    Takes the ``rescore`` lease first (:class:`ConflictError` if another invocation holds it).
    An interrupted run is resumed before anything new starts, so the next invocation after a
    crash finishes the crashed run; with ``options.resume`` a failed run is retried too.
    Writes the alerts files and returns the summary.
    """
    if options.workers < 1:
        raise InputError("--workers must be at least 1")
    if options.chunk_size < 1:
        raise InputError("--chunk-size must be at least 1")
    clock = time.monotonic()
    owner = new_owner("rescore")
    acquire_lease(engine, LEASE_NAME, owner, ttl=options.lease_ttl)
    try:
        factory = session_factory(engine)
        resumed = False
        changes_by_client: dict[int, list[str]] = {}
        with factory() as session:
            run = find_unfinished_run(session=session, include_failed=options.resume)
            if run is not None:
                resumed = True
                reset = session.execute(
                    update(ScoringChunk)
                    .where(ScoringChunk.run_id == run.id, ScoringChunk.status != ChunkStatus.DONE)
                    .values(status=ChunkStatus.PENDING, error=None)
                )
                run.status = RunStatus.RUNNING
                run.finished_at = None
                record_event(
                    session=session,
                    actor=options.actor,
                    action="scoring_run.resumed",
                    object_type="scoring_run",
                    object_id=run.id,
                    after={"by": owner, "chunks_reset": reset.rowcount},  # type: ignore[attr-defined]
                )
                log.warning(
                    "resuming interrupted run %d (%s, as of %s)",
                    run.id,
                    run.mode,
                    run.as_of,
                    extra={"run_id": run.id},
                )
                if options.as_of and options.as_of != run.as_of:
                    log.warning(
                        "the resumed run scores as of %s, not the requested %s",
                        run.as_of,
                        options.as_of,
                    )
            elif options.resume:
                raise NotFoundError("no interrupted or failed rescore run to resume")
            else:
                scorer, signal_version = current_versions(
                    session=session, models_dir=options.models_dir
                )
                run, _changes = plan_run(
                    session=session,
                    as_of=options.as_of or date.today(),
                    full=options.full,
                    chunk_size=options.chunk_size,
                    scorer_version=scorer.version,
                    signal_version=signal_version,
                    actor=options.actor,
                    workers=options.workers,
                )
            run_id = run.id
            session.commit()
        for kind, ids in (run.params.get("changes") or {}).items():
            for cid in ids:
                changes_by_client.setdefault(cid, []).append(kind)
        coordinator = _Coordinator(engine, run_id, options, owner, progress)
        coordinator.refresh_counts()
        if progress is not None:
            progress(coordinator.done_clients, coordinator.total_clients)
        if engine.dialect.name == "postgresql":
            coordinator.run_postgres()
        else:
            coordinator.run_sqlite()
        coordinator.renew(force=True)
        return finish_run(
            engine,
            run_id,
            options=options,
            resumed=resumed,
            changes_by_client=changes_by_client,
            seconds=time.monotonic() - clock,
        )
    finally:
        release_lease(engine, LEASE_NAME, owner)


def finish_run(
    engine: Engine,
    run_id: int,
    *,
    options: RescoreOptions,
    resumed: bool,
    changes_by_client: dict[int, list[str]],
    seconds: float,
) -> RescoreSummary:
    """Close a run whose chunks are all done or failed: tier changes, alerts, summary, status."""
    with session_factory(engine)() as session:
        run = session.get(ScoringRun, run_id)
        assert run is not None
        counts = dict(
            session.execute(
                select(ScoringChunk.status, func.count())
                .where(ScoringChunk.run_id == run_id)
                .group_by(ScoringChunk.status)
            ).all()
        )
        failed = counts.get(ChunkStatus.FAILED, 0)
        unfinished = counts.get(ChunkStatus.PENDING, 0) + counts.get(ChunkStatus.CLAIMED, 0)
        errors = [
            f"chunk {seq}: {error}"
            for seq, error in session.execute(
                select(ScoringChunk.seq, ScoringChunk.error)
                .where(ScoringChunk.run_id == run_id, ScoringChunk.status == ChunkStatus.FAILED)
                .order_by(ScoringChunk.seq)
                .limit(10)
            )
        ]
        scored = session.scalar(
            select(func.count()).select_from(Assessment).where(Assessment.run_id == run_id)
        )
        changes = tier_changes(session=session, run_id=run_id, changes_by_client=changes_by_client)
        status = RunStatus.COMPLETED if not failed and not unfinished else RunStatus.FAILED
        alerts = changes.alerts or []
        from duediligence.config import get_settings

        folder = options.alerts_dir or get_settings().reports_dir / "alerts"
        csv_path, json_path = write_alerts(alerts, folder, run_id=run_id, as_of=run.as_of)
        summary = RescoreSummary(
            run_id=run_id,
            status=status.value,
            mode=run.mode,
            as_of=run.as_of,
            resumed=resumed,
            roster_clients=int(run.params.get("roster_clients", run.client_count)),
            clients_planned=run.client_count,
            clients_scored=int(scored or 0),
            chunks=run.chunk_count,
            chunks_failed=failed,
            tier_changes=changes.counts(),
            changes=dict(run.params.get("change_counts") or {}),
            alerts=alerts,
            alerts_csv=str(csv_path),
            alerts_json=str(json_path),
            seconds=round(seconds, 3),
            workers=options.workers,
            risk_model_version=run.risk_model_version,
            signal_model_version=run.signal_model_version,
            errors=errors,
        )
        stored_summary = {k: v for k, v in summary.as_dict().items() if k != "alerts"}
        stored_summary["alert_count"] = len(alerts)
        run.status = status
        run.finished_at = utcnow()
        run.summary = to_jsonable(stored_summary)
        record_event(
            session=session,
            actor=options.actor,
            action=f"scoring_run.{'completed' if status == RunStatus.COMPLETED else 'failed'}",
            object_type="scoring_run",
            object_id=run_id,
            after={
                "clients_scored": summary.clients_scored,
                "tier_changes": summary.tier_changes,
                "alerts": len(alerts),
                "chunks_failed": failed,
            },
        )
        session.commit()
    log.info(
        "run %d %s: %d clients scored in %.1f s, %d tier increases",
        run_id,
        status.value,
        summary.clients_scored,
        seconds,
        len(alerts),
        extra={
            "event": "rescore.finished",
            "run_id": run_id,
            "status": status.value,
            "clients_scored": summary.clients_scored,
            "tier_changes": summary.tier_changes,
            "alerts": len(alerts),
            "seconds": round(seconds, 3),
        },
    )
    return summary


@dataclass
class JoinSummary:
    """What a joined worker did."""

    run_id: int
    worker: str
    chunks: int
    clients_scored: int
    chunks_failed: int
    seconds: float

    @property
    def exit_code(self) -> int:
        """0 when every chunk this worker took was stored, else 1."""
        return 1 if self.chunks_failed else 0


def join_run(
    engine: Engine,
    run_id: int,
    *,
    workers: int = 1,
    actor: str | None = None,
    models_dir: Path | None = None,
    progress: Progress | None = None,
) -> JoinSummary:
    """Help a running run on PostgreSQL: claim and score its chunks until none is left.

    The run's coordinator (the invocation holding the lease) closes the run and writes alerts.
    """
    if engine.dialect.name != "postgresql":
        raise InputError("--join needs PostgreSQL: on SQLite one process writes (use --workers)")
    with session_factory(engine)() as session:
        run = session.get(ScoringRun, run_id)
        if run is None:
            raise NotFoundError(f"no scoring run {run_id}")
        if run.status != RunStatus.RUNNING:
            raise ConflictError(f"run {run_id} is {run.status.value}: nothing to join")
        total = run.client_count
    clock = time.monotonic()
    worker = new_owner(f"join{run_id}")
    done_clients = 0

    def tick(clients: int) -> None:
        nonlocal done_clients
        done_clients += clients
        if progress is not None:
            progress(done_clients, total)

    extra = max(0, workers - 1)
    models = str(models_dir) if models_dir else None
    result = WorkDone()
    pool = _pool(extra) if extra else None
    try:
        futures = (
            [
                pool.submit(_join_worker, _url(engine), run_id, f"{worker}:w{i + 1}", actor, models)
                for i in range(extra)
            ]
            if pool
            else []
        )
        mine = work_chunks(
            engine, run_id, worker=f"{worker}:w0", actor=actor, models_dir=models_dir, on_chunk=tick
        )
        parts = [mine] + [f.result() for f in futures]
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    for part in parts:
        result.chunks += part.chunks
        result.clients += part.clients
        result.failed += part.failed
    return JoinSummary(
        run_id, worker, result.chunks, result.clients, result.failed, time.monotonic() - clock
    )
