"""``duediligence rescore``: the scheduled roster re-scoring (incremental, resumable, parallel)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from duediligence.cli.common import (
    acting_user,
    checkpoint_chain,
    err,
    out,
    parse_date,
    print_json,
    show_progress,
    with_credentials,
)

if TYPE_CHECKING:
    from duediligence.batch import JoinSummary, RescoreSummary


@contextmanager
def _progress(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on a terminal; elsewhere the batch logs one structured line per chunk."""
    if not show_progress():
        batch_log = logging.getLogger("duediligence.batch")
        if batch_log.getEffectiveLevel() > logging.INFO:
            batch_log.setLevel(logging.INFO)
        yield lambda _done, _total: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _render(summary: RescoreSummary) -> None:
    resumed = " (resumed)" if summary.resumed else ""
    out.print(
        f"run {summary.run_id} {summary.status}{resumed}: {summary.mode}, as of {summary.as_of}; "
        f"{summary.clients_scored:,} of {summary.roster_clients:,} clients scored in "
        f"{summary.seconds:.1f} s with {summary.workers} worker(s)",
        highlight=False,
    )
    if summary.changes:
        changes = ", ".join(f"{k} {v:,}" for k, v in summary.changes.items())
        out.print(f"changed since last assessment: {changes}", highlight=False)
    t = summary.tier_changes
    out.print(
        f"tier changes: {t['up']:,} up, {t['down']:,} down, {t['unchanged']:,} unchanged, "
        f"{t['new']:,} first assessments",
        highlight=False,
    )
    out.print(
        f"alerts: {len(summary.alerts):,} client(s) whose tier rose -> {summary.alerts_csv} "
        f"and {summary.alerts_json}",
        highlight=False,
    )
    for alert in summary.alerts[:10]:
        out.print(
            f"  {alert.external_ref}  {alert.name}: {alert.previous_tier or 'none'} -> "
            f"{alert.tier} (p={alert.probability:.2f})",
            highlight=False,
        )
    if len(summary.alerts) > 10:
        out.print(f"  ... and {len(summary.alerts) - 10:,} more in the alerts file")
    for error in summary.errors:
        err.print(f"failed {error}", highlight=False)
    if summary.chunks_failed:
        err.print(
            f"{summary.chunks_failed} chunk(s) failed: fix the cause, then "
            "`duediligence rescore --resume` retries them",
            highlight=False,
        )


def _render_join(summary: JoinSummary) -> None:
    out.print(
        f"joined run {summary.run_id}: {summary.chunks} chunk(s), "
        f"{summary.clients_scored:,} clients scored in {summary.seconds:.1f} s"
        + (f", {summary.chunks_failed} chunk(s) failed" if summary.chunks_failed else ""),
        highlight=False,
    )


def rescore_(
    full: bool = typer.Option(False, "--full", help="Score every client, changed or not."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Score as of this date (YYYY-MM-DD; default today)."
    ),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes."),
    chunk_size: int = typer.Option(
        1000, "--chunk-size", min=1, help="Clients per chunk (one transaction each)."
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Only resume the interrupted or failed run (retrying failures)."
    ),
    join: int | None = typer.Option(
        None, "--join", help="PostgreSQL: help the running run RUN_ID from this machine."
    ),
    alerts_dir: Path | None = typer.Option(
        None, "--alerts-dir", help="Folder for the alerts CSV/JSON (default: reports/alerts)."
    ),
    lease_minutes: float = typer.Option(
        15, "--lease-minutes", min=0.1, help="Lease lifetime; renewed while the run works."
    ),
    as_user: str | None = typer.Option(None, "--as", help="Acting user (default: DD_USER)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Re-score the client roster: only clients whose inputs changed, unless --full.

    Changes detected: signals, screening matches, profile and parties, engagements, new list
    snapshots, jurisdiction listings, and the active models (a model change scores everyone).
    Each chunk is stored in one transaction; a killed run is resumed by the next invocation.
    A lease in the database refuses a second, overlapping invocation. On PostgreSQL, workers
    claim chunks with SELECT ... FOR UPDATE SKIP LOCKED; other machines can help with --join.

    Exit codes: 0 done; 1 failed (or another run holds the lease); 3 done with tier increases
    awaiting review (listed in the alerts file).

    Example:

        duediligence rescore --workers 2 --alerts-dir /var/lib/dd/alerts --json
    """
    from duediligence.batch import RescoreOptions, join_run, rescore
    from duediligence.config import get_settings
    from duediligence.db.migrate import require_current
    from duediligence.db.session import get_engine

    when = parse_date(as_of, "--as-of")
    engine = get_engine()
    require_current(engine)
    actor = acting_user(as_user)
    if join is not None:
        with _progress(f"joining run {join}") as update:
            joined = join_run(engine, join, workers=workers, actor=actor, progress=update)
        if as_json:
            print_json({**vars(joined), "exit_code": joined.exit_code})
        else:
            _render_join(joined)
        raise typer.Exit(joined.exit_code)
    options = RescoreOptions(
        full=full,
        as_of=when,
        workers=workers,
        chunk_size=chunk_size,
        resume=resume,
        alerts_dir=alerts_dir,
        actor=actor,
        lease_ttl=timedelta(minutes=lease_minutes),
        models_dir=get_settings().models_dir,
    )
    with _progress("re-scoring") as update:
        summary = rescore(engine, options, progress=update)
    checkpoint_chain(actor)
    if as_json:
        print_json(summary.as_dict())
    else:
        _render(summary)
    raise typer.Exit(summary.exit_code)


def register(app: typer.Typer) -> None:
    """Attach ``rescore``."""
    app.command("rescore")(with_credentials()(rescore_))
