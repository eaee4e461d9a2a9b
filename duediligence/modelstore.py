"""Model artifacts on disk and in the database: save, register, activate, verify, load.

An artifact is a scikit-learn object serialised with ``skops`` (no pickle), saved beside a
manifest (JSON) and a model card (Markdown). The manifest records the SHA-256 of the artifact,
the scikit-learn version, the feature list, the training-data hash and the metrics. Loading
recomputes the SHA-256 and refuses a changed file or an incompatible scikit-learn version
*before* deserialising anything. ``models/active.json`` names the active version of each kind
*and the SHA-256 of its artifact*, so the classifier works without a database and still trusts
only a hash recorded away from the artifact (a changed artifact with an edited manifest beside
it is refused); the database keeps the same records for audit and its hash is checked too.
A missing or changed artifact of the active model is refused (:class:`ModelArtifactError`,
exit 2): scoring never falls back to other weights.
"""

from __future__ import annotations

import json
import logging
import os
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from duediligence.audit.trail import record_event
from duediligence.db.base import utcnow
from duediligence.db.enums import ModelKind
from duediligence.db.models import ModelVersion
from duediligence.errors import ConfigError, IntegrityError, ModelArtifactError, NotFoundError
from duediligence.jsonutil import sha256_file

log = logging.getLogger(__name__)

ACTIVE_FILE = "active.json"


@dataclass
class ModelManifest:
    """What we know about one saved artifact; stored as ``<version>.json`` beside it."""

    kind: str
    version: str
    artifact: str  # file name inside the models folder
    artifact_sha256: str
    sklearn_version: str
    features: list[str]
    training_data_hash: str
    metrics: dict[str, Any]
    trusted_types: list[str] = field(default_factory=list)
    created_at: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class LoadedModel:
    """A verified, deserialised model with its manifest."""

    manifest: ModelManifest
    model: Any

    @property
    def version(self) -> str:
        """The model version string."""
        return self.manifest.version


def require_models_dir(models_dir: Path) -> Path:
    """``models_dir`` if it is a folder, else :class:`ConfigError` (exit 2) naming the absolute
    path looked in. Every command that classifies or scores calls this first: with the default
    relative ``DD_MODELS_DIR`` (``models``), running from another folder must not quietly leave
    signals unclassified or score with fallback weights."""
    if models_dir.is_dir():
        return models_dir
    shown = models_dir if models_dir.is_absolute() else f"{models_dir} (from {Path.cwd()})"
    raise ConfigError(
        f"models directory not found: {models_dir.resolve()} (DD_MODELS_DIR={shown}); set "
        "DD_MODELS_DIR to the folder holding the trained models (the repository's models/), "
        "or train new ones into it with `duediligence model train signals --activate`"
    )


def _manifest_path(models_dir: Path, version: str) -> Path:
    return models_dir / f"{version}.json"


def save_model(
    model: Any,
    *,
    models_dir: Path,
    kind: ModelKind | str,
    version: str,
    features: list[str],
    training_data_hash: str,
    metrics: dict[str, Any],
    card: str,
    extra: dict[str, Any] | None = None,
) -> ModelManifest:
    """Serialise ``model`` with skops, write its manifest and model card; return the manifest."""
    import sklearn
    import skops.io as sio

    models_dir.mkdir(parents=True, exist_ok=True)
    artifact = models_dir / f"{version}.skops"
    sio.dump(model, artifact, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    manifest = ModelManifest(
        kind=str(ModelKind(kind)),
        version=version,
        artifact=artifact.name,
        artifact_sha256=sha256_file(artifact),
        sklearn_version=sklearn.__version__,
        features=list(features),
        training_data_hash=training_data_hash,
        metrics=metrics,
        trusted_types=sorted(sio.get_untrusted_types(file=artifact)),
        created_at=utcnow().isoformat(timespec="seconds"),
        extra=extra or {},
    )
    _manifest_path(models_dir, version).write_text(
        json.dumps(asdict(manifest), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    (models_dir / f"{version}.card.md").write_text(card, encoding="utf-8")
    return manifest


def read_manifest(models_dir: Path, version: str) -> ModelManifest:
    """Read the manifest of ``version``; :class:`NotFoundError` if there is none."""
    path = _manifest_path(models_dir, version)
    if not path.is_file():
        raise NotFoundError(f"no model {version!r} in {models_dir}")
    return ModelManifest(**json.loads(path.read_text(encoding="utf-8")))


def list_manifests(models_dir: Path) -> list[ModelManifest]:
    """Every manifest in the models folder, oldest first."""
    manifests = []
    for path in sorted(models_dir.glob("*.json")):
        if path.name == ACTIVE_FILE:
            continue
        try:
            manifests.append(ModelManifest(**json.loads(path.read_text(encoding="utf-8"))))
        except (TypeError, ValueError):
            log.warning("ignoring %s: not a model manifest", path)
    return sorted(manifests, key=lambda m: m.created_at)


def _active_entries(models_dir: Path) -> dict[str, dict[str, str]]:
    """``{kind: {"version": ..., "sha256": ...}}`` from ``active.json``; the older form
    ``{kind: version}`` gives entries without ``sha256``. :class:`ConfigError` when the file
    is not such an object."""
    path = models_dir / ACTIVE_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected an object {{kind: {{version, sha256}}}}")
    entries: dict[str, dict[str, str]] = {}
    for kind, value in data.items():
        if isinstance(value, str):
            entries[str(kind)] = {"version": value}
        elif isinstance(value, dict) and isinstance(value.get("version"), str):
            entries[str(kind)] = {k: str(v) for k, v in value.items() if k in ("version", "sha256")}
        else:
            raise ConfigError(f"{path}: entry {kind!r} is not {{version, sha256}}")
    return entries


def active_versions(models_dir: Path) -> dict[str, str]:
    """``{kind: version}`` from ``active.json`` (empty when nothing was activated)."""
    return {kind: entry["version"] for kind, entry in _active_entries(models_dir).items()}


def trusted_sha256(models_dir: Path, version: str) -> str | None:
    """The SHA-256 that ``active.json`` records for ``version`` (None when it names another
    version, or only the version in the older form). This, not the manifest beside the
    artifact, is what a load without a database trusts."""
    for entry in _active_entries(models_dir).values():
        if entry["version"] == version:
            return entry.get("sha256")
    return None


def set_active_on_disk(models_dir: Path, kind: ModelKind | str, version: str) -> None:
    """Record ``version`` and its artifact's SHA-256 (from its verified manifest) as the
    active model of ``kind`` in ``active.json``."""
    manifest = read_manifest(models_dir, version)  # must exist
    active: dict[str, Any] = dict(_active_entries(models_dir))
    active[str(ModelKind(kind))] = {"version": version, "sha256": manifest.artifact_sha256}
    # Write and rename: a reader in another process never sees a half-written (empty) file.
    path = models_dir / ACTIVE_FILE
    temporary = path.with_name(f".{ACTIVE_FILE}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(active, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def verify_artifact(
    models_dir: Path, manifest: ModelManifest, expected_sha256: str | None = None
) -> None:
    """Raise :class:`ModelArtifactError` (exit 2) unless the artifact exists and its bytes
    match the manifest, ``expected_sha256`` (the database's record) and the SHA-256 that
    ``active.json`` records for this version; :class:`IntegrityError` for another
    scikit-learn version."""
    artifact = models_dir / manifest.artifact
    if not artifact.is_file():
        raise ModelArtifactError(
            f"model artifact {artifact} of {manifest.version} is missing; refusing to score "
            "with anything else: restore it (the repository's models/) or activate another "
            "model with `duediligence model activate`"
        )
    actual = sha256_file(artifact)
    trusted = trusted_sha256(models_dir, manifest.version)
    for expected in {manifest.artifact_sha256, expected_sha256, trusted} - {None}:
        if actual != expected:
            raise ModelArtifactError(
                f"model artifact {artifact} was changed: SHA-256 {actual[:12]}… "
                f"does not match the recorded {str(expected)[:12]}…; refusing to load it"
            )
    from sklearn import __version__ as sklearn_version

    major_minor = ".".join(sklearn_version.split(".")[:2])
    if ".".join(manifest.sklearn_version.split(".")[:2]) != major_minor:
        raise ModelArtifactError(
            f"model {manifest.version} was trained with scikit-learn {manifest.sklearn_version}, "
            f"this is {sklearn_version}: retrain it "
            f"(`duediligence model train {manifest.kind}`)"
        )


# Deserialised models by (version, SHA-256 of the bytes they came from), whatever folder held
# the file: the same verified bytes deserialise to the same model.
_LOADED: dict[tuple[str, str], LoadedModel] = {}


def load_model(models_dir: Path, version: str, expected_sha256: str | None = None) -> LoadedModel:
    """Verify then deserialise a model. Nothing is deserialised before the hash matches.

    The file is verified on every call; deserialising is skipped when this process already
    loaded exactly these bytes (same version and SHA-256, from this folder or a copy of it),
    which keeps per-client scoring fast (the signals model takes 3–7 s to deserialise)."""
    manifest = read_manifest(models_dir, version)
    verify_artifact(models_dir, manifest, expected_sha256)
    key = (version, manifest.artifact_sha256)
    cached = _LOADED.get(key)
    if cached is not None:
        return LoadedModel(manifest=manifest, model=cached.model)
    import skops.io as sio  # 1 s to import: only when a model is deserialised

    try:
        model = sio.load(models_dir / manifest.artifact, trusted=manifest.trusted_types)
    except Exception as exc:  # skops raises many types for a file it cannot read
        raise ModelArtifactError(
            f"model artifact {models_dir / manifest.artifact} cannot be loaded: "
            f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        ) from exc
    loaded = LoadedModel(manifest=manifest, model=model)
    _LOADED[key] = loaded
    return loaded


def load_active(
    models_dir: Path, kind: ModelKind | str, *, session: Session | None = None
) -> LoadedModel:
    """Load the active model of ``kind``: from the database's record when a session is given
    (its SHA-256 must match too), else from ``active.json``, whose recorded SHA-256 must
    match (an entry without one is refused: re-activate the model). :class:`ConfigError`
    when ``models_dir`` does not exist, :class:`NotFoundError` when no model is active,
    :class:`ModelArtifactError` (exit 2) when its artifact is missing or changed."""
    kind = ModelKind(kind)
    require_models_dir(models_dir)
    expected: str | None = None
    version: str | None = None
    if session is not None:
        row = session.scalar(
            select(ModelVersion).where(ModelVersion.kind == kind, ModelVersion.active.is_(True))
        )
        if row is not None:
            version, expected = row.version, row.artifact_sha256
    if version is None:
        version = active_versions(models_dir).get(str(kind))
    if version is None:
        raise NotFoundError(
            f"no active {kind} model in {models_dir}: run `duediligence model train {kind}`"
        )
    if not _manifest_path(models_dir, version).is_file():
        raise ModelArtifactError(
            f"the active {kind} model {version} has no manifest in {models_dir}; refusing to "
            "score with anything else: restore it or activate another model"
        )
    if expected is None and trusted_sha256(models_dir, version) is None:
        raise ModelArtifactError(
            f"{models_dir / ACTIVE_FILE} names {version} without the SHA-256 of its artifact, "
            "and no database record vouches for it; refusing to trust the manifest beside the "
            f"file: re-activate it (`duediligence model activate {version}`)"
        )
    return load_model(models_dir, version, expected)


def register_model(
    *, session: Session, models_dir: Path, manifest: ModelManifest, actor: str | None
) -> ModelVersion:
    """Record a saved model in the database (idempotent by version)."""
    row = session.scalar(select(ModelVersion).where(ModelVersion.version == manifest.version))
    if row is not None:
        if row.artifact_sha256 != manifest.artifact_sha256:
            raise IntegrityError(
                f"model {manifest.version} is registered with another SHA-256; refusing"
            )
        return row
    row = ModelVersion(
        kind=ModelKind(manifest.kind),
        version=manifest.version,
        sklearn_version=manifest.sklearn_version,
        features=manifest.features,
        training_data_hash=manifest.training_data_hash,
        metrics=manifest.metrics,
        artifact_path=str(models_dir / manifest.artifact),
        artifact_sha256=manifest.artifact_sha256,
        active=False,
    )
    session.add(row)
    session.flush()
    record_event(
        session=session,
        actor=actor,
        action="model.registered",
        object_type="model_version",
        object_id=manifest.version,
        after={"kind": manifest.kind, "sha256": manifest.artifact_sha256},
    )
    return row


def activate_model(
    *, session: Session, models_dir: Path, version: str, actor: str | None
) -> ModelVersion:
    """Make ``version`` the active model of its kind, in the database and in ``active.json``."""
    manifest = read_manifest(models_dir, version)
    verify_artifact(models_dir, manifest)
    row = register_model(session=session, models_dir=models_dir, manifest=manifest, actor=actor)
    previous = session.scalar(
        select(ModelVersion.version).where(
            ModelVersion.kind == row.kind, ModelVersion.active.is_(True)
        )
    )
    if previous == version:
        set_active_on_disk(models_dir, row.kind, version)
        return row
    session.execute(update(ModelVersion).where(ModelVersion.kind == row.kind).values(active=False))
    row.active = True
    row.activated_at = utcnow()
    session.flush()
    set_active_on_disk(models_dir, row.kind, version)
    record_event(
        session=session,
        actor=actor,
        action="model.activated",
        object_type="model_version",
        object_id=version,
        before={"active": previous},
        after={"active": version, "kind": str(row.kind)},
    )
    return row


def sync_active_from_disk(*, session: Session, models_dir: Path, actor: str | None) -> list[str]:
    """Register and activate in the database the versions ``active.json`` names (used by
    ``init``/``demo`` so a fresh database adopts the shipped models). Returns activated versions."""
    done = []
    for version in active_versions(models_dir).values():
        activate_model(session=session, models_dir=models_dir, version=version, actor=actor)
        done.append(version)
    return done
