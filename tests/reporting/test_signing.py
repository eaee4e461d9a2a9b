"""Signed reports verify offline with only the public key, and fail on any change."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from duediligence.config import get_settings
from duediligence.db.enums import ReportFormat
from duediligence.db.models import Assessment, Client
from duediligence.keys import Signer, init_key, public_pem, rotate_key
from duediligence.reporting.render import render_client_report
from duediligence.reporting.signing import (
    CHANGED,
    INTACT,
    NOT_SIGNED,
    NOT_SIGNED_BY_KEY,
    PDF_SLOT_MARKER,
    content_digest,
    embedded_json,
    verify_signed_report,
)

FORMATS = [ReportFormat.HTML, ReportFormat.PDF, ReportFormat.JSON]


@pytest.fixture
def signer() -> Signer:
    return Signer.generate("Acme Corp compliance")


def _newest(session: Session, ref: str) -> Assessment:
    client = session.scalars(select(Client).where(Client.external_ref == ref)).one()
    found = session.scalars(
        select(Assessment).where(Assessment.client_id == client.id).order_by(Assessment.id.desc())
    ).first()
    assert found is not None
    return found


def _render(session: Session, folder: Path, fmt: ReportFormat, signer: Signer | None) -> Path:
    path, _ = render_client_report(
        session=session,
        client="CS-BACKPAGE",
        fmt=fmt,
        reports_dir=folder,
        assessment=_newest(session, "CS-BACKPAGE"),
        signer=signer,
    )
    return path


def _offline(tmp_path: Path, *args: str) -> Any:
    """Run the CLI with no usable database and no installation keys: what an auditor has."""
    from duediligence.cli.app import app

    env = {
        "DD_DATABASE_URL": f"sqlite:///{tmp_path / 'no-such-dir' / 'none.db'}",
        "DD_KEYS_DIR": str(tmp_path / "no-keys"),
    }
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, list(args), env=env)
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize("fmt", FORMATS)
def test_signed_report_verifies_offline_and_fails_on_any_change(
    case_session: Session, tmp_path: Path, signer: Signer, fmt: ReportFormat
) -> None:
    path = _render(case_session, tmp_path / "reports", fmt, signer)
    intact = verify_signed_report(path, signer.public_key)
    assert intact.verdict == INTACT, intact.reasons
    s = intact.statement
    assert s is not None
    assert (s["client"], s["client_name"], s["signer"], s["key"]) == (
        "CS-BACKPAGE",
        "Backpage.com",
        "Acme Corp compliance",
        signer.fingerprint,
    )
    assert s["assessment"] == _newest(case_session, "CS-BACKPAGE").id
    data = path.read_bytes()
    # a changed byte anywhere: in the visible text, early, late, in the signature itself
    positions = [data.index(b"Backpage.com"), 20, len(data) // 2, len(data) - 30]
    if fmt != ReportFormat.JSON:
        marker = PDF_SLOT_MARKER if fmt == ReportFormat.PDF else b"duediligence-signature"
        positions.append(data.index(marker) + 60)
    for at in positions:
        tampered = bytearray(data)
        tampered[at] = (tampered[at] + 1) % 256 if tampered[at] != ord(" ") else ord("x")
        copy = tmp_path / path.name
        copy.write_bytes(bytes(tampered))
        check = verify_signed_report(copy, signer.public_key)
        assert check.verdict == CHANGED, (at, check)
    if fmt == ReportFormat.HTML:  # a byte of the signature that is no longer base64
        at = data.index(b"duediligence-signature") + 60
        copy.write_bytes(data[:at] + b"!" + data[at + 1 :])
        assert verify_signed_report(copy, signer.public_key).verdict == CHANGED
    # another key
    other = Signer.generate("Acme Corp compliance")
    assert verify_signed_report(path, other.public_key).verdict == NOT_SIGNED_BY_KEY


def test_cli_verify_offline_with_the_public_key_only(
    case_session: Session, tmp_path: Path, signer: Signer
) -> None:
    pem = tmp_path / "signer.pem"
    pem.write_text(public_pem(signer.public_key))
    pdf = _render(case_session, tmp_path / "reports", ReportFormat.PDF, signer)
    auditor = tmp_path / "auditor"
    auditor.mkdir()
    copy = auditor / pdf.name
    shutil.copy(pdf, copy)
    result = _offline(tmp_path, "report", "verify", str(copy), "--public-key", str(pem))
    assert result.exit_code == 0, result.output
    assert f"INTACT: {copy}" in result.output
    assert "client report of CS-BACKPAGE (Backpage.com), assessment" in result.output
    assert f"signed by Acme Corp compliance with Ed25519 key {signer.fingerprint}" in result.output
    # the PDF alone holds its JSON form: every figure can be recomputed from it
    ctx = embedded_json(copy)
    assert ctx["subject"]["external_ref"] == "CS-BACKPAGE"
    assert ctx["integrity"]["content_sha256"] == content_digest(ctx)
    # renamed as another client's report
    renamed = auditor / "C-0016-7.pdf"
    shutil.copy(pdf, renamed)
    result = _offline(tmp_path, "report", "verify", str(renamed), "--public-key", str(pem))
    assert result.exit_code == 1 and "CHANGED" in result.output
    assert "signed as 'CS-BACKPAGE-" in result.output
    # a neutral name is fine, and says what it was rendered as
    neutral = auditor / "evidence.pdf"
    shutil.copy(pdf, neutral)
    result = _offline(tmp_path, "report", "verify", str(neutral), "--public-key", str(pem))
    assert result.exit_code == 0 and "rendered as CS-BACKPAGE-" in result.output
    other = tmp_path / "other.pem"
    other.write_text(public_pem(Signer.generate("x").public_key))
    result = _offline(tmp_path, "report", "verify", str(copy), "--public-key", str(other))
    assert result.exit_code == 1 and "NOT SIGNED BY THIS KEY" in result.output
    result = _offline(tmp_path, "report", "verify", str(copy), "--json", "--public-key", str(pem))
    assert json.loads(result.stdout)["verdict"] == INTACT


def test_pdf_with_a_swapped_json_attachment_is_changed(
    case_session: Session, tmp_path: Path, signer: Signer
) -> None:
    """The PDF's embedded JSON form is covered too: replacing it by the (validly signed) JSON of
    another rendering breaks the PDF."""
    pdf = _render(case_session, tmp_path / "a", ReportFormat.PDF, signer)
    data = pdf.read_bytes()
    ctx = embedded_json(pdf)
    original = json.dumps(ctx, indent=2, sort_keys=True, ensure_ascii=False).encode()
    assert original in data
    ctx["assessment"]["tier"] = "low"
    forged = json.dumps(ctx, indent=2, sort_keys=True, ensure_ascii=False).encode()
    copy = tmp_path / pdf.name
    copy.write_bytes(data.replace(original, forged[: len(original)].ljust(len(original))))
    assert verify_signed_report(copy, signer.public_key).verdict == CHANGED


def test_unsigned_files_and_json_layout_edits(
    case_session: Session, tmp_path: Path, signer: Signer
) -> None:
    unsigned = _render(case_session, tmp_path / "plain", ReportFormat.HTML, None)
    assert verify_signed_report(unsigned, signer.public_key).verdict == NOT_SIGNED
    signed = _render(case_session, tmp_path / "signed", ReportFormat.JSON, signer)
    compact = tmp_path / signed.name
    compact.write_text(json.dumps(json.loads(signed.read_text())))  # same content, other bytes
    check = verify_signed_report(compact, signer.public_key)
    assert check.verdict == CHANGED and "layout" in check.reasons[0]


def test_key_rotation_keeps_old_reports_verifiable_with_the_old_public_key(
    case_session: Session, tmp_path: Path
) -> None:
    from duediligence.keys import load_signer, public_keys

    keys = tmp_path / "acme-keys"  # not the installation key the fixtures made
    init_key(keys, name="Acme")
    old = load_signer(keys)
    before = _render(case_session, tmp_path / "before", ReportFormat.PDF, old)
    rotate_key(keys)
    new = load_signer(keys)
    assert new.fingerprint != old.fingerprint
    after = _render(case_session, tmp_path / "after", ReportFormat.PDF, new)
    assert verify_signed_report(before, old.public_key).verdict == INTACT
    assert verify_signed_report(before, new.public_key).verdict == NOT_SIGNED_BY_KEY
    assert verify_signed_report(after, new.public_key).verdict == INTACT
    assert set(public_keys(keys)) == {old.fingerprint, new.fingerprint}
    assert (keys / "signing-key.pem").read_bytes() != old.private_pem()


def test_keys_cli(cli: Any, session: Session, tmp_path: Path) -> None:
    keys = tmp_path / "keys"  # cli_env created a key there
    shown = cli("keys", "show")
    assert shown.exit_code == 0 and "fingerprint:" in shown.output
    pem = cli("keys", "show", "--pem").stdout
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert cli("keys", "init").exit_code == 1  # one key; rotate to replace it
    rotated = cli("keys", "rotate")
    assert rotated.exit_code == 0 and "retired key" in rotated.output
    assert len(list((keys / "public").glob("*.pem"))) == 2
    assert (keys / "signing-key.pem").stat().st_mode & 0o777 == 0o600
    (keys / "signing-key.pem").chmod(0o644)
    loose = cli("keys", "show")
    assert loose.exit_code == 2 and "chmod 600" in loose.output
