"""Property-based fuzzing: any CSV row either imports or is rejected cleanly — never a crash."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from duediligence.db.models import Client, Signal
from duediligence.errors import InputError
from duediligence.ingest.roster import import_file

cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "US",
            "Germany",
            "2020-01-01",
            "2020-02-30",
            "-5",
            "1e9",
            "active",
            "prospect",
            "news",
            "allegation",
            "0.5",
            "1.5",
            "=cmd()",
            "a;b;c",
        ]
    ),
)


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(cell, min_size=5, max_size=5), min_size=1, max_size=5))
def test_client_rows_fuzz(session: Session, rows: list[list[str]]) -> None:
    header = ["external_ref", "name", "country", "onboarded_on", "contract_value"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clients.csv"
        path.write_text(_csv(header, rows), encoding="utf-8")
        before = session.scalar(select(func.count()).select_from(Client))
        try:
            result = import_file(session=session, path=path, kind="clients")
        except InputError:
            session.rollback()
            assert session.scalar(select(func.count()).select_from(Client)) == before
        else:
            assert result.rows >= 1
            assert result.inserted + result.updated + result.unchanged == result.rows
        session.rollback()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(cell, min_size=5, max_size=5), min_size=1, max_size=5))
def test_signal_rows_fuzz(session: Session, rows: list[list[str]]) -> None:
    header = ["kind", "title", "published_at", "severity", "credibility"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "signals.csv"
        path.write_text(_csv(header, rows), encoding="utf-8")
        try:
            result = import_file(session=session, path=path, kind="signals", skip_invalid=True)
        except InputError:
            pass
        else:
            assert result.inserted + result.unchanged + result.rejected == result.rows
            stored = session.scalar(select(func.count()).select_from(Signal))
            assert stored is not None and stored >= result.inserted
        session.rollback()
