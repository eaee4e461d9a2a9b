"""``duediligence classify``: a file or standard input, plain lines or JSON lines, --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from duediligence.cli.app import app
from duediligence.config import get_settings
from tests.signals.texts import LAUNDERING_PARAGRAPH, long_article


@pytest.fixture
def run(models_dir: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Invoke the CLI with DD_MODELS_DIR on the shipped models and no database configured."""
    monkeypatch.setenv("DD_MODELS_DIR", str(models_dir))
    monkeypatch.setenv("DD_DATABASE_URL", "sqlite:////nonexistent/folder/never-opened.db")
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args, input=None: runner.invoke(app, list(args), input=input)
    get_settings.cache_clear()


def test_classify_file_json(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "news.txt"
    source.write_text(
        "Regulator fines bank over money laundering failures\n"
        "\n"
        "Acme Corp joins coalition to fight trafficking\n",
        encoding="utf-8",
    )
    result = run("classify", str(source), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["label"] for r in rows] == ["money_laundering", "none"]
    assert [r["adverse"] for r in rows] == [True, False]
    assert rows[0]["model_version"].startswith("signals-")
    assert set(rows[0]["probabilities"]) >= {"money_laundering", "none"}


def test_classify_stdin_json_lines(run) -> None:  # type: ignore[no-untyped-def]
    article = long_article(2500, LAUNDERING_PARAGRAPH, seed=9)
    lines = [
        json.dumps({"id": 1, "text": "Police seize cocaine hidden in banana crates"}),
        json.dumps({"id": 2, "text": article}),
    ]
    result = run("classify", "-", "--json", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["label"] for r in rows] == ["drug_trafficking", "money_laundering"]
    assert len(rows[1]["text"]) <= 200  # the echo of a long text is cut


def test_classify_table_output(run) -> None:  # type: ignore[no-untyped-def]
    result = run("classify", input="Company opens new office in Lisbon\n")
    assert result.exit_code == 0, result.output
    assert "none" in result.output and "Company opens new office" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": 5}\n', "needs a string field 'text'"),
        ("{not json\n", "invalid JSON"),
        ("\n\n", "no texts"),
    ],
)
def test_classify_bad_input(run, tmp_path: Path, content: str, message: str) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "bad.jsonl"
    source.write_text(content, encoding="utf-8")
    result = run("classify", str(source))
    assert result.exit_code == 2
    assert message in result.output


def test_classify_missing_file_and_model(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    assert run("classify", str(tmp_path / "nope.txt")).exit_code == 2
    monkeypatch.setenv("DD_MODELS_DIR", str(tmp_path / "empty"))
    get_settings.cache_clear()
    result = run("classify", input="anything\n")
    assert result.exit_code == 2
    assert "model train signals" in result.output
