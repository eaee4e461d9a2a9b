"""Fixtures for the ingest tests."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "sample_data" / "examples"


@pytest.fixture
def examples() -> Path:
    """The tiny example files shipped in sample_data/examples."""
    return EXAMPLES
