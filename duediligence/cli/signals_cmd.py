"""``duediligence signals confirm|dismiss``: a reviewer's verdict on a linked signal."""

from __future__ import annotations

import typer

from duediligence.cli.common import acting_user, db_session, out, with_credentials

signals_app = typer.Typer(
    help=(
        "Review signals (news, legal and regulatory actions) linked to clients: reviewers "
        "only.\n\nExample:\n\n"
        '    duediligence signals dismiss 41 --reason "about another company" --as rita'
    ),
    no_args_is_help=True,
)

REASON = typer.Option(..., "--reason", help="Why (kept in the audit trail).")
AS_USER = typer.Option(None, "--as", help="Acting reviewer (default: DD_USER).")


def _review(signal_id: int, reason: str, as_user: str | None, confirm: bool) -> None:
    from duediligence.review.verdicts import review_signal

    with db_session() as session:
        signal = review_signal(
            session,
            signal_id,
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


def register(app: typer.Typer) -> None:
    """Attach the ``signals`` group."""
    app.add_typer(signals_app, name="signals")
