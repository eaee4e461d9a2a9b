"""OFAC's legacy CSV layout: sdn.csv, alt.csv (aliases), add.csv (addresses), sdn_comments.csv.

The files have no header; ``-0-`` marks an empty cell; a trailing Ctrl-Z ends the file.
Remarks carry structured facts (``DOB 12 Jan 1960; nationality Iran; Passport A123 (Iran)``)
that we parse into birth dates, countries and identifiers.
"""

from __future__ import annotations

import csv
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
_AKA_RE = re.compile(r"a\.k\.a\. '([^']+)'")


def source_files(path: Path) -> dict[str, Path]:
    """The four files from a folder or from the path of ``sdn.csv``; sdn.csv is required."""
    folder = path if path.is_dir() else path.parent
    files = {name: folder / name for name in FILES if (folder / name).is_file()}
    if "sdn.csv" not in files:
        raise InputError(f"{path}: no sdn.csv found (give the folder or the sdn.csv file)")
    return files


def _rows(path: Path) -> Iterator[list[str]]:
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) <= 1:  # the Ctrl-Z end marker or a blank line
                continue
            yield [("" if c.strip() == "-0-" else c.strip()) for c in row]


def _dates(remarks: str) -> list[str]:
    out = []
    for match in _DOB_RE.findall(remarks):
        for part in re.split(r" to |, ", match):
            iso = parse_loose_date(part)
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
        entity = ParsedEntity(
            source_id=ent_num,
            schema=SCHEMAS.get(sdn_type, "LegalEntity"),
            name=name,
            names=aliases[ent_num] + _AKA_RE.findall(remarks),
            countries=[c for c in countries if c],
            identifiers=identifiers,
            birth_dates=_dates(remarks),
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
