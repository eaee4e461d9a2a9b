"""The ``duediligence`` command: one Typer app, one module per command group.

Importing this module (which ``--help`` and ``--version`` do) loads Typer and Rich only: each
command imports the library it needs when it runs (``tests/test_cli_start.py``).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from duediligence import __version__
from duediligence.cli import (
    audit_cmd,
    classify_cmd,
    clients_cmd,
    db_cmd,
    demo_cmd,
    import_cmd,
    keys_cmd,
    model_cmd,
    onboard_cmd,
    report_cmd,
    rescore_cmd,
    retention_cmd,
    review_cmd,
    risk_cmd,
    sample_cmd,
    screen_cmd,
    serve_cmd,
    signals_cmd,
    users_cmd,
    watchlist_cmd,
)
from duediligence.cli.common import err, invocation_scope
from duediligence.cli.helptext import reflow_help
from duediligence.errors import DueDiligenceError

log = logging.getLogger(__name__)


class DomainErrorGroup(TyperGroup):
    """Turn domain errors into a one-line message and an exit code instead of a traceback."""

    def invoke(self, ctx: Any) -> Any:
        """Run the command; map :class:`DueDiligenceError` to its exit code. Each invocation
        authenticates its acting user afresh (``common.invocation_scope``)."""
        try:
            with invocation_scope():
                return super().invoke(ctx)
        except DueDiligenceError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    name="duediligence",
    cls=DomainErrorGroup,
    help=(
        "Customer due diligence for SaaS vendors: screen clients against sanctions lists, "
        "classify adverse media, score risk as of any date, and prove what was knowable when.\n\n"
        "Example:\n\n    duediligence demo"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"duediligence {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks and debug logs."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Customer due diligence for SaaS vendors.

    Example:

        duediligence --debug db current
    """
    from duediligence.config import get_settings
    from duediligence.logs import configure_logging

    ctx.obj = {"debug": debug}
    try:
        settings = get_settings()
    except DueDiligenceError as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        raise typer.Exit(exc.exit_code) from None
    configure_logging("DEBUG" if debug else settings.log_level, settings.log_json)


db_cmd.register(app)
import_cmd.register(app)
watchlist_cmd.register(app)
clients_cmd.register(app)
classify_cmd.register(app)
model_cmd.register(app)
sample_cmd.register(app)
screen_cmd.register(app)
signals_cmd.register(app)
risk_cmd.register(app)
rescore_cmd.register(app)
report_cmd.register(app)
onboard_cmd.register(app)
users_cmd.register(app)
review_cmd.register(app)
audit_cmd.register(app)
keys_cmd.register(app)
retention_cmd.register(app)
serve_cmd.register(app)
demo_cmd.register(app)
reflow_help(app)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
