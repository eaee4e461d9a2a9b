"""Real labelled news articles (the Tartu adverse-media training set): reading, labels, split.

The file (``tartu-train.csv.gz``, MIT licence) has one row per article with the entity it was
collected for, the file it came from (``adverse`` / ``non_adverse``) and the assessors' re-check
``label``. Label policy (see ``../shared/data/README.md``):

- ``am`` → adverse, ``nam`` → not adverse: the assessors read the article and decided;
- empty → the label of the file the article came from (not re-checked, but collected as such);
- ``delete`` (duplicates, paywalls, whole countries), ``doubt``, ``random``, ``neither`` and mixed
  values such as ``am, doubt`` → dropped: the assessors rejected the item or could not decide, so
  neither label would be honest.

The held-out half is split **by entity**: articles are grouped by their entity name and also by
identical text, URL or title (the same story collected twice for different entities must not
sit on both sides), and whole groups go to one half.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import random
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from duediligence.errors import InputError

FILE_NAME = "tartu-train.csv.gz"
KEEP = {"am": True, "nam": False}
COLUMNS = {"file", "title", "article", "entity_name", "label"}


@dataclass(frozen=True)
class Article:
    """One real article with its binary label and the entity it was collected for."""

    title: str
    text: str
    entity: str
    adverse: bool

    @property
    def full_text(self) -> str:
        """Title, blank line, body: the form classified."""
        return f"{self.title}\n\n{self.text}".strip()


def default_path() -> Path:
    """``adverse-media/tartu-train.csv.gz`` in the shared data folder (``DD_SHARED_DATA``)."""
    from duediligence.shipped import shared_data_dir

    return shared_data_dir() / "adverse-media" / FILE_NAME


def read_articles(path: Path) -> tuple[list[Article], dict[str, int]]:
    """The usable articles of ``path`` and counts of what was kept and dropped (by label value).

    Raises :class:`InputError` when the file is missing or lacks the expected columns.
    """
    if not path.is_file():
        raise InputError(f"{path}: real-news training file not found")
    csv.field_size_limit(sys.maxsize)  # article bodies exceed the csv module's default limit
    opener = gzip.open if path.suffix == ".gz" else open
    articles: list[Article] = []
    counts: dict[str, int] = {}
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = COLUMNS - set(reader.fieldnames or [])
        if missing:
            raise InputError(f"{path}: missing columns {', '.join(sorted(missing))}")
        for row in reader:
            label = (row["label"] or "").strip()
            if label in KEEP:
                adverse = KEEP[label]
            elif not label:
                adverse = row["file"].strip() == "adverse"
            else:
                counts[f"dropped:{label}"] = counts.get(f"dropped:{label}", 0) + 1
                continue
            key = f"kept:{label or 'file:' + row['file'].strip()}"
            counts[key] = counts.get(key, 0) + 1
            articles.append(
                Article(
                    title=(row["title"] or "").strip(),
                    text=(row["article"] or "").strip(),
                    entity=(row["entity_name"] or "").strip(),
                    adverse=adverse,
                )
            )
    return articles, counts


def _norm(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"\W+", " ", folded).strip()


def entity_groups(articles: list[Article]) -> list[int]:
    """A group number per article: same entity, or the same text or title, means same group."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: tuple[str, str], b: tuple[str, str]) -> None:
        parent[find(a)] = find(b)

    for i, a in enumerate(articles):
        node = ("row", str(i))
        find(node)
        if _norm(a.entity):
            union(node, ("entity", _norm(a.entity)))
        body = hashlib.sha256(_norm(a.text)[:2000].encode()).hexdigest()
        union(node, ("text", body))
        if len(_norm(a.title)) > 20:
            union(node, ("title", _norm(a.title)))
    roots: dict[tuple[str, str], int] = {}
    return [roots.setdefault(find(("row", str(i))), len(roots)) for i in range(len(articles))]


def split_by_entity(
    articles: list[Article], *, seed: int = 0
) -> tuple[list[int], list[int], list[int]]:
    """Indexes of the training half and the held-out half (whole entity groups on one side),
    and the group number of every article."""
    groups = entity_groups(articles)
    ids = sorted(set(groups))
    random.Random(seed).shuffle(ids)
    held = set(ids[: len(ids) // 2])
    train = [i for i, g in enumerate(groups) if g not in held]
    test = [i for i, g in enumerate(groups) if g in held]
    return train, test, groups
