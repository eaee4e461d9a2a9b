"""Report snapshot: dump the JSON and HTML of report contexts from one database, so two versions
of the code can be compared byte for byte (a refactoring of the report context must not change
what a report says).

    python benchmarks/report_snapshot.py DATABASE_URL OUT_DIR [--clients REF ...]
    diff -r BEFORE_DIR AFTER_DIR

Run it once from a checkout of the old code and once from the new one (each run imports the
package of the checkout the script is in), against the same database (rendering reads, it never
writes): every file must be identical. For each stored assessment (of the ``--clients`` given,
default all) it writes ``REF-ASSESSMENT.json`` (the unsigned JSON form) and
``REF-ASSESSMENT.html`` (the unsigned HTML); then ``roster.json/.html`` and
``exposure.json/.html/.csv``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# The package of this checkout, not an installed one: the point is comparing two checkouts.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from duediligence.db.models import Assessment, Client
from duediligence.db.session import make_engine, session_factory
from duediligence.reporting import signing
from duediligence.reporting.context import client_report, exposure_report, roster_report
from duediligence.reporting.render import exposure_csv, render_html


def dump(url: str, out: Path, refs: list[str] | None) -> int:
    """Write the snapshot files; returns how many were written."""
    out.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    written = 0
    with session_factory(engine)() as session:
        query = select(Assessment, Client.external_ref).join(
            Client, Client.id == Assessment.client_id
        )
        if refs:
            query = query.where(Client.external_ref.in_(refs))
        for assessment, ref in session.execute(query.order_by(Assessment.id)).all():
            ctx = client_report(session=session, assessment=assessment)
            stem = f"{ref}-{assessment.id}"
            (out / f"{stem}.json").write_bytes(signing.json_bytes(ctx))
            (out / f"{stem}.html").write_text(render_html("client", ctx), encoding="utf-8")
            written += 2
        roster = roster_report(session=session)
        (out / "roster.json").write_bytes(signing.json_bytes(roster))
        (out / "roster.html").write_text(render_html("roster", roster), encoding="utf-8")
        exposure = exposure_report(session=session)
        (out / "exposure.json").write_bytes(signing.json_bytes(exposure))
        (out / "exposure.html").write_text(render_html("exposure", exposure), encoding="utf-8")
        (out / "exposure.csv").write_text(exposure_csv(exposure), encoding="utf-8")
        session.rollback()
    engine.dispose()
    return written + 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out", type=Path)
    parser.add_argument("--clients", nargs="*", default=None)
    args = parser.parse_args()
    count = dump(args.url, args.out, args.clients)
    print(f"{count} files written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
