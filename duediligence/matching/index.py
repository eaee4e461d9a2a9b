"""A candidate index over names, so a query is compared only with plausible candidates.

Blocking keys per name token: the transliteration-folded spelling and the phonetic key (so
typos and transliteration variants still meet). Postings are compact integer arrays. A query
collects the names sharing its distinctive keys, ranks them by how much weight they share and
fully compares only the best few dozen.
"""

from __future__ import annotations

import functools
import gc
import math
from array import array
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import OSA

from duediligence.matching import scripts
from duediligence.matching.compare import (
    MIN_TOKEN_SIMILARITY,
    NUMBERS_DIFFER_CAP,
    NameMatch,
    PreparedName,
    _skeleton,
    compare_prepared,
    prepare_name,
    reaches,
    score_bounds,
)

MAX_CANDIDATES = 60
TYPO_KEY_WEIGHT = 1.0
# A key shared by more names than this is too common to select candidates on its own.
COMMON_KEY = 20_000
# Query words whose near spelling keys are kept per index (the cache is emptied when full).
NEAR_CACHE_SIZE = 100_000


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees memory)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class IndexedName:
    """One name of one record in the index."""

    record: int  # position of the record (entity or client) the name belongs to
    name: str
    schema: str
    weak: bool = False  # a weak alias (OFAC remarks a.k.a., UN QUALITY Low, FtM weakAlias)


@functools.lru_cache(maxsize=1_000_000)
def _token_keys(
    folded: str, phonetic: str | None, skeleton: str, korean: str = ""
) -> tuple[tuple[str, float], ...]:
    """Blocking keys of one token: spelling, sound, consonants, a prefix for long words, and
    for a Korean syllable its reading across writings (Hangul, Cyrillic, McCune-Reischauer,
    Revised: "Чен", "정" and "Jong" share it, as :func:`scripts.korean_fold_loose` folds)."""
    keys = [("f:" + folded, 1.0)]
    if phonetic:
        keys.append(("p:" + phonetic, 0.8))
    if skeleton:
        keys.append(("s:" + skeleton, 0.7))
    if len(folded) > 5:
        keys.append(("x:" + folded[:5], 0.5))
    if korean:
        keys.append(("k:" + scripts.korean_fold_loose(korean), 0.9))
    return tuple(keys)


@functools.lru_cache(maxsize=200_000)
def _deletes(word: str) -> tuple[str, ...]:
    """``word`` with one letter dropped, every way (symmetric-delete spelling keys)."""
    return tuple(dict.fromkeys(word[:i] + word[i + 1 :] for i in range(len(word))))


def _keys(prepared: PreparedName) -> list[tuple[str, float]]:
    keys: dict[str, float] = {}
    single = len(prepared.tokens) == 1
    for token in prepared.tokens:
        if token.weight < 1.0 and not single:
            continue  # generic words do not select candidates
        for key, weight in _token_keys(token.folded, token.phonetic, token.skeleton, token.korean):
            if weight > keys.get(key, 0.0):
                keys[key] = weight
    return list(keys.items())


# The place of a record whose names were all left out by search()'s min_score (below any).
_NOT_COMPARED = (-1, NameMatch(-1.0, "not compared"))


class NameIndex:
    """Names of many records, with blocking keys for fast candidate retrieval.

    Kept compact for large lists: record numbers in an integer array, one shared token object
    per distinct spelling (see :func:`~duediligence.matching.compare.prepare_name`), postings
    as integer arrays.
    """

    def __init__(self) -> None:
        self._records: array[int] = array("i")
        self._names: list[str] = []
        self._schemas: list[str] = []
        self._prepared: list[PreparedName] = []
        self._weak: set[int] = set()  # positions of weak aliases
        # square root of the number of comparable words of each name (at least 1)
        self._roots: array[float] = array("d")
        # one-letter deletions of the indexed words (4+ letters) -> the words
        self._deletions: dict[str, list[str]] = {}
        self._postings: dict[str, array[int]] = {}
        # query word -> its near spelling keys (see _near_keys); emptied when a name is added
        self._near: dict[str, list[tuple[str, float]]] = {}

    def __len__(self) -> int:
        return len(self._names)

    @property
    def names(self) -> list[IndexedName]:
        """Every indexed name (built on demand)."""
        return [self.name_at(position) for position in range(len(self._names))]

    def name_at(self, position: int) -> IndexedName:
        """The indexed name at ``position``."""
        return IndexedName(
            self._records[position],
            self._names[position],
            self._schemas[position],
            position in self._weak,
        )

    def add(self, record: int, name: str, schema: str, *, weak: bool = False) -> None:
        """Index ``name`` (of ``schema``) for the record at position ``record``; ``weak`` marks
        a weak alias."""
        prepared = prepare_name(name, schema)
        if not prepared.tokens:
            return
        if self._near:
            self._near.clear()
        position = len(self._names)
        self._records.append(record)
        self._names.append(name)
        self._schemas.append(prepared.schema)
        self._prepared.append(prepared)
        self._roots.append(math.sqrt(max(1, round(prepared.total_weight))))
        if weak:
            self._weak.add(position)
        postings = self._postings
        for key, _weight in _keys(prepared):
            posting = postings.get(key)
            if posting is None:
                postings[key] = array("i", (position,))
                if key.startswith("f:") and len(key) >= 6:  # a new word of 4+ letters
                    word = key[2:]
                    for deleted in _deletes(word):
                        self._deletions.setdefault(deleted, []).append(word)
            else:
                posting.append(position)

    def add_many(self, rows: Iterable[tuple[int, str, str]]) -> None:
        """Index ``(record, name, schema)`` rows.

        The cyclic garbage collector is paused meanwhile: the index creates millions of
        long-lived objects and no reference cycles, and full collections while it grows would
        scan all of them again and again.
        """
        with gc_paused():
            for record, name, schema in rows:
                self.add(record, name, schema)

    def candidates(self, query: PreparedName, limit: int = MAX_CANDIDATES) -> list[int]:
        """Positions of the names most likely to match ``query``.

        Each word of the query counts once per candidate, by its best key there (its spelling,
        sound, consonants, prefix, or a spelling a typo away), weighted by the key's rarity:
        a common word matched by three keys does not outweigh a rare word matched by one.
        """
        postings = self._postings
        total = len(self._names) + 1
        scores: dict[int, float] = {}
        fallback: tuple[str, float] | None = None
        for group in self._key_groups(query):
            best: dict[int, float] = {}
            for key, weight in group:
                posting = postings.get(key)
                if posting is None:
                    continue
                if len(posting) > COMMON_KEY:
                    fallback = fallback or (key, weight)
                    continue
                # Rare keys say more than common ones (Asir than Abu): weight by rarity.
                weight *= math.log(1 + total / len(posting))
                if not best:  # (weights are positive; a posting holds a position once)
                    best = dict.fromkeys(posting, weight)
                    continue
                get = best.get
                for position in posting:
                    if weight > get(position, 0.0):
                        best[position] = weight
            if not scores:
                scores = best
                continue
            get = scores.get
            for position, weight in best.items():
                scores[position] = get(position, 0.0) + weight
        if not scores and fallback is not None:
            for position in postings[fallback[0]]:
                scores[position] = scores.get(position, 0.0) + fallback[1]
        if not scores:
            return []
        # Shared weight per word of the candidate: a short list name whose words the query has
        # ("JANAN AGHA" for "Agha Haji Abdul Manan") ranks above long names sharing only common
        # words. (A stable sort on precomputed keys: ties keep the order positions were found.)
        roots = self._roots
        positions = list(scores)
        keys = [-weight / roots[position] for position, weight in scores.items()]
        order = sorted(range(len(positions)), key=keys.__getitem__)
        return [positions[k] for k in order[:limit]]

    def _key_groups(self, query: PreparedName) -> list[list[tuple[str, float]]]:
        """The blocking keys of each word of the query (and of each two words written
        together), with the spelling keys of the index's words one or two edits away: words
        the comparer accepts as typos ("Asim" / "Asir") share no key of their own. They are
        found through the words' one-letter deletions (symmetric delete), kept once per
        distinct word, not per name."""
        tokens = query.tokens
        single = len(tokens) == 1
        groups: list[list[tuple[str, float]]] = []
        words: list[tuple[str, list[tuple[str, float]]]] = []
        for t in tokens:
            if t.weight < 1.0 and not single:
                continue  # generic words do not select candidates
            group = list(_token_keys(t.folded, t.phonetic, t.skeleton, t.korean))
            if not t.skeleton and not t.numeric and len(t.latin) > 2:
                # A Latin word against a name written without vowels (Arabic ...): the
                # consonant keys such names are indexed under.
                group.append(("s:" + _skeleton(t.core), 0.7))
            groups.append(group)
            if not (t.numeric or t.acronym):
                words.append((t.folded, group))
        # Two words of the query written together ("Abd al" / "Abdul") are a word too.
        for k in range(len(tokens) - 1):
            if not (tokens[k].numeric or tokens[k + 1].numeric):
                together = tokens[k].folded + tokens[k + 1].folded
                joined: list[tuple[str, float]] = [("f:" + together, 1.0)]
                groups.append(joined)
                words.append((together, joined))
        for word, group in words:
            if len(word) >= 4:
                group.extend(self._near_keys(word))
        return groups

    def _near_keys(self, word: str) -> list[tuple[str, float]]:
        """The spelling keys of the index's words one or two edits away from ``word`` that the
        comparer could accept, weighted by how close they are (kept per word until the index
        changes: common query words recur)."""
        found = self._near.get(word)
        if found is not None:
            return found
        postings = self._postings
        deletions = self._deletions
        near: set[str] = set()
        for variant in (word, *_deletes(word)):
            if "f:" + variant in postings:
                near.add(variant)
            near.update(deletions.get(variant, ()))
        found = []
        # Sorted: a set's order follows the string hash seed, and key order decides the order
        # of candidates that tie, so the same query would get other candidates per process.
        for other in sorted(near):
            sim = OSA.normalized_similarity(word, other)
            if sim >= MIN_TOKEN_SIMILARITY and other != word:
                found.append(("f:" + other, TYPO_KEY_WEIGHT * sim))
        if len(self._near) >= NEAR_CACHE_SIZE:
            self._near.clear()
        self._near[word] = found
        return found

    def search(
        self, name: str, schema: str, *, limit: int = MAX_CANDIDATES, min_score: float = 0.0
    ) -> list[tuple[IndexedName, NameMatch]]:
        """Fully compare ``name`` with its candidates; best first, at most one result per record
        and kind of name: a record's best full name, and its best weak alias when that scores
        higher (the caller decides what a weak alias alone is worth).

        ``min_score`` (0 to 1) leaves out the results scoring below it, so callers that keep
        only those save the work on the others; the results at or above it are the same as
        without it. Candidates whose numbers differ from the query's are not compared when
        ``min_score`` exceeds :data:`~duediligence.matching.compare.NUMBERS_DIFFER_CAP`:
        :func:`~duediligence.matching.compare.compare_prepared` caps such pairs at that score;
        nor those whose :func:`~duediligence.matching.compare.score_bound` is below
        ``min_score``.
        """
        query = prepare_name(name, schema)
        # A LegalEntity query (the schema when the caller does not know) meets a listed
        # Person as a person: FollowTheMoney's common schema of the two is Person. Read as a
        # company name it would lose the words that are stop words in company names
        # ("Kim Jong Un" -> "kim jong", which then matched "KIM, Yo Jong" at 0.92).
        as_person = query
        if schema == "LegalEntity":
            person = prepare_name(name, "Person")
            if len(person.tokens) != len(query.tokens) or any(
                a is not b for a, b in zip(person.tokens, query.tokens, strict=False)
            ):
                as_person = person
        if not query.tokens and not as_person.tokens:
            return []
        best: dict[tuple[int, bool], tuple[int, NameMatch]] = {}
        records, weak_names, prepared = self._records, self._weak, self._prepared
        skip_numbers = min_score > NUMBERS_DIFFER_CAP
        bounded = min_score > 0
        positions = self.candidates(query, limit) if query.tokens else []
        if as_person is not query:
            seen = set(positions)
            positions += [p for p in self.candidates(as_person, limit) if p not in seen]
        others = [prepared[position] for position in positions]
        queries = [as_person if other.schema == "Person" else query for other in others]
        # Candidates whose numbers differ are not bounded (they are skipped anyway); the
        # bounds of the others are computed together, per form of the query (score_bounds:
        # the same values as score_bound).
        below: set[int] = set()
        if bounded:
            for form in {id(q): q for q in queries}.values():
                bounded_at = [
                    k
                    for k, other in enumerate(others)
                    if queries[k] is form and (not skip_numbers or other.numbers == form.numbers)
                ]
                bounds = score_bounds(form, [others[k] for k in bounded_at])
                below.update(
                    k
                    for k, bound in zip(bounded_at, bounds, strict=True)
                    if not reaches(bound, min_score)
                )
        for k, position in enumerate(positions):
            other = others[k]
            key = (records[position], position in weak_names)
            if (skip_numbers and other.numbers != queries[k].numbers) or k in below:
                # Certainly below min_score (numbers differ: at most NUMBERS_DIFFER_CAP; or
                # score_bound): not compared, but the record keeps its place in the order.
                best.setdefault(key, _NOT_COMPARED)
                continue
            if not queries[k].tokens:
                continue
            match = compare_prepared(queries[k], other)
            current = best.get(key)
            if current is None or match.score > current[1].score:
                best[key] = (position, match)
        results = []
        for (record, weak), (position, match) in best.items():
            if match.score < min_score:
                continue
            if weak:
                strong = best.get((record, False))
                if strong is not None and strong[1].score >= match.score:
                    continue
            results.append((self.name_at(position), match))
        return sorted(results, key=lambda item: -item[1].score)

    def stats(self) -> dict[str, Any]:
        """Size figures of the index."""
        return {
            "names": len(self._names),
            "keys": len(self._postings),
            "postings": sum(len(p) for p in self._postings.values()),
        }
