"""Controlled vocabularies shared by input validation and scoring (bottom layer: data only).

The industry vocabulary is ``data/industries.csv`` (each industry with its risk weight in [0, 1]
and why); ``data/industry_synonyms.csv`` maps other common names onto it, each with the reason.
An industry outside both is refused at the boundary, so a typo or an unmapped name never scores
silently with a made-up weight.

``data/country_codes.csv`` is what ``countrynames`` answers for two-letter texts, so validating an
ISO code does not load its index of names (see :func:`two_letter_countries`).
"""

from __future__ import annotations

import csv
import functools
from importlib import resources


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("duediligence").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@functools.cache
def industry_risks() -> dict[str, float]:
    """``{industry: risk in [0, 1]}`` of the vocabulary."""
    return {r["industry"]: float(r["risk"]) for r in _rows("industries.csv")}


def known_industries() -> tuple[str, ...]:
    """The industry vocabulary, sorted."""
    return tuple(sorted(industry_risks()))


@functools.cache
def industry_synonyms() -> dict[str, str]:
    """``{other name: industry}`` (keys lower case, words joined by ``_``)."""
    return {
        "_".join(r["synonym"].strip().lower().replace("-", " ").split()): r["industry"].strip()
        for r in _rows("industry_synonyms.csv")
    }


def normalise_industry(value: str | None) -> str | None:
    """The vocabulary's name for an industry given by name or by a documented synonym.

    Case, spaces and hyphens do not matter (``Online Classifieds`` is ``online_classifieds``).
    Raises ``ValueError`` listing the known industries when it is neither; blank gives None.
    """
    if value is None or not value.strip():
        return None
    key = "_".join(value.strip().lower().replace("-", " ").split())
    if key in industry_risks():
        return key
    synonym = industry_synonyms().get(key)
    if synonym is not None:
        return synonym
    raise ValueError(
        f"unknown industry {value.strip()[:60]!r} (known: {', '.join(known_industries())}; "
        "synonyms such as 'payments' are listed in docs/data-formats.md)"
    )


@functools.cache
def two_letter_countries() -> dict[str, str]:
    """``{two upper-case letters: country code}``: what ``countrynames.to_code`` answers for every
    two-letter text it knows (``data/country_codes.csv``; mostly the ISO 3166 alpha-2 code itself,
    some aliases such as ``UK`` -> ``GB``, a few four-letter codes of former countries). Letters
    it does not know are absent."""
    return {r["text"]: r["code"] for r in _rows("country_codes.csv")}
