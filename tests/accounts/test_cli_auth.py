"""Authenticated CLI actions (issue 19, item 1): once users exist, a command that acts for
someone needs that person's API token or password; the audit trail records how they proved it.

The attack these tests reproduce: one person types ``review decide ... --as rita`` and then
``review confirm N --as sam`` and satisfies four-eyes alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from duediligence.accounts.acting import authenticate_actor
from duediligence.accounts.tokens import issue_api_token, revoke_api_token
from duediligence.accounts.users import add_user, disable_user
from duediligence.audit.authentication import AuthMethod
from duediligence.audit.trail import verify_chain
from duediligence.config import get_settings
from duediligence.db.enums import DecisionStatus, Role, Tier
from duediligence.db.models import AuditEvent, Decision
from duediligence.errors import AuthenticationFailed
from tests.factories import make_assessment, make_client

PASSWORD = "rita's long password"
DECIDE = ("review", "decide", "C-1", "--action", "approve_with_conditions", "--reason", "watch")


@pytest.fixture
def strict(monkeypatch: pytest.MonkeyPatch, cli: Callable[..., Any]) -> Callable[..., Any]:
    """The ``cli`` runner without the escape hatch the shared fixture sets."""
    monkeypatch.delenv("DD_ALLOW_UNAUTHENTICATED_CLI", raising=False)
    get_settings.cache_clear()
    return cli


@pytest.fixture
def office(session: Session, tmp_path: Path) -> dict[str, Path]:
    """admin; reviewers rita (password and token), sam and tom (tokens); analyst ana (token);
    a high-tier client C-1. Returns each token's file."""
    add_user(session=session, username="admin", role=Role.ADMIN, actor=None)
    add_user(session=session, username="rita", role=Role.REVIEWER, password=PASSWORD, actor="admin")
    for name, role in (("sam", Role.REVIEWER), ("tom", Role.REVIEWER), ("ana", Role.ANALYST)):
        add_user(session=session, username=name, role=role, actor="admin")
    files = {}
    for name in ("rita", "sam", "tom", "ana"):
        files[name] = tmp_path / f"{name}.token"
        files[name].write_text(
            issue_api_token(session=session, username=name, actor="admin") + "\n"
        )
        files[name].chmod(0o600)
    make_assessment(session, make_client(session, external_ref="C-1"), tier=Tier.HIGH)
    session.commit()
    return files


def _decisions(session: Session) -> list[Decision]:
    session.expire_all()
    return list(session.scalars(select(Decision).order_by(Decision.id)))


def _events(session: Session, prefix: str) -> list[tuple[str, str | None]]:
    """(actor, auth) of the events whose action starts with ``prefix``, oldest first."""
    session.expire_all()
    rows = session.execute(
        select(AuditEvent.actor, AuditEvent.auth)
        .where(AuditEvent.action.startswith(prefix))
        .order_by(AuditEvent.sequence)
    )
    return [(r.actor, r.auth) for r in rows]


def _use_env(monkeypatch: pytest.MonkeyPatch, **values: str | None) -> None:
    for key, value in values.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    get_settings.cache_clear()


def test_the_attack_one_person_as_two_reviewers_is_refused(
    strict: Callable[..., Any],
    session: Session,
    office: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = strict(*DECIDE, "--as", "rita")
    assert made.exit_code == 4, made.output
    assert "must authenticate" in made.output and "DD_TOKEN" in made.output
    assert "Traceback" not in made.output and len(made.output.strip().splitlines()) == 1
    assert _decisions(session) == []
    # Even with a decision in place (made properly), naming the second reviewer is not enough.
    assert strict(*DECIDE, "--token-file", str(office["rita"])).exit_code == 0
    confirmed = strict("review", "confirm", "1", "--as", "sam")
    assert confirmed.exit_code == 4 and "must authenticate" in confirmed.output
    assert [d.status for d in _decisions(session)] == [DecisionStatus.AWAITING_CONFIRMATION]
    # DD_USER is a name too, not a credential.
    _use_env(monkeypatch, DD_USER="sam")
    assert strict("review", "confirm", "1").exit_code == 4
    assert [d.checker for d in _decisions(session)] == [None]


def test_four_eyes_with_two_authenticated_reviewers(
    strict: Callable[..., Any],
    session: Session,
    office: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = strict(*DECIDE, "--as", "RITA", "--password-stdin", "--json", input=PASSWORD + "\n")
    assert made.exit_code == 0, made.output
    decision_id = json.loads(made.stdout)["id"]
    _use_env(monkeypatch, DD_TOKEN=office["sam"].read_text().strip())
    confirmed = strict("review", "confirm", str(decision_id))  # the token names sam
    assert confirmed.exit_code == 0, confirmed.output
    assert "confirmed by sam, made by rita" in confirmed.output
    assert [d.status for d in _decisions(session)] == [DecisionStatus.EFFECTIVE]
    # The trail says how each was authenticated, and the chain (which hashes that) verifies.
    assert _events(session, "decision.") == [("rita", "password"), ("sam", "token")]
    assert _events(session, "audit.checkpoint") == [("rita", "password"), ("sam", "token")]
    assert verify_chain(session=session).ok
    assert "all " in strict("audit", "verify").output


def test_the_same_person_twice_is_refused_however_authenticated(
    strict: Callable[..., Any], session: Session, office: dict[str, Path]
) -> None:
    assert strict(*DECIDE, "--token-file", str(office["rita"])).exit_code == 0
    again = strict(
        "review", "confirm", "1", "--as", "rita", "--password-stdin", input=PASSWORD + "\n"
    )
    assert again.exit_code == 4 and "four-eyes" in again.output
    assert [d.checker for d in _decisions(session)] == [None]


def test_wrong_credentials_are_refused(
    strict: Callable[..., Any],
    session: Session,
    office: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forged = tmp_path / "forged.token"
    forged.write_text("dd_" + "A" * 43)
    for args, needle in [
        (("--token-file", str(forged)), "not valid"),
        (("--as", "rita", "--token-file", str(office["sam"])), "does not belong to 'rita'"),
        (("--as", "rita", "--password-stdin"), "authentication failed for 'rita'"),
        (("--as", "ghost", "--password-stdin"), "authentication failed for 'ghost'"),
        (("--password-stdin",), "pass --as USER"),
    ]:
        result = strict(*DECIDE, *args, input="not her password\n")
        assert result.exit_code == 4, (args, result.output)
        assert needle in result.output, (args, result.output)
        assert "sam" not in result.output  # a refusal never names a token's owner
    missing = strict(*DECIDE, "--token-file", str(tmp_path / "nowhere.token"))
    assert missing.exit_code == 2 and "--token-file" in missing.output
    _use_env(monkeypatch, DD_TOKEN="dd_not-a-token", DD_USER="rita")
    assert "not valid" in strict(*DECIDE).output
    _use_env(monkeypatch, DD_TOKEN=None, DD_USER=None)
    assert _decisions(session) == []
    # A revoked token, or one of a disabled user, no longer authenticates.
    revoke_api_token(session=session, username="tom", actor="admin")
    disable_user(session=session, username="sam", actor="admin")
    session.commit()
    for name in ("tom", "sam"):
        result = strict("assess", "C-1", "--token-file", str(office[name]))
        assert result.exit_code == 4 and "not valid" in result.output, result.output


def test_data_commands_authenticate_too_and_record_how(
    strict: Callable[..., Any], session: Session, office: dict[str, Path], tmp_path: Path
) -> None:
    roster = tmp_path / "clients.csv"
    roster.write_text("external_ref,name,country\nR-1,Role Test Ltd,US\n", encoding="utf-8")
    refused = strict("import", "clients", str(roster), "--as", "ana")
    assert refused.exit_code == 4 and "must authenticate" in refused.output
    office["ana"].chmod(0o644)
    done = strict("import", "clients", str(roster), "--token-file", str(office["ana"]))
    assert done.exit_code == 0, done.output
    assert "readable by others" in done.stderr  # like ssh, a shared secret should be 0600
    office["ana"].chmod(0o600)
    assert set(_events(session, "client.")) == {("ana", "token")}
    # The token authenticates; the role still decides what its owner may do.
    assessed = strict("assess", "R-1", "--token-file", str(office["ana"]))
    assert assessed.exit_code == 0, assessed.output
    assert "readable by others" not in assessed.stderr
    denied = strict(*DECIDE, "--token-file", str(office["ana"]))
    assert denied.exit_code == 4 and "analyst" in denied.output


def test_the_escape_hatch_works_is_audited_and_never_covers_four_eyes(
    strict: Callable[..., Any],
    session: Session,
    office: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _use_env(monkeypatch, DD_ALLOW_UNAUTHENTICATED_CLI="1")
    roster = tmp_path / "clients.csv"
    roster.write_text("external_ref,name,country\nR-1,Hatch Ltd,US\n", encoding="utf-8")
    done = strict("import", "clients", str(roster), "--as", "ana")
    assert done.exit_code == 0, done.output
    assert "without a credential" in done.stderr
    assert set(_events(session, "client.")) == {("ana", "unauthenticated")}
    assert verify_chain(session=session).ok
    # Four-eyes review is not covered: deciding and confirming still need credentials ...
    for args in ((*DECIDE, "--as", "rita"), ("review", "confirm", "1", "--as", "sam")):
        result = strict(*args)
        assert result.exit_code == 4 and "four-eyes" in result.output, result.output
    # ... and work with them, under the hatch as without it.
    assert strict(*DECIDE, "--token-file", str(office["rita"])).exit_code == 0
    confirmed = strict("review", "confirm", "1", "--token-file", str(office["sam"]))
    assert confirmed.exit_code == 0, confirmed.output
    assert _events(session, "decision.") == [("rita", "token"), ("sam", "token")]
    # A credential given under the hatch is still checked.
    wrong = strict(
        "import", "clients", str(roster), "--as", "rita", "--token-file", str(office["sam"])
    )
    assert wrong.exit_code == 4
    # Off by default, and only "1"/"true"-like values turn it on.
    _use_env(monkeypatch, DD_ALLOW_UNAUTHENTICATED_CLI="0")
    assert strict("import", "clients", str(roster), "--as", "ana").exit_code == 4


def test_before_any_user_exists_commands_work_as_before(
    strict: Callable[..., Any], session: Session, tmp_path: Path
) -> None:
    roster = tmp_path / "clients.csv"
    roster.write_text("external_ref,name,country\nR-1,Fresh Ltd,US\n", encoding="utf-8")
    assert strict("import", "clients", str(roster)).exit_code == 0
    assert set(_events(session, "client.")) == {("system", None)}
    first = strict("users", "add", "alice", "--role", "admin")
    assert first.exit_code == 0, first.output
    # ... and from then on, the admin authenticates too: with the token printed for her, as
    # she was added without a password.
    second = strict("users", "add", "bob", "--role", "reviewer", "--as", "alice")
    assert second.exit_code == 4 and "must authenticate" in second.output
    token = first.stdout.strip().splitlines()[-1].rsplit(" ", 1)[-1]
    assert token.startswith("dd_")
    (tmp_path / "alice.token").write_text(token)
    added = strict(
        "users", "add", "bob", "--role", "reviewer", "--token-file", str(tmp_path / "alice.token")
    )
    assert added.exit_code == 0, added.output
    assert _events(session, "user.created") == [("alice", None), ("alice", "token")]


def test_a_first_admin_with_a_password_authenticates_with_it(
    strict: Callable[..., Any], session: Session
) -> None:
    first = strict("users", "add", "alice", "--role", "admin", "--password-stdin", input=PASSWORD)
    assert first.exit_code == 0 and "API token" not in first.output, first.output
    token = strict("users", "token", "alice", "--as", "alice", "--password-stdin", input=PASSWORD)
    assert token.exit_code == 0 and token.stdout.startswith("dd_"), token.output
    assert _events(session, "user.token_issued") == [("alice", "password")]


def test_the_auth_method_is_part_of_the_hash(
    strict: Callable[..., Any], session: Session, office: dict[str, Path]
) -> None:
    assert strict(*DECIDE, "--token-file", str(office["rita"])).exit_code == 0
    assert verify_chain(session=session).ok
    # Claiming afterwards that an action was authenticated differently breaks the chain.
    session.execute(
        update(AuditEvent).where(AuditEvent.action == "decision.made").values(auth="password")
    )
    session.commit()
    report = verify_chain(session=session)
    assert not report.ok and report.problem is not None
    assert report.problem.kind == "modified"


def test_authenticate_actor_rules(session: Session, office: dict[str, Path]) -> None:
    token = office["sam"].read_text().strip()
    acting = authenticate_actor(session=session, username=None, token=token)
    assert (acting.username, acting.method) == ("sam", AuthMethod.TOKEN)
    assert authenticate_actor(session=session, username=" SAM ", token=token).username == "sam"
    with pytest.raises(AuthenticationFailed):
        authenticate_actor(session=session, username="rita", token=token)
    acting = authenticate_actor(session=session, username="rita", password=PASSWORD)
    assert acting.method == AuthMethod.PASSWORD
    with pytest.raises(AuthenticationFailed):
        authenticate_actor(session=session, username="rita")
    hatch = authenticate_actor(session=session, username="rita", allow_unauthenticated=True)
    assert hatch.method == AuthMethod.UNAUTHENTICATED
    with pytest.raises(AuthenticationFailed, match="four-eyes"):
        authenticate_actor(
            session=session, username="rita", allow_unauthenticated=True, four_eyes=True
        )
    assert int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0) > 0


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    found = []
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            found += _commands(cmd, (*path, name))
        else:
            found.append((" ".join((*path, name)), cmd))
    return found


def test_every_command_that_acts_for_someone_takes_credentials() -> None:
    from duediligence.cli.app import app

    root = typer.main.get_command(app)
    acting = {
        path: {opt for p in cmd.params for opt in p.opts}
        for path, cmd in _commands(root)
        if any("--as" in p.opts for p in cmd.params)
    }
    assert {"review decide", "review confirm", "import clients", "users add"} <= set(acting)
    lacking = sorted(path for path, opts in acting.items() if "--token-file" not in opts)
    assert not lacking, lacking
    # --password-stdin authenticates everywhere but where standard input carries a new password.
    without = sorted(path for path, opts in acting.items() if "--password-stdin" not in opts)
    assert without == ["users set-password"], without
