"""Report read cost: SQL statements and time to build report contexts from a database.

    duediligence demo                      # (or any database with assessments)
    python benchmarks/report_queries.py sqlite:///duediligence.db

For every client's current assessment it builds the client report context and counts the SQL
statements sent (a SQLAlchemy ``before_cursor_execute`` counter), then builds the exposure
report once. It prints the statements per client report (fewest, most, and for the client with
the most signals) and the exposure report's statements and time. The script imports the
package of the checkout it is in, so running it from two checkouts on one database compares
two versions of the code; it only reads.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, func, select

from duediligence.db.models import Signal
from duediligence.db.queries import current_assessment_ids
from duediligence.db.session import make_engine, session_factory
from duediligence.reporting.context import client_report, exposure_report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    args = parser.parse_args()
    engine = make_engine(args.url)
    statements = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_args: object) -> None:
        statements[0] += 1

    from duediligence.db.models import Assessment

    with session_factory(engine)() as session:
        current = dict(session.execute(current_assessment_ids()).all())
        signals = dict(
            session.execute(select(Signal.client_id, func.count()).group_by(Signal.client_id)).all()
        )
        per_client: list[tuple[int, int, int]] = []  # (signals, statements, client id)
        started = time.perf_counter()
        for cid, aid in sorted(current.items()):
            assessment = session.get(Assessment, aid)
            assert assessment is not None
            statements[0] = 0
            client_report(session=session, assessment=assessment)
            per_client.append((signals.get(cid, 0), statements[0], cid))
            session.expunge_all()
        elapsed = time.perf_counter() - started
        counts = [n for _s, n, _c in per_client]
        most = max(per_client)
        print(
            f"client report contexts: {len(per_client)} in {elapsed:.2f} s "
            f"({elapsed / len(per_client) * 1000:.1f} ms each); SQL statements per report: "
            f"min {min(counts)}, max {max(counts)}, mean {sum(counts) / len(counts):.1f}; "
            f"client {most[2]} with the most signals ({most[0]}): {most[1]} statements"
        )
        statements[0] = 0
        started = time.perf_counter()
        exposure = exposure_report(session=session)
        elapsed = time.perf_counter() - started
        print(
            f"exposure report: {len(exposure['clients'])} clients, "
            f"{exposure['engagements']} engagements: {statements[0]} SQL statements, "
            f"{elapsed:.2f} s"
        )
        session.rollback()


if __name__ == "__main__":
    main()
