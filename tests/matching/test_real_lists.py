"""Screening against the real OFAC 2021 and UN lists (skipped when ../shared is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from duediligence.ingest.watchlists import import_watchlist
from duediligence.matching import screen

pytestmark = pytest.mark.slow  # imports the real OFAC and UN lists


@pytest.fixture
def real_lists(session: Session, shared_data: Path) -> Session:
    import_watchlist(session=session, path=shared_data / "watchlists" / "ofac-sdn-2021", fmt="ofac")
    import_watchlist(
        session=session, path=shared_data / "watchlists" / "un" / "consolidated.xml", fmt="un"
    )
    session.commit()
    return session


def _sources(hits: list) -> set[tuple[str, str]]:
    return {(h.list_name, h.source_id) for h in hits}


def test_real_names_are_found_with_list_identifiers(real_lists: Session) -> None:
    s = real_lists
    # OFAC entity numbers and UN DATAIDs are what the hits report.
    bank = screen(session=s, name="Banco Nacional de Cuba", schema="Company")
    assert bank[0].source_id == "306" and bank[0].score == 1.0
    badege = screen(session=s, name="Eric Badege", schema="Person")
    assert any(h.source_id == "6907993" for h in badege)
    # Word order, commas and a typo.
    assert "16669" in {
        h.source_id for h in screen(session=s, name="Arkady Rotenburg", schema="Person")
    }
    # Cyrillic query against the Latin list.
    assert "16669" in {
        h.source_id for h in screen(session=s, name="Аркадий Ротенберг", schema="Person")
    }


def test_birth_year_separates_relatives(real_lists: Session) -> None:
    s = real_lists
    hits = screen(session=s, name="Boris Rotenberg", schema="Person", birth_date="1957-01-03")
    assert hits[0].source_id == "16671"
    assert any("birth year 1957 matches" in a for a in hits[0].adjustments)
    wrong = screen(
        session=s, name="Boris Rotenberg", schema="Person", birth_date="1990", threshold=0.0
    )
    boris = next(h for h in wrong if h.source_id == "16671")
    assert boris.score < 0.8 and "differs" in boris.adjustments[0]
    # Brothers are not each other.
    assert "16671" not in {
        h.source_id for h in screen(session=s, name="Arkady Rotenberg", schema="Person")
    }


def test_unlisted_names_do_not_hit(real_lists: Session) -> None:
    s = real_lists
    for name in ["Quarry Manufacturing GmbH", "Harbor Logistics Ltd", "Emma Daniels"]:
        assert screen(session=s, name=name) == [], name
