"""Every route refuses the unauthenticated and the wrong roles; CSRF; rate limit; sessions."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from duediligence.accounts.users import disable_user, enable_user
from duediligence.db.enums import MatchStatus, Role
from duediligence.db.models import ScreeningMatch
from duediligence.db.session import session_scope
from duediligence.web import create_app
from duediligence.web.security import ApiGuard, DocsGuard, LoginRateLimiter, PageGuard
from tests.web.conftest import SECRET, csrf_of, login
from tests.web.seed import USERS

ALL = frozenset(Role)
PUBLIC: frozenset[Role] | None = None
DATA = frozenset({Role.ANALYST, Role.REVIEWER, Role.ADMIN})
REVIEWER = frozenset({Role.REVIEWER})
QUEUE = frozenset({Role.REVIEWER, Role.AUDITOR, Role.ADMIN, Role.SENIOR})
SENIOR = frozenset({Role.SENIOR})
AUDIT = frozenset({Role.AUDITOR, Role.ADMIN})

# The policy, written out independently of the code: a new route fails the walk until added.
POLICY: dict[tuple[str, str], frozenset[Role] | None] = {
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): ALL,
    ("GET", "/"): ALL,
    ("GET", "/clients"): ALL,
    ("GET", "/clients/{ref}"): ALL,
    ("GET", "/clients/{ref}/report.{fmt}"): ALL,
    ("POST", "/clients/{ref}/assess"): DATA,
    ("POST", "/clients/{ref}/matches/{match_id}"): REVIEWER,
    ("POST", "/clients/{ref}/signals/{signal_id}"): REVIEWER,
    ("POST", "/signals/{signal_id}/link"): REVIEWER,
    ("GET", "/links"): QUEUE,
    ("POST", "/clients/{ref}/decisions"): REVIEWER,
    ("POST", "/decisions/{decision_id}/confirm"): REVIEWER,
    ("POST", "/decisions/{decision_id}/sign-off"): SENIOR,
    ("GET", "/screen"): DATA,
    ("POST", "/screen"): DATA,
    ("GET", "/queue"): QUEUE,
    ("GET", "/audit"): AUDIT,
    ("POST", "/api/match/{dataset}"): ALL,
    ("GET", "/api/clients/{ref}/assessment"): ALL,
    ("GET", "/api/clients/{ref}/signals"): ALL,
    ("GET", "/api/alerts"): ALL,
    ("GET", "/api/openapi.json"): ALL,
    ("GET", "/api/docs"): ALL,
}
PARAMS = {
    "ref": "CS-BACKPAGE",
    "fmt": "json",
    "match_id": "1",
    "signal_id": "1",
    "decision_id": "1",
    "dataset": "default",
}
USER_OF_ROLE = {role: name for name, role in USERS.items()}


def _routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    out = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            for method in sorted(route.methods):
                out.append((method, route.path, route))
    return out


def _guard(route: APIRoute) -> PageGuard | ApiGuard | DocsGuard | None:
    guards = [
        d.call
        for d in route.dependant.dependencies
        if isinstance(d.call, PageGuard | ApiGuard | DocsGuard)
    ]
    assert len(guards) <= 1, f"{route.path} has several guards"
    return guards[0] if guards else None


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PARAMS[m.group(1)], path)


def _request(
    client: TestClient, method: str, path: str, *, csrf: str | None, token: str | None = None
):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    url = _url(path)
    if method == "GET":
        return client.get(url, headers=headers)
    if path.startswith("/api/"):
        body = {"queries": {"q1": {"schema": "Company", "properties": {"name": ["Backpage"]}}}}
        return client.post(url, json=body, headers=headers)
    data = {
        "csrf_token": csrf or "",
        "reason": "policy walk",
        "verdict": "dismiss",
        "action": "approve",
        "name": "Walk Test Ltd",
        "country": "GB",
    }
    return client.post(url, data=data, headers=headers)


def test_every_route_is_in_the_policy_and_guarded_accordingly(app: FastAPI) -> None:
    seen = set()
    for method, path, route in _routes(app):
        key = (method, path)
        assert key in POLICY, f"route {method} {path} is missing from the security policy"
        seen.add(key)
        guard = _guard(route)
        expected = POLICY[key]
        if expected is None:
            assert guard is None, f"{method} {path} should be public"
        else:
            assert guard is not None, f"{method} {path} has no role guard"
            assert frozenset(guard.roles) == expected, f"{method} {path}: {guard.roles}"
        if method == "POST" and not path.startswith("/api/"):
            calls = [
                d.call.__name__ for d in route.dependant.dependencies if hasattr(d.call, "__name__")
            ]
            assert "verify_csrf" in calls, f"{method} {path} does not check the CSRF token"
    assert seen == set(POLICY), f"policy names routes that do not exist: {set(POLICY) - seen}"
    # Nothing else is mounted but the static files.
    others = [r.path for r in app.routes if not isinstance(r, APIRoute)]
    assert others == ["/static"]


def test_unauthenticated_requests_are_refused_everywhere(app: FastAPI) -> None:
    with TestClient(app, follow_redirects=False) as client:
        csrf = csrf_of(client.get("/login").text)  # even with a valid anonymous CSRF token
        for method, path, _route in _routes(app):
            if POLICY[(method, path)] is None:
                continue
            response = _request(client, method, path, csrf=csrf)
            if path.startswith("/api/"):
                assert response.status_code == 401, (method, path, response.status_code)
            elif method == "GET":
                assert response.status_code == 303, (method, path)
                assert response.headers["location"].startswith("/login?next=")
            else:
                assert response.status_code == 401, (method, path, response.status_code)
            assert "Backpage" not in response.text, f"{method} {path} leaked client data"
        # A forged session cookie (not signed with our key) is no session at all.
        client.cookies.set("dd_session", "eyJ1aWQiOiAxfQ==.forged.signature")
        assert client.get("/clients").status_code == 303
        # A wrong token on the API.
        assert (
            client.get("/api/alerts", headers={"Authorization": "Bearer dd_nope"}).status_code
            == 401
        )
    # Static assets are public.
    with TestClient(app) as client:
        assert client.get("/static/app.css").status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_wrong_roles_are_refused_everywhere(
    app: FastAPI,
    role: Role,
    as_user: Callable[[str], tuple[TestClient, str]],
    tokens: dict[str, str],
) -> None:
    username = USER_OF_ROLE[role]
    client, csrf = as_user(username)
    for method, path, _route in _routes(app):
        allowed = POLICY[(method, path)]
        if allowed is None or role in allowed:
            continue
        api = path.startswith("/api/")
        response = _request(
            client, method, path, csrf=csrf, token=tokens[username] if api else None
        )
        assert response.status_code == 403, (role, method, path, response.status_code)
    # And the API refuses a browser session without a token.
    assert client.get("/api/alerts").status_code == 401


@pytest.mark.parametrize("role", list(Role))
def test_allowed_roles_can_open_their_pages(
    app: FastAPI,
    role: Role,
    as_user: Callable[[str], tuple[TestClient, str]],
    tokens: dict[str, str],
) -> None:
    client, _ = as_user(USER_OF_ROLE[role])
    for method, path, _route in _routes(app):
        allowed = POLICY[(method, path)]
        if method != "GET" or allowed is None or role not in allowed or path == "/":
            continue
        headers = (
            {"Authorization": f"Bearer {tokens[USER_OF_ROLE[role]]}"}
            if path.startswith("/api/") and "docs" not in path and "openapi" not in path
            else {}
        )
        response = client.get(_url(path), headers=headers)
        assert response.status_code == 200, (role, path, response.status_code, response.text[:300])


def _match_status(engine: Engine, match_id: int) -> MatchStatus:
    with session_scope(engine) as session:
        match = session.get(ScreeningMatch, match_id)
        assert match is not None
        return match.status


def test_csrf_is_required_on_state_changes(
    app: FastAPI, seeded_engine: Engine, as_user: Callable[[str], tuple[TestClient, str]]
) -> None:
    with session_scope(seeded_engine) as session:
        match_id = session.scalars(select(ScreeningMatch.id).order_by(ScreeningMatch.id)).first()
    assert match_id is not None
    before = _match_status(seeded_engine, match_id)
    client, csrf = as_user("rita")
    _other, other_csrf = as_user("sam")
    url = f"/clients/CS-BACKPAGE/matches/{match_id}"
    form = {"verdict": "dismiss", "reason": "csrf test"}
    assert client.post(url, data=form).status_code == 403  # no token
    assert client.post(url, data={**form, "csrf_token": "x" * 43}).status_code == 403  # wrong
    assert (
        client.post(url, data={**form, "csrf_token": other_csrf}).status_code == 403
    )  # another session's
    evil = client.post(
        url, data={**form, "csrf_token": csrf}, headers={"Origin": "https://evil.example"}
    )
    assert evil.status_code == 403  # right token, foreign origin
    assert _match_status(seeded_engine, match_id) == before  # nothing changed
    # The login form needs it too.
    with TestClient(app, follow_redirects=False) as anon:
        anon.get("/login")
        response = anon.post(
            "/login", data={"username": "rita", "password": "correct horse battery"}
        )
        assert response.status_code == 403
        assert (
            "dd_session" not in response.headers.get("set-cookie", "") or "uid" not in response.text
        )


@pytest.mark.slow  # waits out the per-user slow-down of failed logins
def test_login_rate_limit(seeded_engine: Engine, tmp_path: Path) -> None:
    app = create_app(
        seeded_engine,
        reports_dir=tmp_path,
        keys_dir=tmp_path / "keys",
        checkpoint_file=tmp_path / "checkpoints.jsonl",
        secret_key=SECRET,
        login_max_failures=3,
        login_window=60,
    )
    with TestClient(app, follow_redirects=False) as client:
        csrf = csrf_of(client.get("/login").text)

        def attempt(username: str, password: str) -> int:
            data = {"username": username, "password": password, "csrf_token": csrf}
            return client.post("/login", data=data).status_code

        assert [attempt("rita", "wrong password") for _ in range(3)] == [401, 401, 401]
        limited = client.post(
            "/login",
            data={"username": "rita", "password": "correct horse battery", "csrf_token": csrf},
        )
        assert limited.status_code == 429  # even the right password waits
        assert int(limited.headers["Retry-After"]) > 0
        assert attempt(" RITA ", "wrong password") == 429  # one normalisation of usernames
        # lock-out by (user, address): other users from this address are not locked (issue
        # 19) until the address passes its own, higher limit
        assert attempt("sam", "wrong password") == 401
        for _ in range(3 * LoginRateLimiter.ADDRESS_FACTOR - 4):
            assert attempt(f"nobody{_}", "wrong password") == 401
        assert attempt("sam", "wrong password") == 429  # the address sprayed too many users
    # The user is not locked out for everyone: from another address rita logs in.
    with TestClient(app, follow_redirects=False, client=("10.0.0.9", 5000)) as client:
        login(client, "rita")


def test_session_cookie_flags_logout_and_disabled_users(
    app: FastAPI, seeded_engine: Engine, as_user: Callable[[str], tuple[TestClient, str]]
) -> None:
    with TestClient(app, follow_redirects=False) as client:
        page = client.get("/login")
        response = client.post(
            "/login",
            data={
                "username": "audrey",
                "password": "correct horse battery",
                "csrf_token": csrf_of(page.text),
            },
        )
        cookie = response.headers["set-cookie"].lower()
        assert "dd_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert response.headers["x-frame-options"] == "DENY"
        assert "default-src 'self'" in response.headers["content-security-policy"]
        stolen = client.cookies.get("dd_session")
        csrf = csrf_of(client.get("/audit").text)
        assert client.post("/logout", data={"csrf_token": csrf}).status_code == 303
        assert client.get("/audit").status_code == 303
        # Replaying the cookie from before the logout does not bring the session back.
        client.cookies.set("dd_session", stolen)
        assert client.get("/audit").status_code == 303
    # A disabled user's live session ends at the next request.
    client, _ = as_user("ana")
    assert client.get("/clients").status_code == 200
    with session_scope(seeded_engine) as session:
        disable_user(session=session, username="ana", actor="admin")
    try:
        assert client.get("/clients").status_code == 303
    finally:
        with session_scope(seeded_engine) as session:
            enable_user(session=session, username="ana", actor="admin")


def test_secure_cookies_option(seeded_engine: Engine, tmp_path: Path) -> None:
    app = create_app(
        seeded_engine,
        reports_dir=tmp_path,
        keys_dir=tmp_path / "keys",
        checkpoint_file=tmp_path / "checkpoints.jsonl",
        secret_key=SECRET,
        secure_cookies=True,
    )
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        response = client.get("/login")
        assert "secure" in response.headers["set-cookie"].lower()


def test_next_parameter_cannot_redirect_off_site(app: FastAPI) -> None:
    with TestClient(app, follow_redirects=False) as client:
        page = client.get("/login?next=//evil.example/x")
        response = client.post(
            "/login",
            data={
                "username": "rita",
                "password": "correct horse battery",
                "next": "//evil.example/x",
                "csrf_token": csrf_of(page.text),
            },
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/"
