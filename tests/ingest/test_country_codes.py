"""The two-letter country table answers exactly what countrynames answers."""

from __future__ import annotations

import itertools
import string

import countrynames
import pytest

from duediligence.ingest.schemas import normalise_country
from duediligence.vocabulary import two_letter_countries


def test_the_table_is_countrynames_answer_for_every_two_letter_text() -> None:
    expected = {}
    for a, b in itertools.product(string.ascii_uppercase, repeat=2):
        code = countrynames.to_code(a + b)
        if code is not None:
            expected[a + b] = code
    assert two_letter_countries() == expected


@pytest.mark.parametrize("text", ["gb", "Uk", "US", "de", "EN", "ZZ", "SU", "Narnia", "Germany"])
def test_normalise_country_agrees_with_countrynames(text: str) -> None:
    code = countrynames.to_code(text)
    if code is None or len(code) != 2:
        with pytest.raises(ValueError, match="unknown country"):
            normalise_country(text)
    else:
        assert normalise_country(text) == code.upper()
