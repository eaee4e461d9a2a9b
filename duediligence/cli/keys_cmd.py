"""``duediligence keys ...``: the installation's Ed25519 key that signs reports and checkpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from duediligence.cli.common import acting_user, db_session, out, with_credentials
from duediligence.db.enums import Role

if TYPE_CHECKING:
    from duediligence import keys as lib

keys_app = typer.Typer(
    help=(
        "The installation's signing key (Ed25519), kept outside the database in DD_KEYS_DIR: it "
        "signs every rendered report and every audit checkpoint.\n\n"
        "Example:\n\n    duediligence keys show --pem > signing-key.pub.pem"
    ),
    no_args_is_help=True,
)
AS_OPT = typer.Option(None, "--as", help="Acting admin (default: DD_USER).")


def _print(info: lib.KeyInfo, pem: bool) -> None:
    if pem:
        out.print(info.public_pem, end="", highlight=False, markup=False)
        return
    out.print(f"signer:      {info.name}", highlight=False, markup=False)
    out.print(f"fingerprint: {info.fingerprint}", highlight=False, markup=False)
    out.print(f"created:     {info.created_at}", highlight=False, markup=False)
    out.print(f"private key: {info.path} (mode 0600)", highlight=False, markup=False)
    out.print(info.public_pem, end="", highlight=False, markup=False)


def _audit(action: str, after: dict[str, str], as_user: str | None) -> None:
    """Record a key change in the audit trail (admins only once users exist)."""
    from duediligence.accounts.users import check_actor
    from duediligence.audit.trail import record_event

    with db_session() as session:
        actor = check_actor(session=session, username=_name(as_user), roles=(Role.ADMIN,))
        record_event(
            session=session, actor=actor, action=action, object_type="signing_key", after=after
        )


def _name(as_user: str | None) -> str | None:
    name = acting_user(as_user, check=False)
    return None if name == "system" else name


def _check_admin(as_user: str | None) -> None:
    from duediligence.accounts.users import check_actor

    with db_session() as session:
        check_actor(session=session, username=_name(as_user), roles=(Role.ADMIN,))


@keys_app.command("init")
@with_credentials()
def init(
    name: str | None = typer.Option(
        None, "--name", help="Who signs, as printed by verify (default: duediligence@HOST)."
    ),
    as_user: str | None = AS_OPT,
) -> None:
    """Create the signing key (private key mode 0600 in DD_KEYS_DIR) and print its public key.

    Example:

        duediligence keys init --name "Acme Corp compliance"
    """
    from duediligence import keys as lib
    from duediligence.config import get_settings

    _check_admin(as_user)
    info = lib.init_key(get_settings().keys_dir, name=name)
    _audit("key.created", {"fingerprint": info.fingerprint, "name": info.name}, as_user)
    _print(info, pem=False)


@keys_app.command("show")
def show(
    pem: bool = typer.Option(False, "--pem", help="Print only the public key PEM (to export)."),
) -> None:
    """Print the signer name, the fingerprint and the public key (PEM) of the current key.

    Example:

        duediligence keys show --pem > signing-key.pub.pem
    """
    from duediligence import keys as lib
    from duediligence.config import get_settings

    _print(lib.key_info(get_settings().keys_dir), pem)


@keys_app.command("rotate")
@with_credentials()
def rotate(
    name: str | None = typer.Option(None, "--name", help="A new signer name (default: kept)."),
    as_user: str | None = AS_OPT,
) -> None:
    """Replace the signing key: the old private key is deleted, its public key kept in
    DD_KEYS_DIR/public so what it signed still verifies (give auditors the old PEM too).

    Example:

        duediligence keys rotate --as admin
    """
    from duediligence import keys as lib
    from duediligence.config import get_settings

    _check_admin(as_user)
    old, new = lib.rotate_key(get_settings().keys_dir, name=name)
    _audit(
        "key.rotated",
        {"old_fingerprint": old.fingerprint, "fingerprint": new.fingerprint, "name": new.name},
        as_user,
    )
    out.print(f"retired key {old.fingerprint}", highlight=False, markup=False)
    _print(new, pem=False)


def register(app: typer.Typer) -> None:
    """Attach the ``keys`` group."""
    app.add_typer(keys_app, name="keys")
