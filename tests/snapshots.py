"""Copies of a built test database, so an expensive fixture is built once per test process.

Several fixtures load the same data into each test's fresh database: the sample roster with every
signal classified (``tests/risk``), the case study screened, assessed and reviewed
(``tests/reporting``). Built from scratch that takes seconds per test. A :class:`Snapshots` keeps
the rows of every table of the models after the first build (in a SQLite file, or a PostgreSQL
schema, of its own) and copies them into the next test's empty database: the same rows with the
same ids, and the same next id for every table, so the test sees what a fresh build would give.
Only the rows are copied; the test's database keeps the schema its ``engine`` fixture made.

A build must depend on nothing but the database (no per-test files, clock-dependent values that
the tests compare against the wall clock, or randomness), which is true of the fixtures that use
it; each says so.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, text

from duediligence.db.base import Base


def _tables() -> list[Table]:
    """The models' tables, parents before children."""
    return list(Base.metadata.sorted_tables)


@dataclass
class _Stored:
    location: str  # a SQLite file path, or a PostgreSQL schema name
    value: Any
    sequences: dict[str, tuple[int, bool]] = field(default_factory=dict)


class Snapshots:
    """Per-process store of built databases, by key and backend."""

    def __init__(self, folder: Path, postgres_url: str | None) -> None:
        self.folder = folder
        self.postgres_url = postgres_url
        self._stored: dict[tuple[str, str], _Stored] = {}

    def build_or_copy(self, key: str, engine: Engine, build: Callable[[], Any]) -> Any:
        """Fill ``engine``'s empty database: the first time per key and backend by ``build()``
        (then kept), afterwards by copying the kept rows. Returns ``build()``'s value."""
        backend = engine.dialect.name
        stored = self._stored.get((key, backend))
        if stored is None:
            value = build()
            self._stored[(key, backend)] = self._keep(key, engine, value)
            return value
        self._copy_into(stored, engine)
        return stored.value

    # ------------------------------------------------------------------ SQLite
    def _keep(self, key: str, engine: Engine, value: Any) -> _Stored:
        if engine.dialect.name == "sqlite":
            path = self.folder / f"{key}-{uuid.uuid4().hex[:8]}.db"
            with engine.connect() as conn:
                conn.exec_driver_sql(f"ATTACH DATABASE '{path}' AS snap")
                conn.commit()  # ATTACH runs outside a transaction; the copy runs in one
                try:
                    with conn.begin():
                        for table in _tables():
                            conn.exec_driver_sql(
                                f'CREATE TABLE snap."{table.name}" AS '
                                f'SELECT * FROM main."{table.name}"'
                            )
                finally:
                    conn.rollback()
                    conn.exec_driver_sql("DETACH DATABASE snap")
                    conn.commit()
            return _Stored(str(path), value)
        schema = f"snap_{uuid.uuid4().hex[:16]}"
        with engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            for table in _tables():
                conn.exec_driver_sql(
                    f'CREATE TABLE "{schema}"."{table.name}" AS SELECT * FROM "{table.name}"'
                )
            sequences = _postgres_sequences(conn)
        return _Stored(schema, value, sequences)

    def _copy_into(self, stored: _Stored, engine: Engine) -> None:
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                conn.exec_driver_sql(f"ATTACH DATABASE '{stored.location}' AS snap")
                conn.commit()  # ATTACH runs outside a transaction; the copy runs in one
                try:
                    with conn.begin():
                        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
                        for table in _tables():
                            conn.exec_driver_sql(
                                f'INSERT INTO main."{table.name}" SELECT * FROM snap."{table.name}"'
                            )
                finally:
                    conn.rollback()
                    conn.exec_driver_sql("DETACH DATABASE snap")
                    conn.commit()
            return
        with engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")  # no FK triggers
            for table in _tables():
                conn.exec_driver_sql(
                    f'INSERT INTO "{table.name}" SELECT * FROM "{stored.location}"."{table.name}"'
                )
            for sequence, (last, called) in stored.sequences.items():
                conn.execute(
                    text("SELECT setval(:s, :v, :c)"), {"s": sequence, "v": last, "c": called}
                )

    def drop_all(self) -> None:
        """Remove the kept PostgreSQL schemas (the SQLite files go with the temporary folder)."""
        schemas = [s.location for (_, backend), s in self._stored.items() if backend != "sqlite"]
        if schemas and self.postgres_url:
            admin = create_engine(self.postgres_url, isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    for schema in schemas:
                        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            finally:
                admin.dispose()
        self._stored.clear()


def _postgres_sequences(conn: Connection) -> dict[str, tuple[int, bool]]:
    """``{qualified sequence name: (last_value, is_called)}`` of the current schema's sequences
    (the next id of every serial column)."""
    names = conn.execute(
        text(
            "SELECT quote_ident(sequence_schema) || '.' || quote_ident(sequence_name) "
            "FROM information_schema.sequences WHERE sequence_schema = current_schema()"
        )
    ).scalars()
    found = {}
    for name in list(names):
        last, called = conn.execute(text(f"SELECT last_value, is_called FROM {name}")).one()
        found[name.split(".", 1)[1]] = (int(last), bool(called))
    return found
