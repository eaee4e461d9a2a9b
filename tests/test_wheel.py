"""The installable product: build the wheel, install it into a fresh virtualenv, and run
``duediligence --version`` and ``duediligence demo`` from an empty folder.

The fresh virtualenv gets only the wheel (``--no-deps``); its dependencies come from this test
run's environment through a ``.pth`` line naming that environment's ``site-packages`` (installing
them from the index takes minutes). Only a path is added, not a site directory, so the
environment's own ``.pth`` files (an editable install pointing at the checkout) are not read:
the test checks that ``duediligence`` is imported from the fresh virtualenv, and that the shipped
models and sample data are found inside the installed package, not in this repository. The
wheel carries no sample-data generator (``sampledata/`` stays in the repository), and the
installed ``duediligence sample`` says so instead of failing on an import.

Slow (about a minute on an idle machine): it builds with hatchling in an isolated build
environment, so the package index must be reachable. The OFAC and UN lists come from
``DD_SHARED_DATA`` (``../shared/data`` beside the checkout) when present; the demo skips them
and says so otherwise.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from duediligence.shipped import SOURCE_ROOT, shared_data_dir

pytestmark = pytest.mark.slow


def _build_wheel(out: Path) -> Path:
    if importlib.util.find_spec("build") is not None:
        cmd = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(SOURCE_ROOT)]
    else:  # pip builds the same wheel through the same isolated hatchling backend
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(SOURCE_ROOT)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    wheels = sorted(out.glob("duediligence-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _fresh_venv(folder: Path, wheel: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    deps = sysconfig.get_paths()["purelib"]
    (Path(purelib) / "zz_test_dependencies.pth").write_text(deps + "\n", encoding="utf-8")
    return folder


def _clean_env(workdir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DD_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    if (shared_data_dir() / "watchlists").is_dir():
        env["DD_SHARED_DATA"] = str(shared_data_dir().resolve())
    env["HOME"] = str(workdir)
    return env


def _wheel_holds_no_generator(wheel: Path) -> None:
    """The sample-data generators (``sampledata/`` in the checkout) are not in the wheel, under
    any name or folder; the sample data they wrote is."""
    generators = {
        p.read_bytes(): p.name
        for p in (SOURCE_ROOT / "sampledata").glob("*.py")
        if p.stat().st_size > 1000  # not a near-empty __init__.py
    }
    assert {"scale.py", "roster.py", "name_devset.py"} <= set(generators.values()), generators
    with zipfile.ZipFile(wheel) as zipped:
        names = zipped.namelist()
        carried = [
            n
            for n in names
            if "sampledata" in n or (n.endswith(".py") and zipped.read(n) in generators)
        ]
    assert carried == [], carried
    assert "duediligence/_sample_data/clients.csv" in names


def test_the_wheel_installs_and_runs_the_demo_from_an_empty_folder(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path / "dist")
    _wheel_holds_no_generator(wheel)
    venv = _fresh_venv(tmp_path / "venv", wheel)
    work = tmp_path / "empty"
    work.mkdir()
    env = _clean_env(work)
    python, script = venv / "bin" / "python", venv / "bin" / "duediligence"

    where = subprocess.run(
        [
            str(python),
            "-c",
            "import duediligence, duediligence.shipped as s; "
            "print(duediligence.__file__); print(s.shipped_models_dir()); "
            "print(s.sample_data_dir()); print(s.is_source_checkout())",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    site = (venv / "lib").resolve()
    assert all(Path(p).resolve().is_relative_to(site) for p in where[:3]), where
    assert where[1].endswith("_models") and where[2].endswith("_sample_data"), where
    assert where[3] == "False"

    version = subprocess.run(
        [str(script), "--version"], cwd=work, env=env, capture_output=True, text=True, check=True
    )
    assert version.stdout.startswith("duediligence "), version.stdout

    # the generators stay in the source repository; the installed command says so
    sample = subprocess.run(
        [str(script), "sample", "generate", "--clients", "5", "--output", "scale"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert sample.returncode == 2, sample.stdout + sample.stderr
    assert "sample-data generators are not installed" in sample.stderr, sample.stderr
    assert not (work / "scale").exists()

    demo = subprocess.run(
        [str(script), "demo"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    text = demo.stdout
    assert re.search(r"\[3\] sample data: clients\.csv: [1-9]\d* new", text), text
    assert re.search(r"\[5\] models: copied [1-9]\d* shipped model files to models", text), text
    assert re.search(r"\[9\] score: assessed [1-9]\d* clients", text), text
    assert re.search(r"\[13\] audit: audit trail intact: all [1-9]\d* events verified", text), text
    if "DD_SHARED_DATA" in env:
        assert re.search(r"ofac-sdn: [1-9]\d* entities", text), text
    else:
        assert "not found at" in text and "set DD_SHARED_DATA" in text, text
    # everything the demo made is in the empty folder: database, keys, models, reports
    assert (work / "duediligence.db").is_file()
    assert (work / "models" / "active.json").is_file()
    assert sorted(p.suffix for p in (work / "reports").iterdir()).count(".pdf") == 1
    assert any((work / "keys").iterdir())
