"""Store the classifier's verdict on signal rows."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from duediligence.db.models import Signal
from duediligence.signals.classifier import active_signals_model, classify_with, signal_text


def annotate_signals(
    session: Session, signals: Sequence[Signal], *, models_dir: Path | None = None
) -> int:
    """Classify ``signals`` (title + text) and set label, probabilities and model version.

    Returns how many were annotated. Raises NotFoundError when no signals model is active.
    """
    if not signals:
        return 0
    loaded = active_signals_model(models_dir)
    results = classify_with(loaded, [signal_text(s.title, s.text) for s in signals])
    for signal, result in zip(signals, results, strict=True):
        signal.label = result.label
        signal.label_probabilities = result.probabilities
        signal.model_version = result.model_version
    session.flush()
    return len(signals)
