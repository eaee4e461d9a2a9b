"""Real-news text representations side by side with the naive Bayes peer (issue 16, task 2).

For each variant of the adverse-vs-not stage: binary F1 from 5-fold entity-grouped
cross-validation on the **training half** (the number a choice may be made on), then F1 on the
entity-split **held-out half** after fitting on the whole training half (reported, not chosen
on). The split is the shipped model's (:func:`duediligence.signals.realnews.split_by_entity`,
seed 0). Variants:

- ``naive Bayes peer``: TF-IDF word 1–2-grams into multinomial naive Bayes (the baseline);
- ``LR C=20 (shipped)``: word 1–2-gram + char_wb 3–5-gram TF-IDF (sublinear tf) into logistic
  regression, the shipped real-news stage (:func:`build_real_pipeline`);
- ``... title x3``: the same with the title repeated three times (title weighting);
- ``LR C=100``, ``char 2-6``, ``word 1-3``: the union with other regularisation or n-grams;
- ``calibrated linear SVM``: the union into ``LinearSVC`` with sigmoid calibration;
- ``NB-weighted LR``: features scaled by the naive Bayes log-count ratio, into LR
  (Wang & Manning, *Baselines and Bigrams*, ACL 2012).

    python benchmarks/realnews_variants.py [variant ...]

Slow (about 6 fits per variant, ~1 minute each on a busy 2-core machine). Needs
../shared/data/adverse-media/tartu-train.csv.gz.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _common import SHARED_DATA, report
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from duediligence.signals import realnews
from duediligence.signals.classifier import build_real_pipeline
from duediligence.signals.training import naive_bayes_baseline


def union(
    *, word: tuple[int, int] = (1, 2), char: tuple[int, int] = (3, 5), size: int = 50_000
) -> FeatureUnion:
    """Word and char_wb TF-IDF (sublinear tf), as in the shipped stage."""
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    ngram_range=word,
                    sublinear_tf=True,
                    min_df=2,
                    max_features=size,
                    strip_accents="unicode",
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=char,
                    sublinear_tf=True,
                    min_df=3,
                    max_features=size,
                ),
            ),
        ]
    )


class NBWeightedLR(BaseEstimator, ClassifierMixin):  # type: ignore[misc]
    """Logistic regression on features scaled by the naive Bayes log-count ratio."""

    def __init__(self, C: float = 30.0, alpha: float = 1.0) -> None:
        self.C = C
        self.alpha = alpha

    def fit(self, X: Any, y: Any) -> NBWeightedLR:
        """Fit the ratio and the regression."""
        y = np.asarray(y)
        pos = np.asarray(X[y == 1].sum(0)).ravel() + self.alpha
        neg = np.asarray(X[y == 0].sum(0)).ravel() + self.alpha
        self.r_ = np.log((pos / pos.sum()) / (neg / neg.sum()))
        self.lr_ = LogisticRegression(C=self.C, max_iter=3000).fit(X.multiply(self.r_).tocsr(), y)
        self.classes_ = self.lr_.classes_
        return self

    def predict(self, X: Any) -> np.ndarray:
        """0/1 per row."""
        return np.asarray(self.lr_.predict(X.multiply(self.r_).tocsr()))


VARIANTS: dict[str, tuple[int, Callable[[], Any] | None]] = {
    # name: (title repeats, pipeline factory; None = the naive Bayes peer)
    "naive Bayes peer": (1, None),
    "LR C=20 (shipped)": (1, lambda: build_real_pipeline(0)),
    "LR C=20, title x3": (3, lambda: build_real_pipeline(0)),
    "LR C=100": (
        1,
        lambda: Pipeline([("f", union()), ("m", LogisticRegression(C=100, max_iter=3000))]),
    ),
    "LR C=20, char 2-6": (
        1,
        lambda: Pipeline(
            [
                ("f", union(char=(2, 6), size=100_000)),
                ("m", LogisticRegression(C=20, max_iter=3000)),
            ]
        ),
    ),
    "LR C=20, word 1-3": (
        1,
        lambda: Pipeline(
            [
                ("f", union(word=(1, 3), size=100_000)),
                ("m", LogisticRegression(C=20, max_iter=3000)),
            ]
        ),
    ),
    "calibrated linear SVM": (
        1,
        lambda: Pipeline([("f", union()), ("m", CalibratedClassifierCV(LinearSVC(C=0.5), cv=5))]),
    ),
    "NB-weighted LR": (1, lambda: Pipeline([("f", union()), ("m", NBWeightedLR(C=30.0))])),
}


def main(names: list[str]) -> None:
    path = SHARED_DATA / "adverse-media" / realnews.FILE_NAME
    if not path.is_file():
        report(f"{path} not found, skipped")
        return
    articles, _kept = realnews.read_articles(path)
    train, test, groups = realnews.split_by_entity(articles, seed=0)
    y = np.array([a.adverse for a in articles], dtype=int)
    train_a = np.array(train)
    train_groups = np.array([groups[i] for i in train])

    def fit_predict(name: str, fit_idx: Any, score_idx: Any) -> np.ndarray:
        repeats, factory = VARIANTS[name]

        def text(i: int) -> str:
            a = articles[i]
            return f"{(a.title + '. ') * repeats}\n\n{a.text}".strip()

        fit_texts = [text(i) for i in fit_idx]
        model = (
            naive_bayes_baseline(fit_texts, y[fit_idx])
            if factory is None
            else factory().fit(fit_texts, y[fit_idx])
        )
        return np.asarray(model.predict([text(i) for i in score_idx]))

    report(
        f"real news: {len(train)} training-half articles (5 entity-grouped folds), "
        f"{len(test)} held-out articles"
    )
    report(f"  {'variant':<24} {'CV F1 (train half)':>19} {'held-out F1':>12} {'time':>6}")
    for name in names or list(VARIANTS):
        start = time.perf_counter()
        oof = np.zeros(len(train), dtype=int)
        for fit, score in GroupKFold(n_splits=5).split(train_a, groups=train_groups):
            oof[score] = fit_predict(name, train_a[fit], train_a[score])
        held = f1_score(y[test], fit_predict(name, train, test))
        report(
            f"  {name:<24} {f1_score(y[train_a], oof):19.3f} {held:12.3f} "
            f"{time.perf_counter() - start:5.0f}s"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
