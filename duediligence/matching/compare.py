"""Compare two names and explain the verdict.

``rigour`` prepares each name once (prefix stripping, legal-form recognition, stop words,
transliteration, phonetic keys); ``rapidfuzz`` scores token pairs. The score is the average of
how much of each name the other one explains, with weights that reflect what matters to a
screener:

- legal forms (Ltd = Limited = LLC, "Co., Ltd.", "S.A. de C.V.", ООО ..., as rigour's org-type
  database knows them) and stop words carry no weight: they neither make nor break a match;
- generic company words (Company, Group, Holding, Trading, International ...) weigh little;
- numbers must agree: "11420 CORP" is not "BELLETECH CORP" and "Unit 7" is not "Unit 8";
- tokens match regardless of order and commas ("SALEK, ABDULHAI" = "ABDULHAI SALEK"), through
  typos and doubled letters (edit similarity), transliteration variants (same phonetic key:
  Mohammed/Muhammad) and other scripts (compared in Latin transliteration);
- words written together on one side and apart on the other match ("HADDAD-ADEL" /
  "HADDADADEL", "Abd al Rahman" / "Abdul Rahman");
- a person's initial matches a given name with that letter; a missing middle name or
  patronymic costs little, but a word on each side that the other lacks is a conflict and
  costs more (brothers share every name but the first);
- a person's name is not a company: when only one side carries a legal form and the other is a
  person's name, the pair is penalised ("EMMA LLC" vs "emma daniels");
- one-word names must be explained in full on both sides, so a short name does not match every
  longer name that contains it, and persons sharing only a surname are different people.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import OSA
from rigour.names import (
    NamePart,
    NamePartTag,
    NameTypeTag,
    analyze_names,
    remove_person_prefixes,
)
from rigour.names.org_types import extract_org_types
from rigour.text import ascii_text, metaphone

from duediligence.defaults import MATCH_THRESHOLD
from duediligence.matching import scripts, vocab

MATCHER_VERSION = "dd-names-5"
DEFAULT_THRESHOLD = MATCH_THRESHOLD

GENERIC_WEIGHT = 0.25
INITIAL_SIMILARITY = 0.8
PHONETIC_SIMILARITY = 0.85
MIN_TOKEN_SIMILARITY = 0.72
COMPOUND_SIMILARITY = 0.85
CONFLICT_FACTOR = 0.95
SHORT_FORM_SIMILARITY = 0.8
ALLAH_SHORT_SIMILARITY = 0.75  # Nemat / Nematollah: a short form, but Noor is also a name
KOREAN_SIMILARITY = 0.95
ABJAD_SAME_SIMILARITY = 0.92  # same consonants, one side written without vowels
SOUND_ONLY_CAP = 0.7
JOINED_PARTICLE_SIMILARITY = 0.95
NUMBERS_DIFFER_CAP = 0.3  # the highest score of two names whose numbers differ

GENERIC_WORDS = frozenset(
    [
        "company",
        "corporation",
        "group",
        "holding",
        "holdings",
        "trading",
        "trade",
        "international",
        "intl",
        "global",
        "services",
        "service",
        "industries",
        "industry",
        "enterprises",
        "enterprise",
        "partners",
        "partner",
        "ventures",
        "investments",
        "investment",
        "capital",
        "management",
        "solutions",
        "systems",
        "technologies",
        "technology",
        "general",
        "national",
        "the",
        "and",
        "of",
        "de",
        "la",
        "el",
        "al",
        "bin",
        "ibn",
        "ben",
        "bint",
        "ould",
        "bn",  # بن, ابن, بنت in Latin letters
        "abn",
        "bnt",
    ]
)

# Legal forms as rigour writes them after its org-type normalisation, plus common spellings it
# leaves alone in some positions; they neither make nor break a match.
LEGAL_FORMS = frozenset(
    [
        "ltd",
        "llc",
        "inc",
        "plc",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "gmbh",
        "ag",
        "bv",
        "nv",
        "kk",
        "pte",
        "pvt",
        "pty",
        "ab",
        "oy",
        "as",
        "asa",
        "aps",
        "jsc",
        "ojsc",
        "pjsc",
        "cjsc",
        "zao",
        "oao",
        "ooo",
        "llp",
        "lp",
        "corp",
        "co",
        "sl",
        "sro",
        "kft",
        "zrt",
        "doo",
        "ad",
        "fze",
        "fzco",
        "fzc",
        "limited",
        "incorporated",
        "ltda",
        "llk",
        "kv",
        "cv",
        "sac",
        "sak",
        "srl",
        "sro",
        "korp",
        "ko",
        "ink",
        "gongsi",  # Chinese (pinyin): youxian gongsi = Co., Ltd.
        "youxian",
        "youxiangongsi",
    ]
)
# Words rigour tags as stop words in Latin script; repeated here for transliterated input.
STOP_WORDS = frozenset(
    ["de", "la", "el", "del", "des", "du", "di", "da", "y", "e", "et", "and", "of", "the", "и"]
)

SCHEMA_TYPES: dict[str, Any] = {
    "Person": NameTypeTag.PER,
    "Company": NameTypeTag.ORG,
    "Organization": NameTypeTag.ORG,
    "PublicBody": NameTypeTag.ORG,
    "LegalEntity": NameTypeTag.ENT,
    "Vessel": NameTypeTag.OBJ,
    "Airplane": NameTypeTag.OBJ,
}


@dataclass(slots=True, eq=False)
class Token:
    """One prepared name token (one shared object per distinct spelling: compared by identity;
    never modify one). Not a frozen dataclass: building a frozen one costs several times more,
    and every word of a name seen for the first time builds one."""

    text: str  # as written (normalised case)
    latin: str  # Latin transliteration used for comparison
    phonetic: str | None
    weight: float
    numeric: bool
    skeleton: str = ""  # consonants only, for scripts written without vowels (Arabic, Hebrew)
    folded: str = ""  # spelling folded across transliteration conventions (dzh/j, c/k, ph/f ...)
    acronym: bool = False  # initials written together (K.L.M. / KLM): must be equal to match
    core: str = ""  # the word without a particle written onto it (vanderberg -> berg)
    korean: str = ""  # a Korean syllable: its romanisation folded across conventions
    script: str = ""  # hangul, korean-cyrillic, korean-latin, thai, khmer, arabic or ""
    sound: str = ""  # Thai and Khmer: consonants in sound classes (scripts.sound_skeleton)
    # A plain word of 3+ letters (no number, initials or script reading, not a particle or a
    # given name with short forms): two such words are told apart by edit similarities
    # alone (_quickly_different).
    quick: bool = False


@dataclass(slots=True)
class PreparedName:
    """A name analysed once and reused for every comparison (shared: never modify one)."""

    original: str
    schema: str
    tokens: tuple[Token, ...]
    numbers: frozenset[str]
    has_legal_form: bool
    total_weight: float  # sum of the token weights
    # Positions of the family-name words of a person written "FAMILY, Given" (as the lists
    # write them): a family name is never a mere extra name.
    family: frozenset[int] = frozenset()
    # No word is compared by sound or consonants (Thai, Khmer, Arabic script): the cheap
    # first-letter and length test of words written together applies to every word.
    plain: bool = True
    # Neighbouring words that could be written together as one word of another name:
    # (position of the first, its first letter, their letters together); worked out on first
    # use by score_bounds (a cache: not part of the name's value).
    joinable: tuple[tuple[int, str, int], ...] | None = field(
        default=None, compare=False, repr=False
    )


class NameMatch:
    """The verdict on a pair of names: a score in [0, 1] and the reasons, in words.

    The explanation is written on first access: a screening query scores dozens of candidates
    and a reviewer reads the reasons of only the few that pass the threshold.
    """

    __slots__ = ("_build", "_details", "_explanation", "score")

    def __init__(
        self,
        score: float,
        explanation: str | None = None,
        details: dict[str, Any] | None = None,
        build: Callable[[], tuple[str, dict[str, Any]]] | None = None,
    ) -> None:
        self.score = score
        self._explanation = explanation
        self._details = details
        self._build = build

    def _explain(self) -> None:
        if self._build is not None:
            self._explanation, self._details = self._build()
            self._build = None

    @property
    def explanation(self) -> str:
        """Which words matched which, how, and what was penalised."""
        self._explain()
        return self._explanation or ""

    @property
    def details(self) -> dict[str, Any]:
        """The explanation as data: matched words with similarity and how, notes."""
        self._explain()
        return self._details or {}

    def is_match(self, threshold: float = DEFAULT_THRESHOLD) -> bool:
        """True when the score reaches ``threshold``."""
        return self.score >= threshold

    def __repr__(self) -> str:
        return f"NameMatch(score={self.score}, explanation={self.explanation!r})"


# (form, latin, abjad, legal form, acronym): one word of a name on its way to a Token.
Piece = tuple[str, str, bool, bool, bool]

_INITIALS = re.compile(
    r"(?<!\w)[^\W\d_](?:\s*[.\-]\s*[^\W\d_](?!\w))+|(?<!\w)[^\W\d_](?:\s+[^\W\d_](?!\w))+"
)
# A one-letter word somewhere: every run of initials that _INITIALS finds begins with one (its
# first letter is followed by a space, "." or "-"), so a name without one has no initials.
_MAYBE_INITIALS = re.compile(r"(?<!\w)\w(?!\w)")
_LETTER_RUNS = re.compile(r"[^\W\d_]+")
_REPEATS = re.compile(r"(.)\1+")
_ORDINAL_DIGITS = re.compile(r"^(\d+)(st|nd|rd|th|e|er|eme|o|a|\.)$")
_ROMAN = re.compile(r"^(xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50}
_ROMAN_LETTERS = frozenset(_ROMAN_VALUES)


def _roman_value(text: str) -> int | None:
    """Value of a Roman numeral up to 89 (i, v, x, l only), else None."""
    if not text or not _ROMAN.match(text):
        return None
    total = 0
    for k, ch in enumerate(text):
        value = _ROMAN_VALUES[ch]
        if k + 1 < len(text) and _ROMAN_VALUES[text[k + 1]] > value:
            total -= value
        else:
            total += value
    return total


_HANGUL = re.compile("[\uac00-\ud7a3]")
_KHMER = re.compile("[\u1780-\u17ff]")


def _has_hangul(text: str) -> bool:
    return _HANGUL.search(text) is not None


def _latin_words(text: str) -> list[str]:
    """Words of a name in another script, in Latin letters (ʿayn and hamza, which rigour
    writes as '?', are dropped: the Latin forms of Arabic names mostly omit them)."""
    if _has_hangul(text):
        return vocab.romanise_hangul(text)
    if _KHMER.search(text):
        return vocab.romanise_khmer(text)
    return ascii_text(text).replace("?", "").lower().split()


def _read_words(pieces: list[Piece], person: bool) -> list[Piece]:
    """Read the words of a name as a screener does (data in ``matching/data``).

    - digits written for letters inside a word are letters ("V1adimir", "0sama");
    - in names of companies, vessels ...: a number is its value whatever its spelling ("7",
      "VII", "seven", "7th", "seventh"; "twenty five" is 25); a Roman numeral is read only as
      the last word (before legal forms), so initials stay initials; single letters in a row
      are one set of initials ("K L M" = "K.L.M." = "KLM"); abbreviated company words are the
      word they stand for ("MFG" = "manufacturing");
    - particles (van, der, von ...) before another word are left out ("van der Berg").
    """
    table = vocab.deobfuscation()
    out: list[Piece] = []
    for piece in pieces:
        latin = piece[1]
        if (
            not latin.isalpha()
            and not latin.isdigit()
            and any(ch.isdigit() for ch in latin)
            and sum(ch.isalpha() for ch in latin) >= 2
            and not _ORDINAL_DIGITS.match(latin)
        ):
            piece = (piece[0], latin.translate(table), piece[2], piece[3], piece[4])
        out.append(piece)
    words = [p[1] for p in out]
    if not person:
        numbers = vocab.number_words()
        if any(w in numbers or not w.isalpha() or _ROMAN_LETTERS.issuperset(w) for w in words):
            out = _read_numbers(out)
            words = [p[1] for p in out]
        if 1 in map(len, words):
            out = _merge_initials(out)
            words = [p[1] for p in out]
        abbreviations = vocab.abbreviations()
        if not abbreviations.keys().isdisjoint(words):
            present = set(words)
            expanded = []
            for form, latin, abjad, legal, acronym in out:
                entry = abbreviations.get(latin)
                if entry is not None and (not entry[1] or entry[1] & present):
                    latin = entry[0]
                expanded.append((form, latin, abjad, legal, acronym))
            out = expanded
            words = [p[1] for p in out]
    particles = vocab.dropped_particles()
    if particles.isdisjoint(words) and (person or STOP_WORDS.isdisjoint(words)):
        return out  # nothing to leave out
    kept = [
        p
        for k, p in enumerate(out)
        if not (p[1] in particles and k + 1 < len(out) and not out[k + 1][3])
        and not (len(p[1]) == 1 and p[1] in STOP_WORDS and not person)  # Spanish "y"
    ]
    return kept if kept else out


def _legal_or_initials(pieces: list[Piece]) -> list[Piece]:
    """Initials that spell a legal form are one only at the end of the name ("S.A."); a legal
    form first in a name that ends with another one is a word ("AG Karima Corp")."""
    for piece in pieces:
        if piece[3]:
            break
    else:
        return pieces  # no legal form: nothing to decide
    # at_end[k]: every piece after k is a legal form
    at_ends = [True] * len(pieces)
    for k in range(len(pieces) - 2, -1, -1):
        at_ends[k] = at_ends[k + 1] and pieces[k + 1][3]
    out: list[Piece] = []
    for k, (form, latin, abjad, legal, acronym) in enumerate(pieces):
        at_end = at_ends[k]
        if acronym and legal and not at_end:
            legal = False
        elif acronym and legal:
            acronym = False
        elif legal and k == 0 and len(pieces) > 2 and pieces[-1][3] and len(latin) <= 3:
            legal, acronym = False, True
        out.append((form, latin, abjad, legal, acronym))
    return out


def _read_numbers(pieces: list[Piece]) -> list[Piece]:
    words = vocab.number_words()
    last = max((k for k, p in enumerate(pieces) if not p[3]), default=-1)
    out: list[Piece] = []
    for k, (form, latin, abjad, legal, acronym) in enumerate(pieces):
        value: int | None = None
        if latin.isdigit():
            value = int(latin)
        elif (m := _ORDINAL_DIGITS.match(latin)) is not None:
            value = int(m.group(1))
        elif latin in words:
            value = words[latin]
        elif k == last and k > 0 and not legal and len(pieces[k - 1][1]) > 1:
            value = _roman_value(latin)
        if value is None:
            out.append((form, latin, abjad, legal, acronym))
            continue
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev[1].isdigit()
            and int(prev[1]) % 10 == 0
            and 20 <= int(prev[1]) <= 90
            and 1 <= value <= 9
            and latin in words
            and prev[0].isalpha()
        ):  # "twenty five" / "twenty-five" is 25
            out[-1] = (f"{prev[0]} {form}", str(int(prev[1]) + value), abjad, legal, acronym)
            continue
        out.append((form, str(value), abjad, legal, acronym))
    return out


def _merge_initials(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    run: list[Piece] = []

    def flush() -> None:
        if len(run) >= 2:
            letters = "".join(p[1] for p in run)
            out.append((letters, letters, run[0][2], False, True))
        else:
            out.extend(run)
        run.clear()

    for piece in pieces:
        if len(piece[1]) == 1 and piece[1].isalpha() and not piece[3]:
            run.append(piece)
        else:
            flush()
            out.append(piece)
    flush()
    return out


@functools.lru_cache(maxsize=200_000)
def prepare_name(name: str, schema: str = "LegalEntity") -> PreparedName:
    """Analyse ``name`` with rigour into weighted tokens (cached)."""
    type_tag = SCHEMA_TYPES.get(schema, NameTypeTag.ENT)
    original = name
    if type_tag == NameTypeTag.PER:
        name = _without_titles(name)
    analysed = analyze_names(type_tag, [name], phonetics=False, symbols=False, consolidate=False)
    parts: Sequence[NamePart] = ()
    if len(analysed) == 1:
        parts = next(iter(analysed)).parts
    elif analysed:
        parts = max(analysed, key=lambda n: len(n.parts)).parts
    # rigour's org-type database recognises legal forms ("co., ltd." -> coltd, "s.a. de
    # c.v." -> sacv, "joint stock commercial bank" -> jscb); its compare forms are the tokens
    # that carry no weight.
    found: set[str] = set()
    person = type_tag == NameTypeTag.PER
    # Initials written dotted, hyphenated or spaced ("A.T.", "K-L-M", "K L M") are one word of
    # a company's name, never a stop word or a legal form ("A.G." is not AG, "A.T." not "at").
    initials: set[str] = set()
    if not person:
        folded = name.casefold()
        found = {w for _, target in extract_org_types(folded) for w in target.split()}
        if not folded.isascii():  # also in Latin transliteration (ооо, лимитед ...)
            found |= {
                w for _, target in extract_org_types(ascii_text(folded)) for w in target.split()
            }
        if _MAYBE_INITIALS.search(folded) is not None:
            initials = {
                "".join(ch for ch in m.group() if ch.isalpha()) for m in _INITIALS.finditer(folded)
            }
    pieces_all: list[Piece] = []
    for part in parts:
        tag = part.tag
        form = part.form
        if tag == _STOP_TAG and not person and len(form) > 1 and form not in initials:
            continue  # in a person's name only our particle list is dropped (Kim Jong Un)
        comparable = part.comparable or form
        if not form.isascii() and _has_hangul(form):
            syllables = [ch for ch in form if _has_hangul(ch)]
            pieces = list(zip(syllables, vocab.romanise_hangul(form), strict=True))
            abjad = False
        elif comparable.isascii():
            pieces = [(form, comparable)]
            abjad = False
        else:
            # Other scripts are compared in Latin transliteration; CJK names may split into
            # several syllable-words (李伟 -> li wei).
            words = _latin_words(comparable)
            pieces = [(form if len(words) == 1 else w, w) for w in words]
            abjad = _is_abjad(comparable)
        for word, latin in pieces:
            # A single letter is kept here: an initial (a person's "Y."; "A" of "A B C").
            if not latin or (latin in STOP_WORDS and len(latin) > 1):
                continue
            legal = tag == _LEGAL_TAG or latin in LEGAL_FORMS or latin in found
            pieces_all.append((word, latin, abjad, legal, latin in initials))
    ascii_name = name.isascii()
    if not ascii_name and scripts.has_arabic(name):
        pieces_all = _join_arabic(pieces_all)
    extra = _script_reading(name, pieces_all, person) if person or not ascii_name else None
    if extra is not None and extra[0]:
        pieces_all = extra[0]
    side = extra[1] if extra is not None else {}
    pieces_all = _legal_or_initials(pieces_all)
    pieces_all = _read_words(pieces_all, person)
    tokens: list[Token] = []
    dropped: list[Token] = []  # legal forms, kept when the name is nothing else ("AB")
    legal = False
    for word, latin, abjad, is_legal, acronym in pieces_all:
        if not person and not acronym and len(latin) <= 4 and latin.isalpha():
            acronym = _VOWELS_Y.isdisjoint(latin)  # KLM, HSBC: initials
        script, korean, sound = side.get(word, _NO_SCRIPT)
        token = _token(word, latin, abjad, acronym, script, korean, sound)
        if is_legal:
            legal = True
            dropped.append(token)
            continue
        tokens.append(token)
    if not tokens and dropped:
        tokens, legal = dropped, False
    numbers = {t.latin for t in tokens if t.numeric}
    plain = True
    for t in tokens:
        if t.sound or t.skeleton:
            plain = False
            break
    family: frozenset[int] = frozenset()
    if person and "," in name:
        family_words = set(_LETTER_RUNS.findall(name.split(",", 1)[0].casefold()))
        family = frozenset(
            k for k, t in enumerate(tokens) if t.text in family_words or t.latin in family_words
        )
    return PreparedName(
        original,
        schema,
        tuple(tokens),
        frozenset(numbers) if numbers else _NO_NUMBERS,
        legal,
        sum([t.weight for t in tokens]),
        family,
        plain,
    )


_NO_NUMBERS: frozenset[str] = frozenset()
_VOWELS_Y = frozenset("aeiouy")
_STOP_TAG = NamePartTag.STOP
_LEGAL_TAG = NamePartTag.LEGAL


@functools.cache
def _title_words() -> frozenset[str]:
    """The first words of rigour's person-name prefixes, casefolded (a cheap pre-check)."""
    from rigour._core import person_name_prefixes_list

    return frozenset(
        first
        for p in person_name_prefixes_list()
        if (first := re.split(r"[\s.]", p.strip().casefold())[0])
    )


_FIRST_WORDS = re.compile(r"^\W*(\w+)|,\W*(\w+)")


def _without_titles(name: str) -> str:
    """A person's name without the titles rigour knows (Dr., Mr., Sheikh ...), also after the
    comma of "FAMILY, Dr. Given"; the name is kept when nothing else would remain."""
    titles = _title_words()
    for m in _FIRST_WORDS.finditer(name):
        first, after_comma = m.groups()
        word = first or after_comma
        if word and word.casefold() in titles:
            break
    else:
        return name
    family, comma, given = name.partition(",")
    if comma:
        stripped = remove_person_prefixes(given.strip())
        return f"{family}, {stripped}" if stripped.strip() else name
    stripped = remove_person_prefixes(name)
    return stripped if stripped.strip() else name


_NO_SCRIPT = ("", "", "")
_WORDS = re.compile(r"[^\s,;/()\-]+")


def _join_arabic(pieces: list[Piece]) -> list[Piece]:
    """Words of an Arabic-script name that Latin forms write as one ("عبد الرحمن" ->
    Abdurrahman, "نصير الدين" -> Nasiruddin) joined into one piece."""
    forms = scripts.join_arabic_words([p[0] for p in pieces])
    if len(forms) == len(pieces):
        return pieces
    out: list[Piece] = []
    k = 0
    for form in forms:
        group = [pieces[k]]
        k += 1
        while "".join(p[0] for p in group) != form and k < len(pieces):
            group.append(pieces[k])
            k += 1
        first = group[0]
        out.append((form, "".join(p[1] for p in group), first[2], False, False))
    return out


def _script_reading(
    name: str, pieces: list[Piece], person: bool
) -> tuple[list[Piece], dict[str, tuple[str, str, str]]] | None:
    """How the words of ``name`` are read when its script needs more than rigour's letters
    (see :mod:`duediligence.matching.scripts`): new pieces (Thai and Khmer, read from the
    name as written: rigour drops their vowel signs and the Thai karan) and, per word form,
    (script, folded Korean syllable, sound skeleton). None for other names."""
    if not name.isascii() and (scripts.has_thai(name) or scripts.has_khmer(name)):
        new: list[Piece] = []
        side: dict[str, tuple[str, str, str]] = {}
        for word in _WORDS.findall(name.casefold()):
            if scripts.has_thai(word):
                letters, script = scripts.thai_letters(word), "thai"
            elif scripts.has_khmer(word):
                letters, script = scripts.khmer_letters(word), "khmer"
            else:
                latin = ascii_text(word).lower()
                if latin:
                    new.append((word, latin, False, False, False))
                continue
            if letters:
                new.append((word, letters.replace("'", ""), False, False, False))
                side[word] = (script, "", scripts.sound_skeleton(letters))
        return new, side
    if not person or not pieces:
        return None
    forms = tuple(p[0] for p in pieces)
    if all(f.isascii() for f in forms):
        latins = tuple(p[1] for p in pieces)
        if scripts.looks_korean_latin(latins):
            return [], {p[0]: ("korean-latin", scripts.korean_fold(p[1]), "") for p in pieces}
        return None
    if any(p[2] for p in pieces) or _has_hangul(name):
        for form in forms:
            if scripts.has_arabic(form):
                return [], {p[0]: ("arabic", "", "") for p in pieces if scripts.has_arabic(p[0])}
        return None
    romanised = scripts.korean_in_cyrillic(forms)
    if romanised is None:
        return None
    return [], {
        form: ("korean-cyrillic", scripts.korean_fold(latin), "")
        for form, latin in zip(forms, romanised, strict=True)
    }


@functools.lru_cache(maxsize=1_000_000)
def _token(
    form: str,
    latin: str,
    abjad: bool,
    acronym: bool = False,
    script: str = "",
    korean: str = "",
    sound: str = "",
) -> Token:
    """One token object per distinct spelling (shared by every name that uses it).

    The phonetic key is rigour's metaphone, computed here once per spelling rather than by
    ``analyze_names`` for every name (like rigour, none for words of one or two letters).
    """
    phonetic = (metaphone(latin) or None) if len(latin) > 2 else None
    numeric = not latin.isalpha() and any(ch.isdigit() for ch in latin)  # (digits: not alpha)
    weight = GENERIC_WEIGHT if latin in GENERIC_WORDS else 1.0
    core = (
        vocab.joined_prefix().sub("", latin)
        if not numeric and latin[:2] in vocab.joined_prefix_starts()
        else latin
    )
    if script == "arabic":
        skeleton = scripts.arabic_skeleton(form)
    elif sound:
        skeleton = ""
    else:
        skeleton = _skeleton(core) if abjad else ""
    if not korean and not form.isascii() and _has_hangul(form):
        korean, script = scripts.korean_fold(latin), "hangul"
    quick = (
        len(latin) > 2
        and not (numeric or acronym or korean or script or sound or skeleton)
        and latin not in vocab.particle_groups()
        and latin not in vocab.short_forms()
    )
    return Token(
        form,
        latin,
        phonetic,
        weight,
        numeric,
        skeleton,
        _fold(latin),
        acronym,
        core,
        korean,
        script,
        sound,
        quick,
    )


_FOLD_LETTERS = str.maketrans({"c": "k", "q": "k", "x": "ks", "y": "i", "w": "v"})
_FOLDS = [
    ("eo", "o"),  # Korean: Revised Romanisation eo / eu where the lists write o / u
    ("eu", "u"),
    ("dzh", "j"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("sch", "sh"),
    ("ck", "k"),
    ("ph", "f"),
    ("ou", "u"),
    ("ee", "i"),
    ("oo", "u"),
]


_FOLD_ANY = re.compile("|".join(re.escape(a) for a, _ in _FOLDS))


def _fold(latin: str) -> str:
    """Spelling folded across transliteration conventions: the digraphs in order, then the
    single letters at once (c, q -> k, x -> ks, y -> i, w -> v; no digraph yields them)."""
    if _FOLD_ANY.search(latin) is not None:
        for a, b in _FOLDS:
            if a in latin:
                latin = latin.replace(a, b)
    return latin.translate(_FOLD_LETTERS)


_VOWELS = str.maketrans("", "", "aeiouywv'")


_ABJAD_FOLDS = [
    ("dj", "j"),
    ("th", "t"),
    ("dh", "d"),
    ("kh", "h"),
    ("gh", "g"),
    ("sh", "s"),
    ("ch", "s"),
]
_ABJAD_LETTERS = str.maketrans({"q": "k", "c": "k", "t": "d", "j": "g", "p": "b"})


@functools.lru_cache(maxsize=200_000)
def _skeleton(latin: str) -> str:
    """Consonants only, doubled ones once (Arabic writes no short vowels and no doubling),
    with the letters transliterations spell differently folded together (t/th/d/dh; kh/h,
    q/k; v is dropped: Persian و is written v or w). The letters of
    the Arabic script go to the same classes (``data/arabic.csv``)."""
    for a, b in _ABJAD_FOLDS:
        latin = latin.replace(a, b)
    out = latin.translate(_VOWELS).translate(_ABJAD_LETTERS)
    return _REPEATS.sub(r"\1", out)


def _is_abjad(text: str) -> bool:
    """Scripts compared by their consonants: Hebrew, Arabic, Syriac, Thaana (no short vowels
    written); Thai and Khmer (vowels written around the consonants, romanised by sound)."""
    return any(
        "\u0590" <= ch <= "\u08ff" or "\u0e00" <= ch <= "\u0e7f" or "\u1780" <= ch <= "\u17ff"
        for ch in text
    )


# Edit-similarity floors of _quickly_different, each a little below what its rule of
# _word_similarity needs for a non-zero result (a margin for rounding): the spelling's
# MIN_TOKEN_SIMILARITY; the folded spelling's MIN_TOKEN_SIMILARITY / 0.95; the phonetic
# keys' 0.8; the core's COMPOUND_SIMILARITY.
_QUICK_LATIN = MIN_TOKEN_SIMILARITY - 0.01
_QUICK_FOLDED = MIN_TOKEN_SIMILARITY / 0.95 - 0.01
_QUICK_PHONETIC = 0.8 - 0.01
_QUICK_CORE = COMPOUND_SIMILARITY - 0.01
_QUICK_LATIN_SLACK = 1 - _QUICK_LATIN
_QUICK_FOLDED_SLACK = 1 - _QUICK_FOLDED
_QUICK_PHONETIC_SLACK = 1 - _QUICK_PHONETIC
_DIFFERENT = (0.0, "different")


def _quickly_different(a: Token, b: Token, person: bool) -> bool:
    """True when two different :attr:`Token.quick` words certainly have similarity 0 in
    :func:`_word_similarity`: no spelling, folded spelling, phonetic key or core (without a
    particle written onto it) is near enough for its rule, the phonetic keys differ, and
    (persons) neither word begins the other. Only edit similarities (compiled rapidfuzz
    calls), each skipped when the lengths alone rule it out (an edit similarity of at least
    ``f`` needs lengths within ``(1 - f) x`` the longer one); whatever this does not rule out
    is left to the full rules."""
    la, lb = a.latin, b.latin
    if person and (la.startswith(lb) or lb.startswith(la)):
        return False
    na, nb = len(la), len(lb)
    if abs(na - nb) <= _QUICK_LATIN_SLACK * (na if na > nb else nb) and (
        OSA.normalized_similarity(la, lb, score_cutoff=_QUICK_LATIN)
    ):
        return False
    fa, fb = a.folded, b.folded
    if fa != la or fb != lb:
        na, nb = len(fa), len(fb)
        if abs(na - nb) <= _QUICK_FOLDED_SLACK * (na if na > nb else nb) and (
            OSA.normalized_similarity(fa, fb, score_cutoff=_QUICK_FOLDED)
        ):
            return False
    pa, pb = a.phonetic, b.phonetic
    if pa is not None and pb is not None:
        if pa == pb:
            return False
        na, nb = len(pa), len(pb)
        if abs(na - nb) <= _QUICK_PHONETIC_SLACK * (na if na > nb else nb) and (
            OSA.normalized_similarity(pa, pb, score_cutoff=_QUICK_PHONETIC)
        ):
            return False
    return not (
        (a.core != la or b.core != lb)
        and OSA.normalized_similarity(a.core, b.core, score_cutoff=_QUICK_CORE)
    )


@functools.lru_cache(maxsize=500_000)
def _token_similarity(a: Token, b: Token, person: bool) -> tuple[float, str]:
    """Similarity of two tokens in [0, 1] and how they match (cached per token pair): the
    rules of :func:`_word_similarity`, which two plain words that are far apart in every
    spelling skip (:func:`_quickly_different`; same result)."""
    if a.quick and b.quick and a.latin != b.latin and _quickly_different(a, b, person):
        return _DIFFERENT
    return _word_similarity(a, b, person)


def _word_similarity(a: Token, b: Token, person: bool) -> tuple[float, str]:
    """Similarity of two tokens in [0, 1] and how they match (the reference rules)."""
    if a.latin == b.latin:
        return 1.0, "same" if a.text.isascii() == b.text.isascii() else "same in Latin script"
    if a.numeric or b.numeric:
        return 0.0, "different number"
    if a.acronym or b.acronym:
        return 0.0, "different initials"
    if (a.korean or b.korean) and (
        (a.korean and b.korean) or a.script in _KOREAN_SCRIPTS or b.script in _KOREAN_SCRIPTS
    ):
        # A Korean syllable in Hangul, Cyrillic or one romanisation against another one.
        found = _korean_similarity(a, b)
        if found is not None:
            return found
    if a.sound or b.sound:
        # Thai or Khmer: consonants in sound classes (the vowels are romanised too freely).
        return _sound_similarity(
            a.sound or scripts.sound_skeleton(a.latin), b.sound or scripts.sound_skeleton(b.latin)
        )
    groups = vocab.particle_groups()
    if a.latin in groups or b.latin in groups:
        if groups.get(a.latin) == groups.get(b.latin):
            return 1.0, "same particle"
        return 0.0, "different particle"
    if person:
        la, lb = a.latin, b.latin
        if lb in vocab.short_forms().get(la, ()):
            return SHORT_FORM_SIMILARITY, "short form"
        shorter, longer = (la, lb) if len(la) <= len(lb) else (lb, la)
        if len(shorter) == 1:
            if longer.startswith(shorter):
                return INITIAL_SIMILARITY, "initial"
            return 0.0, "different initial"
        if len(shorter) >= 3 and longer.startswith(shorter):
            rest = longer[len(shorter) :]
            if len(shorter) >= 4 and rest in _ALLAH:
                # Nemat / Nematollah, Habib / Habibullah: the name without its "-ullah".
                return ALLAH_SHORT_SIMILARITY, "short form (without -ullah)"
            if rest in _ARTICLE_ENDINGS:
                # "Abdul" / "Abd" (al-): the article written onto the word.
                return JOINED_PARTICLE_SIMILARITY, "article written onto the word"
            if len(rest) >= 2:
                # Petrov / Petrovsky, Abdul / Abdullah: another ending is another name.
                return 0.0, "different ending"
    # OSA: edit distance that counts a swap of two adjacent letters as one typo.
    sim = OSA.normalized_similarity(a.latin, b.latin)
    how = "spelling variant"
    if a.folded != a.latin or b.folded != b.latin:
        folded = 0.95 * OSA.normalized_similarity(a.folded, b.folded)
        if folded > sim:
            sim, how = folded, "transliteration variant"
    if a.phonetic and b.phonetic and a.phonetic != b.phonetic and len(a.latin) > 3:
        # Transliteration drift (c/k, ph/f, y/i ...) shows as small phonetic-key differences.
        phon = 0.9 * OSA.normalized_similarity(a.phonetic, b.phonetic)
        if phon >= 0.8 * 0.9 and phon > sim:
            sim, how = phon, "sounds alike"
    if (a.skeleton or b.skeleton) and len(a.latin) > 1 and len(b.latin) > 1:
        # One side is in a script written without vowels: compare the consonants (of the
        # word without its article: al-Tikriti / التكريتي).
        # A Latin word's particle prefix may be an article (al-) or part of the name
        # (Dabski, Delawar): both readings are tried.
        final_h = (a.script == "arabic" and a.text[-1] == "ه") or (
            b.script == "arabic" and b.text[-1] == "ه"
        )
        skel, skel_a, skel_b = 0.0, "", ""
        for x in (a.skeleton,) if a.skeleton else _latin_skeletons(a):
            for y in (b.skeleton,) if b.skeleton else _latin_skeletons(b):
                value = 1.0 if _same_consonants(x, y, final_h) else OSA.normalized_similarity(x, y)
                if value > skel:
                    skel, skel_a, skel_b = value, x, y
        # Two consonants say little (سيد "Sayyid" and As'ad are both s-d): a lower score.
        same = ABJAD_SAME_SIMILARITY if min(len(skel_a), len(skel_b)) >= 3 else 0.85
        value = same if skel == 1.0 else 0.85 * skel
        if skel >= 0.75 and value > sim:
            sim, how = value, "same consonants (transliterated)"
    # Same phonetic key counts only when the spellings are not far apart: metaphone alone
    # equates too much (grand/garnet, rossi/rizo).
    if (
        a.phonetic
        and a.phonetic == b.phonetic
        and len(a.latin) > 2
        and sim >= 0.55
        and sim < PHONETIC_SIMILARITY
    ):
        sim, how = PHONETIC_SIMILARITY, "sounds the same"
    if a.core != a.latin or b.core != b.latin:
        core = OSA.normalized_similarity(a.core, b.core)
        if core >= COMPOUND_SIMILARITY and JOINED_PARTICLE_SIMILARITY * core > sim:
            sim, how = JOINED_PARTICLE_SIMILARITY * core, "particle written together"
    return (sim, how) if sim >= MIN_TOKEN_SIMILARITY else (0.0, "different")


_ARTICLE_ENDINGS = frozenset(["al", "el", "ul", "il", "ol"])
_ALLAH = frozenset(["ollah", "ullah", "allah", "olah", "ulah", "ulla", "ollahi"])
_KOREAN_SCRIPTS = frozenset(["hangul", "korean-cyrillic"])


def _korean_similarity(a: Token, b: Token) -> tuple[float, str] | None:
    """Two Korean syllables in any writing (Hangul, Cyrillic, McCune-Reischauer, Revised, the
    usual family-name spellings): their similarity, or None to compare them as plain words."""
    surnames = vocab.korean_surnames()
    if b.latin in surnames.get(a.text, ()) or a.latin in surnames.get(b.text, ()):
        return KOREAN_SIMILARITY, "same Korean syllable (usual spelling)"
    if a.script == b.script == "korean-latin":
        families = vocab.korean_family_groups()
        if families.get(a.latin, _NO_NUMBERS) & families.get(b.latin, _NO_NUMBERS):
            return KOREAN_SIMILARITY, "same Korean family name"
    ka = a.korean or scripts.korean_fold(a.latin)
    kb = b.korean or scripts.korean_fold(b.latin)
    if ka == kb:
        return KOREAN_SIMILARITY, "same Korean syllable"
    if "korean-cyrillic" in (a.script, b.script):
        # Cyrillic writes final n and ng alike, ㅢ as и (Хи = Hui) and the usual
        # Latin spellings of family names differ (Ли = Ri, Lee).
        la, lb = scripts.korean_fold_loose(ka), scripts.korean_fold_loose(kb)
        if la == lb or la.replace("ui", "i") == lb.replace("ui", "i"):
            return KOREAN_SIMILARITY, "same Korean syllable (Cyrillic)"
        cyr, other = (a, b) if a.script == "korean-cyrillic" else (b, a)
        if other.latin in vocab.korean_family_spellings():
            groups = vocab.korean_family_groups().get(other.latin, _NO_NUMBERS)
            for hangul in groups:
                spellings = vocab.korean_surnames().get(hangul, _NO_NUMBERS)
                if cyr.korean in {scripts.korean_fold(x) for x in spellings}:
                    return KOREAN_SIMILARITY, "same Korean family name (Cyrillic)"
    if len(ka) > 2 and len(kb) > 2 and OSA.normalized_similarity(ka, kb) >= 0.75:
        return 0.85, "Korean syllable variant"
    return None


def _sound_similarity(sa: str, sb: str) -> tuple[float, str]:
    """Similarity of two sound skeletons (Thai, Khmer): equal ones by their length (one or two
    consonants say little), near ones scaled; a final r written on one side only is equal
    (ชินวัตร is Chinnawat and Shinawatra)."""
    n = min(len(sa), len(sb))
    if n == 0:
        return 0.0, "different"
    if sa == sb or sa + "r" == sb or sb + "r" == sa:
        value = ABJAD_SAME_SIMILARITY if n >= 3 else (0.85 if n == 2 else 0.8)
        return value, "same consonants (romanised by sound)"
    if n >= 3:
        value = 0.9 * OSA.normalized_similarity(sa, sb)
        if value >= MIN_TOKEN_SIMILARITY:
            return value, "near consonants (romanised by sound)"
    return 0.0, "different"


def _latin_skeletons(token: Token) -> tuple[str, ...]:
    if token.core == token.latin:
        return (_skeleton(token.latin),)
    return (_skeleton(token.core), _skeleton(token.latin))


def _same_consonants(x: str, y: str, final_h: bool = False) -> bool:
    """Two consonant skeletons are the same, allowing the l of an article written on one side
    only ("Abdul" / عبد, "Saduddin" / سعد الدين), a final h (ه: "Juma" / جمعه) when
    ``final_h``, and z for d (ض, ظ are d in Arabic and z in Persian and Urdu: Ramadan, Faiz)."""
    if _same_skeleton(x, y, final_h):
        return True
    if "z" in x or "z" in y:
        x_d, y_d = _dedupe(x.replace("z", "d")), _dedupe(y.replace("z", "d"))
        if (len(x_d) < len(x) or len(y_d) < len(y)) and min(len(x_d), len(y_d)) < 2:
            # z beside d merged into one consonant, and what is left is one consonant
            # (عزت "zt" -> "d", the whole of Dawood's "d"): that says nothing of the name.
            # Longer ones still meet (Zadran "zdrn" -> "drn" = ځدران, whose ځ is not
            # transliterated).
            return False
        return _same_skeleton(x_d, y_d, final_h)
    return False


def _dedupe(text: str) -> str:
    return _REPEATS.sub(r"\1", text)


def _same_skeleton(x: str, y: str, final_h: bool) -> bool:
    if x == y:
        return True
    if len(x) < len(y):
        x, y = y, x
    if not 1 <= len(x) - len(y) <= 2 or (len(x) - len(y) == 2 and len(y) < 3):
        return False
    if final_h and x.endswith("h") and x[:-1] == y:
        return True
    return any(ch == "l" and _dedupe(x[:k] + x[k + 1 :]) == y for k, ch in enumerate(x))


def _align(
    left: PreparedName, right: PreparedName, person: bool
) -> list[tuple[int, int, float, str]]:
    """Greedy best-first one-to-one token alignment (ties: the lower left, then right
    position first)."""
    candidates = []
    similarity = _token_similarity
    right_tokens = right.tokens
    for i, a in enumerate(left.tokens):
        wa = a.weight
        for j, b in enumerate(right_tokens):
            sim, how = similarity(a, b, person)
            if sim > 0:
                wb = b.weight
                candidates.append((-sim * (wa if wa < wb else wb), i, j, sim, how))
    if len(candidates) <= 1:
        return [(i, j, sim, how) for _, i, j, sim, how in candidates]
    candidates.sort()
    used_l: set[int] = set()
    used_r: set[int] = set()
    pairs = []
    for _, i, j, sim, how in candidates:
        if i in used_l or j in used_r:
            continue
        used_l.add(i)
        used_r.add(j)
        pairs.append((i, j, sim, how))
    return pairs


def _missing_family(name: PreparedName, explained: dict[int, float]) -> str:
    """The family name of ``name`` when none of its words is explained (empty otherwise: one
    of two Spanish family names is enough, "Miguel Rodriguez" / "RODRIGUEZ OREJUELA, Miguel")."""
    if not name.family or any(k in explained for k in name.family):
        return ""
    return " ".join(name.tokens[k].text for k in sorted(name.family))


def _drop_lone_initials(
    left: PreparedName, right: PreparedName, pairs: list[tuple[int, int, float, str]]
) -> list[tuple[int, int, float, str]]:
    """Unmatch an initial that stands for a full name when its own side has a full name left
    unexplained: "JONES, John S." is not "John Smith" (S. is not Smith when Jones is there)."""
    if not any(how == "initial" for *_, how in pairs):
        return pairs
    used_l = {i for i, _, _, _ in pairs}
    used_r = {j for _, j, _, _ in pairs}
    free_full_l = any(len(t.latin) > 1 for k, t in enumerate(left.tokens) if k not in used_l)
    free_full_r = any(len(t.latin) > 1 for k, t in enumerate(right.tokens) if k not in used_r)
    kept = []
    for i, j, sim, how in pairs:
        if how == "initial":
            initial_left = len(left.tokens[i].latin) == 1
            if free_full_l if initial_left else free_full_r:
                continue
        kept.append((i, j, sim, how))
    return kept


def _compounds(
    split: PreparedName,
    joined: PreparedName,
    explained_split: dict[int, float],
    explained_joined: dict[int, float],
) -> list[tuple[int, int, float, int]]:
    """Match two adjacent unexplained words of ``split`` (three for a Thai or Khmer word) to
    one unexplained word of ``joined``.

    Returns ``(i, j, similarity, n)``: words ``i`` to ``i + n - 1`` of ``split`` are word ``j``
    of ``joined`` written together.
    """
    found: list[tuple[int, int, float, int]] = []
    if len(explained_joined) == len(joined.tokens) or len(split.tokens) - len(explained_split) < 2:
        return found
    free = [j for j in range(len(joined.tokens)) if j not in explained_joined]
    tokens = split.tokens
    joined_tokens = joined.tokens
    for i in range(len(tokens) - 1):
        if i in explained_split or i + 1 in explained_split:
            continue
        a, b = tokens[i], tokens[i + 1]
        if a.numeric or b.numeric:
            continue
        together = a.latin + b.latin
        first, size_together = together[0], len(together)
        plain = not (a.sound or a.skeleton)
        for j in free:
            other = joined_tokens[j]
            if (
                plain
                and not (other.sound or other.skeleton)
                and (other.latin[0] != first or abs(len(other.latin) - size_together) > 2)
            ):
                # Written together, the words keep their first letter and about their length.
                continue
            # Thai and Khmer words romanised as several (Chan-o-cha): up to three words.
            run = 3 if other.sound or a.sound else 2
            sim = 0.0
            size = 2
            for size in range(2, run + 1):
                if i + size > len(tokens) or any(
                    k in explained_split or tokens[k].numeric for k in range(i, i + size)
                ):
                    break
                parts = tokens[i : i + size]
                sim = _compound_similarity(
                    parts, other, together if size == 2 else "".join(t.latin for t in parts)
                )
                if sim >= COMPOUND_SIMILARITY:
                    break
            if sim >= COMPOUND_SIMILARITY:
                for k in range(i, i + size):
                    explained_split[k] = sim
                explained_joined[j] = sim
                free.remove(j)
                found.append((i, j, sim, size))
                break
        if not free:
            break
    return found


@functools.lru_cache(maxsize=200_000)
def _compound_similarity(parts: tuple[Token, ...], other: Token, together: str) -> float:
    """Similarity of words written apart (``parts``, ``together`` their Latin letters joined)
    to one word written together (cached per token run and word, like
    :func:`_token_similarity`)."""
    if other.sound or parts[0].sound:
        if other.sound:
            mine = scripts.sound_skeleton("'".join(t.latin for t in parts))
            theirs = other.sound
        else:
            mine = _dedupe("".join(t.sound for t in parts))
            theirs = scripts.sound_skeleton(other.latin)
        value, _ = _sound_similarity(mine, theirs)
        return COMPOUND_SIMILARITY if value >= ABJAD_SAME_SIMILARITY else 0.0
    abjad = parts[0].skeleton or other.skeleton
    if not abjad and (other.latin[0] != together[0] or abs(len(other.latin) - len(together)) > 2):
        # Written together, the words keep their first letter and about their length.
        return 0.0
    sim = OSA.normalized_similarity(together, other.latin)
    if sim < COMPOUND_SIMILARITY:
        if not abjad:
            same = _skeleton(together) == _skeleton(other.latin)
        else:
            if parts[0].skeleton:
                mine = _dedupe("".join(t.skeleton for t in parts))
            else:
                mine = _dedupe("".join(_skeleton(t.latin) for t in parts))
            theirs = other.skeleton or _skeleton(other.latin)
            same = _same_consonants(mine, theirs, other.text[-1] == "ه")
        if same:
            sim = COMPOUND_SIMILARITY  # same consonants: Abd al / Abdul / Abdel / عبدال
    return sim


def _compound_reach(split: PreparedName, joined: PreparedName) -> tuple[set[int], set[int]]:
    """Positions of ``split`` and of ``joined`` that :func:`_compounds` could explain: words of
    ``split`` next to another non-numeric word, and words of ``joined``, that pass its cheap
    test (same first letter, length within two of the two words together); every such
    position when a word is read by sound or consonants (Thai, Khmer, Arabic script), for
    which the test does not apply. A superset: the unexplained-word conditions are ignored."""
    words, others = split.tokens, joined.tokens
    reach_split: set[int] = set()
    reach_joined: set[int] = set()
    if len(words) < 2 or not others:
        return reach_split, reach_joined
    if not (split.plain and joined.plain):
        reach_split = {k for k, t in enumerate(words) if not t.numeric}
        return reach_split, set(range(len(others)))
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        if a.numeric or b.numeric:
            continue
        first, size = a.latin[0], len(a.latin) + len(b.latin)
        for j, other in enumerate(others):
            if other.latin[0] == first and abs(len(other.latin) - size) <= 2:
                reach_split.update((i, i + 1))
                reach_joined.add(j)
    return reach_split, reach_joined


def score_bound(left: PreparedName, right: PreparedName) -> float:
    """An upper bound of ``compare_prepared(left, right).score``, in [0, 1], computed from the
    word similarities alone (cached per word pair) without aligning the words, joining them
    or writing the explanation.

    Each side's coverage is bounded by the weight of its words that have any similar word on
    the other side or could be written together with a neighbour (:func:`_compound_reach`),
    as if each were explained with similarity 1; a person name's extra-word allowance is
    granted whenever the other side could be explained in full; the cap of pairs whose
    numbers differ applies as in :func:`compare_prepared`. Screening compares in full only
    the candidates whose bound reaches its threshold (same hits; tested over the
    development set).
    """
    lt, rt = left.tokens, right.tokens
    if not lt or not rt:
        return 0.0
    person = left.schema == "Person" or right.schema == "Person"
    similarity = _token_similarity
    reach_l: set[int] = set()
    reach_r: set[int] = set()
    for i, a in enumerate(lt):
        for j, b in enumerate(rt):
            if similarity(a, b, person)[0] > 0:
                reach_l.add(i)
                reach_r.add(j)
    if len(reach_l) < len(lt) or len(reach_r) < len(rt):
        split_l, joined_r = _compound_reach(left, right)
        split_r, joined_l = _compound_reach(right, left)
        reach_l |= split_l | joined_l
        reach_r |= split_r | joined_r
    cov_l = sum([lt[k].weight for k in reach_l]) / left.total_weight
    cov_r = sum([rt[k].weight for k in reach_r]) / right.total_weight
    if person and min(len(lt), len(rt)) >= 2:
        if len(reach_l) == len(lt):
            cov_r = (1 + cov_r) / 2
        if len(reach_r) == len(rt):
            cov_l = (1 + cov_l) / 2
    bound = min(1.0, (cov_l + cov_r) / 2)
    if left.numbers != right.numbers:
        bound = min(bound, NUMBERS_DIFFER_CAP)
    return bound


def _joinable(name: PreparedName) -> tuple[tuple[int, str, int], ...]:
    """``name.joinable``, worked out and kept on first use."""
    found = name.joinable
    if found is None:
        tokens = name.tokens
        found = name.joinable = tuple(
            (i, tokens[i].latin[0], len(tokens[i].latin) + len(tokens[i + 1].latin))
            for i in range(len(tokens) - 1)
            if not (tokens[i].numeric or tokens[i + 1].numeric)
        )
    return found


def score_bounds(left: PreparedName, rights: Sequence[PreparedName]) -> list[float]:
    """:func:`score_bound` of ``left`` against each of ``rights`` (the same values), for the
    few dozen candidates of one screening query: what depends on one word of a candidate
    (which of ``left``'s words are similar to it, which pairs of ``left``'s neighbouring words
    could be it written together) is worked out once per distinct word, not once per name,
    and the words reached are kept as bit masks."""
    lt = left.tokens
    if not lt:
        return [0.0] * len(rights)
    n = len(lt)
    left_person = left.schema == "Person"
    similarity = _token_similarity
    left_pairs = _joinable(left)
    by_first: dict[str, list[tuple[int, int]]] = {}  # first letter -> (position, length)
    for k, t in enumerate(lt):
        by_first.setdefault(t.latin[0], []).append((k, len(t.latin)))
    full_l = (1 << n) - 1
    total_l = left.total_weight
    # weights are 1 or GENERIC_WEIGHT: sums of them are exact in any order, so a count of the
    # words reached gives the same coverage when every weight is 1
    uniform_l = total_l == n
    weights_l = [t.weight for t in lt]
    # word -> mask of left's words it is similar to, or could be written together as (the
    # second only when both names are plain); per person flag and plainness
    known: dict[tuple[bool, bool], dict[Token, int]] = {
        (person, plain): {} for person in (False, True) for plain in (False, True)
    }
    bounds = []
    for right in rights:
        rt = right.tokens
        if not rt:
            bounds.append(0.0)
            continue
        person = left_person or right.schema == "Person"
        plain = left.plain and right.plain
        seen = known[person, plain]
        mask_l = 0
        mask_r = 0
        bit = 1
        for token in rt:
            reach = seen.get(token)
            if reach is None:
                reach = 0
                for i in range(n):
                    if similarity(lt[i], token, person)[0] > 0:
                        reach |= 1 << i
                if plain:
                    first, size = token.latin[0], len(token.latin)
                    for i, pair_first, pair_size in left_pairs:
                        if pair_first == first and abs(size - pair_size) <= 2:
                            reach |= 3 << i  # left's words i, i + 1 written together
                seen[token] = reach
            if reach:
                mask_l |= reach
                mask_r |= bit
            bit <<= 1
        m = len(rt)
        if not plain:
            split_l, joined_r = _compound_reach(left, right)
            split_r, joined_l = _compound_reach(right, left)
            for k in split_l | joined_l:
                mask_l |= 1 << k
            for k in split_r | joined_r:
                mask_r |= 1 << k
        else:  # right's words j, j + 1 written together as a word of left
            for j, first, size in right.joinable or _joinable(right):
                candidates = by_first.get(first)
                if candidates:
                    for k, length in candidates:
                        if abs(length - size) <= 2:
                            mask_r |= 3 << j
                            mask_l |= 1 << k
        total_r = right.total_weight
        if uniform_l:
            cov_l = mask_l.bit_count() / total_l
        else:
            cov_l = sum([weights_l[k] for k in range(n) if mask_l >> k & 1]) / total_l
        if total_r == m:
            cov_r = mask_r.bit_count() / total_r
        else:
            cov_r = sum([rt[k].weight for k in range(m) if mask_r >> k & 1]) / total_r
        if person and n >= 2 and m >= 2:
            if mask_l == full_l:
                cov_r = (1 + cov_r) / 2
            if mask_r == (1 << m) - 1:
                cov_l = (1 + cov_l) / 2
        bound = min(1.0, (cov_l + cov_r) / 2)
        if left.numbers != right.numbers:
            bound = min(bound, NUMBERS_DIFFER_CAP)
        bounds.append(bound)
    return bounds


def reaches(bound: float, floor: float) -> bool:
    """Whether a :func:`score_bound` value lets the score reach ``floor`` (rounded as scores
    are, with a margin for floating-point sums in another order; always for a ``floor`` of 0
    or less)."""
    return floor <= 0 or round(bound + 1e-9, 4) >= floor


def may_reach(left: PreparedName, right: PreparedName, floor: float) -> bool:
    """False only when ``compare_prepared(left, right).score`` is certainly below ``floor``
    (by :func:`score_bound`, rounded as scores are, with a margin for floating-point sums in
    another order); always True for a ``floor`` of 0 or less."""
    return floor <= 0 or reaches(score_bound(left, right), floor)


def _looks_like_person(name: PreparedName) -> bool:
    return (
        not name.has_legal_form
        and 2 <= len(name.tokens) <= 4
        and all(t.weight == 1.0 and not t.numeric for t in name.tokens)
    )


_NO_JOINED: list[tuple[int, int, float, int]] = []  # shared: never modified


def compare_prepared(left: PreparedName, right: PreparedName) -> NameMatch:
    """Compare two prepared names (see the module docstring for the rules)."""
    if not left.tokens or not right.tokens:
        return NameMatch(0.0, "one of the names has no comparable words")
    person = left.schema == "Person" or right.schema == "Person"
    pairs = _align(left, right, person)
    hows = [p[3] for p in pairs]
    dropped_initials: list[str] = []
    if person and "initial" in hows:
        kept = _drop_lone_initials(left, right, pairs)
        if len(kept) < len(pairs):
            dropped_initials = [
                f"{left.tokens[i].text} / {right.tokens[j].text}"
                for i, j, sim, how in pairs
                if (i, j, sim, how) not in kept
            ]
        pairs = kept
        hows = [p[3] for p in pairs]
    explained_l = {i: sim for i, _, sim, _ in pairs}
    explained_r = {j: sim for _, j, sim, _ in pairs}
    # Words written together on one side and apart on the other (HADDAD-ADEL / HADDADADEL,
    # Gholam-Ali / Gholamali, DAH DASHT / DAHDASHT).
    lt, rt = left.tokens, right.tokens
    # (the conditions under which _compounds can find anything, checked before the call)
    joined_r = (
        _compounds(left, right, explained_l, explained_r)
        if len(explained_r) < len(rt) and len(lt) - len(explained_l) >= 2
        else _NO_JOINED
    )
    joined_l = (
        _compounds(right, left, explained_r, explained_l)
        if len(explained_l) < len(lt) and len(rt) - len(explained_r) >= 2
        else _NO_JOINED
    )
    cov_l = sum([sim * lt[i].weight for i, sim in explained_l.items()]) / left.total_weight
    cov_r = sum([sim * rt[j].weight for j, sim in explained_r.items()]) / right.total_weight
    missing_l = len(explained_l) < len(lt)
    missing_r = len(explained_r) < len(rt)

    # A missing middle name or patronymic is cheap: when every word of the shorter person name
    # is explained and it has at least two words, the longer side's extra words count half.
    extra = ""
    family_missing = ""
    if person and min(len(lt), len(rt)) >= 2:
        if not missing_l and cov_l >= 0.8 and missing_r:
            family_missing = _missing_family(right, explained_r)
            if not family_missing:
                cov_r += (1 - cov_r) * 0.5
                extra = "right"
        elif not missing_r and cov_r >= 0.8 and missing_l:
            family_missing = _missing_family(left, explained_l)
            if not family_missing:
                cov_l += (1 - cov_l) * 0.5
                extra = "left"
    score = (cov_l + cov_r) / 2
    # Each side has a word the other lacks: a conflict, not an omission (brothers share every
    # name but the first; "Cobalt Capital" is not "International Cobalt").
    conflict = missing_l and missing_r
    if conflict:
        score *= CONFLICT_FACTOR
    numbers = left.numbers != right.numbers
    if numbers:
        score = min(score, NUMBERS_DIFFER_CAP)
    company_vs_person = False
    if left.has_legal_form != right.has_legal_form:
        plain = right if left.has_legal_form else left
        if plain.schema == "Person" or (
            plain.schema == "LegalEntity" and _looks_like_person(plain)
        ):
            score *= 0.6
            company_vs_person = True
    sound_only = (
        len(lt) == 1
        and len(rt) == 1
        and bool(pairs)
        and hows[0] in ("sounds the same", "sounds alike")
        and min(len(lt[0].latin), len(rt[0].latin)) <= 5
    )
    initials_only = bool(hows) and hows.count("initial") == len(hows)
    if initials_only:  # "MOMO" / "EL M": nothing but initials in common
        score = min(score, SOUND_ONLY_CAP)
    if sound_only:  # one short word against one word: sounding alike is not enough
        score = min(score, SOUND_ONLY_CAP)
    score = round(max(0.0, min(1.0, score)), 4)

    def build() -> tuple[str, dict[str, Any]]:
        matched = [f"'{lt[i].text}' ~ '{rt[j].text}' ({how})" for i, j, _, how in pairs]
        matched += [
            f"'{' '.join(t.text for t in lt[i : i + n])}' ~ '{rt[j].text}' (written together)"
            for i, j, _, n in joined_r
        ]
        matched += [
            f"'{lt[i].text}' ~ '{' '.join(t.text for t in rt[j : j + n])}' (written together)"
            for j, i, _, n in joined_l
        ]
        unmatched_l = [t.text for k, t in enumerate(lt) if k not in explained_l]
        unmatched_r = [t.text for k, t in enumerate(rt) if k not in explained_r]
        notes: list[str] = []
        if extra:
            words = unmatched_r if extra == "right" else unmatched_l
            notes.append(f"extra name(s) {', '.join(words)} on one side only (minor)")
        if conflict:
            notes.append(
                f"{', '.join(unmatched_l)} vs {', '.join(unmatched_r)} differ: "
                f"{'a different person' if person else 'another party'}? (x{CONFLICT_FACTOR})"
            )
        if numbers:
            notes.append(
                "numbers differ ("
                + (", ".join(sorted(left.numbers)) or "none")
                + " vs "
                + (", ".join(sorted(right.numbers)) or "none")
                + ")"
            )
        if company_vs_person:
            notes.append("a company name compared with a person's name")
        if family_missing:
            notes.append(f"family name {family_missing} unexplained: not a mere extra name")
        if initials_only:
            notes.append(f"only initials in common (at most {SOUND_ONLY_CAP})")
        if sound_only:
            notes.append(f"one word that only sounds alike (at most {SOUND_ONLY_CAP})")
        if dropped_initials:
            notes.append(
                "an initial does not stand in for a full name present on the same side ("
                + ", ".join(dropped_initials)
                + ")"
            )
        if not explained_l:
            notes.append("no word in common")
        elif (unmatched_l or unmatched_r) and not extra and not conflict:
            notes.append(f"unexplained word(s): {', '.join([*unmatched_l, *unmatched_r])}")
        explanation = "; ".join([*matched, *notes]) or "no comparable words"
        details = {
            "matched": [
                {"left": lt[i].text, "right": rt[j].text, "similarity": round(sim, 3), "how": how}
                for i, j, sim, how in pairs
            ],
            "unmatched_left": unmatched_l,
            "unmatched_right": unmatched_r,
            "notes": notes,
        }
        return explanation, details

    return NameMatch(score, build=build)


def compare_names(name1: str, name2: str, schema: str = "LegalEntity") -> NameMatch:
    """Score how likely two names denote the same party, in [0, 1], with an explanation.

    ``schema`` is a FollowTheMoney schema name (Person, Company, Organization, LegalEntity,
    Vessel, Airplane). A pair counts as a match at :data:`DEFAULT_THRESHOLD`.
    """
    return compare_prepared(prepare_name(name1, schema), prepare_name(name2, schema))
