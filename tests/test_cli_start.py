"""The CLI starts without the heavy libraries: ``--help`` and ``--version`` import Typer and Rich
only, and each command imports what it needs when it runs (``benchmarks/cli_start.py`` times it).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# The libraries that made `duediligence --version` take seconds: none may load at start-up.
HEAVY = (
    "sklearn",
    "scipy",
    "numpy",
    "weasyprint",
    "fastapi",
    "skops",
    "rigour",
    "followthemoney",
    "alembic",
    "sqlalchemy",
    "cryptography",
    "pydantic",
    "jinja2",
)


def _loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(done.stdout.split())


def test_importing_the_cli_loads_no_heavy_library() -> None:
    loaded = _loaded_after("import duediligence.cli.app")
    assert "typer" in loaded  # the probe sees imports at all
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["--version"], set()),
        (["--help"], set()),
        # a sub-command's help runs the root callback first: settings and logging (pydantic)
        (["review", "--help"], {"pydantic"}),
    ],
)
def test_version_and_help_run_without_them(args: list[str], allowed: set[str]) -> None:
    code = (
        "from duediligence.cli.app import app\n"
        "from typer.testing import CliRunner\n"
        f"r = CliRunner().invoke(app, {args!r})\n"
        "assert r.exit_code == 0 and 'duediligence' in r.output, r.output"
    )
    loaded = _loaded_after(code)
    assert not loaded & (set(HEAVY) - allowed), sorted(loaded & set(HEAVY))
