"""``duediligence rescore`` end to end: summary, alerts files, exit codes, JSON logs."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from duediligence.db.enums import Severity
from tests.factories import make_client, make_party, make_signal


def test_rescore_exit_codes_and_alerts(
    cli: Callable[..., Any], session: Session, tmp_path: Path
) -> None:
    quiet = make_client(session, name="Quiet Ltd")
    risky = make_client(session, name="Risky Ltd", external_ref="R-1")
    for client in (quiet, risky):
        make_party(session, client)
    session.commit()
    alerts = tmp_path / "alerts"

    first = cli("rescore", "--as-of", "2024-01-01", "--alerts-dir", str(alerts))
    assert first.exit_code == 0, first.output
    assert "2 of 2 clients scored" in first.stdout
    assert "0 client(s) whose tier rose" in first.stdout

    nothing = cli("rescore", "--as-of", "2024-01-01", "--json", "--alerts-dir", str(alerts))
    assert nothing.exit_code == 0
    assert json.loads(nothing.stdout)["clients_scored"] == 0

    make_signal(
        session,
        risky,
        title="Risky Ltd convicted of forced labour",
        label="forced_labour",
        severity=Severity.CONVICTION,
        credibility=0.95,
        published_at=date(2023, 3, 1),
    )
    session.commit()
    rose = cli("rescore", "--as-of", "2024-01-01", "--json", "--alerts-dir", str(alerts))
    assert rose.exit_code == 3, rose.output
    summary = json.loads(rose.stdout)
    assert summary["clients_scored"] == 1 and summary["tier_changes"]["up"] == 1
    assert summary["changes"] == {"signals": 1}
    with Path(summary["alerts_csv"]).open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["external_ref"], r["previous_tier"]) for r in rows] == [("R-1", "low")]
    assert rows[0]["changes"] == "signals" and "new rule:" in rows[0]["reason"]
    assert "Convicted or sanctioned" in rows[0]["reason"]
    data = json.loads(Path(summary["alerts_json"]).read_text(encoding="utf-8"))
    assert data["count"] == 1 and data["alerts"][0]["client_id"] == risky.id

    again = cli("rescore", "--resume", "--alerts-dir", str(alerts))
    assert again.exit_code == 2 and "no interrupted or failed rescore run" in again.output


def test_help_documents_exit_codes(cli: Callable[..., Any]) -> None:
    result = cli("rescore", "--help")
    assert result.exit_code == 0
    assert "Exit codes" in result.output and "--join" in result.output
