"""Where the files shipped with duediligence are, in a source checkout and in an installed wheel.

Three kinds of files live outside the Python modules:

- the **shipped models** (``models/``: ``active.json``, the artifacts, manifests and model cards);
- the **sample data** (``sample_data/``: the roster, engagements, signals, the case study, the
  labelled corpus, the role cases) that the demo imports and the training code reads;
- the **shared real data** (``../shared/data``: sanctions lists, real labelled news), which is
  never shipped and never copied into the repository.

In a source checkout the first two are the repository's ``models/`` and ``sample_data/``
folders beside the package. The wheel carries them inside the package as ``duediligence/_models``
and ``duediligence/_sample_data`` (``[tool.hatch.build.targets.wheel.force-include]`` in
``pyproject.toml``, as it carries ``alembic/`` as ``duediligence/_alembic``). Each function
looks inside the package first, then beside it, so the same code finds them in both.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The repository root when running from a source checkout (meaningless when installed).
SOURCE_ROOT = PACKAGE_DIR.parent

#: The sample-data files the demo imports, in order (kind, path relative to the sample data).
IMPORT_ORDER: list[tuple[str, str]] = [
    ("clients", "clients.csv"),
    ("parties", "parties.csv"),
    ("engagements", "engagements.csv"),
    ("signals", "signals.csv"),
    ("clients", "case_study/clients.csv"),
    ("parties", "case_study/parties.csv"),
    ("engagements", "case_study/engagements.csv"),
    ("signals", "case_study/signals.csv"),
]


def is_source_checkout() -> bool:
    """True when the package runs from a source tree (``pyproject.toml`` beside it) rather than
    from an installed wheel."""
    return (SOURCE_ROOT / "pyproject.toml").is_file()


def _packaged_or_source(packaged: str, source: str) -> Path:
    inside = PACKAGE_DIR / packaged
    return inside if inside.is_dir() else SOURCE_ROOT / source


def shipped_models_dir() -> Path:
    """The folder of the models shipped with this copy of duediligence: ``duediligence/_models``
    in a wheel, the repository's ``models/`` in a checkout. Read-only in an installed product:
    the demo copies it to ``DD_MODELS_DIR`` rather than training or activating models in it."""
    return _packaged_or_source("_models", "models")


def sample_data_dir() -> Path:
    """The sample data folder: ``DD_SAMPLE_DATA`` when set, else ``duediligence/_sample_data`` in
    a wheel, the repository's ``sample_data/`` in a checkout."""
    env = os.environ.get("DD_SAMPLE_DATA")
    if env:
        return Path(env)
    return _packaged_or_source("_sample_data", "sample_data")


def shared_data_dir() -> Path:
    """The real public data (sanctions lists, real news): ``DD_SHARED_DATA`` when set; else, in a
    source checkout, ``shared/data`` beside the repository; else (installed)
    ``../shared/data`` from the working folder. Never shipped: the demo skips the lists with a
    message naming this folder when they are absent."""
    env = os.environ.get("DD_SHARED_DATA")
    if env:
        return Path(env)
    if is_source_checkout():
        return SOURCE_ROOT.parent / "shared" / "data"
    return Path.cwd().parent / "shared" / "data"
