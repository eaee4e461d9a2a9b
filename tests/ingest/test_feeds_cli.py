"""News feeds and the import/clients CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.models import Signal


def test_feed_import_is_idempotent(cli: Any, session: Session, examples: Path) -> None:
    first = cli("import", "feed", str(examples / "feed.xml"), "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["inserted"] == 2
    again = cli("import", "feed", str(examples / "feed.xml"), "--json")
    assert json.loads(again.output)["inserted"] == 0
    session.expire_all()
    rows = session.scalars(select(Signal).order_by(Signal.published_at)).all()
    assert [str(r.published_at) for r in rows] == ["2024-03-05", "2024-04-10"]
    assert rows[0].source == "Example Compliance Wire" and rows[0].client_id is None


def test_not_a_feed(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("this is not a feed")
    result = cli("import", "feed", str(path))
    assert result.exit_code == 2


def test_import_and_list_clients(cli: Any, examples: Path) -> None:
    result = cli("import", "clients", str(examples / "clients.csv"))
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output
    listed = json.loads(cli("clients", "list", "--json").output)
    assert [c["external_ref"] for c in listed] == ["EX-001", "EX-002"]
