"""Fixtures of the web tests: a seeded database (SQLite, and PostgreSQL when configured), the
app over it, and logged-in TestClients per role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from duediligence.db.base import Base
from duediligence.db.session import make_engine
from duediligence.keys import init_key
from duediligence.web import create_app
from tests.conftest import BACKENDS, empty_database
from tests.snapshots import Snapshots
from tests.web.seed import PASSWORD, seed

SECRET = "test-secret-" + "x" * 40


@pytest.fixture(scope="module", params=BACKENDS)
def seeded_url(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    snapshots: Snapshots,
) -> Iterator[tuple[str, dict[str, str]]]:
    """A database URL seeded once per module (read-mostly tests), and the API tokens.

    Seeded once per test run and backend, then copied into each module's database (the
    same rows, ids and token hashes: :mod:`tests.snapshots`); the seed writes only to the
    database and its own watch-list file, which stays where the first module wrote it (in the
    temporary folder of the process that seeded).
    """
    tmp = tmp_path_factory.mktemp("web")
    with empty_database(request.param, tmp, filename="web.db", prefix="w") as url:
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        tokens = snapshots.build_or_copy("web", engine, lambda: seed(engine, tmp))
        engine.dispose()
        yield url, tokens


@pytest.fixture(scope="module")
def seeded_engine(seeded_url: tuple[str, dict[str, str]]) -> Iterator[Engine]:
    """An engine on the module's seeded database."""
    engine = make_engine(seeded_url[0])
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def tokens(seeded_url: tuple[str, dict[str, str]]) -> dict[str, str]:
    """API token per username."""
    return seeded_url[1]


@pytest.fixture(scope="module")
def app(seeded_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The web app over the seeded database (a generous login limit: tests log in often)."""
    keys = tmp_path_factory.mktemp("keys")
    init_key(keys, name="web test installation")
    return create_app(
        seeded_engine,
        reports_dir=tmp_path_factory.mktemp("reports"),
        keys_dir=keys,
        checkpoint_file=keys / "audit-checkpoints.jsonl",
        secret_key=SECRET,
        login_max_failures=1000,
    )


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token embedded in a page's forms."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log ``client`` in as ``username``; returns the session's CSRF token."""
    page = client.get("/login")
    assert page.status_code == 200
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    roster = client.get("/clients")
    assert roster.status_code == 200
    return csrf_of(roster.text)


@pytest.fixture
def as_user(app: FastAPI) -> Iterator[Callable[[str], tuple[TestClient, str]]]:
    """``as_user("rita")`` -> a TestClient logged in as rita, and its CSRF token."""
    clients: list[TestClient] = []

    def make(username: str) -> tuple[TestClient, str]:
        client = TestClient(app, follow_redirects=False)
        client.__enter__()
        clients.append(client)
        return client, login(client, username)

    yield make
    for c in clients:
        c.__exit__(None, None, None)
