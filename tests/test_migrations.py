"""Migrations: upgrade head on an empty database, no drift from the models, downgrade works."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from duediligence.db import migrate
from duediligence.db.base import Base
from duediligence.db.session import make_engine


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
