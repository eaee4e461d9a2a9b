"""Stream records out of CSV, JSON and JSON Lines files, with precise locations for errors.

Readers yield ``(location, record)`` pairs where ``location`` is ``"line N"`` (CSV, JSONL) or
``"index N"`` (JSON array) and ``record`` a dict of strings/values, or raise
:class:`~duediligence.errors.InputError` for a problem that makes the whole file unreadable
(wrong encoding, binary junk, missing or bad header). A problem with one row is yielded as a
:class:`RowError` so the caller can report every bad row, not just the first.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from duediligence.errors import InputError

Format = Literal["csv", "json", "jsonl"]
MAX_FIELD_CHARS = 1_000_000
_EXTENSIONS: dict[str, Format] = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


@dataclass(frozen=True)
class RowError:
    """A row that could not even be parsed into fields (e.g. a truncated CSV line)."""

    field: str
    reason: str


Record = dict[str, Any] | RowError


def detect_format(path: Path, fmt: str | None = None) -> Format:
    """The file format from ``fmt`` or the file extension."""
    if fmt:
        if fmt not in ("csv", "json", "jsonl"):
            raise InputError(f"unknown format {fmt!r}: use csv, json or jsonl")
        return fmt  # type: ignore[return-value]
    try:
        return _EXTENSIONS[path.suffix.lower()]
    except KeyError:
        raise InputError(
            f"{path}: cannot tell the format from the extension {path.suffix!r}; "
            "use --format csv|json|jsonl"
        ) from None


def _check_text_file(path: Path) -> None:
    """Refuse files that are missing, empty, binary or not UTF-8, with a clear message."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    with path.open("rb") as handle:
        offset = 0
        line = 1
        while chunk := handle.read(1 << 20):
            if b"\x00" in chunk:
                raise InputError(f"{path}: looks like a binary file (NUL byte), not text")
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad_line = line + chunk[: exc.start].count(b"\n")
                raise InputError(
                    f"{path}, line {bad_line}: not valid UTF-8 (byte offset {offset + exc.start}); "
                    "save the file as UTF-8"
                ) from None
            line += chunk.count(b"\n")
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise InputError(f"{path}: ends in the middle of a UTF-8 character") from None
        if offset == 0:
            raise InputError(f"{path}: the file is empty")


def _open_text(path: Path) -> io.TextIOWrapper:
    return path.open("r", encoding="utf-8-sig", newline="")


def iter_csv(path: Path, allowed: set[str], required: set[str]) -> Iterator[tuple[str, Record]]:
    """Rows of a CSV file with a header, as dicts; empty cells are omitted."""
    csv.field_size_limit(MAX_FIELD_CHARS + 1)
    with _open_text(path) as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{path}: the file is empty") from None
        except csv.Error as exc:
            raise InputError(f"{path}, line 1: unreadable header: {exc}") from None
        names = [h.strip() for h in header]
        if not any(names):
            raise InputError(f"{path}, line 1: the header row is empty")
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise InputError(f"{path}, line 1: duplicate column(s) {', '.join(dupes)}")
        unknown = [n for n in names if n not in allowed]
        if unknown:
            raise InputError(
                f"{path}, line 1: unknown column(s) {', '.join(map(repr, unknown))}; "
                f"expected some of: {', '.join(sorted(allowed))}"
            )
        missing = sorted(required - set(names))
        if missing:
            raise InputError(f"{path}, line 1: missing required column(s) {', '.join(missing)}")
        while True:
            line_no = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield f"line {line_no}", RowError("(row)", f"unreadable CSV: {exc}")
                # The csv module cannot resynchronise after e.g. an unterminated quote.
                return
            if not row or all(not cell.strip() for cell in row):
                continue
            location = f"line {reader.line_num}"
            if len(row) != len(names):
                yield (
                    location,
                    RowError(
                        "(row)",
                        f"has {len(row)} fields, the header has {len(names)} "
                        "(truncated line or stray delimiter?)",
                    ),
                )
                continue
            yield location, {k: v for k, v in zip(names, row, strict=True) if v.strip() != ""}


def iter_jsonl(path: Path) -> Iterator[tuple[str, Record]]:
    """Objects of a JSON Lines file, one per non-blank line."""
    with _open_text(path) as handle:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            location = f"line {n}"
            try:
                value = json.loads(line, object_pairs_hook=_no_duplicate_keys)
            except (ValueError, _DuplicateKey) as exc:
                yield location, RowError("(row)", f"invalid JSON: {exc}")
                continue
            if not isinstance(value, dict):
                yield location, RowError("(row)", f"expected an object, got {type(value).__name__}")
                continue
            yield location, value


def iter_json(path: Path) -> Iterator[tuple[str, Record]]:
    """Objects of a JSON array."""
    with _open_text(path) as handle:
        try:
            value = json.load(handle, object_pairs_hook=_no_duplicate_keys)
        except (ValueError, _DuplicateKey) as exc:
            raise InputError(f"{path}: invalid JSON: {exc}") from None
    if not isinstance(value, list):
        raise InputError(f"{path}: expected a JSON array of objects, got {type(value).__name__}")
    if not value:
        raise InputError(f"{path}: the array is empty")
    for n, item in enumerate(value):
        location = f"index {n}"
        if not isinstance(item, dict):
            yield location, RowError("(row)", f"expected an object, got {type(item).__name__}")
        else:
            yield location, item


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"duplicate key {key!r}")
        result[key] = value
    return result


def iter_records(
    path: Path, fmt: Format, *, allowed: set[str], required: set[str]
) -> Iterator[tuple[str, Record]]:
    """Stream ``(location, record)`` pairs from ``path``; unknown fields are row errors in JSON."""
    _check_text_file(path)
    if fmt == "csv":
        yield from iter_csv(path, allowed, required)
        return
    inner = iter_json(path) if fmt == "json" else iter_jsonl(path)
    seen_any = False
    for location, record in inner:
        seen_any = True
        if isinstance(record, dict):
            unknown = sorted(set(record) - allowed)
            if unknown:
                yield location, RowError(unknown[0], "unknown field")
                continue
        yield location, record
    if not seen_any:
        raise InputError(f"{path}: no records")
