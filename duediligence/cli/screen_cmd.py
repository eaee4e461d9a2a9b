"""``duediligence screen ...`` and ``duediligence matches ...``: screening and match review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from duediligence.cli.common import (
    acting_user,
    db_session,
    err,
    out,
    print_json,
    progress_bar,
    with_credentials,
)
from duediligence.db.enums import MatchStatus
from duediligence.defaults import MATCH_THRESHOLD
from duediligence.errors import InputError

screen_app = typer.Typer(
    help=(
        "Screen names against the active lists.\n\nExample:\n\n"
        '    duediligence screen name "Banco Nacional de Cuba"'
    ),
    no_args_is_help=True,
)
matches_app = typer.Typer(
    help="Review screening matches.\n\nExample:\n\n    duediligence matches list --status pending",
    no_args_is_help=True,
)
THRESHOLD_OPT = typer.Option(
    MATCH_THRESHOLD, "--threshold", min=0.0, max=1.0, help="Minimum score of a hit."
)


@screen_app.command("name")
def screen_name(
    name: str = typer.Argument(..., help="The name to screen."),
    schema: str = typer.Option(
        "LegalEntity",
        "--schema",
        help="Person, Company, Organization, LegalEntity, Vessel, Airplane.",
    ),
    country: str | None = typer.Option(None, "--country", help="ISO country code."),
    birth_date: str | None = typer.Option(None, "--birth-date", help="YYYY[-MM[-DD]]."),
    threshold: float = THRESHOLD_OPT,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Screen one name and explain every hit.

    Example:

        duediligence screen name "Usama bin Ladin" --schema Person --birth-date 1957
    """
    from duediligence.matching import parse_birth_date, screen

    try:
        birth_date = parse_birth_date(birth_date)
    except InputError as exc:
        raise InputError(f"--birth-date: {exc}") from None
    with db_session() as session:
        hits = screen(
            session=session,
            name=name,
            schema=schema,
            country=country,
            birth_date=birth_date,
            threshold=threshold,
        )
    if as_json:
        print_json([h.as_dict() for h in hits])
        return
    if not hits:
        out.print(f"no match at or above {threshold:.2f} for {name!r}")
        return
    table = Table("score", "list", "id", "listed name", "why", show_lines=True)
    for h in hits:
        why = "; ".join([f"matched {h.matched_name!r}: {h.explanation}", *h.adjustments])
        table.add_row(f"{h.score:.2f}", h.list_name, h.source_id, h.entity_name, why)
    out.print(table)


@screen_app.command("batch")
def batch(
    queries: Path = typer.Argument(
        ..., help="CSV with columns id,name[,schema,birth_date,country]."
    ),
    output: Path = typer.Option(..., "--output", help="Where to write the hits CSV."),
    threshold: float = THRESHOLD_OPT,
) -> None:
    """Screen a CSV of names in bulk; one output row per hit.

    Example:

        duediligence screen batch queries.csv --output hits.csv
    """
    from duediligence.matching import screen_batch

    with db_session() as session, progress_bar("screening") as update:
        result = screen_batch(
            session=session, queries=queries, output=output, threshold=threshold, progress=update
        )
    for problem in result.skipped[:10]:
        err.print(f"skipped {problem}", markup=False)
    out.print(
        f"screened {result.queries} names: {result.hits} hits written to {output}"
        + (f"; {len(result.skipped)} rows skipped" if result.skipped else "")
    )


@screen_app.command("clients")
@with_credentials()
def clients(
    threshold: float = THRESHOLD_OPT,
    as_user: str | None = typer.Option(None, "--as", help="Acting user (default: DD_USER)."),
) -> None:
    """Screen every client, alias and party; link unlinked news to clients.

    Example:

        duediligence screen clients
    """
    from duediligence.errors import NotFoundError
    from duediligence.matching import link_signals, screen_clients
    from duediligence.signals import classify_stored_signals

    actor = acting_user(as_user)
    with db_session() as session, progress_bar("screening roster") as update:
        result = screen_clients(session=session, actor=actor, threshold=threshold, progress=update)
        linked = link_signals(session=session, actor=actor)
        # news linked just now was read without its client: read it again about the client
        try:
            n = classify_stored_signals(session=session, actor=actor)
            reread = f"; classified {n} signal(s) (linked ones about their client)" if n else ""
        except NotFoundError as exc:
            reread = f"; signals not classified ({exc})"
    out.print(
        f"screened {result.subjects} names: {result.new_matches} new matches, "
        f"{result.reopened} re-opened, {result.kept_dismissed} stay dismissed; "
        f"{linked.summary()}{reread}"
        + (
            " — review them: duediligence signals links"
            if linked.linked or linked.ambiguous
            else ""
        )
    )


@matches_app.command("list")
def matches_list(
    status: MatchStatus | None = typer.Option(
        None, "--status", help="pending, confirmed or dismissed."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List screening matches, highest score first: who matched whom, on which list and
    programme(s), listed since when (where the list gives it), the score and the verdict.

    Example:

        duediligence matches list --status pending --json
    """
    from duediligence.matching import list_matches

    with db_session() as session:
        rows: list[dict[str, Any]] = [
            {
                "id": m.id,
                "client": m.client.external_ref,
                "subject": m.subject_name,
                "entity": m.entity.name,
                "list": m.entity.watchlist.name,
                "source_id": m.entity.source_id,
                "programs": list(m.entity.programs or []),
                "listed_on": m.entity.listed_on,
                "score": m.score,
                "status": m.status.value,
                "explanation": m.explanation,
                "decided_by": m.decided_by,
                "reason": m.decision_reason,
            }
            for m in list_matches(session=session, status=status)
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "client", "subject", "listed as", "list", "listed", "score", "status")
    for r in rows:
        where = f"{r['list']} {r['source_id']}" + (
            f" ({', '.join(r['programs'])})" if r["programs"] else ""
        )
        table.add_row(
            str(r["id"]),
            r["client"],
            r["subject"],
            r["entity"],
            where,
            str(r["listed_on"]) if r["listed_on"] else "no date given",
            f"{r['score']:.2f}",
            r["status"],
        )
    out.print(table)


def _decide(match_id: int, reason: str, as_user: str | None, confirm: bool) -> None:
    from duediligence.review.verdicts import decide_match
    from duediligence.risk.verdict import headline

    with db_session() as session:
        done = decide_match(
            session=session,
            match_id=match_id,
            confirm=confirm,
            reason=reason,
            actor=acting_user(as_user, check=False),
        )
        a = done.assessment
        out.print(f"match {done.match.id} {done.match.status.value}", highlight=False)
        if done.signal is not None and confirm:
            by = (
                "by the listing"
                if done.match.entity.listed_on is not None
                else "by the list's publication (the source gives no listing date)"
            )
            out.print(
                f"recorded sanction signal {done.signal.id}, dated {done.signal.published_at} {by}",
                highlight=False,
            )
        verdict = headline(a.tier, a.state, a.probability, a.rule_hits)
        out.print(
            f"{a.client.external_ref} re-assessed (assessment {a.id}): {verdict}",
            highlight=False,
        )


@matches_app.command("confirm")
@with_credentials()
def confirm(
    match_id: int = typer.Argument(..., help="Match id."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the audit trail)."),
    as_user: str | None = typer.Option(None, "--as", help="Acting user (default: DD_USER)."),
) -> None:
    """Confirm a match (a sanctions match becomes a signal against the client).

    Example:

        duediligence matches confirm 12 --reason "same person: name, DOB and nationality agree"
    """
    _decide(match_id, reason, as_user, True)


@matches_app.command("dismiss")
@with_credentials()
def dismiss(
    match_id: int = typer.Argument(..., help="Match id."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the audit trail)."),
    as_user: str | None = typer.Option(None, "--as", help="Acting user (default: DD_USER)."),
) -> None:
    """Dismiss a false match; it stays dismissed unless the list entry or the subject changes.

    Example:

        duediligence matches dismiss 12 --reason "different birth year and nationality"
    """
    _decide(match_id, reason, as_user, False)


def register(app: typer.Typer) -> None:
    """Attach the ``screen`` and ``matches`` groups."""
    app.add_typer(screen_app, name="screen")
    app.add_typer(matches_app, name="matches")
