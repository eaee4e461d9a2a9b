"""``duediligence signals confirm|dismiss``: a reviewer's verdict on a linked signal;
``signals links`` and ``signals link confirm|relink|reject|unreject``: the reviewer's word on how
an article was linked to a client (the linker's evidence, ambiguous candidates, rejections)."""

from __future__ import annotations

from dataclasses import asdict
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
        "reject it (the linker never makes it again), or withdraw a rejection made in error. "
        "Each re-assesses the clients whose record changed.\n\nExample:\n\n"
        "    duediligence signals link confirm 57 --as rita"
    ),
    no_args_is_help=True,
)


def _link_lines(view: dict[str, Any]) -> list[str]:
    """The evidence of one link as indented lines: source and classification, the client (and
    the party it is about), the mention's sentence, the reasons, the candidates."""
    lines = []
    evidence = view["evidence"] or {}
    about = [f"source: {view['source'] or 'unknown'}"]
    if view["url"]:
        about.append(view["url"])
    if view["label"]:
        reading = view["label"].replace("_", " ")
        if view["label"] == "none":
            reading = "not adverse"
        if isinstance(view["adverse_probability"], int | float):
            reading += f" (adverse p={view['adverse_probability']:.2f})"
        about.append(f"classified: {reading}")
    lines.append("  " + "; ".join(about))
    if view["client"]:
        country = f" ({view['client_country']})" if view["client_country"] else ""
        lines.append(f"  linked to {view['client']} {view['client_name']}{country}: {view['how']}")
    if view["party"]:
        lines.append(
            f"  ownership exposure: about the client's {view['party_role']} "
            f"{view['party']}, not the client itself"
        )
    if evidence.get("sentence"):
        lines.append(f'  sentence: "{evidence["sentence"]}"')
    if evidence.get("reasons"):
        lines.append(f"  reasons: {'; '.join(str(r) for r in evidence['reasons'])}")
    if view["reason"]:
        lines.append(f"  ambiguous: {view['reason']}")
    for c in view["candidates"] if view["status"] == "ambiguous" else []:
        ev = c.get("evidence") or {}
        where = f" ({ev['where']} mention of '{ev['mention']}')" if ev.get("mention") else ""
        about_party = (
            f", about its {ev.get('party_role') or 'party'}" if ev.get("via") == "party" else ""
        )
        score = c.get("score")
        score_text = f" score {score:.2f}" if isinstance(score, int | float) else ""
        lines.append(
            f"  candidate {c['client']} {c.get('name') or ''}{score_text}{where}{about_party}"
        )
        if ev.get("sentence"):
            lines.append(f'    "{ev["sentence"]}"')
    return lines


ACTIONS_HINT = """\
Act on a link (reviewers; --as USER):
  duediligence signals link confirm SIGNAL
  duediligence signals link relink SIGNAL CLIENT [--party NAME] --reason TEXT
  duediligence signals link reject SIGNAL [--client CANDIDATE] --reason TEXT"""


@signals_app.command("links")
def links(
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
    limit: int = typer.Option(200, "--limit", min=1, help="Show at most this many."),
    rejected: bool = typer.Option(
        False,
        "--rejected",
        help="List the links reviewers rejected instead, newest first (withdraw one with "
        "`signals link unreject`).",
    ),
) -> None:
    """Links awaiting a reviewer: ambiguous signals with their candidate clients, and signals
    the linker linked that nobody confirmed yet — each with its source, its classification and
    the evidence (the matched mention, its sentence, where it stood, the reasons). With
    ``--rejected``: the rejected links, who rejected them, when and why.

    Example:

        duediligence signals links --json

        duediligence signals links --rejected
    """
    if rejected:
        _rejected(as_json, limit)
        return
    from duediligence.review.links import count_links_to_review, link_dict, links_to_review

    with db_session() as session:
        views = [link_dict(s) for s in links_to_review(session=session, limit=limit)]
        total = count_links_to_review(session=session)
    if as_json:
        print_json(views)
        return
    for v in views:
        out.print(
            f"signal {v['signal']} [{v['status']}] {v['published_at']} {v['title']}", markup=False
        )
        for line in _link_lines(v):
            out.print(line, markup=False)
    if len(views) < total:
        out.print(
            f"showing {len(views)} of {total} links to review (ambiguous first, then "
            "unconfirmed links, oldest first); --limit N shows more",
            markup=False,
        )
    else:
        out.print(f"{total} link(s) to review", markup=False)
    if views:
        out.print(ACTIONS_HINT, markup=False)


def _rejected(as_json: bool, limit: int) -> None:
    """``signals links --rejected``: the rejections, newest first."""
    from duediligence.review.links import rejected_links

    with db_session() as session:
        rows = rejected_links(session=session, limit=limit)
    if as_json:
        print_json([asdict(r) for r in rows])
        return
    for r in rows:
        now = f"linked to {r.client}" if r.client else r.status
        when = r.rejected_at.strftime("%Y-%m-%d %H:%M UTC")
        out.print(f"signal {r.signal} {r.published_at} {r.title}", markup=False)
        out.print(
            f"  rejected {r.rejected_client} {r.rejected_client_name} by {r.rejected_by} at "
            f"{when}: {r.reason or '(no reason)'}; the signal is now {now}",
            markup=False,
        )
        out.print(
            f"  undo: duediligence signals link unreject {r.signal} --client {r.rejected_client}"
            " --reason TEXT",
            markup=False,
        )
    out.print(f"{len(rows)} rejected link(s)", markup=False)


def _report(verb: str, change: Any, note: str | None = None) -> None:
    """What a link action did: where the signal stands now, ``note``, the clients re-assessed."""
    from duediligence.review.links import candidates_of, describe_link
    from duediligence.risk.verdict import headline

    signal = change.signal
    if signal.client is not None:
        where = (
            f"linked to {signal.client.external_ref} {signal.client.name}: {describe_link(signal)}"
        )
    elif signal.link_status.value == "ambiguous":
        refs = ", ".join(c["client"] for c in candidates_of(signal))
        where = f"now ambiguous between {refs}: re-link it to one of them or reject them"
    else:
        where = "now linked to no client"
    out.print(f"signal {signal.id} {verb}; {where}", markup=False)
    if note:
        out.print(note, markup=False)
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
        struck = change.rejected_client
        _report(
            f"link to {struck} rejected",
            change,
            f"the linker will not link it to {struck} again (undo: duediligence signals link "
            f"unreject {signal_id} --client {struck} --reason TEXT)",
        )


@link_app.command("unreject")
@with_credentials()
def link_unreject(
    signal_id: int = typer.Argument(..., help="Signal id."),
    client: str | None = typer.Option(
        None,
        "--client",
        help="The client whose rejection to withdraw (default: the signal's only rejection).",
    ),
    reason: str = REASON,
    as_user: str | None = AS_USER,
) -> None:
    """Withdraw a rejection made in error: the linker runs on the signal again at once and may
    link it to that client anew (the new link then awaits confirmation like any other).

    `signals links --rejected` lists the rejections.

    Example:

        duediligence signals link unreject 57 --client CL-0042 --reason "my mistake" --as sam
    """
    from duediligence.review.links import unreject_link

    with db_session() as session:
        change = unreject_link(
            session=session,
            signal_id=signal_id,
            client_ref=client,
            reason=reason,
            actor=acting_user(as_user, check=False),
        )
        again = change.signal.client_id is None or change.assessments
        _report(
            f"rejection of {change.rejected_client} withdrawn",
            change,
            "the linker ran on it again" if again else "its link was kept",
        )


signals_app.add_typer(link_app, name="link")


def register(app: typer.Typer) -> None:
    """Attach the ``signals`` group."""
    app.add_typer(signals_app, name="signals")
