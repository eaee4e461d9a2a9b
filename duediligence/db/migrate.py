"""Run Alembic migrations programmatically, from a source tree or an installed wheel."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from alembic import command
from duediligence.errors import DatabaseError


def migrations_dir() -> Path:
    """Where the migration scripts are: inside the package (wheel) or the repository root."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "_alembic", package_dir.parent / "alembic"):
        if (candidate / "env.py").is_file():
            return candidate
    raise DatabaseError("migration scripts not found (broken installation?)")


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs against ``engine`` (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    # ConfigParser treats "%" as interpolation; URL-encoded options contain it.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    cfg.set_main_option("sqlalchemy.url", url)
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (creating it if empty)."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade the database to ``revision`` (``base`` removes every table)."""
    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it was never initialised."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    """The newest revision the installed code knows."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def require_current(engine: Engine) -> None:
    """Raise a clear error unless the database exists and is at head."""
    current = current_revision(engine)
    if current is None:
        if inspect(engine).has_table("clients"):
            return
        raise DatabaseError("the database is not initialised: run `duediligence init`")
    head = head_revision(engine)
    if current != head:
        raise DatabaseError(
            f"the database is at revision {current}, the code needs {head}: "
            "run `duediligence db upgrade`"
        )
