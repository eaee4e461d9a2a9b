"""A candidate index over names, so a query is compared only with plausible candidates.

Blocking keys per name token: the transliteration-folded spelling and the phonetic key (so
typos and transliteration variants still meet). Postings are compact integer arrays. A query
collects the names sharing its distinctive keys, ranks them by how much weight they share and
fully compares only the best few dozen.
"""

from __future__ import annotations

import functools
import gc
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from duediligence.matching.compare import (
    NameMatch,
    PreparedName,
    compare_prepared,
    prepare_name,
)

MAX_CANDIDATES = 40
# A key shared by more names than this is too common to select candidates on its own.
COMMON_KEY = 20_000


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


@functools.lru_cache(maxsize=1_000_000)
def _token_keys(folded: str, phonetic: str | None, skeleton: str) -> tuple[tuple[str, float], ...]:
    """Blocking keys of one token: spelling, sound, consonants, and a prefix for long words."""
    keys = [("f:" + folded, 1.0)]
    if phonetic:
        keys.append(("p:" + phonetic, 0.8))
    if skeleton:
        keys.append(("s:" + skeleton, 0.7))
    if len(folded) > 5:
        keys.append(("x:" + folded[:5], 0.5))
    return tuple(keys)


def _keys(prepared: PreparedName) -> list[tuple[str, float]]:
    keys: dict[str, float] = {}
    single = len(prepared.tokens) == 1
    for token in prepared.tokens:
        if token.weight < 1.0 and not single:
            continue  # generic words do not select candidates
        for key, weight in _token_keys(token.folded, token.phonetic, token.skeleton):
            if weight > keys.get(key, 0.0):
                keys[key] = weight
    return list(keys.items())


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
        self._postings: dict[str, array[int]] = {}

    def __len__(self) -> int:
        return len(self._names)

    @property
    def names(self) -> list[IndexedName]:
        """Every indexed name (built on demand)."""
        return [self.name_at(position) for position in range(len(self._names))]

    def name_at(self, position: int) -> IndexedName:
        """The indexed name at ``position``."""
        return IndexedName(self._records[position], self._names[position], self._schemas[position])

    def add(self, record: int, name: str, schema: str) -> None:
        """Index ``name`` (of ``schema``) for the record at position ``record``."""
        prepared = prepare_name(name, schema)
        if not prepared.tokens:
            return
        position = len(self._names)
        self._records.append(record)
        self._names.append(name)
        self._schemas.append(prepared.schema)
        self._prepared.append(prepared)
        postings = self._postings
        for key, _weight in _keys(prepared):
            posting = postings.get(key)
            if posting is None:
                postings[key] = array("i", (position,))
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
        """Positions of the names most likely to match ``query``."""
        scores: dict[int, float] = defaultdict(float)
        keys = _keys(query)
        usable = [(k, w) for k, w in keys if k in self._postings]
        rare = [(k, w) for k, w in usable if len(self._postings[k]) <= COMMON_KEY]
        for key, weight in rare or usable[:1]:
            for position in self._postings[key]:
                scores[position] += weight
        if not scores:
            return []
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        return [position for position, _ in ranked[:limit]]

    def search(
        self, name: str, schema: str, *, limit: int = MAX_CANDIDATES
    ) -> list[tuple[IndexedName, NameMatch]]:
        """Fully compare ``name`` with its candidates; best first, one result per record."""
        query = prepare_name(name, schema)
        if not query.tokens:
            return []
        best: dict[int, tuple[IndexedName, NameMatch]] = {}
        for position in self.candidates(query, limit):
            indexed = self.name_at(position)
            match = compare_prepared(query, self._prepared[position])
            current = best.get(indexed.record)
            if current is None or match.score > current[1].score:
                best[indexed.record] = (indexed, match)
        return sorted(best.values(), key=lambda item: -item[1].score)

    def stats(self) -> dict[str, Any]:
        """Size figures of the index."""
        return {
            "names": len(self._names),
            "keys": len(self._postings),
            "postings": sum(len(p) for p in self._postings.values()),
        }
