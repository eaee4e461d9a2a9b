"""The installation's Ed25519 signing key: create, load, rotate, fingerprint, sign and verify.

One key signs every rendered report and every audit checkpoint. It lives in a folder outside the
database (``DD_KEYS_DIR``, default ``keys/``)::

    keys/signing-key.pem        the private key, PKCS#8 PEM, mode 0600 (refused if looser)
    keys/signing-key.json       its name (who signs), fingerprint and creation time
    keys/public/<fpr16>.pem     the public key of every key this installation has used, so
                                reports and checkpoints signed before a rotation still verify

A key's fingerprint is the hex SHA-256 of its 32 raw public-key bytes (RFC 8032 encoding); it
names the key in signatures and is printed for people to compare (the first 16 hex digits are
shown in short form). Ed25519 signatures are deterministic (RFC 8032, section 5.1.6): the same
key signing the same bytes gives the same signature, which keeps re-rendered reports
byte-identical. Cryptography is the ``cryptography`` library's; nothing here is hand-rolled.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import socket
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from duediligence.errors import ConfigError, ConflictError, InputError, NotFoundError

log = logging.getLogger(__name__)

PRIVATE_KEY_FILE = "signing-key.pem"
INFO_FILE = "signing-key.json"
PUBLIC_DIR = "public"
ALGORITHM = "ed25519"


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """Hex SHA-256 (64 characters) of the key's raw 32-byte public encoding."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_pem(public_key: Ed25519PublicKey) -> str:
    """The public key as SubjectPublicKeyInfo PEM text (what ``keys show`` exports)."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_key(pem: bytes | str | Path) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM text/bytes or a PEM file.

    Raises :class:`InputError` when the file is missing or holds no Ed25519 public key.
    """
    if isinstance(pem, Path):
        if not pem.is_file():
            raise InputError(f"{pem}: no such public key file")
        data = pem.read_bytes()
        where = str(pem)
    else:
        data = pem.encode("ascii") if isinstance(pem, str) else pem
        where = "public key"
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise InputError(f"{where}: not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError(f"{where}: not an Ed25519 public key")
    return key


def verify_signature(public_key: Ed25519PublicKey, data: bytes, signature: str) -> bool:
    """Whether ``signature`` (base64) is ``public_key``'s Ed25519 signature of ``data``."""
    try:
        public_key.verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


@dataclass(frozen=True)
class KeyInfo:
    """A key as ``keys show`` prints it: who it signs for, its fingerprint, its public PEM."""

    name: str
    fingerprint: str
    created_at: str
    public_pem: str
    path: Path

    @property
    def short(self) -> str:
        """The first 16 hex digits of the fingerprint."""
        return self.fingerprint[:16]


class Signer:
    """Signs bytes with the installation key; ``name`` and ``fingerprint`` say who signed."""

    def __init__(self, private_key: Ed25519PrivateKey, name: str) -> None:
        self._key = private_key
        self.name = name
        self.public_key = private_key.public_key()
        self.fingerprint = fingerprint(self.public_key)

    @classmethod
    def generate(cls, name: str) -> Signer:
        """A signer with a fresh key (tests and key creation)."""
        return cls(Ed25519PrivateKey.generate(), name)

    def sign(self, data: bytes) -> str:
        """The base64 Ed25519 signature of ``data`` (deterministic, RFC 8032)."""
        return base64.b64encode(self._key.sign(data)).decode("ascii")

    def private_pem(self) -> bytes:
        """The private key as unencrypted PKCS#8 PEM (written only with mode 0600)."""
        return self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def default_name() -> str:
    """The signer name used when ``keys init`` is given none: ``duediligence@<host name>``."""
    return f"duediligence@{socket.gethostname()}"


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` with mode 0600 from the start (never readable by others, even briefly)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)


def _save(keys_dir: Path, signer: Signer) -> KeyInfo:
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    (keys_dir / PUBLIC_DIR).mkdir(exist_ok=True)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    _write_private(keys_dir / PRIVATE_KEY_FILE, signer.private_pem())
    pem = public_pem(signer.public_key)
    (keys_dir / PUBLIC_DIR / f"{signer.fingerprint[:16]}.pem").write_text(pem, encoding="ascii")
    info = {
        "algorithm": ALGORITHM,
        "name": signer.name,
        "fingerprint": signer.fingerprint,
        "created_at": created,
    }
    (keys_dir / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return KeyInfo(signer.name, signer.fingerprint, created, pem, keys_dir / PRIVATE_KEY_FILE)


def init_key(keys_dir: Path, *, name: str | None = None) -> KeyInfo:
    """Create the installation's signing key in ``keys_dir``.

    Raises :class:`ConflictError` when a key is already there (use :func:`rotate_key`).
    """
    if (keys_dir / PRIVATE_KEY_FILE).exists():
        raise ConflictError(
            f"{keys_dir / PRIVATE_KEY_FILE} already exists: use 'keys rotate' to replace it"
        )
    info = _save(keys_dir, Signer.generate(name or default_name()))
    log.info("created signing key %s (%s) in %s", info.short, info.name, keys_dir)
    return info


def _check_mode(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(f"{path} is readable by others (mode {mode:04o}): run 'chmod 600 {path}'")


def load_signer(keys_dir: Path) -> Signer:
    """The installation's signer from ``keys_dir``.

    Raises :class:`NotFoundError` when there is no key (run ``keys init``) and
    :class:`ConfigError` when the private key file is readable by group or others, or is not an
    Ed25519 key.
    """
    path = keys_dir / PRIVATE_KEY_FILE
    if not path.is_file():
        raise NotFoundError(f"no signing key in {keys_dir}: run 'duediligence keys init'")
    _check_mode(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as exc:
        raise ConfigError(f"{path}: not a PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{path}: not an Ed25519 private key")
    name = default_name()
    info_path = keys_dir / INFO_FILE
    if info_path.is_file():
        name = str(json.loads(info_path.read_text("utf-8")).get("name") or name)
    return Signer(key, name)


def installation_signer(keys_dir: Path) -> Signer:
    """The installation's signer, creating the key on first use (logged as a warning).

    Every rendered report must be signed, so an installation that never ran ``keys init`` gets
    a key the first time it needs one rather than unsigned reports.
    """
    if not (keys_dir / PRIVATE_KEY_FILE).exists():
        info = init_key(keys_dir)
        log.warning(
            "no signing key was set up: created %s (fingerprint %s); export its public key "
            "with 'duediligence keys show'",
            info.path,
            info.short,
        )
    return load_signer(keys_dir)


def key_info(keys_dir: Path) -> KeyInfo:
    """What ``keys show`` prints for the current key. Same errors as :func:`load_signer`."""
    signer = load_signer(keys_dir)
    created = ""
    info_path = keys_dir / INFO_FILE
    if info_path.is_file():
        created = str(json.loads(info_path.read_text("utf-8")).get("created_at") or "")
    return KeyInfo(
        signer.name,
        signer.fingerprint,
        created,
        public_pem(signer.public_key),
        keys_dir / PRIVATE_KEY_FILE,
    )


def rotate_key(keys_dir: Path, *, name: str | None = None) -> tuple[KeyInfo, KeyInfo]:
    """Replace the signing key by a new one; returns ``(old, new)``.

    The old private key is deleted (a rotated key signs nothing again); its public key stays
    in ``keys/public/`` so reports and checkpoints it signed still verify. Raises
    :class:`NotFoundError` when there is no key to rotate.
    """
    old = key_info(keys_dir)
    (keys_dir / PRIVATE_KEY_FILE).unlink()
    new = _save(keys_dir, Signer.generate(name or old.name))
    log.info("rotated signing key %s -> %s", old.short, new.short)
    return old, new


def public_keys(keys_dir: Path) -> dict[str, Ed25519PublicKey]:
    """``{fingerprint: public key}`` of every key this installation has used (current and
    rotated), read from ``keys/public/``; empty when there is none."""
    keys: dict[str, Ed25519PublicKey] = {}
    folder = keys_dir / PUBLIC_DIR
    if folder.is_dir():
        for path in sorted(folder.glob("*.pem")):
            key = load_public_key(path)
            keys[fingerprint(key)] = key
    return keys
