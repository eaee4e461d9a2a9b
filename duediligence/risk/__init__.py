"""Client risk: features, model, rules, tiers, point-in-time assessment and knowability.

The knowability function is imported from ``duediligence.risk.knowability`` (a package attribute
of that name would be the submodule once it is imported)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from duediligence.risk.assess import (
        RiskResult,
        assess_client,
        load_scorer,
        score_clients,
        store_results,
    )
    from duediligence.risk.knowability import Knowability

# Start-up time: importing any submodule runs this file first, so the names below are imported
# on first use (PEP 562 ``__getattr__``), not here: ``review queue`` needs
# ``risk.pep`` (through ``review.edd``), not the scorer and scikit-learn.
_LAZY = {
    "RiskResult": "duediligence.risk.assess",
    "assess_client": "duediligence.risk.assess",
    "load_scorer": "duediligence.risk.assess",
    "score_clients": "duediligence.risk.assess",
    "store_results": "duediligence.risk.assess",
    "Knowability": "duediligence.risk.knowability",
}

__all__ = [
    "Knowability",
    "RiskResult",
    "assess_client",
    "load_scorer",
    "score_clients",
    "store_results",
]


def __getattr__(name: str) -> Any:
    """Import ``name`` from its submodule on first use (then it is a plain module attribute)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
