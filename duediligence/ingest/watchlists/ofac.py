"""OFAC's legacy CSV layout: sdn.csv, alt.csv (aliases), add.csv (addresses), sdn_comments.csv.

The files have no header; ``-0-`` marks an empty cell; a trailing Ctrl-Z ends the file.
Remarks carry structured facts (``DOB 12 Jan 1960; nationality Iran; Passport A123 (Iran)``)
that we parse into birth dates, countries and identifiers.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from duediligence.errors import InputError
from duediligence.ingest.watchlists.common import (
    Parsed,
    ParsedEntity,
    Skipped,
    country_code,
    parse_loose_date,
)

SCHEMAS = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane", "": "Organization"}
FILES = ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")

_ID_PATTERNS = [
    r"Passport ([A-Z0-9][A-Z0-9\-/]{3,})",
    r"National ID No\. ([A-Z0-9][A-Z0-9\-/]{3,})",
    r"Cedula No\. ([A-Z0-9][A-Z0-9\-/]{3,})",
    r"Tax ID No\. ([A-Z0-9][A-Z0-9\-/]{3,})",
    r"RFC ([A-Z0-9][A-Z0-9\-/]{3,})",
    r"NIT # ([A-Z0-9][A-Z0-9\-/]{3,})",
    r"Registration (?:ID|Number) ([A-Z0-9][A-Z0-9\-/]{3,})",
    r"Identification Number ([A-Z0-9][A-Z0-9\-/]{3,})",
    r"Vessel Registration Identification IMO ([0-9]{7})",
    r"IMO ([0-9]{7})",
    r"SWIFT/BIC ([A-Z0-9]{8,11})",
]
_ID_RE = re.compile("|".join(f"(?:{p})" for p in _ID_PATTERNS))
_DOB_RE = re.compile(r"DOB ([^;]+)")
_NAT_RE = re.compile(r"(?:nationality|citizen|Citizen) ([A-Za-z ,'\-]+?)(?:;|\.|$)")
# One remark is one ';'-separated part: "a.k.a. 'SA'ID, Abu'." keeps its inner apostrophes
# (the last apostrophe of the part closes the alias) and the remarks' final '.'.
_AKA_RE = re.compile(r"^a\.k\.a\.\s+'(.+)'\s*\.?$")
_CIRCA_RE = re.compile(r"^(?:circa|approximately|approx\.|about|c\.)\s+", re.IGNORECASE)
_YEAR_RANGE_RE = re.compile(r"^(\d{4})\s*(?:-|to)\s*(\d{4})$")
MAX_YEAR_RANGE = 20  # a birth-year range wider than this is not a birth date we can use


def source_files(path: Path) -> dict[str, Path]:
    """The four files from a folder or from the path of ``sdn.csv``; sdn.csv is required."""
    folder = path if path.is_dir() else path.parent
    files = {name: folder / name for name in FILES if (folder / name).is_file()}
    if "sdn.csv" not in files:
        raise InputError(f"{path}: no sdn.csv found (give the folder or the sdn.csv file)")
    return files


# Columns per file (OFAC's legacy layout) and the longest cell accepted. OFAC's own cells stay
# far below (names under 400 characters, remarks cut at 1,000, comments a few thousand).
COLUMNS = {"sdn.csv": 12, "alt.csv": 5, "add.csv": 6, "sdn_comments.csv": 2}
MAX_NAME_CHARS = 1_000
MAX_CELL_CHARS = 20_000
_NAME_COLUMNS = {"sdn.csv": 1, "alt.csv": 3}


def _rows(path: Path) -> Iterator[list[str]]:
    """The cells of every row (``-0-`` read as empty), after checking the file: no NUL byte,
    the file's number of columns, no overlong cell. :class:`InputError` naming the file and
    line otherwise; blank lines and the trailing Ctrl-Z end marker are passed over."""
    data = path.read_bytes()
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise InputError(f"{path}, line {line}: NUL byte (a binary or corrupted file)")
    expected = COLUMNS.get(path.name)
    name_column = _NAME_COLUMNS.get(path.name)
    text = data.decode("utf-8-sig", errors="replace")
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARS * 10))
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    try:
        for row in reader:
            if not row or row == ["\x1a"] or (len(row) == 1 and not row[0].strip("\x1a \r\n")):
                line = reader.line_num + 1
                continue
            if expected is not None and len(row) != expected:
                raise InputError(
                    f"{path}, line {line}: {len(row)} column(s), OFAC's {path.name} has "
                    f"{expected}; is this the right file?"
                )
            for i, cell in enumerate(row):
                limit = MAX_NAME_CHARS if i == name_column else MAX_CELL_CHARS
                if len(cell) > limit:
                    raise InputError(
                        f"{path}, line {line}: column {i + 1} is {len(cell):,} characters "
                        f"long (at most {limit:,})"
                    )
            yield [("" if c.strip() == "-0-" else c.strip()) for c in row]
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"{path}, line {line}: unreadable CSV ({exc})") from None


def weak_aliases(remarks: str) -> list[str]:
    """The weak a.k.a.s of OFAC remarks: ``a.k.a. 'NAME'`` parts, inner apostrophes kept
    ("a.k.a. 'ABU-'UMAR'." -> ``ABU-'UMAR``), a name quoted twice unquoted once."""
    out = []
    for part in remarks.split(";"):
        match = _AKA_RE.match(part.strip())
        if match:
            name = match.group(1).strip()
            if len(name) > 2 and name[0] == name[-1] == "'":
                name = name[1:-1].strip()
            if name:
                out.append(name)
    return out


def birth_date_texts(remarks: str) -> list[str]:
    """The text of every ``DOB`` and ``alt. DOB`` remark (without the final '.')."""
    return [m.strip().rstrip(".").strip() for m in _DOB_RE.findall(remarks)]


def _dates(remarks: str) -> list[str]:
    """Birth dates of OFAC remarks as ISO days, months or years: ``DOB 12 Jan 1960``,
    ``alt. DOB 1961``, ``DOB circa 1979``, ``DOB 1984 to 1986`` and ``circa 1979-1982`` (every
    year of the range), ``DOB 01 Jan 1973 to 31 Dec 1973``; a final '.' is ignored."""
    out: list[str] = []
    for text in birth_date_texts(remarks):
        text = _CIRCA_RE.sub("", text).strip()
        years = _YEAR_RANGE_RE.match(text)
        if years:
            first, last = int(years.group(1)), int(years.group(2))
            if 0 <= last - first <= MAX_YEAR_RANGE:
                out.extend(str(y) for y in range(first, last + 1))
            continue
        for part in re.split(r"\s+to\s+|,\s+", text):
            iso = parse_loose_date(_CIRCA_RE.sub("", part.strip().rstrip(".")))
            if iso:
                out.append(iso)
    return out


def parse(path: Path) -> Iterator[Parsed]:
    """Parse the OFAC files into entities (one per sdn.csv row; a row without an entity
    number or a name is yielded as :class:`Skipped`). OFAC's legacy files give no listing
    date: a confirmed match is dated by the snapshot's import."""
    files = source_files(path)
    aliases: dict[str, list[str]] = defaultdict(list)
    alias_rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    if "alt.csv" in files:
        for row in _rows(files["alt.csv"]):
            if len(row) >= 4 and row[3]:
                aliases[row[0]].append(row[3])
                alias_rows[row[0]].append({"type": row[2], "name": row[3]})
    addresses: dict[str, list[dict[str, str]]] = defaultdict(list)
    if "add.csv" in files:
        for row in _rows(files["add.csv"]):
            if len(row) >= 5:
                addresses[row[0]].append({"address": row[2], "city": row[3], "country": row[4]})
    comments: dict[str, str] = {}
    if "sdn_comments.csv" in files:
        for row in _rows(files["sdn_comments.csv"]):
            if len(row) >= 2:
                comments[row[0]] = row[1]
    for row in _rows(files["sdn.csv"]):
        if len(row) < 12:
            row = row + [""] * (12 - len(row))
        ent_num, name, sdn_type, program = row[0], row[1], row[2].lower(), row[3]
        if not ent_num or not name:
            yield Skipped("entry without a number or a name")
            continue
        remarks = " ".join(filter(None, [row[11], comments.get(ent_num, "")]))
        countries = [country_code(a["country"]) for a in addresses[ent_num]]
        countries += [country_code(n) for n in _NAT_RE.findall(remarks)]
        if sdn_type == "vessel" and row[9]:
            countries.append(country_code(row[9]))
        identifiers = [next(g for g in m if g) for m in _ID_RE.findall(remarks)]
        if row[5]:
            identifiers.append(row[5])  # call sign
        birth_dates = _dates(remarks)
        entity = ParsedEntity(
            source_id=ent_num,
            schema=SCHEMAS.get(sdn_type, "LegalEntity"),
            name=name,
            names=aliases[ent_num],
            weak_names=weak_aliases(remarks),
            countries=[c for c in countries if c],
            identifiers=identifiers,
            birth_dates=birth_dates,
            unread_birth_dates=[] if birth_dates else birth_date_texts(remarks),
            programs=[p.strip("[] ") for p in program.split("] [") if p.strip("[] ")],
            raw={
                "ent_num": ent_num,
                "name": name,
                "type": sdn_type or "entity",
                "program": program,
                "title": row[4],
                "call_sign": row[5],
                "vessel_type": row[6],
                "vessel_flag": row[9],
                "vessel_owner": row[10],
                "remarks": remarks,
                "aliases": alias_rows[ent_num],
                "addresses": addresses[ent_num],
            },
        )
        yield entity.finish()
