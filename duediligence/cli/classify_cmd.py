"""``duediligence classify``: label texts with the adverse-media classifier (no database)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from duediligence.cli.common import out, print_json, with_credentials
from duediligence.errors import InputError

if TYPE_CHECKING:
    from duediligence.signals.mentions import Subject


def _read_texts(source: str) -> list[tuple[str, Subject | None]]:
    from duediligence.files import require_file
    from duediligence.signals.mentions import Subject

    handle = sys.stdin if source == "-" else None
    if handle is None:
        path = Path(source)
        require_file(path, source)
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
            names = record.get("subject") or []
            names = [names] if isinstance(names, str) else names
            aliases = record.get("aliases") or []
            if not all(isinstance(x, str) for x in [*names, *aliases]):
                raise InputError(f"{source}, line {n}: 'subject' and 'aliases' must be strings")
            subject = Subject.of([*names, *aliases]) if names else None
            texts.append((record["text"], subject))
        else:
            texts.append((line, None))
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
    subject: list[str] = typer.Option(
        [],
        "--subject",
        help="Whom the texts must be adverse about: the name, then aliases (repeat the option). "
        "JSON lines may carry their own 'subject' and 'aliases'.",
    ),
    as_user: str | None = typer.Option(None, "--as", help="Acting user (default: DD_USER)."),
) -> None:
    """Classify adverse media: adverse or not (calibrated), about whom, which offence, and why.

    Texts need no database; --signals labels the stored signals (label, probabilities, role,
    evidence and model version), as an import does for the signals it adds.

    Example:

        echo "Acme Corp named a victim of a ransomware attack" \\
            | duediligence classify - --subject "Acme Corp"
    """
    from duediligence.signals import classify_texts
    from duediligence.signals.mentions import Subject

    if stored:
        _classify_stored(relabel, as_user, as_json)
        return
    rows = _read_texts(source)
    default = Subject.of(subject) if subject else None
    texts = [t for t, _s in rows]
    results = classify_texts(texts, subjects=[s or default for _t, s in rows])
    if as_json:
        print_json(
            [
                {
                    "text": t[:200],
                    "label": r.label,
                    "adverse": r.adverse,
                    "probability": round(r.probability, 4),
                    "confidence": r.band,
                    "adverse_probability": r.adverse_probability,
                    "offence": r.offence,
                    "role": r.role,
                    "role_reason": r.role_reason,
                    "evidence": r.evidence,
                    "probabilities": r.probabilities,
                    "model_version": r.model_version,
                }
                for t, r in zip(texts, results, strict=True)
            ]
        )
        return
    table = Table("label", "p", "confidence", "role", "text and evidence")
    for text, r in zip(texts, results, strict=True):
        shown = text[:90] + ("…" if len(text) > 90 else "")
        if r.evidence and (r.adverse or r.role):
            shown += "".join(f"\n  » {e}" for e in r.evidence)
        table.add_row(
            r.label,
            f"{r.probability:.2f}",
            r.band,
            f"{r.role} ({r.role_reason})" if r.role else "—",
            shown,
        )
    out.print(table)


def _classify_stored(relabel: bool, as_user: str | None, as_json: bool) -> None:
    from duediligence.cli.common import acting_user, db_session
    from duediligence.signals import classify_stored_signals
    from duediligence.signals.classifier import active_signals_model

    version = active_signals_model().version
    with db_session() as session:
        n = classify_stored_signals(session=session, relabel=relabel, actor=acting_user(as_user))
    if as_json:
        print_json({"classified": n, "model_version": version})
    else:
        out.print(f"classified {n} signals with {version}", highlight=False)


def register(app: typer.Typer) -> None:
    """Attach ``classify``."""
    app.command("classify")(with_credentials()(classify))
