"""Alembic environment: uses the engine handed over by duediligence.db.migrate, or DD_DATABASE_URL."""

from __future__ import annotations

from sqlalchemy import Engine

from alembic import context
from duediligence.db import models  # noqa: F401  (registers every table)
from duediligence.db.base import Base

config = context.config
target_metadata = Base.metadata


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine
    from duediligence.db.session import make_engine

    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from duediligence.config import get_settings

        url = get_settings().database_url
    return make_engine(url)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
