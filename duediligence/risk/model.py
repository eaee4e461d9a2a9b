"""Turning features into a probability, a tier and an explanation.

The trained model is a scikit-learn ``Pipeline`` (standard scaling, logistic regression), so each
feature's contribution to the log-odds is ``coefficient × scaled value`` — exactly what the
explanation shows. Without an active trained model a transparent fallback with fixed, documented
weights is used, so scoring never stops for lack of a model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from duediligence.db.enums import Tier
from duediligence.modelstore import LoadedModel
from duediligence.risk.features import FEATURE_NAMES, FEATURES, Feature
from duediligence.risk.reference import tier_thresholds
from duediligence.risk.rules import RuleHit

FALLBACK_VERSION = "risk-fallback-1"
FALLBACK_INTERCEPT = -3.2
FALLBACK_WEIGHTS: dict[str, float] = {
    "adverse_trafficking": 2.0,
    "adverse_financial_crime": 1.5,
    "adverse_violent_crime": 1.5,
    "adverse_environmental_crime": 0.8,
    "official_actions": 0.8,
    "distinct_sources": 0.3,
    "sanctions_match": 3.0,
    "unresolved_hits": 1.5,
    "jurisdiction_risk": 1.5,
    "industry_risk": 1.0,
    "ownership_opacity": 0.8,
    "product_exposure": 0.3,
}


@dataclass
class Scorer:
    """A loaded risk model (or the fallback) that scores feature vectors in bulk."""

    version: str
    coef: np.ndarray  # per feature, on the scaled features
    intercept: float
    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def from_loaded(cls, loaded: LoadedModel) -> Scorer:
        """Wrap a trained Pipeline(scaler, logistic regression)."""
        pipeline = loaded.model
        if list(loaded.manifest.features) != list(FEATURE_NAMES):
            from duediligence.errors import IntegrityError

            raise IntegrityError(
                f"risk model {loaded.version} was trained on other features; retrain it"
            )
        scaler = pipeline.named_steps["scale"]
        lr = pipeline.named_steps["model"]
        return cls(
            loaded.version,
            np.asarray(lr.coef_[0], dtype=float),
            float(lr.intercept_[0]),
            np.asarray(scaler.mean_, dtype=float),
            np.asarray(scaler.scale_, dtype=float),
        )

    @classmethod
    def fallback(cls) -> Scorer:
        """The transparent fixed-weight model used when no risk model is active."""
        n = len(FEATURE_NAMES)
        return cls(
            FALLBACK_VERSION,
            np.array([FALLBACK_WEIGHTS[f] for f in FEATURE_NAMES]),
            FALLBACK_INTERCEPT,
            np.zeros(n),
            np.ones(n),
        )

    def contributions(self, matrix: np.ndarray) -> np.ndarray:
        """Per-feature log-odds contributions (rows: clients, columns: features).

        A NaN (a feature the record holds no information on) is taken at the training mean, so
        it contributes exactly nothing either way."""
        filled = np.where(np.isnan(matrix), self.mean, matrix)
        return ((filled - self.mean) / self.scale) * self.coef

    def probabilities(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(probabilities, contributions)`` for a feature matrix."""
        contrib = self.contributions(matrix)
        logit = contrib.sum(axis=1) + self.intercept
        return 1.0 / (1.0 + np.exp(-logit)), contrib


def tier_for(probability: float, rule_hits: list[RuleHit]) -> Tier:
    """The tier of a probability, raised to the minimum any hard rule demands."""
    medium, high = tier_thresholds()
    tier = Tier.HIGH if probability >= high else Tier.MEDIUM if probability >= medium else Tier.LOW
    for hit in rule_hits:
        if hit.min_tier.rank > tier.rank:
            tier = hit.min_tier
    return tier


def factor_reason(factor: dict[str, Any]) -> str:
    """A factor as a reason in the verdict's summary.

    An adverse-media factor scores a *group* of offences (its label lists the group: "Adverse
    media: laundering, fraud, corruption, tax, sanctions, cyber"); as a reason it names the
    offences of the items behind it ("Adverse media: fraud"), so the sentence never reads as if
    the client were accused of every offence of the group. Any other factor is its label.
    ``factor`` is one item of :func:`explain`'s ``factors``.
    """
    if str(factor["feature"]).startswith("adverse_"):
        found = dict.fromkeys(
            str(s["label"]).replace("_", " ") for s in factor.get("signals") or [] if s.get("label")
        )
        if found:
            return "Adverse media: " + ", ".join(found)
    return str(factor["label"])


def verdict_reasons(
    rule_descriptions: list[str], factors: list[dict[str, Any]], tier: Tier
) -> list[str]:
    """The reasons a verdict gives, in order: the hard rules that fired, then the model's top
    three factors (:func:`factor_reason`). A ``low`` verdict that no rule touched gives no
    factor as its *reason* — a factor that nudged the score up did not make the client low
    risk — but says "nothing adverse on record" and names the score's largest factors as such.
    ``factors`` are :func:`explain`'s; the summary, the CLI and onboarding all read this."""
    named = [factor_reason(f) for f in factors[:3]]
    if tier == Tier.LOW and not rule_descriptions:
        largest = "; the score's largest factors: " + ", ".join(named) if named else ""
        return ["nothing adverse on record" + largest]
    return list(rule_descriptions) + named or ["nothing adverse on record"]


def explain(
    features: dict[str, Feature],
    contributions: np.ndarray,
    probability: float,
    tier: Tier,
    rule_hits: list[RuleHit],
    top: int = 5,
) -> dict[str, Any]:
    """The reviewer-facing explanation: top contributing features with their evidence."""
    factors = []
    order = np.argsort(-contributions)
    for j in order[:top]:
        name = FEATURE_NAMES[int(j)]
        contribution = float(contributions[int(j)])
        if contribution <= 0.01:
            break
        feature = features[name]
        factors.append(
            {
                "feature": name,
                "label": FEATURES[name][0],
                "value": round(feature.value, 4),
                "contribution": round(contribution, 4),
                "signals": [e for e in feature.evidence if "id" in e],
                "evidence": [e for e in feature.evidence if "id" not in e],
            }
        )
    reasons = verdict_reasons([h.description for h in rule_hits], factors, tier)
    model_tier = tier_for(probability, [])
    odds = (
        f"model p={probability:.2f}; raised to {tier.value} by a hard rule"
        if tier.rank > model_tier.rank
        else f"p={probability:.2f}"
    )
    held = any(h.rule == "potential_match_on_hold" for h in rule_hits)
    summary = (
        ("ON HOLD — " if held else "") + f"{tier.value} risk ({odds})" + ": " + "; ".join(reasons)
    )
    return {
        "summary": summary,
        "factors": factors,
        "rules": [h.as_dict() for h in rule_hits],
        "log_odds": round(float(math.log(max(probability, 1e-9) / max(1 - probability, 1e-9))), 4),
    }
