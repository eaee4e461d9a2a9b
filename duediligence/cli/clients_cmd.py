"""``duediligence clients ...``: look at the client roster."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from duediligence.cli.common import db_session, out, print_json

clients_app = typer.Typer(
    help="The client roster.\n\nExample:\n\n    duediligence clients list", no_args_is_help=True
)


@clients_app.command("list")
def list_(
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
    limit: int = typer.Option(0, "--limit", help="Show at most N clients (0: all)."),
) -> None:
    """List clients (reference, name, country, industry, status).

    Example:

        duediligence clients list --json --limit 5
    """
    from sqlalchemy import select

    from duediligence.db.models import Client

    with db_session() as session:
        query = select(Client).order_by(Client.external_ref)
        if limit:
            query = query.limit(limit)
        rows: list[dict[str, Any]] = [
            {
                "external_ref": c.external_ref,
                "name": c.name,
                "country": c.country,
                "industry": c.industry,
                "status": c.status.value,
                "aliases": c.aliases,
                "products": c.products,
            }
            for c in session.scalars(query)
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("ref", "name", "country", "industry", "status")
    for r in rows:
        table.add_row(
            r["external_ref"], r["name"], r["country"] or "", r["industry"] or "", r["status"]
        )
    out.print(table)
    out.print(f"{len(rows)} clients")


def register(app: typer.Typer) -> None:
    """Attach the ``clients`` group."""
    app.add_typer(clients_app, name="clients")
