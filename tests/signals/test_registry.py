"""The model registry: verified loading, activation, listing, evaluation and training."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
import skops.io as sio
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.models import AuditEvent, ModelVersion
from duediligence.errors import IntegrityError
from duediligence.jsonutil import sha256_file
from duediligence.modelstore import activate_model, active_versions, load_active, load_model
from duediligence.signals.corpus import read_corpus
from duediligence.signals.training import corpus_paths


def _risk_version(models: Path) -> str:
    return active_versions(models)["risk"]


def test_changed_artifact_is_refused(models_copy: Path) -> None:
    version = _risk_version(models_copy)
    load_model(models_copy, version)  # intact: loads
    artifact = models_copy / f"{version}.skops"
    artifact.write_bytes(artifact.read_bytes() + b"\0")
    with pytest.raises(IntegrityError, match=r"was changed.*refusing to load"):
        load_model(models_copy, version)


def test_incompatible_sklearn_is_refused(models_copy: Path) -> None:
    version = _risk_version(models_copy)
    manifest = models_copy / f"{version}.json"
    data = json.loads(manifest.read_text())
    data["sklearn_version"] = "0.24.2"
    manifest.write_text(json.dumps(data))
    with pytest.raises(IntegrityError, match=r"scikit-learn 0\.24\.2.*retrain it"):
        load_model(models_copy, version)


def test_database_hash_guards_a_swapped_artifact(session: Session, models_copy: Path) -> None:
    version = _risk_version(models_copy)
    activate_model(session=session, models_dir=models_copy, version=version, actor="admin")
    session.commit()
    # Someone re-serialises the artifact and fixes up the manifest to match: the manifest
    # check passes, but the database still holds the SHA-256 recorded at activation.
    loaded = load_model(models_copy, version)
    artifact = models_copy / f"{version}.skops"
    sio.dump(loaded.model, artifact)
    manifest = models_copy / f"{version}.json"
    data = json.loads(manifest.read_text())
    data["artifact_sha256"] = sha256_file(artifact)
    manifest.write_text(json.dumps(data))
    # active.json records the hash at activation: disk alone tells too (issue 19)
    with pytest.raises(IntegrityError, match="was changed"):
        load_active(models_copy, "risk")
    with pytest.raises(IntegrityError, match="was changed"):
        load_active(models_copy, "risk", session=session)


@pytest.mark.slow  # evaluates the classifier on the dev split
def test_model_list_activate_evaluate(cli, session: Session, models_copy: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("model", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = {r["version"]: r for r in json.loads(result.output)}
    active = active_versions(models_copy)
    assert {v for v, r in rows.items() if r["active"]} == set(active.values())
    assert all(len(r["sha256"]) == 64 for r in rows.values())

    signals = active["signals"]
    result = cli("model", "activate", signals, "--as", "admin")
    assert result.exit_code == 0, result.output
    row = session.scalar(select(ModelVersion).where(ModelVersion.version == signals))
    assert row is not None and row.active
    assert row.artifact_sha256 == sha256_file(models_copy / f"{signals}.skops")
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "model.registered" in actions and "model.activated" in actions

    result = cli("model", "evaluate", "signals")
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "human_trafficking" in result.output

    assert cli("model", "activate", "signals-doesnotexist").exit_code == 2
    assert cli("model", "train", "nonsense").exit_code == 2


def test_model_cards_document_the_shipped_models(models_dir: Path) -> None:
    for kind, version in active_versions(models_dir).items():
        card = (models_dir / f"{version}.card.md").read_text("utf-8")
        for heading in ("## Intended use", "## Training data", "## Metrics", "## Limitations"):
            assert heading in card, (version, heading)
        assert "95%" in card  # metrics come with confidence intervals
        manifest = load_model(models_dir, version).manifest
        assert manifest.training_data_hash in card
        assert kind == manifest.kind


@pytest.mark.slow  # trains the classifier (120 s at load 10)
def test_train_signals_from_a_corpus_folder(
    cli, session: Session, models_copy: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    train, dev = corpus_paths()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path, step in ((train, 4), (dev, 4)):
        texts, labels = read_corpus(path)
        rows = [
            {"text": t, "label": lab} for t, lab in list(zip(texts, labels, strict=True))[::step]
        ]
        (corpus / path.name).write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    # a small stand-in for the real news, in its file layout (the real file is in ../shared)
    real = tmp_path / "real.csv.gz"
    texts, labels = read_corpus(train)
    with gzip.open(real, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "title", "article", "entity_name", "label"])
        for i, (t, lab) in enumerate(list(zip(texts, labels, strict=True))[1::6]):
            title, _, body = t.partition("\n")
            writer.writerow(
                [
                    "adverse" if lab != "none" else "non_adverse",
                    title,
                    body or title,
                    f"E{i % 40}",
                    "",
                ]
            )
    result = cli(
        "model",
        "train",
        "signals",
        "--corpus",
        str(corpus),
        "--real-news",
        str(real),
        "--activate",
        "--as",
        "admin",
    )
    assert result.exit_code == 0, result.output
    version = active_versions(models_copy)["signals"]
    assert version in result.output and version.startswith("signals-")
    manifest = load_model(models_copy, version).manifest
    assert manifest.extra["corpus_data_hash"] == sha256_file(corpus / train.name)
    assert manifest.extra["real_news_data_hash"] == sha256_file(real)
    assert {"f1", "brier", "reliability", "naive_bayes_f1"} <= set(manifest.metrics["real_news"])
    assert {"macro_f1", "macro_f1_ci95", "adverse_f1", "adverse_f1_ci95"} <= set(manifest.metrics)
    card = (models_copy / f"{version}.card.md").read_text("utf-8")
    assert "95% bootstrap CI" in card
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / train.name).write_text('{"text": "x", "label": "piracy"}\n')
    (bad / dev.name).write_text('{"text": "x", "label": "none"}\n')
    result = cli("model", "train", "signals", "--corpus", str(bad), "--real-news", str(real))
    assert result.exit_code == 2 and "unknown labels piracy" in result.output


@pytest.mark.slow
@pytest.mark.skipif(
    not (Path(__file__).resolve().parents[3] / "shared" / "data" / "adverse-media").is_dir(),
    reason="the real news in ../shared/data is needed to retrain the classifier",
)
def test_shipped_classifier_is_reproducible(models_dir: Path, tmp_path: Path) -> None:
    """`make demo` on an empty models folder retrains the shipped classifier from the corpus
    and the real news: same version (named by the training-data hash), same metrics."""
    from duediligence.signals.training import train_signals_model

    shipped = load_model(models_dir, active_versions(models_dir)["signals"]).manifest
    fresh = train_signals_model(tmp_path / "models")
    assert fresh.version == shipped.version
    assert fresh.training_data_hash == shipped.training_data_hash
    keys = ("macro_f1", "adverse_f1", "per_label_f1", "long_dev", "independent", "roles")
    for key in keys:
        assert fresh.metrics[key] == shipped.metrics[key], key
    for key in ("f1", "brier", "naive_bayes_f1", "f1_about_entity"):
        assert fresh.metrics["real_news"][key] == pytest.approx(
            shipped.metrics["real_news"][key], abs=1e-9
        ), key
    # the reliability table is rounded to 4 places when it is measured: equal as stored
    assert fresh.metrics["real_news"]["reliability"] == shipped.metrics["real_news"]["reliability"]
