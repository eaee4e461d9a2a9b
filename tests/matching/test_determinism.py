"""Screening gives the same candidates in every process.

Python salts ``str`` hashes per process (``PYTHONHASHSEED``); anything that iterates a set of
strings on the way to an order can change which candidates make the cut when scores tie, so
the same name screened twice could get different hits. These tests run the same screening in
child processes with different hash seeds and compare the results byte for byte.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Syllable names with Zipf-distributed given names (some keys very common, as "Mohammed" is on
# real lists), and queries with a letter dropped, which brings in the index's near-spelling
# keys: with 1,000 names many candidates tie at the cut of 60.
PROBE = r"""
import hashlib, itertools, random
from duediligence.matching.index import NameIndex
from duediligence.matching.compare import prepare_name
rng = random.Random(11)
syllables = [c + v for c in "bdfghklmnprstvzjy" for v in "aeiou"]
def word(lo, hi):
    return "".join(rng.choice(syllables) for _ in range(rng.randint(lo, hi))).capitalize()
given = [word(2, 3) for _ in range(400)]
family = [word(2, 4) for _ in range(3000)]
cum = list(itertools.accumulate(1 / (i + 1) for i in range(len(given))))
names = [
    " ".join(rng.choices(given, cum_weights=cum, k=rng.choice([1, 2])) + [rng.choice(family)])
    for _ in range(1000)
]
index = NameIndex()
for record, name in enumerate(names):
    index.add(record, name, "Person")
digest = hashlib.sha256()
for _ in range(200):
    words = rng.choice(names).split()
    i = rng.randrange(len(words))
    if len(words[i]) > 4:
        k = rng.randrange(1, len(words[i]) - 1)
        words[i] = words[i][:k] + words[i][k + 1:]
    query = " ".join(words)
    digest.update(repr(index.candidates(prepare_name(query, "Person"))).encode())
    digest.update(repr([(n.record, m.score) for n, m in index.search(query, "Person")]).encode())
print(digest.hexdigest())
"""


def _run(seed: int) -> str:
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_candidates_do_not_depend_on_the_hash_seed() -> None:
    digests = {_run(seed) for seed in (1, 2, 3, 4)}
    assert len(digests) == 1, digests
