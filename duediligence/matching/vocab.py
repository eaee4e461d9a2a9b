"""Our own knowledge of names, kept as data files in ``duediligence/matching/data``.

rigour knows legal forms, stop words and transliteration; these files add what it lacks:

- ``numbers.csv``: number words and ordinals (English, Spanish, French, German, Russian in
  Latin letters) with their value;
- ``abbreviations.csv``: abbreviated company words and the word they stand for; ``needs``
  lists words of which one must also be in the name (Turkish "SAN." is "Sanayi" only beside
  "VE", "TIC." ...; otherwise "San" is a saint);
- ``short_forms.csv``: common short forms of given names (Bill = William);
- ``particles.csv``: name particles: dropped ones (van, der, von ...) and equivalent ones
  (bin = ibn, al = el);
- ``obfuscation.csv``: digits written for letters (0 = o, 1 = i, 3 = e ...);
- ``korean_surnames.csv``: the usual Latin spellings of Korean family names (이 = Lee);
- ``khmer.csv``: the Latin letters of Khmer consonants and independent vowels;
- ``thai.csv``, ``arabic.csv``, ``korean_cyrillic.csv``: letters of Thai (RTGS), of the
  Arabic script (consonant classes) and of Korean written in Cyrillic (Kontsevich);
- ``hangul.csv``: the Latin letters of each Hangul initial, vowel and final (jamo), as the
  UN and OFAC lists write Korean names (the DPRK's own romanisation, close to
  McCune-Reischauer without its marks: 최룡해 = Choe Ryong Hae);
- ``family_first_surnames.csv``: Latin spellings of the commonest family names of traditions
  that write the family name first (Chinese: the Ministry of Public Security's 2019 ranking of
  surnames in pinyin; Vietnamese; Korean: Statistics Korea's census spellings; Hungarian: KSH's
  commonest names): in "Liu Tao" the family name is Liu, so "Liu Tao" is not "Tao Liu";
- ``common_surnames.csv``: family names shared by very many people (US Census 2010 top
  surnames, and the commonest ones of China, Korea, Vietnam, India, the Arab world, Brazil,
  Germany, Russia, Italy and France): a news item naming only "Mr Smith" says little about which
  Smith.
"""

from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@functools.cache
def number_words() -> dict[str, int]:
    """Number word or ordinal -> value."""
    return {r["word"]: int(r["value"]) for r in _rows("numbers.csv")}


@functools.cache
def abbreviations() -> dict[str, tuple[str, frozenset[str]]]:
    """Abbreviated company word -> (full word, words one of which the name must contain)."""
    return {
        r["abbreviation"]: (r["full"], frozenset(r["needs"].split()))
        for r in _rows("abbreviations.csv")
    }


@functools.cache
def short_forms() -> dict[str, frozenset[str]]:
    """Given name -> its short forms and full forms (both directions)."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in _rows("short_forms.csv"):
        out[r["short"]].add(r["full"])
        out[r["full"]].add(r["short"])
    return {k: frozenset(v) for k, v in out.items()}


@functools.cache
def dropped_particles() -> frozenset[str]:
    """Particles left out of the comparison when another word follows them (van der Berg)."""
    return frozenset(r["particle"] for r in _rows("particles.csv") if r["drop"] == "yes")


@functools.cache
def particle_groups() -> dict[str, str]:
    """Particle -> its equivalence group (bin, ibn and ben are 'son')."""
    return {r["particle"]: r["group"] for r in _rows("particles.csv") if r["group"]}


@functools.cache
def joined_prefix() -> re.Pattern[str]:
    """Particles written together with the word they precede ("vanderberg", "altikriti")."""
    kept_apart = {"ben", "bint", "binti", "bn", "abn", "bnt"}
    parts = sorted(
        {r["particle"] for r in _rows("particles.csv")} - kept_apart,
        key=len,
        reverse=True,
    )
    alt = "|".join(parts)
    return re.compile(f"^(?:(?:{alt})(?:{alt})?)(?=[a-z]{{4,}}$)")


@functools.cache
def joined_prefix_starts() -> frozenset[str]:
    """The first two letters of the particles of :func:`joined_prefix` (a cheap pre-check)."""
    return frozenset(r["particle"][:2] for r in _rows("particles.csv"))


@functools.cache
def deobfuscation() -> dict[int, str]:
    """``str.translate`` table of digits written for letters."""
    return {ord(r["character"]): r["letter"] for r in _rows("obfuscation.csv")}


@functools.cache
def korean_surnames() -> dict[str, frozenset[str]]:
    """Hangul family-name syllable -> its usual Latin spellings (이 = Lee, Yi, Ri, Rhee)."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in _rows("korean_surnames.csv"):
        out[r["hangul"]].update(r["latin"].split())
    return {k: frozenset(v) for k, v in out.items()}


@functools.cache
def khmer_table() -> dict[str, str]:
    """Khmer consonant or independent vowel -> Latin letters (UNGEGN-like). Dependent vowels
    and signs are left out: a Khmer name is compared by its consonants, like Arabic."""
    return {r["letter"]: r["latin"] for r in _rows("khmer.csv")}


def romanise_khmer(text: str) -> list[str]:
    """The words of a Khmer name in Latin consonants, letters apart ("ហ៊ុន សែន" ->
    ["h'n", "s'n"]: the apostrophes keep "s" + "kh" from reading as "sh")."""
    table = khmer_table()
    words = ["'".join(table[ch] for ch in word if table.get(ch)) for word in text.split()]
    return [w for w in words if w]


@functools.cache
def hangul_table() -> dict[str, list[str]]:
    """Jamo kind (initial, vowel, final) -> Latin letters by jamo index."""
    out: dict[str, list[str]] = defaultdict(list)
    for r in _rows("hangul.csv"):
        out[r["kind"]].append(r["latin"])
    return dict(out)


def romanise_hangul(text: str) -> list[str]:
    """Each Hangul syllable of ``text`` as one Latin word (other characters kept in words).

    A Korean name is a family syllable and one or two given-name syllables; the lists write
    each syllable as a word ("CHOE, Ryong Hae"), so each is compared on its own.
    """
    table = hangul_table()
    words: list[str] = []
    for chunk in text.split():
        for ch in chunk:
            code = ord(ch) - 0xAC00
            if 0 <= code < 11172:
                words.append(
                    table["initial"][code // 588]
                    + table["vowel"][(code % 588) // 28]
                    + table["final"][code % 28]
                )
    return words


@functools.cache
def family_first_surnames() -> dict[str, str]:
    """Family name (lower-case ASCII) -> tradition that writes it first (chinese, korean ...)."""
    return {r["surname"]: r["tradition"] for r in _rows("family_first_surnames.csv")}


@functools.cache
def common_surnames() -> frozenset[str]:
    """Very common family names (lower-case ASCII)."""
    return frozenset(r["surname"] for r in _rows("common_surnames.csv"))


@functools.cache
def thai_table() -> dict[str, str]:
    """Thai consonant -> Latin letters (RTGS initial values; ญ as n)."""
    return {r["letter"]: r["latin"] for r in _rows("thai.csv")}


@functools.cache
def arabic_table() -> dict[str, str]:
    """Letter of the Arabic script -> its consonant class in the Latin skeleton ('' for the
    letters Latin forms write as vowels or leave out: alif, waw, ya, ʿayn, hamza)."""
    return {r["letter"]: r["consonant"] for r in _rows("arabic.csv")}


@functools.cache
def korean_cyrillic_table() -> dict[str, str]:
    """Cyrillic letter or pair in a Korean name -> Latin (Kontsevich system)."""
    return {r["cyrillic"]: r["latin"] for r in _rows("korean_cyrillic.csv")}


@functools.cache
def korean_family_spellings() -> frozenset[str]:
    """Every usual Latin spelling of a Korean family name (Kim, Pak, Park, Ri, Lee ...)."""
    return frozenset(s for spellings in korean_surnames().values() for s in spellings)


@functools.cache
def korean_family_folds() -> frozenset[str]:
    """The Korean family-name spellings folded across romanisations."""
    from duediligence.matching.scripts import korean_fold

    return frozenset(korean_fold(s) for s in korean_family_spellings())


@functools.cache
def korean_family_groups() -> dict[str, frozenset[str]]:
    """Latin spelling of a Korean family name -> the Hangul family names it may stand for."""
    out: dict[str, set[str]] = defaultdict(set)
    for hangul, spellings in korean_surnames().items():
        for s in spellings:
            out[s].add(hangul)
    return {k: frozenset(v) for k, v in out.items()}
