"""Reading names written in scripts that rigour's letter-by-letter transliteration gets wrong.

The letters come from data files in ``matching/data`` (see :mod:`duediligence.matching.vocab`);
the rules here are the few that a table cannot say:

- **Korean written in Cyrillic** (Kontsevich system and the usual Russian press spelling, "Ким
  Чен Ын"): read back into Korean syllables, then folded like a romanised Hangul syllable so
  that it meets the lists' McCune-Reischauer-like spelling ("KIM, Jong Un");
- **Korean in Latin letters** (McCune-Reischauer, the DPRK's spelling, Revised Romanisation,
  common spellings): a person's name whose family name is a Korean one and whose other words
  are Korean syllables is read as Korean, so "Pak To Chun" meets "Park Do-chun";
- **Thai and Khmer** (written with vowels around the consonants, romanised by sound): compared
  by a *sound skeleton*, the consonants in classes that romanisations spell alike (ch/j/sh,
  t/th/d, p/ph/b, k/kh/g, ng/n), with the Thai letters silenced by the karan sign or spelling a
  vowel (รร) left out;
- **Arabic script** (Arabic, Persian, Urdu, Pashto): consonants straight from the letters
  (ʿayn, alif, hamza, waw and ya carry no consonant; ta marbuta is the final -a), the article
  ال taken off the front of a word.

Sources: Kontsevich's Korean-Cyrillic system (Концевич, 2002) and its common Russian-press
variant; the Royal Thai General System of Transcription (consonant values); UNGEGN Khmer
romanisation; the usual Latin spellings of Arabic letters on the OFAC and UN lists.
"""

from __future__ import annotations

import functools
import re

from duediligence.matching import vocab

_REPEATS = re.compile(r"(.)\1+")
_THAI = re.compile("[\u0e00-\u0e7f]")
_KHMER = re.compile("[\u1780-\u17ff]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_CYRILLIC_WORD = re.compile(r"^[бвгджзйклмнпрстфхцчшщъь]*[аеёиоуыэюя]+[йклмнпрстхчьъ]*$")
_KOREAN_SYLLABLE = re.compile(
    r"^(?:kk|k|g|n|tt|t|d|r|l|m|pp|p|b|ss|s|sh|jj|j|tch|ch|h|kh|th|ph)?"
    r"(?:y|w)?(?:ae|eo|eu|oe|oi|ui|wa|wo|we|wi|ee|oo|ou|ai|a|e|o|u|i)"
    r"(?:ng|ck|kk|ll|nn|k|n|t|l|m|p)?$"
)


def has_thai(text: str) -> bool:
    """True when ``text`` holds a Thai letter."""
    return _THAI.search(text) is not None


def has_khmer(text: str) -> bool:
    """True when ``text`` holds a Khmer letter."""
    return _KHMER.search(text) is not None


def has_arabic(text: str) -> bool:
    """True when ``text`` holds a letter of the Arabic script (Arabic, Persian, Urdu ...)."""
    return _ARABIC.search(text) is not None


# ----------------------------------------------------------------------------- sound skeleton

_SOUND_FOLDS = [
    ("ng", "n"),
    ("ny", "n"),
    ("nh", "n"),
    ("chh", "C"),
    ("ch", "C"),
    ("sh", "C"),
    ("j", "C"),
    ("ck", "k"),
    ("c", "k"),
    ("kh", "k"),
    ("gh", "k"),
    ("g", "k"),
    ("q", "k"),
    ("th", "t"),
    ("d", "t"),
    ("ph", "p"),
    ("bh", "p"),
    ("b", "p"),
    ("f", "p"),
    ("z", "s"),
    ("x", "ks"),
]
_SOUND_DROP = str.maketrans("", "", "aeiouywv'-")


@functools.lru_cache(maxsize=100_000)
def sound_skeleton(latin: str) -> str:
    """The consonants of a romanised Thai or Khmer word in sound classes (``'`` separates
    letters that must not form a digraph; C is the class of ch/j/sh): "Shinawatra" -> "Cntr"."""
    out = latin.lower()
    for a, b in _SOUND_FOLDS:
        out = out.replace(a, b)
    out = out.translate(_SOUND_DROP)
    return _REPEATS.sub(r"\1", out)


_THAI_KARAN = "\u0e4c"  # ์ : the letter before it is silent
_THAI_SONORANTS = set("งญนมยรลว")
# Pairs silenced together by one karan (จันทร์ = chan, ลักษณ์ = lak, ศาสตร์ = sat).
_THAI_SILENT_PAIRS = frozenset(["ทร", "ตร", "ษณ", "คร", "ดร"])


def thai_letters(word: str) -> str:
    """A Thai word as its consonant letters in Latin, letters apart ("ชินวัตร" ->
    "ch'n'w't'r"); vowels, tone marks and silent letters are left out."""
    table = vocab.thai_table()
    letters: list[str] = []
    run = ""  # the consonants written last, with no vowel sign between them
    k = 0
    while k < len(word):
        ch = word[k]
        if ch == _THAI_KARAN:
            if letters:
                letters.pop()  # silenced by the karan
                if run[-2:] in _THAI_SILENT_PAIRS and letters:
                    letters.pop()
            run = ""
        elif ch not in table:
            run = ""  # a vowel sign or a tone mark
        elif ch == "ร" and word[k + 1 : k + 2] == "ร":
            # รร spells the vowel a (+ n at the end of a word: วรรณ = wan)
            letters.append("n" if not any(c in table for c in word[k + 2 :]) else "")
            run = ""
            k += 1
        elif ch == "ห" and word[k + 1 : k + 2] and word[k + 1] in _THAI_SONORANTS:
            pass  # a silent leading h (หม, หล, หว ...)
        else:
            letters.append(table[ch])
            run += ch
        k += 1
    return "'".join(x for x in letters if x)


def khmer_letters(word: str) -> str:
    """A Khmer word as its consonant letters in Latin, letters apart (vowel signs left out)."""
    table = vocab.khmer_table()
    return "'".join(table[ch] for ch in word if table.get(ch))


# ----------------------------------------------------------------------------- Arabic script

_ARTICLES = ("وال", "ال")


@functools.lru_cache(maxsize=100_000)
def arabic_skeleton(word: str) -> str:
    """Consonants of a word in Arabic script, in the classes of the Latin skeleton
    (:func:`duediligence.matching.compare._skeleton`), without a leading article:
    "التكريتي" -> "dkrd", "عبدالله" -> "bdlh"."""
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 3:
            word = word[len(article) :]
            break
    table = vocab.arabic_table()
    out = "".join(table.get(ch, "") for ch in word)
    return _REPEATS.sub(r"\1", out)


# Words an Arabic-script name writes apart that Latin forms mostly write as one with the next
# or previous word (Abd al-Rahman / Abdurrahman, Nasir al-Din / Nasiruddin, Aman Allah /
# Amanullah).
_JOIN_NEXT = frozenset(["عبد"])
_JOIN_PREVIOUS = frozenset(["الله", "اللہ", "الدين", "الدین", "الرحمن", "الرحمان"])


def join_arabic_words(words: list[str]) -> list[str]:
    """Join "عبد" with the next word and a word with a following "الله"/"الدين" (one Latin
    word in most romanisations): ["عبد", "الرحمن"] -> ["عبدالرحمن"]."""
    out: list[str] = []
    k = 0
    while k < len(words):
        word = words[k]
        if word in _JOIN_NEXT and k + 1 < len(words):
            word += words[k + 1]
            k += 1
        if out and word in _JOIN_PREVIOUS and out[-1] not in _JOIN_PREVIOUS:
            out[-1] += word
        else:
            out.append(word)
        k += 1
    return out


# ----------------------------------------------------------------------------- Korean


def _cyrillic_to_korean(word: str) -> str:
    table = vocab.korean_cyrillic_table()
    out: list[str] = []
    k = 0
    while k < len(word):
        for size in (2, 1):
            chunk = word[k : k + size]
            if chunk in table:
                latin = table[chunk]
                if chunk == "е" and out and out[-1] == "w":
                    latin = "e"  # Чхве: we
                elif latin.startswith("y") and out and out[-1] in ("j", "ch", "s"):
                    latin = latin[1:]  # Чен / Чё: the y glide is not written after j
                out.append(latin)
                k += size
                break
        else:
            out.append(word[k])
            k += 1
    return "".join(out)


@functools.lru_cache(maxsize=50_000)
def korean_in_cyrillic(words: tuple[str, ...]) -> tuple[str, ...] | None:
    """The words of a Korean name written in Cyrillic, romanised (Kontsevich), or None when the
    name does not read as Korean: 2 to 4 words, each one syllable, one of them (first or last)
    a Korean family name ("Ким Чен Ын" -> ("kim", "jon", "un"))."""
    if not 2 <= len(words) <= 4:
        return None
    if not all(len(w) <= 5 and _CYRILLIC_WORD.match(w) for w in words):
        return None
    latin = tuple(_cyrillic_to_korean(w) for w in words)
    families = vocab.korean_family_folds()
    if korean_fold(latin[0]) not in families and korean_fold(latin[-1]) not in families:
        return None
    return latin


def looks_korean_latin(words: tuple[str, ...]) -> bool:
    """True when a person's name in Latin letters reads as a romanised Korean name: 2 to 4
    words (a hyphenated given name counts as two), a Korean family name first or last, every
    word one or two Korean syllables."""
    if not 2 <= len(words) <= 4:
        return False
    families = vocab.korean_family_spellings()
    if words[0] in families:
        given = words[1:]
    elif words[-1] in families:
        given = words[:-1]
    else:
        return False
    return all(_korean_word(w) for w in given)


@functools.lru_cache(maxsize=50_000)
def _korean_word(word: str) -> bool:
    if _KOREAN_SYLLABLE.match(word):
        return True
    return any(
        _KOREAN_SYLLABLE.match(word[:k]) and _KOREAN_SYLLABLE.match(word[k:])
        for k in range(1, len(word))
    )


_KOREAN_FOLDS = [
    ("eo", "o"),
    ("eu", "u"),
    ("oe", "oi"),
    ("ae", "e"),
    ("we", "oi"),  # ㅚ / ㅙ / ㅞ all sound [we]: Choe, Choi, Chwe
    ("ee", "i"),
    ("oo", "u"),
    ("kh", "k"),
    ("th", "t"),
    ("ph", "p"),
    ("tch", "j"),
    ("ch", "j"),
    ("sh", "s"),
    ("g", "k"),
    ("d", "t"),
    ("b", "p"),
    ("r", "l"),
    ("'", ""),
    ("-", ""),
]


@functools.lru_cache(maxsize=100_000)
def korean_fold(latin: str) -> str:
    """A romanised Korean syllable with the differences of McCune-Reischauer, the DPRK's and
    the Revised Romanisation folded away (k/g, t/d, p/b, ch/j, r/l, eo/o, eu/u, oe/oi/we)."""
    for a, b in _KOREAN_FOLDS:
        latin = latin.replace(a, b)
    return latin


def korean_fold_loose(folded: str) -> str:
    """A folded syllable with a final ng read as n (Cyrillic writes both as н)."""
    return folded[:-2] + "n" if folded.endswith("nk") else folded
