"""Train, evaluate and save the adverse-media classifier (with its model card)."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, f1_score, precision_score, recall_score
from sklearn.model_selection import GroupKFold
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline

from duediligence.db.enums import ModelKind
from duediligence.errors import InputError
from duediligence.jsonutil import sha256_file
from duediligence.modelstore import ModelManifest, save_model
from duediligence.shipped import sample_data_dir
from duediligence.signals import corpus, realnews
from duediligence.signals.classifier import (
    MediaModel,
    bootstrap_ci,
    build_pipeline,
    build_real_pipeline,
    classify_with,
    evaluate,
    predict_proba,
    stack_features,
)
from duediligence.signals.corpus import FILLER_FILE, read_corpus, read_filler
from duediligence.signals.mentions import Subject
from duediligence.signals.taxonomy import LABELS

FOLDS = 5

log = logging.getLogger(__name__)


def corpus_paths(corpus_dir: Path | None = None) -> tuple[Path, Path]:
    """The train and dev files of the labelled corpus."""
    folder = corpus_dir or sample_data_dir() / "corpus"
    return folder / "adverse_media_train.jsonl", folder / "adverse_media_dev.jsonl"


def filler_path(corpus_dir: Path | None = None) -> Path:
    """The long-article padding file: ``filler.json`` in ``corpus_dir`` when it has one, else the
    sample data's (``sample_data/corpus/filler.json``); the padding is neutral boilerplate, not
    part of any corpus."""
    if corpus_dir is not None and (corpus_dir / FILLER_FILE).is_file():
        return corpus_dir / FILLER_FILE
    return sample_data_dir() / "corpus" / FILLER_FILE


def long_variant(
    texts: list[str], *, words: int = 1500, seed: int = 0, corpus_dir: Path | None = None
) -> list[str]:
    """Each text buried in the middle of ~``words`` words of neutral company boilerplate, as a
    long real article buries its one relevant paragraph (measures the window logic). The
    boilerplate comes from :func:`filler_path`; :class:`InputError` when it is missing."""
    filler = read_filler(filler_path(corpus_dir))
    return corpus.long_variant(texts, filler=filler, words=words, seed=seed)


def _read_split(path: Path) -> tuple[list[str], list[str]]:
    if not path.is_file():
        raise InputError(f"{path}: corpus file not found")
    try:
        texts, labels = read_corpus(path)
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"{path}: each line must be JSON with 'text' and 'label' ({exc})"
        ) from None
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise InputError(f"{path}: unknown labels {', '.join(unknown)}; use {', '.join(LABELS)}")
    if len(set(labels)) < 2:
        raise InputError(f"{path}: needs at least two labels")
    return texts, labels


def _read_independent(folder: Path) -> tuple[list[str], list[str]]:
    path = folder / "independent_headlines.jsonl"
    if not path.is_file():
        return [], []
    return read_corpus(path)


def read_role_cases(path: Path | None = None) -> list[dict[str, Any]]:
    """The hand-written role cases (``sample_data/roles/role_cases.jsonl``)."""
    path = path or sample_data_dir() / "roles" / "role_cases.jsonl"
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def role_accuracy(loaded: Any, cases: list[dict[str, Any]]) -> dict[str, Any]:
    """Share of role cases whose role the classifier gets right, overall and per role."""
    from duediligence.modelstore import LoadedModel

    if not isinstance(loaded, LoadedModel):
        raise TypeError("role_accuracy needs a LoadedModel")
    results = classify_with(
        loaded,
        [c["text"] for c in cases],
        [Subject.of([c["subject"], *c.get("aliases", [])]) for c in cases],
    )
    per: dict[str, list[bool]] = {}
    for case, r in zip(cases, results, strict=True):
        per.setdefault(case["role"], []).append(r.role == case["role"])
    hits = [h for v in per.values() for h in v]
    return {
        "n": len(hits),
        "accuracy": sum(hits) / len(hits) if hits else 0.0,
        "per_role": {k: round(sum(v) / len(v), 4) for k, v in sorted(per.items())},
    }


def _oof_decision(seed: int, texts: list[str], y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Out-of-fold real-news scores: each text scored by a model fitted without its group."""
    out = np.zeros(len(texts))
    for fit_idx, score_idx in GroupKFold(n_splits=FOLDS).split(texts, y, groups):
        model = build_real_pipeline(seed).fit([texts[i] for i in fit_idx], y[fit_idx])
        out[score_idx] = model.decision_function([texts[i] for i in score_idx])
    return out


def compact(pipeline: Pipeline) -> Pipeline:
    """Drop what a fitted TF-IDF pipeline keeps only for introspection (the cut terms) and store
    its vocabulary's indexes as plain ints (skops writes a NumPy scalar as a file of its own, so
    a 100k-term vocabulary of them takes minutes to save); predictions are unchanged."""
    for _name, vectorizer in pipeline.named_steps["features"].transformer_list:
        if hasattr(vectorizer, "stop_words_"):
            del vectorizer.stop_words_
        vectorizer.vocabulary_ = {term: int(i) for term, i in vectorizer.vocabulary_.items()}
    return pipeline


def fit_media_model(
    real_texts: list[str],
    real_y: np.ndarray,
    real_groups: np.ndarray,
    corpus_texts: list[str],
    corpus_labels: list[str],
    *,
    seed: int = 0,
) -> MediaModel:
    """Fit both stages and the calibrator.

    The calibrator is fitted on out-of-fold scores only: real articles scored by real-news
    models fitted on the other entity groups (``GroupKFold``), corpus texts by offence models
    fitted on the other folds; each stage scores the other domain with its full fit, which never
    saw it."""
    corpus_y = np.array([lbl != "none" for lbl in corpus_labels], dtype=int)
    corpus_groups = np.arange(len(corpus_texts)) % FOLDS
    real = build_real_pipeline(seed).fit(real_texts, real_y)
    offence = build_pipeline(seed).fit(corpus_texts, corpus_labels)
    for pipeline in (real, offence):
        compact(pipeline)
    z_real = np.r_[
        _oof_decision(seed, real_texts, real_y, real_groups),
        real.decision_function(corpus_texts),
    ]
    none_col = list(offence.classes_).index("none")
    offence_oof = np.zeros(len(corpus_texts))
    for k in range(FOLDS):
        fit_idx = np.flatnonzero(corpus_groups != k)
        score_idx = np.flatnonzero(corpus_groups == k)
        fold_model = build_pipeline(seed).fit(
            [corpus_texts[i] for i in fit_idx], [corpus_labels[i] for i in fit_idx]
        )
        part = predict_proba(fold_model, [corpus_texts[i] for i in score_idx])
        offence_oof[score_idx] = 1.0 - part[:, list(fold_model.classes_).index("none")]
    p_off = np.r_[1.0 - predict_proba(offence, real_texts)[:, none_col], offence_oof]
    words = np.array([len(t.split()) for t in [*real_texts, *corpus_texts]])
    y = np.r_[real_y, corpus_y]
    calibrator = LogisticRegression(C=1.0, max_iter=1000).fit(
        stack_features(z_real, p_off, words), y
    )
    return MediaModel(real, offence, calibrator)


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Reliability table: per probability bin, count, mean predicted and observed adverse rate."""
    rows = []
    edges = np.linspace(0, 1, bins + 1)
    for k in range(bins):
        inside = (p >= edges[k]) & ((p < edges[k + 1]) if k < bins - 1 else (p <= 1.0))
        if inside.any():
            rows.append(
                {
                    "low": round(float(edges[k]), 2),
                    "high": round(float(edges[k + 1]), 2),
                    "n": int(inside.sum()),
                    "mean_p": round(float(p[inside].mean()), 4),
                    "observed": round(float(y[inside].mean()), 4),
                }
            )
    return rows


def naive_bayes_baseline(train_texts: list[str], train_y: np.ndarray) -> Pipeline:
    """The plain baseline: TF-IDF (word 1–2-grams, sublinear tf) into multinomial naive Bayes
    with the smoothing that did best on the training half's folds (alpha 0.05)."""
    return Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(
                    sublinear_tf=True, ngram_range=(1, 2), min_df=2, strip_accents="unicode"
                ),
            ),
            ("nb", MultinomialNB(alpha=0.05)),
        ]
    ).fit(train_texts, train_y)


def real_news_metrics(
    model: MediaModel, loaded_version: str, articles: list[Any], test_idx: list[int]
) -> dict[str, Any]:
    """Binary F1 (with and without the entity as subject), Brier score and reliability table
    of ``model`` on the held-out articles."""
    from duediligence.modelstore import LoadedModel, ModelManifest

    texts = [articles[i].full_text for i in test_idx]
    y = np.array([articles[i].adverse for i in test_idx], dtype=int)
    p = model.adverse_probability(texts)
    pred = (p >= 0.5).astype(int)
    loaded = LoadedModel(
        ModelManifest("signals", loaded_version, "", "", "", [], "", {}), model.bundle()
    )
    subjects = [Subject.of([articles[i].entity]) if articles[i].entity else None for i in test_idx]
    with_subject = np.array([r.adverse for r in classify_with(loaded, texts, subjects)], dtype=int)
    return {
        "n": len(texts),
        "adverse_share": round(float(y.mean()), 4),
        "f1": float(f1_score(y, pred)),
        "f1_ci95": _bootstrap_binary(y, pred),
        "precision": float(precision_score(y, pred)),
        "recall": float(recall_score(y, pred)),
        "f1_about_entity": float(f1_score(y, with_subject)),
        "brier": float(brier_score_loss(y, p)),
        "reliability": reliability(p, y),
    }


def _bootstrap_binary(y: np.ndarray, pred: np.ndarray, n: int = 300) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    scores = []
    for _ in range(n):
        idx = rng.integers(0, len(y), len(y))
        scores.append(f1_score(y[idx], pred[idx], zero_division=0))
    low, high = np.percentile(scores, [2.5, 97.5])
    return float(low), float(high)


def training_hash(corpus_path: Path, real_path: Path) -> str:
    """SHA-256 over both training files' SHA-256s (names the model version)."""
    return hashlib.sha256(
        f"{sha256_file(corpus_path)}:{sha256_file(real_path)}".encode()
    ).hexdigest()


def train_signals_model(
    models_dir: Path,
    *,
    corpus_dir: Path | None = None,
    real_news: Path | None = None,
    seed: int = 0,
) -> ModelManifest:
    """Fit the two-stage classifier and its calibrator, measure it, save it with a card.

    Real articles (``real_news``, default :func:`~duediligence.signals.realnews.default_path`)
    are split by entity: the model is fitted on one half and measured on the other, which it
    never saw. The offence stage is fitted on the corpus train split and measured on its dev
    split (held out by template). Raises :class:`InputError` for a missing or malformed file.
    """
    real_path = real_news or realnews.default_path()
    articles, kept = realnews.read_articles(real_path)
    train_idx, test_idx, groups = realnews.split_by_entity(articles, seed=seed)
    train_path, dev_path = corpus_paths(corpus_dir)
    texts, labels = _read_split(train_path)
    dev_texts, dev_labels = _read_split(dev_path)
    data_hash = training_hash(train_path, real_path)
    version = f"signals-{data_hash[:8]}-sk{sklearn.__version__.replace('.', '')}"
    real_texts = [articles[i].full_text for i in train_idx]
    real_y = np.array([articles[i].adverse for i in train_idx], dtype=int)
    model = fit_media_model(
        real_texts, real_y, np.array([groups[i] for i in train_idx]), texts, labels, seed=seed
    )
    metrics = evaluate(model, dev_texts, dev_labels)
    pred = metrics.pop("_pred")
    truth = np.asarray(dev_labels)
    metrics["macro_f1_ci95"] = bootstrap_ci(truth, pred, adverse=False)
    metrics["adverse_f1_ci95"] = bootstrap_ci(truth, pred, adverse=True)
    metrics["train_n"] = len(texts)
    long_metrics = evaluate(
        model, long_variant(dev_texts, corpus_dir=train_path.parent), dev_labels
    )
    long_metrics.pop("_pred")
    metrics["long_dev"] = {k: long_metrics[k] for k in ("n", "macro_f1", "adverse_f1", "accuracy")}
    ind_texts, ind_labels = _read_independent(train_path.parent)
    if ind_texts:
        ind = evaluate(model, ind_texts, ind_labels)
        ind.pop("_pred")
        metrics["independent"] = {k: ind[k] for k in ("n", "macro_f1", "adverse_f1", "accuracy")}
    real = real_news_metrics(model, version, articles, test_idx)
    test_texts = [articles[i].full_text for i in test_idx]
    test_y = np.array([articles[i].adverse for i in test_idx], dtype=int)
    baseline = naive_bayes_baseline(real_texts, real_y)
    real["naive_bayes_f1"] = float(f1_score(test_y, baseline.predict(test_texts)))
    real["train_n"] = len(train_idx)
    real["kept"] = kept
    metrics["real_news"] = real
    from duediligence.modelstore import LoadedModel, ModelManifest

    loaded = LoadedModel(ModelManifest("signals", version, "", "", "", [], "", {}), model.bundle())
    cases = read_role_cases()
    metrics["roles"] = {
        part: role_accuracy(loaded, [c for c in cases if c["part"] == part])
        for part in ("tune", "test")
    }
    card = model_card(version, data_hash, len(texts), metrics, real_path, train_path)
    return save_model(
        model.bundle(),
        models_dir=models_dir,
        kind=ModelKind.SIGNALS,
        version=version,
        features=[
            "real:tfidf:word1-2+char_wb3-5",
            "offence:tfidf:word1-2+char_wb3-5",
            "calibrator:stacked-logit",
        ],
        training_data_hash=data_hash,
        metrics=metrics,
        card=card,
        extra={
            "labels": list(LABELS),
            "dev_data_hash": sha256_file(dev_path),
            "corpus_data_hash": sha256_file(train_path),
            "real_news_data_hash": sha256_file(real_path),
            "real_news_file": real_path.name,
        },
    )


def model_card(
    version: str,
    data_hash: str,
    n_train: int,
    m: dict[str, Any],
    real_path: Path | None = None,
    corpus_path: Path | None = None,
) -> str:
    """The model card: intended use, data, features, metrics with intervals, calibration,
    limitations."""
    lo, hi = m["macro_f1_ci95"]
    alo, ahi = m["adverse_f1_ci95"]
    rows = "\n".join(f"| {k} | {v:.3f} |" for k, v in m["per_label_f1"].items())
    long = m.get("long_dev", {})
    ind = m.get("independent", {})
    real = m.get("real_news", {})
    roles = m.get("roles", {})
    rel = "\n".join(
        f"| {r['low']:.1f}–{r['high']:.1f} | {r['n']} | {r['mean_p']:.3f} | {r['observed']:.3f} |"
        for r in real.get("reliability", [])
    )
    kept = ", ".join(f"{k} {v}" for k, v in sorted(real.get("kept", {}).items()))
    rlo, rhi = real.get("f1_ci95", (0.0, 0.0))
    role_lines = "\n".join(
        f"- {part} part (n={r['n']}): accuracy **{r['accuracy']:.3f}**; per role "
        + ", ".join(f"{k} {v:.2f}" for k, v in r["per_role"].items())
        for part, r in roles.items()
    )
    real_hash = sha256_file(real_path) if real_path and real_path.is_file() else "?"
    corpus_hash = sha256_file(corpus_path) if corpus_path and corpus_path.is_file() else "?"
    return f"""# Model card: {version}

**Kind:** adverse-media classifier (signals): adverse or not, about whom, which offence, how sure.
**scikit-learn:** {sklearn.__version__}. **Training-data hash:** `{data_hash}` (SHA-256 over the
SHA-256s of the two training files below).

## Intended use
Telling a compliance reviewer which news items, legal and regulatory notices are adverse media
*about a client*: whether the text is adverse at all (a calibrated probability), the client's
role in it (`subject`, `victim`, `other party`, `cleared`, `mentioned`), the offence category
(13 labels of the taxonomy) and the one to three sentences behind the verdict. Only the `subject`
role counts against a client in the risk model. It is an aid to a human reviewer, not a
decision: every verdict is shown with its probability, a plain-words band and its evidence.

## Training data
- **Real news** — `{real_path.name if real_path else "tartu-train.csv.gz"}` (SHA-256 `{real_hash}`),
  1,293 English news articles (2020) about named people and companies, collected and labelled for
  a university adverse-media screening competition (MIT licence), read from the shared data
  folder and never copied into the repository. Labels: the assessors' re-check where they gave
  one (`am` adverse, `nam` not), else the file the article came from; items they rejected or
  doubted (`delete`, `doubt`, `random`, `neither`, `am, doubt`) are dropped. Kept/dropped:
  {kept}. Split **by entity** (articles grouped by entity name and by identical text or title,
  whole groups on one side): the model is fitted on one half ({real.get("train_n", "?")} articles)
  and measured on the other ({real.get("n", "?")} articles), which it never saw.
- **Labelled corpus** — `sample_data/corpus/adverse_media_train.jsonl` ({n_train} texts,
  SHA-256 `{corpus_hash}`), generated for this project from hand-written headline and body
  fragments (`sampledata.media_corpus`); the only source of the 13 offence labels,
  and of hard negatives (companies fighting, reporting or cleared of crime). Its dev split is
  composed only from fragments the training split never sees.

## Features and model
1. *Real-news stage*: word 1–2-gram and character 3–5-gram TF-IDF into a logistic regression
   (adverse vs not), fitted on the real articles of the training half.
2. *Offence stage*: word and character TF-IDF into a class-balanced multinomial logistic
   regression over the 13 offence labels and `none`, fitted on the corpus. Long texts are also
   scored by their title and ~60-word windows (one damning paragraph is not drowned out).
3. *Calibrator*: a logistic regression over both stages' log-odds, a short-text flag (≤ 120
   words) and their products, fitted on **out-of-fold** scores (real articles scored by models
   fitted without their entity group; corpus texts by models fitted on the other folds). Its
   output is the probability that the text is adverse media; 0.5 or more is an adverse verdict.
4. *Subject and role*: given a client's names (and aliases, and its parties' names), its
   mentions are found with the matcher's name comparison, and hand-written role patterns read the
   sentences naming it (passive "X was charged" vs active "X charged five people", victims,
   acquittals, crime fighters, a landmark "near X", a witness, a relative "X's husband", property
   "owned by X" that was attacked); with no pattern, in a brief (≤ 8 sentences) the clauses
   naming the subject (cut at semicolons and dashes) must carry a word of an offence or its
   enforcement, else the offence is another party's, and the clauses naming it — in a long
   article the sentences naming it and the one after — are scored by the model. A "mentioned"
   cue read from words alone ("according to", "campaign") gives way when those read as adverse
   with P ≥ 0.8. The verdict is adverse only for the `subject` role.

## Metrics
**Real news, entity-split held-out half** (n={real.get("n", 0)}, {real.get("adverse_share", 0):.0%} adverse):
- adverse-vs-not F1 **{real.get("f1", 0):.3f}** (95% bootstrap CI {rlo:.3f}–{rhi:.3f}), precision
  {real.get("precision", 0):.3f}, recall {real.get("recall", 0):.3f}
- the same with the article's entity given as the subject (adverse *about* it): F1
  {real.get("f1_about_entity", 0):.3f}
- plain TF-IDF + multinomial naive Bayes fitted and tested on the same split: F1
  {real.get("naive_bayes_f1", 0):.3f}
- Brier score **{real.get("brier", 0):.4f}**; reliability (calibrated P(adverse) against the
  observed share of adverse articles, per bin):

| P(adverse) | articles | mean predicted | observed adverse |
|---|---|---|---|
{rel}

**Roles** (`sample_data/roles/role_cases.jsonl`, hand-written; patterns were written and
corrected on the `tune` part only — the dev set — and the `test` part is held out):
{role_lines}

**Offence labels, corpus dev split** (held out by template), n={m["n"]}, no subject given:
- macro-F1 over 13 labels + `none`: **{m["macro_f1"]:.3f}** (95% bootstrap CI {lo:.3f}–{hi:.3f})
- adverse-vs-none F1: **{m["adverse_f1"]:.3f}** (95% CI {alo:.3f}–{ahi:.3f}); accuracy {m["accuracy"]:.3f}

| label | F1 |
|---|---|
{rows}

Stress tests: the dev items buried in ~1,500 words of neutral boilerplate (n={long.get("n", 0)}):
macro-F1 {long.get("macro_f1", 0):.3f}, adverse-vs-none F1 {long.get("adverse_f1", 0):.3f};
{ind.get("n", 0)} hand-written headlines never trained on
(`sample_data/corpus/independent_headlines.jsonl`): accuracy {ind.get("accuracy", 0):.3f},
adverse-vs-none F1 {ind.get("adverse_f1", 0):.3f}.

## Confidence bands
Reports show the calibrated probability with plain words (after the IPCC's calibrated
uncertainty language): ≥ 0.99 virtually certain, ≥ 0.90 very likely, ≥ 0.66 likely, ≥ 0.33
about as likely as not, ≥ 0.10 unlikely, below that very unlikely.

## Limitations
- Real-news training data is small (about 600 articles in the training half), English, from
  2020, and mostly about politicians, bankers and large companies; expect lower accuracy on other
  kinds of news and languages. The held-out F1 above has a confidence interval a few points wide.
- The real-news F1 target (0.94) is not met, and no other scikit-learn representation reached
  it either: on 5-fold entity-grouped cross-validation of the training half (2026-11-30,
  `benchmarks/realnews_models.py`) naive Bayes scored 0.905, this stage 0.911, the stacked path
  with its calibrator refitted inside the folds 0.914, and NB-SVM, char 2–5-grams, a calibrated
  linear SVM, entity-focused windows, the lead, bagging and probability ensembles 0.901–0.917 —
  all inside one bootstrap interval (±0.02).
  Fitted on all 1,207 usable articles, grouped CV gives 0.919 for this stage and 0.922 for naive
  Bayes: more articles help both alike, and the ceiling looks set by the data (a few hundred
  articles, part of the labels never re-checked), not by the representation.
- Offence labels come from synthetic text only; on real articles the offence is the more
  uncertain part of a verdict (the adverse-or-not decision is the calibrated one).
- Roles are read by patterns over the sentences that name the subject: an article that accuses
  the subject only through pronouns, or in unusual wording, falls back to the model's reading of
  those sentences. Related-party mentions (owners, directors) count as the subject.
- One offence label per text: an article about laundering drug money gets one of the two.
"""
