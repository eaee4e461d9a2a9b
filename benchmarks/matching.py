"""Matching benchmark: accuracy and speed of ``compare_names`` side by side with nomenklatura's
LogicV2, screening latency against OFAC + UN, and a generated list of 1M names.

    python benchmarks/matching.py [--size 1000000] [--queries 1000] [--no-nomenklatura]

Targets (issue 5): F1 >= 0.85 with precision >= 0.85 on person and company pairs at
DEFAULT_THRESHOLD; compare_names median <= 20 us/pair and >= 10x faster than LogicV2; one name
against OFAC + UN p50 <= 2 ms, p99 <= 20 ms; against 1M names p50 <= 20 ms, index build
<= 60 s, index memory <= 2 GB. Issue 15: F1 >= 0.92 overall, no kind below 0.85, precision
>= 0.95 on the development set; >= 10x LogicV2 per pair on fresh names; OFAC + UN p50 <= 1 ms.

The name pairs are the per-kind development set (duediligence.sampledata.name_devset), built
at run time from ../shared/data/watchlists and our own constructions; nothing here reads any
other pair set.
"""

from __future__ import annotations

import argparse
import csv
import gc
import itertools
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_DATA, fresh_sqlite, peak_rss_mb, report

from duediligence.db.session import session_scope
from duediligence.ingest.watchlists import import_watchlist
from duediligence.matching import DEFAULT_THRESHOLD, compare_names, screen
from duediligence.matching.compare import _token, prepare_name
from duediligence.matching.index import NameIndex, _token_keys
from duediligence.matching.screening import build_index, get_index, screen_batch, screen_with
from duediligence.sampledata.name_devset import KINDS, DevPair, build_devset

# yente's default match threshold for LogicV2 scores.
LOGIC_V2_THRESHOLD = 0.7


def rss_mb() -> float:
    """Current resident memory of this process, in MB."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# ----------------------------------------------------------------------------- pairs


def kind_report(pairs: list[DevPair], scores: list[float], threshold: float) -> dict[str, Any]:
    """Precision / recall / F1 per kind and overall of ``scores >= threshold``."""
    out: dict[str, Any] = {}
    for kind in (*KINDS, "all"):
        idx = [i for i, p in enumerate(pairs) if kind in ("all", p.kind)]
        tp = sum(1 for i in idx if pairs[i].match and scores[i] >= threshold)
        fp = sum(1 for i in idx if not pairs[i].match and scores[i] >= threshold)
        fn = sum(1 for i in idx if pairs[i].match and scores[i] < threshold)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[kind] = (len(idx), precision, recall, f1, fp, fn)
    return out


def fresh_pairs(n: int, seed: int = 31, *, numbered: bool = False) -> list[tuple[str, str, str]]:
    """``n`` pairs of names never seen before in the process: a generated name and a screener's
    variant of it (reordered, a typo, lower case, a dropped word; upper case when the variant
    came out unchanged). Every name of the list is unique, so no cache of either matcher has
    seen it; words do recur between names (the given names follow a Zipf distribution).

    ``numbered`` gives the former set instead: the variant with a different number appended
    to each (" 0", " 1" ...), which made every pair a non-match (numbers differ: 0.3).
    """
    rng = random.Random(seed)
    rows = generate_names(n + n // 4, seed=seed)
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for k, (_, name, schema) in enumerate(rows):
        variant = perturb(rng, name)
        if numbered:
            variant = f"{variant} {k}"
        elif variant == name:
            variant = name.upper()
        if name in seen or variant in seen or variant == name:
            continue
        seen.update((name, variant))
        out.append((name, variant, schema))
        if len(out) == n:
            break
    return out


def bench_pairs(with_nomenklatura: bool, fresh: int = 2000) -> None:
    """Per-kind P/R/F1 on the development set side by side with LogicV2; per-pair time
    on fresh names side by side with LogicV2 in the same run."""
    try:
        pairs = build_devset()
    except FileNotFoundError as exc:
        report(f"development set not built: the real lists are missing ({exc})")
        return
    report(
        f"development set (name_devset.build_devset, seed 15): {len(pairs):,} pairs "
        f"({sum(p.match for p in pairs):,} matches)"
    )
    ours = [compare_names(p.left, p.right, p.schema).score for p in pairs]
    mine = kind_report(pairs, ours, DEFAULT_THRESHOLD)
    theirs_rep: dict[str, Any] | None = None
    LogicV2: Any = None
    if with_nomenklatura:
        try:
            from followthemoney import model
            from nomenklatura.matching import LogicV2
        except ImportError:
            report("  nomenklatura not installed (dev dependency): LogicV2 comparison skipped")
            with_nomenklatura = False
    if with_nomenklatura:
        config = LogicV2.default_config()
        counter = itertools.count()

        def entity(name: str, schema: str) -> Any:
            proxy = model.make_entity(schema if schema != "Vessel" else "Vessel")
            proxy.id = f"e{next(counter)}"  # LogicV2 caches name analysis per entity id
            proxy.add("name", name)
            return proxy

        def logic(left: str, right: str, schema: str) -> float:
            return float(LogicV2.compare(entity(left, schema), entity(right, schema), config).score)

        t = time.perf_counter()
        logic("John Smith", "Jon Smith", "Person")
        report(f"  LogicV2 reference data loaded in {time.perf_counter() - t:.1f} s (not timed)")
        theirs = [logic(p.left, p.right, p.schema) for p in pairs]
        theirs_rep = kind_report(pairs, theirs, LOGIC_V2_THRESHOLD)
    cols = f"{'P':>5} {'R':>5} {'F1':>5} {'FP':>4} {'FN':>4}"
    header = f"  {'kind':15} {'n':>5}  dd @ {DEFAULT_THRESHOLD}: {cols}"
    if theirs_rep:
        header += (
            f"   LogicV2 @ {LOGIC_V2_THRESHOLD}: {'P':>5} {'R':>5} {'F1':>5} {'FP':>4} {'FN':>4}"
        )
    report(header)
    for kind in (*KINDS, "all"):
        n, p, r, f, fp, fn = mine[kind]
        line = f"  {kind:15} {n:5}  {'':9}{p:5.3f} {r:5.3f} {f:5.3f} {fp:4} {fn:4}"
        if theirs_rep:
            _, p2, r2, f2, fp2, fn2 = theirs_rep[kind]
            line += f"   {'':14}{p2:5.3f} {r2:5.3f} {f2:5.3f} {fp2:4} {fn2:4}"
        report(line)
    # Speed on fresh names: every name is new to the process (and to LogicV2: new entity ids).
    # Wall-clock medians per pair, and CPU time (process_time) per pair over the whole set: on
    # a shared machine the CPU figure is the steadier one.
    for label, sample in (
        ("fresh pairs (name, variant)", fresh_pairs(fresh, seed=31)),
        ("fresh pairs, numbered (former set)", fresh_pairs(fresh, seed=37, numbered=True)),
    ):
        clock = time.perf_counter_ns
        dd_times = []
        dd_hits = 0
        # The heap holds the development set and LogicV2's reference data: move it out of the
        # collector's view before each timed loop (as get_index() does for a big index), or a
        # full collection of it lands in whichever loop runs second (about 50 us per pair).
        gc.collect()
        gc.freeze()
        cpu = time.process_time()
        for left, right, schema in sample:
            t0 = clock()
            found = compare_names(left, right, schema)
            dd_times.append((clock() - t0) / 1000)
            dd_hits += found.score >= DEFAULT_THRESHOLD
        dd_cpu = (time.process_time() - cpu) / len(sample) * 1e6
        report(
            f"  compare_names on {len(sample):,} {label}: median {statistics.median(dd_times):.1f} "
            f"us/pair wall, mean {statistics.fmean(dd_times):.1f}, CPU {dd_cpu:.1f} us/pair; "
            f"{dd_hits:,} pairs at >= {DEFAULT_THRESHOLD}"
        )
        if not with_nomenklatura:
            continue
        nk_times = []
        nk_hits = 0
        nk_cpu = 0.0
        gc.collect()
        gc.freeze()
        for left, right, schema in sample:
            a, b = entity(left, schema), entity(right, schema)
            c0 = time.process_time()
            t0 = clock()
            result = LogicV2.compare(a, b, config)
            nk_times.append((clock() - t0) / 1000)
            nk_cpu += time.process_time() - c0
            nk_hits += result.score >= LOGIC_V2_THRESHOLD
        nk_cpu = nk_cpu / len(sample) * 1e6
        report(
            f"  LogicV2 on the same pairs: median {statistics.median(nk_times):.1f} us/pair wall, "
            f"mean {statistics.fmean(nk_times):.1f}, CPU {nk_cpu:.1f} us/pair; "
            f"{nk_hits:,} pairs at >= {LOGIC_V2_THRESHOLD}"
        )
        report(
            f"  speed ratio LogicV2 / compare_names on {label}: median "
            f"{statistics.median(nk_times) / statistics.median(dd_times):.1f}x, mean "
            f"{statistics.fmean(nk_times) / statistics.fmean(dd_times):.1f}x, CPU "
            f"{nk_cpu / dd_cpu:.1f}x (target >= 10x)"
        )


# ----------------------------------------------------------------------------- queries


def perturb(rng: random.Random, name: str) -> str:
    """A name as a screener might type it: reordered, a typo, lower case, a dropped word."""
    words = name.replace(",", " ").split()
    op = rng.choice(["reorder", "typo", "lower", "drop", "same"])
    if op == "reorder" and len(words) > 1:
        words = words[1:] + words[:1]
    elif op == "typo":
        long_words = [i for i, w in enumerate(words) if len(w) > 4]
        if long_words:
            i = rng.choice(long_words)
            w = words[i]
            k = rng.randrange(1, len(w) - 1)
            words[i] = w[:k] + w[k + 1 :]
    elif op == "lower":
        words = [w.lower() for w in words]
    elif op == "drop" and len(words) > 2:
        del words[rng.randrange(1, len(words) - 1)]
    return " ".join(words)


SYLLABLES = [c + v for c in "bdfghklmnprstvzjy" for v in "aeiou"] + [
    "sha",
    "kha",
    "che",
    "ber",
    "tan",
    "mor",
    "lin",
    "van",
    "ros",
    "del",
]
GENERIC = [
    "Trading",
    "Holding",
    "Group",
    "International",
    "Industries",
    "Services",
    "Shipping",
    "Logistics",
    "Capital",
    "Investments",
    "Partners",
    "Technologies",
]
LEGAL = ["LLC", "Ltd", "Limited", "Inc", "GmbH", "SA", "JSC", "PLC", "Corp", "Co", "LLP", "BV", ""]


def generate_names(n: int, seed: int = 11) -> list[tuple[int, str, str]]:
    """``n`` synthetic list entries, half persons, half companies, as (record, name, schema).

    Words are made of syllables; given names follow a Zipf distribution over 4,000 names (so
    some keys are very common, as 'Mohammed' is on real lists); surnames and company words come
    from 150,000 each; companies get generic words, legal forms and sometimes a number.
    """
    rng = random.Random(seed)

    def word(lo: int, hi: int) -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(lo, hi))).capitalize()

    given = [word(2, 3) for _ in range(4000)]
    surnames = [word(2, 4) for _ in range(150_000)]
    words = [word(2, 4) for _ in range(150_000)]
    cum = list(itertools.accumulate(1 / (i + 1) for i in range(len(given))))
    rows = []
    for i in range(n):
        if i % 2 == 0:
            parts = [rng.choices(given, cum_weights=cum)[0]]
            if rng.random() < 0.3:
                parts.append(rng.choices(given, cum_weights=cum)[0])
            parts.append(rng.choice(surnames))
            rows.append((i, " ".join(parts), "Person"))
        else:
            parts = [rng.choice(words) for _ in range(rng.choice([1, 1, 2, 2, 3]))]
            if rng.random() < 0.5:
                parts.append(rng.choice(GENERIC))
            if rng.random() < 0.05:
                parts.append(str(rng.randint(1, 999)))
            parts.append(rng.choice(LEGAL))
            rows.append((i, " ".join(p for p in parts if p), "Company"))
    return rows


def latency_line(label: str, times_ms: list[float], p50: float, p99: float | None) -> str:
    """p50 / p99 / max of query times against targets."""
    target = f"target p50 <= {p50:g} ms" + (f", p99 <= {p99:g} ms" if p99 else "")
    return (
        f"{label}: p50 {percentile(times_ms, 0.5):.2f} ms, p99 {percentile(times_ms, 0.99):.2f} "
        f"ms, max {max(times_ms):.2f} ms over {len(times_ms):,} queries ({target})"
    )


def bench_watchlists(queries: int) -> None:
    """Screening one name against OFAC 2021 + UN consolidated imported into SQLite."""
    ofac = SHARED_DATA / "watchlists" / "ofac-sdn-2021"
    un = SHARED_DATA / "watchlists" / "un" / "consolidated.xml"
    if not ofac.is_dir() or not un.is_file():
        report(f"watch lists not found under {SHARED_DATA / 'watchlists'}: skipped")
        return
    engine, folder = fresh_sqlite("lists.db")
    with session_scope(engine) as session:
        import_watchlist(session=session, path=ofac, fmt="ofac")
        import_watchlist(session=session, path=un, fmt="un")
    prepare_name.cache_clear()
    with session_scope(engine) as session:
        t = time.perf_counter()
        index = build_index(session=session)
        built = time.perf_counter() - t
        report(
            f"OFAC 2021 + UN: {len(index.records):,} entities, {len(index.names):,} names; "
            f"index built in {built:.2f} s"
        )
        rng = random.Random(5)
        listed = [index.names.name_at(i) for i in rng.sample(range(len(index.names)), queries)]
        unlisted = generate_names(queries, seed=99)
        mix = [(perturb(rng, n.name), n.schema) for n in listed[: queries // 2]] + [
            (name, schema) for _, name, schema in unlisted[: queries - queries // 2]
        ]
        rng.shuffle(mix)
        t = time.perf_counter()
        get_index(session=session)  # the first screen() of a process builds and caches the index
        report(f"  first screen() call (builds the cached index): {time.perf_counter() - t:.2f} s")
        prepare_name.cache_clear()  # queries are new names: analysis included in the timing
        api, direct, api_cpu, direct_cpu = [], [], [], []
        hits = 0
        for name, schema in mix:
            t, c = time.perf_counter(), time.thread_time()
            found = screen(session=session, name=name, schema=schema)
            api.append((time.perf_counter() - t) * 1000)
            api_cpu.append((time.thread_time() - c) * 1000)
            hits += bool(found)
        prepare_name.cache_clear()
        for name, schema in mix:
            t, c = time.perf_counter(), time.thread_time()
            screen_with(index, name, schema=schema)
            direct.append((time.perf_counter() - t) * 1000)
            direct_cpu.append((time.thread_time() - c) * 1000)
        report(
            f"  queries: half perturbed listed names (reordered / typo / lower case / dropped "
            f"word), half unlisted names; {hits:,} of {len(mix):,} had a hit"
        )
        report(latency_line("  screen() incl. snapshot check", api, 1, 20))
        report(
            f"    CPU time (thread_time) of the same calls: p50 {percentile(api_cpu, 0.5):.2f} ms, "
            f"p99 {percentile(api_cpu, 0.99):.2f} ms"
        )
        report(latency_line("  index search only (second pass, word caches warm)", direct, 1, 20))
        report(
            f"    CPU time of the same calls: p50 {percentile(direct_cpu, 0.5):.2f} ms, "
            f"p99 {percentile(direct_cpu, 0.99):.2f} ms"
        )
        batch_file = folder / "queries.csv"
        with batch_file.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "name", "schema"])
            for k, (name, schema) in enumerate(itertools.islice(itertools.cycle(mix), 5000)):
                writer.writerow([k, name, schema])
        prepare_name.cache_clear()
        t = time.perf_counter()
        result = screen_batch(session=session, queries=batch_file, output=folder / "hits.csv")
        elapsed = time.perf_counter() - t
        report(
            f"  batch: {result.queries:,} queries, {result.hits:,} hits in {elapsed:.2f} s = "
            f"{result.queries / elapsed:,.0f} queries/s (issue: thousands per second)"
        )


def bench_generated(size: int, queries: int) -> None:
    """Index build time, memory and query latency on ``size`` generated names."""
    t = time.perf_counter()
    rows = generate_names(size)
    report(f"generated list: {len(rows):,} names in {time.perf_counter() - t:.1f} s")
    prepare_name.cache_clear()
    _token.cache_clear()
    _token_keys.cache_clear()
    gc.collect()
    before = rss_mb()
    t, cpu = time.perf_counter(), time.process_time()
    index = NameIndex()
    index.add_many(rows)
    built, built_cpu = time.perf_counter() - t, time.process_time() - cpu
    prepare_name.cache_clear()  # what remains is the index itself (and its shared tokens)
    gc.collect()
    memory = rss_mb() - before
    gc.freeze()  # as get_index() does for a big index: full collections skip it
    stats = index.stats()
    report(
        f"  index build {built:.1f} s wall, {built_cpu:.1f} s CPU (target <= 60 s); memory "
        f"{memory:,.0f} MB resident (target <= 2,048 MB); {stats['keys']:,} keys, "
        f"{stats['postings']:,} postings"
    )
    rng = random.Random(8)
    listed = [rows[i] for i in rng.sample(range(len(rows)), queries // 2)]
    fresh = generate_names(queries - queries // 2, seed=123)
    mix = [(perturb(rng, name), schema) for _, name, schema in listed] + [
        (name, schema) for _, name, schema in fresh
    ]
    rng.shuffle(mix)
    times = []
    found = 0
    for name, schema in mix:
        t = time.perf_counter()
        results = index.search(name, schema)
        times.append((time.perf_counter() - t) * 1000)
        found += bool(results) and results[0][1].score >= DEFAULT_THRESHOLD
    report(f"  {found:,} of {len(mix):,} queries matched at {DEFAULT_THRESHOLD}")
    report(latency_line("  one name against the generated list", times, 20, None))


def main() -> None:
    """Run every part and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="generated list size")
    parser.add_argument("--queries", type=int, default=1000, help="queries per latency test")
    parser.add_argument("--no-nomenklatura", action="store_true", help="skip LogicV2")
    parser.add_argument(
        "--parts", default="pairs,lists,generated", help="comma-separated parts to run"
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    load = os.getloadavg()[0]
    report(f"load average at start {load:.2f} on {os.cpu_count()} cores")
    if "pairs" in parts:
        bench_pairs(not args.no_nomenklatura)
    if "lists" in parts:
        bench_watchlists(args.queries)
    if "generated" in parts:
        bench_generated(args.size, args.queries)
    report(f"peak RSS {peak_rss_mb():,.0f} MB; load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
