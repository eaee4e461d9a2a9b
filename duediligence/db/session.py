"""Engine and session helpers. The caller owns the session: library functions take one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from duediligence.errors import DatabaseError


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache: bulk imports, batch scoring
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with our per-dialect settings (SQLite: WAL, foreign keys)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


_ENGINES: dict[str, Engine] = {}


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: ``DD_DATABASE_URL``)."""
    if url is None:
        from duediligence.config import get_settings

        url = get_settings().database_url
    engine = _ENGINES.get(url)
    if engine is None:
        engine = _ENGINES[url] = make_engine(url)
    return engine


def dispose_engines() -> None:
    """Close every engine :func:`get_engine` opened (tests, and forked worker processes)."""
    while _ENGINES:
        _, engine = _ENGINES.popitem()
        engine.dispose()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A sessionmaker bound to ``engine`` that keeps objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error, always close."""
    session = session_factory(engine or get_engine())()
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        raise DatabaseError(f"database error: {exc.orig}") from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def begin_savepoint(*, session: Session) -> SessionTransaction:
    """Open a SAVEPOINT that stays inside the caller's transaction, on every backend.

    Python's sqlite3 driver opens a transaction only before a data-changing statement, so a
    SAVEPOINT issued first would itself become the outermost transaction and its RELEASE would
    commit: the caller's later rollback could no longer undo it. On SQLite the enclosing
    transaction is therefore begun explicitly first.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        dbapi_connection: Any = connection.connection.dbapi_connection
        if not dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN")
    return session.begin_nested()
