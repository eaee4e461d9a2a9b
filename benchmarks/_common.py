"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, text

from duediligence.db.base import Base
from duediligence.db.session import make_engine

REPO = Path(__file__).resolve().parents[1]
# The sample-data generators are the top-level ``sampledata`` package of the checkout, outside
# the installed package: the scripts that generate data import it from here.
if str(REPO) not in sys.path:
    sys.path.append(str(REPO))
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


@contextmanager
def postgres_scratch_engine(url: str, prefix: str = "bench") -> Iterator[Engine]:
    """An engine on a new PostgreSQL schema with our tables; the schema is dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    engine = make_engine(f"{url}{sep}options={quote(f'-csearch_path={schema}')}")
    try:
        Base.metadata.create_all(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
