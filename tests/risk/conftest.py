"""A database loaded with the sample roster and case study, classified (shared by risk tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.models import Signal
from duediligence.ingest.roster import import_file
from duediligence.shipped import IMPORT_ORDER, sample_data_dir
from duediligence.signals import annotate_signals

MODELS = Path(__file__).resolve().parents[2] / "models"


@pytest.fixture
def sample_session(session: Session) -> Session:
    """``session`` with the sample data imported and every signal classified."""
    folder = sample_data_dir()
    for kind, name in IMPORT_ORDER:
        import_file(session=session, path=folder / name, kind=kind)  # type: ignore[arg-type]
    annotate_signals(
        session=session, signals=list(session.scalars(select(Signal))), models_dir=MODELS
    )
    session.commit()
    return session
