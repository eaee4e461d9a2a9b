"""``duediligence assess`` and ``duediligence knowability``."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from duediligence.cli.common import (
    acting_user,
    db_session,
    out,
    parse_date,
    print_json,
    with_credentials,
)


def assess(
    client: str = typer.Argument(..., help="The client's external reference."),
    as_of: str | None = typer.Option(None, "--as-of", help="Score as of this date (YYYY-MM-DD)."),
    as_user: str | None = typer.Option(None, "--as", help="Acting user (default: DD_USER)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Assess a client from what was public on a date, and store the assessment.

    Without --as-of the assessment is the client's current one. With a past --as-of it is a
    historical (point-in-time) view: stored and reportable, but never the client's current
    assessment, so decisions, the queue and the roster keep using the current one.

    Example:

        duediligence assess CS-BACKPAGE

        duediligence assess CS-BACKPAGE --as-of 2013-11-01
    """
    from duediligence.risk import assess_client
    from duediligence.risk.verdict import headline

    when = parse_date(as_of, "--as-of")
    with db_session() as session:
        a = assess_client(session=session, client=client, as_of=when, actor=acting_user(as_user))
        data: dict[str, Any] = {
            "assessment_id": a.id,
            "client": client,
            "as_of": a.as_of,
            "tier": a.tier.value,
            "state": a.state.value,
            "historical": a.historical,
            "headline": headline(a.tier, a.state, a.probability, a.rule_hits),
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
    view = " — historical view, not the current assessment" if data["historical"] else ""
    out.print(
        f"[bold]{client}[/] as of {data['as_of']}{view}: [bold]{data['headline']}[/] "
        f"(assessment {data['assessment_id']})",
        highlight=False,
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
    from duediligence.risk.knowability import knowability

    with db_session() as session:
        k = knowability(session=session, client=client)
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
    for cause in k.tipped_by:
        out.print(f"  {cause['date']}  {cause['text']}", highlight=False)
    out.print(f"{len(k.engagements_after)} engagements on or after that date:")
    table = Table("date", "kind", "description")
    for e in k.engagements_after:
        table.add_row(str(e["date"]), e["kind"], e["description"] or "")
    out.print(table)


def register(app: typer.Typer) -> None:
    """Attach ``assess`` and ``knowability``."""
    app.command("assess")(with_credentials()(assess))
    app.command("knowability")(knowability_)
