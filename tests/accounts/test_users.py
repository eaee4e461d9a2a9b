"""Users: bootstrap, roles, Argon2 passwords, hashed API tokens, one audit event per change."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from duediligence.accounts.acting import authenticate
from duediligence.accounts.roles import require_role
from duediligence.accounts.tokens import issue_api_token, revoke_api_token, user_for_token
from duediligence.accounts.users import (
    add_user,
    disable_user,
    enable_user,
    get_active_user,
    get_user,
    list_users,
    require_acting,
    set_password,
    set_role,
)
from duediligence.audit.trail import verify_chain
from duediligence.db.enums import Role
from duediligence.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from duediligence.jsonutil import canonical_json
from tests.review.conftest import PASSWORD, event_count, last_events


def test_first_user_must_be_an_admin(session: Session) -> None:
    with pytest.raises(PermissionDenied):
        add_user(session=session, username="rita", role=Role.REVIEWER, actor=None)
    user = add_user(session=session, username="Alice", role=Role.ADMIN, actor=None)
    assert user.username == "alice"
    (event,) = last_events(session, 1)
    assert event.action == "user.created" and event.actor == "alice"
    assert event.after is not None and event.after["bootstrap"] is True


def test_after_bootstrap_only_an_admin_adds_users(session: Session, people: dict) -> None:
    for actor in (None, "system", people["r1"], people["auditor"], "nobody"):
        with pytest.raises(PermissionDenied):
            add_user(session=session, username="eve", role=Role.ADMIN, actor=actor)
    disable_user(session=session, username=people["auditor"], actor=people["admin"])
    add_user(session=session, username="admin2", role=Role.ADMIN, actor=people["admin"])
    disable_user(session=session, username=people["admin"], actor="admin2")
    with pytest.raises(PermissionDenied, match="disabled"):
        add_user(session=session, username="eve", role=Role.ANALYST, actor=people["admin"])


def test_bad_usernames_and_duplicates(session: Session, people: dict) -> None:
    for name in ("system", "demo", "has space", "", "-x"):
        with pytest.raises(InputError):
            add_user(session=session, username=name, role=Role.ANALYST, actor=people["admin"])
    with pytest.raises(ConflictError):
        add_user(session=session, username="RITA", role=Role.ANALYST, actor=people["admin"])
    with pytest.raises(InputError):
        add_user(session=session, username="zed", role="superuser", actor=people["admin"])
    with pytest.raises(InputError, match="at least"):
        add_user(
            session=session,
            username="zed",
            role=Role.ANALYST,
            password="short",
            actor=people["admin"],
        )


def test_passwords_are_argon2_and_authenticate(session: Session, people: dict) -> None:
    rita = get_user(session=session, username=people["r1"])
    assert rita.password_hash is not None and rita.password_hash.startswith("$argon2id$")
    assert PASSWORD not in rita.password_hash
    assert authenticate(session=session, username="rita", password=PASSWORD) is rita
    assert authenticate(session=session, username=" RITA ", password=PASSWORD) is rita
    assert authenticate(session=session, username="rita", password=PASSWORD + "x") is None
    assert authenticate(session=session, username="nobody", password=PASSWORD) is None
    add_user(session=session, username="nopass", role=Role.ANALYST, actor=people["admin"])
    assert authenticate(session=session, username="nopass", password="") is None
    disable_user(session=session, username="rita", actor=people["admin"])
    assert authenticate(session=session, username="rita", password=PASSWORD) is None


def test_set_password_self_or_admin(session: Session, people: dict) -> None:
    set_password(session=session, username="rita", password="new password 1", actor="rita")
    assert authenticate(session=session, username="rita", password="new password 1") is not None
    assert authenticate(session=session, username="rita", password=PASSWORD) is None
    set_password(session=session, username="rita", password="new password 2", actor="admin")
    with pytest.raises(PermissionDenied):
        set_password(session=session, username="rita", password="new password 3", actor="sam")
    with pytest.raises(NotFoundError):
        set_password(session=session, username="ghost", password="new password 3", actor="admin")


def test_api_tokens_are_hashed_and_revocable(session: Session, people: dict) -> None:
    token = issue_api_token(session=session, username="sam", actor="sam")
    sam = get_user(session=session, username="sam")
    assert token.startswith("dd_") and len(token) > 40
    assert sam.api_token_hash is not None and token not in sam.api_token_hash
    assert user_for_token(session=session, token=token) is sam
    assert user_for_token(session=session, token=token + "x") is None
    assert user_for_token(session=session, token="") is None
    newer = issue_api_token(session=session, username="sam", actor="admin")
    assert user_for_token(session=session, token=token) is None
    assert user_for_token(session=session, token=newer) is sam
    with pytest.raises(PermissionDenied):
        issue_api_token(session=session, username="sam", actor="rita")
    revoke_api_token(session=session, username="sam", actor="sam")
    assert user_for_token(session=session, token=newer) is None
    with pytest.raises(ConflictError):
        revoke_api_token(session=session, username="sam", actor="sam")
    third = issue_api_token(session=session, username="sam", actor="sam")
    disable_user(session=session, username="sam", actor="admin")
    assert user_for_token(session=session, token=third) is None
    enable_user(session=session, username="sam", actor="admin")
    assert user_for_token(session=session, token=third) is None  # disabling revoked it for good


def test_disable_enable_and_roles(session: Session, people: dict) -> None:
    with pytest.raises(ConflictError):
        disable_user(session=session, username="admin", actor="admin")
    disable_user(session=session, username="rita", actor="admin")
    with pytest.raises(ConflictError):
        disable_user(session=session, username="rita", actor="admin")
    with pytest.raises(PermissionDenied, match="disabled"):
        get_active_user(session=session, username="rita")
    assert [u.username for u in list_users(session=session, include_disabled=False)] == [
        "admin",
        "ana",
        "audrey",
        "sam",
    ]
    enable_user(session=session, username="rita", actor="admin")
    assert get_active_user(session=session, username="rita").username == "rita"
    set_role(session=session, username="rita", role=Role.AUDITOR, actor="admin")
    with pytest.raises(PermissionDenied, match="auditor"):
        require_acting(Role.REVIEWER, session=session, username="rita")
    with pytest.raises(PermissionDenied):
        set_role(session=session, username="sam", role=Role.ADMIN, actor="sam")
    with pytest.raises(PermissionDenied):
        get_active_user(session=session, username=None)
    with pytest.raises(PermissionDenied):
        get_active_user(session=session, username="system")
    assert (
        require_role(get_user(session=session, username="sam"), Role.REVIEWER, Role.ADMIN).username
        == "sam"
    )


def test_every_user_change_is_exactly_one_event_without_secrets(
    session: Session, people: dict
) -> None:
    secrets = [PASSWORD, "another password"]
    changes = [
        lambda: add_user(
            session=session, username="zoe", role=Role.ANALYST, password=secrets[1], actor="admin"
        ),
        lambda: set_password(
            session=session, username="zoe", password="third password", actor="zoe"
        ),
        lambda: secrets.append(issue_api_token(session=session, username="zoe", actor="zoe")),
        lambda: revoke_api_token(session=session, username="zoe", actor="admin"),
        lambda: set_role(session=session, username="zoe", role=Role.REVIEWER, actor="admin"),
        lambda: disable_user(session=session, username="zoe", actor="admin"),
        lambda: enable_user(session=session, username="zoe", actor="admin"),
    ]
    for change in changes:
        before = event_count(session)
        change()
        assert event_count(session) == before + 1
    # Read-only helpers record nothing.
    before = event_count(session)
    authenticate(session=session, username="zoe", password="third password")
    list_users(session=session)
    assert event_count(session) == before
    session.commit()
    hashes = [get_user(session=session, username=u).password_hash for u in ("zoe", "rita")]
    for event in last_events(session, 100):
        text = canonical_json([event.before, event.after])
        for secret in [*secrets, "third password", *hashes]:
            assert secret is None or secret not in text
    assert verify_chain(session=session).ok
