"""Shared fixtures: a real database per test (SQLite always, PostgreSQL when configured).

Set ``DD_TEST_POSTGRES_URL`` (CI does) to also run every database test on PostgreSQL; each
PostgreSQL test gets its own schema, so parallel runs never collide. When the variable is set
and the server is unreachable the tests fail rather than skip.
"""

from __future__ import annotations

import functools
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, create_mock_engine, make_url, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from duediligence.config import get_settings
from duediligence.db import session as db_session
from duediligence.db.base import Base
from duediligence.db.session import make_engine, session_factory
from duediligence.keys import init_key
from tests.snapshots import Snapshots, drop_recorded

PG_URL = os.environ.get("DD_TEST_POSTGRES_URL")
SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
SHARED_DATA = Path(os.environ.get("DD_SHARED_DATA", SHARED_DIR / "data"))

BACKENDS = ["sqlite", "postgresql"]


def _postgres_schema_url(base_url: str, schema: str) -> str:
    sep = "&" if "?" in base_url else "?"
    return f"{base_url}{sep}options={quote(f'-csearch_path={schema}')}"


@contextmanager
def empty_database(backend: str, tmp: Path, *, filename: str, prefix: str) -> Iterator[str]:
    """The URL of an empty database on ``backend``: the SQLite file ``tmp/filename``, or a
    fresh PostgreSQL schema named ``<prefix>_<random>`` that is dropped afterwards (skips when
    PostgreSQL is not configured)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp / filename}"
        return
    if not PG_URL:
        pytest.skip("DD_TEST_POSTGRES_URL not set")
    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:  # an unreachable server fails the test here
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield _postgres_schema_url(PG_URL, schema)
    finally:
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        finally:
            admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    with empty_database(request.param, tmp_path, filename="test.db", prefix="t") as url:
        yield url


@pytest.fixture(scope="session")
def _sqlite_schema_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the full schema, made once per test process with ``create_all``."""
    path = tmp_path_factory.mktemp("schema") / "schema.db"
    eng = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(eng)
    eng.dispose()  # the last connection closes: the WAL is checkpointed into the file
    return path


@functools.cache
def _postgres_schema_script() -> str:
    """The statements ``create_all`` runs on an empty PostgreSQL schema (tables, indexes,
    constraints), compiled once: a test then creates its schema in one round trip."""
    statements: list[str] = []

    def collect(sql: Any, *args: Any, **kwargs: Any) -> None:
        statements.append(str(sql.compile(dialect=mock.dialect)).strip())

    mock = create_mock_engine(make_url("postgresql+psycopg://"), collect)
    Base.metadata.create_all(mock, checkfirst=False)
    return ";\n".join(statements)


@pytest.fixture
def engine(db_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine on a database with the full schema (created from the models).

    Same schema, built faster: on SQLite the test's file is a copy of one made by ``create_all``
    once per test process; on PostgreSQL the ``create_all`` statements, compiled once, run in
    one transaction (no per-table existence checks).
    """
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        assert url.database, db_url
        shutil.copyfile(request.getfixturevalue("_sqlite_schema_file"), url.database)
        eng = make_engine(db_url)
    else:
        eng = make_engine(db_url)
        with eng.begin() as conn:
            conn.exec_driver_sql(_postgres_schema_script())
    yield eng
    eng.dispose()


def _snapshots_folder(config: pytest.Config) -> Path:
    """The folder of the run's snapshots, the same for every process of the run: under
    ``pytest -n`` a worker's temporary folder is ``<run's folder>/<worker id>`` (xdist's
    documented ``getbasetemp().parent`` pattern); without it, the run's folder itself."""
    base = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    return (base.parent if hasattr(config, "workerinput") else base) / "snapshots"


@pytest.fixture(scope="session")
def snapshots(request: pytest.FixtureRequest) -> Snapshots:
    """Built test databases kept for copying into later tests, shared by the run's processes
    (:mod:`tests.snapshots`; dropped by :func:`pytest_sessionfinish`)."""
    return Snapshots(_snapshots_folder(request.config), PG_URL)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the snapshots' PostgreSQL schemas once the whole run is over: in the process that
    ran the session (with ``-n``, the controller, after every worker has finished)."""
    factory = session.config._tmp_path_factory  # type: ignore[attr-defined]
    if hasattr(session.config, "workerinput") or factory._basetemp is None:
        return  # a worker, or a run that made no temporary folder (so no snapshot)
    drop_recorded(_snapshots_folder(session.config), PG_URL)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session the test owns; it commits when it likes."""
    with session_factory(engine)() as sess:
        yield sess


@pytest.fixture
def shared_data() -> Path:
    """The folder of real public data beside the repository; skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[[str], None]]:
    """Point the CLI's settings at a database URL and temporary folders; returns a setter."""

    def use(url: str) -> None:
        monkeypatch.setenv("DD_DATABASE_URL", url)
        get_settings.cache_clear()

    monkeypatch.setenv("DD_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("DD_KEYS_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("DD_CHECKPOINT_FILE", str(tmp_path / "audit-checkpoints.jsonl"))
    init_key(tmp_path / "keys", name="test installation")
    monkeypatch.delenv("DD_USER", raising=False)
    monkeypatch.delenv("DD_TOKEN", raising=False)
    # Most CLI tests act as a named user without a credential: the single-user escape hatch.
    # It never covers four-eyes review (deciding, confirming, signing off), so those tests
    # authenticate; tests of authentication itself delete the variable (tests/accounts).
    monkeypatch.setenv("DD_ALLOW_UNAUTHENTICATED_CLI", "1")
    get_settings.cache_clear()
    yield use
    get_settings.cache_clear()
    db_session.dispose_engines()


@functools.cache
def _migration_scripts() -> Any:
    """Alembic's view of the migration scripts (read once per test process)."""
    from alembic.script import ScriptDirectory

    from duediligence.db.migrate import migrations_dir

    return ScriptDirectory(str(migrations_dir()))


def stamp_head(engine: Engine) -> None:
    """Record the newest migration in ``engine``'s database, as ``alembic stamp head`` does
    (Alembic's own ``MigrationContext.stamp``, without loading ``env.py`` and re-reading the
    scripts for every test)."""
    from alembic.runtime.migration import MigrationContext

    with engine.begin() as conn:
        MigrationContext.configure(conn).stamp(_migration_scripts(), "head")


@pytest.fixture
def cli(engine: Engine, db_url: str, cli_env: Callable[[str], None]) -> Callable[..., Any]:
    """Run the CLI against the test database: ``cli("clients", "list", "--json")``."""
    from duediligence.cli.app import app

    cli_env(db_url)
    # Models were created with create_all; stamp head so require_current() accepts them.
    stamp_head(engine)
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Any:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return run


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the modules that hold a long test (marked ``slow``) first, each module still whole.

    With ``-n 2`` a long test that starts near the end keeps one worker busy after the other
    has run out of work (the wheel and browser tests are collected last); started first, the
    short tests fill in around them and both workers finish together. Modules stay whole so a
    module-scoped fixture is still built once per module.

    This needs ``--dist worksteal`` (set in ``pyproject.toml``): xdist's default ``load``
    scheduler gives each worker a fixed first batch of consecutive tests, an eighth of the
    suite, and never takes it back; the slow modules (about 155 tests) all fit in the first
    worker's batch, so that worker ran every slow test in turn while the other ran the rest and
    then waited. ``worksteal`` gives each worker half and lets an idle worker take half of the
    other's remaining queue.
    """

    def module_of(item: pytest.Item) -> Any:
        node: Any = item
        while node is not None and not isinstance(node, pytest.Module):
            node = node.parent
        return node

    slow = {module_of(item) for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: module_of(item) not in slow)
