"""Weak aliases: stored apart from full names by all three list formats, screened as weak
(below the threshold alone, a hit when a birth date, nationality or identifier agrees), and
said so in the explanation. Inputs are our own."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.models import WatchlistEntity
from duediligence.ingest.watchlists import import_watchlist, un
from duediligence.matching import DEFAULT_THRESHOLD, screen
from duediligence.matching.screening import WEAK_ALIAS_CAP
from tests.factories import make_entity, make_watchlist

UN_XML = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-05T00:00:00">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>777001</DATAID>
      <FIRST_NAME>TOMAS</FIRST_NAME>
      <SECOND_NAME>VRANJES</SECOND_NAME>
      <UN_LIST_TYPE>Test</UN_LIST_TYPE>
      <LISTED_ON>2020-02-03</LISTED_ON>
      <INDIVIDUAL_ALIAS>
        <QUALITY>Good</QUALITY><ALIAS_NAME>TOMO VRANJES</ALIAS_NAME>
      </INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS>
        <QUALITY>Low</QUALITY><ALIAS_NAME>The Captain</ALIAS_NAME>
      </INDIVIDUAL_ALIAS>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES/>
</CONSOLIDATED_LIST>
"""


def _weak_list(session: Session) -> None:
    snap = make_watchlist(session, "weak-test")
    make_entity(
        session,
        snap,
        "MORALES QUINTERO, Esteban",
        source_id="w1",
        names=["MORALES QUINTERO, Esteban"],
        weak_names=["Pedro Gomez"],  # a common two-word name, listed as a weak a.k.a.
        birth_dates=["1968-07-04"],
        countries=["CO"],
        identifiers=["CC7788990"],
    )
    session.commit()


def test_weak_alias_alone_is_below_threshold_and_explained(session: Session) -> None:
    _weak_list(session)
    assert screen(session=session, name="Pedro Gomez", schema="Person") == []
    weak = screen(session=session, name="Pedro Gomez", schema="Person", threshold=0.5)
    assert len(weak) == 1 and weak[0].weak_alias and weak[0].score <= WEAK_ALIAS_CAP
    assert "weak alias 'Pedro Gomez' only" in weak[0].adjustments[0]


def test_weak_alias_corroborated_by_birth_date_country_or_id(session: Session) -> None:
    _weak_list(session)
    for kwargs in ({"birth_date": "1968"}, {"country": "co"}, {"identifiers": ["CC-7788990"]}):
        hits = screen(session=session, name="Pedro Gomez", schema="Person", **kwargs)  # type: ignore[arg-type]
        assert hits and hits[0].score >= DEFAULT_THRESHOLD, kwargs
        assert "corroborated by" in hits[0].adjustments[0]
    other_year = screen(session=session, name="Pedro Gomez", schema="Person", birth_date="1990")
    assert other_year == []


def test_full_name_still_a_full_hit(session: Session) -> None:
    _weak_list(session)
    hits = screen(session=session, name="Esteban Morales Quintero", schema="Person")
    assert hits and not hits[0].weak_alias and hits[0].score >= DEFAULT_THRESHOLD


def test_un_low_quality_alias_is_weak(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text(UN_XML, encoding="utf-8")
    [entity] = [e for e in un.parse(path) if hasattr(e, "weak_names")]
    assert entity.weak_names == ["The Captain"]
    assert "TOMO VRANJES" in entity.names and "The Captain" not in entity.names


def test_ftm_weak_alias_is_weak(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "ftm.jsonl"
    record = {
        "id": "wk-1",
        "schema": "Person",
        "properties": {"name": ["Lena Marsh"], "weakAlias": ["Bird"], "alias": ["Helena Marsh"]},
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    import_watchlist(session=session, path=path, fmt="ftm", name="ftm-weak")
    session.commit()
    stored = session.scalar(select(WatchlistEntity).where(WatchlistEntity.source_id == "wk-1"))
    assert stored is not None
    assert stored.weak_names == ["Bird"]
    assert "Bird" not in stored.names and "Helena Marsh" in stored.names
