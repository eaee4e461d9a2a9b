"""``duediligence model ...``: train, evaluate, list and activate model versions."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from duediligence.cli.common import acting_user, db_session, out, print_json, with_credentials
from duediligence.errors import InputError

model_app = typer.Typer(
    help="Model registry.\n\nExample:\n\n    duediligence model list", no_args_is_help=True
)


def _models_dir() -> Path:
    from duediligence.config import get_settings

    return get_settings().models_dir


@model_app.command("train")
@with_credentials()
def train(
    kind: str = typer.Argument(..., help="signals or risk."),
    activate: bool = typer.Option(False, "--activate", help="Make the new version active."),
    corpus: Path | None = typer.Option(
        None,
        "--corpus",
        help="signals: folder with adverse_media_train.jsonl and adverse_media_dev.jsonl "
        "(default: the sample corpus).",
    ),
    labels: Path | None = typer.Option(
        None, "--labels", help="risk: CSV of client_ref,outcome (default: the sample labels)."
    ),
    real_news: Path | None = typer.Option(
        None,
        "--real-news",
        help="signals: the real labelled news articles (default: "
        "DD_SHARED_DATA/adverse-media/tartu-train.csv.gz).",
    ),
    as_user: str | None = typer.Option(None, "--as", help="Acting user (default: DD_USER)."),
) -> None:
    """Train a model from the sample data (or your own) and save it with its model card.

    The signals model needs no database; the risk model is fitted on the labelled clients in
    the database, with features as of the label date.

    Example:

        duediligence model train signals --activate
    """
    from duediligence.modelstore import activate_model

    models_dir = _models_dir()
    if kind == "signals":
        from duediligence.signals.training import train_signals_model

        manifest = train_signals_model(models_dir, corpus_dir=corpus, real_news=real_news)
        m = manifest.metrics
        out.print(
            f"trained {manifest.version}: real news held-out F1 {m['real_news']['f1']:.3f} "
            f"(Brier {m['real_news']['brier']:.3f}); role accuracy "
            f"{m['roles']['test']['accuracy']:.3f}; dev macro-F1 {m['macro_f1']:.3f}, "
            f"adverse F1 {m['adverse_f1']:.3f}",
            highlight=False,
        )
    elif kind == "risk":
        from duediligence.risk.training import train_risk_model

        with db_session() as session:
            manifest = train_risk_model(
                session=session,
                models_dir=models_dir,
                actor=acting_user(as_user),
                labels_path=labels,
            )
        m = manifest.metrics
        out.print(
            f"trained {manifest.version}: cross-validated ROC-AUC {m['roc_auc']:.3f}, "
            f"PR-AUC {m['pr_auc']:.3f}",
            highlight=False,
        )
    else:
        raise InputError(f"unknown model kind {kind!r}: use signals or risk")
    out.print(f"model card: {models_dir / (manifest.version + '.card.md')}", highlight=False)
    if activate:
        with db_session() as session:
            activate_model(
                session=session,
                models_dir=models_dir,
                version=manifest.version,
                actor=acting_user(as_user),
            )
        out.print(f"activated {manifest.version}")


@model_app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List the model versions in DD_MODELS_DIR and which are active.

    Example:

        duediligence model list --json
    """
    from duediligence.modelstore import active_versions, list_manifests

    models_dir = _models_dir()
    active = set(active_versions(models_dir).values())
    manifests = list_manifests(models_dir)
    if as_json:
        print_json(
            [
                {
                    "version": m.version,
                    "kind": m.kind,
                    "active": m.version in active,
                    "sha256": m.artifact_sha256,
                    "created_at": m.created_at,
                    "metrics": {k: v for k, v in m.metrics.items() if not isinstance(v, dict)},
                }
                for m in manifests
            ]
        )
        return
    table = Table("version", "kind", "active", "created", "sha256")
    for m in manifests:
        table.add_row(
            m.version,
            m.kind,
            "yes" if m.version in active else "",
            m.created_at,
            m.artifact_sha256[:16] + "…",
        )
    out.print(table)


@model_app.command("activate")
@with_credentials()
def activate_(
    version: str = typer.Argument(..., help="The version to activate."),
    as_user: str | None = typer.Option(None, "--as", help="Acting user (default: DD_USER)."),
) -> None:
    """Make VERSION the active model of its kind (verifies its SHA-256 first).

    Example:

        duediligence model activate signals-e8260bc2-sk191
    """
    from duediligence.modelstore import activate_model

    with db_session() as session:
        row = activate_model(
            session=session, models_dir=_models_dir(), version=version, actor=acting_user(as_user)
        )
    out.print(f"active {row.kind} model: {row.version}")


@model_app.command("evaluate")
def evaluate_(
    kind: str = typer.Argument("signals", help="signals or risk."),
) -> None:
    """Re-measure the active model of KIND on its evaluation data.

    signals: the dev split of the sample corpus. risk: the recorded cross-validated metrics,
    and the model re-scored on the labelled clients in the database.

    Example:

        duediligence model evaluate signals
    """
    from duediligence.modelstore import active_versions, load_model, require_models_dir

    models_dir = require_models_dir(_models_dir())
    version = active_versions(models_dir).get(kind)
    if version is None:
        raise InputError(
            f"no active {kind} model in {models_dir}: run `duediligence model train {kind}`"
        )
    loaded = load_model(models_dir, version)
    if kind == "signals":
        from duediligence.signals.classifier import evaluate
        from duediligence.signals.corpus import read_corpus
        from duediligence.signals.training import corpus_paths

        texts, labels = read_corpus(corpus_paths()[1])
        metrics = evaluate(loaded.model, texts, labels)
        metrics.pop("_pred")
        out.print(
            f"{version} on the dev split (n={metrics['n']}): macro-F1 "
            f"{metrics['macro_f1']:.3f}, adverse F1 {metrics['adverse_f1']:.3f}"
        )
        for label, f1 in metrics["per_label_f1"].items():
            out.print(f"  {label:<22} {f1:.3f}")
    else:
        from duediligence.risk.model import Scorer
        from duediligence.risk.training import evaluate_risk_model

        m = loaded.manifest.metrics

        def ci(key: str) -> str:
            low, high = m.get(key) or (float("nan"), float("nan"))
            return f"95% CI {low:.3f}–{high:.3f}"

        out.print(
            f"{version}: cross-validated ROC-AUC {m.get('roc_auc', 0):.3f} "
            f"({ci('roc_auc_ci95')}), PR-AUC {m.get('pr_auc', 0):.3f} "
            f"({ci('pr_auc_ci95')}) from its model card",
            highlight=False,
        )
        with db_session() as session:
            now = evaluate_risk_model(session=session, scorer=Scorer.from_loaded(loaded))
        out.print(
            f"on the {now['n']} labelled clients in this database (in-sample): "
            f"ROC-AUC {now['roc_auc']:.3f}, PR-AUC {now['pr_auc']:.3f}, Brier {now['brier']:.3f}",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Attach the ``model`` group."""
    app.add_typer(model_app, name="model")
