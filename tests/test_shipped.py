"""Where the shipped models and sample data are found, and the demo's copy of the models."""

from __future__ import annotations

from pathlib import Path

import pytest

from duediligence import shipped
from duediligence.demo import copy_shipped_models
from duediligence.errors import ConfigError
from duediligence.modelstore import active_versions


def test_a_checkout_finds_the_repository_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DD_SAMPLE_DATA", raising=False)
    monkeypatch.delenv("DD_SHARED_DATA", raising=False)
    assert shipped.is_source_checkout()
    assert shipped.shipped_models_dir() == shipped.SOURCE_ROOT / "models"
    assert shipped.sample_data_dir() == shipped.SOURCE_ROOT / "sample_data"
    assert shipped.shared_data_dir() == shipped.SOURCE_ROOT.parent / "shared" / "data"
    for _kind, name in shipped.IMPORT_ORDER:
        assert (shipped.sample_data_dir() / name).is_file(), name


def test_the_environment_overrides_the_data_folders(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DD_SAMPLE_DATA", str(tmp_path / "s"))
    monkeypatch.setenv("DD_SHARED_DATA", str(tmp_path / "x"))
    assert shipped.sample_data_dir() == tmp_path / "s"
    assert shipped.shared_data_dir() == tmp_path / "x"


def test_a_wheel_layout_is_preferred_to_the_folders_beside_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    package = tmp_path / "site-packages" / "duediligence"
    (package / "_models").mkdir(parents=True)
    (package / "_sample_data").mkdir()
    monkeypatch.delenv("DD_SAMPLE_DATA", raising=False)
    monkeypatch.delenv("DD_SHARED_DATA", raising=False)
    monkeypatch.setattr(shipped, "PACKAGE_DIR", package)
    monkeypatch.setattr(shipped, "SOURCE_ROOT", package.parent)
    monkeypatch.chdir(tmp_path)
    assert not shipped.is_source_checkout()
    assert shipped.shipped_models_dir() == package / "_models"
    assert shipped.sample_data_dir() == package / "_sample_data"
    assert shipped.shared_data_dir() == tmp_path.parent / "shared" / "data"


def test_the_demo_copies_the_shipped_models_into_a_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "models"
    names = copy_shipped_models(target)
    assert "active.json" in names
    source = shipped.shipped_models_dir()
    assert active_versions(target) == active_versions(source) != {}
    for version in active_versions(source).values():
        for suffix in (".json", ".skops"):
            copied = (target / f"{version}{suffix}").read_bytes()
            assert copied == (source / f"{version}{suffix}").read_bytes()
    with pytest.raises(FileExistsError):
        copy_shipped_models(target)


def test_no_shipped_models_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shipped, "SOURCE_ROOT", tmp_path)
    monkeypatch.setattr(shipped, "PACKAGE_DIR", tmp_path / "duediligence")
    with pytest.raises(ConfigError, match="no shipped models"):
        copy_shipped_models(tmp_path / "models")
    assert not (tmp_path / "models").exists()
