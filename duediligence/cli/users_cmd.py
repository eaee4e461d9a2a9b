"""``duediligence users ...``: users, roles, passwords and API tokens (admins manage them)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from duediligence.cli.common import acting_user, db_session, out, print_json, with_credentials
from duediligence.db.enums import Role
from duediligence.errors import InputError

if TYPE_CHECKING:
    from duediligence.db.models import User

users_app = typer.Typer(
    help=(
        "Users and roles: analyst, reviewer, auditor, admin, senior (signs off PEP "
        "decisions). The first user must be an admin and needs no acting user; after that "
        "only an authenticated admin (--as or DD_USER, with DD_TOKEN, --token-file or "
        "--password-stdin) manages users."
        "\n\nExample:\n\n    duediligence users add alice --role admin"
    ),
    no_args_is_help=True,
)

AS_OPT = typer.Option(None, "--as", help="Acting user (default: DD_USER).")


def _row(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "active": user.active,
        "has_password": user.password_hash is not None,
        "has_api_token": user.api_token_hash is not None,
        "created_at": user.created_at,
    }


def _read_password() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise InputError("--password-stdin: no password on standard input")
    return password


@users_app.command("add")
@with_credentials(password_stdin=False)
def add(
    username: str = typer.Argument(..., help="Login name (lower-case letters, digits, . _ -)."),
    role: Role = typer.Option(
        ..., "--role", help="analyst, reviewer, auditor, admin or senior (signs off PEP decisions)."
    ),
    display_name: str | None = typer.Option(None, "--name", help="Full name to display."),
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Read the new user's password (web login, CLI authentication) from standard input.",
    ),
    as_user: str | None = AS_OPT,
) -> None:
    """Add a user with one role (admin only; the very first user must be an admin).

    The first admin added without --password-stdin gets an API token, printed once: once a
    user exists every command must authenticate its acting user, and without a password or a
    token nobody could.

    Example:

        duediligence users add alice --role admin
        echo 's3cret-pass' | duediligence users add bob --role reviewer --password-stdin --as alice
    """
    from duediligence.accounts import users as lib

    password = _read_password() if password_stdin else None
    token = None
    with db_session() as session:
        first = lib.count_users(session=session) == 0
        user = lib.add_user(
            session=session,
            username=username,
            role=role,
            password=password,
            display_name=display_name,
            actor=acting_user(as_user, check=False),
        )
        name, role_name = user.username, user.role.value
        if first and password is None:
            from duediligence.accounts.tokens import issue_api_token

            token = issue_api_token(session=session, username=name, actor=name)
    out.print(f"added {name} ({role_name})")
    if token is not None:
        out.print(
            f"API token of {name}, shown once (use it as DD_TOKEN or in a --token-file): {token}",
            markup=False,
            highlight=False,
        )


@users_app.command("list")
def list_(
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
    active_only: bool = typer.Option(False, "--active", help="Only active users."),
) -> None:
    """List users with their role and whether they are active.

    Example:

        duediligence users list --json
    """
    from duediligence.accounts import users as lib

    with db_session() as session:
        rows = [_row(u) for u in lib.list_users(session=session, include_disabled=not active_only)]
    if as_json:
        print_json(rows)
        return
    table = Table("username", "role", "active", "password", "api token", "name")
    for r in rows:
        table.add_row(
            r["username"],
            r["role"],
            "yes" if r["active"] else "no",
            "set" if r["has_password"] else "-",
            "set" if r["has_api_token"] else "-",
            r["display_name"] or "",
        )
    out.print(table)
    out.print(f"{len(rows)} users")


@users_app.command("disable")
@with_credentials()
def disable(
    username: str = typer.Argument(..., help="The user to disable."), as_user: str | None = AS_OPT
) -> None:
    """Disable a user (admin only): no more logins, actions or decisions; its token is revoked.

    Example:

        duediligence users disable bob --as alice
    """
    from duediligence.accounts import users as lib

    with db_session() as session:
        lib.disable_user(
            session=session, username=username, actor=acting_user(as_user, check=False)
        )
    out.print(f"disabled {username}")


@users_app.command("enable")
@with_credentials()
def enable(
    username: str = typer.Argument(..., help="The user to re-enable."), as_user: str | None = AS_OPT
) -> None:
    """Re-enable a disabled user (admin only).

    Example:

        duediligence users enable bob --as alice
    """
    from duediligence.accounts import users as lib

    with db_session() as session:
        lib.enable_user(session=session, username=username, actor=acting_user(as_user, check=False))
    out.print(f"enabled {username}")


@users_app.command("set-role")
@with_credentials()
def set_role(
    username: str = typer.Argument(..., help="The user whose role changes."),
    role: Role = typer.Option(
        ..., "--role", help="analyst, reviewer, auditor, admin or senior (signs off PEP decisions)."
    ),
    as_user: str | None = AS_OPT,
) -> None:
    """Change a user's role (admin only).

    Example:

        duediligence users set-role bob --role auditor --as alice
    """
    from duediligence.accounts import users as lib

    with db_session() as session:
        lib.set_role(
            session=session, username=username, role=role, actor=acting_user(as_user, check=False)
        )
    out.print(f"{username} is now {role.value}")


@users_app.command("set-password")
@with_credentials(password_stdin=False)
def set_password(
    username: str = typer.Argument(..., help="The user whose password is set."),
    as_user: str | None = AS_OPT,
) -> None:
    """Set a web-app password, read from standard input (the user themselves, or an admin).

    Example:

        echo 'n3w-passw0rd' | duediligence users set-password bob --as bob
    """
    from duediligence.accounts import users as lib

    password = _read_password()
    with db_session() as session:
        lib.set_password(
            session=session,
            username=username,
            password=password,
            actor=acting_user(as_user, check=False),
        )
    out.print(f"password set for {username}")


@users_app.command("token")
@with_credentials()
def token(
    username: str = typer.Argument(..., help="The user the API token is for."),
    revoke: bool = typer.Option(False, "--revoke", help="Revoke the token instead."),
    as_user: str | None = AS_OPT,
) -> None:
    """Issue (or revoke) an API token for the web API; it is printed once and stored hashed.

    Example:

        duediligence users token bob --as alice
    """
    from duediligence.accounts import tokens as lib

    with db_session() as session:
        if revoke:
            lib.revoke_api_token(
                session=session, username=username, actor=acting_user(as_user, check=False)
            )
            value = None
        else:
            value = lib.issue_api_token(
                session=session, username=username, actor=acting_user(as_user, check=False)
            )
    if value is None:
        out.print(f"token of {username} revoked")
    else:
        sys.stdout.write(value + "\n")


def register(app: typer.Typer) -> None:
    """Attach the ``users`` group."""
    app.add_typer(users_app, name="users")
