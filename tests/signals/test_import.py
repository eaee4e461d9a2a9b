"""Importing signals classifies them: label, probabilities and model version are stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.models import AuditEvent, Signal
from duediligence.errors import IntegrityError
from duediligence.ingest.roster import import_file
from duediligence.modelstore import active_versions
from duediligence.signals import LABELS, annotate_signals
from duediligence.signals.annotate import classify_signal_ids
from tests.factories import make_client, make_signal

ITEMS = [
    {
        "kind": "news",
        "subject_name": "Bluefin Classifieds",
        "title": "Police say Bluefin Classifieds ads were used to traffic teenagers",
        "text": "Officers rescued two girls advertised for sex on the site.",
        "source": "Example Gazette",
        "published_at": "2022-05-03",
    },
    {
        "kind": "news",
        "subject_name": "Bluefin Classifieds",
        "title": "Bluefin Classifieds joins coalition to fight trafficking",
        "source": "Trade Weekly",
        "published_at": "2023-01-12",
    },
]


def _write(tmp_path: Path) -> Path:
    path = tmp_path / "signals.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in ITEMS) + "\n", encoding="utf-8")
    return path


def test_import_classifies_signals(session: Session, models_copy: Path, tmp_path: Path) -> None:
    import_file(session, _write(tmp_path), "signals", actor="ana")
    session.commit()
    rows = session.scalars(select(Signal).order_by(Signal.published_at)).all()
    assert [s.label for s in rows] == ["human_trafficking", "none"]
    version = active_versions(models_copy)["signals"]
    for s in rows:
        assert s.model_version == version
        assert s.label_probabilities is not None and set(s.label_probabilities) == set(LABELS)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "signals.classified"))
    assert event is not None and event.actor == "ana"
    assert event.after["model_version"] == version and event.after["count"] == 2
    assert event.after["adverse_by_label"] == {"human_trafficking": 1}


def test_import_without_a_model_leaves_signals_unlabelled(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from duediligence.config import get_settings

    monkeypatch.setenv("DD_MODELS_DIR", str(tmp_path / "no-models"))
    get_settings.cache_clear()
    try:
        result = import_file(session, _write(tmp_path), "signals")
    finally:
        get_settings.cache_clear()
    assert result.inserted == 2
    assert session.scalars(select(Signal.label)).all() == [None, None]


def test_import_refuses_a_changed_model(
    session: Session, models_copy: Path, tmp_path: Path
) -> None:
    artifact = models_copy / f"{active_versions(models_copy)['signals']}.skops"
    data = bytearray(artifact.read_bytes())
    data[-10] ^= 0xFF
    artifact.write_bytes(bytes(data))
    with pytest.raises(IntegrityError, match="was changed"):
        import_file(session, _write(tmp_path), "signals")
    session.rollback()
    # nothing was labelled by the refused model (on PostgreSQL the rows are rolled back too)
    assert all(s.label is None for s in session.scalars(select(Signal)))


def test_annotate_and_bulk_classify(session: Session, models_dir: Path) -> None:
    client = make_client(session, name="Quarry Holdings")
    labelled = make_signal(
        session, client, title="Quarry Holdings convicted of tax evasion", label="tax_crime"
    )
    fresh = make_signal(session, client, title="Quarry Holdings fined for bribing officials")
    assert classify_signal_ids(session, [labelled.id, fresh.id], models_dir=models_dir) == 1
    session.expire_all()
    assert session.get(Signal, fresh.id).label == "corruption"  # type: ignore[union-attr]
    assert session.get(Signal, labelled.id).model_version is None  # type: ignore[union-attr]
    assert annotate_signals(session, [labelled], models_dir=models_dir) == 1
    assert labelled.label == "tax_crime" and labelled.model_version
