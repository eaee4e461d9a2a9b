"""PostgreSQL is the coordinator: workers claim chunks with FOR UPDATE SKIP LOCKED.

These tests run on the PostgreSQL backend of the ``db_url`` fixture: they skip only when
``DD_TEST_POSTGRES_URL`` is unset, and fail when it is set and the server is unreachable.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from duediligence.batch import join_run
from duediligence.batch.runner import _claim, current_versions, plan_run
from duediligence.db.enums import ChunkStatus, RunStatus
from duediligence.db.models import Assessment, Client, ScoringChunk, ScoringRun
from duediligence.db.session import session_factory
from duediligence.errors import InputError
from tests.batch.conftest import MODELS, assessments_per_client, cli_subprocess
from tests.batch.test_resume import scale_roster


def _postgres_only(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL coordination test; the PostgreSQL variant runs it")


def _plan(session: Session, chunk_size: int) -> ScoringRun:
    run, _ = plan_run(
        session=session,
        as_of=date.today(),
        full=True,
        chunk_size=chunk_size,
        scorer_version=current_versions(session=session, models_dir=MODELS)[0].version,
        signal_version=current_versions(session=session, models_dir=MODELS)[1],
        actor=None,
        workers=2,
    )
    session.commit()
    return run


def test_skip_locked_gives_concurrent_workers_different_chunks(
    db_url: str, engine: Engine, session: Session
) -> None:
    _postgres_only(db_url)
    session.add_all(Client(external_ref=f"L-{i}", name=f"Lock {i}") for i in range(30))
    session.commit()
    run = _plan(session, 10)
    factory = session_factory(engine)
    with factory() as one, factory() as two, factory() as three:
        first = _claim(session=one, run_id=run.id)
        second = _claim(session=two, run_id=run.id)
        assert first is not None and second is not None
        assert first.id != second.id  # the locked chunk is skipped, not waited for
        third = _claim(session=three, run_id=run.id)
        assert third is not None and third.id not in (first.id, second.id)
        with factory() as fourth:
            assert _claim(session=fourth, run_id=run.id) is None  # all three are locked
        one.rollback()  # a worker that dies releases its chunk
        with factory() as fifth:
            again = _claim(session=fifth, run_id=run.id)
            assert again is not None and again.id == first.id


@pytest.mark.slow  # two re-scoring worker processes (110 s at load 10 on 2 cores)
def test_two_workers_never_score_the_same_client(
    db_url: str, stamped: Engine, session: Session, tmp_path: Path
) -> None:
    _postgres_only(db_url)
    ids = scale_roster(session, tmp_path / "data")
    run = _plan(session, 1)  # one client per chunk: many claims, many chances to collide
    # Two separate worker processes, as on two machines, started together on the same run.
    workers = [
        cli_subprocess(db_url, tmp_path, "rescore", "--join", str(run.id), "--json")
        for _ in range(2)
    ]
    results = [json.loads(w.communicate(timeout=300)[0]) for w in workers]
    assert [w.returncode for w in workers] == [0, 0]
    assert sum(r["clients_scored"] for r in results) == len(ids)
    assert all(r["chunks"] > 0 for r in results), results  # the work was shared

    per_client = assessments_per_client(session, run.id)
    assert set(per_client) == set(ids) and set(per_client.values()) == {1}
    assert (
        session.scalar(
            select(func.count())
            .select_from(ScoringChunk)
            .where(ScoringChunk.run_id == run.id, ScoringChunk.status != ChunkStatus.DONE)
        )
        == 0
    )
    # The coordinator then closes the run (every chunk is done already).
    closing = cli_subprocess(db_url, tmp_path, "rescore", "--json", "--workers", "2")
    out, err = closing.communicate(timeout=300)
    assert closing.returncode in (0, 3), err
    summary = json.loads(out)
    assert summary["run_id"] == run.id and summary["resumed"] and summary["status"] == "completed"
    assert summary["clients_scored"] == len(ids)


def test_join_helps_a_run_in_process(db_url: str, engine: Engine, session: Session) -> None:
    _postgres_only(db_url)
    session.add_all(Client(external_ref=f"J-{i}", name=f"Join {i}") for i in range(12))
    session.commit()
    run = _plan(session, 5)
    joined = join_run(engine, run.id, models_dir=MODELS)
    assert joined.chunks == 3 and joined.clients_scored == 12 and joined.exit_code == 0
    assert (
        session.scalar(
            select(func.count()).select_from(Assessment).where(Assessment.run_id == run.id)
        )
        == 12
    )
    session.expire_all()
    assert session.get(ScoringRun, run.id).status == RunStatus.RUNNING  # type: ignore[union-attr]


def test_join_is_refused_on_sqlite(db_url: str, engine: Engine) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite behaviour")
    with pytest.raises(InputError, match="--join needs PostgreSQL"):
        join_run(engine, 1)
