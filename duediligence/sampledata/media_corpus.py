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

from duediligence.sampledata.texts import LABELS, article


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
    """Write ``adverse_media_train.jsonl`` and ``adverse_media_dev.jsonl``; return the counts."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = generate_corpus(seed=seed)
    for split, records in corpus.items():
        path = folder / f"adverse_media_{split}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return {split: len(records) for split, records in corpus.items()}


def read_corpus(path: Path) -> tuple[list[str], list[str]]:
    """Texts and labels of one corpus file."""
    texts, labels = [], []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                texts.append(record["text"])
                labels.append(record["label"])
    return texts, labels
