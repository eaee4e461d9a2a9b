"""Fixtures for the re-scoring tests: run the batch on the test database, roster helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from duediligence.batch import RescoreOptions, RescoreSummary, rescore
from duediligence.db.models import Assessment
from tests.conftest import stamp_head

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "models"


@pytest.fixture
def run_rescore(engine: Engine, tmp_path: Path) -> Callable[..., RescoreSummary]:
    """Run the library's ``rescore`` on the test database with the shipped models."""

    def run(**kw: Any) -> RescoreSummary:
        kw.setdefault("models_dir", MODELS)
        kw.setdefault("alerts_dir", tmp_path / "alerts")
        return rescore(engine, RescoreOptions(**kw))

    return run


@pytest.fixture
def stamped(engine: Engine) -> Engine:
    """The test database stamped at the Alembic head, so the CLI accepts it."""
    stamp_head(engine)
    return engine


def cli_subprocess(
    db_url: str,
    tmp_path: Path,
    *args: str,
    env: dict[str, str] | None = None,
    start_new_session: bool = False,
) -> subprocess.Popen[str]:
    """Start ``duediligence <args>`` as a real process on ``db_url``."""
    full_env = {
        **os.environ,
        "DD_DATABASE_URL": db_url,
        "DD_MODELS_DIR": str(MODELS),
        "DD_REPORTS_DIR": str(tmp_path / "reports"),
        "DD_KEYS_DIR": str(tmp_path / "keys"),
        "DD_CHECKPOINT_FILE": str(tmp_path / "audit-checkpoints.jsonl"),
        "DD_LOG_JSON": "1",
        **(env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "duediligence", *args],
        env=full_env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=start_new_session,
    )


def assessments_per_client(session: Session, run_id: int) -> dict[int, int]:
    """``{client_id: number of assessments in run_id}``."""
    return dict(
        session.execute(
            select(Assessment.client_id, func.count())
            .where(Assessment.run_id == run_id)
            .group_by(Assessment.client_id)
        ).all()
    )
