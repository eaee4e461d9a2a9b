"""Fingerprints of the matcher's answers, to show that a speed change changes no answer.

    PYTHONPATH=. python benchmarks/matching_identity.py [--queries 1000] [--db PATH]

Prints one SHA-256 per group of answers; run it before and after a change and compare the
lines (they must be equal):

- ``devset``: score, explanation and details of every development pair (``compare_names``);
- ``fresh``, ``numbered``, ``random``: the same for generated pairs never seen by the process
  (a name and a screener's variant of it; the former numbered set; random pairs of generated
  names, mostly non-matches), with every cache of the matcher emptied first;
- ``screen``: hits of ``screen_with`` for the OFAC 2021 + UN queries of
  ``benchmarks/matching.py`` (half perturbed list names, half unlisted names), in order, with
  every field (entity, matched name, scores, explanation, features), first with the caches
  empty and then again with them warm (both must give the same hash);
- ``screen+dob+country``: the same with a birth date and a country (adjustments);
- ``screen+identifier``: the same with an identifier that matches nothing (screening then
  compares every candidate: no threshold floor);
- ``search``: the raw ``NameIndex.search`` results (min_score 0) with every name, score and
  explanation.

The lists are imported once into ``--db`` (a SQLite file, default in the temporary folder) and
reused by later runs. Nothing is committed from it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_DATA, report
from matching import fresh_pairs, generate_names, perturb
from sqlalchemy import inspect

from duediligence.db.base import Base
from duediligence.db.session import make_engine, session_scope
from duediligence.ingest.watchlists import import_watchlist
from duediligence.matching import compare, index, scripts
from duediligence.matching.compare import compare_names
from duediligence.matching.screening import build_index, screen_with
from sampledata.name_devset import build_devset


def clear_caches() -> None:
    """Empty every cache of the matcher that holds names, words or word pairs."""
    for module in (compare, index, scripts):
        for value in vars(module).values():
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", "") == module.__name__:
                wrapped = getattr(value, "__wrapped__", None)
                if wrapped is not None and wrapped.__code__.co_argcount > 0:
                    clear()  # (argument-less caches hold data files, not names)


def digest(lines: Iterable[str]) -> str:
    """SHA-256 of the lines (each followed by a newline) and their count, as one string."""
    h = hashlib.sha256()
    n = 0
    for line in lines:
        h.update(line.encode("utf-8"))
        h.update(b"\n")
        n += 1
    return f"{h.hexdigest()} {n}"


def pair_lines(pairs: Iterable[tuple[str, str, str]]) -> Iterable[str]:
    """One line per pair: the pair, its score and its explanation as data."""
    for left, right, schema in pairs:
        m = compare_names(left, right, schema)
        yield json.dumps(
            [left, right, schema, repr(m.score), m.explanation, m.details],
            ensure_ascii=False,
            sort_keys=True,
        )


def hit_lines(hits: list) -> str:
    """Every field of the hits of one query, in order."""
    return json.dumps([h.as_dict() for h in hits], ensure_ascii=False, sort_keys=True, default=str)


def lists_db(path: Path):  # type: ignore[no-untyped-def]
    """An engine on the SQLite database holding OFAC 2021 + UN (imported on first use)."""
    engine = make_engine(f"sqlite:///{path}")
    if not path.exists() or "watchlists" not in inspect(engine).get_table_names():
        Base.metadata.create_all(engine)
        with session_scope(engine) as session:
            import_watchlist(
                session=session, path=SHARED_DATA / "watchlists" / "ofac-sdn-2021", fmt="ofac"
            )
            import_watchlist(
                session=session,
                path=SHARED_DATA / "watchlists" / "un" / "consolidated.xml",
                fmt="un",
            )
    return engine


def main() -> None:
    """Print the fingerprints."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "dd-lists.db")
    parser.add_argument("--skip-pairs", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    if not args.skip_pairs:
        dev = build_devset()
        clear_caches()
        report("devset   " + digest(pair_lines((p.left, p.right, p.schema) for p in dev)))
        clear_caches()
        report("fresh    " + digest(pair_lines(fresh_pairs(5000, seed=31))))
        clear_caches()
        report("numbered " + digest(pair_lines(fresh_pairs(2000, seed=37, numbered=True))))
        clear_caches()
        rng = random.Random(41)
        rows = generate_names(6000, seed=43)
        rnd = []
        for _ in range(3000):
            (_, a, sa), (_, b, sb) = rng.sample(rows, 2)
            rnd.append((a, b, sa if sa == sb else "LegalEntity"))
        report("random   " + digest(pair_lines(rnd)))
    engine = lists_db(args.db)
    with session_scope(engine) as session:
        clear_caches()
        built = build_index(session=session)
    rng = random.Random(5)
    queries = args.queries
    listed = [built.names.name_at(i) for i in rng.sample(range(len(built.names)), queries)]
    unlisted = generate_names(queries, seed=99)
    mix = [(perturb(rng, n.name), n.schema) for n in listed[: queries // 2]] + [
        (name, schema) for _, name, schema in unlisted[: queries - queries // 2]
    ]
    rng.shuffle(mix)
    for label in ("cold", "warm"):
        if label == "cold":
            clear_caches()
        report(
            f"screen ({label}) "
            + digest(hit_lines(screen_with(built, name, schema=schema)) for name, schema in mix)
        )
    report(
        "screen+dob+country "
        + digest(
            hit_lines(screen_with(built, name, schema=schema, birth_date="1965", country="SY"))
            for name, schema in mix
        )
    )
    report(
        "screen+identifier "
        + digest(
            hit_lines(screen_with(built, name, schema=schema, identifiers=["NO-SUCH-ID-1"]))
            for name, schema in mix
        )
    )

    def search_lines() -> Iterable[str]:
        for name, schema in mix:
            yield json.dumps(
                [
                    [n.record, n.name, n.schema, n.weak, repr(m.score), m.explanation]
                    for n, m in built.names.search(name, schema)
                ],
                ensure_ascii=False,
            )

    report("search   " + digest(search_lines()))
    report(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
