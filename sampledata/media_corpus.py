"""Generate the labelled adverse-media corpus (train and dev splits) from the text stock.

Each label gets ``per_label`` items (``none`` gets ``none_count``), mixing headlines only, short
briefs and multi-paragraph articles. The dev split is composed from fragments the train split
never sees (every fifth headline and body sentence of each label), so it measures how well a
classifier generalises to new phrasings rather than how well it memorised ours.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

from sampledata import texts
from sampledata.texts import LABELS, article

FILLER_FILE = "filler.json"


def generate_corpus(
    *, seed: int = 20261125, per_label: int = 130, none_count: int = 600, dev_share: float = 0.2
) -> dict[str, list[dict[str, str]]]:
    """``{"train": [...], "dev": [...]}`` of ``{"id", "text", "label"}`` records."""
    rng = random.Random(seed)
    out: dict[str, list[dict[str, str]]] = {"train": [], "dev": []}
    for label in LABELS:
        count = none_count if label == "none" else per_label
        n_dev = round(count * dev_share)
        for split, n in (("train", count - n_dev), ("dev", n_dev)):
            for _ in range(n):
                item = article(label, rng, split=split, extended=True)
                text = item.title if not item.text else f"{item.title}\n\n{item.text}"
                digest = hashlib.sha256(f"{split}:{label}:{text}".encode()).hexdigest()[:12]
                out[split].append({"id": f"{split}-{label}-{digest}", "text": text, "label": label})
    for split in out:
        rng.shuffle(out[split])
    return out


def write_corpus(folder: Path, *, seed: int = 20261125) -> dict[str, int]:
    """Write ``adverse_media_train.jsonl``, ``adverse_media_dev.jsonl`` and ``filler.json`` (the
    long-article padding, :func:`write_filler`); return the counts of the two splits."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = generate_corpus(seed=seed)
    for split, records in corpus.items():
        path = folder / f"adverse_media_{split}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    write_filler(folder)
    return {split: len(records) for split, records in corpus.items()}


def filler_stock() -> dict[str, object]:
    """The neutral company boilerplate the classifier's long-article check pads texts with:
    the sentence templates and the values of their slots, as written to ``filler.json``."""
    return {
        "templates": texts.FILLER + texts.EXTRA_FILLER,
        "place": texts.PLACES,
        "authority": texts.AUTHORITIES,
        "weekday": texts.WEEKDAYS,
        "amount_values": texts.AMOUNT_VALUES,
        "small_amount_units": texts.SMALL_AMOUNT_UNITS,
        "staff_sizes": texts.STAFF_SIZES,
        "founded_years": list(texts.FOUNDED_YEARS),
    }


def write_filler(folder: Path) -> Path:
    """Write :func:`filler_stock` to ``folder/filler.json`` (read by the training code, which
    does not import this generator); return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILLER_FILE
    path.write_text(json.dumps(filler_stock(), ensure_ascii=False, indent=1) + "\n", "utf-8")
    return path
