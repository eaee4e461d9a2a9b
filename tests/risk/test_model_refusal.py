"""Hardening (issue 19, hole 4): a missing or changed artifact of the active model is refused
everywhere with exit 2, never replaced by the fallback weights; without a database the trusted
SHA-256 is the one ``models/active.json`` records, not the manifest beside the artifact."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import skops.io as sio
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence.db.models import Assessment, Signal
from duediligence.errors import ModelArtifactError
from duediligence.jsonutil import sha256_file
from duediligence.modelstore import active_versions, load_active, load_model
from duediligence.risk.assess import load_scorer
from duediligence.risk.model import FALLBACK_VERSION
from tests.factories import make_client

MODELS = Path(__file__).resolve().parents[2] / "models"


@pytest.fixture
def models_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the shipped models, set as DD_MODELS_DIR (safe to tamper with)."""
    from duediligence.config import get_settings

    target = tmp_path / "models"
    shutil.copytree(MODELS, target)
    monkeypatch.setenv("DD_MODELS_DIR", str(target))
    get_settings.cache_clear()
    yield target
    get_settings.cache_clear()


def _forge(models: Path, kind: str) -> str:
    """Re-serialise the active ``kind`` artifact (other bytes, same model) and fix up the
    manifest beside it to match, as an attacker with write access to the folder would."""
    version = active_versions(models)[kind]
    loaded = load_model(models, version)
    artifact = models / f"{version}.skops"
    sio.dump(loaded.model, artifact)
    manifest = models / f"{version}.json"
    data = json.loads(manifest.read_text())
    data["artifact_sha256"] = sha256_file(artifact)
    manifest.write_text(json.dumps(data))
    return version


def test_shipped_active_json_records_the_artifact_hashes(models_copy: Path) -> None:
    active = json.loads((models_copy / "active.json").read_text())
    for kind, entry in active.items():
        assert entry["sha256"] == sha256_file(models_copy / f"{entry['version']}.skops"), kind


def test_missing_risk_artifact_refuses_assess_instead_of_the_fallback(  # type: ignore[no-untyped-def]
    cli, session: Session, models_copy: Path
) -> None:
    make_client(session, external_ref="R-1")
    session.commit()
    ok = cli("assess", "R-1", "--json")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["risk_model_version"] == active_versions(models_copy)["risk"]
    (models_copy / f"{active_versions(models_copy)['risk']}.skops").unlink()
    result = cli("assess", "R-1", "--json")
    assert result.exit_code == 2, result.output
    assert "is missing" in result.output and "Traceback" not in result.output
    assert FALLBACK_VERSION not in result.output
    with pytest.raises(ModelArtifactError):
        load_scorer(session=session, models_dir=models_copy)
    with pytest.raises(ModelArtifactError):
        load_scorer(session=None, models_dir=models_copy)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Assessment)) == 1


def test_missing_manifest_of_the_active_model_is_refused(models_copy: Path) -> None:
    (models_copy / f"{active_versions(models_copy)['risk']}.json").unlink()
    with pytest.raises(ModelArtifactError, match="no manifest"):
        load_scorer(session=None, models_dir=models_copy)


def test_no_active_model_at_all_still_uses_the_documented_fallback(tmp_path: Path) -> None:
    empty = tmp_path / "models"
    empty.mkdir()
    assert load_scorer(session=None, models_dir=empty).version == FALLBACK_VERSION


def test_changed_artifact_with_edited_manifest_is_refused_without_a_database(  # type: ignore[no-untyped-def]
    cli_env, models_copy: Path, tmp_path: Path
) -> None:
    """`classify` needs no database: it must trust active.json's hash, not the manifest."""
    from typer.testing import CliRunner

    from duediligence.cli.app import app

    cli_env(f"sqlite:///{tmp_path / 'never-created.db'}")
    runner = CliRunner()
    texts = tmp_path / "texts.txt"
    texts.write_text("Police say the site's ads were used to traffic teenagers.\n")
    ok = runner.invoke(app, ["classify", str(texts), "--json"])
    assert ok.exit_code == 0, ok.output
    _forge(models_copy, "signals")
    from duediligence.signals.classifier import _active

    _active.cache_clear()
    result = runner.invoke(app, ["classify", str(texts), "--json"])
    assert result.exit_code == 2, result.output
    assert "was changed" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "never-created.db").exists()
    with pytest.raises(ModelArtifactError, match="was changed"):
        load_active(models_copy, "signals")


def test_active_json_without_hash_is_not_trusted_alone(models_copy: Path) -> None:
    path = models_copy / "active.json"
    legacy = {kind: entry["version"] for kind, entry in json.loads(path.read_text()).items()}
    path.write_text(json.dumps(legacy))
    with pytest.raises(ModelArtifactError, match="without the SHA-256"):
        load_active(models_copy, "risk")


def test_import_refuses_a_missing_signals_artifact_before_writing(  # type: ignore[no-untyped-def]
    cli, session: Session, models_copy: Path, tmp_path: Path
) -> None:
    (models_copy / f"{active_versions(models_copy)['signals']}.skops").unlink()
    path = tmp_path / "signals.jsonl"
    path.write_text(
        json.dumps(
            {"kind": "news", "subject_name": "X", "title": "t", "published_at": "2022-05-03"}
        )
        + "\n"
    )
    result = cli("import", "signals", str(path))
    assert result.exit_code == 2, result.output
    assert "is missing" in result.output
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Signal)) == 0


def test_a_copy_of_loaded_bytes_is_not_deserialised_again_but_still_verified(
    models_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process keeps a deserialised model by version and SHA-256, whatever folder held
    it: a copy of the same bytes is verified, not deserialised again; a changed copy is
    refused before anything is deserialised."""
    version = active_versions(MODELS)["signals"]
    shipped = load_model(MODELS, version)
    loads: list[Path] = []
    real_load = sio.load

    def counting_load(path: Path, *args: object, **kwargs: object) -> object:
        loads.append(path)
        return real_load(path, *args, **kwargs)

    monkeypatch.setattr(sio, "load", counting_load)
    copied = load_model(models_copy, version)
    assert loads == [] and copied.model is shipped.model
    assert copied.manifest.artifact_sha256 == sha256_file(models_copy / f"{version}.skops")
    artifact = models_copy / f"{version}.skops"
    artifact.write_bytes(artifact.read_bytes() + b"\0")
    with pytest.raises(ModelArtifactError, match="was changed"):
        load_model(models_copy, version)
    assert loads == []
