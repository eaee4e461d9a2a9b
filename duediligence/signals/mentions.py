"""Find where a text names its subject: sentences, and the subject's mentions in them.

A :class:`Subject` is the names a caller knows for one party — a client's name and aliases, and
(optionally) the names of its owners and directors. :func:`find_mentions` scans a text for them:
words whose folded spelling starts like a word of one of the names are grouped into spans, and a
span counts as a mention when the matcher's own comparison
(:func:`duediligence.matching.compare_names`, which drops legal forms, transliterates and
tolerates spelling variants) scores it at :data:`~duediligence.matching.DEFAULT_THRESHOLD` or
above against one of the names — or when it is the one distinctive word a long name is shortened
to in running text ("Backpage" for "Backpage.com LLC", "Kowalski" for "Maria Kowalski").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from duediligence.matching import DEFAULT_THRESHOLD, compare_names
from duediligence.matching.compare import prepare_name

# A shortened name ("Kowalski", "Helios") is accepted when the matcher scores it at least this
# high against the full name: one of two words matching exactly scores 0.75, a generic word of
# a company name ("Holdings") scores lower and a legal form ("Corp") zero.
SHORT_FORM_SCORE = 0.7
# Words that stand for a company in running text but never identify one on their own.
GENERIC_WORDS = frozenset(
    [
        "bank",
        "banks",
        "group",
        "holding",
        "holdings",
        "company",
        "companies",
        "corp",
        "corporation",
        "inc",
        "ltd",
        "llc",
        "plc",
        "international",
        "global",
        "trading",
        "services",
        "service",
        "capital",
        "partners",
        "national",
        "united",
        "general",
        "first",
        "new",
        "the",
        "and",
        "of",
        "for",
        "de",
        "la",
        "le",
        "el",
        "al",
        "bin",
        "ibn",
        "van",
        "von",
        "der",
        "den",
        "mr",
        "mrs",
        "ms",
        "dr",
    ]
)
_POSSESSIVE = re.compile(r"['’]s$")
_WORD = re.compile(r"[^\W_](?:[\w&.'’-]*[^\W_])?")
_CONNECTORS = frozenset({"&", "and", "of", "de", "del", "da", "van", "von", "bin", "al", "-"})


@dataclass(frozen=True)
class Subject:
    """The names of the party an article is checked against.

    ``names``: the party's own name first, then its aliases (a client's legal and trading names).
    ``related``: names of related persons and companies (owners, directors, officers); an
    article accusing one of them is adverse about the party too, and says which name it found.
    """

    names: tuple[str, ...]
    related: tuple[str, ...] = field(default=())

    @classmethod
    def of(cls, names: Sequence[str], related: Sequence[str] = ()) -> Subject:
        """Build a subject from any sequence of names, dropping blanks and duplicates."""
        clean = tuple(dict.fromkeys(n.strip() for n in names if n and n.strip()))
        rel = dict.fromkeys(n.strip() for n in related if n and n.strip())
        return cls(clean, tuple(n for n in rel if n not in clean))

    @property
    def all_names(self) -> tuple[str, ...]:
        """Own names first, then related names."""
        return self.names + self.related


@dataclass(frozen=True)
class Mention:
    """One place a text names the subject: character offsets, the words, the name matched."""

    start: int
    end: int
    text: str
    name: str
    score: float


@functools.lru_cache(maxsize=65_536)
def fold(word: str) -> str:
    """Lower-case ASCII spelling of a word (accents dropped, possessive 's cut); cached, as a
    long article repeats most of its words."""
    word = _POSSESSIVE.sub("", word)
    ascii_word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return (ascii_word or word).casefold().strip(".'’-")


@functools.lru_cache(maxsize=4096)
def _name_keys(name: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Prefix keys of the name's distinctive words (a mention starts with one), of all its words
    (a mention grows over them: "Helios Bank"), and the one-word short forms it may go by."""
    words = [fold(w) for w in _WORD.findall(name)]
    words = [w.split(".")[0] if "." in w and not w.replace(".", "").isupper() else w for w in words]
    keys = frozenset(w[:4] for w in words if len(w) >= 3 and w not in GENERIC_WORDS)
    grow = frozenset(w[:4] for w in words if w)
    shorts = set()
    if len(words) >= 2:
        for w in {words[0], words[-1]}:
            if len(w) >= 4 and w not in GENERIC_WORDS and _score(w, name) >= SHORT_FORM_SCORE:
                shorts.add(w)
    elif len(words) == 1 and len(words[0]) >= 3:
        shorts.add(words[0])
    return keys, grow, frozenset(shorts)


@functools.lru_cache(maxsize=65_536)
def _score(span: str, name: str) -> float:
    # News drops a company's legal form ("Orchard Lane Payments" for "Orchard Lane Payments
    # Ltd"); compared as an unknown kind of party, such a span would read as a person's name
    # against a company's and lose 40 %. A span that is the company's whole name but its legal
    # form is the company; a partial one ("Kestrel Harbour" of "Kestrel Harbour Foods") keeps
    # the cautious score.
    score = compare_names(span, name).score
    if score < 1.0 and _has_legal_form(name):
        whole = compare_names(span, name, "Company").score
        if whole == 1.0:
            return whole
    return score


@functools.lru_cache(maxsize=4096)
def _has_legal_form(name: str) -> bool:
    return prepare_name(name, "LegalEntity").has_legal_form


def find_mentions(text: str, subject: Subject) -> list[Mention]:
    """Every mention of the subject's names in ``text``, in order of appearance.

    Cost: a set look-up per word of the text; the matcher runs only on the few spans whose words
    start like a word of a name (results are cached per span and name).
    """
    keyed = [(name, *_name_keys(name)) for name in subject.all_names]
    all_keys: frozenset[str] = frozenset().union(*(k for _n, k, _g, _s in keyed))
    grow_keys: frozenset[str] = frozenset().union(*(g for _n, _k, g, _s in keyed))
    if not all_keys:
        return []
    words = [(m.start(), m.end(), m.group(), fold(m.group())) for m in _WORD.finditer(text)]
    mentions: list[Mention] = []
    i = 0
    while i < len(words):
        if words[i][3][:4] not in all_keys or not words[i][2][:1].isupper():
            i += 1
            continue
        j = i + 1  # grow the span over name words and the connectors inside names
        while j < len(words) and j - i < 8:
            w = words[j]
            if w[3][:4] in grow_keys and w[2][:1].isupper():
                j += 1
            elif (
                w[3] in _CONNECTORS
                and j + 1 < len(words)
                and words[j + 1][3][:4] in grow_keys
                and text[words[j - 1][1] : w[0]].strip() == ""
            ):
                j += 2
            else:
                break
        span = re.sub(r"['’]s$", "", text[words[i][0] : words[j - 1][1]])
        found = _best(span, [words[k][3] for k in range(i, j)], keyed)
        if found is not None:
            name, score = found
            mentions.append(
                Mention(
                    words[i][0], words[j - 1][1], text[words[i][0] : words[j - 1][1]], name, score
                )
            )
        i = j
    return mentions


def _best(
    span: str,
    folded: list[str],
    keyed: list[tuple[str, frozenset[str], frozenset[str], frozenset[str]]],
) -> tuple[str, float] | None:
    best: tuple[str, float] | None = None
    for name, _keys, _grow, shorts in keyed:
        if len(folded) == 1 and folded[0].split(".")[0] in shorts:
            score = max(_score(span, name), SHORT_FORM_SCORE)
        else:
            score = _score(span, name)
            if score < DEFAULT_THRESHOLD:
                continue
        if best is None or score > best[1]:
            best = (name, score)
    return best
