"""The batch's fast loader gives exactly what risk's ``score_clients`` gives."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.batch.fastload import score_clients_fast
from duediligence.batch.runner import current_versions
from duediligence.db.base import utcnow
from duediligence.db.enums import MatchStatus, ReviewStatus
from duediligence.db.models import Client, ScreeningMatch, Signal
from duediligence.risk.assess import score_clients
from tests.batch.conftest import MODELS
from tests.factories import make_entity, make_watchlist
from tests.risk.conftest import sample_session  # noqa: F401 - fixture


@pytest.mark.parametrize("as_of", [date(2012, 6, 1), date(2016, 1, 1), date(2025, 1, 1)])
def test_fast_path_equals_score_clients(
    sample_session: Session,  # noqa: F811
    as_of: date,
) -> None:
    session = sample_session
    ids = list(session.scalars(select(Client.id).order_by(Client.id)))
    # Matches of every status, and a dismissed signal, so every filter is exercised.
    snapshot = make_watchlist(session, "fast-list")
    for n, status in enumerate([MatchStatus.PENDING, MatchStatus.CONFIRMED, MatchStatus.DISMISSED]):
        entity = make_entity(session, snapshot, f"Listed {n}")
        session.add(
            ScreeningMatch(
                client_id=ids[n],
                subject_key=f"client:{ids[n]}",
                subject_name="x",
                entity_id=entity.id,
                snapshot_id=snapshot.id,
                score=0.9,
                matcher_version="t",
                status=status,
                decided_at=utcnow() if status != MatchStatus.PENDING else None,
            )
        )
    first = session.scalar(select(Signal).where(Signal.client_id.is_not(None)).limit(1))
    assert first is not None
    first.review_status = ReviewStatus.DISMISSED
    session.commit()
    scorer, _ = current_versions(session, MODELS)
    expected = score_clients(session, ids, as_of, model=scorer)
    fast = score_clients_fast(
        session, ids, as_of, model=scorer, signal_model_version=expected[0].signal_model_version
    )
    assert [vars(r) for r in fast] == [vars(r) for r in expected]
    assert any(r.rule_hits for r in fast) and any(r.explanation["factors"] for r in fast)
