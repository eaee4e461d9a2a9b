"""Where the shipped sample data and the shared real data live."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def sample_data_dir() -> Path:
    """The repository's ``sample_data/`` folder (``DD_SAMPLE_DATA`` overrides)."""
    return Path(os.environ.get("DD_SAMPLE_DATA", REPO_ROOT / "sample_data"))


def shared_data_dir() -> Path:
    """The real public data beside the repository (``DD_SHARED_DATA`` overrides)."""
    return Path(os.environ.get("DD_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
