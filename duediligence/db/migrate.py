"""Run Alembic migrations programmatically, from a source tree or an installed wheel.

Start-up time: every command that opens the database calls :func:`require_current`, so that check
reads the ``alembic_version`` row with one query and the head revision from the migration
scripts' ``revision``/``down_revision`` lines, without importing Alembic (about 0.15 s) or
running ``env.py`` (which imports every model). Alembic is imported inside the functions that
migrate.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from duediligence.errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config

VERSION_TABLE = "alembic_version"  # Alembic's default; env.py does not change it
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


def migrations_dir() -> Path:
    """Where the migration scripts are: inside the package (wheel) or the repository root."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "_alembic", package_dir.parent / "alembic"):
        if (candidate / "env.py").is_file():
            return candidate
    raise DatabaseError("migration scripts not found (broken installation?)")


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs against ``engine`` (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    # ConfigParser treats "%" as interpolation; URL-encoded options contain it.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    cfg.set_main_option("sqlalchemy.url", url)
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (creating it if empty)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade the database to ``revision`` (``base`` removes every table)."""
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (its ``alembic_version`` row), or None when it was never
    initialised. :class:`DatabaseError` when the table holds several rows (branches; this project
    keeps one line of migrations)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        rows = list(conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())  # noqa: S608 (a constant)
    if len(rows) > 1:
        raise DatabaseError(f"the database is at several revisions at once: {', '.join(rows)}")
    return rows[0] if rows else None


def script_revisions(directory: Path | None = None) -> dict[str, tuple[str, ...]]:
    """``{revision: (down revisions...)}`` read from the ``revision`` and ``down_revision``
    assignments of every script in ``directory/versions`` (default :func:`migrations_dir`),
    without importing them. :class:`DatabaseError` names a script whose assignments are not
    plain literals."""
    folder = (directory or migrations_dir()) / "versions"
    graph: dict[str, tuple[str, ...]] = {}
    for path in sorted(folder.glob("*.py")):
        found = {
            m.group(1): m.group(2) for m in _ASSIGNMENT.finditer(path.read_text(encoding="utf-8"))
        }
        try:
            revision = ast.literal_eval(found["revision"])
            down = ast.literal_eval(found.get("down_revision", "None"))
        except (KeyError, ValueError, SyntaxError):
            raise DatabaseError(f"{path}: no literal revision/down_revision") from None
        downs = () if down is None else (down,) if isinstance(down, str) else tuple(down)
        graph[str(revision)] = tuple(str(d) for d in downs)
    return graph


def head_revision(engine: Engine | None = None) -> str | None:
    """The newest revision the installed code knows: the one script no other script names as
    its ``down_revision`` (see :func:`script_revisions`); None when there are no scripts.
    :class:`DatabaseError` when there are several heads. ``engine`` is not used (kept for
    callers that pass one)."""
    graph = script_revisions()
    named = {d for downs in graph.values() for d in downs}
    heads = sorted(set(graph) - named)
    if len(heads) > 1:
        raise DatabaseError(f"the migration scripts have several heads: {', '.join(heads)}")
    return heads[0] if heads else None


def require_current(engine: Engine) -> None:
    """Raise a clear error unless the database exists and is at head."""
    current = current_revision(engine)
    if current is None:
        if inspect(engine).has_table("clients"):
            return
        raise DatabaseError("the database is not initialised: run `duediligence init`")
    head = head_revision()
    if current != head:
        raise DatabaseError(
            f"the database is at revision {current}, the code needs {head}: "
            "run `duediligence db upgrade`"
        )
