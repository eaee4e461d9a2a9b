"""A database loaded with the sample roster and case study, classified (shared by risk tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from duediligence.db.models import Signal
from duediligence.ingest.roster import import_file
from duediligence.shipped import IMPORT_ORDER, sample_data_dir
from duediligence.signals import annotate_signals
from tests.snapshots import Snapshots

MODELS = Path(__file__).resolve().parents[2] / "models"


@pytest.fixture
def sample_session(session: Session, engine: Engine, snapshots: Snapshots) -> Session:
    """``session`` with the sample data imported and every signal classified.

    Built once per test run and backend, then copied into each test's database (the same
    rows and ids: :mod:`tests.snapshots`); the build reads only the sample files and the
    shipped models, so a copy is what a fresh build would give.
    """

    def build() -> None:
        folder = sample_data_dir()
        for kind, name in IMPORT_ORDER:
            import_file(session=session, path=folder / name, kind=kind)  # type: ignore[arg-type]
        annotate_signals(
            session=session, signals=list(session.scalars(select(Signal))), models_dir=MODELS
        )
        session.commit()

    snapshots.build_or_copy("sample", engine, build)
    return session
