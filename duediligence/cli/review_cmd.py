"""``duediligence review ...``: four-eyes decisions on clients, and the review queue."""

from __future__ import annotations

from dataclasses import asdict

import typer
from rich.table import Table

from duediligence.cli.common import (
    acting_user,
    checkpoint_chain,
    db_session,
    out,
    print_json,
    with_credentials,
)
from duediligence.db.enums import DecisionAction, Tier

review_app = typer.Typer(
    help=(
        "Reviewers' decisions on clients. High and prohibited tiers need a second, different "
        "reviewer to confirm before a decision takes effect; a politically exposed client's "
        "also needs a senior approver's sign-off and, to approve, the EDD fields.\n\nExample:\n\n"
        "    duediligence review queue"
    ),
    no_args_is_help=True,
)

AS_OPT = typer.Option(None, "--as", help="Acting reviewer (default: DD_USER).")


@review_app.command("decide")
@with_credentials()
def decide(
    client: str = typer.Argument(..., help="The client's external reference."),
    action: DecisionAction = typer.Option(..., "--action", help="What the reviewer decides."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the audit trail)."),
    supersedes: int | None = typer.Option(
        None, "--supersedes", help="Correct an earlier decision (its id)."
    ),
    assessment: int | None = typer.Option(
        None,
        "--assessment",
        help="The assessment decided on (its id); refused unless it is the current one.",
    ),
    source_of_wealth: str | None = typer.Option(
        None, "--source-of-wealth", help="EDD: how the PEP's wealth was established."
    ),
    source_of_funds: str | None = typer.Option(
        None, "--source-of-funds", help="EDD: where the funds of this relationship come from."
    ),
    edd_rationale: str | None = typer.Option(
        None, "--edd-rationale", help="EDD: why the relationship may start or continue."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the decision as JSON."),
    as_user: str | None = AS_OPT,
) -> None:
    """Decide on a client's current assessment (reviewers only).

    A historical (back-dated) assessment is never decided on: the decision always applies to
    the client's current assessment, and naming another with --assessment is refused.

    A politically exposed client (FATF R.12) needs enhanced due diligence: approving it
    requires --source-of-wealth, --source-of-funds and --edd-rationale, and the decision
    takes effect only after a second reviewer confirms it AND a senior approver signs it off
    (duediligence review sign-off ID --as SENIOR).

    Example:

        DD_TOKEN=$(cat rita.token) duediligence review decide CS-BACKPAGE \\
            --action offboard --reason "trafficking"
    """
    from duediligence.review import decisions as lib

    with db_session() as session:
        decision = lib.decide(
            session=session,
            client_ref=client,
            action=action,
            reason=reason,
            actor=acting_user(as_user, check=False, four_eyes=True),
            supersedes=supersedes,
            assessment_id=assessment,
            source_of_wealth=source_of_wealth,
            source_of_funds=source_of_funds,
            edd_rationale=edd_rationale,
        )
        data = lib.decision_dict(decision)
    checkpoint_chain(data["maker"])
    if as_json:
        print_json(data)
        return
    if data["status"] == "effective":
        due = f"; next review {data['next_review_on']}" if data["next_review_on"] else ""
        out.print(f"decision {data['id']}: {data['action']} on {client} is effective{due}")
    elif data["requires_senior"]:
        out.print(
            f"decision {data['id']}: {data['action']} on {client} (tier {data['tier']}, "
            "politically exposed) awaits a second reviewer (duediligence review confirm "
            f"{data['id']}) and a senior sign-off (duediligence review sign-off {data['id']})"
        )
    else:
        out.print(
            f"decision {data['id']}: {data['action']} on {client} (tier {data['tier']}) awaits "
            f"confirmation by a second reviewer: duediligence review confirm {data['id']}"
        )


def _outcome(data: dict[str, object]) -> str:
    """``effective; next review D`` or what a PEP decision still awaits."""
    if data["status"] == "effective":
        due = f"; next review {data['next_review_on']}" if data["next_review_on"] else ""
        return f"effective{due}"
    wanted = [
        *(["a second reviewer"] if not data["checker"] else []),
        *(["a senior sign-off"] if data["requires_senior"] and not data["senior_approver"] else []),
    ]
    return f"awaits {' and '.join(wanted)}"


@review_app.command("confirm")
@with_credentials()
def confirm(
    decision_id: int = typer.Argument(..., help="The decision awaiting confirmation."),
    as_json: bool = typer.Option(False, "--json", help="Print the decision as JSON."),
    as_user: str | None = AS_OPT,
) -> None:
    """Confirm a decision as the second reviewer (not its maker).

    Deciding, confirming and signing off always need a credential (DD_TOKEN, --token-file or
    --password-stdin), even with DD_ALLOW_UNAUTHENTICATED_CLI: four-eyes takes two
    authenticated people.

    Example:

        duediligence review confirm 12 --as sam --password-stdin < sam.password
    """
    from duediligence.review import decisions as lib

    with db_session() as session:
        data = lib.decision_dict(
            lib.confirm(
                session=session,
                decision_id=decision_id,
                actor=acting_user(as_user, check=False, four_eyes=True),
            )
        )
    checkpoint_chain(data["checker"])
    if as_json:
        print_json(data)
        return
    out.print(
        f"decision {decision_id}: {data['action']} confirmed by {data['checker']}, "
        f"made by {data['maker']}; {_outcome(data)}"
    )


@review_app.command("sign-off")
@with_credentials()
def sign_off(
    decision_id: int = typer.Argument(..., help="The PEP decision awaiting a senior sign-off."),
    as_json: bool = typer.Option(False, "--json", help="Print the decision as JSON."),
    as_user: str | None = AS_OPT,
) -> None:
    """Sign off a decision on a politically exposed client (senior approvers only).

    Senior management approval of a relationship with a PEP (FATF R.12(b)(i)). The decision
    takes effect once a second reviewer has confirmed it too.

    Example:

        duediligence review sign-off 12 --token-file sally.token
    """
    from duediligence.review import decisions as lib

    with db_session() as session:
        data = lib.decision_dict(
            lib.senior_approve(
                session=session,
                decision_id=decision_id,
                actor=acting_user(as_user, check=False, four_eyes=True),
            )
        )
    checkpoint_chain(data["senior_approver"])
    if as_json:
        print_json(data)
        return
    out.print(
        f"decision {decision_id}: {data['action']} signed off by {data['senior_approver']} "
        f"(senior), made by {data['maker']}; {_outcome(data)}"
    )


@review_app.command("edd")
def edd(
    client: str = typer.Argument(..., help="The client's external reference."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """The enhanced-due-diligence steps of a politically exposed client: done and missing.

    Example:

        duediligence review edd PEP-001
    """
    from duediligence.review import decisions as lib

    with db_session() as session:
        steps = lib.edd_status(session=session, client_ref=client)
    if as_json:
        print_json(steps)
        return
    if not steps:
        out.print(f"{client}: not politically exposed on its current assessment; no EDD needed")
        return
    for s in steps:
        mark = "done   " if s["done"] else "MISSING"
        out.print(f"  {mark} {s['step']}" + (f": {s['detail']}" if s["detail"] else ""))


@review_app.command("queue")
def queue(
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
    min_tier: Tier = typer.Option(
        Tier.MEDIUM, "--min-tier", help="Lowest tier that needs a first review."
    ),
) -> None:
    """What awaits a first or second pair of eyes, and periodic reviews that are due.

    Unresolved potential watch-list matches come first, oldest first, whatever the client's
    tier: the client's verdict is on hold until a reviewer confirms or dismisses each
    (duediligence matches confirm|dismiss ID).

    Example:

        duediligence review queue --json
    """
    from duediligence.review import decisions as lib

    with db_session() as session:
        items = lib.review_queue(session=session, min_tier=min_tier)
    if as_json:
        print_json([asdict(i) for i in items])
        return
    table = Table("waiting for", "client", "tier", "decision", "since", "note")
    labels = {
        "potential_match": "match review",
        "second_review": "2nd reviewer",
        "senior_signoff": "PEP sign-off",
        "first_review": "1st review",
        "review_due": "review due",
        "link_review": "news link",
    }
    for i in items:
        table.add_row(
            labels[i.kind],
            f"{i.client_ref} {i.client_name}",
            i.tier or "not assessed",
            str(i.decision_id or ""),
            str(i.since),
            i.note,
        )
    out.print(table)
    out.print(f"{len(items)} items")


@review_app.command("history")
def history(
    client: str = typer.Argument(..., help="The client's external reference."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Every decision on a client, oldest first, with maker, checker and status.

    Example:

        duediligence review history CS-BACKPAGE
    """
    from duediligence.review import decisions as lib

    with db_session() as session:
        rows = [
            lib.decision_dict(d) for d in lib.client_decisions(session=session, client_ref=client)
        ]
    if as_json:
        print_json(rows)
        return
    table = Table(
        "id", "action", "tier", "status", "maker", "checker", "senior", "supersedes", "reason"
    )
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["action"],
            r["tier"] or "",
            r["status"],
            r["maker"],
            r["checker"] or "",
            r["senior_approver"] or ("needed" if r["requires_senior"] else ""),
            str(r["supersedes_id"] or ""),
            r["reason"],
        )
    out.print(table)


def register(app: typer.Typer) -> None:
    """Attach the ``review`` group."""
    app.add_typer(review_app, name="review")
