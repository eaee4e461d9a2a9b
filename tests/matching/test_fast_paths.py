"""The speed-ups of name matching (issue 15) give the same answers as the plain computation:

- the one-letter-word pre-check never hides initials that ``_INITIALS`` would find;
- ``NameIndex.search(min_score=...)`` returns exactly the results of a plain search that
  score at least ``min_score`` (pairs whose numbers differ are skipped without comparison);
- ``score_bound`` is never below the score ``compare_prepared`` gives (so screening may skip
  the full comparison of the candidates whose bound is below its threshold);
- the candidate ranking equals a plain re-computation from the key groups, before and after
  the per-word cache of near spelling keys is filled, and that cache follows new names;
- the quick test of two plain words (``_quickly_different``, compiled edit similarities only)
  gives the word similarity the full rules give, for every word pair tried;
- ``score_bounds`` (one query against many candidates, per distinct word) gives exactly the
  values of ``score_bound`` one pair at a time.
"""

from __future__ import annotations

import math
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duediligence.matching.compare import (
    _INITIALS,
    _MAYBE_INITIALS,
    DEFAULT_THRESHOLD,
    NUMBERS_DIFFER_CAP,
    Token,
    _token_similarity,
    _word_similarity,
    compare_names,
    compare_prepared,
    may_reach,
    prepare_name,
    score_bound,
    score_bounds,
)
from duediligence.matching.index import COMMON_KEY, NameIndex
from sampledata.name_devset import build_devset

LIST_NAMES = [
    ("STAR 7 SHIPPING LTD", "Company"),
    ("STAR VII SHIPPING LTD", "Company"),
    ("STAR 8 SHIPPING LTD", "Company"),
    ("Star Shipping Limited", "Company"),
    ("BLUE MARLIN II", "Vessel"),
    ("K.L.M. Logistics", "Company"),
    ("KLM Logistics", "Company"),
    ("SMITH, John", "Person"),
    ("JONES, John S.", "Person"),
    ("Asir Qasim", "Person"),
    ("Abu Asim", "Person"),
    ("Usama bin Ladin", "Person"),
    ("Osama", "Person"),
    ("AL-QAIDA", "Organization"),
]
QUERIES = [
    ("Star 7 Shipping Co", "Company"),
    ("STAR SEVEN SHIPPING", "Company"),
    ("star 8 shipping", "Company"),
    ("Blue Marlin 2", "Vessel"),
    ("K-L-M Logistics", "Company"),
    ("John Smith", "Person"),
    ("Asim Qasim", "Person"),
    ("Osama bin Laden", "Person"),
    ("al qaida", "Organization"),
]


def _index(weak_every: int = 4) -> NameIndex:
    index = NameIndex()
    for record, (name, schema) in enumerate(LIST_NAMES):
        index.add(record, name, schema, weak=record % weak_every == 3)
    return index


@given(st.text(alphabet="abkl XY.-,'1é\u00a0", max_size=24))
@settings(max_examples=400, deadline=None)
def test_initials_need_a_one_letter_word(text: str) -> None:
    folded = text.casefold()
    if _MAYBE_INITIALS.search(folded) is None:
        assert list(_INITIALS.finditer(folded)) == []


def test_initials_pre_check_on_known_forms() -> None:
    for name in ["K.L.M. Logistics", "K-L-M", "A O Smith", "s.a. de c.v.", "x.y"]:
        assert _MAYBE_INITIALS.search(name.casefold()) is not None
        assert list(_INITIALS.finditer(name.casefold()))
    assert _MAYBE_INITIALS.search("klm logistics") is None


def _plain(index: NameIndex, name: str, schema: str, floor: float) -> list[tuple[str, float]]:
    return [(n.name, m.score) for n, m in index.search(name, schema) if m.score >= floor]


@pytest.mark.parametrize("floor", [0.0, 0.25, NUMBERS_DIFFER_CAP, 0.5, 0.8, 0.95])
def test_search_min_score_keeps_exactly_the_results_above_it(floor: float) -> None:
    index = _index()
    for name, schema in QUERIES:
        found = [(n.name, m.score) for n, m in index.search(name, schema, min_score=floor)]
        assert found == _plain(index, name, schema, floor)


def test_search_min_score_skips_only_pairs_capped_by_numbers() -> None:
    index = _index()
    plain = dict(_plain(index, "Star 7 Shipping Co", "Company", 0.0))
    assert plain["STAR 8 SHIPPING LTD"] <= NUMBERS_DIFFER_CAP  # compared: capped
    floored = dict(
        (n.name, m.score) for n, m in index.search("Star 7 Shipping Co", "Company", min_score=0.5)
    )
    assert "STAR 8 SHIPPING LTD" not in floored
    assert floored["STAR 7 SHIPPING LTD"] == plain["STAR 7 SHIPPING LTD"] >= 0.8
    assert compare_names("Star 7 Shipping Co", "STAR 8 SHIPPING LTD", "Company").score <= 0.3


def _reference_candidates(index: NameIndex, name: str, schema: str, limit: int) -> list[int]:
    """The ranking of NameIndex.candidates computed the plain way from the key groups."""
    query = prepare_name(name, schema)
    postings = index._postings
    total = len(index) + 1
    scores: dict[int, float] = defaultdict(float)
    fallback = None
    for group in index._key_groups(query):
        best: dict[int, float] = {}
        for key, weight in group:
            posting = postings.get(key)
            if posting is None:
                continue
            if len(posting) > COMMON_KEY:
                fallback = fallback or (key, weight)
                continue
            weight *= math.log(1 + total / len(posting))
            for position in posting:
                if weight > best.get(position, 0.0):
                    best[position] = weight
        for position, weight in best.items():
            scores[position] += weight
    if not scores and fallback is not None:
        for position in postings[fallback[0]]:
            scores[position] += fallback[1]
    sizes = [max(1, round(p.total_weight)) for p in index._prepared]
    ranked = sorted(scores.items(), key=lambda kv: -kv[1] / math.sqrt(sizes[kv[0]]))
    return [position for position, _ in ranked[:limit]]


def test_candidates_equal_the_plain_ranking() -> None:
    index = _index()
    for limit in (3, 60):
        for _ in range(2):  # the second round reads the near spelling keys from the cache
            for name, schema in QUERIES:
                query = prepare_name(name, schema)
                assert index.candidates(query, limit) == _reference_candidates(
                    index, name, schema, limit
                )


def test_near_spelling_cache_follows_new_names() -> None:
    index = NameIndex()
    index.add(0, "Bertrand Oulala", "Person")
    query = prepare_name("Marguerita", "Person")
    assert index.candidates(query) == []
    assert index._near_keys("marguerita") == []  # now kept for the word
    index.add(1, "Margerita Lopez", "Person")  # one letter away: a near spelling key
    assert [key for key, _ in index._near_keys("marguerita")] == ["f:margerita"]
    assert index.candidates(query) == [1]


@pytest.fixture(scope="module")
def devset_names() -> list[tuple[str, str]]:
    try:
        pairs = build_devset()
    except FileNotFoundError:
        pytest.skip("real lists not found beside the repository")
    names = {(p.left, p.schema) for p in pairs} | {(p.right, p.schema) for p in pairs}
    return sorted(names)


def test_devset_names_initials_pre_check(devset_names: list[tuple[str, str]]) -> None:
    for name, _ in devset_names:
        folded = name.casefold()
        if _MAYBE_INITIALS.search(folded) is None:
            assert list(_INITIALS.finditer(folded)) == [], name


def test_devset_search_floor_and_ranking(devset_names: list[tuple[str, str]]) -> None:
    index = NameIndex()
    for record, (name, schema) in enumerate(devset_names[::3]):
        index.add(record, name, schema, weak=record % 7 == 0)
    for name, schema in devset_names[1::40]:
        query = prepare_name(name, schema)
        assert index.candidates(query, 60) == _reference_candidates(index, name, schema, 60)
        for floor in (0.5, 0.8):
            found = [(n.name, m.score) for n, m in index.search(name, schema, min_score=floor)]
            assert found == _plain(index, name, schema, floor)


def test_score_bound_on_the_devset_pairs() -> None:
    try:
        pairs = build_devset()
    except FileNotFoundError:
        pytest.skip("real lists not found beside the repository")
    left_out = 0
    for pair in pairs:
        left, right = prepare_name(pair.left, pair.schema), prepare_name(pair.right, pair.schema)
        score = compare_prepared(left, right).score
        assert score <= round(score_bound(left, right) + 1e-9, 4), (pair.left, pair.right)
        for floor in (0.5, DEFAULT_THRESHOLD):
            if not may_reach(left, right, floor):
                left_out += 1
                assert score < floor, (pair.left, pair.right, floor)
    assert left_out > len(pairs) // 10  # the bound does leave pairs out


_BOUND_CASES = [
    ("John Smith", "John Brown", "Person"),  # one word shared: bound 0.5
    ("HADDAD ADEL", "HADDADADEL", "Person"),  # written together
    ("SIGMA TECH", "SIGMA TECHNOLOGIES", "Company"),
    ("STAR 7", "STAR 8", "Company"),
    ("Chan-o-cha Prayut", "ประยุทธ์ จันทร์โอชา", "Person"),
    ("Abd al Rahman", "عبد الرحمن", "Person"),
    ("DAH DASHT TRADING", "DAHDASHT", "Company"),
]


def test_score_bound_hand_cases() -> None:
    for a, b, schema in _BOUND_CASES:
        left, right = prepare_name(a, schema), prepare_name(b, schema)
        assert compare_prepared(left, right).score <= round(score_bound(left, right) + 1e-9, 4)
    john = prepare_name("John Smith", "Person"), prepare_name("John Brown", "Person")
    assert score_bound(*john) == 0.5 and not may_reach(*john, DEFAULT_THRESHOLD)
    assert may_reach(*john, 0.0)


def _same_as_full_rules(words: list[Token]) -> int:
    """Check every pair of ``words`` both ways, as persons and not; the pairs the quick test
    decided."""
    quick = 0
    cached = _token_similarity.__wrapped__  # type: ignore[attr-defined]
    for a in words:
        for b in words:
            for person in (False, True):
                expected = _word_similarity(a, b, person)
                assert cached(a, b, person) == expected, (a.latin, b.latin, person)
                quick += a.quick and b.quick and a.latin != b.latin and expected[0] == 0
    return quick


def test_quick_word_test_hand_cases() -> None:
    names = [
        ("Abdul Rahman Abd al Rahim Abdurrahman", "Person"),
        ("Petrov Petrovsky Petrova Ivan Ivanov", "Person"),
        ("Nemat Nematollah Habib Habibullah", "Person"),
        ("Mohammed Muhammad Mohamad Mahmoud Ahmed", "Person"),
        ("William Bill Robert Bob Katherine", "Person"),
        ("vanderberg van der Berg altikriti Tikriti", "Person"),
        ("Philipp Filip Chekhov Tchekhov Schmidt Shmidt", "Person"),
        ("SIGMA TECH TECHNOLOGIES HLDGS HOLDINGS", "Company"),
        ("STAR 7 SEVEN VII 1st First KLM", "Company"),
        ("Kim Jong Un Ким Чен Ын 김정은", "Person"),
        ("عبد الرحمن التكريتي Saddam", "Person"),
    ]
    words = list({t: None for name, schema in names for t in prepare_name(name, schema).tokens})
    assert _same_as_full_rules(words) > 100  # the quick test does decide pairs


@given(
    st.lists(
        st.text(alphabet="abcdehiklmnorstuvxyz", min_size=1, max_size=9), min_size=2, max_size=6
    ),
    st.sampled_from(["Person", "Company"]),
)
@settings(max_examples=300, deadline=None)
def test_quick_word_test_on_generated_words(words: list[str], schema: str) -> None:
    tokens = list(prepare_name(" ".join(words), schema).tokens)
    _same_as_full_rules(tokens)


def test_quick_word_test_on_devset_words(devset_names: list[tuple[str, str]]) -> None:
    tokens: dict[Token, None] = {}
    for name, schema in devset_names:
        tokens.update(dict.fromkeys(prepare_name(name, schema).tokens))
    words = list(tokens)
    # every word against a slice of the others (all pairs would take minutes)
    quick = 0
    cached = _token_similarity.__wrapped__  # type: ignore[attr-defined]
    for k, a in enumerate(words):
        for b in words[k % 401 :: 401]:
            for person in (False, True):
                expected = _word_similarity(a, b, person)
                assert cached(a, b, person) == expected, (a.latin, b.latin, person)
                quick += a.quick and b.quick and a.latin != b.latin and expected[0] == 0
    assert quick > 10_000


def test_score_bounds_equal_score_bound(devset_names: list[tuple[str, str]]) -> None:
    prepared = [prepare_name(name, schema) for name, schema in devset_names]
    index = NameIndex()
    for record, (name, schema) in enumerate(devset_names):
        index.add(record, name, schema)
    for query in prepared[::17]:
        others = [index._prepared[p] for p in index.candidates(query, 60)]
        others += prepared[::251]  # and names sharing nothing with the query
        assert score_bounds(query, others) == [score_bound(query, o) for o in others]
    hand = [prepare_name(a, s) for a, _, s in _BOUND_CASES] + [
        prepare_name(b, s) for _, b, s in _BOUND_CASES
    ]
    for query in hand:
        assert score_bounds(query, hand) == [score_bound(query, o) for o in hand]
