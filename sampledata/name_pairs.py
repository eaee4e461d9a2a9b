"""Name-pair development set, derived at run time from the OFAC SDN files (never committed).

Positives:
- *real*: an entry's primary name and one of its aliases from ``alt.csv``, kept when the two
  share at least one word stem (the first four letters of a 4+-letter word) — OFAC aliases also
  include unrelated cover names, which no name matcher can or should match;
- *variants*: the primary name rewritten as screeners meet it — word order with a comma, a typo,
  a doubled or dropped letter, a dropped middle name, an initial, a legal form swapped for an
  equivalent, and Cyrillic transliteration (cross-script).
Hard negatives:
- persons sharing a surname with different given names, or a given name and nothing else
  distinctive; companies sharing only generic words
  (Holding, Trading, Group ...); names differing only in a number; a person's name inside a
  company name; different legal entities with the same first word.
Entries are split into ``dev`` and ``test`` halves by a hash of the OFAC entity number, so the
matcher can be tuned on one half and reported on the other.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from duediligence.shipped import shared_data_dir

_CYRILLIC = {
    "shch": "щ",
    "sh": "ш",
    "ch": "ч",
    "zh": "ж",
    "kh": "х",
    "ts": "ц",
    "yu": "ю",
    "ya": "я",
    "a": "а",
    "b": "б",
    "c": "к",
    "d": "д",
    "e": "е",
    "f": "ф",
    "g": "г",
    "h": "х",
    "i": "и",
    "j": "дж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "q": "к",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "v": "в",
    "w": "в",
    "x": "кс",
    "y": "й",
    "z": "з",
}
_CYR_RE = re.compile("|".join(sorted(_CYRILLIC, key=len, reverse=True)))
LEGAL_SWAPS = [
    ("LIMITED", "LTD"),
    ("LTD", "LIMITED"),
    ("COMPANY", "CO"),
    ("INCORPORATED", "INC"),
    ("CORPORATION", "CORP"),
    ("LLC", "L.L.C."),
]
GENERIC = ["HOLDING", "TRADING", "GROUP", "INTERNATIONAL", "GENERAL TRADING", "INVESTMENT"]


@dataclass(frozen=True)
class NamePair:
    """One labelled pair."""

    left: str
    right: str
    schema: str  # Person or Company
    match: bool
    kind: str  # how it was made
    split: str  # dev or test


def to_cyrillic(name: str) -> str:
    """A simple Latin-to-Cyrillic transliteration (for cross-script positives)."""
    return _CYR_RE.sub(lambda m: _CYRILLIC[m.group(0)], name.lower())


def _split(ent_num: str) -> str:
    return "dev" if int(hashlib.sha256(ent_num.encode()).hexdigest(), 16) % 2 == 0 else "test"


_NOT_DISTINCTIVE = {
    "CORP",
    "COMP",
    "GROU",
    "TRAD",
    "HOLD",
    "INTE",
    "GENE",
    "LIMI",
    "INDU",
    "SERV",
    "INVE",
    "ENTE",
    "COOP",
    "ORGA",
    "ASSO",
    "FOUN",
    "SOCI",
    "ESTA",
    "NATI",
    "UNIT",
    "AGEN",
    "BANK",
    "MINI",
    "REPU",
}


def _stems(name: str) -> set[str]:
    return {w[:4] for w in re.findall(r"[A-Za-z]{4,}", name.upper())} - _NOT_DISTINCTIVE


def _person_order(name: str) -> str:
    """OFAC writes persons as 'FAMILY, Given'; return 'Given FAMILY'."""
    if "," in name:
        family, given = name.split(",", 1)
        return f"{given.strip()} {family.strip()}"
    return name


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(["double", "drop", "swap"])
    if op == "double":
        return word[:i] + word[i] + word[i:]
    if op == "drop":
        return word[:i] + word[i + 1 :]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _variants(rng: random.Random, name: str, schema: str) -> list[tuple[str, str]]:
    out = []
    words = name.split()
    if schema == "Person":
        natural = _person_order(name)
        out.append((natural, "reordered"))
        nwords = natural.split()
        if len(nwords) >= 3:
            out.append((" ".join([nwords[0], *nwords[2:]]), "dropped middle name"))
            out.append((f"{nwords[0][0]}. {' '.join(nwords[1:])}", "initial"))
        out.append((to_cyrillic(natural), "cross-script (Cyrillic)"))
    else:
        for a, b in LEGAL_SWAPS:
            if re.search(rf"\b{re.escape(a)}\b", name.upper()):
                out.append((re.sub(rf"\b{re.escape(a)}\b", b, name.upper()), "legal form"))
                break
        out.append((to_cyrillic(name), "cross-script (Cyrillic)"))
    long_words = [i for i, w in enumerate(words) if len(w) >= 5]
    if long_words:
        i = rng.choice(long_words)
        typo = words.copy()
        typo[i] = _typo(rng, typo[i])
        out.append((" ".join(typo), "typo"))
    return out


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        return [
            [("" if c.strip() == "-0-" else c.strip()) for c in row]
            for row in csv.reader(handle)
            if len(row) > 3
        ]


def generate_name_pairs(
    ofac_dir: Path | None = None, *, seed: int = 7, limit: int = 3000
) -> list[NamePair]:
    """Build the labelled pairs from the OFAC files (raises FileNotFoundError when absent)."""
    folder = ofac_dir or shared_data_dir() / "watchlists" / "ofac-sdn-2021"
    sdn = _read(folder / "sdn.csv")
    alt = _read(folder / "alt.csv")
    rng = random.Random(seed)
    entries = {
        r[0]: (r[1], "Person" if r[2].lower() == "individual" else "Company")
        for r in sdn
        if r[2].lower() in ("individual", "")
    }
    pairs: list[NamePair] = []
    aliases: dict[str, list[str]] = defaultdict(list)
    for row in alt:
        if row[0] in entries and row[3]:
            aliases[row[0]].append(row[3])
    ids = sorted(entries)
    rng.shuffle(ids)
    for ent in ids[:limit]:
        name, schema = entries[ent]
        split = _split(ent)
        for alias in aliases.get(ent, [])[:2]:
            if _stems(alias) & _stems(name):
                pairs.append(NamePair(name, alias, schema, True, "real alias", split))
        for variant, kind in _variants(rng, name, schema):
            if variant.strip() and variant != name:
                pairs.append(NamePair(name, variant, schema, True, kind, split))

    # Hard negatives.
    persons = [(ent, _person_order(n)) for ent, (n, s) in entries.items() if s == "Person"]
    by_family: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for ent, natural in persons:
        parts = natural.split()
        if len(parts) >= 2:
            by_family[parts[-1].upper()].append((ent, natural))
    for _family, group in sorted(by_family.items()):
        for (e1, a), (_e2, b) in itertools.pairwise(group):
            if a.split()[0].upper() != b.split()[0].upper():
                pairs.append(NamePair(a, b, "Person", False, "same surname", _split(e1)))
    # Real persons sharing a given name but not a family name ("Mohammed ALI" / "Mohammed
    # HASSAN"): the commonest false alert on lists full of common given names.
    by_given: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for ent, natural in persons:
        parts = natural.split()
        if len(parts) >= 2:
            by_given[parts[0].upper()].append((ent, natural))
    for _given, group in sorted(by_given.items()):
        for (e1, a), (_e2, b) in list(itertools.pairwise(group))[:3]:
            if a.split()[-1].upper() != b.split()[-1].upper() and not _stems(
                " ".join(a.split()[1:])
            ) & _stems(" ".join(b.split()[1:])):
                pairs.append(NamePair(a, b, "Person", False, "same given name", _split(e1)))
    companies = [(ent, n) for ent, (n, s) in entries.items() if s == "Company"]
    rng.shuffle(companies)
    for (e1, a), (_e2, b) in zip(companies[::2], companies[1::2], strict=False):
        word = rng.choice(GENERIC)
        first_a, first_b = a.split()[0], b.split()[0]
        if first_a.upper() != first_b.upper():
            pairs.append(
                NamePair(
                    f"{first_a} {word} LLC",
                    f"{first_b} {word} LLC",
                    "Company",
                    False,
                    "shared generic words",
                    _split(e1),
                )
            )
            pairs.append(
                NamePair(
                    f"{first_a} {word}",
                    f"{first_a} {rng.choice(['FOODS', 'MEDIA', 'SHIPPING', 'PHARMA'])}",
                    "Company",
                    False,
                    "same first word, different business",
                    _split(e1),
                )
            )
        n = rng.randint(10, 9999)
        pairs.append(
            NamePair(
                f"{a} {n}",
                f"{a} {n + rng.randint(1, 9)}",
                "Company",
                False,
                "different number",
                _split(e1),
            )
        )
    for ent, natural in persons[:400]:
        given = natural.split()[0]
        pairs.append(
            NamePair(
                f"{given.upper()} LLC",
                natural,
                "LegalEntity",
                False,
                "person name inside company name",
                _split(ent),
            )
        )
    return pairs


def f1_report(pairs: list[NamePair], scores: list[float], threshold: float) -> dict[str, float]:
    """Precision, recall and F1 of ``scores >= threshold`` against the labels."""
    tp = sum(1 for p, s in zip(pairs, scores, strict=True) if p.match and s >= threshold)
    fp = sum(1 for p, s in zip(pairs, scores, strict=True) if not p.match and s >= threshold)
    fn = sum(1 for p, s in zip(pairs, scores, strict=True) if p.match and s < threshold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": len(pairs), "precision": precision, "recall": recall, "f1": f1}
