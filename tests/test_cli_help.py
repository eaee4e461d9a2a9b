"""Every command has help text with an example; errors are one line, not a traceback."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from duediligence.cli.app import app


def _walk(cmd: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = [(path, cmd)]
    if hasattr(cmd, "commands"):
        for name, sub in cmd.commands.items():
            found += _walk(sub, (*path, name))
    return found


COMMANDS = _walk(typer.main.get_command(app))


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[" ".join(p) or "root" for p, _ in COMMANDS])
def test_every_command_has_help_with_example(path: tuple[str, ...], cmd: Any) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert (cmd.help or "").strip(), f"{path} has no help"
    assert "Example" in result.output, f"`duediligence {' '.join(path)}` help has no example"


def test_core_commands_exist() -> None:
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {"init", "db upgrade", "db downgrade", "db current", "demo"} <= names


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("duediligence ")
