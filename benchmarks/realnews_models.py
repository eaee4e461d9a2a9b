"""Real-news adverse-vs-not candidates, chosen by entity-grouped CV (issue 16, second round).

Every candidate is scored by 5-fold entity-**grouped** cross-validation on the **training half**
of the real articles (:func:`duediligence.signals.realnews.split_by_entity`, seed 0): the
column a choice may be made on. Each fold fits its own vectorizers on its fitting part only;
the feature blocks of a fold are shared by the candidates. The held-out half is scored only
with ``--held-out NAME ...`` (fit on the whole training half, scored once), for the candidates
picked on CV and the two references. ``--all-articles`` instead runs the same grouped CV over
all usable real articles (both halves), the figure a model trained on all of them can quote.

Feature blocks (all TF-IDF with sublinear tf unless said):

- ``w12``: word 1–2-grams (min_df 2, 50k); ``c35`` / ``c25``: char_wb 3–5 / 2–5-grams
  (min_df 3, 50k) — ``w12 + c35`` is today's shipped real-news stage;
- ``b13``: binary word 1–3-gram counts (min_df 2), for NB-SVM;
- ``ent``: ``w12 + c35`` of the sentences naming the article's entity and the sentence after each
  (found with :func:`duediligence.signals.mentions.find_mentions`; the title when it is never
  named) — the entity-focused window;
- ``lead``: ``w12 + c35`` of the title and the first 150 words.

Candidates:

- ``nb``: TF-IDF word 1–2 + multinomial naive Bayes (alpha 0.05), the issue's peer;
- ``lr``: ``w12 + c35`` into LR C=20 — today's real-news stage;
- ``present``: today's whole adverse-or-not path without a subject: the fold's ``lr`` log-odds
  beside the shipped offence stage's P(any offence) (fitted on the generated corpus only, never
  on real articles) through the shipped calibrator (five weights, fitted on the training
  half's out-of-fold scores, so very slightly optimistic here);
- ``present-nested``: the same path with the calibrator (the shipped recipe: LR C=1 over
  :func:`~duediligence.signals.classifier.stack_features`) refitted inside a second
  entity-grouped CV over the out-of-fold ``lr`` scores, so no weight saw the article it scores
  (the real-article part of the calibrator only; the shipped one also sees the corpus);
- ``lr-c25``: ``w12 + c25`` into LR C=20;
- ``svm-cal``: ``w12 + c35`` into a linear SVM (C=0.5) with sigmoid calibration (3 inner folds);
- ``nbsvm``: NB-SVM (Wang & Manning 2012): binary word 1–3 counts scaled by the log-count
  ratio into LR (C=1 and C=10);
- ``nblr-union``: the log-count ratio (from binarised features) scaling ``w12 + c35`` into LR;
- ``lr+ent``: ``w12 + c35`` of the article beside ``ent`` (concatenated) into LR C=20;
- ``lr+lead``: ``w12 + c35`` beside ``lead`` into LR C=20;
- ``ens-*``: the mean of the candidates' probabilities (each candidate's own fit);
- ``bag-lr``: 15 LR C=20 fitted on bootstrap samples of ``w12 + c35``, probabilities averaged.

    PYTHONPATH=. python benchmarks/realnews_models.py [--only NAME ...] [--held-out NAME ...]
        [--all-articles] [--fit-all] [--save OOF.npz]

``--fit-all`` fits the shipped two-stage recipe on all usable articles and prints the figures it
must keep (offence macro-F1, role accuracy).

F1 is at P >= 0.5 (LR, NB, calibrated SVM) or decision 0 (NB-SVM); the "best thr" column is the
F1 at the best threshold over the out-of-fold probabilities — optimistic, a diagnostic of how
much a threshold could move, not a choice. Needs ../shared/data/adverse-media/tartu-train.csv.gz.
Slow: about 3 minutes per fold on a 2-core machine for all candidates.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import scipy.sparse as sp
from _common import REPO, SHARED_DATA, report
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC

from duediligence.matching.gazetteer import sentences
from duediligence.signals import realnews
from duediligence.signals.classifier import (
    MediaModel,
    active_signals_model,
    predict_proba,
    stack_features,
)
from duediligence.signals.mentions import Subject, find_mentions

LEAD_WORDS = 150


def words_tfidf() -> TfidfVectorizer:
    """Word 1–2-gram TF-IDF as in the shipped real-news stage."""
    return TfidfVectorizer(
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=2,
        max_features=50_000,
        strip_accents="unicode",
    )


def chars_tfidf(low: int = 3) -> TfidfVectorizer:
    """char_wb ``low``–5-gram TF-IDF as in the shipped real-news stage (``low`` 3)."""
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(low, 5), sublinear_tf=True, min_df=3, max_features=50_000
    )


def entity_context(article: realnews.Article) -> str:
    """The sentences naming the article's entity and the sentence after each (the title when the
    entity is never found)."""
    text = article.full_text
    if not article.entity:
        return article.title
    spans = sentences(text)
    mentions = find_mentions(text, Subject.of([article.entity]))
    keep: set[int] = set()
    j = 0
    for m in mentions:
        while j < len(spans) and spans[j][1] <= m.start:
            j += 1
        if j < len(spans):
            keep.update(k for k in (j, j + 1) if k < len(spans))
    if not keep:
        return article.title
    return " ".join(text[spans[k][0] : spans[k][1]] for k in sorted(keep))


def lead(article: realnews.Article) -> str:
    """Title and the first :data:`LEAD_WORDS` words of the body."""
    return f"{article.title}\n\n{' '.join(article.text.split()[:LEAD_WORDS])}".strip()


Blocks = dict[str, Any]


def fold_blocks(
    fit_docs: dict[str, list[str]], score_docs: dict[str, list[str]], need: set[str]
) -> tuple[Blocks, Blocks]:
    """Feature blocks fitted on the fitting part only: (fitting blocks, scoring blocks)."""
    fit: Blocks = {}
    score: Blocks = {}

    def add(name: str, vec: Any, doc: str) -> None:
        fit[name] = vec.fit_transform(fit_docs[doc]).tocsr()
        score[name] = vec.transform(score_docs[doc]).tocsr()

    if need & {"w12", "nb"}:
        add("w12", words_tfidf(), "full")
    if "c35" in need:
        add("c35", chars_tfidf(3), "full")
    if "c25" in need:
        add("c25", chars_tfidf(2), "full")
    if "b13" in need:
        add(
            "b13",
            CountVectorizer(ngram_range=(1, 3), min_df=2, binary=True, strip_accents="unicode"),
            "full",
        )
    if "ent" in need:
        add("ent_w", words_tfidf(), "ent")
        add("ent_c", chars_tfidf(3), "ent")
    if "lead" in need:
        add("lead_w", words_tfidf(), "lead")
        add("lead_c", chars_tfidf(3), "lead")
    if "stack" in need:
        fit["stack"] = np.array([[float(x) for x in d.split()] for d in fit_docs["stack"]])
        score["stack"] = np.array([[float(x) for x in d.split()] for d in score_docs["stack"]])
    if "nb" in need:
        nb_vec = TfidfVectorizer(
            sublinear_tf=True, ngram_range=(1, 2), min_df=2, strip_accents="unicode"
        )
        add("nb", nb_vec, "full")
    return fit, score


def hstack(blocks: Blocks, names: list[str]) -> Any:
    """The named blocks side by side."""
    return sp.hstack([blocks[n] for n in names]).tocsr()


def log_count_ratio(X: Any, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """NB log-count ratio r of binarised features (Wang & Manning 2012)."""
    Xb = (X > 0).astype(float)
    pos = np.asarray(Xb[y == 1].sum(0)).ravel() + alpha
    neg = np.asarray(Xb[y == 0].sum(0)).ravel() + alpha
    return np.asarray(np.log((pos / pos.sum()) / (neg / neg.sum())))


# A candidate: (blocks it needs, fit-and-score function returning P(adverse) of the scoring rows).
Fit = Callable[[Blocks, np.ndarray, Blocks], np.ndarray]


def lr_on(names: list[str], C: float = 20.0) -> Fit:
    def run(fit: Blocks, y: np.ndarray, score: Blocks) -> np.ndarray:
        model = LogisticRegression(C=C, max_iter=3000).fit(hstack(fit, names), y)
        return np.asarray(model.predict_proba(hstack(score, names))[:, 1])

    return run


def nb_peer(fit: Blocks, y: np.ndarray, score: Blocks) -> np.ndarray:
    model = MultinomialNB(alpha=0.05).fit(fit["nb"], y)
    return np.asarray(model.predict_proba(score["nb"])[:, 1])


def svm_cal(fit: Blocks, y: np.ndarray, score: Blocks) -> np.ndarray:
    model = CalibratedClassifierCV(LinearSVC(C=0.5), cv=3, method="sigmoid")
    model.fit(hstack(fit, ["w12", "c35"]), y)
    return np.asarray(model.predict_proba(hstack(score, ["w12", "c35"]))[:, 1])


def nbsvm(C: float, names: list[str]) -> Fit:
    def run(fit: Blocks, y: np.ndarray, score: Blocks) -> np.ndarray:
        X, S = hstack(fit, names), hstack(score, names)
        r = log_count_ratio(X, y)
        X, S = X.multiply(r).tocsr(), S.multiply(r).tocsr()
        model = LogisticRegression(C=C, max_iter=3000).fit(X, y)
        return np.asarray(model.predict_proba(S)[:, 1])

    return run


def present(fit: Blocks, y: np.ndarray, score: Blocks) -> np.ndarray:
    """Today's shipped path: the ``lr`` stage's log-odds beside the shipped offence stage's
    P(any offence) (trained on the corpus only, never on real articles) through the shipped
    calibrator (whose five weights were fitted on the training half's out-of-fold scores)."""
    X, S = hstack(fit, ["w12", "c35"]), hstack(score, ["w12", "c35"])
    z = LogisticRegression(C=20.0, max_iter=3000).fit(X, y).decision_function(S)
    shipped = _shipped()
    feats = stack_features(z, score["stack"][:, 0], score["stack"][:, 1])
    return np.asarray(shipped.calibrator.predict_proba(feats)[:, 1])


def _shipped() -> MediaModel:
    return MediaModel.from_bundle(active_signals_model(REPO / "models").model)


def bagged_lr(fit: Blocks, y: np.ndarray, score: Blocks, n: int = 15) -> np.ndarray:
    X, S = hstack(fit, ["w12", "c35"]), hstack(score, ["w12", "c35"])
    rng = np.random.default_rng(0)
    out = np.zeros(S.shape[0])
    for _ in range(n):
        idx = rng.integers(0, X.shape[0], X.shape[0])
        out += LogisticRegression(C=20.0, max_iter=3000).fit(X[idx], y[idx]).predict_proba(S)[:, 1]
    return out / n


CANDIDATES: dict[str, tuple[set[str], Fit]] = {
    "nb": ({"nb"}, nb_peer),
    "lr": ({"w12", "c35"}, lr_on(["w12", "c35"])),
    "present": ({"w12", "c35", "stack"}, present),
    "lr-C100": ({"w12", "c35"}, lr_on(["w12", "c35"], C=100.0)),
    "lr-c25": ({"w12", "c25"}, lr_on(["w12", "c25"])),
    "svm-cal": ({"w12", "c35"}, svm_cal),
    "nbsvm-C1": ({"b13"}, nbsvm(1.0, ["b13"])),
    "nbsvm-C10": ({"b13"}, nbsvm(10.0, ["b13"])),
    "nblr-union": ({"w12", "c35"}, nbsvm(30.0, ["w12", "c35"])),
    "lr+ent": ({"w12", "c35", "ent"}, lr_on(["w12", "c35", "ent_w", "ent_c"])),
    "lr+lead": ({"w12", "c35", "lead"}, lr_on(["w12", "c35", "lead_w", "lead_c"])),
    "bag-lr": ({"w12", "c35"}, bagged_lr),
}
ENSEMBLES: dict[str, list[str]] = {
    "ens-lr+nb": ["lr", "nb"],
    "ens-lr+nbsvm": ["lr", "nbsvm-C10"],
    "ens-lr+nb+nbsvm": ["lr", "nb", "nbsvm-C10"],
    "ens-lr+svm+nb+nbsvm": ["lr", "svm-cal", "nb", "nbsvm-C10"],
    "ens-lr+ent+nb": ["lr+ent", "nb"],
    "ens-lr+ent+nb+nbsvm": ["lr+ent", "nb", "nbsvm-C10"],
}


def documents(articles: list[realnews.Article], need: set[str]) -> dict[str, list[str]]:
    """The texts each block reads, per article."""
    docs = {"full": [a.full_text for a in articles]}
    if "ent" in need:
        docs["ent"] = [entity_context(a) for a in articles]
    if "lead" in need:
        docs["lead"] = [lead(a) for a in articles]
    if "stack" in need:
        model = _shipped()
        off = predict_proba(model.offence, docs["full"])
        p_off = 1.0 - off[:, list(model.offence.classes_).index("none")]
        docs["stack"] = [
            f"{float(p)!r} {len(t.split())}" for p, t in zip(p_off, docs["full"], strict=True)
        ]
    return docs


def take(docs: dict[str, list[str]], idx: np.ndarray) -> dict[str, list[str]]:
    return {k: [v[i] for i in idx] for k, v in docs.items()}


def best_threshold_f1(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """The best F1 over thresholds 0.05–0.95 and its threshold (diagnostic only)."""
    grid = np.linspace(0.05, 0.95, 91)
    scores = [f1_score(y, (p >= t).astype(int)) for t in grid]
    k = int(np.argmax(scores))
    return float(scores[k]), float(grid[k])


def bootstrap_f1(y: np.ndarray, pred: np.ndarray, n: int = 500) -> tuple[float, float]:
    """95% bootstrap interval of F1 (resampling articles)."""
    rng = np.random.default_rng(0)
    s = [f1_score(y[i], pred[i]) for i in (rng.integers(0, len(y), len(y)) for _ in range(n))]
    low, high = np.percentile(s, [2.5, 97.5])
    return float(low), float(high)


def run_cv(
    articles: list[realnews.Article],
    idx: np.ndarray,
    groups: np.ndarray,
    names: list[str],
    folds: int = 5,
) -> dict[str, np.ndarray]:
    """Out-of-fold P(adverse) of every candidate in ``names`` over the articles ``idx``."""
    base = [n for n in names if n in CANDIDATES]
    if "present-nested" in names:
        base += [m for m in ("lr", "present") if m not in base]
    for n in names:
        base += [m for m in ENSEMBLES.get(n, []) if m not in base]
    need = set().union(*(CANDIDATES[n][0] for n in base))
    docs = documents([articles[i] for i in idx], need)
    y = np.array([articles[i].adverse for i in idx], dtype=int)
    oof = {n: np.zeros(len(idx)) for n in base}
    times = dict.fromkeys(base, 0.0)
    for k, (f, s) in enumerate(GroupKFold(n_splits=folds).split(idx, groups=groups)):
        t = time.perf_counter()
        fit_b, score_b = fold_blocks(take(docs, f), take(docs, s), need)
        report(f"  fold {k + 1}/{folds}: features {time.perf_counter() - t:.0f}s")
        for n in base:
            t = time.perf_counter()
            oof[n][s] = CANDIDATES[n][1](fit_b, y[f], score_b)
            times[n] += time.perf_counter() - t
    for n, parts in ENSEMBLES.items():
        if n in names:
            oof[n] = np.mean([oof[m] for m in parts], axis=0)
    if "present-nested" in names:
        stack = np.array([[float(x) for x in d.split()] for d in docs["stack"]])
        z = np.log(np.clip(oof["lr"], 1e-9, 1.0) / np.clip(1.0 - oof["lr"], 1e-9, 1.0))
        X = stack_features(z, stack[:, 0], stack[:, 1])
        oof["present-nested"] = np.zeros(len(idx))
        for f, s in GroupKFold(n_splits=folds).split(X, groups=groups):
            cal = LogisticRegression(C=1.0, max_iter=1000).fit(X[f], y[f])
            oof["present-nested"][s] = cal.predict_proba(X[s])[:, 1]
    return oof


def table(y: np.ndarray, probs: dict[str, np.ndarray], title: str) -> None:
    report(title)
    report(f"  {'candidate':<22} {'F1':>6} {'95% CI':>13} {'prec':>6} {'rec':>6} {'best thr':>13}")
    for n, p in probs.items():
        pred = (p >= 0.5).astype(int)
        lo, hi = bootstrap_f1(y, pred)
        tp = int((pred & y).sum())
        best, thr = best_threshold_f1(y, p)
        report(
            f"  {n:<22} {f1_score(y, pred):6.3f} {lo:6.3f}–{hi:.3f} "
            f"{tp / max(pred.sum(), 1):6.3f} {tp / max(y.sum(), 1):6.3f} "
            f"{best:6.3f} @{thr:.2f}"
        )


def fit_all(articles: list[realnews.Article], groups: np.ndarray) -> None:
    """Fit the shipped recipe (:func:`~duediligence.signals.training.fit_media_model`) on all
    usable real articles and print the targets it must keep: offence macro-F1 on the corpus dev
    split and role accuracy on the role cases (real-news F1 then only from grouped CV)."""
    from duediligence.modelstore import LoadedModel, ModelManifest
    from duediligence.signals.classifier import evaluate
    from duediligence.signals.training import (
        _read_split,
        corpus_paths,
        fit_media_model,
        read_role_cases,
        role_accuracy,
    )

    train_path, dev_path = corpus_paths()
    texts, labels = _read_split(train_path)
    dev_texts, dev_labels = _read_split(dev_path)
    y = np.array([a.adverse for a in articles], dtype=int)
    t = time.perf_counter()
    model = fit_media_model([a.full_text for a in articles], y, groups, texts, labels)
    report(f"fitted on all {len(articles)} real articles in {time.perf_counter() - t:.0f}s")
    dev = evaluate(model, dev_texts, dev_labels)
    report(
        f"offence labels, corpus dev split (n={dev['n']}): macro-F1 {dev['macro_f1']:.4f} "
        f"(target >= 0.896), adverse-vs-none F1 {dev['adverse_f1']:.4f}"
    )
    loaded = LoadedModel(ModelManifest("signals", "all", "", "", "", [], "", {}), model.bundle())
    cases = read_role_cases()
    for part in ("tune", "test"):
        r = role_accuracy(loaded, [c for c in cases if c["part"] == part])
        report(
            f"roles, {part} cases (n={r['n']}): accuracy {r['accuracy']:.3f}; "
            + ", ".join(f"{k} {v:.2f}" for k, v in r["per_role"].items())
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="candidates to run (default all)")
    parser.add_argument(
        "--held-out", nargs="*", default=None, help="score these on the held-out half once"
    )
    parser.add_argument(
        "--all-articles", action="store_true", help="grouped CV over all usable articles"
    )
    parser.add_argument(
        "--fit-all",
        action="store_true",
        help="fit the shipped two-stage model on all usable articles; print the other targets",
    )
    parser.add_argument("--save", type=Path, help="write the out-of-fold P(adverse) here (.npz)")
    args = parser.parse_args()
    path = SHARED_DATA / "adverse-media" / realnews.FILE_NAME
    if not path.is_file():
        report(f"{path} not found, skipped")
        return
    articles, _kept = realnews.read_articles(path)
    train, test, groups = realnews.split_by_entity(articles, seed=0)
    g = np.array(groups)
    y_all = np.array([a.adverse for a in articles], dtype=int)
    names = args.only or [*CANDIDATES, "present-nested", *ENSEMBLES]
    report(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    start = time.perf_counter()
    if args.fit_all:
        fit_all(articles, g)
    elif args.held_out is not None:
        picked = args.held_out or ["nb", "lr"]
        base = sorted({m for n in picked for m in ENSEMBLES.get(n, [n])})
        need = set().union(*(CANDIDATES[n][0] for n in base))
        tr, te = np.array(train), np.array(test)
        docs = documents(articles, need)
        fit_b, score_b = fold_blocks(take(docs, tr), take(docs, te), need)
        probs = {n: CANDIDATES[n][1](fit_b, y_all[tr], score_b) for n in base}
        for n in picked:
            if n in ENSEMBLES:
                probs[n] = np.mean([probs[m] for m in ENSEMBLES[n]], axis=0)
        table(
            y_all[te],
            {n: probs[n] for n in picked},
            f"held-out half ({len(te)} articles, fitted on the {len(tr)} of the training half)",
        )
    else:
        idx = np.arange(len(articles)) if args.all_articles else np.array(train)
        oof = run_cv(articles, idx, g[idx], names)
        if args.save:
            arrays: dict[str, Any] = {"idx": idx, **{n: oof[n] for n in names}}
            np.savez(args.save, **arrays)
        where = "all usable articles" if args.all_articles else "the training half"
        table(
            y_all[idx],
            {n: oof[n] for n in names},
            f"5-fold entity-grouped CV on {where} ({len(idx)} articles, "
            f"{y_all[idx].mean():.0%} adverse)",
        )
    report(f"done in {time.perf_counter() - start:.0f}s, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
