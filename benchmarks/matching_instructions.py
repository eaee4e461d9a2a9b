"""Instruction counts of name matching (callgrind): figures that do not move with the load.

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg/out.%p \\
        env PYTHONPATH=. python benchmarks/matching_instructions.py [--pairs 300] [--queries 200]
    python benchmarks/matching_instructions.py --report /tmp/cg

Under callgrind the script switches counting on around each phase and dumps it
(``callgrind_control``): ``fresh`` (``compare_names`` on new name/variant pairs), ``screen_cold``
(OFAC 2021 + UN queries of ``benchmarks/matching.py`` through ``screen()`` right after the index
is built: their word pairs are new) and ``screen_warm`` (the same queries again). ``--report``
prints the instructions per pair and per query of each dump in a folder. The lists are imported
once into the SQLite file of ``matching_identity.py`` (``--db``). Running it under valgrind
takes several minutes (the index build runs uninstrumented but still slowly).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching import fresh_pairs, generate_names, perturb
from matching_identity import lists_db

from duediligence.db.session import session_scope
from duediligence.matching import compare
from duediligence.matching.compare import compare_names
from duediligence.matching.screening import get_index, screen


def control(*args: str) -> None:
    """Send a command to the callgrind instance running this process."""
    subprocess.run(["callgrind_control", *args, str(os.getpid())], check=True, capture_output=True)


def report(folder: Path) -> None:
    """Instructions per item of each dump in ``folder`` (the counts are read from the dumps)."""
    for path in sorted(folder.iterdir()):
        text = path.read_text(errors="replace")
        trigger = re.search(r"^desc: Trigger: dump (\w+)", text, re.M)
        total = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
        if trigger is None or total is None:
            continue
        pairs = re.search(r"^cmd: .*--pairs (\d+)", text, re.M)
        queries = re.search(r"^cmd: .*--queries (\d+)", text, re.M)
        count = int(total.group(1))
        if trigger.group(1) == "fresh":
            n, unit = int(pairs.group(1)) if pairs else 300, "pair"
        else:
            n, unit = int(queries.group(1)) if queries else 200, "query"
        print(f"{trigger.group(1):12} {count:,} instructions = {count / n:,.0f} per {unit}")


def main() -> None:
    """Run the phases (under callgrind) or report the dumps."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "dd-lists.db")
    parser.add_argument("--report", type=Path, help="print the counts of the dumps in a folder")
    args = parser.parse_args()
    if args.report is not None:
        report(args.report)
        return
    compare_names("John Smith", "Jon Smith", "Person")  # data files loaded before counting
    compare_names("ACME LTD", "ACME LIMITED", "Company")
    pairs = fresh_pairs(args.pairs, seed=31)
    engine = lists_db(args.db)
    with session_scope(engine) as session:
        built = get_index(session=session)
        rng = random.Random(5)
        listed = [built.names.name_at(i) for i in rng.sample(range(len(built.names)), 1000)]
        unlisted = generate_names(1000, seed=99)
        mix = [(perturb(rng, n.name), n.schema) for n in listed[:500]] + [
            (name, schema) for _, name, schema in unlisted[:500]
        ]
        rng.shuffle(mix)
        mix = mix[: args.queries]
        screen(session=session, name="warm up", schema="Person")
        gc.collect()
        gc.freeze()
        control("-i", "on")
        for left, right, schema in pairs:
            compare_names(left, right, schema)
        control("--dump=fresh")
        compare.prepare_name.cache_clear()
        for name, schema in mix:
            screen(session=session, name=name, schema=schema)
        control("--dump=screen_cold")
        compare.prepare_name.cache_clear()
        for name, schema in mix:
            screen(session=session, name=name, schema=schema)
        control("--dump=screen_warm")
        control("-i", "off")


if __name__ == "__main__":
    main()
