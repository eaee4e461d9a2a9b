"""A real ``duediligence serve`` on 127.0.0.1 for the hardening tests (issue 19): a freshly
migrated database with users and a synthetic watch list of a few thousand names, the server in
a subprocess on a free port, and small HTTP helpers (stdlib only, nothing leaves the machine)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import random
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duediligence.accounts.tokens import issue_api_token
from duediligence.accounts.users import add_user
from duediligence.db import migrate
from duediligence.db.session import make_engine, session_scope
from duediligence.ingest.watchlists import import_watchlist
from tests.conftest import empty_database

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long test password"
SYLLABLES = ["al", "ba", "ka", "ri", "mo", "ha", "med", "sa", "lek", "ov", "ich", "in", "ter"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _watchlist(path: Path, n: int) -> Path:
    rng = random.Random(19)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            words = [
                "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).title()
                for _ in range(rng.randint(2, 4))
            ]
            entity = {
                "id": f"e{i}",
                "schema": "Person" if i % 2 else "Company",
                "properties": {"name": [" ".join(words)]},
            }
            handle.write(json.dumps(entity) + "\n")
    return path


@dataclass
class Live:
    """A running server: its base URL, the API token per user, the server log."""

    base: str
    tokens: dict[str, str]
    log: Path


@contextmanager
def live_server(
    backend: str, tmp: Path, *, serve_args: tuple[str, ...] = (), entities: int = 3000
) -> Iterator[Live]:
    """``duediligence serve`` on a free port of 127.0.0.1 over a new database holding users
    ``rita`` (reviewer), ``sam`` (reviewer), ``ana`` (analyst) and a synthetic watch list."""
    with empty_database(backend, tmp, filename="live.db", prefix="live") as url:
        engine = make_engine(url)
        migrate.upgrade(engine, "head")
        tokens = {}
        with session_scope(engine) as session:
            import_watchlist(
                session=session,
                path=_watchlist(tmp / "list.ftm.json", entities),
                fmt="ftm",
                actor="system",
            )
        with session_scope(engine) as session:
            add_user(session=session, username="admin", role="admin", password=PASSWORD, actor=None)
            for name, role in (("rita", "reviewer"), ("sam", "reviewer"), ("ana", "analyst")):
                add_user(
                    session=session, username=name, role=role, password=PASSWORD, actor="admin"
                )
                tokens[name] = issue_api_token(session=session, username=name, actor="admin")
        engine.dispose()
        with serve(url, tmp, serve_args=serve_args) as (base, log_path):
            yield Live(base, tokens, log_path)


@contextmanager
def serve(
    url: str, tmp: Path, *, serve_args: tuple[str, ...] = (), timeout: float = 90
) -> Iterator[tuple[str, Path]]:
    """``duediligence serve`` in a subprocess on a free port of 127.0.0.1 over the database at
    ``url`` (already migrated), reports, keys and checkpoints under ``tmp``; yields the base URL
    and the server log's path once ``/login`` answers, and stops the server on exit."""
    port = _free_port()
    env = {
        **os.environ,
        "DD_DATABASE_URL": url,
        "DD_REPORTS_DIR": str(tmp / "reports"),
        "DD_KEYS_DIR": str(tmp / "keys"),
        "DD_CHECKPOINT_FILE": str(tmp / "audit-checkpoints.jsonl"),
        "DD_WEB_SECRET": "live-test-" + "s" * 40,
    }
    env.pop("DD_USER", None)
    env.pop("FORWARDED_ALLOW_IPS", None)
    log_path = tmp / "server.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "duediligence", "serve", "--port", str(port), *serve_args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/login", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.close()
                raise AssertionError("server did not start:\n" + log_path.read_text())
            time.sleep(0.3)
        yield base, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def request(
    url: str,
    *,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    opener: urllib.request.OpenerDirector | None = None,
    timeout: float = 120,
) -> tuple[int, bytes]:
    """``(status, body)`` of a request; HTTP errors are returned, not raised."""
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with (opener.open if opener else urllib.request.urlopen)(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def browser() -> urllib.request.OpenerDirector:
    """An opener that keeps cookies (a browser session) and does not follow redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
    )


def post_login(
    base: str,
    username: str,
    password: str,
    *,
    headers: dict[str, str] | None = None,
) -> int:
    """Load ``/login`` and post the form in a fresh session; returns the status (303 when
    logged in, 200 with the form again when refused, 429 when limited)."""
    opener = browser()
    status, page = request(base + "/login", opener=opener, headers=headers)
    assert status == 200, status
    match = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    assert match
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf_token": match.group(1).decode()}
    ).encode()
    status, _ = request(
        base + "/login",
        data=form,
        opener=opener,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": base,
            **(headers or {}),
        },
    )
    return status
