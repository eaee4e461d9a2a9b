"""The reviewer web app: an ASGI application (FastAPI) over the same database and templates.

``create_app`` builds the app for an engine; ``duediligence serve`` runs it with uvicorn.
Nothing but ``/login`` and ``/static`` answers without a session (pages) or an API token
(``/api``); every route carries a guard naming the roles it admits.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.middleware.sessions import SessionMiddleware

from duediligence import __version__
from duediligence.config import get_settings
from duediligence.errors import (
    ConflictError,
    DueDiligenceError,
    InputError,
    NotFoundError,
    PermissionDenied,
)
from duediligence.web.security import LoginRateLimiter, LoginRequired, SessionRegistry

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
SESSION_COOKIE = "dd_session"
SESSION_MAX_AGE = 8 * 3600
SECRET_ENV = "DD_WEB_SECRET"  # noqa: S105 (the variable's name, not a secret)

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


# The largest request body read (forms and API alike): FastAPI's own limit refuses a larger
# Content-Length with 413 before reading, and counts a chunked body as it arrives.
MAX_BODY_BYTES = 1 << 20


def status_for(exc: DueDiligenceError) -> int:
    """The HTTP status of a domain error."""
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, InputError):
        return 400
    return 500


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(
    engine: Engine,
    *,
    reports_dir: Path,
    keys_dir: Path | None = None,
    checkpoint_file: Path | None = None,
    secret_key: str | None = None,
    secure_cookies: bool = False,
    login_max_failures: int = 5,
    login_window: float = 300.0,
) -> FastAPI:
    """Build the web app over ``engine``.

    ``secret_key`` signs session cookies (default: ``DD_WEB_SECRET``, else a random key per
    process, so sessions end when the server restarts). ``secure_cookies`` adds the Secure flag
    (set it when the app is served over HTTPS, e.g. behind a TLS proxy). ``keys_dir`` holds
    the signing key for report downloads and audit checkpoints, ``checkpoint_file`` receives
    the checkpoint signed after every decision (defaults: ``DD_KEYS_DIR``,
    ``DD_CHECKPOINT_FILE``).
    """
    from duediligence.web import api, pages

    key = secret_key or os.environ.get(SECRET_ENV)
    if not key:
        key = secrets.token_urlsafe(48)
        log.info("no %s set: sessions are signed with a per-process key", SECRET_ENV)
    if len(key) < 32:
        raise ValueError(f"{SECRET_ENV} must be at least 32 characters")
    app = FastAPI(
        title="duediligence API",
        version=__version__,
        description=(
            "Screen names against the active watch lists (request and response shaped like the "
            "OpenSanctions yente `/match` endpoint), read a client's latest risk assessment, and "
            "list open alerts. Authenticate with `Authorization: Bearer <token>`; an admin issues "
            "a token with `duediligence users token USERNAME --as ADMIN`."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.engine = engine
    app.state.reports_dir = reports_dir
    app.state.keys_dir = keys_dir or get_settings().keys_dir
    app.state.checkpoint_file = checkpoint_file or get_settings().checkpoint_file
    app.state.sessions = SessionRegistry()
    app.state.session_max_age = SESSION_MAX_AGE
    app.state.login_limiter = LoginRateLimiter(login_max_failures, login_window)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.add_middleware(
        SessionMiddleware,
        secret_key=key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=secure_cookies,
    )

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        return pages.error_page(request, 401, "Your session has ended. Log in again.")

    @app.exception_handler(DueDiligenceError)
    async def domain_error(request: Request, exc: DueDiligenceError) -> Response:
        status = status_for(exc)
        if status == 500:
            log.exception("domain error", exc_info=exc)
        message = str(exc) if status != 500 else "internal error"
        if _is_api(request):
            return JSONResponse({"detail": message}, status_code=status)
        return pages.error_page(request, status, message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _is_api(request) or request.url.path.startswith("/static/"):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return pages.error_page(
            request, exc.status_code, str(exc.detail), headers=dict(exc.headers or {})
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        detail = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        if _is_api(request):
            return JSONResponse({"detail": detail}, status_code=422)
        text = "; ".join(f"{'.'.join(map(str, d['loc'][1:]))}: {d['msg']}" for d in detail)
        return pages.error_page(request, 422, f"invalid input: {text}")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Routes are added one by one (not with include_router), so ``app.routes`` is a flat list
    # that tests can walk to check every route's guard.
    for router in (pages.router, api.router):
        app.router.routes.extend(router.routes)
    return app
