"""One typed settings object, read from the environment (prefix ``DD_``).

A malformed value fails at start with a one-line message naming the variable.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from duediligence.errors import ConfigError


class Settings(BaseSettings):
    """Runtime configuration. Every field maps to an environment variable ``DD_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="DD_", extra="ignore", frozen=True)

    database_url: str = "sqlite:///duediligence.db"
    models_dir: Path = Path("models")
    reports_dir: Path = Path("reports")
    user: str | None = None
    # The acting user's API token (DD_TOKEN): authenticates CLI commands once users exist.
    token: SecretStr | None = None
    # DD_ALLOW_UNAUTHENTICATED_CLI=1: single-user set-ups may act as DD_USER / --as without a
    # credential; every event is then recorded as "unauthenticated". Never covers four-eyes.
    allow_unauthenticated_cli: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "WARNING"
    log_json: bool = False
    tiers_file: Path | None = None
    # The installation's signing key (outside the database): signs reports and audit checkpoints.
    keys_dir: Path = Path("keys")
    # Append-only file of signed audit checkpoints (keep it on other storage than the database).
    checkpoint_file: Path = Path("audit-checkpoints.jsonl")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        scheme = value.split(":", 1)[0]
        if not value or "://" not in value or not scheme.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        if scheme == "postgresql" or scheme == "postgres":
            # psycopg 3 is the driver we ship; a bare postgresql:// would ask for psycopg2.
            value = "postgresql+psycopg" + value[len(scheme) :]
        return value


def load_settings() -> Settings:
    """Read settings from the environment, raising :class:`ConfigError` on a bad value."""
    try:
        return Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "DD_" + str(err["loc"][0]).upper() if err["loc"] else "DD_*"
        raise ConfigError(f"{name}: {err['msg']}") from None


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings (cached; call ``get_settings.cache_clear()`` in tests)."""
    return load_settings()
