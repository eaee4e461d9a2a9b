"""Importing signals classifies them: label, probabilities and model version are stored.

``import_file`` itself only stores (so a large import runs at full speed); the ``import``
command then classifies the new signals in a transaction of its own, and ``classify --signals``
labels whatever is still unlabelled.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.models import AuditEvent, Signal
from duediligence.modelstore import active_versions
from duediligence.signals import LABELS, annotate_signals
from duediligence.signals.annotate import classify_signal_ids, classify_stored_signals
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


def test_import_command_classifies_new_signals(  # type: ignore[no-untyped-def]
    cli, session: Session, models_copy: Path, tmp_path: Path
) -> None:
    result = cli("import", "signals", str(_write(tmp_path)), "--json", "--as", "ana")
    assert result.exit_code == 0, result.output
    version = active_versions(models_copy)["signals"]
    report = json.loads(result.output)
    assert report["inserted"] == 2 and report["classified"] == 2
    assert report["model_version"] == version
    session.expire_all()
    rows = session.scalars(select(Signal).order_by(Signal.published_at)).all()
    assert [s.label for s in rows] == ["human_trafficking", "none"]
    for s in rows:
        assert s.model_version == version
        assert s.label_probabilities is not None and set(s.label_probabilities) == set(LABELS)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "signals.classified"))
    assert event is not None and event.actor == "ana"
    assert event.after["model_version"] == version and event.after["count"] == 2
    assert event.after["adverse_by_label"] == {"human_trafficking": 1}
    # importing the same file again adds and classifies nothing
    again = json.loads(cli("import", "signals", str(_write(tmp_path)), "--json").output)
    assert again["inserted"] == 0 and "classified" not in again


def test_import_without_a_model_leaves_signals_unlabelled(  # type: ignore[no-untyped-def]
    cli, session: Session, models_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    from duediligence.config import get_settings

    empty = tmp_path / "no-models"
    empty.mkdir()  # a models folder with no active model (a missing folder is an error)
    monkeypatch.setenv("DD_MODELS_DIR", str(empty))
    get_settings.cache_clear()
    result = cli("import", "signals", str(_write(tmp_path)), "--as", "ana")
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output and "not classified" in result.output
    session.expire_all()
    assert session.scalars(select(Signal.label)).all() == [None, None]
    # once a model is there, classify --signals labels what is still unlabelled
    monkeypatch.setenv("DD_MODELS_DIR", str(models_copy))
    get_settings.cache_clear()
    result = cli("classify", "--signals", "--json", "--as", "ana")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["classified"] == 2
    session.expire_all()
    assert None not in session.scalars(select(Signal.label)).all()


def test_import_refuses_a_changed_model(  # type: ignore[no-untyped-def]
    cli, session: Session, models_copy: Path, tmp_path: Path
) -> None:
    artifact = models_copy / f"{active_versions(models_copy)['signals']}.skops"
    data = bytearray(artifact.read_bytes())
    data[-10] ^= 0xFF
    artifact.write_bytes(bytes(data))
    result = cli("import", "signals", str(_write(tmp_path)), "--as", "ana")
    assert result.exit_code == 2
    assert "was changed" in result.output
    session.expire_all()
    # refused before anything was written (issue 19): no signals left unlabelled
    assert session.scalars(select(Signal.label)).all() == []


def test_annotate_and_bulk_classify(session: Session, models_dir: Path) -> None:
    client = make_client(session, name="Quarry Holdings")
    labelled = make_signal(
        session, client, title="Quarry Holdings convicted of tax evasion", label="tax_crime"
    )
    fresh = make_signal(session, client, title="Quarry Holdings fined for bribing officials")
    assert (
        classify_signal_ids(
            session=session, signal_ids=[labelled.id, fresh.id], models_dir=models_dir
        )
        == 1
    )
    session.expire_all()
    assert session.get(Signal, fresh.id).label == "corruption"  # type: ignore[union-attr]
    assert session.get(Signal, labelled.id).model_version is None  # type: ignore[union-attr]
    assert annotate_signals(session=session, signals=[labelled], models_dir=models_dir) == 1
    assert labelled.label == "tax_crime" and labelled.model_version
    assert classify_stored_signals(session=session, models_dir=models_dir) == 0
    assert classify_stored_signals(session=session, relabel=True, models_dir=models_dir) == 2
