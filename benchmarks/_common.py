"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import os
import resource
import sys
import tempfile
from pathlib import Path

from sqlalchemy import Engine

from duediligence.db.base import Base
from duediligence.db.session import make_engine

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("DD_SHARED_DATA", REPO.parent / "shared" / "data"))


def fresh_sqlite(name: str = "bench.db") -> tuple[Engine, Path]:
    """A new SQLite database with the schema, in a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="dd-bench-"))
    engine = make_engine(f"sqlite:///{folder / name}")
    Base.metadata.create_all(engine)
    return engine, folder


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(line: str) -> None:
    """Print one result line (flushed, so long runs show progress)."""
    print(line, flush=True)
    sys.stdout.flush()
