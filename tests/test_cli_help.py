"""Every command has help text with an example; errors are one line, not a traceback."""

from __future__ import annotations

import itertools
import re
import tokenize
from pathlib import Path
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


PACKAGE = Path(__file__).resolve().parents[1] / "duediligence"
# A command hint: `duediligence ...` in backticks or parentheses, after "run"/"use"/"see"/"$",
# or at the start of an (indented) example line; not prose such as "duediligence web app on".
MENTION = re.compile(
    r"(?:`|\(|\$ |\brun |\buse |\bsee |\btry |^[ \t]*)duediligence((?:[ \t]+[a-z][a-z0-9-]*)+)",
    re.MULTILINE,
)


def _literal_texts() -> list[tuple[str, str]]:
    """``(where, text)`` of every string literal in the package (error messages, hints, help)
    and of every report template."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        with path.open("rb") as handle:
            for token in tokenize.tokenize(handle.readline):
                if token.type == tokenize.STRING:
                    found.append((f"{path.relative_to(PACKAGE)}:{token.start[0]}", token.string))
    for path in sorted(PACKAGE.rglob("*.html")):
        found.append((str(path.relative_to(PACKAGE)), path.read_text("utf-8")))
    return found


def _resolves(words: list[str]) -> bool:
    """Whether ``duediligence w1 w2 ...`` starts with a real command: each word after a
    group must be one of its commands; words after a leaf command are its arguments."""
    cmd: Any = typer.main.get_command(app)
    for word in words:
        if not hasattr(cmd, "commands"):
            return True
        if word not in cmd.commands:
            return False
        cmd = cmd.commands[word]
    return True


def test_every_command_named_in_a_message_exists() -> None:
    """Hints like "run `duediligence model train signals`" name commands that exist (a hint
    once pointed at `duediligence risk score`, which never did)."""
    mentions = []
    for where, text in _literal_texts():
        for match in MENTION.finditer(text):
            mentions.append((where, match.group(1).split()))
    assert len(mentions) > 20  # the scan finds the hints (model train, assess, init ...)
    wrong = [
        f"{where}: duediligence {' '.join(words)}"
        for where, words in mentions
        if not _resolves(words)
    ]
    assert not wrong, wrong


def test_help_reads_in_an_80_column_terminal() -> None:
    """Prose paragraphs are reflowed to the terminal: a docstring wrapped at 95 columns must not
    print as ragged half-lines in an 80-column one (Typer's rich help keeps single line breaks,
    in the command lists too). Every prose paragraph of every command's help is one line; the
    examples (indented) and lists keep theirs. Checked on the rendered help as well: no text
    line of the description is a short fragment followed by the rest of its sentence."""
    broken = []
    for path, cmd in COMMANDS:
        for para in (cmd.help or "").split("\n\n"):
            lines = para.split("\n")
            if len(lines) > 1 and not any(line[:1].isspace() or line[:2] == "- " for line in lines):
                broken.append(f"duediligence {' '.join(path)}: {lines[0]!r}")
    assert not broken, "\n".join(broken[:20])
    out = CliRunner().invoke(app, ["import", "feed", "--help"], env={"COLUMNS": "80"}).output
    description = out.split("Usage:", 1)[1].split("Example", 1)[0].splitlines()[2:]
    texts = [line.strip() for line in description]
    for line, after in itertools.pairwise(texts):
        assert not (0 < len(line) < 60 and after[:1].islower()), (line, after)
