"""Bad input never gives a traceback: exit code 2, a message naming the line, nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence.db.models import AuditEvent, Client

HEADER = "external_ref,name,country\n"

CASES: dict[str, tuple[bytes, str]] = {
    "empty file": (b"", "empty"),
    "header only": (HEADER.encode(), "no data rows"),
    "wrong header": (b"ref,title\nA,B\n", "line 1"),
    "missing required column": (b"external_ref,country\nA,US\n", "line 1"),
    "duplicate column": (b"external_ref,name,name\nA,B,C\n", "line 1"),
    "truncated line": ((HEADER + "A-1,Good,US\nA-2,Trunc\n").encode(), "line 3"),
    "extra field": ((HEADER + "A-1,Good,US,extra\n").encode(), "line 2"),
    "unterminated quote": ((HEADER + 'A-1,"Good,US\n').encode(), "line 2"),
    "latin-1 encoding": ((HEADER + "A-1,Caf\xe9 S.A.,FR\n").encode("latin-1"), "line 2"),
    "utf-16": ((HEADER + "A-1,Good,US\n").encode("utf-16"), "binary"),
    "binary junk": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    "enormous field": ((HEADER + "A-1," + "x" * 1_100_000 + ",US\n").encode(), "line 2"),
    "name too long": ((HEADER + "A-1," + "x" * 301 + ",US\n").encode(), "line 2"),
    "duplicate key in file": ((HEADER + "A-1,One,US\nA-1,Two,US\n").encode(), "line 3"),
    "bad country": ((HEADER + "A-1,One,Narnia\n").encode(), "line 2"),
    "blank name": ((HEADER + "A-1,  ,US\n").encode(), "line 2"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_csv(cli: Any, session: Session, tmp_path: Path, case: str) -> None:
    content, expected = CASES[case]
    path = tmp_path / "clients.csv"
    path.write_bytes(content)
    before = session.scalar(select(func.count()).select_from(AuditEvent))
    result = cli("import", "clients", str(path), "--rejects", str(tmp_path / "rej.csv"))
    output = result.output
    assert result.exit_code == 2, output
    assert "Traceback" not in output
    assert expected.lower() in output.lower(), output
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Client)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before


JSON_CASES: dict[str, tuple[str, str, str]] = {
    "json not an array": ("c.json", '{"external_ref": "A"}', "array"),
    "json invalid": ("c.json", '[{"external_ref": "A",', "invalid json"),
    "json duplicate keys": (
        "c.json",
        '[{"external_ref": "A", "external_ref": "B", "name": "x"}]',
        "duplicate key",
    ),
    "json unknown field": (
        "c.json",
        '[{"external_ref": "A", "name": "x", "colour": "red"}]',
        "index 0",
    ),
    "jsonl bad line": ("c.jsonl", '{"external_ref": "A", "name": "x"}\n{oops}\n', "line 2"),
    "jsonl not object": ("c.jsonl", "[1, 2]\n", "line 1"),
    "unknown extension": ("c.txt", "external_ref,name\nA,B\n", "format"),
}


@pytest.mark.parametrize("case", list(JSON_CASES))
def test_malformed_json(cli: Any, session: Session, tmp_path: Path, case: str) -> None:
    name, content, expected = JSON_CASES[case]
    path = tmp_path / name
    path.write_text(content)
    result = cli("import", "clients", str(path), "--rejects", str(tmp_path / "rej.csv"))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert expected.lower() in result.output.lower(), result.output
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Client)) == 0


def test_missing_file(cli: Any, tmp_path: Path) -> None:
    result = cli("import", "clients", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_utf8_bom_is_accepted(cli: Any, session: Session, tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "A-1,Caf\u00e9 S.A.,FR\n").encode())
    result = cli("import", "clients", str(path))
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert session.scalar(select(Client.name)) == "Caf\u00e9 S.A."
