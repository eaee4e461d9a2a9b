"""Copies of a built test database, so an expensive fixture is built once per test run.

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

With ``pytest -n`` the test processes share their snapshots: the first process to need one
builds it while holding a file lock (``fcntl.flock``) in the run's temporary folder, which all
workers share (xdist's documented ``getbasetemp().parent`` pattern), and records where it is;
the others wait for the lock and copy it. A build's value must therefore be JSON (``None`` or
a dict of strings). The PostgreSQL schemas are dropped once, by the process that ran the
session (:func:`drop_recorded`), after every worker has finished.
"""

from __future__ import annotations

import fcntl
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    backend: str = "sqlite"

    def write(self, path: Path) -> None:
        data = {
            "location": self.location,
            "value": self.value,
            "sequences": self.sequences,
            "backend": self.backend,
        }
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data))  # raises TypeError for a value that is not JSON
        temporary.replace(path)

    @classmethod
    def read(cls, path: Path) -> _Stored:
        data = json.loads(path.read_text())
        sequences = {name: (int(v[0]), bool(v[1])) for name, v in data["sequences"].items()}
        return cls(data["location"], data["value"], sequences, data["backend"])


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) across processes."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Snapshots:
    """Store of built databases, by key and backend, shared by the processes of one run.

    ``folder`` is the same for every worker of a run; each snapshot has a record
    ``<key>-<backend>.json`` there (where its rows are, the build's value, the next ids).
    """

    def __init__(self, folder: Path, postgres_url: str | None) -> None:
        self.folder = folder
        self.postgres_url = postgres_url
        self._stored: dict[tuple[str, str], _Stored] = {}
        folder.mkdir(parents=True, exist_ok=True)

    def build_or_copy(self, key: str, engine: Engine, build: Callable[[], Any]) -> Any:
        """Fill ``engine``'s empty database: the first time per key and backend in the run by
        ``build()`` (then kept), afterwards, in any process of the run, by copying the kept
        rows. Returns ``build()``'s value (JSON: it is passed between processes)."""
        backend = engine.dialect.name
        stored = self._stored.get((key, backend))
        if stored is None:
            record = self.folder / f"{key}-{backend}.json"
            with _locked(self.folder / f"{key}-{backend}.lock"):
                if record.exists():
                    stored = _Stored.read(record)
                else:
                    value = build()
                    stored = self._keep(key, engine, value)
                    stored.write(record)
                    self._stored[(key, backend)] = stored
                    return value
            self._stored[(key, backend)] = stored
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
            return _Stored(str(path), value, backend="sqlite")
        schema = f"snap_{uuid.uuid4().hex[:16]}"
        with engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            for table in _tables():
                conn.exec_driver_sql(
                    f'CREATE TABLE "{schema}"."{table.name}" AS SELECT * FROM "{table.name}"'
                )
            sequences = _postgres_sequences(conn)
        return _Stored(schema, value, sequences, backend="postgresql")

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


def drop_recorded(folder: Path, postgres_url: str | None) -> None:
    """Drop the PostgreSQL schemas of the snapshots recorded in ``folder`` (the SQLite files go
    with the temporary folder). Run once per test run, after every process has finished."""
    schemas = []
    for record in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        stored = _Stored.read(record)
        if stored.backend == "postgresql":
            schemas.append(stored.location)
        record.unlink()
    if schemas and postgres_url:
        admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                for schema in schemas:
                    conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            admin.dispose()


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
