"""Typed domain errors.

The library raises these; only the CLI and web layers turn them into messages and exit codes.
Each error carries an ``exit_code`` so the CLI maps them without a lookup table.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class DueDiligenceError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code: int = 1


class ConfigError(DueDiligenceError):
    """A setting is missing or malformed."""

    exit_code = 2


class InputError(DueDiligenceError):
    """The user gave us something we cannot use (bad file, bad argument)."""

    exit_code = 2


@dataclass(frozen=True)
class RowProblem:
    """One rejected input row: where it is and what is wrong with it."""

    source: str
    location: str  # "line 12" or "index 3"
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}, {self.location}, field {self.field!r}: {self.reason}"


@dataclass
class ValidationFailed(InputError):
    """One or more input rows failed validation; nothing was written."""

    problems: list[RowProblem] = field(default_factory=list)
    rejects_path: str | None = None

    def __str__(self) -> str:
        first = self.problems[0] if self.problems else None
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        where = f"; rejects written to {self.rejects_path}" if self.rejects_path else ""
        return f"{len(self.problems)} invalid row(s), nothing written: {first}{more}{where}"


class NotFoundError(DueDiligenceError):
    """A named object (client, decision, model version ...) does not exist."""

    exit_code = 2


class PermissionDenied(DueDiligenceError):
    """The acting user's role does not allow the action."""

    exit_code = 4


class ConflictError(DueDiligenceError):
    """The action conflicts with current state (e.g. another run holds the lease)."""

    exit_code = 1


class StaleStateError(ConflictError):
    """The object is no longer in the state the action needs: typically a race lost to a
    colleague (a decision another reviewer confirmed first). Exit 2, like the other refusals
    of a request that cannot be carried out as given."""

    exit_code = 2


class IntegrityError(DueDiligenceError):
    """Stored data or an artifact failed an integrity check (hash mismatch)."""

    exit_code = 1


class ModelArtifactError(IntegrityError):
    """The artifact of a model that must be used is missing, changed or unreadable.

    Exit 2 like a configuration error: scoring never falls back to other weights."""

    exit_code = 2


class DatabaseError(DueDiligenceError):
    """The database is unreachable or not initialised."""

    exit_code = 1


class AuthenticationFailed(PermissionDenied):
    """The acting user could not be authenticated: no credential where one is needed, a wrong
    password, an unknown or revoked token, or a token of another user. Exit 4, like every other
    refusal of who is acting."""

    exit_code = 4
