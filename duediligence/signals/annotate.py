"""Store the classifier's verdict on signal rows (label, probabilities, role, evidence, model).

A signal linked to a client is classified *about that client*: its name, aliases and the names
of its parties are the subject (:func:`client_subjects`), so the stored ``role`` says whether the
client is the accused, a victim, someone else, cleared or merely mentioned, and ``label`` is an
offence only when the client is the accused. Unlinked signals are classified without a subject
(``role`` stays empty) and are classified again once linked (:func:`classify_stored_signals`).

Entry points: :func:`annotate_signals` for ORM objects already in the session (the demo,
onboarding), :func:`classify_signal_ids` for what an import just stored, which reads only the
text columns and writes the verdicts with executemany updates by primary key, and
:func:`classify_stored_signals` for everything still unlabelled or linked since (or everything,
to relabel). Each call appends one audit event naming the model version and the signals it
labelled.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from duediligence.audit.trail import record_event
from duediligence.db.models import Client, Party, Signal
from duediligence.signals.classifier import (
    Classification,
    active_signals_model,
    classify_with,
    signal_text,
)
from duediligence.signals.mentions import Subject

log = logging.getLogger(__name__)

CHUNK = 5_000


def _count_adverse(results: Iterable[Classification], into: dict[str, int]) -> None:
    for r in results:
        if r.adverse:
            into[r.label] = into.get(r.label, 0) + 1


def _audit(
    *,
    session: Session,
    ids: list[int],
    model_version: str,
    adverse: dict[str, int],
    actor: str | None,
) -> None:
    if not ids:
        return
    record_event(
        session=session,
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


def client_subjects(*, session: Session, client_ids: Iterable[int | None]) -> dict[int, Subject]:
    """``{client id: Subject}``: each client's name and aliases, and its parties' names."""
    ids = sorted({i for i in client_ids if i is not None})
    if not ids:
        return {}
    related: dict[int, list[str]] = {}
    for client_id, name in session.execute(
        select(Party.client_id, Party.name).where(Party.client_id.in_(ids))
    ):
        related.setdefault(client_id, []).append(name)
    return {
        c.id: Subject.of([c.name, *(c.aliases or [])], related.get(c.id, []))
        for c in session.execute(
            select(Client.id, Client.name, Client.aliases).where(Client.id.in_(ids))
        )
    }


def _fields(result: Classification) -> dict[str, Any]:
    return {
        "label": result.label,
        "label_probabilities": result.probabilities,
        "model_version": result.model_version,
        "role": result.role,
        "adverse_probability": result.adverse_probability,
        "evidence": result.evidence or None,
    }


def annotate_signals(
    *,
    session: Session,
    signals: Sequence[Signal],
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
    subjects = client_subjects(session=session, client_ids=(s.client_id for s in signals))
    results = classify_with(
        loaded,
        [signal_text(s.title, s.text) for s in signals],
        [subjects.get(s.client_id) if s.client_id is not None else None for s in signals],
    )
    for signal, result in zip(signals, results, strict=True):
        for key, value in _fields(result).items():
            setattr(signal, key, value)
    session.flush()
    adverse: dict[str, int] = {}
    _count_adverse(results, adverse)
    _audit(
        session=session,
        ids=[s.id for s in signals],
        model_version=results[0].model_version,
        adverse=adverse,
        actor=actor,
    )
    return len(signals)


def classify_signal_ids(
    *,
    session: Session,
    signal_ids: Sequence[int],
    models_dir: Path | None = None,
    actor: str | None = None,
    only_unlabelled: bool = True,
) -> int:
    """Classify the signals with these ids in bulk and store the verdicts; return the count.

    With ``only_unlabelled`` signals that already carry a label are left alone, except those
    linked to a client since they were labelled (no role yet). Raises NotFoundError when no
    signals model is active.
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
        query = select(Signal.id, Signal.title, Signal.text, Signal.client_id).where(
            Signal.id.in_(chunk), Signal.screening_match_id.is_(None)
        )
        if only_unlabelled:
            query = query.where(_needs_label())
        rows = session.execute(query.order_by(Signal.id)).all()
        if not rows:
            continue
        subjects = client_subjects(session=session, client_ids=(r.client_id for r in rows))
        results = classify_with(
            loaded,
            [signal_text(r.title, r.text) for r in rows],
            [subjects.get(r.client_id) if r.client_id is not None else None for r in rows],
        )
        params: list[dict[str, Any]] = [
            {"id": r.id, **_fields(res)} for r, res in zip(rows, results, strict=True)
        ]
        session.execute(update(Signal), params)
        done_ids.extend(r.id for r in rows)
        _count_adverse(results, adverse)
    _audit(
        session=session, ids=done_ids, model_version=loaded.version, adverse=adverse, actor=actor
    )
    log.info("classified %d signals with %s", len(done_ids), loaded.version)
    return len(done_ids)


def _needs_label() -> Any:
    """Unlabelled, or linked to a client but classified by a model without it (no role yet).

    A label a person gave (no ``model_version``) is never replaced by a model's."""
    return or_(
        Signal.label.is_(None),
        Signal.client_id.is_not(None) & Signal.role.is_(None) & Signal.model_version.is_not(None),
    )


def classify_stored_signals(
    *,
    session: Session,
    relabel: bool = False,
    models_dir: Path | None = None,
    actor: str | None = None,
    client_ids: Sequence[int] | None = None,
) -> int:
    """Classify the signals in the database that have no label yet, or were linked to a client
    after they were labelled (every signal with ``relabel``, e.g. after activating a new model);
    return how many were classified. ``client_ids`` restricts it to the signals linked to those
    clients. Every path that links news must call this (or :func:`classify_signal_ids`) after
    linking: an item read without its client has no role, and only the role ``subject`` makes
    an item the client's own adverse media. Raises NotFoundError when no signals model is
    active."""
    # A confirmed match's sanction signal is a list finding, not an article: never classified.
    query = select(Signal.id).where(Signal.screening_match_id.is_(None)).order_by(Signal.id)
    if not relabel:
        query = query.where(_needs_label())
    if client_ids is not None:
        query = query.where(Signal.client_id.in_(list(client_ids)))
    ids = list(session.scalars(query))
    return classify_signal_ids(
        session=session,
        signal_ids=ids,
        models_dir=models_dir,
        actor=actor,
        only_unlabelled=not relabel,
    )
