"""``duediligence retention ...``: pseudonymise personal data past its retention period."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import typer

from duediligence.cli.common import acting_user, db_session, out, print_json, with_credentials
from duediligence.defaults import RETENTION_YEARS

retention_app = typer.Typer(
    help=(
        "Retention of personal data (parties of clients offboarded more than "
        f"{RETENTION_YEARS} years ago).\n\nExample:\n\n"
        "    duediligence retention purge --before 2026-01-01 --dry-run"
    ),
    no_args_is_help=True,
)


@retention_app.command("purge")
@with_credentials()
def purge(
    before: datetime = typer.Option(
        ...,
        "--before",
        help="Reference date: purge clients offboarded 5+ years before it.",
        formats=["%Y-%m-%d"],
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only report what would change."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    as_user: str | None = typer.Option(None, "--as", help="Acting admin (default: DD_USER)."),
) -> None:
    """Pseudonymise person parties of clients whose relationship ended 5+ years before DATE.

    Assessments, decisions and the audit chain stay verifiable (admin only).

    Example:

        duediligence retention purge --before 2026-01-01 --dry-run
        duediligence retention purge --before 2026-01-01 --as alice
    """
    from duediligence.review import retention as lib

    with db_session() as session:
        result = lib.purge_personal_data(
            session=session,
            before=before.date(),
            dry_run=dry_run,
            actor=acting_user(as_user, check=False),
        )
    if as_json:
        print_json(asdict(result))
        return
    verb = "would pseudonymise" if dry_run else "pseudonymised"
    out.print(
        f"{verb} {result.parties} person parties of {len(result.clients)} clients offboarded "
        f"before {result.cutoff}; {result.matches} screening matches, {result.signals} signals, "
        f"{len(result.redacted_events)} audit payloads"
        + (" (dry run: nothing changed)" if dry_run else "")
    )


def register(app: typer.Typer) -> None:
    """Attach the ``retention`` group."""
    app.add_typer(retention_app, name="retention")
