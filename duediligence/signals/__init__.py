"""Adverse media: the taxonomy and the text classifier."""

from duediligence.signals.annotate import (
    annotate_signals,
    classify_signal_ids,
    classify_stored_signals,
)
from duediligence.signals.classifier import Classification, classify_texts
from duediligence.signals.taxonomy import ADVERSE_LABELS, LABELS, TAXONOMY

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
