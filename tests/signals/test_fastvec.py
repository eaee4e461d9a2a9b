"""The per-word TF-IDF path gives exactly the matrices scikit-learn's vectorizers give."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from duediligence.signals.classifier import _windows, build_pipeline, build_real_pipeline
from duediligence.signals.corpus import read_corpus
from duediligence.signals.fastvec import FastUnion, WordCache, supported
from duediligence.signals.training import corpus_paths, long_variant

ODD = [
    "it´s Ünïcode  naïve\n\nΣΑΣ ΟΔΟΣ. x\u00a0y  \u2007z İstanbul ½ ﬁnance café",
    "",
    "   \n\t ",
    "a b c — I",
    "U.S.-based don't ... (Acme) Acme, Acme. ACME's",
]


def _same(a: sp.spmatrix, b: sp.spmatrix) -> bool:
    a, b = sp.csr_matrix(a), sp.csr_matrix(b)
    return (
        a.shape == b.shape
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)
    )


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    texts, _labels = read_corpus(corpus_paths()[0])
    return texts[:600]


@pytest.mark.parametrize("build", [build_pipeline, build_real_pipeline])
def test_union_matches_sklearn_on_texts_windows_and_odd_input(build, corpus: list[str]) -> None:
    features = build().steps[0][1].fit(corpus + ODD)
    fast = FastUnion(features)
    assert fast.parts is not None  # the model's own vectorizers take the fast path
    longs = long_variant(corpus[:40], words=400)
    windows = [w for t in longs for w in _windows(t)]
    cache = WordCache()  # one cache across calls, as the classifier uses it
    for docs in (corpus[300:], longs, windows, ODD, corpus[300:]):
        assert _same(fast.transform(docs, cache), features.transform(docs))


def test_two_unions_share_one_cache(corpus: list[str]) -> None:
    """The model's two stages analyse alike and share one cache; each keeps its own vocabulary."""
    a = build_pipeline().steps[0][1].fit(corpus[:300])
    b = build_real_pipeline().steps[0][1].fit(corpus[300:])
    cache = WordCache()
    for features in (a, b, a):
        docs = corpus[::3] + ODD
        assert _same(FastUnion(features).transform(docs, cache), features.transform(docs))


@pytest.mark.parametrize(
    "vec",
    [
        TfidfVectorizer(),
        TfidfVectorizer(ngram_range=(1, 2), lowercase=False, norm=None, use_idf=False),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, norm="l1"),
    ],
)
def test_single_vectorizer_variants(vec: TfidfVectorizer, corpus: list[str]) -> None:
    vec.fit(corpus)
    fast = FastUnion(vec)
    assert fast.parts is not None
    assert _same(fast.transform(corpus[:200] + ODD), vec.transform(corpus[:200] + ODD))


def test_unsupported_vectorizers_fall_back_to_sklearn(corpus: list[str]) -> None:
    for vec in (
        TfidfVectorizer(analyzer="char", ngram_range=(2, 3)),
        TfidfVectorizer(ngram_range=(1, 3)),
        TfidfVectorizer(stop_words="english"),
    ):
        vec.fit(corpus)
        assert not supported(vec)
        union = FeatureUnion([("v", vec)]).fit(corpus)
        fast = FastUnion(union)
        assert fast.parts is None
        assert _same(fast.transform(corpus[:50]), union.transform(corpus[:50]))
