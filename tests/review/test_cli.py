"""The users, review, audit and retention commands end to end on a real database."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from duediligence.config import get_settings
from duediligence.db.enums import ClientStatus, Tier
from duediligence.db.models import AuditEvent
from tests.factories import make_assessment, make_client, make_party


def _ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return result


def test_users_review_audit_retention_end_to_end(
    cli: Callable[..., Any],
    session: Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Bootstrap: the first user needs no acting user but must be an admin.
    assert cli("users", "add", "rita", "--role", "reviewer").exit_code == 4
    first = _ok(cli("users", "add", "alice", "--role", "admin")).output
    assert "added alice (admin)" in first and "API token of alice, shown once" in first
    assert cli("users", "add", "bob", "--role", "reviewer").exit_code == 4  # no acting user now
    _ok(
        cli(
            "users",
            "add",
            "rita",
            "--role",
            "reviewer",
            "--password-stdin",
            "--as",
            "alice",
            input="a long password\n",
        )
    )
    _ok(cli("users", "add", "sam", "--role", "reviewer", "--as", "alice"))
    _ok(cli("users", "add", "audrey", "--role", "auditor", "--as", "alice"))
    assert cli("users", "add", "eve", "--role", "admin", "--as", "audrey").exit_code == 4
    users = json.loads(_ok(cli("users", "list", "--json")).stdout)
    assert [(u["username"], u["role"], u["has_password"]) for u in users] == [
        ("alice", "admin", False),
        ("audrey", "auditor", False),
        ("rita", "reviewer", True),
        ("sam", "reviewer", False),
    ]
    assert "password" not in json.dumps(
        [{k: v for k, v in u.items() if k != "has_password"} for u in users]
    )

    client = make_client(session, external_ref="C-1", name="Risky Co")
    make_assessment(session, client, tier=Tier.HIGH)
    session.commit()

    # Four-eyes review needs credentials, even with the single-user escape hatch the cli
    # fixture sets: tokens for audrey and sam (issued by alice), rita's password.
    tokens = {}
    for name in ("audrey", "sam"):
        tokens[name] = _ok(cli("users", "token", name, "--as", "alice")).stdout.strip()
    (tmp_path / "audrey.token").write_text(tokens["audrey"] + "\n")
    unauthenticated = cli(
        "review", "decide", "C-1", "--action", "approve", "--reason", "ok", "--as", "rita"
    )
    assert unauthenticated.exit_code == 4 and "four-eyes" in unauthenticated.output

    # An auditor cannot decide; a reviewer's decision on a high tier waits for a second one.
    denied = cli(
        "review",
        "decide",
        "C-1",
        "--action",
        "approve",
        "--reason",
        "ok",
        "--as",
        "audrey",
        "--token-file",
        str(tmp_path / "audrey.token"),
    )
    assert denied.exit_code == 4 and "auditor" in denied.output
    made = json.loads(
        _ok(
            cli(
                "review",
                "decide",
                "C-1",
                "--action",
                "approve_with_conditions",
                "--reason",
                "monitor monthly",
                "--as",
                "rita",
                "--password-stdin",
                "--json",
                input="a long password\n",
            )
        ).stdout
    )
    assert made["status"] == "awaiting_confirmation"
    queue = json.loads(_ok(cli("review", "queue", "--json")).stdout)
    assert [(q["kind"], q["client_ref"], q["decision_id"]) for q in queue] == [
        ("second_review", "C-1", made["id"])
    ]
    same = cli(
        "review",
        "confirm",
        str(made["id"]),
        "--as",
        "rita",
        "--password-stdin",
        input="a long password\n",
    )
    assert same.exit_code == 4 and "four-eyes" in same.output
    monkeypatch.setenv("DD_TOKEN", tokens["sam"])  # the token alone names its user
    get_settings.cache_clear()
    confirmed = _ok(cli("review", "confirm", str(made["id"])))
    assert "confirmed by sam" in confirmed.output
    monkeypatch.delenv("DD_TOKEN")
    get_settings.cache_clear()
    assert json.loads(_ok(cli("review", "queue", "--json")).stdout) == []
    history = json.loads(_ok(cli("review", "history", "C-1", "--json")).stdout)
    assert [(h["maker"], h["checker"], h["status"]) for h in history] == [
        ("rita", "sam", "effective")
    ]

    # The audit trail: intact, readable per client, exportable and verifiable offline; each
    # decision was followed by a signed checkpoint (in the chain and in the checkpoint file).
    verified = _ok(cli("audit", "verify"))
    assert "all 11 events verified" in verified.output
    assert "2 in the file and 2 in the chain verified" in verified.output
    checkpoints = json.loads(_ok(cli("audit", "log", "--action", "audit.", "--json")).stdout)
    assert [e["actor"] for e in checkpoints] == ["rita", "sam"]
    log = json.loads(_ok(cli("audit", "log", "--client", "C-1", "--json")).stdout)
    # ... each saying how its actor was authenticated (alice acted under the escape hatch).
    assert [(e["action"], e["actor"], e["auth"]) for e in log] == [
        ("decision.made", "rita", "password"),
        ("decision.confirmed", "sam", "token"),
    ]
    issued = json.loads(_ok(cli("audit", "log", "--action", "user.token", "--json")).stdout)
    assert [(e["actor"], e["auth"]) for e in issued] == [
        ("alice", None),  # the first admin's own token, issued before anyone could authenticate
        ("alice", "unauthenticated"),
        ("alice", "unauthenticated"),
    ]
    assert "sam (token)" in _ok(cli("audit", "log", "--action", "decision.")).output
    since = json.loads(_ok(cli("audit", "log", "--since", "2000-01-01", "--json")).stdout)
    assert len(since) == 11
    assert json.loads(_ok(cli("audit", "log", "--since", "2999-01-01", "--json")).stdout) == []
    assert "2 events" in _ok(cli("audit", "log", "--action", "decision.")).output
    export = tmp_path / "audit.jsonl"
    _ok(cli("audit", "export", str(export)))
    assert len(export.read_text().splitlines()) == 11
    assert "all 11 events" in _ok(cli("audit", "verify", "--file", str(export))).output

    # Retention: an old offboarded client's owner is pseudonymised by an admin only.
    old = make_client(
        session,
        external_ref="C-OLD",
        status=ClientStatus.OFFBOARDED,
        offboarded_on=date(2015, 1, 1),
    )
    make_party(session, old, name="Jan Novak")
    session.commit()
    dry = json.loads(
        _ok(cli("retention", "purge", "--before", "2026-01-01", "--dry-run", "--json")).stdout
    )
    assert dry["parties"] == 1 and dry["clients"] == ["C-OLD"]
    assert cli("retention", "purge", "--before", "2026-01-01", "--as", "rita").exit_code == 4
    purged = _ok(cli("retention", "purge", "--before", "2026-01-01", "--as", "alice"))
    assert "pseudonymised 1 person parties" in purged.output
    _ok(cli("users", "disable", "sam", "--as", "alice"))
    assert "all 13 events verified" in _ok(cli("audit", "verify")).output

    # Tampering with any stored event makes verify fail with exit 1 and name the event.
    session.execute(update(AuditEvent).where(AuditEvent.sequence == 5).values(actor="mallory"))
    session.commit()
    broken = cli("audit", "verify")
    assert broken.exit_code == 1
    assert "event 5" in broken.output and "modified" in broken.output
    report = json.loads(cli("audit", "verify", "--json").stdout)
    assert report["ok"] is False and report["problem"]["sequence"] == 5


def test_other_state_changing_commands_check_the_role(
    cli: Callable[..., Any], session: Session, tmp_path: Path
) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_text("external_ref,name,country\nR-1,Role Test Ltd,US\n", encoding="utf-8")
    # No users yet: commands run as given (fresh installs, schedulers without users).
    _ok(cli("import", "clients", str(clients)))
    _ok(cli("users", "add", "alice", "--role", "admin"))
    _ok(cli("users", "add", "audrey", "--role", "auditor", "--as", "alice"))
    _ok(cli("users", "add", "ana", "--role", "analyst", "--as", "alice"))
    # Once users exist: no acting user, an unknown one, or an auditor is refused.
    for extra in ([], ["--as", "ghost"], ["--as", "audrey"]):
        result = cli("import", "clients", str(clients), *extra)
        assert result.exit_code == 4, result.output
    denied = cli("assess", "R-1", "--as", "audrey")
    assert denied.exit_code == 4 and "auditor" in denied.output
    _ok(cli("import", "clients", str(clients), "--as", "ANA"))
    _ok(cli("assess", "R-1", "--as", "ana"))
    log = json.loads(_ok(cli("audit", "log", "--action", "assessment.", "--json")).stdout)
    assert [e["actor"] for e in log] == ["ana"]
