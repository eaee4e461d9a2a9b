"""Store the classifier's verdict on signal rows (label, probabilities, model version).

Entry points: :func:`annotate_signals` for ORM objects already in the session (the demo,
onboarding), :func:`classify_signal_ids` for what an import just stored, which reads only the
text columns and writes the verdicts with executemany updates by primary key, and
:func:`classify_stored_signals` for everything still unlabelled (or everything, to relabel).
Each call appends one audit event naming the model version and the signals it labelled.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from duediligence.audit.trail import record_event
from duediligence.db.models import Signal
from duediligence.signals.classifier import (
    Classification,
    active_signals_model,
    classify_with,
    signal_text,
)

log = logging.getLogger(__name__)

CHUNK = 5_000


def _count_adverse(results: Iterable[Classification], into: dict[str, int]) -> None:
    for r in results:
        if r.adverse:
            into[r.label] = into.get(r.label, 0) + 1


def _audit(
    session: Session,
    ids: list[int],
    model_version: str,
    adverse: dict[str, int],
    actor: str | None,
) -> None:
    if not ids:
        return
    record_event(
        session,
        actor=actor,
        action="signals.classified",
        object_type="signal",
        object_id=str(ids[0]) if len(ids) == 1 else f"{min(ids)}-{max(ids)}",
        after={
            "model_version": model_version,
            "count": len(ids),
            "adverse_by_label": adverse,
            "signal_ids": ids if len(ids) <= 200 else None,
        },
    )


def annotate_signals(
    session: Session,
    signals: Sequence[Signal],
    *,
    models_dir: Path | None = None,
    actor: str | None = None,
) -> int:
    """Classify ``signals`` (title + text) and set label, probabilities and model version.

    Returns how many were annotated. Raises NotFoundError when no signals model is active and
    IntegrityError when the active artifact fails verification.
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
    adverse: dict[str, int] = {}
    _count_adverse(results, adverse)
    _audit(session, [s.id for s in signals], results[0].model_version, adverse, actor)
    return len(signals)


def classify_signal_ids(
    session: Session,
    signal_ids: Sequence[int],
    *,
    models_dir: Path | None = None,
    actor: str | None = None,
    only_unlabelled: bool = True,
) -> int:
    """Classify the signals with these ids in bulk and store the verdicts; return the count.

    With ``only_unlabelled`` signals that already carry a label are left alone. Raises
    NotFoundError when no signals model is active.
    """
    if not signal_ids:
        return 0
    loaded = active_signals_model(models_dir)
    done_ids: list[int] = []
    # Only counts are kept across chunks, so memory does not grow with the number of signals.
    adverse: dict[str, int] = {}
    ids = list(signal_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        query = select(Signal.id, Signal.title, Signal.text).where(Signal.id.in_(chunk))
        if only_unlabelled:
            query = query.where(Signal.label.is_(None))
        rows = session.execute(query.order_by(Signal.id)).all()
        if not rows:
            continue
        results = classify_with(loaded, [signal_text(r.title, r.text) for r in rows])
        params: list[dict[str, Any]] = [
            {
                "id": r.id,
                "label": res.label,
                "label_probabilities": res.probabilities,
                "model_version": res.model_version,
            }
            for r, res in zip(rows, results, strict=True)
        ]
        session.execute(update(Signal), params)
        done_ids.extend(r.id for r in rows)
        _count_adverse(results, adverse)
    _audit(session, done_ids, loaded.version, adverse, actor)
    log.info("classified %d signals with %s", len(done_ids), loaded.version)
    return len(done_ids)


def classify_stored_signals(
    session: Session,
    *,
    relabel: bool = False,
    models_dir: Path | None = None,
    actor: str | None = None,
) -> int:
    """Classify the signals in the database that have no label yet (every signal with
    ``relabel``, e.g. after activating a new model); return how many were classified."""
    query = select(Signal.id).order_by(Signal.id)
    if not relabel:
        query = query.where(Signal.label.is_(None))
    ids = list(session.scalars(query))
    return classify_signal_ids(
        session, ids, models_dir=models_dir, actor=actor, only_unlabelled=not relabel
    )
