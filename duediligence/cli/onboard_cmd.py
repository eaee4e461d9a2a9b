"""``duediligence onboard``: screen a new client in one step and print the verdict."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape

from duediligence.cli.common import (
    acting_user,
    db_session,
    installation_signer,
    out,
    print_json,
    with_credentials,
)
from duediligence.db.enums import ReportFormat
from duediligence.errors import InputError

if TYPE_CHECKING:
    from duediligence.onboarding import OnboardingResult

TIER_STYLE = {"low": "green", "medium": "yellow", "high": "red", "prohibited": "magenta"}


def _split(value: str | None) -> list[str]:
    if not value:
        return []
    separator = ";" if ";" in value else ","
    return [part.strip() for part in value.split(separator) if part.strip()]


def show(result: OnboardingResult) -> None:
    """Print the one-screen verdict of an onboarding (the hold first, while there is one)."""
    style = TIER_STYLE.get(result.tier, "bold")
    held = result.state == "on_hold"
    if held:
        out.print(
            f"[bold]{escape(result.name)}[/] ({escape(result.ref)}), assessment "
            f"{result.assessment_id}: [bold {style}]{escape(result.headline)}[/]",
            highlight=False,
        )
    else:
        out.print(
            f"[bold]{escape(result.name)}[/] ({escape(result.ref)}): "
            f"[bold {style}]{result.tier.upper()}[/] "
            f"risk (p={result.probability:.2f}, assessment {result.assessment_id})",
            highlight=False,
        )
    if result.hits:
        out.print(f"watch-list hits ({len(result.hits)}):", highlight=False)
        for h in result.hits:
            programs = f", {', '.join(h['programs'])}" if h["programs"] else ""
            listed = f", listed {h['listed_on']}" if h["listed_on"] else ""
            topics = f" [{', '.join(h['topics'])}]" if h.get("topics") else ""
            out.print(
                f"  - match {h['id']}: {h['subject']} ~ {h['entity']} ({h['list']} "
                f"{h['source_id']}{programs}{listed}){topics} score {h['score']:.2f}, "
                f"{h['status']}",
                highlight=False,
                markup=False,
            )
    if result.pep:
        out.print(f"politically exposed: {result.pep}", highlight=False, markup=False)
        missing = [s["step"] for s in result.edd_steps if not s["done"]]
        if missing:
            out.print(f"EDD missing: {'; '.join(missing)}", highlight=False, markup=False)
    out.print("why:", highlight=False)
    for reason in result.reasons:
        out.print(f"  - {reason}", highlight=False, markup=False)
    for line in result.negative_results:
        out.print(f"  {line}", highlight=False, markup=False)
    out.print(
        f"names screened: {result.names_screened}; signals already held and linked: "
        f"{result.linked_signals}",
        highlight=False,
    )
    if result.ambiguous_signals:
        out.print(
            f"{result.ambiguous_signals} news item(s) name it but could also be about another "
            "client: a reviewer must link them (they are not in this assessment)",
            highlight=False,
        )
    if held:
        out.print(
            "[bold]next: a reviewer confirms or dismisses each pending hit "
            "(duediligence matches confirm|dismiss ID --reason ...); the client is "
            "re-assessed at once[/]",
            highlight=False,
        )
    out.print(f"report: {result.report_path}", highlight=False, markup=False)
    out.print(f"sha256: {result.report_sha256}", highlight=False)


def onboard_command(
    name: str | None = typer.Option(None, "--name", help="The prospect's registered name."),
    country: str | None = typer.Option(
        None, "--country", help="Country of registration (ISO code or name)."
    ),
    website: str | None = typer.Option(None, "--website", help="Website (URL or bare domain)."),
    industry: str | None = typer.Option(None, "--industry", help="Line of business."),
    owners: list[str] | None = typer.Option(
        None, "--owner", help="An owner's name (repeat for several)."
    ),
    products: str | None = typer.Option(
        None, "--products", help="What the vendor would sell it, separated by ',' or ';'."
    ),
    aliases: list[str] | None = typer.Option(
        None, "--alias", help="Another name it trades under (repeat for several)."
    ),
    ref: str | None = typer.Option(
        None, "--ref", help="Its reference (default: P-NAME-COUNTRY from the name)."
    ),
    file: Path | None = typer.Option(
        None,
        "--file",
        help=(
            "A JSON file describing the prospect instead of the options: name, country, "
            "website, industry, products, aliases, owners (names or objects)."
        ),
    ),
    fmt: ReportFormat = typer.Option(ReportFormat.HTML, "--format", help="html, pdf or json."),
    as_user: str | None = typer.Option(None, "--as", help="Acting user (default: DD_USER)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Screen a new client in one step: create it, screen it and its owners, link the news
    already held, assess it, render its review report; print the tier, why, and the path.

    Example:

        duediligence onboard --name "Acme Trading Ltd" --country GB --owner "Jane Doe"
    """
    from duediligence.config import get_settings
    from duediligence.onboarding import onboard, prospect_from_file, validate_prospect

    if file is not None:
        if name or country:
            raise InputError("give either --file or --name/--country, not both")
        prospect = prospect_from_file(file)
    else:
        if not name or not country:
            raise InputError("--name and --country are required (or give --file PROSPECT.json)")
        data: dict[str, Any] = {
            "name": name,
            "country": country,
            "website": website,
            "industry": industry,
            "owners": list(owners or []),
            "products": _split(products),
            "aliases": list(aliases or []),
            "external_ref": ref,
        }
        prospect = validate_prospect({k: v for k, v in data.items() if v not in (None, [])})
    if fmt == ReportFormat.CSV:
        raise InputError("the review report comes as html, pdf or json")
    with db_session() as session:
        result = onboard(
            session=session,
            prospect=prospect,
            actor=acting_user(as_user),
            reports_dir=get_settings().reports_dir,
            fmt=fmt,
            signer=installation_signer(),
        )
    if as_json:
        print_json(result.as_dict())
    else:
        show(result)


def register(app: typer.Typer) -> None:
    """Attach ``onboard`` to the root app."""
    app.command("onboard")(with_credentials()(onboard_command))
