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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from duediligence.errors import InputError
from duediligence.files import require_file

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


@dataclass
class ReadStats:
    """What a reader passed over without yielding a record, so the caller can report it.

    ``blank_lines``: empty lines (CSV rows whose cells are all blank, blank JSONL lines);
    ``ignored_columns``: CSV columns without a header name that were empty in every row
    (``"column 7"``, 1-based), as Excel writes them after a trailing delimiter."""

    blank_lines: int = 0
    ignored_columns: list[str] = field(default_factory=list)


def delimiter_from_option(value: str | None) -> str:
    """The CSV delimiter from a ``--delimiter`` value: one character, or ``tab`` / ``\\t``.

    Raises :class:`InputError` for anything else."""
    if value is None or value == "":
        return ","
    if value.lower() in ("tab", "\\t", "\t"):
        return "\t"
    if len(value) != 1 or value in ('"', "\n", "\r"):
        raise InputError(f"--delimiter must be one character (or 'tab'), got {value!r}")
    return value


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
    require_file(path)
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


def _check_delimiter(path: Path, header_line: str, delimiter: str) -> None:
    """Refuse a header that is clearly split by another delimiter than the one in use."""
    if delimiter in header_line:
        return
    for other, name in (("\t", "tab"), (";", "`;`")):
        if other != delimiter and other in header_line:
            option = "tab" if other == "\t" else other
            raise InputError(
                f"{path}, line 1: this file looks {name}-separated; export as "
                f"comma-separated UTF-8 CSV, or pass `--delimiter '{option}'`"
            )


def iter_csv(
    path: Path,
    allowed: set[str],
    required: set[str],
    *,
    delimiter: str = ",",
    stats: ReadStats | None = None,
) -> Iterator[tuple[str, Record]]:
    """Rows of a CSV file with a header, as dicts; empty cells are omitted.

    As Excel writes them: columns without a header name are ignored while they are empty (a
    value in one is a row error) and listed in ``stats.ignored_columns``; rows may lack or add
    such trailing empty cells. Blank rows are counted in ``stats.blank_lines``. A header with
    no ``delimiter`` but a ``;`` or a tab is refused with a message naming the delimiter."""
    stats = stats if stats is not None else ReadStats()
    csv.field_size_limit(MAX_FIELD_CHARS + 1)
    with _open_text(path) as handle:
        first_line = handle.readline()
        handle.seek(0)
        _check_delimiter(path, first_line, delimiter)
        reader = csv.reader(handle, strict=True, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{path}: the file is empty") from None
        except csv.Error as exc:
            raise InputError(f"{path}, line 1: unreadable header: {exc}") from None
        names = [h.strip() for h in header]
        if not any(names):
            raise InputError(f"{path}, line 1: the header row is empty")
        named = [n for n in names if n]
        dupes = sorted({n for n in named if named.count(n) > 1})
        if dupes:
            raise InputError(f"{path}, line 1: duplicate column(s) {', '.join(dupes)}")
        unknown = [n for n in named if n not in allowed]
        if unknown:
            raise InputError(
                f"{path}, line 1: unknown column(s) {', '.join(map(repr, unknown))}; "
                f"expected some of: {', '.join(sorted(allowed))}"
            )
        missing = sorted(required - set(named))
        if missing:
            raise InputError(f"{path}, line 1: missing required column(s) {', '.join(missing)}")
        unnamed = {i for i, n in enumerate(names) if not n}
        # Excel may drop the trailing empty cells of a row: it may be as short as its last
        # named column.
        shortest = max(i for i, n in enumerate(names) if n) + 1
        stats.ignored_columns = [f"column {i + 1}" for i in sorted(unnamed)]
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
                stats.blank_lines += 1
                continue
            location = f"line {reader.line_num}"
            extra = row[len(names) :]
            if len(row) < shortest or any(cell.strip() for cell in extra):
                yield (
                    location,
                    RowError(
                        "(row)",
                        f"has {len(row)} fields, the header has {len(names)} "
                        "(truncated line or stray delimiter?)",
                    ),
                )
                continue
            filled = [i for i in unnamed if i < len(row) and row[i].strip()]
            if filled:
                yield (
                    location,
                    RowError(
                        f"(column {filled[0] + 1})",
                        f"a value in column {filled[0] + 1}, which has no name in the header",
                    ),
                )
                continue
            yield (
                location,
                {
                    name: value
                    for name, value in zip(names, row, strict=False)
                    if name and value.strip() != ""
                },
            )


def iter_jsonl(path: Path, stats: ReadStats | None = None) -> Iterator[tuple[str, Record]]:
    """Objects of a JSON Lines file, one per non-blank line (blank ones counted in ``stats``)."""
    with _open_text(path) as handle:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                if stats is not None:
                    stats.blank_lines += 1
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
    path: Path,
    fmt: Format,
    *,
    allowed: set[str],
    required: set[str],
    delimiter: str = ",",
    stats: ReadStats | None = None,
) -> Iterator[tuple[str, Record]]:
    """Stream ``(location, record)`` pairs from ``path``; unknown fields are row errors in JSON.

    ``delimiter`` applies to CSV only; what the reader passed over goes into ``stats``."""
    _check_text_file(path)
    if fmt == "csv":
        yield from iter_csv(path, allowed, required, delimiter=delimiter, stats=stats)
        return
    inner = iter_json(path) if fmt == "json" else iter_jsonl(path, stats)
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
