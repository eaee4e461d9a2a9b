"""A PDF report re-renders to the same bytes in another process, seconds later, whichever font
subsetter WeasyPrint uses (HarfBuzz-Subset, or the fontTools fallback that stamps the time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.models import Assessment, Client
from duediligence.keys import init_key
from duediligence.reporting.context import client_report

REPO = Path(__file__).resolve().parents[2]
FONTTOOLS_WARNING = "Using fontTools instead of HarfBuzz-Subset"


def _harfbuzz_subset_available() -> bool:
    from weasyprint.text.ffi import harfbuzz_subset

    return harfbuzz_subset is not None


def _render(tmp: Path, name: str, subsetter: str, tz: str, *extra: str) -> tuple[bytes, str]:
    """Render in a fresh process (its own hash seed and time zone)."""
    out = tmp / name
    env = {**os.environ, "PYTHONHASHSEED": "random", "TZ": tz}
    env.pop("SOURCE_DATE_EPOCH", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.reporting.pdf_child",
            str(tmp / "context.json"),
            str(tmp / "pdf-keys"),
            str(out),
            subsetter,
            *extra,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out.read_bytes(), done.stderr


@pytest.fixture
def context_file(case_session: Session, tmp_path: Path) -> Path:
    backpage = case_session.scalars(
        select(Client).where(Client.external_ref == "CS-BACKPAGE")
    ).one()
    newest = case_session.scalars(
        select(Assessment).where(Assessment.client_id == backpage.id).order_by(Assessment.id.desc())
    ).first()
    assert newest is not None
    path = tmp_path / "context.json"
    path.write_text(
        json.dumps(client_report(session=case_session, assessment=newest)), encoding="utf-8"
    )
    init_key(tmp_path / "pdf-keys", name="reproducibility test")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("subsetter", ["fonttools", "harfbuzz"])
def test_pdf_bytes_are_identical_across_processes_seconds_apart(
    context_file: Path, tmp_path: Path, subsetter: str
) -> None:
    if subsetter == "harfbuzz" and not _harfbuzz_subset_available():
        pytest.skip("libharfbuzz-subset is not installed: WeasyPrint always uses fontTools here")
    first, log = _render(tmp_path, "first.pdf", subsetter, "UTC")
    if subsetter == "fonttools":
        assert FONTTOOLS_WARNING in log  # the fallback really was taken
    time.sleep(2.5)  # fontTools stamps whole seconds
    second, _ = _render(tmp_path, "second.pdf", subsetter, "Pacific/Kiritimati")
    assert first == second


@pytest.mark.slow
def test_the_fonttools_fallback_stamps_the_time_when_not_pinned(
    context_file: Path, tmp_path: Path
) -> None:
    """The control: without the pinned timestamp the same two renders differ, so the test
    above would catch the variation coming back."""
    first, _ = _render(tmp_path, "first.pdf", "fonttools", "UTC", "--unpinned")
    time.sleep(2.5)
    second, _ = _render(tmp_path, "second.pdf", "fonttools", "UTC", "--unpinned")
    assert first != second


def test_rendering_restores_the_environment(context_file: Path) -> None:
    from duediligence.reporting.render import render_pdf

    os.environ.pop("SOURCE_DATE_EPOCH", None)
    render_pdf("<p>x</p>")
    assert "SOURCE_DATE_EPOCH" not in os.environ
