"""Hardening (issue 19, hole 2): one API request cannot tie up the server. Names and property
values are capped like the forms, bodies are capped, and a batch has a time budget; with a real
server on 127.0.0.1, ``/login`` answers within a second while the largest match request the API
accepts is being served."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from duediligence.web.api import MAX_QUERIES, MAX_VALUE_CHARS, MAX_VALUES
from duediligence.web.app import MAX_BODY_BYTES
from tests.conftest import BACKENDS
from tests.web.live import Live, live_server, request

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=BACKENDS)
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    with live_server(request.param, tmp_path_factory.mktemp("live")) as server:
        yield server


def _match(
    live: Live, body: bytes, token: str | None = None, timeout: float = 120
) -> tuple[int, bytes]:
    return request(
        live.base + "/api/match/default",
        data=body,
        headers={
            "Authorization": f"Bearer {token or live.tokens['ana']}",
            "Content-Type": "application/json",
        },
        timeout=timeout,
    )


def _connection(live: Live) -> http.client.HTTPConnection:
    parts = urlsplit(live.base)
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)


def _words(seed: int) -> str:
    """A name of many short distinct words, the costliest shape for the matcher."""
    syllables = ["al", "ba", "ka", "ri", "mo", "ha", "med", "sa", "lek", "ov", "ich", "in"]
    words, i = [], seed
    while len(" ".join(words)) < MAX_VALUE_CHARS - 12:
        words.append(syllables[i % 12] + syllables[(i // 12) % 12] + syllables[(i * 7) % 12])
        i += 5
    return " ".join(words)[:MAX_VALUE_CHARS]


def test_a_million_character_name_is_refused_at_once(live: Live) -> None:
    started = time.monotonic()
    for name in ("a" * 1_000_000, "ab " * 100_000):  # the attack, and its many-word variant
        body = json.dumps(
            {"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}}
        ).encode()
        status, answer = _match(live, body)
        assert status == 422, answer[:300]
        assert b"at most 300 characters" in answer
    # A declared body over the cap is refused before a byte of it is read.
    conn = _connection(live)
    conn.putrequest("POST", "/api/match/default")
    conn.putheader("Authorization", f"Bearer {live.tokens['ana']}")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(2_000_000))
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()
    assert time.monotonic() - started < 5


def test_too_many_values_and_chunked_bodies_are_refused(live: Live) -> None:
    names = ["Ivan Petrov"] * (MAX_VALUES + 1)
    body = json.dumps({"queries": {"q": {"schema": "Person", "properties": {"name": names}}}})
    status, _ = _match(live, body.encode())
    assert status == 422

    def chunks() -> Iterator[bytes]:  # no Content-Length: the server must count
        yield b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["'
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"a" * 65536
        yield b'"]}}}}'

    conn = _connection(live)
    conn.request(
        "POST",
        "/api/match/default",
        body=chunks(),
        headers={
            "Authorization": f"Bearer {live.tokens['ana']}",
            "Content-Type": "application/json",
        },
        encode_chunked=True,
    )
    assert conn.getresponse().status == 413
    conn.close()


def test_login_answers_within_a_second_during_an_abusive_match(live: Live) -> None:
    queries = {
        f"q{i}": {
            "schema": "Person",
            "properties": {
                "name": [_words(i * MAX_VALUES + j) for j in range(MAX_VALUES)],
                "country": ["ru", "ir", "sy"],
                "birthDate": ["1960"],
            },
        }
        for i in range(MAX_QUERIES)
    }
    body = json.dumps({"queries": queries}).encode()
    assert len(body) < MAX_BODY_BYTES
    result: dict[str, object] = {}

    def abuse() -> None:
        started = time.monotonic()
        result["status"], result["body"] = _match(live, body, timeout=300)
        result["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=abuse)
    worker.start()
    time.sleep(1.0)  # the match request is being served
    latencies = []
    while worker.is_alive() and len(latencies) < 5:
        started = time.monotonic()
        status, _ = request(live.base + "/login", timeout=30)
        latencies.append(time.monotonic() - started)
        assert status == 200
        time.sleep(0.5)
    worker.join()
    assert latencies, "the abusive request finished before /login was asked"
    assert max(latencies) < 1.0, latencies
    assert result["status"] == 200
    answer = json.loads(result["body"])  # type: ignore[arg-type]
    statuses = {r["status"] for r in answer["responses"].values()}
    assert statuses <= {200, 503}
    # the time budget (10 s) bounds the request, whatever the batch asks for
    assert float(result["seconds"]) < 30, result["seconds"]  # type: ignore[arg-type]
    (Path(live.log).parent / "abuse.json").write_text(
        json.dumps({"login_latencies": latencies, "match_seconds": result["seconds"],
                    "statuses": sorted(statuses)})
    )  # fmt: skip
