"""``duediligence watchlist ...``: import and list sanctions and watch lists."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import typer
from rich.table import Table

from duediligence.cli.common import (
    acting_user,
    checkpoint_chain,
    db_session,
    out,
    parse_date,
    print_json,
    progress_bar,
    with_credentials,
)
from duediligence.errors import InputError

watchlist_app = typer.Typer(
    help=(
        "Sanctions and watch lists.\n\nExample:\n\n"
        "    duediligence watchlist import ../shared/data/watchlists/ofac-sdn-2021 --format ofac"
    ),
    no_args_is_help=True,
)


@watchlist_app.command("import")
@with_credentials()
def import_(
    path: Path = typer.Argument(..., help="The list file (OFAC: the folder or sdn.csv)."),
    fmt: str = typer.Option(..., "--format", help="ofac, un or ftm."),
    name: str | None = typer.Option(None, "--name", help="List name (default by format)."),
    published: str | None = typer.Option(
        None,
        "--published",
        help="The date the publisher issued this version (YYYY-MM-DD); default: the date the "
        "file carries (UN dateGenerated), else the file's modification time.",
    ),
    as_user: str | None = typer.Option(None, "--as", help="Acting user (default: DD_USER)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    debug: bool = typer.Option(
        False, "--debug", help="List every person of the list without a birth date, and why."
    ),
) -> None:
    """Import a list file as a new snapshot (a no-op when the same file was imported before).

    Example:

        duediligence watchlist import ../shared/data/watchlists/un/consolidated.xml --format un

        duediligence watchlist import sdn-folder --format ofac --published 2021-03-01
    """
    from duediligence.ingest.watchlists import import_watchlist
    from duediligence.ingest.watchlists.loader import ListFormat

    if fmt not in ("ofac", "un", "ftm"):
        raise InputError(f"unknown list format {fmt!r}: use ofac, un or ftm")
    published_on = parse_date(published, "--published")
    actor = acting_user(as_user)
    with db_session() as session, progress_bar(f"importing {fmt} list") as update:
        result = import_watchlist(
            session=session,
            path=path,
            fmt=cast(ListFormat, fmt),
            name=name,
            actor=actor,
            published=published_on,
            progress=update,
        )
    if result.created:
        checkpoint_chain(actor)
    if as_json:
        print_json(vars(result))
        return
    if not result.created:
        out.print(
            f"{result.watchlist}: this file was imported before (snapshot "
            f"{result.snapshot_id}); nothing changed",
            highlight=False,
        )
        return
    out.print(
        f"{result.watchlist}: snapshot {result.snapshot_id}, {result.entity_count} entities "
        f"({result.added} new, {result.changed} changed, {result.removed} removed); "
        f"published {result.published_on} ({result.published_source})",
        highlight=False,
    )
    if result.skipped:
        out.print(
            f"  {sum(result.skipped.values())} record(s) not screened: "
            + "; ".join(f"{n} {reason}" for reason, n in result.skipped.items()),
            highlight=False,
        )
    unread = sum("not read" in line for line in result.no_birth_date)
    if result.no_birth_date:
        out.print(
            f"  {len(result.no_birth_date)} person(s) without a birth date ({unread} with a "
            "birth date the parser could not read)" + ("" if debug else "; --debug lists them"),
            highlight=False,
        )
    if debug:
        for line in result.no_birth_date:
            out.print(f"  no birth date: {line}", highlight=False, markup=False)
    for line in result.refused_dates[:20]:
        out.print(f"  listing date refused, entity kept: {line}", highlight=False, markup=False)
    if len(result.refused_dates) > 20:
        out.print(f"  ... and {len(result.refused_dates) - 20} more refused listing dates")


@watchlist_app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Show the lists, their snapshots and entity counts.

    Example:

        duediligence watchlist list --json
    """
    from duediligence.ingest.watchlists import list_watchlists

    with db_session() as session:
        lists = list_watchlists(session=session)
    if as_json:
        print_json([vars(w) for w in lists])
        return
    table = Table(
        "list", "format", "active", "entities", "snapshots", "latest snapshot", "published"
    )
    for w in lists:
        latest = w.snapshots[0] if w.snapshots else None
        table.add_row(
            w.name,
            w.source_format,
            "yes" if w.active else "no",
            f"{w.current_entities:,}",
            str(len(w.snapshots)),
            f"{latest['version']} (sha256 {latest['sha256'][:12]}…)" if latest else "-",
            f"{latest['published_on']} ({latest['published_source']})"
            if latest and latest["published_on"]
            else "-",
        )
    out.print(table)


def register(app: typer.Typer) -> None:
    """Attach the ``watchlist`` group."""
    app.add_typer(watchlist_app, name="watchlist")
