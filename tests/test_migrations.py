"""Migrations: upgrade head on an empty database, no drift from the models, downgrade works."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from duediligence.db import migrate
from duediligence.db.base import Base
from duediligence.db.session import make_engine
from duediligence.errors import DatabaseError


def _drift(engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)


def test_upgrade_no_drift_downgrade_upgrade(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision(engine)
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert _drift(engine) == []

        migrate.downgrade(engine, "base")
        assert migrate.current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

        migrate.upgrade(engine)
        assert _drift(engine) == []
    finally:
        engine.dispose()


def test_migrations_dir_is_found() -> None:
    path = migrate.migrations_dir()
    assert (path / "env.py").is_file()
    assert any((path / "versions").glob("*.py"))


def _alembic_revisions(engine) -> tuple[str | None, str | None]:
    """(database revision, script head) as Alembic itself reads them."""
    from alembic.script import ScriptDirectory

    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    head = ScriptDirectory.from_config(migrate.alembic_config(engine)).get_current_head()
    return current, head


def test_the_fast_revision_check_agrees_with_alembic(db_url: str) -> None:
    """``require_current`` reads the revisions without Alembic (start-up time); it must read
    what Alembic reads, before and after upgrading and downgrading."""
    from alembic.script import ScriptDirectory

    engine = make_engine(db_url)
    try:
        script = ScriptDirectory.from_config(migrate.alembic_config(engine))
        graph = migrate.script_revisions()
        assert graph == {
            rev.revision: tuple(rev._normalized_down_revisions) for rev in script.walk_revisions()
        }
        assert migrate.current_revision(engine) is None
        assert migrate.head_revision() == _alembic_revisions(engine)[1]
        previous = graph[migrate.head_revision()][0]
        migrate.upgrade(engine, previous)
        assert (migrate.current_revision(engine), migrate.head_revision()) == _alembic_revisions(
            engine
        )
        try:
            migrate.require_current(engine)
        except DatabaseError as exc:
            assert f"at revision {previous}" in str(exc)
        else:
            raise AssertionError("a database one revision behind passed the check")
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == _alembic_revisions(engine)[0]
        migrate.require_current(engine)
    finally:
        engine.dispose()


def test_several_heads_are_refused(tmp_path) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    for rev, down in (("a1", None), ("b1", "a1"), ("c1", "a1")):
        (versions / f"{rev}.py").write_text(
            f'"""x"""\nrevision: str = "{rev}"\ndown_revision: str | None = {down!r}\n'
        )
    assert migrate.script_revisions(tmp_path) == {"a1": (), "b1": ("a1",), "c1": ("a1",)}
    (versions / "d1.py").write_text('revision = "d1"\ndown_revision = ("b1", "c1")\n')
    assert migrate.script_revisions(tmp_path)["d1"] == ("b1", "c1")
    (versions / "e1.py").write_text("revision = make()\n")
    with pytest.raises(DatabaseError, match=r"e1\.py"):
        migrate.script_revisions(tmp_path)
