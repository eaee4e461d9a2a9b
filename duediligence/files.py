"""Input files: one check, and one message, for a path that is not a readable regular file."""

from __future__ import annotations

import stat
from pathlib import Path

from duediligence.errors import InputError


def not_a_file_reason(path: Path) -> str | None:
    """Why ``path`` cannot be read as an input file (``None`` when it can): it does not
    exist, is a directory, or is a FIFO, socket or device (reading one would block or never
    end)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:
        return exc.strerror or "cannot be read"
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a regular file"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a socket or device)"
    return None


def require_file(path: Path, shown: str | None = None) -> Path:
    """``path`` if it is a regular file, else :class:`InputError` ``"<path>: <why>"``."""
    reason = not_a_file_reason(path)
    if reason:
        raise InputError(f"{shown or path}: {reason}")
    return path
