"""Helpers every command module shares: consoles, sessions, the acting user, JSON output.

Start-up time: every command module imports this one, and ``duediligence --help`` imports every
command module, so the database, cryptography and JSON libraries are imported inside the helpers
that use them (``benchmarks/cli_start.py``; ``tests/test_cli_start.py`` keeps it so).
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import typer
from rich.console import Console

from duediligence.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from duediligence.audit.checkpoints import Checkpoint
    from duediligence.keys import Signer

# Results go to stdout; progress, warnings and errors to stderr.
out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)


@contextmanager
def db_session() -> Iterator[Session]:
    """A committed-or-rolled-back session on the configured database, checked to be at head."""
    from duediligence.db.migrate import require_current
    from duediligence.db.session import get_engine, session_scope

    engine = get_engine()
    require_current(engine)
    with session_scope(engine) as session:
        yield session


# --------------------------------------------------------------------------- the acting user

TOKEN_FILE_OPT = typer.Option(
    None,
    "--token-file",
    help="Authenticate the acting user with the API token in this file (instead of DD_TOKEN).",
    dir_okay=False,
)
PASSWORD_STDIN_OPT = typer.Option(
    False,
    "--password-stdin",
    help="Authenticate the acting user (--as / DD_USER) with a password read from standard input.",
)


@dataclass
class _Invocation:
    """What one CLI invocation knows about its acting user: the credential options given, the
    password once read, and the users already authenticated (so a command that asks twice
    prompts, or reads standard input, once)."""

    token_file: Path | None = None
    password_stdin: bool = False
    password: str | None = None
    authenticated: dict[tuple[str, bool], str] = field(default_factory=dict)


_INVOCATION: ContextVar[_Invocation | None] = ContextVar(
    "duediligence_cli_invocation", default=None
)


def _invocation() -> _Invocation:
    state = _INVOCATION.get()
    if state is None:
        state = _Invocation()
        _INVOCATION.set(state)
    return state


@contextmanager
def invocation_scope() -> Iterator[None]:
    """One CLI invocation: credentials, authentications and the audit trail's record of how
    the actor authenticated all end with it (``DomainErrorGroup.invoke`` enters it)."""
    from duediligence.audit.authentication import authentication_scope

    token = _INVOCATION.set(_Invocation())
    try:
        with authentication_scope():
            yield
    finally:
        _INVOCATION.reset(token)


F = TypeVar("F", bound=Callable[..., Any])


def with_credentials(*, password_stdin: bool = True) -> Callable[[F], F]:
    """Give a command that acts for someone (``--as``) the credential options, declared here
    once: ``--token-file PATH`` and, unless standard input already carries something else
    (``users add``, ``users set-password``), ``--password-stdin``.

    Use under ``@app.command(...)``; :func:`acting_user` reads what was given.
    """

    def decorate(func: F) -> F:
        signature = inspect.signature(func)
        extra = [
            inspect.Parameter(
                "auth_token_file",
                inspect.Parameter.KEYWORD_ONLY,
                default=TOKEN_FILE_OPT,
                annotation=Path | None,
            )
        ]
        if password_stdin:
            extra.append(
                inspect.Parameter(
                    "auth_password_stdin",
                    inspect.Parameter.KEYWORD_ONLY,
                    default=PASSWORD_STDIN_OPT,
                    annotation=bool,
                )
            )

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            state = _invocation()
            state.token_file = kwargs.pop("auth_token_file", None)
            state.password_stdin = bool(kwargs.pop("auth_password_stdin", False))
            return func(*args, **kwargs)

        wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*signature.parameters.values(), *extra]
        )
        wrapper.__annotations__ = {
            **func.__annotations__,
            **{p.name: p.annotation for p in extra},
        }
        return cast(F, wrapper)

    return decorate


def _read_token(state: _Invocation, env_token: str | None) -> str | None:
    """The API token: ``--token-file`` first, else ``DD_TOKEN``; None when neither is given."""
    if state.token_file is not None:
        try:
            text = state.token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise InputError(f"--token-file {state.token_file}: {reason}") from None
        if not text:
            raise InputError(f"--token-file {state.token_file}: the file is empty")
        if os.name == "posix" and state.token_file.stat().st_mode & 0o077:
            err.print(
                f"warning: --token-file {state.token_file} is readable by others "
                f"(chmod 600 {state.token_file})",
                markup=False,
                highlight=False,
            )
        return text
    return env_token.strip() if env_token and env_token.strip() else None


def _read_password(state: _Invocation, name: str, *, prompt: bool) -> str | None:
    """The password: read once from standard input with ``--password-stdin``, or asked on the
    terminal (``prompt``, only when standard input is one); None otherwise."""
    if state.password is not None:
        return state.password
    if state.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise InputError("--password-stdin: no password on standard input")
        state.password = line
    elif prompt and name and sys.stdin.isatty():
        import getpass

        state.password = getpass.getpass(f"password for {name}: ")
    return state.password


def acting_user(as_user: str | None, *, check: bool = True, four_eyes: bool = False) -> str:
    """The authenticated user a state change is recorded under (``--as``, else ``DD_USER``).

    While no user exists, any name is taken as given (``system`` when none), as before users
    existed. Once users exist, the acting user must authenticate (see
    :func:`duediligence.accounts.acting.authenticate_actor`): an API token (``--token-file``
    or ``DD_TOKEN``; it alone names the user when ``--as`` is omitted), a password
    (``--password-stdin``, or a prompt on a terminal), or — only with
    ``DD_ALLOW_UNAUTHENTICATED_CLI=1`` and never for ``four_eyes`` actions — no credential.
    The method is declared to the audit trail, so every event the command records for this
    user says how they were authenticated.

    With ``check`` (the default) the user must also be an active analyst, reviewer or admin
    (an auditor changes nothing; ``accounts.users.check_actor``); without it, the library
    function called next checks the role it needs. Raises
    :class:`~duediligence.errors.AuthenticationFailed` or ``PermissionDenied`` (exit 4), or
    :class:`InputError` for an unreadable ``--token-file`` (exit 2).
    """
    from duediligence.config import get_settings

    settings = get_settings()
    name = as_user or settings.user or "system"
    state = _invocation()
    known = state.authenticated.get((name, four_eyes))
    if known is None:
        from duediligence.accounts.acting import authenticate_actor
        from duediligence.accounts.users import count_users
        from duediligence.audit.authentication import AuthMethod, declare_authentication

        env_token = settings.token.get_secret_value() if settings.token else None
        token = _read_token(state, env_token)
        with db_session() as session:
            password = None
            if token is None and count_users(session=session) > 0:
                hatch = settings.allow_unauthenticated_cli and not four_eyes
                password = _read_password(state, name if name != "system" else "", prompt=not hatch)
            acting = authenticate_actor(
                session=session,
                username=name,
                token=token,
                password=password,
                allow_unauthenticated=settings.allow_unauthenticated_cli,
                four_eyes=four_eyes,
            )
        if acting.method is not None and acting.username != "system":
            declare_authentication(acting.username, acting.method)
        if acting.method == AuthMethod.UNAUTHENTICATED and acting.username != "system":
            err.print(
                f"warning: acting as {acting.username} without a credential "
                "(DD_ALLOW_UNAUTHENTICATED_CLI); the audit trail records it as unauthenticated",
                markup=False,
                highlight=False,
            )
        known = state.authenticated[(name, four_eyes)] = acting.username
    if not check:
        return known
    from duediligence.accounts.users import check_actor

    with db_session() as session:
        return check_actor(session=session, username=None if known == "system" else known)


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON to stdout (plain, so it can be piped)."""
    from duediligence.jsonutil import to_jsonable

    sys.stdout.write(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def show_progress() -> bool:
    """Progress bars only on an interactive terminal; schedulers get log lines instead."""
    return err.is_terminal


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[Any]:
    """A rich progress bar on a terminal; yields ``update(done)``. Silent elsewhere."""
    if not show_progress():
        yield lambda _done: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if total:
        columns += [BarColumn(), MofNCompleteColumn()]
    else:
        columns += [TextColumn("{task.completed:,} rows")]
    columns.append(TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda done: bar.update(task, completed=done)


def parse_date(value: str | None, option: str) -> date | None:
    """An ISO date from a CLI option, with a clear error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} {value!r}: use an ISO date like 2013-11-01") from None


def installation_signer() -> Signer:
    """The installation's signing key (``DD_KEYS_DIR``), created on first use."""
    from duediligence import keys
    from duediligence.config import get_settings

    return keys.installation_signer(get_settings().keys_dir)


def checkpoint_chain(actor: str | None) -> Checkpoint:
    """Sign the audit chain's head: an ``audit.checkpoint`` event in its own transaction, then,
    once committed, a line in the append-only checkpoint file (``DD_CHECKPOINT_FILE``).

    Commands that change state call this at their end (imports, re-scoring runs, decisions),
    so a cut-off or rewritten chain is caught by ``audit verify`` without a remembered head.
    """
    from duediligence.audit.checkpoints import checkpoint_on_commit
    from duediligence.config import get_settings

    signer = installation_signer()
    with db_session() as session:
        return checkpoint_on_commit(
            session=session, signer=signer, path=get_settings().checkpoint_file, actor=actor
        )
