"""The package's layers flow one way: a module imports only from its own layer or lower ones.

Every ``import`` counts, at the top of a module or inside a function (an import inside a function
is still an arrow between layers, only a later one). The layers, lowest first:

0. foundations: errors, defaults, config, logs, jsonutil, csvutil, files, keys, vocabulary,
   shipped (where the shipped models and sample data are)
1. db — the schema and sessions
2. audit — the tamper-evident trail every layer writes to
3. accounts (users, roles, passwords, tokens, the acting user's authentication), ingest,
   modelstore
4. matching
5. signals
6. risk
7. review, reporting, batch
8. onboarding
9. web, demo
10. cli

So risk never imports review (decisions read assessments, never the reverse), no library
module imports the CLI or the web app, and the audit trail depends on nothing above the database.

The sample-data generators are not in the package: they are the top-level ``sampledata`` package
beside it (left out of the wheel), imported only by ``duediligence sample``, and they use only the
package's foundations.
"""

from __future__ import annotations

import ast
from pathlib import Path

import duediligence

PACKAGE = Path(duediligence.__file__).parent
GENERATORS = PACKAGE.parent / "sampledata"

LAYERS: dict[str, int] = {
    "errors": 0,
    "defaults": 0,
    "csvutil": 0,
    "files": 0,
    "config": 0,
    "logs": 0,
    "jsonutil": 0,
    "keys": 0,
    "vocabulary": 0,
    "shipped": 0,
    "__init__": 0,
    "db": 1,
    "audit": 2,
    "accounts": 3,
    "ingest": 3,
    "modelstore": 3,
    "matching": 4,
    "signals": 5,
    "risk": 6,
    "review": 7,
    "reporting": 7,
    "batch": 7,
    "onboarding": 8,
    "web": 9,
    "demo": 9,
    "cli": 10,
    "__main__": 10,
}

# Runtime code reads data files (``duediligence.shipped`` says where they are), never the
# sample-data generators; only the command that regenerates the sample data imports them.
SAMPLEDATA_IMPORTERS = {"cli/sample_cmd.py"}


def _layer_of(module: str) -> str:
    """``duediligence.risk.rules`` -> ``risk``; ``duediligence`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path, package: str = "duediligence") -> list[tuple[str, int]]:
    """(imported module of ``package``, line) for every import in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == package:
                found += [(f"{package}.{a.name}", node.lineno) for a in node.names]
            elif node.module.startswith(f"{package}."):
                found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [
                (a.name, node.lineno)
                for a in node.names
                if a.name == package or a.name.startswith(f"{package}.")
            ]
    return found


def _modules() -> list[tuple[str, Path]]:
    return [(path.relative_to(PACKAGE).as_posix(), path) for path in sorted(PACKAGE.rglob("*.py"))]


def test_every_package_has_a_layer() -> None:
    tops = {rel.split("/")[0].removesuffix(".py") for rel, _ in _modules()}
    assert tops <= set(LAYERS), sorted(tops - set(LAYERS))


def test_imports_flow_downwards_only() -> None:
    wrong = []
    for rel, path in _modules():
        own = rel.split("/")[0].removesuffix(".py")
        for module, line in _imports(path):
            target = _layer_of(module)
            if target == "__version__":
                continue
            if LAYERS[target] > LAYERS[own]:
                wrong.append(f"{rel}:{line} ({own}, layer {LAYERS[own]}) imports {module}")
    assert not wrong, "\n".join(wrong)


def test_sample_data_generators_are_outside_the_package() -> None:
    assert (GENERATORS / "scale.py").is_file(), GENERATORS
    assert not (PACKAGE / "sampledata").exists()


def test_sample_data_generators_are_imported_only_where_listed() -> None:
    importers = {rel for rel, path in _modules() if _imports(path, "sampledata")}
    assert importers == SAMPLEDATA_IMPORTERS, sorted(importers ^ SAMPLEDATA_IMPORTERS)


def test_sample_data_generators_use_only_the_foundations() -> None:
    wrong = [
        f"sampledata/{path.name}:{line} imports {module}"
        for path in sorted(GENERATORS.glob("*.py"))
        for module, line in _imports(path)
        if LAYERS[_layer_of(module)] > 0
    ]
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_forbidden_arrow(tmp_path: Path) -> None:
    """The walker finds imports inside functions too (so the test above can fail)."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from duediligence.review.decisions import decide\n")
    assert _imports(bad) == [("duediligence.review.decisions", 2)]
    generator = tmp_path / "generator.py"
    generator.write_text("import sampledata\ndef f():\n    from sampledata.scale import g\n")
    assert _imports(generator, "sampledata") == [("sampledata", 1), ("sampledata.scale", 3)]
