"""Evidence packs: one zip that verifies offline, and every kind of tampering that it catches."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from duediligence.db.base import Base
from duediligence.db.session import make_engine, session_factory
from duediligence.jsonutil import canonical_bytes, sha256_bytes
from duediligence.keys import Signer, public_pem
from duediligence.reporting.pack import build_pack, verify_pack
from tests.reporting.conftest import MODELS, load_case_study

Files = dict[str, bytes]


@pytest.fixture(scope="module")
def signer() -> Signer:
    return Signer.generate("Acme Corp compliance")


@pytest.fixture(scope="module")
def pack(signer: Signer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pack of the case study (SQLite), built once: the tampering tests edit copies of it.
    (The CLI test below builds packs on every backend.)"""
    tmp = tmp_path_factory.mktemp("pack")
    engine = make_engine(f"sqlite:///{tmp / 'pack.db'}")
    Base.metadata.create_all(engine)
    try:
        with session_factory(engine)() as session:
            load_case_study(session)
            result = build_pack(
                session=session,
                client="CS-BACKPAGE",
                output=tmp / "out",
                reports_dir=tmp / "reports",
                models_dir=MODELS,
                signer=signer,
                checkpoint_file=tmp / "checkpoints.jsonl",
                actor="auditor",
            )
            session.commit()
    finally:
        engine.dispose()
    assert result.client_events >= 3 and result.events >= result.client_events
    assert (tmp / "checkpoints.jsonl").read_text().count("\n") == 1
    return result.path


def _read(path: Path) -> tuple[str, Files]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        top = names[0].split("/", 1)[0]
        return top, {n.split("/", 1)[1]: archive.read(n) for n in names}


def _write(path: Path, top: str, files: Files) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(f"{top}/{name}", data)
    return path


def _resign(files: Files, signer: Signer) -> None:
    """Re-sign the manifest over the files as they now are (an insider with the key)."""
    statement = json.loads(files["manifest.json"])["statement"]
    statement["files"] = {n: sha256_bytes(d) for n, d in files.items() if n != "manifest.json"}
    files["manifest.json"] = json.dumps(
        {"statement": statement, "signature": signer.sign(canonical_bytes(statement))}
    ).encode()


def test_untouched_pack_verifies_offline(pack: Path, signer: Signer) -> None:
    check = verify_pack(pack, signer.public_key)
    assert check.ok, check.problems
    _, files = _read(pack)
    stem = f"CS-BACKPAGE-{check.statement['assessment']}"  # type: ignore[index]
    assert {f"reports/{stem}.{ext}" for ext in ("html", "pdf", "json")} <= set(files)
    assert {"README.txt", "lists.json", "public-key.pem", "audit/checkpoint.json"} <= set(files)
    assert any(n.startswith("models/risk-") and n.endswith(".card.md") for n in files)
    lists = json.loads(files["lists.json"])
    assert {entry["list"] for entry in lists} == {"test-pep", "test-sanctions"}
    assert all(len(entry["sha256"]) == 64 for entry in lists)
    chain = [json.loads(line) for line in files["audit/chain.jsonl"].splitlines()]
    client_id = check.statement["client_id"]  # type: ignore[index]
    assert all(("before" in r) == (r["client_id"] == client_id) for r in chain)
    assert files["public-key.pem"].decode() == public_pem(signer.public_key)


def _edit_json(name: str, change: Callable[[Any], None]) -> Callable[[Files], None]:
    def edit(files: Files) -> None:
        data = json.loads(files[name])
        change(data)
        files[name] = json.dumps(data).encode()

    return edit


def _report(files: Files, ext: str) -> str:
    return next(n for n in files if n.startswith("reports/") and n.endswith(ext))


def _flip(name_of: Callable[[Files], str], marker: bytes) -> Callable[[Files], None]:
    def edit(files: Files) -> None:
        name = name_of(files)
        files[name] = files[name].replace(marker, marker.swapcase(), 1)

    return edit


def _drop_event(files: Files) -> None:
    lines = files["audit/chain.jsonl"].splitlines(keepends=True)
    del lines[len(lines) // 2]
    files["audit/chain.jsonl"] = b"".join(lines)


def _client_event_payload(files: Files) -> None:
    lines = [json.loads(x) for x in files["audit/chain.jsonl"].splitlines()]
    for rec in lines:
        if "after" in rec and isinstance(rec["after"], dict) and "tier" in rec["after"]:
            rec["after"]["tier"] = "low"
            break
    files["audit/chain.jsonl"] = b"".join(json.dumps(r).encode() + b"\n" for r in lines)


def _withhold_client_event(files: Files) -> None:
    from duediligence.audit.trail import event_skeleton

    lines = [json.loads(x) for x in files["audit/chain.jsonl"].splitlines()]
    index = next(i for i, r in enumerate(lines) if "after" in r)
    lines[index] = event_skeleton(lines[index])
    files["audit/chain.jsonl"] = b"".join(json.dumps(r).encode() + b"\n" for r in lines)


TAMPERING: dict[str, tuple[Callable[[Files], None], str]] = {
    "a report's visible text": (
        _flip(lambda f: _report(f, ".html"), b"Backpage.com"),
        "html was modified",
    ),
    "the PDF": (_flip(lambda f: _report(f, ".pdf"), b"report.json"), "pdf was modified"),
    "the JSON report": (
        _flip(lambda f: _report(f, ".json"), b"Backpage.com"),
        "json was modified",
    ),
    "a list snapshot hash": (
        _edit_json("lists.json", lambda d: d[0].update(sha256="0" * 64)),
        "lists.json was modified",
    ),
    "a model card": (_flip(lambda f: next(n for n in f if "card" in n), b"Model"), "card.md"),
    "a deleted audit event": (_drop_event, "chain.jsonl was modified"),
    "a client event's payload": (_client_event_payload, "chain.jsonl was modified"),
    "the checkpoint": (
        _edit_json("audit/checkpoint.json", lambda d: d.update(sequence=d["sequence"] - 1)),
        "checkpoint.json was modified",
    ),
    "the manifest": (
        _edit_json("manifest.json", lambda d: d["statement"].update(client="C-0016")),
        "signature does not verify",
    ),
    "an added file": (lambda f: f.update({"extra.txt": b"x"}), "extra.txt is not in the manifest"),
    "a removed file": (lambda f: f.pop("lists.json"), "lists.json is listed in the manifest"),
    "the bundled public key": (
        lambda f: f.update(
            {"public-key.pem": public_pem(Signer.generate("x").public_key).encode()}
        ),
        "public-key.pem",
    ),
}


@pytest.mark.parametrize("kind", list(TAMPERING))
def test_each_kind_of_tampering_is_caught(
    pack: Path, signer: Signer, tmp_path: Path, kind: str
) -> None:
    edit, expected = TAMPERING[kind]
    top, files = _read(pack)
    edit(files)
    check = verify_pack(_write(tmp_path / "tampered.zip", top, files), signer.public_key)
    assert not check.ok
    assert any(expected in p for p in check.problems), check.problems


INSIDER: dict[str, tuple[Callable[[Files], None], str]] = {
    "a deleted audit event": (_drop_event, "does not follow event"),
    "a client event's payload": (_client_event_payload, "does not match its hash"),
    "a withheld client event": (_withhold_client_event, "withheld"),
    "another list": (
        _edit_json("lists.json", lambda d: d.pop()),
        "not the list snapshots the report names",
    ),
}


@pytest.mark.parametrize("kind", list(INSIDER))
def test_tampering_is_caught_even_with_a_re_signed_manifest(
    pack: Path, signer: Signer, tmp_path: Path, kind: str
) -> None:
    """Someone holding the key can re-sign the manifest, but not the checkpoint already
    written, nor make the chain or the reports say something else."""
    edit, expected = INSIDER[kind]
    top, files = _read(pack)
    edit(files)
    _resign(files, signer)
    check = verify_pack(_write(tmp_path / "resigned.zip", top, files), signer.public_key)
    assert any(expected in p for p in check.problems), check.problems


def test_another_key_is_refused(pack: Path) -> None:
    check = verify_pack(pack, Signer.generate("x").public_key)
    assert not check.ok and "NOT SIGNED BY THIS KEY" in check.problems[0]


def test_cli_pack_and_verify_pack(cli: Any, case_session: Session, tmp_path: Path) -> None:
    result = cli("report", "pack", "CS-BACKPAGE", "--output", str(tmp_path / "packs"))
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.split()[0])  # stderr may carry the escape-hatch warning
    assert path.name.endswith("-evidence.zip") and path.parent.name == "packs"
    pem = tmp_path / "key.pem"
    pem.write_text(cli("keys", "show", "--pem").stdout)
    ok = cli("report", "verify-pack", str(path), "--public-key", str(pem))
    assert ok.exit_code == 0, ok.output
    assert "INTACT" in ok.output and "evidence on CS-BACKPAGE (Backpage.com)" in ok.output
    top, files = _read(path)
    files["lists.json"] = b"[]"
    bad = cli(
        "report",
        "verify-pack",
        str(_write(tmp_path / "bad.zip", top, files)),
        "--public-key",
        str(pem),
    )
    assert bad.exit_code == 1 and "PROBLEM: lists.json was modified" in bad.output
