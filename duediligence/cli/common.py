"""Helpers every command module shares: consoles, sessions, the acting user, JSON output.

Start-up time: every command module imports this one, and ``duediligence --help`` imports every
command module, so the database, cryptography and JSON libraries are imported inside the helpers
that use them (``benchmarks/cli_start.py``; ``tests/test_cli_start.py`` keeps it so).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

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


def acting_user(as_user: str | None, *, check: bool = True) -> str:
    """The user a state change is recorded under: ``--as``, else ``DD_USER``, else ``system``.

    With ``check`` (the default), once users exist the name must be an active analyst,
    reviewer or admin (an auditor changes nothing); see ``review.users.check_actor``.
    """
    from duediligence.config import get_settings

    name = as_user or get_settings().user or "system"
    if not check:
        return name
    from duediligence.review.users import check_actor

    with db_session() as session:
        return check_actor(session, None if name == "system" else name)


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
            session, signer=signer, path=get_settings().checkpoint_file, actor=actor
        )
