"""Multi-name, multi-country screening with structured features; the one birth-date parser."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from duediligence.errors import InputError
from duediligence.matching.screening import (
    BIRTH_YEAR_BONUS,
    BIRTH_YEAR_PENALTY,
    COUNTRY_BONUS,
    FEATURE_NAMES,
    FEATURES,
    HitFeature,
    get_index,
    parse_birth_date,
    screen_entity,
)
from tests.factories import make_entity, make_watchlist


def _lists(session: Session) -> None:
    snap = make_watchlist(session, "test-sdn")
    make_entity(
        session,
        snap,
        "SALEK, Abdulhai",
        source_id="100",
        birth_dates=["1970-05-01"],
        countries=["AF"],
    )
    make_entity(session, snap, "HADDAD, Yusuf", source_id="101", countries=["LB"])
    other = make_watchlist(session, "other-list")
    make_entity(session, other, "SALEK, Abdulhai", source_id="900", countries=["PK"])
    session.commit()


def test_several_names_and_countries_keep_each_entitys_best_hit(session: Session) -> None:
    _lists(session)
    index = get_index(session=session)
    hits = screen_entity(
        index,
        ["Nobody At All", "Abdulhai Salik", "  ", "Yusuf Hadad"],
        schema="Person",
        countries=["us", "af", "LB"],
        birth_date="1970-05",
    )
    by_id = {(h.list_name, h.source_id): h for h in hits}
    assert set(by_id) == {("test-sdn", "100"), ("test-sdn", "101"), ("other-list", "900")}
    salek = by_id[("test-sdn", "100")]
    # The name and country that gave the best hit are said: the listed country lifts a near
    # name (0.925) above the first country's try.
    assert salek.query_name == "Abdulhai Salik" and salek.query_country == "AF"
    assert by_id[("test-sdn", "101")].query_name == "Yusuf Hadad"
    assert by_id[("test-sdn", "101")].query_country == "LB"
    # Structured features, name similarity first, from the declared list only.
    names = [f.feature for f in salek.features]
    assert names == ["name_similarity", "birth_year_match", "country_match"]
    assert set(names) <= FEATURE_NAMES
    first = salek.features[0]
    assert first.value == round(salek.name_score, 4) and first.weight == 1.0
    assert first.explanation == salek.explanation and first.explanation
    assert salek.features[1] == HitFeature(
        "birth_year_match", 1.0, BIRTH_YEAR_BONUS, "birth year 1970 matches the list (+0.05)"
    )
    assert salek.features[2].value == 1.0 and salek.features[2].weight == COUNTRY_BONUS
    # The score is the name similarity plus value x weight of the others (capped at 1).
    expected = min(1.0, sum(f.value * f.weight for f in salek.features))
    assert salek.score == pytest.approx(expected, abs=1e-4)
    assert salek.adjustments == [f.explanation for f in salek.features[1:]]
    assert salek.feature_values() == {
        "name_similarity": first.value,
        "birth_year_match": 1.0,
        "country_match": 1.0,
    }
    # Ranked by score: the corroborated entry first.
    assert hits[0] is salek and [h.score for h in hits] == sorted(
        (h.score for h in hits), reverse=True
    )


def test_list_filter_birth_year_penalty_and_bad_input(session: Session) -> None:
    _lists(session)
    index = get_index(session=session)
    only = screen_entity(index, ["Abdulhai Salek"], schema="Person", list_name="other-list")
    assert [h.source_id for h in only] == ["900"]
    older = screen_entity(
        index, ["Abdulhai Salek"], schema="Person", birth_date="1950", threshold=0.5
    )
    listed = next(h for h in older if h.source_id == "100")
    penalty = listed.features[1]
    assert (penalty.feature, penalty.value, penalty.weight) == (
        "birth_year_match",
        -1.0,
        BIRTH_YEAR_PENALTY,
    )
    assert listed.score == pytest.approx(listed.name_score - BIRTH_YEAR_PENALTY, abs=1e-4)
    with pytest.raises(InputError, match="name"):
        screen_entity(index, ["", "   "], schema="Person")
    with pytest.raises(InputError, match="YYYY"):
        screen_entity(index, ["Abdulhai Salek"], schema="Person", birth_date="May 1970")
    with pytest.raises(InputError, match="schema"):
        screen_entity(index, ["Abdulhai Salek"], schema="Planet")


def test_api_features_are_the_hits_features(session: Session) -> None:
    from duediligence.web.api import FEATURES as API_FEATURES
    from duediligence.web.api import EntityMatchQuery, match_entities

    _lists(session)
    query = {
        "schema": "Person",
        "properties": {
            "name": ["Nobody At All"],
            "alias": ["Abdulhai Salik"],
            "country": ["us", "af"],
            "birthDate": ["1970-05-01"],
        },
    }
    body = EntityMatchQuery.model_validate({"queries": {"q": query}})
    response = match_entities(
        session=session, dataset="test-sdn", body=body, limit=5, threshold=0.8, cutoff=0.5
    )
    results = response.responses["q"].results
    hits = screen_entity(
        get_index(session=session),
        ["Nobody At All", "Abdulhai Salik"],
        schema="Person",
        countries=["us", "af"],
        birth_date="1970-05-01",
        threshold=0.5,
        list_name="test-sdn",
    )
    assert [r.id for r in results] == [f"test-sdn-{h.source_id}" for h in hits]
    assert [r.features for r in results] == [h.feature_values() for h in hits]
    assert results[0].features == {
        "name_similarity": hits[0].features[0].value,
        "birth_year_match": 1.0,
        "country_match": 1.0,
    }
    assert results[0].explanation == [f.explanation for f in hits[0].features]
    # The API documents every declared feature with its declared weight.
    assert {k: v.coefficient for k, v in API_FEATURES.items()} == {
        f.name: f.weight for f in FEATURES
    }
    bad = EntityMatchQuery.model_validate(
        {"queries": {"q": {**query, "properties": {"name": ["x"], "birthDate": ["1970-13"]}}}}
    )
    answer = match_entities(
        session=session, dataset="default", body=bad, limit=5, threshold=0.8, cutoff=0.5
    )
    assert answer.responses["q"].status == 400
    assert "YYYY" in (answer.responses["q"].detail or "")


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("1970", "1970"),
        (" 1970-05 ", "1970-05"),
        ("1970-05-01", "1970-05-01"),
        (date(1970, 5, 1), "1970-05-01"),
        ("", None),
        (None, None),
    ],
)
def test_parse_birth_date_accepts(raw: str | date | None, parsed: str | None) -> None:
    assert parse_birth_date(raw) == parsed


@pytest.mark.parametrize("raw", ["May 1970", "70", "1970-5", "1970-13", "1970-02-30", "1970x"])
def test_parse_birth_date_refuses(raw: str) -> None:
    with pytest.raises(InputError, match="YYYY, YYYY-MM or YYYY-MM-DD"):
        parse_birth_date(raw)
