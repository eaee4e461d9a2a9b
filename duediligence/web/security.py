"""Sessions, CSRF tokens, role guards, API tokens and the login rate limit.

The session is a signed cookie (Starlette's ``SessionMiddleware``, itsdangerous underneath:
HttpOnly, SameSite, optionally Secure). It holds only the user's id, a random session id and
the CSRF token; the user's role and active flag are read from the database on every request,
so disabling a user or changing a role takes effect at once. Logging out revokes the session
id, so a copied cookie stops working too.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from duediligence.accounts.tokens import user_for_token
from duediligence.accounts.users import normalise_username
from duediligence.db.enums import Role
from duediligence.db.models import User
from duediligence.db.session import session_scope

ALL_ROLES: tuple[Role, ...] = tuple(Role)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class Viewer:
    """Who is looking, as templates see it: a plain copy that outlives the request's session
    (error pages render after the session has been rolled back and closed)."""

    id: int
    username: str
    display_name: str | None
    role: Role

    @classmethod
    def of(cls, user: User) -> Viewer:
        """Copy the fields pages show from a ``User`` row."""
        return cls(user.id, user.username, user.display_name, user.role)


class LoginRequired(Exception):
    """Raised by a page guard when there is no valid session: the app redirects to /login."""


def get_db(request: Request) -> Iterator[Session]:
    """One session per request on the app's engine: committed on success, rolled back on error."""
    engine: Engine = request.app.state.engine
    with session_scope(engine) as session:
        yield session


# --------------------------------------------------------------------------- CSRF


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use (also for the anonymous login form)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing request whose form field or header lacks the session's token.

    Also refuses a cross-origin ``Origin`` header (defence in depth beside SameSite cookies).
    """
    origin = request.headers.get("origin")
    if origin and origin != "null":
        expected = f"{request.url.scheme}://{request.url.netloc}"
        if origin.rstrip("/") != expected:
            raise HTTPException(403, "cross-origin request refused")
    expected_token = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if (
        not isinstance(expected_token, str)
        or not sent
        or not hmac.compare_digest(sent.encode(), expected_token.encode())
    ):
        raise HTTPException(403, "missing or invalid CSRF token: reload the page and try again")


# --------------------------------------------------------------------------- sessions


class SessionRegistry:
    """Session ids revoked by logout (in memory: a restart also ends every session's validity
    through the per-process secret, unless ``DD_WEB_SECRET`` is set)."""

    def __init__(self) -> None:
        self._revoked: dict[str, float] = {}
        self._lock = threading.Lock()

    def revoke(self, sid: str, until: float) -> None:
        """Refuse ``sid`` until ``until`` (the cookie's own expiry)."""
        with self._lock:
            now = time.time()
            self._revoked = {k: v for k, v in self._revoked.items() if v > now}
            self._revoked[sid] = until

    def is_revoked(self, sid: str) -> bool:
        """Whether ``sid`` was logged out."""
        with self._lock:
            return sid in self._revoked


def start_session(request: Request, user: User) -> None:
    """Log ``user`` in: a fresh session (new id, new CSRF token) replaces the anonymous one."""
    request.session.clear()
    request.session.update(
        {
            "uid": user.id,
            "sid": secrets.token_urlsafe(18),
            "csrf": secrets.token_urlsafe(32),
            "at": int(time.time()),
        }
    )


def end_session(request: Request) -> None:
    """Log out: revoke the session id and clear the cookie."""
    sid = request.session.get("sid")
    if isinstance(sid, str):
        registry: SessionRegistry = request.app.state.sessions
        registry.revoke(sid, time.time() + request.app.state.session_max_age)
    request.session.clear()


def session_user(request: Request, db: Session) -> User | None:
    """The active user of this request's session, or None."""
    uid = request.session.get("uid")
    sid = request.session.get("sid")
    started = request.session.get("at")
    if not isinstance(uid, int) or not isinstance(sid, str) or not isinstance(started, int):
        return None
    if request.app.state.sessions.is_revoked(sid):
        return None
    if time.time() - started > request.app.state.session_max_age:
        return None
    user = db.get(User, uid)
    if user is None or not user.active:
        return None
    return user


# --------------------------------------------------------------------------- guards


@dataclass(frozen=True)
class PageGuard:
    """Dependency for HTML pages: a logged-in user with one of ``roles``.

    No session: redirect to the login page. Wrong role: 403. The roles are kept on the guard
    so tests can walk ``app.routes`` and check every route refuses everyone else.
    """

    roles: tuple[Role, ...]

    def __call__(self, request: Request, db: Session = Depends(get_db)) -> User:
        """Return the session's user or refuse the request."""
        user = session_user(request, db)
        if user is None:
            raise LoginRequired()
        request.state.user = Viewer.of(user)
        if user.role not in self.roles:
            raise HTTPException(403, f"Your role ({user.role.value}) cannot use this page.")
        return user


_bearer = HTTPBearer(auto_error=False, description="An API token: `duediligence users token`")


@dataclass(frozen=True)
class ApiGuard:
    """Dependency for the JSON API: a Bearer token of an active user with one of ``roles``."""

    roles: tuple[Role, ...]

    def __call__(
        self,
        request: Request,
        credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
        db: Session = Depends(get_db),
    ) -> User:
        """Return the token's user or refuse with 401/403."""
        user = user_for_token(session=db, token=credentials.credentials) if credentials else None
        if user is None:
            raise HTTPException(
                401, "a valid API token is required", headers={"WWW-Authenticate": "Bearer"}
            )
        if user.role not in self.roles:
            raise HTTPException(403, f"role {user.role.value} cannot use this endpoint")
        request.state.user = Viewer.of(user)
        return user


@dataclass(frozen=True)
class DocsGuard:
    """The API documentation: readable with a browser session or an API token."""

    roles: tuple[Role, ...] = ALL_ROLES

    def __call__(
        self,
        request: Request,
        credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
        db: Session = Depends(get_db),
    ) -> User:
        """Return the user of the session or token; 401 when there is neither."""
        user = session_user(request, db)
        if user is None and credentials is not None:
            user = user_for_token(session=db, token=credentials.credentials)
        if user is None:
            raise HTTPException(401, "log in or send an API token")
        if user.role not in self.roles:
            raise HTTPException(403, "forbidden")
        return user


# --------------------------------------------------------------------------- rate limit


class LoginRateLimiter:
    """Sliding-window limits on failed logins that an attacker cannot turn against others.

    - **Lock-out by (username, address)**: after ``max_failures`` failures within ``window``
      seconds, that address may not try that username again (429) until the oldest failure
      ages out. Guessing from one address is stopped; the user still logs in from elsewhere.
    - **Per address**: ``ADDRESS_FACTOR`` times as many failures (any usernames) lock the
      address out, so one address cannot spray passwords over many users.
    - **Global slowdown per username**: past ``max_failures`` failures for a username from
      all addresses together, every attempt for it waits :meth:`delay` seconds (growing to
      ``MAX_DELAY``) before the password is checked: distributed guessing is slowed, but
      nobody can lock a user out.

    Usernames go through :func:`~duediligence.accounts.users.normalise_username` (the one used
    to log in), so padded or upper-case variants count as the same user. The address is the
    connection's peer; ``serve`` trusts ``X-Forwarded-For`` only from ``--forwarded-allow-ips``.
    A successful login clears the (username, address) pair and the username's count.
    """

    ADDRESS_FACTOR = 4
    MAX_DELAY = 3.0
    MAX_KEYS = 100_000  # past this many counters, empty ones are dropped

    def __init__(self, max_failures: int = 5, window: float = 300.0) -> None:
        """Allow ``max_failures`` failures per (username, address) in ``window`` seconds."""
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    @staticmethod
    def _keys(address: str, username: str) -> tuple[str, str, str]:
        user = normalise_username(username)
        return f"pair:{user}\n{address}", f"ip:{address}", f"user:{user}"

    def retry_after(self, address: str, username: str) -> int:
        """Seconds until ``address`` may try ``username`` again (0 when allowed now)."""
        now = time.monotonic()
        pair, ip, _user = self._keys(address, username)
        with self._lock:
            waits = []
            for key, limit in (
                (pair, self.max_failures),
                (ip, self.max_failures * self.ADDRESS_FACTOR),
            ):
                q = self._recent(key, now)
                if len(q) >= limit:
                    waits.append(int(q[-limit] + self.window - now) + 1)
            return max(waits, default=0)

    def delay(self, username: str) -> float:
        """Seconds an attempt for ``username`` waits before its password is checked: 0 up to
        ``max_failures`` recent failures from all addresses, then 0.5 s more per failure, at
        most ``MAX_DELAY``."""
        now = time.monotonic()
        with self._lock:
            excess = len(self._recent(self._keys("", username)[2], now)) - self.max_failures
        return 0.0 if excess < 0 else min(self.MAX_DELAY, 0.5 * (excess + 1))

    def failed(self, address: str, username: str) -> None:
        """Count one failed attempt."""
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > self.MAX_KEYS:
                for key in [
                    k for k, q in self._failures.items() if not q or q[-1] <= now - self.window
                ]:
                    del self._failures[key]
            for key in self._keys(address, username):
                self._recent(key, now).append(now)

    def succeeded(self, address: str, username: str) -> None:
        """Forget the pair's and the username's failures after a successful login."""
        pair, _ip, user = self._keys(address, username)
        with self._lock:
            self._failures.pop(pair, None)
            self._failures.pop(user, None)
