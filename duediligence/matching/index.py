"""A candidate index over names, so a query is compared only with plausible candidates.

Blocking keys per name token: the transliteration-folded spelling and the phonetic key (so
typos and transliteration variants still meet). Postings are compact integer arrays. A query
collects the names sharing its distinctive keys, ranks them by how much weight they share and
fully compares only the best few dozen.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable
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


@dataclass(frozen=True)
class IndexedName:
    """One name of one record in the index."""

    record: int  # position of the record (entity or client) the name belongs to
    name: str
    schema: str


def _keys(prepared: PreparedName) -> list[tuple[str, float]]:
    keys: dict[str, float] = {}
    for token in prepared.tokens:
        if token.weight < 1.0 and len(prepared.tokens) > 1:
            continue  # generic words do not select candidates
        keys["f:" + token.folded] = max(keys.get("f:" + token.folded, 0), token.weight)
        if token.phonetic:
            keys["p:" + token.phonetic] = max(keys.get("p:" + token.phonetic, 0), 0.8)
        if token.skeleton:
            keys["s:" + token.skeleton] = 0.7
        if len(token.folded) > 5:
            keys["x:" + token.folded[:5]] = 0.5
    return list(keys.items())


class NameIndex:
    """Names of many records, with blocking keys for fast candidate retrieval."""

    def __init__(self) -> None:
        self.names: list[IndexedName] = []
        self._prepared: list[PreparedName] = []
        self._postings: dict[str, array[int]] = defaultdict(lambda: array("i"))

    def __len__(self) -> int:
        return len(self.names)

    def add(self, record: int, name: str, schema: str) -> None:
        """Index ``name`` (of ``schema``) for the record at position ``record``."""
        prepared = prepare_name(name, schema)
        if not prepared.tokens:
            return
        position = len(self.names)
        self.names.append(IndexedName(record, name, schema))
        self._prepared.append(prepared)
        for key, _weight in _keys(prepared):
            self._postings[key].append(position)

    def add_many(self, rows: Iterable[tuple[int, str, str]]) -> None:
        """Index ``(record, name, schema)`` rows."""
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
            indexed = self.names[position]
            match = compare_prepared(query, self._prepared[position])
            current = best.get(indexed.record)
            if current is None or match.score > current[1].score:
                best[indexed.record] = (indexed, match)
        return sorted(best.values(), key=lambda item: -item[1].score)

    def stats(self) -> dict[str, Any]:
        """Size figures of the index."""
        return {
            "names": len(self.names),
            "keys": len(self._postings),
            "postings": sum(len(p) for p in self._postings.values()),
        }
