"""Hardening (issue 19, hole 8), the smaller holes: ``report verify`` names the client of an
unsigned report and refuses a copy renamed as another client's report; rejects reports are
written beside the input, not into the working folder; a directory or FIFO is not called "no
such file"; a lost confirm race exits 2 like the other refusals. (External references and
``javascript:`` websites: ``tests/ingest/test_hostile_files.py``.)"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from duediligence.accounts.tokens import issue_api_token
from duediligence.accounts.users import add_user
from duediligence.db.enums import DecisionAction, ReportFormat, ReportKind, Role, Tier
from duediligence.db.models import RenderedReport
from duediligence.review.decisions import decide
from tests.factories import make_assessment, make_client


def test_verify_of_an_unsigned_report_names_its_client_and_refuses_a_rename(
    cli: Any, session: Session, tmp_path: Path
) -> None:
    owner = make_client(session, external_ref="ACME", name="Acme Trading")
    make_client(session, external_ref="C-0016", name="Other Ltd")
    assessment = make_assessment(session, owner)
    reports = tmp_path / "reports"
    reports.mkdir()
    original = reports / f"ACME-{assessment.id}.html"
    original.write_text("<html><body>an unsigned report of Acme Trading</body></html>")
    session.add(
        RenderedReport(
            kind=ReportKind.CLIENT,
            assessment_id=assessment.id,
            format=ReportFormat.HTML,
            path=str(original),
            sha256=hashlib.sha256(original.read_bytes()).hexdigest(),
            created_by="auditor",
        )
    )
    session.commit()
    ok = cli("report", "verify", str(original))
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output and "of client ACME (Acme Trading)" in ok.output
    renamed = tmp_path / "C-0016-311.html"
    renamed.write_bytes(original.read_bytes())
    result = cli("report", "verify", str(renamed))
    assert result.exit_code == 1, result.output
    assert "CHANGED" in result.output and "named as a report of client C-0016" in result.output
    assert "of client ACME" in result.output
    copy = tmp_path / "archive-copy.html"  # a neutral name: still intact, client named
    copy.write_bytes(original.read_bytes())
    again = cli("report", "verify", str(copy))
    assert again.exit_code == 0 and "of client ACME" in again.output


def test_rejects_report_is_written_beside_the_input(
    cli: Any, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    bad = data / "clients.csv"
    bad.write_text("external_ref,name,country\nC-1,,Narnia\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = cli("import", "clients", str(bad))
    assert result.exit_code == 2
    assert (data / "clients.csv.rejects.csv").is_file()
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_a_directory_or_fifo_is_not_called_missing(
    cli: Any, session: Session, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "clients.csv"
    if kind == "directory":
        path.mkdir()
    else:
        os.mkfifo(path)  # opening it would block: it must be refused before
    for args in (
        ("import", "clients", str(path)),
        ("import", "feed", str(path)),
        ("screen", "batch", str(path), "--output", str(tmp_path / "hits.csv")),
        ("classify", str(path)),
    ):
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "no such file" not in result.output, args
        assert ("is a directory" if kind == "directory" else "named pipe") in result.output


def test_a_lost_confirm_race_exits_2(cli: Any, session: Session, tmp_path: Path) -> None:
    add_user(session=session, username="admin", role=Role.ADMIN, actor=None)
    for name in ("rita", "sam", "tom"):
        add_user(session=session, username=name, role=Role.REVIEWER, actor="admin")
    client = make_client(session, external_ref="C-1")
    make_assessment(session, client, tier=Tier.HIGH)
    decision = decide(
        session=session,
        client_ref="C-1",
        action=DecisionAction.APPROVE_WITH_CONDITIONS,
        reason="watch",
        actor="rita",
    )
    token = {}
    for name in ("sam", "tom"):  # confirming is four-eyes review: it needs a credential
        token[name] = tmp_path / f"{name}.token"
        token[name].write_text(issue_api_token(session=session, username=name, actor="admin"))
    session.commit()
    first = cli("review", "confirm", str(decision.id), "--token-file", str(token["sam"]))
    assert first.exit_code == 0, first.output
    lost = cli("review", "confirm", str(decision.id), "--token-file", str(token["tom"]))
    assert lost.exit_code == 2, lost.output
    assert "confirmed by sam" in lost.output and "Traceback" not in lost.output
