"""``duediligence sample ...`` imports the generators (``sampledata/``, outside the package) from
a source checkout, and says what to do when they are not there (an installed wheel)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from duediligence.cli import sample_cmd
from duediligence.cli.app import app


def test_sample_generate_runs_the_checkouts_generator(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["sample", "generate", "--clients", "12", "--output", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "wrote 12 clients" in result.output
    with (tmp_path / "clients.csv").open(encoding="utf-8", newline="") as f:
        assert len(list(csv.DictReader(f))) == 12


@pytest.mark.parametrize("command", [["generate", "--clients", "5"], ["roster"]])
def test_sample_commands_outside_a_checkout_say_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setattr(sample_cmd, "is_source_checkout", lambda: False)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["sample", *command, "--output", str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "sample-data generators are not installed" in result.output
    assert "from a checkout" in result.output
    assert not out.exists()
