"""The CLI starts without the heavy libraries: ``--help`` and ``--version`` import Typer and Rich
only, and each command imports what it needs when it runs (``benchmarks/cli_start.py`` times it).
"""

from __future__ import annotations

import os
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


# What the everyday commands may not load (issue 22, "start-up"): the classifier, the matcher,
# FollowTheMoney, Alembic (the schema check reads the version row itself), reports, the web app.
NOT_FOR_DAILY_COMMANDS = {
    "sklearn",
    "scipy",
    "numpy",
    "skops",
    "weasyprint",
    "fastapi",
    "jinja2",
    "followthemoney",
    "rigour",
    "alembic",
}


@pytest.mark.slow  # two CLI processes each
@pytest.mark.parametrize(
    ("args", "also_forbidden"),
    [
        (["audit", "verify"], {"argon2"}),
        # read-only: the users module (which hashes a dummy password when imported) is not needed
        (["review", "queue"], {"argon2"}),
        # ISO codes in the file: the country-name index (countrynames, ICU) is not built
        (["import", "clients", "{clients}"], {"countrynames", "icu"}),
    ],
    ids=["audit-verify", "review-queue", "import-clients"],
)
def test_daily_commands_load_only_what_they_use(
    tmp_path, args: list[str], also_forbidden: set[str]
) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_text("external_ref,name,country\nS-1,Start Ltd,GB\n", encoding="utf-8")
    env = {
        "DD_DATABASE_URL": f"sqlite:///{tmp_path / 'start.db'}",
        "DD_KEYS_DIR": str(tmp_path / "keys"),
        "DD_CHECKPOINT_FILE": str(tmp_path / "checkpoints.jsonl"),
        "DD_REPORTS_DIR": str(tmp_path / "reports"),
    }
    full = {**os.environ, **env}
    subprocess.run(
        [sys.executable, "-m", "duediligence", "init"], env=full, check=True, capture_output=True
    )
    argv = [a.format(clients=clients) for a in args]
    probe = (
        "import sys\n"
        "from duediligence.cli.app import app\n"
        "from typer.testing import CliRunner\n"
        f"r = CliRunner().invoke(app, {argv!r})\n"
        "assert r.exit_code == 0, r.output\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=full, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(done.stdout.split())
    assert "sqlalchemy" in loaded  # the command did reach the database
    forbidden = NOT_FOR_DAILY_COMMANDS | also_forbidden
    assert not loaded & forbidden, sorted(loaded & forbidden)
