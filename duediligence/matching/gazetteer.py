"""A gazetteer of the roster's names: find clients, their aliases and their parties in text.

Every client name and alias and every party name (owner, director, officer) is cut into
normalised word keys; each name contributes a few *forms* (a tuple of keys) to one hash table.
A text is tokenised once and, at each word that starts some form, the longest form that the
following words spell is looked up — a token-level Aho–Corasick in effect (the table holds
every form's key tuple and, per first word, the longest form starting with it), so the cost of
a text is a few dictionary look-ups per word, whatever the size of the roster. No regular
expression per client.

Normalisation of a word (:func:`word_key`), the same on the roster side and the text side:

- possessive ``'s`` / ``’s`` dropped ("HSBC's" = HSBC), apostrophes inside dropped (O'Brien);
- other scripts transliterated to Latin with rigour (Лю Тао = Lyu Tao, Chrétien = Chretien);
  Chinese and Japanese characters are one word each (刘涛 = Liu Tao);
- lower case. Spelling is otherwise kept exactly: a name that differs by one letter or by
  sound ("Phillipinnes", "Duutsche Bank") is another name, not a mention (the matcher's fuzzy
  comparison is for screening names against lists, not for reading running text). German
  umlauts written out ("Schroeder") are also indexed written plainly (Schröder = Schroder);
- hyphens separate words ("Cho Ju-bin" = Cho Ju bin); a hyphenated name is also indexed
  written together (Jubin).

Forms of a name (:func:`name_forms`):

- ``full``: the name's words, without honorifics (Mr, Dr, Sir ...) and generational suffixes
  (Jr, Sr, III) of persons, without the legal form (Ltd, GmbH, S.A., .com) and a leading "The" of
  companies: a company is found when the text leaves "Ltd" out;
- ``variant``: a person's name without middle names or initials ("Sergey Moskalenko" for
  "Sergey Yevgeniyevich MOSKALENKO"), lists' "FAMILY, Given" in running order, written together;
- ``surname``: a person's family name alone — the last word, or the first for names of
  traditions that write the family name first (Chinese, Korean, Vietnamese, Hungarian:
  ``matching/data/family_first_surnames.csv``); so "Liu Tao" and "Tao Liu" are different people
  and differ in their family name; for a name of three words or more, also the last two
  together, as Spanish and Portuguese names write their two family names ("Peña Nieto" of
  Enrique Peña Nieto, "Johnson Sirleaf");
- ``short``: the first distinctive word of a company name of several words ("Riggs" for "Riggs
  Bank"), never a generic company word.

Word order is kept: a form matches only in its own order, so "Tao Liu" does not find "Liu Tao".
Names are matched only where the text writes them capitalised (connectors such as "of" aside),
and a surname or short form only when it is not part of a longer capitalised name ("Jane
Denning" is not a mention of Mark Denning).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import countrynames
from rigour.text import ascii_text

from duediligence.matching import vocab
from duediligence.matching.compare import LEGAL_FORMS

FULL = "full"
VARIANT = "variant"
SURNAME = "surname"
SHORT = "short"
PARTIAL_FORMS = frozenset({SURNAME, SHORT})

HONORIFICS = frozenset(
    """mr mrs ms miss mx dr sir dame lord lady prof professor rev sheikh shaikh madam mme mlle
    herr frau sen senator gen judge""".split()  # noqa: SIM905
)
# Generational suffixes dropped from persons' names (Roman numerals tell people apart: kept).
SUFFIXES = frozenset("jr jnr sr snr esq phd".split())  # noqa: SIM905
# Titles written before a name ("President Juan Manuel Santos", "CEO Carl Ferrer").
TITLES = frozenset(
    """president vice prime minister chancellor governor senator congressman congresswoman
    representative rep mayor judge justice general gen colonel col captain capt king
    queen prince princess emir sheikh ceo cfo coo chairman chairwoman chair founder
    director secretary attorney commissioner ambassador chief officer inspector
    detective sergeant former ex late dr mr mrs ms""".split()  # noqa: SIM905
)
# Words joining the words of a name; they need not be capitalised in the text ("Bank of China").
CONNECTORS = frozenset(
    """of de del della der den van von da das dos du la le el al bin ibn bint y e and the""".split()  # noqa: SIM905
)
# Web suffixes and legal forms that a company name drops in running text.
_TRAILING_ORG = frozenset(LEGAL_FORMS | {"com", "net", "org", "co", "company", "limited"})
# Words that make a name a company's, and that never identify a company alone.
ORG_WORDS = frozenset(
    """bank banks bancorp banco group groups holding holdings company companies corporation
    corp trust fund funds capital partners management asset assets investment
    investments ventures securities insurance financial finance international global
    trading trade services service industries industry enterprises enterprise solutions
    systems technologies technology energy oil gas petroleum mining resources motors
    airlines airways shipping logistics media news foundation association council
    ministry department agency authority university college hospital church party club
    reserve exchange markets market national general united first new american british
    chinese royal federal central state city grupo groupe gruppe banco banque compania
    compagnie sociedad societe""".split()  # noqa: SIM905
)


def _keys_of(words: Iterable[str]) -> frozenset[str]:
    return frozenset(k for w in words if (k := word_key(w)))


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_UMLAUT = re.compile(r"(?<=[a-z])(?:ae|oe|ue)")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


@functools.lru_cache(maxsize=500_000)
def word_key(word: str) -> str:
    """The normalised key of one word of a name or a text (see the module docstring).

    Returns "" for a word with nothing comparable left (punctuation only)."""
    word = _POSSESSIVE.sub("", word)
    latin = word if word.isascii() else ascii_text(word)
    return "".join(ch for ch in latin.lower() if ch.isalnum() and ch.isascii())


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text: its key, character offsets and spelling as written."""

    key: str
    start: int
    end: int
    raw: str


# Sentence ends: ., !, ? or … (closing quotes and brackets may follow) before a capital or a
# digit, and line breaks (titles and paragraphs end a sentence too).
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n+")


def sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` character spans of the sentences of ``text`` (titles and paragraphs end
    a sentence too); blank stretches are skipped. Shared by news linking and the adverse-media
    reading (:mod:`duediligence.signals.mentions`)."""
    spans = []
    start = 0
    for sep in SENTENCE_END.finditer(text):
        if text[start : sep.start()].strip():
            spans.append((start, sep.start()))
        start = sep.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def tokenize(text: str) -> list[Token]:
    """The words of ``text`` with their keys (Chinese/Japanese characters one word each)."""
    out: list[Token] = []
    for m in _WORD.finditer(text):
        raw = m.group()
        if _CJK.search(raw):
            for k, ch in enumerate(raw):
                key = word_key(ch)
                if key:
                    out.append(Token(key, m.start() + k, m.start() + k + 1, ch))
            continue
        key = word_key(raw)
        if key:
            out.append(Token(key, m.start(), m.end(), raw))
    return out


def _raw_words(name: str) -> list[str]:
    words: list[str] = []
    for m in _WORD.finditer(name):
        raw = m.group()
        if _CJK.search(raw):
            words.extend(raw)
        else:
            words.append(raw)
    return words


def looks_like_person(name: str) -> bool:
    """A guess for clients (which carry no kind): two to four words, none a legal form or a
    company word, none a number."""
    words = [word_key(w) for w in _raw_words(name)]
    words = [w for w in words if w and w not in HONORIFICS and w not in SUFFIXES]
    return (
        2 <= len(words) <= 4
        and not any(w in _LEGAL or w in ORG_WORDS or w in _TRAILING_ORG for w in words)
        and not any(ch.isdigit() for w in words for ch in w)
    )


def _reorder_person(name: str) -> list[tuple[str, bool]]:
    """Running-text orders of a person's name, each with whether shortened forms are derived
    from it: lists' "FAMILY, Given" becomes "Given FAMILY" (kept family-first for traditions
    that write it first); "FAMILY Given" with the family name in capitals is kept as written
    and also read "Given FAMILY" (the shortened forms come from that reading)."""
    family_first = _family_first()
    if name.count(",") == 1:
        family, given = (p.strip() for p in name.split(","))
        first_family = word_key(family.split()[0]) if family.split() else ""
        if first_family in family_first:
            return [(f"{family} {given}", True)]
        return [(f"{given} {family}", True)]
    words = name.split()
    caps = 0
    while caps < len(words) and words[caps].isupper() and len(words[caps]) > 1:
        caps += 1
    if (
        0 < caps < len(words)
        and not any(w.isupper() for w in words[caps:])
        and word_key(words[0]) not in family_first
    ):
        return [(name, False), (" ".join(words[caps:] + words[:caps]), True)]
    return [(name, True)]


def _pairs(words: Iterable[str]) -> list[tuple[str, str]]:
    """``(word as written, key)`` of the words that have a key."""
    out = []
    for word in words:
        key = word_key(word)
        if key:
            out.append((word, key))
    return out


def _trim(pairs: list[tuple[str, str]], person: bool) -> list[tuple[str, str]]:
    """Drop honorifics and suffixes of a person's name, a leading "The" and the trailing legal
    form, web suffix or initials of a company name (always keeping one word)."""
    if person:
        while len(pairs) > 1 and pairs[0][1] in HONORIFICS:
            pairs.pop(0)
        while len(pairs) > 1 and pairs[-1][1] in SUFFIXES:
            pairs.pop()
        return pairs
    while len(pairs) > 1 and pairs[0][1] == "the":
        pairs.pop(0)
    while len(pairs) > 1 and (
        pairs[-1][1] in _TRAILING_ORG
        or pairs[-1][1] in CONNECTORS
        or (len(pairs[-1][1]) == 1 and len(pairs) > 2)
    ):
        pairs.pop()  # "Harbor Logistics Ltd", "Grupo X S.A. de C.V.", "Backpage.com"
    return pairs


def name_forms(name: str, *, person: bool) -> list[tuple[str, tuple[str, ...]]]:
    """The forms under which ``name`` is looked for: ``(form, keys)`` pairs, ``form`` one of
    full, variant, surname, short (see the module docstring). Empty for a name with no words."""
    forms: dict[tuple[str, ...], str] = {}
    rank = [FULL, VARIANT, SURNAME, SHORT]

    def add(form: str, keys: Sequence[str]) -> None:
        keys = tuple(k for k in keys if k)
        if not keys:
            return
        current = forms.get(keys)
        if current is None or rank.index(form) < rank.index(current):
            forms[keys] = form

    orders = _reorder_person(name) if person else [(name, True)]
    for n, (written, derive) in enumerate(orders):
        raw = _raw_words(written)
        pairs = _trim(_pairs(raw), person)
        words = [k for _r, k in pairs]
        if not words:
            continue
        add(FULL if n == 0 else VARIANT, words)
        plain = [_UMLAUT.sub(lambda m: m.group()[0], w) for w in words]
        if plain != words:
            add(VARIANT, plain)  # Schroeder / Schröder (read as Schroder)
        if not derive:
            continue
        if re.search(r"\w[-‐‑]\w", written):  # hyphenated words also written together
            joined = re.sub(r"(?<=\w)[-‐‑](?=\w)", "", written)
            add(
                VARIANT,
                [k for _r, k in _trim(_pairs(_raw_words(joined)), person)],
            )
        if person and len(words) >= 2:
            _person_forms(words, add)
        elif not person and len(words) >= 2:
            first = words[0]
            if (
                len(first) >= 4
                and first.isalpha()
                and first not in _NOT_SHORT
                and not countrynames.to_code(first, fuzzy=False)
            ):
                add(SHORT, [first])
    return [(form, keys) for keys, form in forms.items()]


@functools.cache
def _family_first() -> dict[str, str]:
    """Family names written first, by key (see :func:`vocab.family_first_surnames`)."""
    return {word_key(name): tradition for name, tradition in vocab.family_first_surnames().items()}


@functools.cache
def common_surname_keys() -> frozenset[str]:
    """Keys of very common family names (see :func:`vocab.common_surnames`)."""
    return _keys_of(vocab.common_surnames())


def _person_forms(words: list[str], add: Callable[[str, Sequence[str]], None]) -> None:
    """Variants and family names of a person's name of two or more words."""
    initials_dropped = [w for w in words if len(w) > 1]
    if 2 <= len(initials_dropped) < len(words):
        add(VARIANT, initials_dropped)
    core = initials_dropped if len(initials_dropped) >= 2 else words
    if len(core) >= 3:
        add(VARIANT, [core[0], core[-1]])
        add(VARIANT, [core[0], core[1]])  # Spanish: given name + first family name
    if len(core) >= 4:
        add(VARIANT, [core[0], core[2]])
    # The family name is the last word, or the first in traditions that write it first
    # ("Kim Jong Un"); a first word that may be either ("Kim Kardashian") is kept as a
    # possible family name too: commonness weighs such mentions down.
    tradition = _family_first().get(core[0])
    families = [core[-1], core[-2] if len(core) >= 4 else ""]  # Spanish: two family names
    if tradition is not None and tradition != "hungarian" and len(core) >= 3:
        families = []  # "Kim Jong Un": the last word is a given name
    for family in families:
        # two-letter family names (Li, Wu, He) stand alone too often as other words
        if (
            len(family) > 2
            and family not in CONNECTORS
            and not countrynames.to_code(family, fuzzy=False)
        ):
            add(SURNAME, [family])
    if families and len(core) >= 3 and all(len(w) > 2 and w not in CONNECTORS for w in core[-2:]):
        # Spanish and Portuguese names carry two family names, written together in the news
        # ("Peña Nieto", "Johnson Sirleaf"): a family-name form of two words
        add(SURNAME, core[-2:])
    if tradition is not None and len(core[0]) > 2:
        add(SURNAME, [core[0]])
        if tradition == "hungarian" and len(core) == 2:
            add(VARIANT, [core[1], core[0]])  # English news writes "Viktor Orban"


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One form of one roster name: whose it is, how it is related to the client."""

    client: int  # position of the client in :attr:`Gazetteer.clients`
    name: str  # the roster name as written
    via: str  # client | alias | party
    form: str  # full | variant | surname | short
    person: bool
    party_id: int | None = None
    role: str | None = None


@dataclass
class ClientInfo:
    """What the linker needs of a client besides its names."""

    id: int
    ref: str
    name: str
    country: str | None
    industry_words: frozenset[str] = frozenset()
    parties: dict[int, str] = field(default_factory=dict)  # party id -> name


@dataclass(frozen=True, slots=True)
class Hit:
    """A place the text spells a form of one or more roster names."""

    first: int  # index of the first token
    last: int  # index of the last token (inclusive)
    entries: tuple[int, ...]  # positions in :attr:`Gazetteer.entries`


class Gazetteer:
    """Every name, alias and party name of a roster, as forms in one hash table.

    Build with :meth:`add_client` / :meth:`add_name` (or :meth:`from_rows`), then call
    :meth:`scan` on tokenised text.
    """

    def __init__(self) -> None:
        self.clients: list[ClientInfo] = []
        self.entries: list[NameEntry] = []
        self._forms: dict[tuple[str, ...], list[int]] = {}
        self._longest: dict[str, int] = {}  # first key -> longest form starting with it
        self._partial_clients: dict[tuple[str, ...], set[int]] = defaultdict(set)
        self._by_id: dict[int, int] = {}
        self._named_forms: set[tuple[str, ...]] = set()  # forms that are some name in full

    def __len__(self) -> int:
        return len(self.entries)

    def add_client(
        self,
        client_id: int,
        ref: str,
        name: str,
        *,
        aliases: Iterable[str] = (),
        country: str | None = None,
        industry_words: frozenset[str] = frozenset(),
    ) -> int:
        """Add a client with its name and aliases; returns its position."""
        position = len(self.clients)
        self.clients.append(ClientInfo(client_id, ref, name, country, industry_words))
        self._by_id[client_id] = position
        person = looks_like_person(name)
        self.add_name(position, name, via="client", person=person)
        for alias in dict.fromkeys(a for a in aliases if a and a.strip() and a != name):
            self.add_name(position, alias, via="alias", person=looks_like_person(alias))
        return position

    def position_of(self, client_id: int) -> int | None:
        """Position of the client with database id ``client_id`` (None when absent)."""
        return self._by_id.get(client_id)

    def add_name(
        self,
        client: int,
        name: str,
        *,
        via: str,
        person: bool,
        party_id: int | None = None,
        role: str | None = None,
    ) -> None:
        """Index every form of ``name`` for the client at position ``client``."""
        if via == "party" and party_id is not None:
            self.clients[client].parties[party_id] = name
        for form, keys in name_forms(name, person=person):
            position = len(self.entries)
            self.entries.append(NameEntry(client, name, via, form, person, party_id, role))
            self._forms.setdefault(keys, []).append(position)
            if len(keys) > self._longest.get(keys[0], 0):
                self._longest[keys[0]] = len(keys)
            if form in PARTIAL_FORMS:
                self._partial_clients[keys].add(client)
            else:
                self._named_forms.add(keys)

    def sharing(self, keys: tuple[str, ...]) -> int:
        """How many clients have the partial form ``keys`` (a surname or short form)."""
        return len(self._partial_clients.get(keys, ()))

    def scan(self, tokens: Sequence[Token], text: str, *, title_case_until: int = 0) -> list[Hit]:
        """Every place in ``text`` (tokenised as ``tokens``) that spells a form; longest first,
        left to right, not overlapping. The words must be written capitalised (connectors
        aside); a partial form (surname, short) or a one-word name must not sit inside a longer
        capitalised name — except in a headline written in title case (every word capitalised,
        characters before ``title_case_until``), where capitals say nothing."""
        hits: list[Hit] = []
        longest = self._longest
        forms = self._forms
        n = len(tokens)
        i = 0
        while i < n:
            most = longest.get(tokens[i].key)
            if most is None:
                i += 1
                continue
            found = None
            for size in range(min(most, n - i), 0, -1):
                keys = tuple(t.key for t in tokens[i : i + size])
                entries = forms.get(keys)
                if entries is None or not _capitalised(tokens, i, size, text):
                    continue
                partial = keys not in self._named_forms
                if (
                    (partial or size == 1)
                    and tokens[i].start >= title_case_until
                    and _inside_name(tokens, i, size, text, partial)
                ):
                    continue
                found = Hit(i, i + size - 1, tuple(entries))
                break
            if found is None:
                i += 1
                continue
            hits.append(found)
            i = found.last + 1
        return hits


# The word lists in key form (folded as text words are: "llc" -> "lc", "company" -> "kompani").
HONORIFICS = _keys_of(HONORIFICS)
TITLES = _keys_of(TITLES) | HONORIFICS
SUFFIXES = _keys_of(SUFFIXES)
CONNECTORS = _keys_of(CONNECTORS)
_TRAILING_ORG = _keys_of(_TRAILING_ORG)
ORG_WORDS = _keys_of(ORG_WORDS)
_LEGAL = _keys_of(LEGAL_FORMS)
_NOT_SHORT = ORG_WORDS | CONNECTORS | _LEGAL | _TRAILING_ORG


def title_case(text: str) -> bool:
    """Most words of ``text`` (a headline) are capitalised, so capitals do not mark names."""
    words = [w for w in _WORD.findall(text) if w[:1].isalpha() and w.lower() not in CONNECTORS]
    if len(words) < 3:
        return False
    return sum(not w.islower() for w in words) >= 0.7 * len(words)


def _adjacent(text: str, left: Token, right: Token) -> bool:
    """The two words are written next to each other (only spaces between)."""
    gap = text[left.end : right.start]
    return gap.strip() == "" and "\n" not in gap


def _joined(text: str, left: Token, right: Token) -> bool:
    """The two words are written next to each other or hyphenated ("al-Assad")."""
    gap = text[left.end : right.start]
    return gap.strip() in ("", "-", "‐", "‑") and "\n" not in gap


def _is_capitalised(raw: str) -> bool:
    return not raw.islower()


def _capitalised(tokens: Sequence[Token], i: int, size: int, text: str) -> bool:
    for k in range(i, i + size):
        t = tokens[k]
        if t.key in CONNECTORS and 0 < k - i < size - 1:
            continue
        if not _is_capitalised(t.raw):
            return False
        if k > i and not _adjacent_or_hyphen(text, tokens[k - 1], t):
            return False
    return True


def _adjacent_or_hyphen(text: str, left: Token, right: Token) -> bool:
    gap = text[left.end : right.start]
    return gap.strip() in ("", "-", "‐", "‑", ".", "&") and "\n" not in gap


def _inside_name(
    tokens: Sequence[Token], i: int, size: int, text: str, partial: bool = True
) -> bool:
    """The words ``i .. i+size-1`` are part of a longer capitalised name in the text
    ("Attorney General", "Crown Prosecution Service", "Jane Denning" for the surname Denning).
    A title or honorific before ("President Duterte", "Mr Denning") and, for a whole name, a
    company word or legal form after ("HSBC Holdings") keep it a mention."""
    k = i - 1
    while (
        k > 0
        and tokens[k].key in CONNECTORS
        and _adjacent_or_hyphen(text, tokens[k], tokens[k + 1])
    ):
        k -= 1  # "Rifaat al-Assad": the name goes on before "al"
    if k >= 0:
        before = tokens[k]
        if (
            _is_capitalised(before.raw)
            and before.key not in TITLES
            and before.key not in CONNECTORS
            and _joined(text, before, tokens[k + 1])
            # a sentence's first word may be capitalised for that alone, but not one joined
            # to the name by a connector ("Rifaat al-Assad: ..." opening a headline)
            and (k < i - 1 or not _sentence_start(text, before))
        ):
            return True
    end = i + size - 1
    if end + 1 < len(tokens):
        after = tokens[end + 1]
        if (
            not _POSSESSIVE.search(tokens[end].raw)
            and _is_capitalised(after.raw)
            and after.key not in CONNECTORS
            and after.key not in SUFFIXES
            and (partial or (after.key not in ORG_WORDS and after.key not in _TRAILING_ORG))
            and _adjacent(text, tokens[end], after)
        ):
            return True
    return False


def _sentence_start(text: str, token: Token) -> bool:
    """``token`` opens a sentence or a line (so its capital says nothing)."""
    before = text[: token.start].rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?:\n"
