"""``duediligence classify``: label texts with the adverse-media classifier (no database)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.table import Table

from duediligence.cli.common import out, print_json
from duediligence.errors import InputError
from duediligence.signals import classify_texts


def _read_texts(source: str) -> list[str]:
    handle = sys.stdin if source == "-" else None
    if handle is None:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"{source}: no such file")
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError:
            raise InputError(f"{source}: not valid UTF-8") from None
    else:
        lines = handle.read().splitlines()
    texts = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                record = json.loads(line)
            except ValueError:
                raise InputError(f"{source}, line {n}: invalid JSON") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise InputError(f"{source}, line {n}: a JSON line needs a string field 'text'")
            texts.append(record["text"])
        else:
            texts.append(line)
    if not texts:
        raise InputError(f"{source}: no texts to classify")
    return texts


def classify(
    source: str = typer.Argument(
        "-",
        help="File with one text per line (or JSON lines with "
        "a 'text' field); '-' reads standard input.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    stored: bool = typer.Option(
        False,
        "--signals",
        help="Instead of texts, classify the signals in the database that have no label yet.",
    ),
    relabel: bool = typer.Option(
        False, "--relabel", help="With --signals: classify every signal again (a new model)."
    ),
    as_user: str | None = typer.Option(None, "--as", help="Acting user (default: DD_USER)."),
) -> None:
    """Classify adverse media into the financial-crime taxonomy.

    Texts need no database; --signals labels the stored signals (label, probabilities and
    model version), as an import does for the signals it adds.

    Example:

        echo "Regulator fines bank over money laundering failures" | duediligence classify -
    """
    if stored:
        _classify_stored(relabel, as_user, as_json)
        return
    texts = _read_texts(source)
    results = classify_texts(texts)
    if as_json:
        print_json(
            [
                {
                    "text": t[:200],
                    "label": r.label,
                    "adverse": r.adverse,
                    "probability": round(r.probability, 4),
                    "probabilities": r.probabilities,
                    "model_version": r.model_version,
                }
                for t, r in zip(texts, results, strict=True)
            ]
        )
        return
    table = Table("label", "p", "adverse", "text")
    for text, r in zip(texts, results, strict=True):
        table.add_row(
            r.label,
            f"{r.probability:.2f}",
            "yes" if r.adverse else "no",
            text[:90] + ("…" if len(text) > 90 else ""),
        )
    out.print(table)


def _classify_stored(relabel: bool, as_user: str | None, as_json: bool) -> None:
    from duediligence.cli.common import acting_user, db_session
    from duediligence.signals import classify_stored_signals
    from duediligence.signals.classifier import active_signals_model

    version = active_signals_model().version
    with db_session() as session:
        n = classify_stored_signals(session, relabel=relabel, actor=acting_user(as_user))
    if as_json:
        print_json({"classified": n, "model_version": version})
    else:
        out.print(f"classified {n} signals with {version}", highlight=False)


def register(app: typer.Typer) -> None:
    """Attach ``classify``."""
    app.command("classify")(classify)
