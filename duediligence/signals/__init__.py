"""Adverse media: the taxonomy and the text classifier."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from duediligence.signals.annotate import (
        annotate_signals,
        classify_signal_ids,
        classify_stored_signals,
    )
    from duediligence.signals.classifier import Classification, classify_texts
    from duediligence.signals.taxonomy import (
        ADVERSE_LABELS,
        LABELS,
        TAXONOMY,
    )

# Start-up time: importing any submodule runs this file first, so the names below are imported
# on first use (PEP 562 ``__getattr__``), not here: a command that reads
# the taxonomy must not load scikit-learn.
_LAZY = {
    "annotate_signals": "duediligence.signals.annotate",
    "classify_signal_ids": "duediligence.signals.annotate",
    "classify_stored_signals": "duediligence.signals.annotate",
    "Classification": "duediligence.signals.classifier",
    "classify_texts": "duediligence.signals.classifier",
    "ADVERSE_LABELS": "duediligence.signals.taxonomy",
    "LABELS": "duediligence.signals.taxonomy",
    "TAXONOMY": "duediligence.signals.taxonomy",
}

__all__ = [
    "ADVERSE_LABELS",
    "LABELS",
    "TAXONOMY",
    "Classification",
    "annotate_signals",
    "classify_signal_ids",
    "classify_stored_signals",
    "classify_texts",
]


def __getattr__(name: str) -> Any:
    """Import ``name`` from its submodule on first use (then it is a plain module attribute)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
