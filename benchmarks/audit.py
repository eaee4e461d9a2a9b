"""Audit trail benchmark: append events in bulk, then verify and export the whole chain.

    python benchmarks/audit.py [N]            # default 200,000 events, SQLite
    DD_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        python benchmarks/audit.py [N]        # also on PostgreSQL (a fresh schema)

Events look like real ones (assessment.created payloads), appended with ``record_events`` in
batches of 1,000 (as a batch scoring chunk does).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from benchmarks._common import fresh_sqlite, peak_rss_mb, postgres_scratch_engine, report
from duediligence.audit.trail import PendingEvent, export_events, record_events, verify_chain

BATCH = 1000


def _fill(engine: Engine, n: int) -> float:
    start = time.perf_counter()
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        with Session(engine) as session:
            record_events(
                session=session,
                actor="batch",
                events=[
                    PendingEvent(
                        "assessment.created",
                        "assessment",
                        None,
                        (done + i) % 5000,
                        after={
                            "as_of": date(2026, 1, 1),
                            "tier": "medium",
                            "probability": 0.4321,
                            "inputs_hash": f"{done + i:064x}",
                            "run_id": 1,
                        },
                    )
                    for i in range(size)
                ],
            )
            session.commit()
        done += size
    return time.perf_counter() - start


def run(label: str, engine: Engine, n: int, folder: str) -> None:
    """Fill, verify and export on one database; print the figures."""
    fill = _fill(engine, n)
    report(f"{label}: append {n:,} events: {fill:.2f} s = {n / fill:,.0f} events/s")
    with Session(engine) as session:
        start = time.perf_counter()
        result = verify_chain(session=session)
        verify = time.perf_counter() - start
    assert result.ok and result.count == n, result
    report(f"{label}: verify {n:,} events: {verify:.2f} s = {n / verify:,.0f} events/s")
    with Session(engine) as session:
        start = time.perf_counter()
        exported = export_events(session=session, path=os.path.join(folder, f"audit-{label}.jsonl"))  # type: ignore[arg-type]
        export = time.perf_counter() - start
    size = os.path.getsize(exported.path) / 1e6
    report(f"{label}: export {n:,} events: {export:.2f} s, {size:.0f} MB")
    report(f"{label}: peak RSS {peak_rss_mb():.0f} MB")


def main() -> None:
    """Run the benchmark on SQLite (and PostgreSQL when configured)."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    engine, folder = fresh_sqlite("audit.db")
    run("sqlite", engine, n, str(folder))
    pg = os.environ.get("DD_BENCH_POSTGRES_URL")
    if pg:
        with postgres_scratch_engine(pg) as engine:
            run("postgresql", engine, n, str(folder))


if __name__ == "__main__":
    main()
