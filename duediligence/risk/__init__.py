"""Client risk: features, model, rules, tiers, point-in-time assessment and knowability."""

from duediligence.risk.assess import (
    RiskResult,
    assess_client,
    latest_assessment,
    load_scorer,
    score_clients,
    store_results,
)
from duediligence.risk.knowability import Knowability, knowability

__all__ = [
    "Knowability",
    "RiskResult",
    "assess_client",
    "knowability",
    "latest_assessment",
    "load_scorer",
    "score_clients",
    "store_results",
]
