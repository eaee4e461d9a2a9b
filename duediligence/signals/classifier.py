"""The adverse-media classifier: is a text adverse media, about whom, which offence, and why.

Two stages and a calibrator (:class:`MediaModel`):

1. *adverse or not*, learnt from real news articles (:func:`build_real_pipeline`: word and
   character TF-IDF into a logistic regression), and the offence stage's own view of it;
2. *which offence*: word and character TF-IDF into a class-balanced multinomial logistic
   regression over the 13 offence labels and ``none``, trained on the labelled corpus
   (:func:`build_pipeline`). Long articles are also scored window by window (the title alone,
   then ~60-word windows led by the title), so one damning paragraph in thousands of words of
   boilerplate is not drowned out (:func:`predict_proba`);
3. a logistic-regression calibrator over both scores, fitted on out-of-fold scores, whose output
   is the probability that the text is adverse media (reliability table in the model card).

Given a :class:`~duediligence.signals.mentions.Subject` (a client's names and aliases, and its
parties), the classifier also finds the subject in the text and decides its role
(:mod:`duediligence.matching.roles`); the verdict is adverse only when the text is adverse *and*
the subject is its ``subject`` (accused, charged, convicted, sanctioned, fined). Each adverse
verdict carries the one to three sentences behind it.
"""

from __future__ import annotations

import functools
import logging
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import FeatureUnion, Pipeline

from duediligence.db.enums import ModelKind
from duediligence.errors import IntegrityError
from duediligence.matching.roles import SUBJECT
from duediligence.modelstore import LoadedModel, load_active
from duediligence.signals.about import (
    ADVERSE_THRESHOLD as THRESHOLD,
)
from duediligence.signals.about import (
    SubjectReading,
    read_sentences,
    read_subject,
)
from duediligence.signals.fastvec import FastUnion, WordCache, split_pipeline
from duediligence.signals.mentions import Subject
from duediligence.signals.taxonomy import LABELS

log = logging.getLogger(__name__)

WINDOW_WORDS = 60
LONG_TEXT_WORDS = 200
TITLE_WORDS = 30
SHORT_TEXT_WORDS = 120  # headlines and briefs, the offence stage's home ground
MAX_EVIDENCE = 3
MAX_EVIDENCE_CANDIDATES = 80  # sentences scored for evidence when no subject is given
EVIDENCE_MIN_P = 0.5
CONFIDENCE_BANDS: tuple[tuple[float, str], ...] = (
    (0.99, "virtually certain"),
    (0.90, "very likely"),
    (0.66, "likely"),
    (0.33, "about as likely as not"),
    (0.10, "unlikely"),
    (0.0, "very unlikely"),
)


@dataclass(frozen=True)
class Classification:
    """The classifier's verdict on one text.

    ``label``: an offence label when the verdict is adverse, else ``none``. The verdict is
    adverse when the calibrated ``adverse_probability`` (that the text is adverse media) reaches
    0.5 and — when a subject was given — the subject's ``role`` is ``subject``.
    ``probability``: the calibrated probability of the verdict (``adverse_probability`` for an
    adverse verdict, ``1 - adverse_probability`` otherwise). ``probabilities``: ``none`` is
    ``1 - adverse_probability`` and each offence label ``adverse_probability`` × its share in the
    offence stage. ``offence``: the most likely offence whatever the verdict. ``role`` and
    ``role_reason``: the subject's role and the cue that decided it (``None`` without a subject).
    ``evidence``: up to three sentences behind the verdict. ``matched_name``: the subject's name
    (own or related) found in the text.
    """

    label: str
    probability: float
    probabilities: dict[str, float] = field(default_factory=dict)
    model_version: str = ""
    adverse_probability: float = 0.0
    offence: str = "none"
    role: str | None = None
    role_reason: str = ""
    evidence: list[str] = field(default_factory=list)
    matched_name: str | None = None

    @property
    def adverse(self) -> bool:
        """True when the label is an offence category (not ``none``)."""
        return self.label != "none"

    @property
    def band(self) -> str:
        """The verdict's probability in plain words (:func:`confidence_band`)."""
        return confidence_band(self.probability)


class StableTfidfVectorizer(TfidfVectorizer):
    """:class:`TfidfVectorizer` whose ``max_features`` cut keeps the same terms on every
    machine.

    scikit-learn keeps the ``max_features`` most frequent terms with NumPy's default
    (unstable) ``argsort``; terms tied at the cut are then chosen by the CPU's sort kernel
    (NumPy 2 sorts with AVX2/AVX-512 code where it can), so the same data gave a different
    vocabulary — and a shipped model that no longer reproduced — on another machine. Here ties
    go to the term that sorts first (the columns are in term order when the cut is made), as
    a stable sort keeps them. Everything else is scikit-learn's own code path.
    """

    def _limit_features(  # type: ignore[no-untyped-def]
        self, X, vocabulary, high=None, low=None, limit=None
    ):
        """scikit-learn's ``CountVectorizer._limit_features`` with a stable sort at the cut."""
        if limit is None:
            return super()._limit_features(X, vocabulary, high=high, low=low, limit=None)
        # Prune by document frequency first (no limit), then cut to ``limit`` ourselves.
        X = super()._limit_features(X, vocabulary, high=high, low=low, limit=None)
        if X.shape[1] <= limit:
            return X
        tfs = np.asarray(X.sum(axis=0)).ravel()
        kept = np.sort(np.argsort(-tfs, kind="stable")[:limit])
        new_index = np.full(X.shape[1], -1)
        new_index[kept] = np.arange(len(kept))
        for term, old in list(vocabulary.items()):
            if new_index[old] >= 0:
                vocabulary[term] = int(new_index[old])
            else:
                del vocabulary[term]
        return X[:, kept]


def build_pipeline(seed: int = 0) -> Pipeline:
    """The untrained classifier pipeline."""
    features = FeatureUnion(
        [
            (
                "words",
                StableTfidfVectorizer(
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    min_df=2,
                    max_features=40_000,
                    strip_accents="unicode",
                    lowercase=True,
                ),
            ),
            (
                "chars",
                StableTfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(3, 5),
                    sublinear_tf=True,
                    min_df=3,
                    max_features=40_000,
                    lowercase=True,
                ),
            ),
        ]
    )
    model = LogisticRegression(C=8.0, max_iter=2000, class_weight="balanced", random_state=seed)
    return Pipeline([("features", features), ("model", model)])


def _windows(text: str) -> list[str]:
    """The title alone, then overlapping ~60-word windows of a long text, each led by the title."""
    words = text.split()
    if len(words) <= LONG_TEXT_WORDS:
        return []
    first_line = text.strip().split("\n", 1)[0]
    title = first_line if len(first_line.split()) <= TITLE_WORDS else ""
    body = text.strip()[len(title) :].split() if title else words
    step = WINDOW_WORDS // 2
    prefix = f"{title}. " if title else ""
    windows = [title] if title else []
    windows += [
        prefix + " ".join(body[i : i + WINDOW_WORDS])
        for i in range(0, max(1, len(body) - step), step)
    ]
    return windows


_FAST: weakref.WeakKeyDictionary[Pipeline, tuple[FastUnion, Any]] = weakref.WeakKeyDictionary()


def _fast(pipeline: Pipeline) -> tuple[FastUnion, Any]:
    """The pipeline's features as a :class:`~duediligence.signals.fastvec.FastUnion` and its
    final estimator (built once per fitted pipeline)."""
    found = _FAST.get(pipeline)
    if found is None:
        found = _FAST[pipeline] = split_pipeline(pipeline)
    return found


def transform(pipeline: Pipeline, texts: list[str], cache: WordCache | None = None) -> Any:
    """The pipeline's feature matrix of ``texts`` — the same matrix its own feature step gives,
    with each distinct word analysed once per ``cache`` (see :mod:`.fastvec`)."""
    return _fast(pipeline)[0].transform(texts, cache)


def predict_proba(
    pipeline: Pipeline, texts: list[str], cache: WordCache | None = None
) -> np.ndarray:
    """Class probabilities (columns in ``pipeline.classes_`` order), window-aware for long texts.

    A long text is also scored window by window. When its most adverse window (the one with the
    highest probability of any offence label) is labelled adverse and more confident than the
    whole text, that window's probabilities are the text's: one damning paragraph in an article
    of thousands of words is not drowned out by the rest. ``cache``: a
    :class:`~duediligence.signals.fastvec.WordCache` shared with other calls on the same texts
    (the whole text and its windows share one anyway).
    """
    cache = cache or WordCache()
    features, estimator = _fast(pipeline)
    probs = np.asarray(estimator.predict_proba(features.transform(texts, cache)))
    classes = list(pipeline.classes_)
    if "none" not in classes:
        return probs
    none_col = classes.index("none")
    adverse_cols = [j for j in range(len(classes)) if j != none_col]
    spans: list[tuple[int, int, int]] = []
    windows: list[str] = []
    for i, text in enumerate(texts):
        chunk = _windows(text)
        if chunk:
            spans.append((i, len(windows), len(windows) + len(chunk)))
            windows.extend(chunk)
    if not windows:
        return probs
    win = np.asarray(estimator.predict_proba(features.transform(windows, cache)))
    for i, start, end in spans:
        block = win[start:end]
        best_adverse = block[:, adverse_cols].max(axis=1)
        j = int(best_adverse.argmax())
        best = block[j]
        if int(best.argmax()) != none_col and best_adverse[j] > probs[i, adverse_cols].max():
            probs[i] = best
    return probs


def offence_proba(pipeline: Pipeline, texts: list[str]) -> np.ndarray:
    """Alias of :func:`predict_proba` for the offence (13 labels + ``none``) stage."""
    return predict_proba(pipeline, texts)


def build_real_pipeline(seed: int = 0) -> Pipeline:
    """The untrained adverse-vs-not pipeline read on real articles: word 1–2-gram and character
    3–5-gram TF-IDF into an L2 logistic regression (C chosen on entity-grouped folds of the
    training half: 20 beat 3 and 30 within noise, and beat linear SVM and naive Bayes)."""
    features = FeatureUnion(
        [
            (
                "words",
                StableTfidfVectorizer(
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    min_df=2,
                    max_features=50_000,
                    strip_accents="unicode",
                ),
            ),
            (
                "chars",
                StableTfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(3, 5),
                    sublinear_tf=True,
                    min_df=3,
                    max_features=50_000,
                ),
            ),
        ]
    )
    model = LogisticRegression(C=20.0, max_iter=3000, random_state=seed)
    return Pipeline([("features", features), ("model", model)])


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.asarray(np.log(p / (1 - p)))


def stack_features(
    z_real: np.ndarray, p_offence_adverse: np.ndarray, words: np.ndarray
) -> np.ndarray:
    """The calibrator's inputs: the real-news model's log-odds, the offence model's log-odds of
    any offence, a short-text flag (≤ :data:`SHORT_TEXT_WORDS` words: headlines and briefs, where
    the offence model trained on such texts knows more) and both scores times the flag."""
    short = (words <= SHORT_TEXT_WORDS).astype(float)
    z_off = _logit(p_offence_adverse)
    return np.column_stack([z_real, z_off, short, z_real * short, z_off * short])


@dataclass
class MediaModel:
    """The shipped adverse-media model: three scikit-learn parts, stored together as a dict.

    - ``real``: adverse vs not, learnt from real news articles (:func:`build_real_pipeline`);
    - ``offence``: the 13 offence labels and ``none`` from the labelled corpus
      (:func:`build_pipeline`, window-aware via :func:`predict_proba`);
    - ``calibrator``: a logistic regression over :func:`stack_features`, fitted on out-of-fold
      scores of held-out articles, whose output is the calibrated probability that a text is
      adverse media.
    """

    real: Pipeline
    offence: Pipeline
    calibrator: LogisticRegression
    # Word analyses shared by every call on this instance (one classify call builds one).
    cache: WordCache = field(default_factory=WordCache, repr=False, compare=False)

    @classmethod
    def from_bundle(cls, bundle: Any) -> MediaModel:
        """The model from its stored dict; :class:`IntegrityError` for anything else (e.g. an
        artifact of the earlier single-pipeline format)."""
        if not isinstance(bundle, dict) or not {"real", "offence", "calibrator"} <= set(bundle):
            raise IntegrityError(
                "the signals artifact is not a two-stage adverse-media model: retrain it "
                "(`duediligence model train signals`)"
            )
        return cls(bundle["real"], bundle["offence"], bundle["calibrator"])

    def bundle(self) -> dict[str, Any]:
        """What is saved with skops."""
        return {"real": self.real, "offence": self.offence, "calibrator": self.calibrator}

    def scores(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated P(adverse) per text, and the offence stage's probabilities (columns in
        ``offence.classes_`` order)."""
        if not texts:
            return np.zeros(0), np.zeros((0, len(self.offence.classes_)))
        features, estimator = _fast(self.real)
        z_real = np.asarray(
            estimator.decision_function(features.transform(texts, self.cache)), dtype=float
        )
        off = predict_proba(self.offence, texts, self.cache)
        classes = list(self.offence.classes_)
        p_off_adverse = 1.0 - off[:, classes.index("none")]
        words = np.array([len(t.split()) for t in texts])
        X = stack_features(z_real, p_off_adverse, words)
        return np.asarray(self.calibrator.predict_proba(X)[:, 1]), off

    def adverse_probability(self, texts: list[str]) -> np.ndarray:
        """Calibrated P(adverse) per text."""
        return self.scores(texts)[0]


def confidence_band(p: float) -> str:
    """Plain words for a calibrated probability, after the IPCC's calibrated uncertainty language
    (Mastrandrea et al., *Guidance Note for Lead Authors of the IPCC Fifth Assessment Report on
    Consistent Treatment of Uncertainties*, 2010): ≥ 0.99 virtually certain, ≥ 0.90 very likely,
    ≥ 0.66 likely, ≥ 0.33 about as likely as not, ≥ 0.10 unlikely, else very unlikely."""
    for floor, words in CONFIDENCE_BANDS:
        if p >= floor:
            return words
    return CONFIDENCE_BANDS[-1][1]


def _offence(row: np.ndarray, classes: list[str]) -> tuple[str, dict[str, float]]:
    """The most likely offence label and the offence distribution given adverse."""
    adverse = {c: float(p) for c, p in zip(classes, row, strict=True) if c != "none"}
    total = sum(adverse.values()) or 1.0
    dist = {c: p / total for c, p in adverse.items()}
    return max(dist, key=lambda c: dist[c]), dist


def classify_with(
    loaded: LoadedModel,
    texts: list[str],
    subjects: Sequence[Subject | None] | Subject | None = None,
) -> list[Classification]:
    """Classify ``texts`` with an already loaded model, each about its subject if given.

    ``subjects``: one :class:`Subject` for every text, a list with one per text (``None`` where
    unknown), or ``None``. Without a subject the verdict is whether the text is adverse media at
    all; with one, whether it is adverse *about that subject* (role ``subject``), see
    :class:`Classification`. Raises :class:`IntegrityError` if the artifact is not a
    :class:`MediaModel`.
    """
    if not texts:
        return []
    texts = [t or "" for t in texts]
    if subjects is None or isinstance(subjects, Subject):
        per_text: list[Subject | None] = [subjects] * len(texts)
    else:
        per_text = list(subjects)
        if len(per_text) != len(texts):
            raise ValueError("one subject (or None) per text")
    model = MediaModel.from_bundle(loaded.model)
    p_adverse, off = model.scores(texts)
    classes = [str(c) for c in model.offence.classes_]
    reads = [
        read_subject(text, subject) if subject is not None else None
        for text, subject in zip(texts, per_text, strict=True)
    ]
    # Second pass, batched: the sentences around the subject's mentions (for a role no pattern
    # decided) and candidate evidence sentences of adverse texts.
    queries: list[str] = []
    slots: list[tuple[int, str, int]] = []  # (text index, kind, sentence index or -1)
    for i, (text, read) in enumerate(zip(texts, reads, strict=True)):
        if read is not None and read.needs_context:
            queries.append(read.context)
            slots.append((i, "context", -1))
        if p_adverse[i] >= THRESHOLD:
            candidates = (
                read.mention_sentences
                if read is not None
                else list(range(min(len(read_sentences(text)), MAX_EVIDENCE_CANDIDATES)))
            )
            spans = read.sentences if read is not None else read_sentences(text)
            for j in candidates:
                queries.append(text[spans[j][0] : spans[j][1]])
                slots.append((i, "sentence", j))
    q_p = model.adverse_probability(queries) if queries else np.zeros(0)
    context_p: dict[int, float] = {}
    sentence_p: dict[int, dict[int, float]] = {}
    for (i, kind, j), p in zip(slots, q_p, strict=True):
        if kind == "context":
            context_p[i] = float(p)
        else:
            sentence_p.setdefault(i, {})[j] = float(p)
    out = []
    for i, text in enumerate(texts):
        p = float(p_adverse[i])
        offence, dist = _offence(off[i], classes)
        read = reads[i]
        role, why = (None, "")
        if read is not None:
            role, why = read.role(p, context_p.get(i))
        adverse = p >= THRESHOLD and role in (None, SUBJECT)
        label = offence if adverse else "none"
        probabilities = {"none": round(1.0 - p, 4)}
        probabilities.update({c: round(p * q, 4) for c, q in dist.items()})
        evidence = _evidence(text, read, sentence_p.get(i, {}), adverse)
        out.append(
            Classification(
                label=label,
                probability=p if adverse else 1.0 - p,
                probabilities=probabilities,
                model_version=loaded.version,
                adverse_probability=round(p, 4),
                offence=offence,
                role=role,
                role_reason=why,
                evidence=evidence,
                matched_name=read.matched_name if read is not None else None,
            )
        )
    return out


def _evidence(
    text: str, read: SubjectReading | None, scored: dict[int, float], adverse: bool
) -> list[str]:
    """Up to three sentences behind a verdict: for an adverse verdict the most adverse sentences
    (those naming the subject when there is one, the deciding one first); for a subject whose
    role is not ``subject``, the sentence that decided the role."""
    spans = read.sentences if read is not None else read_sentences(text)
    if read is not None and read.cue is not None and not adverse:
        return [_clip(text[slice(*spans[read.cue.sentence])])]
    if not adverse:
        return []
    ranked = sorted(scored, key=lambda j: -scored[j])
    if read is not None and read.cue is not None and read.cue.role == SUBJECT:
        ranked = [read.cue.sentence] + [j for j in ranked if j != read.cue.sentence]
    picked = [j for j in ranked if scored.get(j, 1.0) >= EVIDENCE_MIN_P or j == ranked[0]]
    return [_clip(text[slice(*spans[j])]) for j in sorted(picked[:MAX_EVIDENCE])]


def _clip(sentence: str, limit: int = 400) -> str:
    sentence = _SPACE.sub(" ", sentence).strip()
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


@functools.lru_cache(maxsize=4)
def _active(models_dir: str) -> LoadedModel:
    return load_active(Path(models_dir), ModelKind.SIGNALS)


def active_signals_model(models_dir: Path | None = None) -> LoadedModel:
    """The active, verified signals model from ``DD_MODELS_DIR`` (cached per process)."""
    if models_dir is None:
        from duediligence.config import get_settings

        models_dir = get_settings().models_dir
    return _active(str(Path(models_dir).resolve()))


def classify_texts(
    texts: list[str],
    *,
    subjects: Sequence[Subject | None] | Subject | None = None,
    models_dir: Path | None = None,
) -> list[Classification]:
    """Classify texts with the active model (no database needed), each about its subject if
    given (see :func:`classify_with`)."""
    return classify_with(active_signals_model(models_dir), texts, subjects)


def predict_labels(model: MediaModel, texts: list[str]) -> np.ndarray:
    """The label of each text without a subject: its most likely offence when the calibrated
    P(adverse) reaches 0.5, else ``none``."""
    p, off = model.scores(texts)
    classes = [str(c) for c in model.offence.classes_]
    return np.array(
        [
            _offence(row, classes)[0] if pi >= THRESHOLD else "none"
            for pi, row in zip(p, off, strict=True)
        ]
    )


def evaluate(model: Any, texts: list[str], labels: list[str]) -> dict[str, Any]:
    """Macro-F1, adverse-vs-none F1 and per-label F1 on labelled texts (no subject given).

    ``model``: a :class:`MediaModel` or its stored dict."""
    if not isinstance(model, MediaModel):
        model = MediaModel.from_bundle(model)
    pred = predict_labels(model, texts)
    truth = np.asarray(labels)
    per_label = f1_score(truth, pred, labels=list(LABELS), average=None, zero_division=0)
    return {
        "n": len(texts),
        "macro_f1": float(
            f1_score(truth, pred, labels=list(LABELS), average="macro", zero_division=0)
        ),
        "adverse_f1": float(f1_score(truth != "none", pred != "none")),
        "accuracy": float((truth == pred).mean()),
        "per_label_f1": {lbl: round(float(v), 4) for lbl, v in zip(LABELS, per_label, strict=True)},
        "_pred": pred,
    }


def bootstrap_ci(
    truth: np.ndarray, pred: np.ndarray, *, adverse: bool, n: int = 300, seed: int = 0
) -> tuple[float, float]:
    """95% bootstrap interval of macro-F1 (or adverse-vs-none F1)."""
    rng = np.random.default_rng(seed)
    scores = []
    for _ in range(n):
        idx = rng.integers(0, len(truth), len(truth))
        t, p = truth[idx], pred[idx]
        if adverse:
            scores.append(f1_score(t != "none", p != "none"))
        else:
            scores.append(f1_score(t, p, labels=list(LABELS), average="macro", zero_division=0))
    low, high = np.percentile(scores, [2.5, 97.5])
    return float(low), float(high)


_SPACE = re.compile(r"\s+")


def signal_text(title: str, text: str | None) -> str:
    """The text we classify for a signal: its title and body."""
    return _SPACE.sub(" ", f"{title}. {text or ''}").strip()
