"""The classifier's vocabulary cut is the same on every machine (StableTfidfVectorizer)."""

from __future__ import annotations

from collections import Counter

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from duediligence.signals.classifier import StableTfidfVectorizer


def _docs() -> list[str]:
    # 40 words each used in exactly two documents (all tied), and 5 used in every one
    common = "alpha beta gamma delta epsilon"
    rare = [f"w{k:02d}" for k in range(40)]
    return [f"{common} {rare[k % 40]} {rare[(k + 1) % 40]}" for k in range(40)]


def test_ties_at_the_cut_go_to_the_term_that_sorts_first() -> None:
    """With max_features inside a block of tied terms the kept terms are the most frequent,
    then the tied ones in term order — what a stable sort gives, whatever the CPU's sort
    kernel (NumPy's default argsort broke these ties differently on another machine and the
    shipped model stopped reproducing)."""
    docs = _docs()
    vec = StableTfidfVectorizer(max_features=12, min_df=1).fit(docs)
    counts = Counter(w for d in docs for w in d.split())
    expected = sorted(counts, key=lambda w: (-counts[w], w))[:12]
    assert sorted(vec.vocabulary_) == sorted(expected)
    assert list(vec.vocabulary_) != [] and vec.transform(docs).shape == (40, 12)
    # the columns stay in term order, as scikit-learn's own cut leaves them
    assert [t for t, _ in sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])] == sorted(expected)


def test_without_ties_it_is_scikit_learns_vectorizer() -> None:
    """Where the cut falls between different frequencies the result is scikit-learn's, bit
    for bit (vocabulary, idf and the transformed matrix)."""
    docs = [
        " ".join(["aa"] * 5 + ["bb"] * 4 + ["cc"] * 3 + ["dd"] * 2 + ["ee"]) + f" x{k}"
        for k in range(6)
    ]
    ours = StableTfidfVectorizer(max_features=4, sublinear_tf=True).fit(docs)
    theirs = TfidfVectorizer(max_features=4, sublinear_tf=True).fit(docs)
    assert ours.vocabulary_ == theirs.vocabulary_ == {"aa": 0, "bb": 1, "cc": 2, "dd": 3}
    assert np.array_equal(ours.idf_, theirs.idf_)
    assert (ours.transform(docs) != theirs.transform(docs)).nnz == 0
