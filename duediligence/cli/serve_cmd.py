"""``duediligence serve``: run the reviewer web app and JSON API with uvicorn."""

from __future__ import annotations

import typer

from duediligence.cli.common import err
from duediligence.errors import InputError

LOG_LEVELS = ("debug", "info", "warning", "error")
SWITCH_INTERVAL = 0.001  # seconds


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    secure_cookies: bool = typer.Option(
        False,
        "--secure-cookies",
        help="Mark the session cookie Secure (when served over HTTPS, e.g. behind a TLS proxy).",
    ),
    log_level: str = typer.Option(
        "warning",
        "--log-level",
        help="uvicorn log level: debug, info, warning, error.",
    ),
    forwarded_allow_ips: str | None = typer.Option(
        None,
        "--forwarded-allow-ips",
        help="Comma-separated addresses of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto headers are trusted (e.g. 127.0.0.1 behind a local nginx). Without "
        "it no proxy header is trusted: the login rate limit counts the connection's address.",
    ),
) -> None:
    """Serve the reviewer web app (roster, client review, queue, audit log) and the JSON API.

    People log in with the passwords set by `duediligence users`.

    API clients send an Authorization: Bearer header (`duediligence users token`).

    Set DD_WEB_SECRET (32+ characters) so sessions survive a restart.

    Example:

        DD_WEB_SECRET=$(openssl rand -hex 32) duediligence serve --host 127.0.0.1 --port 8000

        duediligence serve --port 8000 --forwarded-allow-ips 127.0.0.1   # behind a local proxy
    """
    import sys

    import uvicorn

    from duediligence.config import get_settings
    from duediligence.db.migrate import require_current
    from duediligence.db.session import get_engine
    from duediligence.modelstore import require_models_dir

    # Matching is CPU-bound Python in worker threads; hand the interpreter lock over every
    # millisecond (default 5 ms) so the event loop and light pages such as /login stay
    # responsive while a large match batch is served (issue 19).
    sys.setswitchinterval(SWITCH_INTERVAL)

    if log_level not in LOG_LEVELS:
        raise InputError(f"--log-level {log_level!r}: use one of {', '.join(LOG_LEVELS)}")

    from duediligence.web import create_app

    settings = get_settings()
    require_models_dir(settings.models_dir)  # the app scores (screen a client, re-assess)
    engine = get_engine()
    require_current(engine)
    app = create_app(engine, reports_dir=settings.reports_dir, secure_cookies=secure_cookies)
    err.print(f"duediligence web app on http://{host}:{port}/  (Ctrl-C stops it)")
    # uvicorn trusts X-Forwarded-For from 127.0.0.1 (or $FORWARDED_ALLOW_IPS) by default, which
    # let anyone on the machine pick the address the login rate limit counts: off unless asked.
    proxies = [ip.strip() for ip in (forwarded_allow_ips or "").split(",") if ip.strip()]
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
    )


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the root app."""
    app.command("serve")(serve)
