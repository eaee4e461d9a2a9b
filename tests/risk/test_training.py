"""Training and evaluating the risk model on the sample labels; bulk scoring and storing."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence.config import get_settings
from duediligence.db.models import Assessment, AuditEvent, Client
from duediligence.modelstore import active_versions, load_model
from duediligence.risk import score_clients, store_results
from duediligence.risk.model import Scorer
from duediligence.risk.training import evaluate_risk_model, train_risk_model
from tests.risk.conftest import MODELS


@pytest.fixture
def models_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    target = tmp_path / "models"
    shutil.copytree(MODELS, target)
    monkeypatch.setenv("DD_MODELS_DIR", str(target))
    get_settings.cache_clear()
    yield target
    get_settings.cache_clear()


@pytest.mark.slow  # trains the risk model twice
def test_train_risk_model_reports_cross_validated_metrics(
    sample_session: Session, tmp_path: Path
) -> None:
    first = train_risk_model(session=sample_session, models_dir=tmp_path / "a")
    second = train_risk_model(session=sample_session, models_dir=tmp_path / "b")
    assert first.version == second.version  # deterministic: same data, same version
    m = first.metrics
    assert m["n"] == 302 and 0 < m["positives"] < m["n"]
    assert m["roc_auc"] >= 0.9 and m["pr_auc"] >= 0.7
    assert m["roc_auc_ci95"][0] <= m["roc_auc"] <= m["roc_auc_ci95"][1]
    assert m["pr_auc_ci95"][0] <= m["pr_auc"] <= m["pr_auc_ci95"][1]
    card = (tmp_path / "a" / f"{first.version}.card.md").read_text("utf-8")
    assert "5-fold cross-validation" in card and "ROC-AUC" in card and "PR-AUC" in card
    for feature in first.features:
        assert f"`{feature}`" in card
    scorer = Scorer.from_loaded(load_model(tmp_path / "a", first.version))
    in_sample = evaluate_risk_model(session=sample_session, scorer=scorer)
    assert in_sample["n"] == 302 and in_sample["roc_auc"] >= m["roc_auc"] - 0.05


@pytest.mark.slow  # trains the risk model
def test_cli_train_and_evaluate_risk(cli, sample_session: Session, models_copy: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("model", "train", "risk", "--activate", "--as", "admin")
    assert result.exit_code == 0, result.output
    assert "cross-validated ROC-AUC" in result.output
    version = active_versions(models_copy)["risk"]
    assert version in result.output
    result = cli("model", "evaluate", "risk")
    assert result.exit_code == 0, result.output
    assert "from its model card" in result.output and "in-sample" in result.output
    # the newly active model now scores assessments
    result = cli("assess", "CS-BACKPAGE", "--as-of", "2013-11-01", "--json")
    assert json.loads(result.output)["risk_model_version"] == version


def test_score_and_store_in_bulk(sample_session: Session) -> None:
    ids = list(sample_session.scalars(select(Client.id).order_by(Client.id)))
    results = score_clients(session=sample_session, client_ids=ids, as_of=date(2020, 1, 1))
    assert [r.client_id for r in results] == ids
    assert all(r.as_of == date(2020, 1, 1) and len(r.inputs_hash) == 64 for r in results)
    before = sample_session.scalar(select(func.count()).select_from(AuditEvent))
    assert store_results(session=sample_session, results=results, actor="batch") == len(ids)
    sample_session.commit()
    stored = sample_session.scalar(select(func.count()).select_from(Assessment))
    assert stored == len(ids)
    after = sample_session.scalar(select(func.count()).select_from(AuditEvent))
    assert after == before + len(ids)
    # scoring is a pure function of the record: the same inputs give the same hash
    again = score_clients(session=sample_session, client_ids=ids[:5], as_of=date(2020, 1, 1))
    assert [r.inputs_hash for r in again] == [r.inputs_hash for r in results[:5]]
