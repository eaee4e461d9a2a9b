"""Hardening (issue 19, hole 3), against a real ``duediligence serve`` on 127.0.0.1: the login
rate limit cannot be bypassed by rotating ``X-Forwarded-For`` (not trusted unless
``--forwarded-allow-ips``) or by padding the username, and five wrong passwords lock out only
that (user, address) pair, not the user for everyone."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import BACKENDS
from tests.web.live import PASSWORD, live_server, post_login

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("backend", BACKENDS)
def test_rotating_forwarded_for_and_padded_usernames_do_not_reset_the_limit(
    backend: str, tmp_path: Path
) -> None:
    with live_server(backend, tmp_path, entities=10) as live:
        variants = ["rita", " rita", "RITA ", "Rita", "\u3000rita"]  # one user, one counter
        statuses = [
            post_login(live.base, name, "wrong guess", headers={"X-Forwarded-For": f"10.9.0.{i}"})
            for i, name in enumerate(variants)
        ]
        assert statuses == [401] * 5
        for i, name in enumerate(["rita", " rita ", "RITA"]):
            forged = {"X-Forwarded-For": f"10.8.{i}.1", "X-Real-IP": f"10.7.{i}.1"}
            assert post_login(live.base, name, PASSWORD, headers=forged) == 429
        # the lock is (rita, 127.0.0.1): another user from this address is not locked
        assert post_login(live.base, "sam", PASSWORD) == 303


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_lock_out_is_per_address_behind_a_trusted_proxy(backend: str, tmp_path: Path) -> None:
    """With ``--forwarded-allow-ips 127.0.0.1`` the proxy's header names the client: an
    attacker at 10.0.0.1 locks out only themselves; rita at 10.0.0.2 still logs in (slowed
    down, not refused)."""
    with live_server(
        backend, tmp_path, entities=10, serve_args=("--forwarded-allow-ips", "127.0.0.1")
    ) as live:
        attacker = {"X-Forwarded-For": "10.0.0.1"}
        assert [post_login(live.base, "rita", "guess", headers=attacker) for _ in range(5)] == [
            401
        ] * 5
        assert post_login(live.base, "rita", PASSWORD, headers=attacker) == 429
        started = time.monotonic()
        assert (
            post_login(live.base, "rita", PASSWORD, headers={"X-Forwarded-For": "10.0.0.2"}) == 303
        )
        assert time.monotonic() - started >= 0.5  # the global slowdown for a targeted user
