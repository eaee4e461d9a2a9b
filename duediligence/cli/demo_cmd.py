"""``duediligence demo``: the whole main job on the sample data, end to end."""

from __future__ import annotations

import time

import typer

from duediligence.cli.common import out


def demo() -> None:
    """Load the sample data, screen, classify, score and report, printing each step.

    Uses DD_DATABASE_URL (default: a SQLite file duediligence.db here) and DD_MODELS_DIR.

    Example:

        duediligence demo
    """
    from duediligence.config import get_settings
    from duediligence.db.session import get_engine
    from duediligence.demo import steps

    engine = get_engine()
    settings = get_settings()
    out.print(f"duediligence demo on {engine.url!r}")
    for n, (name, run) in enumerate(steps(engine, settings.models_dir), start=1):
        start = time.perf_counter()
        summary = run()
        out.print(f"[{n}] {name}: {summary} ({time.perf_counter() - start:.1f} s)", highlight=False)


def register(app: typer.Typer) -> None:
    """Attach ``demo`` to the root app."""
    app.command("demo")(demo)
