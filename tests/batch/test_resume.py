"""Durable runs: SIGKILL a real ``duediligence rescore`` mid-way, resume, count assessments."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from duediligence.audit.trail import verify_chain
from duediligence.batch import RescoreSummary
from duediligence.batch.runner import current_versions, plan_run
from duediligence.db.enums import ChunkStatus, RunStatus
from duediligence.db.models import (
    Assessment,
    AuditEvent,
    Client,
    Lease,
    ScoringChunk,
    ScoringRun,
)
from duediligence.db.session import session_factory
from duediligence.ingest.roster import import_file
from duediligence.sampledata.scale import generate_scale
from tests.batch.conftest import MODELS, assessments_per_client, cli_subprocess

CLIENTS = 600


def scale_roster(session: Session, folder: Path, clients: int = CLIENTS) -> list[int]:
    """Import a generated roster (clients, owners, engagements, 5 signals each)."""
    generate_scale(folder, clients=clients, signals_per_client=5, seed=3)
    for kind in ("clients", "parties", "engagements", "signals"):
        import_file(session=session, path=folder / f"{kind}.csv", kind=kind)  # type: ignore[arg-type]
    session.commit()
    return list(session.scalars(select(Client.id)))


def _done_chunks(engine: Engine) -> int:
    with session_factory(engine)() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(ScoringChunk)
                .where(ScoringChunk.status == ChunkStatus.DONE)
            )
            or 0
        )


@pytest.mark.slow  # SIGKILLs a re-scoring process and resumes (35-50 s each at load 10)
@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_mid_run_then_resume_scores_every_client_exactly_once(
    db_url: str, stamped: Engine, session: Session, tmp_path: Path, workers: int
) -> None:
    ids = scale_roster(session, tmp_path / "data")
    proc = cli_subprocess(
        db_url,
        tmp_path,
        "rescore",
        "--full",
        "--chunk-size",
        "10",
        "--workers",
        str(workers),
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while _done_chunks(stamped) < 3:
        assert proc.poll() is None, f"run ended before it could be killed: {proc.stderr}"
        assert time.monotonic() < deadline, "run made no progress"
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole process group, like a killed container
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    session.expire_all()
    run = session.scalar(select(ScoringRun))
    assert run is not None and run.status == RunStatus.RUNNING
    done_before = _done_chunks(stamped)
    assert 3 <= done_before < run.chunk_count
    stored = session.scalar(
        select(func.count()).select_from(Assessment).where(Assessment.run_id == run.id)
    )
    assert stored == sum(
        len(c.client_ids)
        for c in session.scalars(
            select(ScoringChunk).where(ScoringChunk.status == ChunkStatus.DONE)
        )
    ), "a chunk's assessments and its done mark are one transaction"
    assert session.get(Lease, "rescore") is not None  # left behind by the killed process

    resumed = cli_subprocess(db_url, tmp_path, "rescore", "--resume", "--json")
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode in (0, 3), err
    summary = json.loads(out)
    assert summary["resumed"] is True and summary["run_id"] == run.id
    assert summary["status"] == "completed" and summary["clients_scored"] == CLIENTS

    session.expire_all()
    per_client = assessments_per_client(session, run.id)
    assert set(per_client) == set(ids)
    assert set(per_client.values()) == {1}
    assert session.scalar(select(func.count()).select_from(Assessment)) == CLIENTS
    created = session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "assessment.created")
    )
    assert created == CLIENTS
    assert verify_chain(session=session).ok
    assert session.get(Lease, "rescore") is None


def test_next_invocation_resumes_automatically(
    session: Session, run_rescore: Callable[..., RescoreSummary]
) -> None:
    clients = [Client(external_ref=f"A-{i}", name=f"Auto {i}") for i in range(25)]
    session.add_all(clients)
    session.flush()
    run, _ = plan_run(
        session=session,
        as_of=time_today(),
        full=True,
        chunk_size=10,
        scorer_version=current_versions(session=session, models_dir=MODELS)[0].version,
        signal_version=current_versions(session=session, models_dir=MODELS)[1],
        actor=None,
        workers=1,
    )
    session.commit()
    summary = run_rescore(chunk_size=5)  # an ordinary invocation finishes the open run first
    assert summary.resumed and summary.run_id == run.id and summary.chunks == 3
    assert summary.clients_scored == 25


def test_failed_chunk_fails_the_run_and_resume_retries_it(
    session: Session, run_rescore: Callable[..., RescoreSummary]
) -> None:
    clients = [Client(external_ref=f"F-{i}", name=f"Fail {i}") for i in range(20)]
    session.add_all(clients)
    session.commit()
    run, _ = plan_run(
        session=session,
        as_of=time_today(),
        full=True,
        chunk_size=10,
        scorer_version=current_versions(session=session, models_dir=MODELS)[0].version,
        signal_version=current_versions(session=session, models_dir=MODELS)[1],
        actor=None,
        workers=1,
    )
    session.commit()
    gone = clients[3]
    session.delete(gone)
    session.commit()
    summary = run_rescore()
    assert summary.status == "failed" and summary.exit_code == 1
    assert summary.chunks_failed == 1 and summary.clients_scored == 10
    assert "no client with id" in summary.errors[0]
    # Without --resume a failed run is left for a person to look at ...
    # ... with --resume its failed chunk is retried (here it fails again: the client is gone).
    again = run_rescore(resume=True)
    assert again.run_id == run.id and again.status == "failed"
    assert again.clients_scored == 10


def time_today() -> date:
    """Today (the as-of date of the runs these tests plan)."""
    return date.today()
