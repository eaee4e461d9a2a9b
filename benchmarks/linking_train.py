"""Does a learnt candidate scorer beat the news linker's hand points? (issue 17)

    python benchmarks/linking_train.py [--folds 5] [--C 1.0]

Reads the same real articles and builds the same roster as ``benchmarks/linking.py`` (seed 17;
needs ``../shared/data/adverse-media/tartu-train.csv.gz``), but only the **dev half** is used:
the held-out half is never read into a feature. Every client the linker finds in a dev article
(:func:`duediligence.matching.linking.score_candidates`) is one row of :data:`FEATURES`; its
label is 1 when the article was collected for that client (or the same story for another
client named), else 0 (another client, or any client in an off-roster article).

Models, each scored **out of fold** (grouped folds: all articles of one entity in one fold, so a
model never sees the entity it decides on): a scikit-learn logistic regression (L2) and a small
gradient-boosted tree model. Decision, as the linker's: the client of highest probability is
linked at ``p_link`` or above with no other client within ``margin`` (a client found by a family
name or short name alone never links), else left ambiguous from 0.2, else unlinked. Printed next
to the hand points' decision (``LINK_SCORE``/``MARGIN``, set on this same dev half, so in
sample and flattered) for the right / wrong / ambiguous rates of roster articles and the linked
rate of off-roster articles. Nothing is written: this is a measurement, not a trainer of a
shipped model (see the News linking section of ``benchmarks/RESULTS.md`` for the outcome).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _common import SHARED_DATA, report
from linking import Case, build_cases
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from duediligence.matching.gazetteer import (
    FULL,
    HONORIFICS,
    PARTIAL_FORMS,
    SURNAME,
    Gazetteer,
    Hit,
    common_surname_keys,
    title_case,
)
from duediligence.matching.linking import (
    LINK_SCORE,
    MARGIN,
    REVIEW_SCORE,
    SAME_NAME_MARGIN,
    Candidate,
    Document,
    _country_code,
    _relation,
    _same_places,
    score_candidates,
)
from duediligence.signals import realnews

FEATURES = (
    "full",  # found by its full name or an alias (else one of the three below)
    "variant",  # by a person's name without its middle names
    "party",  # by an owner's/director's/officer's name (none in this roster)
    "partial",  # by a family name or short company name only
    "rarity",  # partial only: 1 / clients sharing the form, halved for a common family name
    "headline",  # named (not as someone's relative or employer) in the headline
    "headline_short",  # only a shortened form or a relative's mention in the headline
    "headline_start",  # the headline opens with the name
    "first_paragraph",  # named in the first paragraph
    "log_count",  # log of the number of mentions
    "related",  # share of its mentions as someone's relative, associate or employer
    "early",  # share of its mentions among the first three words of their sentence
    "accused",  # a word of accusation or sanction next to a mention
    "one_word",  # every mention is a single word ("Westpac", "FINRA")
    "share",  # its mentions / the mentions of all clients found
    "margin",  # its hand points minus the best other client's (-1..1; 1 alone)
    "alone",  # no other client found
    "log_rivals",  # log(1 + other clients found)
    "points",  # the linker's hand points
    "first",  # the client of most hand points (ties included)
    "dominance",  # its mentions / (its mentions + the most repeated name that is no client's)
)

_ACCUSATION_STEMS = (
    "accus", "admit", "arrest", "bann", "barred", "blacklist", "brib", "charg", "convict",
    "court", "defraud", "designat", "detain", "embezzl", "expel", "extradit", "fine", "fined",
    "fraud", "freez", "froze", "guilty", "indict", "investigat", "jail", "launder", "plead",
    "prison", "probe", "prosecut", "raid", "sanction", "seiz", "sentenc", "sue", "sued",
    "suing", "trial",
)  # fmt: skip
_NOT_NAMES_TEXT = (
    "a an the in on at of for and but or as by to from with after before over under he she it "
    "they we i you his her its their this that these those there here when while what who "
    "mr mrs ms dr sir lord lady president minister prime chief former ceo us uk eu un "
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())


@dataclass
class Article:
    """A dev article: its case, document and the linker's candidates with their features."""

    case: Case
    doc: Document
    found: list[Candidate]
    features: list[list[float]]


def _token_index(doc: Document, offset: int) -> int:
    return next((k for k, t in enumerate(doc.tokens) if t.start >= offset), len(doc.tokens))


def _early(doc: Document, hit: Hit) -> bool:
    start, _end = doc.sentence_of(doc.tokens[hit.first].start)
    return hit.first - _token_index(doc, start) < 3


def _accused(doc: Document, hit: Hit) -> bool:
    start, end = doc.sentence_of(doc.tokens[hit.first].start)
    lo = max(hit.first - 3, _token_index(doc, start))
    for k in (*range(lo, hit.first), *range(hit.last + 1, min(hit.last + 7, len(doc.tokens)))):
        token = doc.tokens[k]
        if token.start < end and token.key.startswith(_ACCUSATION_STEMS):
            return True
    return False


def _unknown_names(doc: Document, found: list[Candidate]) -> int:
    """How often the most repeated capitalised word outside every client's mention is written
    (sentence openings, countries, small words and a title-case headline aside)."""
    inside = {k for c in found for m in c.mentions for k in range(m.hit.first, m.hit.last + 1)}
    counts: dict[str, int] = defaultdict(int)
    headline_caps = title_case(doc.text[: doc.title_end])
    for k, token in enumerate(doc.tokens):
        raw = token.raw
        if k in inside or not raw[:1].isupper() or token.key in _NOT_NAMES or len(raw) < 3:
            continue
        if headline_caps and token.start < doc.title_end:
            continue
        before = doc.text[max(0, token.start - 3) : token.start].rstrip(" \t\"'“‘(")
        if before and before[-1] not in ".!?:\n":
            counts[token.key] += 1
    return max((n for key, n in counts.items() if _country_code(key.title()) is None), default=0)


def features(gazetteer: Gazetteer, doc: Document, found: list[Candidate]) -> list[list[float]]:
    """The rows of :data:`FEATURES` of the candidates ``found`` in ``doc``."""
    common = common_surname_keys()
    unknown = _unknown_names(doc, found)
    total = sum(len(c.mentions) for c in found)
    points = sorted((c.raw for c in found), reverse=True)
    rows = []
    for c in found:
        entries = [gazetteer.entries[m.entry] for m in c.mentions]
        own = [e for e in entries if e.form not in PARTIAL_FORMS]
        kind = (
            "full"
            if any(e.form == FULL and e.via != "party" for e in own)
            else "variant"
            if any(e.via != "party" for e in own)
            else "party"
            if own
            else "partial"
        )
        rarity = 0.0
        if kind == "partial":
            hit = c.mentions[0].hit
            keys = tuple(doc.tokens[k].key for k in range(hit.first, hit.last + 1))
            rarity = 1.0 / max(1, gazetteer.sharing(keys))
            if entries[0].form == SURNAME and keys[0] in common:
                rarity *= 0.5
        subject = [
            m for m, e in zip(c.mentions, entries, strict=True)
            if not _relation(doc, m.hit) and (kind == "partial" or e.form not in PARTIAL_FORMS)
        ]  # fmt: skip
        places = {doc.where(doc.tokens[m.hit.first].start) for m in subject}
        all_places = {
            doc.where(doc.tokens[m.hit.first].start)
            for m in c.mentions
            if not _relation(doc, m.hit)
        }
        others = len(found) - 1
        best_other = 0.0 if not others else points[1 if c.raw == points[0] else 0]
        n = len(c.mentions)
        row = {
            "full": kind == "full",
            "variant": kind == "variant",
            "party": kind == "party",
            "partial": kind == "partial",
            "rarity": rarity,
            "headline": "headline" in places,
            "headline_short": "headline" not in places and "headline" in all_places,
            "headline_start": any(
                doc.tokens[m.hit.first].start < doc.title_end
                and all(t.key in HONORIFICS for t in doc.tokens[: m.hit.first])
                for m in subject
            ),
            "first_paragraph": "first paragraph" in all_places,
            "log_count": math.log(n),
            "related": sum(bool(_relation(doc, m.hit)) for m in c.mentions) / n,
            "early": sum(_early(doc, m.hit) for m in subject) / len(subject) if subject else 0,
            "accused": any(_accused(doc, m.hit) for m in subject),
            "one_word": all(m.hit.first == m.hit.last for m in c.mentions),
            "share": n / total,
            "margin": max(-1.0, min(1.0, c.raw - best_other)) if others else 1.0,
            "alone": not others,
            "log_rivals": math.log1p(others),
            "points": c.raw,
            "first": c.raw == points[0],
            "dominance": n / (n + unknown),
        }
        rows.append([float(row[name]) for name in FEATURES])
    return rows


def dev_articles(cases: list[Case], names: list[str]) -> tuple[list[Article], list[str]]:
    """The dev half's articles scored by the linker against the benchmark's roster (in memory,
    clients in the order the benchmark stores them), and the client names by position."""
    gazetteer = Gazetteer()
    for k, name in enumerate(names):
        gazetteer.add_client(k + 1, f"C{k:05d}", name)
    out = []
    for case in (c for c in cases if c.half == "dev"):
        doc = Document.of(case.title[:1000] or case.text[:100], case.text)  # as stored
        found = score_candidates(gazetteer, doc)
        out.append(Article(case, doc, found, features(gazetteer, doc, found)))
    return out, [info.name for info in gazetteer.clients]


def decide(
    scored: list[tuple[float, Candidate, bool]],
    p_link: float,
    margin: float,
    same: float,
    review: float,
) -> tuple[str, int | None]:
    """The linker's decision rule (``decide_from_text``) on (score, candidate, found by a
    partial form only) triples."""
    if not scored:
        return "unlinked", None
    scored = sorted(scored, key=lambda pc: -pc[0])
    p, top, partial = scored[0]
    if p < review:
        return "unlinked", None
    rivals = [
        c
        for q, c, _partial in scored[1:]
        if q >= review and q > p - (same if _same_places(c, top) else margin)
    ]
    if p >= p_link and not rivals and not partial:
        return "linked", top.client
    return "ambiguous", None


def rates(
    articles: list[Article],
    scores: list[list[float]],
    names: list[str],
    *,
    p_link: float,
    margin: float,
    same: float,
    review: float,
) -> str:
    """ "right / wrong / ambiguous" of the roster articles and "off" linked, in %."""
    right = wrong = ambiguous = off = 0
    partial = FEATURES.index("partial")
    for article, ps in zip(articles, scores, strict=True):
        scored = [
            (p, c, bool(row[partial]))
            for p, c, row in zip(ps, article.found, article.features, strict=True)
        ]
        status, client = decide(scored, p_link, margin, same, review)
        if article.case.in_roster:
            if status == "linked":
                ok = names[client] in article.case.entities  # type: ignore[index]
                right += ok
                wrong += not ok
            ambiguous += status == "ambiguous"
        else:
            off += status == "linked"
    n_roster = sum(a.case.in_roster for a in articles)
    n_off = len(articles) - n_roster
    return (
        f"{100 * right / n_roster:.1f} | {100 * wrong / n_roster:.1f} | "
        f"{100 * ambiguous / n_roster:.1f} | {100 * off / n_off:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--C", type=float, default=1.0)
    args = parser.parse_args()
    path = SHARED_DATA / "adverse-media" / realnews.FILE_NAME
    if not path.is_file():
        report(f"{path} not found, nothing to measure")
        return
    cases, roster, distractors = build_cases(path)
    articles, names = dev_articles(cases, roster + distractors)
    x, y, groups, where = [], [], [], []
    for a, article in enumerate(articles):
        for j, (cand, row) in enumerate(zip(article.found, article.features, strict=True)):
            x.append(row)
            y.append(int(article.case.in_roster and names[cand.client] in article.case.entities))
            groups.append(article.case.entity)
            where.append((a, j))
    xa, ya = np.array(x), np.array(y)
    report(
        f"dev half: {len(articles)} articles, {len(x)} candidate rows ({int(ya.sum())} right "
        f"ones), {len(FEATURES)} features"
    )
    report("")
    report("| scorer | p_link | margin | right | wrong | ambiguous | off-roster linked |")
    report("|---|---|---|---|---|---|---|")
    hand = [[c.raw for c in a.found] for a in articles]
    in_sample = rates(
        articles,
        hand,
        names,
        p_link=LINK_SCORE,
        margin=MARGIN,
        same=SAME_NAME_MARGIN,
        review=REVIEW_SCORE,
    )
    report(f"| hand points (in sample) | {LINK_SCORE} | {MARGIN} | {in_sample} |")
    models = {
        f"logistic regression C={args.C}": lambda: LogisticRegression(C=args.C, max_iter=3000),
        "gradient-boosted trees": lambda: HistGradientBoostingClassifier(
            max_depth=3, max_iter=150, learning_rate=0.05, random_state=17
        ),
    }
    for label, make in models.items():
        oof = np.zeros(len(y))
        for train, test in GroupKFold(n_splits=args.folds).split(xa, ya, groups):
            oof[test] = make().fit(xa[train], ya[train]).predict_proba(xa[test])[:, 1]
        scores: list[list[float]] = [[0.0] * len(a.found) for a in articles]
        for (a, j), p in zip(where, oof, strict=True):
            scores[a][j] = float(p)
        for p_link in (0.6, 0.7, 0.8, 0.85, 0.9):
            for margin in (0.3,):
                result = rates(
                    articles, scores, names, p_link=p_link, margin=margin, same=0.02, review=0.2
                )
                report(f"| {label} (out of fold) | {p_link} | {margin} | {result} |")
    model = LogisticRegression(C=args.C, max_iter=3000).fit(xa, ya)
    report("")
    report("logistic regression on the whole dev half, coefficients:")
    report(
        ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, model.coef_[0], strict=True))
        + f"; intercept {model.intercept_[0]:+.2f}"
    )


if __name__ == "__main__":
    main()
