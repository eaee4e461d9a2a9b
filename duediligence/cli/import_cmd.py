"""``duediligence import ...``: load roster files and news feeds."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from duediligence.cli.common import (
    acting_user,
    checkpoint_chain,
    db_session,
    err,
    out,
    print_json,
    progress_bar,
    with_credentials,
)
from duediligence.db.enums import DateBasis
from duediligence.errors import RowProblem, ValidationFailed

if TYPE_CHECKING:
    from duediligence.ingest.roster import ImportResult, Kind
    from duediligence.matching.linking import LinkResult

log = logging.getLogger(__name__)

import_app = typer.Typer(
    help=(
        "Import clients, parties, engagements, signals and news feeds.\n\n"
        "Example:\n\n    duediligence import clients sample_data/clients.csv"
    ),
    no_args_is_help=True,
)

FILE_ARG = typer.Argument(..., help="CSV, JSON (array) or JSON Lines file.", show_default=False)
FORMAT_OPT = typer.Option(None, "--format", help="csv, json or jsonl (default: by extension).")
DELIMITER_OPT = typer.Option(
    None,
    "--delimiter",
    help="CSV cell delimiter (default ','): e.g. ';' or 'tab' for files exported that way.",
)
DRY_RUN_OPT = typer.Option(False, "--dry-run", help="Validate and count; write nothing.")
SKIP_OPT = typer.Option(False, "--skip-invalid", help="Write the valid rows, report the rest.")
REJECTS_OPT = typer.Option(
    None, "--rejects", help="Where to write the rejects report (default: FILE.rejects.csv)."
)
AS_OPT = typer.Option(None, "--as", help="Acting user (default: DD_USER).")
JSON_OPT = typer.Option(False, "--json", help="Print the result as JSON.")


def _run(
    kind: Kind,
    path: Path,
    fmt: str | None,
    delimiter: str | None,
    dry_run: bool,
    skip_invalid: bool,
    rejects: Path | None,
    as_user: str | None,
    as_json: bool,
) -> None:
    from duediligence.ingest.roster import import_file

    # Beside the input (not in the working folder), so it is found with the file it reports on.
    rejects_path = rejects or path.with_name(f"{path.name}.rejects.csv")
    if kind == "signals" and not dry_run:
        _check_signals_model()
    actor = acting_user(as_user)

    def attempt() -> ImportResult:
        with db_session() as session, progress_bar(f"importing {kind}") as update:
            return import_file(
                session=session,
                path=path,
                kind=kind,
                fmt=fmt,
                delimiter=delimiter,
                skip_invalid=skip_invalid,
                rejects_path=rejects_path,
                dry_run=dry_run,
                actor=actor,
                progress=update,
            )

    try:
        result = _race_safe(str(path), attempt)
    except ValidationFailed as exc:
        _print_problems(exc.problems, exc.rejects_path)
        raise
    if not as_json:
        _print_problems(result.problems, result.rejects_path)
    linked = _link_new(result, actor)
    classified = _classify_new(result, as_user)
    if not dry_run:
        checkpoint_chain(actor)
    _report(result, as_json, classified, linked)


RACE_ATTEMPTS = 3


def _race_safe(source: str, attempt: Callable[[], ImportResult]) -> ImportResult:
    """Run an import transaction; when the database refuses it because a concurrent import of
    the same rows committed first (a unique key, on PostgreSQL), nothing of it was written:
    run it again, and then the other import's rows read as unchanged. After ``RACE_ATTEMPTS``
    lost races, :class:`StaleStateError` (exit 2) with one line, never a traceback."""
    from sqlalchemy.exc import IntegrityError as UniqueViolation

    from duediligence.errors import StaleStateError

    for n in range(1, RACE_ATTEMPTS + 1):
        try:
            return attempt()
        except UniqueViolation as exc:
            log.info(
                "import of %s lost a race to a concurrent import (attempt %d): %s",
                source,
                n,
                exc.orig,
            )
    raise StaleStateError(
        f"{source}: another import wrote the same rows at the same time and committed first, "
        f"{RACE_ATTEMPTS} times; nothing from this run was written: run it again"
    )


def _check_signals_model() -> None:
    """Before anything is written: new signals are classified after the import, so a wrong
    ``DD_MODELS_DIR`` (:class:`ConfigError`) or a missing or changed artifact of the active
    model (:class:`ModelArtifactError`, exit 2) stops the import here, instead of signals being
    stored and then quietly left unclassified. No active model at all is allowed (the summary
    says the new signals were not classified)."""
    from duediligence.config import get_settings
    from duediligence.errors import NotFoundError
    from duediligence.modelstore import require_models_dir
    from duediligence.signals.classifier import active_signals_model

    require_models_dir(get_settings().models_dir)
    with contextlib.suppress(NotFoundError):  # no active model: allowed, see above
        active_signals_model()


def _print_problems(problems: list[RowProblem], rejects_path: str | None) -> None:
    for problem in problems[:20]:
        err.print(f"  {problem}", highlight=False, markup=False)
    if len(problems) > 20:
        where = f" in {rejects_path}" if rejects_path else ""
        err.print(f"  ... and {len(problems) - 20} more{where}", highlight=False, markup=False)


def _link_new(result: ImportResult, actor: str | None) -> LinkResult | None:
    """Link the signals an import just stored that name no client to clients, owners and
    directors by the names in their text (in a transaction of its own, before classification,
    so each signal is classified about the client it was linked to); None when nothing new."""
    if result.dry_run or result.kind != "signals" or not result.inserted_signal_ids:
        return None
    from duediligence.matching.linking import link_signals

    with db_session() as session, progress_bar("linking news to clients"):
        return link_signals(session=session, signal_ids=result.inserted_signal_ids, actor=actor)


def _classify_new(result: ImportResult, as_user: str | None) -> dict[str, Any] | None:
    """Classify the signals an import just stored (label, probabilities, model version), in a
    transaction of its own so a large import is committed first; None when nothing to do.

    Any import (of any kind, or the same file again) also completes the classification of
    signals an earlier import stored but did not classify (killed between its commit and its
    classification, or run while no model was active): ``completed`` in the result counts them.
    """
    if result.dry_run:
        return None
    from sqlalchemy import select

    from duediligence.db.models import Signal
    from duediligence.errors import DueDiligenceError, NotFoundError

    new_ids = list(result.inserted_signal_ids) if result.kind == "signals" else []
    fresh = set(new_ids)
    with db_session() as session:
        leftover = [
            i
            for i in session.scalars(
                select(Signal.id)
                .where(Signal.label.is_(None), Signal.screening_match_id.is_(None))
                .order_by(Signal.id)
            )
            if i not in fresh
        ]
    if not new_ids and not leftover:
        return None
    # Imported only now (start-up time): the classifier loads scikit-learn and its model, which
    # an import with no signal to classify (clients, parties, engagements) never needs.
    from duediligence.signals.annotate import classify_signal_ids
    from duediligence.signals.classifier import active_signals_model

    try:
        version = active_signals_model().version
    except NotFoundError as exc:
        if not new_ids:
            return None  # nothing new, and nothing to classify the old ones with
        return {"classified": 0, "model_version": None, "note": str(exc)}
    except DueDiligenceError as exc:
        if new_ids:
            raise
        return {"classified": 0, "model_version": None, "completed": 0, "note": str(exc)}
    actor = acting_user(as_user)
    done: dict[str, Any] = {"model_version": version}
    if new_ids:
        with db_session() as session, progress_bar("classifying signals"):
            done["classified"] = classify_signal_ids(
                session=session, signal_ids=new_ids, actor=actor
            )
    if leftover:
        with db_session() as session, progress_bar("completing an interrupted classification"):
            done["completed"] = classify_signal_ids(
                session=session, signal_ids=leftover, actor=actor
            )
    return done


def _report(
    result: ImportResult,
    as_json: bool,
    classified: dict[str, Any] | None = None,
    linked: LinkResult | None = None,
) -> None:
    if as_json:
        data = {k: v for k, v in vars(result).items() if k != "inserted_signal_ids"}
        if classified is not None:
            data.update(classified)
        if linked is not None:
            data["linking"] = vars(linked)
        print_json(data)
        return
    verb = "would import" if result.dry_run else "imported"
    out.print(
        f"{verb} {result.kind} from {result.path}: {result.rows} {result.unit}, "
        f"{result.inserted} new, {result.updated} updated, {result.unchanged} unchanged, "
        f"{result.rejected} rejected",
        highlight=False,
    )
    for line in summary_lines(result):
        out.print(f"  {line}", highlight=False)
    if result.rejects_path:
        out.print(f"rejects report: {result.rejects_path}", highlight=False)
    if linked is not None:
        review = (
            " — review them: duediligence signals links"
            if linked.linked or linked.ambiguous
            else ""
        )
        out.print(linked.summary() + review, highlight=False)
    if classified is not None:
        if classified["model_version"]:
            if "classified" in classified:
                out.print(
                    f"classified {classified['classified']} new signals with "
                    f"{classified['model_version']}",
                    highlight=False,
                )
            if classified.get("completed"):
                out.print(
                    f"completed an interrupted classification: {classified['completed']} "
                    f"signal(s) stored earlier without a label classified with "
                    f"{classified['model_version']}",
                    highlight=False,
                )
        elif "completed" in classified:
            out.print(
                f"signals stored earlier without a label are still unclassified: "
                f"{classified['note']}",
                highlight=False,
            )
        else:
            out.print(f"new signals not classified: {classified['note']}", highlight=False)


BASIS_WORDS = {
    DateBasis.NAIVE_UTC: "timestamp(s) without a UTC offset, taken as UTC",
    DateBasis.OFFSET: "timestamp(s) converted from their UTC offset to the UTC date",
    DateBasis.ITEM_UPDATED: "date(s) estimated from the item's updated time (no usable "
    "publication date)",
    DateBasis.CHANNEL: "date(s) estimated from the feed's own date (no usable item date)",
    DateBasis.RETRIEVED: "date(s) estimated as the retrieval time (no usable date at all)",
}


def summary_lines(result: ImportResult) -> list[str]:
    """What the one-line summary does not say: passed-over lines and columns, how dates were
    read, and what was changed on kept items (one line each, for the console)."""
    lines = []
    if result.blank_lines:
        lines.append(f"{result.blank_lines} blank line(s) skipped")
    if result.ignored_columns:
        lines.append(
            f"{len(result.ignored_columns)} empty column(s) without a header name ignored: "
            + ", ".join(result.ignored_columns)
        )
    for basis, words in BASIS_WORDS.items():
        if result.date_bases.get(basis):
            lines.append(f"{result.date_bases[basis]} {words}")
    lines.extend(f"{count} {note}" for note, count in result.notes.items())
    return lines


def _file_import(kind: Kind, help_text: str) -> None:
    """Register ``import <kind>``: one roster file through :func:`import_file`, with the same
    options for every kind and ``help_text`` (with its ``Example:``) as the command's help."""

    def command(
        path: Path = FILE_ARG,
        fmt: str | None = FORMAT_OPT,
        delimiter: str | None = DELIMITER_OPT,
        dry_run: bool = DRY_RUN_OPT,
        skip_invalid: bool = SKIP_OPT,
        rejects: Path | None = REJECTS_OPT,
        as_user: str | None = AS_OPT,
        as_json: bool = JSON_OPT,
    ) -> None:
        _run(kind, path, fmt, delimiter, dry_run, skip_invalid, rejects, as_user, as_json)

    command.__name__ = command.__qualname__ = kind
    command.__doc__ = help_text
    import_app.command(kind)(with_credentials()(command))


_file_import(
    "clients",
    """Import or update clients, keyed by external_ref.

    Example:

        duediligence import clients sample_data/clients.csv --dry-run
    """,
)
_file_import(
    "parties",
    """Import owners, directors and officers of clients.

    Example:

        duediligence import parties sample_data/parties.csv
    """,
)
_file_import(
    "engagements",
    """Import the vendor's engagements (contracts, renewals, consultations, custom builds).

    Example:

        duediligence import engagements sample_data/engagements.csv
    """,
)
_file_import(
    "signals",
    """Import red-flag signals (news, legal and regulatory actions), de-duplicated.

    New signals that name no client are linked to clients, owners and directors by the names
    in their text (the summary says how many were linked, left ambiguous for review, or left
    unlinked); then all new signals are classified with the active adverse-media model
    (label, probabilities and model version are stored).

    Example:

        duediligence import signals sample_data/signals.csv --skip-invalid
    """,
)


@import_app.command("feed")
@with_credentials()
def feed(
    source: str = typer.Argument(..., help="Path or http(s) URL of an RSS or Atom feed."),
    as_user: str | None = AS_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Import the items of an RSS or Atom feed as news signals, link them to clients, classify.

    Each new item is linked to the client, owner or director its headline and text name
    (linked, left ambiguous for review, or unlinked: the summary gives the counts).

    Every item is counted: new, unchanged (already held) or refused one by one with the
    reason; items without a usable date are kept with an estimated date (flagged), and the
    summary says how many of each. Titles and text are stored as plain text; links are kept
    only as absolute http(s) URLs.

    Example:

        duediligence import feed sample_data/examples/feed.xml
    """
    _check_signals_model()
    actor = acting_user(as_user)

    def attempt() -> ImportResult:
        from duediligence.ingest.feeds import import_feed

        with db_session() as session:
            return import_feed(session=session, source=source, actor=actor)

    result = _race_safe(source, attempt)
    if not as_json:
        _print_problems(result.problems, None)
    linked = _link_new(result, actor)
    classified = _classify_new(result, as_user)
    checkpoint_chain(actor)
    _report(result, as_json, classified, linked)


def register(app: typer.Typer) -> None:
    """Attach the ``import`` group."""
    app.add_typer(import_app, name="import")
