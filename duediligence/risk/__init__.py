"""Client risk: features, model, rules, tiers, point-in-time assessment and knowability."""

from duediligence.risk.assess import (
    RiskResult,
    assess_client,
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
    "load_scorer",
    "score_clients",
    "store_results",
]
