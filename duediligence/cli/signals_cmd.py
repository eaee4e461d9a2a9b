"""``duediligence signals confirm|dismiss``: a reviewer's verdict on a linked signal;
``signals links`` and ``signals link confirm|relink|reject``: the reviewer's word on how an
article was linked to a client (the linker's evidence, ambiguous candidates)."""

from __future__ import annotations

from typing import Any

import typer

from duediligence.cli.common import acting_user, db_session, out, print_json, with_credentials

signals_app = typer.Typer(
    help=(
        "Review signals (news, legal and regulatory actions) linked to clients, and how they "
        "were linked: reviewers only.\n\nExamples:\n\n"
        '    duediligence signals dismiss 41 --reason "about another company" --as rita\n\n'
        "    duediligence signals links\n\n"
        '    duediligence signals link relink 57 CL-0042 --reason "the German firm" --as rita'
    ),
    no_args_is_help=True,
)

REASON = typer.Option(..., "--reason", help="Why (kept in the audit trail).")
AS_USER = typer.Option(None, "--as", help="Acting reviewer (default: DD_USER).")


def _review(signal_id: int, reason: str, as_user: str | None, confirm: bool) -> None:
    from duediligence.review.verdicts import review_signal

    with db_session() as session:
        signal = review_signal(
            session=session,
            signal_id=signal_id,
            confirm=confirm,
            reason=reason,
            actor=acting_user(as_user, check=False),
        )
        effect = "counts" if confirm else "no longer counts"
        out.print(
            f"signal {signal.id} {signal.review_status.value}: it {effect} from the client's "
            "next assessment",
            highlight=False,
        )


@signals_app.command("confirm")
@with_credentials()
def confirm(
    signal_id: int = typer.Argument(..., help="Signal id."),
    reason: str = REASON,
    as_user: str | None = AS_USER,
) -> None:
    """Confirm a signal is about its client (and what it says).

    Example:

        duediligence signals confirm 41 --reason "the client's own press release" --as rita
    """
    _review(signal_id, reason, as_user, True)


@signals_app.command("dismiss")
@with_credentials()
def dismiss(
    signal_id: int = typer.Argument(..., help="Signal id."),
    reason: str = REASON,
    as_user: str | None = AS_USER,
) -> None:
    """Dismiss a signal (not about this client, or not adverse): it no longer counts.

    Example:

        duediligence signals dismiss 41 --reason "about a namesake in Ohio" --as rita
    """
    _review(signal_id, reason, as_user, False)


# --------------------------------------------------------------------------- links

link_app = typer.Typer(
    help=(
        "A reviewer's word on how a signal was linked to a client: confirm the link, re-link "
        "it to another client (or through one of its owners, directors or officers), or "
        "reject it (the linker never makes it again). Each re-assesses the clients whose "
        "record changed.\n\nExample:\n\n"
        "    duediligence signals link confirm 57 --as rita"
    ),
    no_args_is_help=True,
)


def _link_lines(view: dict[str, Any]) -> list[str]:
    """The evidence of one link as indented lines (mention, sentence, reasons, candidates)."""
    lines = []
    evidence = view["evidence"] or {}
    if view["client"]:
        lines.append(f"  linked to {view['client']} {view['client_name']}: {view['how']}")
    if evidence.get("sentence"):
        lines.append(f'  sentence: "{evidence["sentence"]}"')
    if evidence.get("reasons"):
        lines.append(f"  reasons: {'; '.join(str(r) for r in evidence['reasons'])}")
    if view["reason"]:
        lines.append(f"  ambiguous: {view['reason']}")
    for c in view["candidates"] if view["status"] == "ambiguous" else []:
        ev = c.get("evidence") or {}
        where = f" ({ev['where']} mention of '{ev['mention']}')" if ev.get("mention") else ""
        about = f", about its {ev.get('party_role') or 'party'}" if ev.get("via") == "party" else ""
        score = c.get("score")
        score_text = f" score {score:.2f}" if isinstance(score, int | float) else ""
        lines.append(f"  candidate {c['client']} {c.get('name') or ''}{score_text}{where}{about}")
        if ev.get("sentence"):
            lines.append(f'    "{ev["sentence"]}"')
    return lines


@signals_app.command("links")
def links(
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
    limit: int = typer.Option(200, "--limit", min=1, help="Show at most this many."),
) -> None:
    """Links awaiting a reviewer: ambiguous signals with their candidate clients, and signals
    the linker linked that nobody confirmed yet — each with its evidence (the matched mention,
    its sentence, where it stood, the reasons).

    Example:

        duediligence signals links --json
    """
    from duediligence.review.links import link_dict, links_to_review

    with db_session() as session:
        views = [link_dict(s) for s in links_to_review(session=session, limit=limit)]
    if as_json:
        print_json(views)
        return
    for v in views:
        out.print(
            f"signal {v['signal']} [{v['status']}] {v['published_at']} {v['title']}", markup=False
        )
        for line in _link_lines(v):
            out.print(line, markup=False)
    out.print(f"{len(views)} link(s) to review")


def _report(verb: str, change: Any) -> None:
    from duediligence.review.links import describe_link
    from duediligence.risk.verdict import headline

    signal = change.signal
    where = (
        f"linked to {signal.client.external_ref}: {describe_link(signal)}"
        if signal.client is not None
        else f"now {signal.link_status.value}"
    )
    out.print(f"signal {signal.id} {verb}; {where}", markup=False)
    for a in change.assessments:
        out.print(
            f"re-assessed {a.client.external_ref}: "
            f"{headline(a.tier, a.state, a.probability, a.rule_hits)}",
            markup=False,
        )


@link_app.command("confirm")
@with_credentials()
def link_confirm(
    signal_id: int = typer.Argument(..., help="Signal id."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the audit trail)."),
    as_user: str | None = AS_USER,
) -> None:
    """Confirm a signal's link to its client (and to the party it is about).

    Example:

        duediligence signals link confirm 57 --reason "named in the headline" --as rita
    """
    from duediligence.review.links import confirm_link

    with db_session() as session:
        change = confirm_link(
            session=session,
            signal_id=signal_id,
            actor=acting_user(as_user, check=False),
            reason=reason,
        )
        _report("link confirmed", change)


@link_app.command("relink")
@with_credentials()
def link_relink(
    signal_id: int = typer.Argument(..., help="Signal id."),
    client: str = typer.Argument(..., help="The client's external reference."),
    party: str | None = typer.Option(
        None, "--party", help="Link through this party of the client (its id or exact name)."
    ),
    reason: str = REASON,
    as_user: str | None = AS_USER,
) -> None:
    """Link a signal to another client (resolve an ambiguous one by naming a candidate),
    optionally through one of its owners, directors or officers.

    Example:

        duediligence signals link relink 57 CL-0042 --party "John Doe" --reason owner --as rita
    """
    from duediligence.review.links import relink

    with db_session() as session:
        change = relink(
            session=session,
            signal_id=signal_id,
            client_ref=client,
            party=party,
            reason=reason,
            actor=acting_user(as_user, check=False),
        )
        _report("re-linked", change)


@link_app.command("reject")
@with_credentials()
def link_reject(
    signal_id: int = typer.Argument(..., help="Signal id."),
    client: str | None = typer.Option(
        None, "--client", help="The candidate to strike out (default: the linked client)."
    ),
    reason: str = REASON,
    as_user: str | None = AS_USER,
) -> None:
    """Reject a signal's link to a client: it is unlinked (or left ambiguous among the other
    candidates) and the linker never makes that link again.

    Example:

        duediligence signals link reject 57 --reason "a namesake in Ohio" --as rita
    """
    from duediligence.review.links import reject_link

    with db_session() as session:
        change = reject_link(
            session=session,
            signal_id=signal_id,
            client_ref=client,
            reason=reason,
            actor=acting_user(as_user, check=False),
        )
        _report("link rejected", change)


signals_app.add_typer(link_app, name="link")


def register(app: typer.Typer) -> None:
    """Attach the ``signals`` group."""
    app.add_typer(signals_app, name="signals")
