"""``duediligence init`` and ``duediligence db ...``: create and migrate the database."""

from __future__ import annotations

import typer

from duediligence.cli.common import out

db_app = typer.Typer(
    help="Database migrations.\n\nExample:\n\n    duediligence db current", no_args_is_help=True
)


def init() -> None:
    """Create the database, or upgrade it to the newest schema.

    Example:

        DD_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/dd duediligence init
    """
    from duediligence.db import migrate
    from duediligence.db.session import get_engine

    engine = get_engine()
    migrate.upgrade(engine, "head")
    out.print(f"database ready at revision {migrate.current_revision(engine)}: {engine.url!r}")


@db_app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Upgrade the schema to REVISION (default: head).

    Example:

        duediligence db upgrade head
    """
    from duediligence.db import migrate
    from duediligence.db.session import get_engine

    engine = get_engine()
    migrate.upgrade(engine, revision)
    out.print(f"at revision {migrate.current_revision(engine)}")


@db_app.command("downgrade")
def downgrade(revision: str = typer.Argument(..., help="Target revision, or 'base'.")) -> None:
    """Downgrade the schema to REVISION ('base' drops every table).

    Example:

        duediligence db downgrade base
    """
    from duediligence.db import migrate
    from duediligence.db.session import get_engine

    engine = get_engine()
    migrate.downgrade(engine, revision)
    out.print(f"at revision {migrate.current_revision(engine) or 'base'}")


@db_app.command("current")
def current() -> None:
    """Print the schema revision the database is at, and the newest one the code knows.

    Example:

        duediligence db current
    """
    from duediligence.db import migrate
    from duediligence.db.session import get_engine

    engine = get_engine()
    out.print(f"current: {migrate.current_revision(engine) or 'none (not initialised)'}")
    out.print(f"head:    {migrate.head_revision(engine)}")


def register(app: typer.Typer) -> None:
    """Attach ``init`` and the ``db`` group to the root app."""
    app.command("init")(init)
    app.add_typer(db_app, name="db")
