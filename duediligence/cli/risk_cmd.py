"""``duediligence assess`` and ``duediligence knowability``."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer
from rich.table import Table

from duediligence.cli.common import acting_user, db_session, out, print_json
from duediligence.errors import InputError
from duediligence.risk import assess_client, knowability


def parse_date(value: str | None, option: str) -> date | None:
    """An ISO date from a CLI option, with a clear error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} {value!r}: use an ISO date like 2013-11-01") from None


def assess(
    client: str = typer.Argument(..., help="The client's external reference."),
    as_of: str | None = typer.Option(None, "--as-of", help="Score as of this date (YYYY-MM-DD)."),
    as_user: str | None = typer.Option(None, "--as", help="Acting user (default: DD_USER)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Assess a client from what was public on a date, and store the assessment.

    Example:

        duediligence assess CS-BACKPAGE --as-of 2013-11-01
    """
    when = parse_date(as_of, "--as-of")
    with db_session() as session:
        a = assess_client(session, client, as_of=when, actor=acting_user(as_user))
        data: dict[str, Any] = {
            "assessment_id": a.id,
            "client": client,
            "as_of": a.as_of,
            "tier": a.tier.value,
            "probability": a.probability,
            "rule_hits": a.rule_hits,
            "explanation": a.explanation,
            "features": a.features,
            "risk_model_version": a.risk_model_version,
            "inputs_hash": a.inputs_hash,
        }
    if as_json:
        print_json(data)
        return
    out.print(
        f"[bold]{client}[/] as of {data['as_of']}: [bold]{data['tier'].upper()}[/] "
        f"(p={data['probability']:.2f}, assessment {data['assessment_id']})"
    )
    out.print(data["explanation"]["summary"], highlight=False)
    table = Table("factor", "value", "contribution", "evidence")
    for f in data["explanation"]["factors"]:
        table.add_row(
            f["label"], f"{f['value']:.2f}", f"{f['contribution']:+.2f}", _evidence_text(f)
        )
    out.print(table)
    for hit in data["rule_hits"]:
        out.print(f"rule: {hit['description']} (at least {hit['min_tier']})", highlight=False)


def _evidence_text(factor: dict[str, Any], limit: int = 2) -> str:
    """The signals behind a factor (date and title), or its other evidence as key=value."""
    if factor["signals"]:
        shown = [f"{s['published_at']} {s['title']}" for s in factor["signals"][:limit]]
        more = len(factor["signals"]) - limit
        return "; ".join(shown) + (f" (+{more} more)" if more > 0 else "")
    parts = []
    for item in factor["evidence"][:limit]:
        parts.append(", ".join(f"{k}={v}" for k, v in item.items() if v not in (None, [], "")))
    return "; ".join(p for p in parts if p)


def knowability_(
    client: str = typer.Argument(..., help="The client's external reference."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """When did the public record first put the client at high risk, and what did we do after?

    Example:

        duediligence knowability CS-BACKPAGE --json
    """
    with db_session() as session:
        k = knowability(session, client)
    if as_json:
        print_json(vars(k))
        return
    if k.knowable_since is None:
        out.print(f"{k.client_ref} ({k.client_name}) never reached high risk on its public record")
        return
    out.print(
        f"[bold]{k.client_ref}[/] ({k.client_name}) was knowably [bold]{k.tier_then}[/] "
        f"risk since [bold]{k.knowable_since}[/]"
    )
    out.print("tipped by:")
    for s in k.tipping_signals:
        out.print(f"  {s['published_at']}  {s['title']}  ({s['source']})", highlight=False)
    out.print(f"{len(k.engagements_after)} engagements on or after that date:")
    table = Table("date", "kind", "description")
    for e in k.engagements_after:
        table.add_row(str(e["date"]), e["kind"], e["description"] or "")
    out.print(table)


def register(app: typer.Typer) -> None:
    """Attach ``assess`` and ``knowability``."""
    app.command("assess")(assess)
    app.command("knowability")(knowability_)
