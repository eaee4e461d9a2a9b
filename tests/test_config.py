"""Settings: defaults, and a clear one-line error naming the variable on bad values."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from duediligence.cli.app import app
from duediligence.config import get_settings, load_settings
from duediligence.errors import ConfigError


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DD_DATABASE_URL", "DD_MODELS_DIR", "DD_REPORTS_DIR", "DD_USER", "DD_LOG_LEVEL"):
        monkeypatch.delenv(var, raising=False)
    get_settings.cache_clear()


def test_defaults() -> None:
    s = load_settings()
    assert s.database_url == "sqlite:///duediligence.db"
    assert s.models_dir == Path("models")
    assert s.reports_dir == Path("reports")
    assert s.log_json is False


def test_plain_postgres_url_uses_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DD_DATABASE_URL", "postgresql://u@h/db")
    assert load_settings().database_url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    "var,value",
    [
        ("DD_DATABASE_URL", "mysql://x"),
        ("DD_DATABASE_URL", "not a url"),
        ("DD_LOG_LEVEL", "LOUD"),
        ("DD_LOG_JSON", "perhaps"),
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert str(info.value).startswith(var)
    assert "\n" not in str(info.value)


def test_cli_reports_bad_setting_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DD_LOG_LEVEL", "LOUD")
    result = CliRunner().invoke(app, ["db", "current"])
    assert result.exit_code == 2
    assert "DD_LOG_LEVEL" in result.output
    assert "Traceback" not in result.output
    get_settings.cache_clear()
