"""Train, evaluate and save the adverse-media classifier (with its model card)."""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Any

import numpy as np
import sklearn

from duediligence.db.enums import ModelKind
from duediligence.errors import InputError
from duediligence.jsonutil import sha256_file
from duediligence.modelstore import ModelManifest, save_model
from duediligence.sampledata.media_corpus import read_corpus
from duediligence.sampledata.paths import sample_data_dir
from duediligence.sampledata.texts import EXTRA_FILLER, FILLER, fill
from duediligence.signals.classifier import bootstrap_ci, build_pipeline, evaluate
from duediligence.signals.taxonomy import LABELS

log = logging.getLogger(__name__)


def corpus_paths(corpus_dir: Path | None = None) -> tuple[Path, Path]:
    """The train and dev files of the labelled corpus."""
    folder = corpus_dir or sample_data_dir() / "corpus"
    return folder / "adverse_media_train.jsonl", folder / "adverse_media_dev.jsonl"


def long_variant(texts: list[str], *, words: int = 1500, seed: int = 0) -> list[str]:
    """Each text buried in the middle of ~``words`` words of neutral company boilerplate, as a
    long real article buries its one relevant paragraph (measures the window logic)."""
    rng = random.Random(seed)
    fillers = FILLER + EXTRA_FILLER
    out = []
    for text in texts:
        padding: list[str] = []
        count = 0
        while count < words:
            padding.append(fill(rng.choice(fillers), rng, "The company"))
            count += len(padding[-1].split())
        title, _, body = text.partition("\n")
        half = len(padding) // 2
        out.append(
            f"{title}\n\n" + " ".join([*padding[:half], body.strip(), *padding[half:]]).strip()
        )
    return out


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


def train_signals_model(
    models_dir: Path, *, corpus_dir: Path | None = None, seed: int = 0
) -> ModelManifest:
    """Fit the classifier on the train split, measure it on the dev split, save it with a card."""
    train_path, dev_path = corpus_paths(corpus_dir)
    texts, labels = _read_split(train_path)
    dev_texts, dev_labels = _read_split(dev_path)
    data_hash = sha256_file(train_path)
    pipeline = build_pipeline(seed).fit(texts, labels)
    for _name, vectorizer in pipeline.named_steps["features"].transformer_list:
        # Terms cut by min_df/max_features; only kept for introspection, and large.
        if hasattr(vectorizer, "stop_words_"):
            del vectorizer.stop_words_
    metrics = evaluate(pipeline, dev_texts, dev_labels)
    pred = metrics.pop("_pred")
    truth = np.asarray(dev_labels)
    metrics["macro_f1_ci95"] = bootstrap_ci(truth, pred, adverse=False)
    metrics["adverse_f1_ci95"] = bootstrap_ci(truth, pred, adverse=True)
    metrics["train_n"] = len(texts)
    long_metrics = evaluate(pipeline, long_variant(dev_texts), dev_labels)
    long_metrics.pop("_pred")
    metrics["long_dev"] = {k: long_metrics[k] for k in ("n", "macro_f1", "adverse_f1", "accuracy")}
    ind_texts, ind_labels = _read_independent(train_path.parent)
    if ind_texts:
        ind = evaluate(pipeline, ind_texts, ind_labels)
        ind.pop("_pred")
        metrics["independent"] = {k: ind[k] for k in ("n", "macro_f1", "adverse_f1", "accuracy")}
    version = f"signals-{data_hash[:8]}-sk{sklearn.__version__.replace('.', '')}"
    card = model_card(version, data_hash, len(texts), metrics)
    return save_model(
        pipeline,
        models_dir=models_dir,
        kind=ModelKind.SIGNALS,
        version=version,
        features=["tfidf:word1-2", "tfidf:char_wb3-5"],
        training_data_hash=data_hash,
        metrics=metrics,
        card=card,
        extra={"labels": list(LABELS), "dev_data_hash": sha256_file(dev_path)},
    )


def model_card(version: str, data_hash: str, n_train: int, m: dict[str, Any]) -> str:
    """The model card: intended use, data, features, metrics with intervals, limitations."""
    lo, hi = m["macro_f1_ci95"]
    alo, ahi = m["adverse_f1_ci95"]
    rows = "\n".join(f"| {k} | {v:.3f} |" for k, v in m["per_label_f1"].items())
    long = m.get("long_dev", {})
    ind = m.get("independent", {})
    long_line = (
        f"- the same dev items buried in ~1,500 words of neutral boilerplate (n={long['n']}): "
        f"macro-F1 {long['macro_f1']:.3f}, adverse-vs-none F1 {long['adverse_f1']:.3f}"
        if long
        else ""
    )
    ind_line = (
        f"- {ind['n']} independent hand-written headlines "
        "(`sample_data/corpus/independent_headlines.jsonl`, never trained on): "
        f"accuracy {ind['accuracy']:.3f}, macro-F1 {ind['macro_f1']:.3f}, adverse-vs-none F1 "
        f"{ind['adverse_f1']:.3f}. They served as validation while choosing between a few "
        "variants (class balancing, regularisation, a keyword-lexicon feature that was dropped "
        "because it did worse on the later-written half), so they are not an untouched test set"
        if ind
        else ""
    )
    return f"""# Model card: {version}

**Kind:** adverse-media text classifier (signals). **scikit-learn:** {sklearn.__version__}

## Intended use
Sorting news items, legal and regulatory notices about a vendor's clients into the
financial-crime taxonomy (13 offence categories and `none`), so a compliance reviewer sees red
flags first. It is an aid to a human reviewer, not a decision: every adverse signal it labels is
shown with its probability and can be confirmed or dismissed.

## Training data
`sample_data/corpus/adverse_media_train.jsonl` ({n_train} texts, SHA-256 `{data_hash}`),
generated for this project (`duediligence sample roster`, module
`duediligence.sampledata.media_corpus`) from hand-written headline and body fragments with
slots for company names, places, authorities and amounts. The `none` class includes the hard
negatives: companies fighting, reporting, studying or cleared of crime.

**Held out by template.** The dev split is composed only from fragments the training split never
sees (every fifth headline and body sentence of each label), so the dev score measures new
phrasings, not memorised templates. It is still optimistic: the dev fragments share the
generator's writing style, slot values and neutral filler sentences with the training split.

## Features and model
Word 1–2-gram and character 3–5-gram TF-IDF (sublinear tf, capped vocabularies) into a
class-balanced multinomial logistic regression. Long texts (over 200 words) are also scored by
their title alone and in ~60-word windows led by the title; when the most adverse window is
confidently adverse its verdict is the text's, so one damning paragraph in a long article is not
drowned out.

## Metrics
Dev split (held-out fragments), n={m["n"]}:
- macro-F1: **{m["macro_f1"]:.3f}** (95% bootstrap CI {lo:.3f}–{hi:.3f})
- adverse-vs-none F1: **{m["adverse_f1"]:.3f}** (95% CI {alo:.3f}–{ahi:.3f})
- accuracy: {m["accuracy"]:.3f}

| label | F1 |
|---|---|
{rows}

Stress tests:
{long_line}
{ind_line}

## Limitations
- The corpus is synthetic English news-style text; real articles are longer, noisier and
  multilingual. Expect clearly lower accuracy on them than on the dev split — the independent
  headlines above are the better guide — especially for paraphrases that avoid the usual crime
  words, and for `none` vs. adverse near-misses (acquittals, reporting *about* crime, companies
  that fight it).
- One label per text: an article about laundering drug money gets one of the two.
- It reads words, not facts: it cannot tell whether the named company is the perpetrator, the
  victim or a bystander. Name linking and human review decide that.
"""
