"""The labelled adverse-media corpus and the long-article padding, read from data files.

The training and evaluation code reads ``sample_data/corpus/*.jsonl`` and
``sample_data/corpus/filler.json``; it never imports the generators in
``sampledata`` that wrote them (``duediligence sample roster`` does).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from duediligence.errors import InputError

FILLER_FILE = "filler.json"


def read_corpus(path: Path) -> tuple[list[str], list[str]]:
    """Texts and labels of one corpus file (JSON Lines of ``{"text", "label", ...}``; blank lines
    skipped). Raises ``KeyError``/``ValueError`` on a malformed line (callers name the file)."""
    texts, labels = [], []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                texts.append(record["text"])
                labels.append(record["label"])
    return texts, labels


def read_filler(path: Path) -> dict[str, Any]:
    """The padding stock of ``filler.json``: sentence ``templates`` with ``{place}``,
    ``{authority}``, ``{amount}``, ``{n}``, ``{year}``, ``{weekday}`` and ``{org}`` slots, and the
    values each slot takes. :class:`InputError` names the file when it is missing or lacks a key."""
    if not path.is_file():
        raise InputError(f"{path}: long-article filler file not found")
    stock = json.loads(path.read_text(encoding="utf-8"))
    needed = (
        "templates",
        "place",
        "authority",
        "weekday",
        "amount_values",
        "small_amount_units",
        "staff_sizes",
        "founded_years",
    )
    missing = [key for key in needed if key not in stock]
    if missing:
        raise InputError(f"{path}: missing {', '.join(missing)}")
    return dict(stock)


def _fill(template: str, rng: random.Random, stock: dict[str, Any], org: str) -> str:
    # The slots are drawn in this order whether the template uses them or not, as the sample
    # data generator draws them, so a seed gives the same text from the file as from it.
    place = rng.choice(stock["place"])
    authority = rng.choice(stock["authority"])
    value = rng.choice(stock["amount_values"])
    unit = rng.choice(stock["small_amount_units"]) if value < 10 else "million"
    money = f"${value:g} {unit}" if rng.random() < 0.6 else f"€{value:g} {unit}"
    n = rng.choice(stock["staff_sizes"])
    year = rng.randint(*stock["founded_years"])
    weekday = rng.choice(stock["weekday"])
    return template.format(
        org=org, place=place, authority=authority, amount=money, n=n, year=year, weekday=weekday
    )


def long_variant(
    texts: list[str], *, filler: dict[str, Any], words: int = 1500, seed: int = 0
) -> list[str]:
    """Each text buried in the middle of ~``words`` words of neutral company boilerplate (from
    :func:`read_filler`), as a long real article buries its one relevant paragraph: the title
    stays first, the body sits between two halves of the padding. Deterministic for ``seed``."""
    rng = random.Random(seed)
    templates = filler["templates"]
    out = []
    for text in texts:
        padding: list[str] = []
        count = 0
        while count < words:
            padding.append(_fill(rng.choice(templates), rng, filler, "The company"))
            count += len(padding[-1].split())
        title, _, body = text.partition("\n")
        half = len(padding) // 2
        out.append(
            f"{title}\n\n" + " ".join([*padding[:half], body.strip(), *padding[half:]]).strip()
        )
    return out
