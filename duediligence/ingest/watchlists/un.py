"""The UN Security Council consolidated list (XML): individuals and entities."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from duediligence.errors import InputError
from duediligence.files import require_file
from duediligence.ingest.hostile import PROLOG_MAX, refuse_xml_declarations
from duediligence.ingest.watchlists.common import (
    Parsed,
    ParsedEntity,
    Skipped,
    country_code,
    iso_day,
)

NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")


def _text(el: ET.Element | None, tag: str) -> str:
    if el is None:
        return ""
    child = el.find(tag)
    return " ".join((child.text or "").split()) if child is not None and child.text else ""


def _values(el: ET.Element, tag: str) -> list[str]:
    return [
        " ".join(v.text.split())
        for node in el.findall(tag)
        for v in node.findall("VALUE")
        if v.text and v.text.strip()
    ]


def _aliases(el: ET.Element, tag: str) -> tuple[list[str], list[str], list[dict[str, str]]]:
    """(good aliases, low-quality aliases, raw): the UN marks weak aliases ``QUALITY`` Low."""
    names: list[str] = []
    weak: list[str] = []
    raw: list[dict[str, str]] = []
    for alias in el.findall(tag):
        name = _text(alias, "ALIAS_NAME")
        if name:
            quality = _text(alias, "QUALITY")
            (weak if quality.strip().lower() == "low" else names).append(name)
            raw.append({"name": name, "quality": quality})
    return names, weak, raw


def _birth_dates(el: ET.Element) -> list[str]:
    out = []
    for dob in el.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        exact = _text(dob, "DATE")
        if exact:
            out.append(exact[:10])
        elif _text(dob, "YEAR"):
            out.append(_text(dob, "YEAR"))
        else:
            start, end = _text(dob, "FROM_YEAR"), _text(dob, "TO_YEAR")
            if start and end and start.isdigit() and end.isdigit():
                out.extend(str(y) for y in range(int(start), int(end) + 1))
    return out


def _individual(el: ET.Element) -> ParsedEntity:
    name = " ".join(p for p in (_text(el, t) for t in NAME_PARTS) if p)
    aliases, weak, alias_raw = _aliases(el, "INDIVIDUAL_ALIAS")
    original = _text(el, "NAME_ORIGINAL_SCRIPT")
    countries = [country_code(n) for n in _values(el, "NATIONALITY")]
    countries += [country_code(_text(a, "COUNTRY")) for a in el.findall("INDIVIDUAL_ADDRESS")]
    documents = [
        {"type": _text(d, "TYPE_OF_DOCUMENT"), "number": _text(d, "NUMBER")}
        for d in el.findall("INDIVIDUAL_DOCUMENT")
        if _text(d, "NUMBER")
    ]
    return ParsedEntity(
        source_id=_text(el, "DATAID"),
        schema="Person",
        name=name,
        names=[*aliases, *([original] if original else [])],
        weak_names=weak,
        countries=[c for c in countries if c],
        identifiers=[d["number"] for d in documents],
        birth_dates=_birth_dates(el),
        programs=[_text(el, "UN_LIST_TYPE")],
        listed_on=iso_day(_text(el, "LISTED_ON")),
        listed_on_source="UN LISTED_ON",
        raw={
            "dataid": _text(el, "DATAID"),
            "reference_number": _text(el, "REFERENCE_NUMBER"),
            "name_parts": [_text(el, t) for t in NAME_PARTS],
            "name_original_script": original,
            "listed_on": _text(el, "LISTED_ON"),
            "designation": _values(el, "DESIGNATION"),
            "nationality": _values(el, "NATIONALITY"),
            "aliases": alias_raw,
            "documents": documents,
            "comments": _text(el, "COMMENTS1"),
        },
    ).finish()


def _entity(el: ET.Element) -> ParsedEntity:
    name = _text(el, "FIRST_NAME")
    aliases, weak, alias_raw = _aliases(el, "ENTITY_ALIAS")
    countries = [country_code(_text(a, "COUNTRY")) for a in el.findall("ENTITY_ADDRESS")]
    return ParsedEntity(
        source_id=_text(el, "DATAID"),
        schema="Organization",
        name=name,
        names=aliases,
        weak_names=weak,
        countries=[c for c in countries if c],
        programs=[_text(el, "UN_LIST_TYPE")],
        listed_on=iso_day(_text(el, "LISTED_ON")),
        listed_on_source="UN LISTED_ON",
        raw={
            "dataid": _text(el, "DATAID"),
            "reference_number": _text(el, "REFERENCE_NUMBER"),
            "listed_on": _text(el, "LISTED_ON"),
            "aliases": alias_raw,
            "comments": _text(el, "COMMENTS1"),
        },
    ).finish()


def _refuse_declarations(path: Path) -> None:
    """No DOCTYPE or ENTITY declaration before the root element (see ``ingest.hostile``)."""
    with path.open("rb") as handle:
        refuse_xml_declarations(handle.read(PROLOG_MAX), str(path))


def published_on(path: Path) -> tuple[str, str] | None:
    """The list's own publication date: the root element's ``dateGenerated`` (ISO day, and the
    field that said it), or None when the file does not carry one. :class:`InputError` for a
    file that declares a document type or entities."""
    _refuse_declarations(path)
    try:
        for _event, el in ET.iterparse(path, events=("start",)):  # noqa: S314
            day = iso_day(el.get("dateGenerated"))
            return (day, "UN dateGenerated") if day else None
    except ET.ParseError:
        return None
    return None


def parse(path: Path) -> Iterator[Parsed]:
    """Parse the consolidated XML, streaming element by element; an entry without a name is
    yielded as :class:`Skipped`. ``raw["listed_on"]`` keeps ``LISTED_ON`` as written (an XML
    Schema date, often with an offset: ``2015-04-07-04:00``)."""
    require_file(path)
    _refuse_declarations(path)
    try:
        for _event, el in ET.iterparse(path, events=("end",)):  # noqa: S314
            if el.tag in ("INDIVIDUAL", "ENTITY"):
                entity = _individual(el) if el.tag == "INDIVIDUAL" else _entity(el)
                yield entity if entity.name else Skipped("entry without a name")
                el.clear()
    except ET.ParseError as exc:
        raise InputError(f"{path}: not a valid UN consolidated list XML: {exc}") from None
