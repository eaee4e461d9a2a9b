"""Hardening (issue 19, hole 7), with real processes: two imports of the same file at once on
PostgreSQL both end cleanly (the loser of the race runs again and finds the rows unchanged;
never an ``IntegrityError`` traceback), and an import killed with SIGKILL after its rows were
committed but while it classified them is completed by the next import of anything."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from duediligence.db import migrate
from duediligence.db.models import Client, Signal
from duediligence.db.session import make_engine, session_scope
from tests.conftest import BACKENDS, empty_database

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _env(url: str, tmp: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DD_DATABASE_URL": url,
        "DD_REPORTS_DIR": str(tmp / "reports"),
        "DD_KEYS_DIR": str(tmp / "keys"),
        "DD_CHECKPOINT_FILE": str(tmp / "audit-checkpoints.jsonl"),
        "DD_MODELS_DIR": str(ROOT / "models"),
        "DD_LOG_LEVEL": "INFO",
    }
    env.pop("DD_USER", None)
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "duediligence", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_imports_of_the_same_file_at_once_end_cleanly_on_postgresql(tmp_path: Path) -> None:
    rows = "".join(f"R-{i:05d},Client {i} Trading,US\n" for i in range(4000))
    path = tmp_path / "clients.csv"
    path.write_text("external_ref,name,country\n" + rows)
    raced = 0
    with empty_database("postgresql", tmp_path, filename="", prefix="race") as url:
        engine = make_engine(url)
        migrate.upgrade(engine, "head")
        env = _env(url, tmp_path)
        for round_ in range(3):
            if round_:
                with session_scope(engine) as session:  # start again from an empty table
                    session.execute(Client.__table__.delete())
            procs = [_run(env, "import", "clients", str(path)) for _ in range(2)]
            results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
            for code, stdout, stderr in results:
                assert "Traceback" not in stderr and "IntegrityError" not in stderr, stderr
                assert code == 0, stderr
                assert "4000 rows" in stdout
            raced += sum("lost a race" in stderr for _code, _out, stderr in results)
            with session_scope(engine) as session:
                assert session.scalar(select(func.count()).select_from(Client)) == 4000
            if raced:
                break
        engine.dispose()
    # Both ran at once in every round; on this 2-core machine the race was lost in the
    # first round in every run we made. Say so if it was not, rather than pass silently.
    if not raced:
        pytest.skip("the two imports did not overlap in 3 rounds: the race was not exercised")


@pytest.mark.parametrize("backend", BACKENDS)
def test_import_killed_during_classification_is_completed_by_the_next_import(
    backend: str, tmp_path: Path
) -> None:
    items = [
        {
            "kind": "news",
            "subject_name": f"Company {i}",
            "title": f"Company {i} fined for bribing officials in case {i}",
            "text": "Prosecutors said the firm paid kickbacks to win contracts. " * 5,
            "published_at": "2022-05-03",
        }
        for i in range(3000)
    ]
    signals = tmp_path / "signals.jsonl"
    signals.write_text("".join(json.dumps(i) + "\n" for i in items))
    with empty_database(backend, tmp_path, filename="kill.db", prefix="kill") as url:
        engine = make_engine(url)
        migrate.upgrade(engine, "head")
        env = _env(url, tmp_path)
        proc = _run(env, "import", "signals", str(signals))
        deadline = time.monotonic() + 240
        stored = 0
        while time.monotonic() < deadline and proc.poll() is None:
            with session_scope(engine) as session:
                stored = session.scalar(select(func.count()).select_from(Signal)) or 0
            if stored:
                proc.send_signal(signal.SIGKILL)  # rows committed; classification under way
                break
            time.sleep(0.05)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL, proc.communicate()
        with session_scope(engine) as session:
            unlabelled = session.scalar(
                select(func.count()).select_from(Signal).where(Signal.label.is_(None))
            )
        assert stored == 3000 and unlabelled == 3000  # the interrupted state
        other = tmp_path / "clients.csv"
        other.write_text("external_ref,name,country\nC-1,Acme,US\n")
        done = _run(env, "import", "clients", str(other))
        stdout, stderr = done.communicate(timeout=600)
        assert done.returncode == 0, stderr
        assert "completed an interrupted classification: 3000 signal(s)" in stdout, stdout
        with session_scope(engine) as session:
            left = session.scalar(
                select(func.count()).select_from(Signal).where(Signal.label.is_(None))
            )
        assert left == 0
        again = _run(env, "import", "signals", str(signals))
        stdout, stderr = again.communicate(timeout=600)
        assert again.returncode == 0 and "3000 unchanged" in stdout, stderr
        assert "completed" not in stdout  # nothing left to complete
        engine.dispose()
