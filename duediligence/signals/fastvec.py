"""TF-IDF features of many overlapping texts, each word analysed once.

The adverse-media model reads every long article several times: whole, in ~60-word windows that
overlap by half, and sentence by sentence for evidence, with word and character n-gram TF-IDF
in both of its stages. scikit-learn's ``TfidfVectorizer.transform`` analyses every text from
scratch; cutting words into character n-grams in Python was most of the time spent on a long
article.

Both analysers the model uses work inside whitespace-separated words: ``char_wb`` n-grams are
cut from each word padded with spaces, and the word analyser's tokens (scikit-learn's default
pattern, after lower-casing and accent stripping, all character by character) never span
whitespace. So a text's n-grams are the n-grams of its words, plus, for word bigrams, the pair
of tokens that meets across each gap between words. :class:`FastUnion` analyses each distinct
word once per :class:`WordCache`, keeps its vocabulary indices, and builds each text's counts
as a sparse product (texts × words) @ (words × n-grams); the TF-IDF weighting (sub-linear tf,
idf, norm) is then applied as ``TfidfTransformer`` does. The result is the same matrix, bit for
bit, that ``FeatureUnion.transform`` returns (tests compare them); a union with any other kind
of part falls back to scikit-learn's own ``transform``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import normalize

_EMPTY = np.zeros(0, dtype=np.int32)
_DEFAULT_TOKENS = r"(?u)\b\w\w+\b"  # scikit-learn's default token pattern
_KEY = 2**31  # a bigram across a gap is keyed last token id * _KEY + first token id


def supported(vec: Any) -> bool:
    """True when ``vec`` is a fitted :class:`TfidfVectorizer` whose analysis stays inside
    whitespace-separated words and that :class:`FastTfidf` reproduces exactly: ``char_wb``
    n-grams, or word unigrams (and bigrams) of the default kind of tokens, no stop words, no
    custom analyser, preprocessor or tokenizer, counts not binarised, string input."""
    if not isinstance(vec, TfidfVectorizer) or not hasattr(vec, "vocabulary_"):
        return False
    if vec.input != "content" or vec.binary or vec.preprocessor is not None:
        return False
    if vec.analyzer == "char_wb":
        return True
    return (
        vec.analyzer == "word"
        and vec.tokenizer is None
        and vec.stop_words is None
        and vec.token_pattern == _DEFAULT_TOKENS
        and vec.ngram_range[0] == 1
        and vec.ngram_range[1] in (1, 2)
    )


class WordCache:
    """Distinct words seen so far (numbered in order of first sight) and, per vectorizer, what
    each word contributes. One cache serves any number of :class:`FastTfidf` calls — the whole
    articles, their windows, their sentences, both stages of the model — and grows with the
    distinct words it has seen; keep one per batch of texts, not for the life of a process."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self.parts: dict[FastTfidf, _PartStore] = {}
        self.grams: dict[tuple[Any, ...], list[list[str]]] = {}  # per kind of analysis, per word

    def sequence(self, docs: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The word ids of ``docs`` one after another, and where each doc starts (CSR indptr)."""
        ids = self.ids
        words = self.words
        flat: list[int] = []
        indptr = [0]
        for doc in docs:
            split = doc.split()
            seq = [ids.get(w, -1) for w in split]
            if -1 in seq:
                for k, w in enumerate(split):
                    if seq[k] == -1:
                        j = ids.get(w)
                        if j is None:
                            j = ids[w] = len(words)
                            words.append(w)
                        seq[k] = j
            flat.extend(seq)
            indptr.append(len(flat))
        return np.asarray(flat, dtype=np.int64), np.asarray(indptr, dtype=np.int64)


class _PartStore:
    """What each word of a :class:`WordCache` contributes to one vectorizer."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []  # vocabulary indices of the n-grams inside each word
        self.first: list[int] = []  # token ids (in ``tokens``) of each word's first/last token,
        self.last: list[int] = []  # -1 for a word without tokens (bigram vectorizers only)
        self.token_ids: dict[str, int] = {}
        self.tokens: list[str] = []
        # bigrams across gaps seen so far: sorted keys (see _KEY) and their vocabulary index or -1
        self.known_keys = np.zeros(0, dtype=np.int64)
        self.known_values = np.zeros(0, dtype=np.int64)
        self.matrix: sp.csr_matrix | None = None


class FastTfidf:
    """One fitted :class:`TfidfVectorizer`, transforming with a :class:`WordCache` (see the
    module docstring). Build with a vectorizer for which :func:`supported` is true."""

    def __init__(self, vec: TfidfVectorizer) -> None:
        if not supported(vec):
            raise ValueError("vectorizer not supported by FastTfidf")
        self.vec = vec
        self.vocabulary: dict[str, int] = vec.vocabulary_
        self.n_features = len(self.vocabulary)
        self.analyse = vec.build_analyzer()
        self.bigrams = vec.analyzer == "word" and vec.ngram_range[1] == 2
        # Vectorizers that analyse alike share their analyses in a cache (the model's two stages).
        self.analysis = (
            vec.analyzer,
            vec.ngram_range,
            vec.lowercase,
            str(vec.strip_accents),
            vec.token_pattern if vec.analyzer == "word" else None,
        )

    def _store(self, cache: WordCache) -> _PartStore:
        """This vectorizer's store in ``cache``, brought up to date with its words."""
        store = cache.parts.setdefault(self, _PartStore())
        if len(store.rows) == len(cache.words):
            return store
        vocab = self.vocabulary
        grams = cache.grams.setdefault(self.analysis, [])
        for k in range(len(grams), len(cache.words)):
            grams.append(self.analyse(cache.words[k]))
        for out in grams[len(store.rows) : len(cache.words)]:
            idx = [vocab[g] for g in out if g in vocab]
            store.rows.append(np.array(idx, dtype=np.int32) if idx else _EMPTY)
            if self.bigrams:
                if out:
                    # the analyser lists a word's n tokens first, then its n - 1 bigrams
                    ids = store.token_ids
                    store.first.append(ids.setdefault(out[0], len(ids)))
                    store.last.append(ids.setdefault(out[(len(out) - 1) // 2], len(ids)))
                else:
                    store.first.append(-1)
                    store.last.append(-1)
        if self.bigrams:
            store.tokens = list(store.token_ids)
        lengths = np.fromiter((r.size for r in store.rows), dtype=np.int64, count=len(store.rows))
        indptr = np.zeros(len(store.rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        indices = np.concatenate(store.rows) if int(indptr[-1]) else _EMPTY
        store.matrix = sp.csr_matrix(
            (np.ones(len(indices)), indices, indptr), shape=(len(store.rows), self.n_features)
        )
        store.matrix.sum_duplicates()
        return store

    def counts(self, docs: list[str], cache: WordCache | None = None) -> sp.csr_matrix:
        """Term counts of ``docs`` (rows) over the vocabulary, as ``CountVectorizer`` gives them:
        (documents × words) @ (words × n-grams inside each word), plus the word bigrams that
        meet across the gaps between words."""
        cache = cache or WordCache()
        flat, indptr = cache.sequence(docs)
        store = self._store(cache)
        assert store.matrix is not None
        n_docs = len(docs)
        D = sp.csr_matrix((np.ones(len(flat)), flat, indptr), shape=(n_docs, len(cache.words)))
        X = (D @ store.matrix).tocsr()
        if self.bigrams and len(flat) > 1:
            X = X + self._junctions(store, flat, indptr, n_docs)
        X.sum_duplicates()
        X.sort_indices()
        return X

    def _junctions(
        self, store: _PartStore, flat: np.ndarray, indptr: np.ndarray, n_docs: int
    ) -> sp.csr_matrix:
        """Counts of the bigrams formed by the last token of a word and the first token of the
        next word that has tokens, within each doc."""
        first = np.asarray(store.first, dtype=np.int64)[flat]
        last = np.asarray(store.last, dtype=np.int64)[flat]
        doc = np.repeat(np.arange(n_docs), np.diff(indptr))
        keep = first >= 0
        first, last, doc = first[keep], last[keep], doc[keep]
        same = doc[1:] == doc[:-1]
        keys = last[:-1][same] * _KEY + first[1:][same]
        rows = doc[1:][same]
        uniq, inverse = np.unique(keys, return_inverse=True)
        if len(store.known_keys):
            pos = np.minimum(np.searchsorted(store.known_keys, uniq), len(store.known_keys) - 1)
            seen = store.known_keys[pos] == uniq
            found = np.where(seen, store.known_values[pos], -1)
        else:
            seen = np.zeros(len(uniq), dtype=bool)
            found = np.full(len(uniq), -1, dtype=np.int64)
        new = uniq[~seen]
        if len(new):
            vocab = self.vocabulary
            tokens = store.tokens
            values = np.array(
                [
                    vocab.get(tokens[a] + " " + tokens[b], -1)
                    for a, b in (divmod(k, _KEY) for k in new.tolist())
                ],
                dtype=np.int64,
            )
            found[~seen] = values
            keys_all = np.concatenate([store.known_keys, new])
            order = np.argsort(keys_all, kind="stable")
            store.known_keys = keys_all[order]
            store.known_values = np.concatenate([store.known_values, values])[order]
        cols = found[inverse]
        hit = cols >= 0
        return sp.csr_matrix(
            (np.ones(int(hit.sum())), (rows[hit], cols[hit])), shape=(n_docs, self.n_features)
        )

    def transform(self, docs: list[str], cache: WordCache | None = None) -> sp.csr_matrix:
        """TF-IDF of ``docs``: the same matrix as ``vec.transform(docs)``."""
        X = self.counts(docs, cache)
        if self.vec.sublinear_tf:
            np.log(X.data, X.data)
            X.data += 1.0
        if self.vec.use_idf:
            X.data *= self.vec.idf_[X.indices]
        if self.vec.norm is not None:
            X = normalize(X, norm=self.vec.norm, copy=False)
        return X


class FastUnion:
    """A fitted :class:`FeatureUnion` of TF-IDF vectorizers (or a lone vectorizer), transformed
    with :class:`FastTfidf` when every part is supported, else by scikit-learn."""

    def __init__(self, features: Any) -> None:
        self.features = features
        if isinstance(features, FeatureUnion):
            parts = [t for _name, t in features.transformer_list]
            weights = features.transformer_weights
            ok = not weights and all(supported(t) for t in parts)
        else:
            parts = [features]
            ok = supported(features)
        self.parts = [FastTfidf(t) for t in parts] if ok else None

    def transform(self, docs: list[str], cache: WordCache | None = None) -> Any:
        """The union's features of ``docs`` (the matrix ``features.transform`` gives).
        ``cache``: a :class:`WordCache` to share word analyses with other calls."""
        if self.parts is None:
            return self.features.transform(docs)
        cache = cache or WordCache()
        blocks = [p.transform(docs, cache) for p in self.parts]
        return blocks[0] if len(blocks) == 1 else sp.hstack(blocks, format="csr")


def split_pipeline(pipeline: Pipeline) -> tuple[FastUnion, Any]:
    """A two-step ``Pipeline`` (features, model) as its fast feature union and its model."""
    if len(pipeline.steps) != 2:
        raise ValueError("expected a (features, model) pipeline")
    return FastUnion(pipeline.steps[0][1]), pipeline.steps[1][1]
