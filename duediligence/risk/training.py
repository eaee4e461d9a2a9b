"""Train the client risk model on the sample outcome labels, with cross-validated metrics."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.enums import ModelKind
from duediligence.db.models import Client
from duediligence.errors import InputError
from duediligence.jsonutil import sha256_canonical, sha256_file, sha256_text
from duediligence.modelstore import ModelManifest, save_model
from duediligence.risk.features import FEATURE_NAMES, FEATURES, compute_features, feature_matrix
from duediligence.risk.model import Scorer
from duediligence.risk.records import load_records
from duediligence.risk.reference import tier_thresholds
from duediligence.shipped import sample_data_dir

LABEL_DATE = date(2026, 10, 1)  # the sample labels judge the record as of this date


METHOD = "standard-scaler+logistic-regression(C=0.5,balanced)+platt"  # part of the version


def _reliability(y: np.ndarray, p: np.ndarray) -> list[dict[str, Any]]:
    """Out-of-fold predictions by tier band: how many, mean predicted, observed escalations."""
    medium, high = tier_thresholds()
    rows = []
    for low, up, name in ((0.0, medium, "low"), (medium, high, "medium"), (high, 1.01, "high")):
        mask = (p >= low) & (p < up)
        rows.append(
            {
                "band": name,
                "n": int(mask.sum()),
                "mean_predicted": round(float(p[mask].mean()), 4) if mask.any() else 0.0,
                "observed": round(float(y[mask].mean()), 4) if mask.any() else 0.0,
            }
        )
    return rows


def build_pipeline(seed: int = 0) -> Pipeline:
    """Scaling and a regularised logistic regression (class-balanced)."""
    return Pipeline(
        [
            ("scale", StandardScaler()),
            (
                "model",
                LogisticRegression(
                    C=0.5, class_weight="balanced", max_iter=1000, random_state=seed
                ),
            ),
        ]
    )


def read_labels(path: Path) -> dict[str, int]:
    """``{client_ref: 1 for escalate, 0 for clear}``."""
    if not path.is_file():
        raise InputError(f"{path}: labels file not found")
    with path.open(encoding="utf-8") as handle:
        return {r["client_ref"]: int(r["outcome"] == "escalate") for r in csv.DictReader(handle)}


def _bootstrap(y: np.ndarray, p: np.ndarray, fn: object, n: int = 500) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    scores = []
    for _ in range(n):
        idx = rng.integers(0, len(y), len(y))
        if len(set(y[idx])) < 2:
            continue
        scores.append(fn(y[idx], p[idx]))  # type: ignore[operator]
    low, high = np.percentile(scores, [2.5, 97.5])
    return round(float(low), 4), round(float(high), 4)


def labelled_matrix(*, session: Session, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix (as of :data:`LABEL_DATE`) and outcomes of the labelled clients in the
    database, in client-reference order. InputError when fewer than 20 are present.

    A feature the record holds no information on is NaN here; :func:`impute` fills it."""
    labels = read_labels(labels_path)
    clients = dict(
        session.execute(
            select(Client.external_ref, Client.id).where(Client.external_ref.in_(list(labels)))
        ).all()
    )
    if len(clients) < 20:
        raise InputError(
            f"only {len(clients)} labelled clients in the database: import the "
            "sample data first (duediligence demo)"
        )
    refs = sorted(clients)
    records = load_records(session=session, client_ids=[clients[r] for r in refs], as_of=LABEL_DATE)
    X = feature_matrix([compute_features(rec) for rec in records])
    y = np.array([labels[r] for r in refs])
    return X, y


def impute(X: np.ndarray) -> np.ndarray:
    """Unknown values (NaN) replaced by their column's mean over the known values (0 when a
    column is all unknown). The scaler then learns that mean, and scoring fills unknowns with
    it, so an unknown feature contributes nothing at training and at scoring alike."""
    known = ~np.isnan(X)
    counts = known.sum(axis=0)
    means = np.where(counts > 0, np.nansum(X, axis=0) / np.maximum(counts, 1), 0.0)
    return np.where(known, X, means)


def evaluate_risk_model(
    *, session: Session, scorer: Scorer, labels_path: Path | None = None
) -> dict[str, float]:
    """Re-measure a risk model on the labelled clients now in the database (in-sample: the
    cross-validated figures in its model card are the honest estimate)."""
    X, y = labelled_matrix(
        session=session, labels_path=labels_path or sample_data_dir() / "labels.csv"
    )
    p, _ = scorer.probabilities(X)
    return {
        "n": len(y),
        "positives": int(y.sum()),
        "roc_auc": round(float(roc_auc_score(y, p)), 4),
        "pr_auc": round(float(average_precision_score(y, p)), 4),
        "brier": round(float(brier_score_loss(y, p)), 4),
    }


def train_risk_model(
    *,
    session: Session,
    models_dir: Path,
    actor: str | None = None,
    labels_path: Path | None = None,
) -> ModelManifest:
    """Fit the model on every labelled client in the database; save it with its model card."""
    labels_path = labels_path or sample_data_dir() / "labels.csv"
    X_raw, y = labelled_matrix(session=session, labels_path=labels_path)
    X = impute(X_raw)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    oof_logit = cross_val_predict(build_pipeline(), X, y, cv=folds, method="decision_function")
    # Platt scaling on the out-of-fold log-odds: class balancing inflates probabilities, and
    # the tiers need probabilities that mean what they say. An affine map of the log-odds keeps
    # every feature's contribution exact (each is scaled by the same slope).
    platt = LogisticRegression(C=1e6, max_iter=1000).fit(oof_logit.reshape(-1, 1), y)
    slope, offset = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    oof = 1.0 / (1.0 + np.exp(-(slope * oof_logit + offset)))
    oof_raw = 1.0 / (1.0 + np.exp(-oof_logit))
    metrics = {
        "n": len(y),
        "positives": int(y.sum()),
        "roc_auc": round(float(roc_auc_score(y, oof)), 4),
        "roc_auc_ci95": _bootstrap(y, oof, roc_auc_score),
        "pr_auc": round(float(average_precision_score(y, oof)), 4),
        "pr_auc_ci95": _bootstrap(y, oof, average_precision_score),
        "brier": round(float(brier_score_loss(y, oof)), 4),
        "brier_uncalibrated": round(float(brier_score_loss(y, oof_raw)), 4),
        "calibration": {"method": "platt", "slope": round(slope, 6), "offset": round(offset, 6)},
        "reliability": _reliability(y, oof),
        "label_date": LABEL_DATE.isoformat(),
    }
    pipeline = build_pipeline().fit(X, y)
    model = pipeline.named_steps["model"]
    model.coef_ = model.coef_ * slope
    model.intercept_ = model.intercept_ * slope + offset
    data_hash = sha256_canonical(
        {
            "labels": sha256_file(labels_path),
            "features": [
                [None if np.isnan(v) else round(float(v), 6) for v in row] for row in X_raw
            ],
        }
    )
    fit_hash = sha256_text(data_hash + METHOD)
    version = f"risk-{fit_hash[:8]}-sk{sklearn.__version__.replace('.', '')}"
    coefs = dict(zip(FEATURE_NAMES, pipeline.named_steps["model"].coef_[0], strict=True))
    card = _card(version, data_hash, labels_path, metrics, coefs)
    return save_model(
        pipeline,
        models_dir=models_dir,
        kind=ModelKind.RISK,
        version=version,
        features=list(FEATURE_NAMES),
        training_data_hash=data_hash,
        metrics=metrics,
        card=card,
    )


def _card(version: str, data_hash: str, labels_path: Path, m: dict, coefs: dict) -> str:
    reliability = "\n".join(
        f"| {r['band']} | {r['n']} | {r['mean_predicted']:.3f} | {r['observed']:.3f} |"
        for r in m["reliability"]
    )
    unused = ", ".join(f"`{n}`" for n, c in coefs.items() if abs(c) < 1e-9) or "none here"
    rows = "\n".join(
        f"| `{name}` | {FEATURES[name][0]} | {coef:+.3f} |" for name, coef in coefs.items()
    )
    return f"""# Model card: {version}

**Kind:** client risk model. **scikit-learn:** {sklearn.__version__}

## Intended use
Ranking a SaaS vendor's clients by the chance that a careful senior compliance reviewer would
escalate them, from the public record as of a date. It supports, and never replaces, a
reviewer: hard rules (confirmed sanctions match, FATF call-for-action jurisdiction, official
trafficking findings, serious convictions) override it, and every score lists the features and
signals behind it.

## Training data
`{labels_path.name}`: {m["n"]} labelled sample clients ({m["positives"]} escalate), features
computed as of {m["label_date"]} from the sample roster after classification and screening.
Training-data hash (labels + feature matrix): `{data_hash}`.

## Features and model
Standardised features into a class-balanced logistic regression (C=0.5), then Platt-calibrated
on the out-of-fold log-odds (slope {m["calibration"]["slope"]:.3f}, offset
{m["calibration"]["offset"]:+.3f}, folded into the coefficients below), so the probability is the
estimated chance of escalation. A feature's contribution to the log-odds is its coefficient times
its standardised value.

| feature | meaning | coefficient |
|---|---|---|
{rows}

## Metrics (5-fold cross-validation, out-of-fold predictions)
- ROC-AUC **{m["roc_auc"]:.3f}** (95% bootstrap CI {m["roc_auc_ci95"][0]:.3f}–{m["roc_auc_ci95"][1]:.3f})
- PR-AUC **{m["pr_auc"]:.3f}** (95% CI {m["pr_auc_ci95"][0]:.3f}–{m["pr_auc_ci95"][1]:.3f})
- Brier score {m["brier"]:.3f} calibrated ({m["brier_uncalibrated"]:.3f} before calibration; the
  calibration map was fitted on the same out-of-fold predictions, so this is slightly optimistic)

Out-of-fold predictions by tier band (thresholds of `tiers.toml`):

| band | clients | mean predicted | observed escalation rate |
|---|---|---|---|
{reliability}

## Limitations
- The labels are synthetic (what the sample generator's reviewer would decide), so the metrics
  show the model learns the labelling policy, not that the policy is right for a real roster.
- Few positives: coefficients are uncertain; re-train on the vendor's own reviewed decisions.
- Features that never vary in the training data get no weight ({unused}); the hard rules
  still act on confirmed sanctions matches whatever the model says.
- Adverse-media features inherit the classifier's errors; a misclassified article moves a score.
- Jurisdiction lists are kept as dated data files; keep them current.
"""
