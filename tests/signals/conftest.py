"""Fixtures for the classifier tests: the shipped models folder, and a private copy of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

MODELS = Path(__file__).resolve().parents[2] / "models"


@pytest.fixture
def models_dir() -> Path:
    """The shipped models folder (read-only use)."""
    return MODELS


@pytest.fixture
def models_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the shipped models, set as DD_MODELS_DIR (safe to activate, tamper)."""
    from duediligence.config import get_settings

    target = tmp_path / "models"
    shutil.copytree(MODELS, target)
    monkeypatch.setenv("DD_MODELS_DIR", str(target))
    get_settings.cache_clear()
    yield target
    get_settings.cache_clear()
