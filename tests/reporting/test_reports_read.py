"""Reports read, they never assess; and they read in a bounded number of SQL statements.

- Rendering a client with no stored assessment (or none as of the date asked) is a
  :class:`NoAssessmentError` naming the ``duediligence assess`` command, stores nothing, and
  the CLI exits 2 like any other not-found error; the web download says 404.
- The knowability behind a client report loads the client's record once and slices it at every
  date it changed in memory: the statements a report sends do not grow with its signals
  (loading the record per changed date sent ~5 statements per signal).
- The exposure report loads the records of all its clients in bulk: its statements do not grow
  with the number of high-risk clients (one knowability per client sent ~10 each).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from duediligence.db.enums import EngagementKind, Severity, SignalKind
from duediligence.db.models import Assessment, Client
from duediligence.errors import NoAssessmentError, NotFoundError
from duediligence.reporting.context import client_report, exposure_report
from duediligence.reporting.pack import build_pack
from duediligence.reporting.render import find_assessment, render_client_report
from duediligence.risk import assess_client, load_scorer
from duediligence.risk.knowability import knowability, knowability_of_clients
from tests.factories import make_client, make_engagement, make_signal


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    """The SQL statements the session's engine sends inside the block."""
    sent: list[str] = []
    engine = session.get_bind()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _assessments(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Assessment)) or 0


def test_rendering_never_assesses(session: Session, tmp_path: Path) -> None:
    client = make_client(session, external_ref="NEW-1")
    session.commit()
    with pytest.raises(NoAssessmentError) as raised:
        render_client_report(session=session, client="NEW-1", reports_dir=tmp_path / "out")
    assert "no assessment of NEW-1; run `duediligence assess NEW-1` first" in str(raised.value)
    assert isinstance(raised.value, NotFoundError) and raised.value.exit_code == 2
    with pytest.raises(NoAssessmentError):
        find_assessment(session=session, client=client.id)
    assert _assessments(session) == 0 and not (tmp_path / "out").exists()
    assess_client(session=session, client=client.id, as_of=date(2024, 1, 1), actor="system")
    with pytest.raises(NoAssessmentError, match="run `duediligence assess NEW-1 --as-of 2023-06"):
        render_client_report(
            session=session, client="NEW-1", as_of=date(2023, 6, 1), reports_dir=tmp_path
        )
    assert _assessments(session) == 1
    path, _ = render_client_report(
        session=session, client="NEW-1", as_of=date(2024, 1, 1), reports_dir=tmp_path
    )
    assert path.is_file() and _assessments(session) == 1


def test_a_pack_never_assesses(session: Session, tmp_path: Path) -> None:
    from duediligence.keys import init_key, installation_signer

    init_key(tmp_path / "keys", name="test")
    make_client(session, external_ref="NEW-2")
    session.commit()
    with pytest.raises(NoAssessmentError):
        build_pack(
            session=session,
            client="NEW-2",
            reports_dir=tmp_path / "reports",
            models_dir=tmp_path / "models",
            signer=installation_signer(tmp_path / "keys"),
            checkpoint_file=tmp_path / "checkpoints.jsonl",
        )
    assert _assessments(session) == 0


def test_cli_report_of_an_unassessed_client_says_what_to_run(cli: Any, session: Session) -> None:
    make_client(session, external_ref="NEW-3")
    session.commit()
    result = cli("report", "client", "NEW-3")
    assert result.exit_code == 2, result.output
    assert "duediligence assess NEW-3" in " ".join(result.output.split())
    assert _assessments(session) == 0
    assert cli("assess", "NEW-3").exit_code == 0
    assert cli("report", "client", "NEW-3").exit_code == 0


def _client_with_signals(session: Session, ref: str, signals: int) -> Client:
    """A client with ``signals`` adverse items, one a month from 2015, and a contract a year:
    a record that changes at every signal and crosses into high risk."""
    client = make_client(session, external_ref=ref, name=f"{ref} Trading Ltd")
    for i in range(signals):
        make_signal(
            session,
            client,
            kind=SignalKind.LEGAL_ACTION if i % 4 == 0 else SignalKind.NEWS,
            title=f"{ref} item {i}: forced labour on its ships",
            published_at=date(2015, 1, 5) + timedelta(days=30 * i),
            label="forced_labour",
            severity=Severity.CONVICTION if i % 4 == 0 else Severity.ALLEGATION,
            credibility=0.9,
            role="subject",
        )
    for year in range(2015, 2024):
        make_engagement(
            session, client, date=date(year, 3, 1), kind=EngagementKind.RENEWAL, description="x"
        )
    return client


def test_client_report_statements_do_not_grow_with_the_signals(session: Session) -> None:
    few = _client_with_signals(session, "FEW", 2)
    many = _client_with_signals(session, "MANY", 40)
    session.commit()
    sent: dict[str, int] = {}
    for client in (few, many):
        assessment = assess_client(
            session=session, client=client.id, as_of=date(2024, 1, 1), actor="system"
        )
        session.commit()
        session.expire_all()
        with statements(session) as log:
            ctx = client_report(session=session, assessment=assessment)
        sent[client.external_ref] = len(log)
        assert ctx["signals_considered"] == (2 if client is few else 40)
    assert len(ctx["knowability"]["timeline"]) >= 40  # re-scored at every signal's date
    assert ctx["knowability"]["knowable_since"] is not None
    # A fixed number of statements, whatever the record: 40 signals cost what 2 cost.
    assert sent["MANY"] == sent["FEW"], sent
    assert sent["MANY"] <= 20, sent


def test_exposure_report_statements_do_not_grow_with_the_clients(session: Session) -> None:
    def exposure_statements() -> tuple[int, int]:
        session.expire_all()
        with statements(session) as log:
            report = exposure_report(session=session)
        return len(log), len(report["clients"])

    for i in range(2):
        client = _client_with_signals(session, f"RISK-{i}", 8)
        assess_client(session=session, client=client.id, actor="system")  # current, not historical
    session.commit()
    few, listed_few = exposure_statements()
    for i in range(2, 12):
        client = _client_with_signals(session, f"RISK-{i}", 8)
        assess_client(session=session, client=client.id, actor="system")  # current, not historical
    session.commit()
    many, listed_many = exposure_statements()
    # every one of them crossed into high risk, with engagements after
    assert (listed_few, listed_many) == (2, 12)
    assert many == few, (few, many)
    assert many <= 15, many


def test_knowability_in_bulk_equals_one_client_at_a_time(session: Session) -> None:
    """Records loaded together up to the latest date and cut at each client's own date give
    the answers of one knowability per client (including one never high, one cut before its
    crossing, one a client with nothing on record)."""
    clients = [
        _client_with_signals(session, "BULK-A", 12),
        _client_with_signals(session, "BULK-B", 30),
        make_client(session, external_ref="BULK-C"),
    ]
    session.commit()
    scorer = load_scorer(session=session)
    wanted = [
        (clients[0].id, date(2024, 1, 1), scorer),
        (clients[1].id, date(2015, 2, 1), scorer),  # before most of its record
        (clients[2].id, date(2020, 1, 1), scorer),
        (clients[1].id, date(2024, 1, 1), scorer),
    ]
    bulk = knowability_of_clients(session=session, wanted=wanted, chunk_size=3)
    single = [
        knowability(session=session, client=cid, until=until, model=m) for cid, until, m in wanted
    ]
    assert bulk == single
    assert bulk[0].knowable_since is not None and bulk[0].engagements_after
    assert bulk[1].timeline != bulk[3].timeline
