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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import OSA
from rigour.names import NamePart, NamePartTag, NameTypeTag, analyze_names
from rigour.names.org_types import extract_org_types
from rigour.text import ascii_text, metaphone

from duediligence.defaults import MATCH_THRESHOLD

MATCHER_VERSION = "dd-names-2"
DEFAULT_THRESHOLD = MATCH_THRESHOLD

GENERIC_WEIGHT = 0.25
INITIAL_SIMILARITY = 0.8
PHONETIC_SIMILARITY = 0.85
MIN_TOKEN_SIMILARITY = 0.72
COMPOUND_SIMILARITY = 0.85
CONFLICT_FACTOR = 0.95

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


@dataclass(frozen=True, slots=True, eq=False)
class Token:
    """One prepared name token (one shared object per distinct spelling: compared by identity)."""

    text: str  # as written (normalised case)
    latin: str  # Latin transliteration used for comparison
    phonetic: str | None
    weight: float
    numeric: bool
    skeleton: str = ""  # consonants only, for scripts written without vowels (Arabic, Hebrew)
    folded: str = ""  # spelling folded across transliteration conventions (dzh/j, c/k, ph/f ...)


@dataclass(slots=True)
class PreparedName:
    """A name analysed once and reused for every comparison (shared: never modify one)."""

    original: str
    schema: str
    tokens: tuple[Token, ...]
    numbers: frozenset[str]
    has_legal_form: bool
    total_weight: float  # sum of the token weights


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


@functools.lru_cache(maxsize=200_000)
def prepare_name(name: str, schema: str = "LegalEntity") -> PreparedName:
    """Analyse ``name`` with rigour into weighted tokens (cached)."""
    type_tag = SCHEMA_TYPES.get(schema, NameTypeTag.ENT)
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
    if type_tag != NameTypeTag.PER:
        folded = name.casefold()
        found = {w for _, target in extract_org_types(folded) for w in target.split()}
        if not folded.isascii():  # also in Latin transliteration (ооо, лимитед ...)
            found |= {
                w for _, target in extract_org_types(ascii_text(folded)) for w in target.split()
            }
    person = type_tag == NameTypeTag.PER
    tokens: list[Token] = []
    dropped: list[Token] = []  # legal forms, kept when the name is nothing else ("AB")
    legal = False
    for part in parts:
        tag = part.tag
        if tag == NamePartTag.STOP and not person:
            continue  # in a person's name only our particle list is dropped (Kim Jong Un)
        form = part.form
        comparable = part.comparable or form
        if comparable.isascii():
            pieces = [(form, comparable)]
            abjad = False
        else:
            # Other scripts are compared in Latin transliteration; CJK names may split into
            # several syllable-words (李伟 -> li wei).
            words = ascii_text(comparable).lower().split()
            pieces = [(form if len(words) == 1 else w, w) for w in words]
            abjad = _is_abjad(comparable)
        for word, latin in pieces:
            if not latin or latin in STOP_WORDS:
                continue
            token = _token(word, latin, abjad)
            if tag == NamePartTag.LEGAL or latin in LEGAL_FORMS or latin in found:
                legal = True
                dropped.append(token)
                continue
            tokens.append(token)
    if not tokens and dropped:
        tokens, legal = dropped, False
    numbers = {t.latin for t in tokens if t.numeric}
    return PreparedName(
        name,
        schema,
        tuple(tokens),
        frozenset(numbers) if numbers else _NO_NUMBERS,
        legal,
        sum(t.weight for t in tokens),
    )


_NO_NUMBERS: frozenset[str] = frozenset()


@functools.lru_cache(maxsize=1_000_000)
def _token(form: str, latin: str, abjad: bool) -> Token:
    """One token object per distinct spelling (shared by every name that uses it).

    The phonetic key is rigour's metaphone, computed here once per spelling rather than by
    ``analyze_names`` for every name (like rigour, none for words of one or two letters).
    """
    phonetic = (metaphone(latin) or None) if len(latin) > 2 else None
    numeric = any(ch.isdigit() for ch in latin)
    weight = GENERIC_WEIGHT if latin in GENERIC_WORDS else 1.0
    skeleton = _skeleton(latin) if abjad else ""
    return Token(form, latin, phonetic, weight, numeric, skeleton, _fold(latin))


_FOLDS = [
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
    ("c", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("y", "i"),
    ("w", "v"),
]


def _fold(latin: str) -> str:
    for a, b in _FOLDS:
        latin = latin.replace(a, b)
    return latin


_VOWELS = str.maketrans("", "", "aeiouyw'")


def _skeleton(latin: str) -> str:
    return latin.translate(_VOWELS)


def _is_abjad(text: str) -> bool:
    return any("\u0590" <= ch <= "\u08ff" for ch in text)  # Hebrew, Arabic, Syriac, Thaana


@functools.lru_cache(maxsize=500_000)
def _token_similarity(a: Token, b: Token, person: bool) -> tuple[float, str]:
    """Similarity of two tokens in [0, 1] and how they match (cached per token pair)."""
    if a.latin == b.latin:
        return 1.0, "same" if a.text.isascii() == b.text.isascii() else "same in Latin script"
    if a.numeric or b.numeric:
        return 0.0, "different number"
    if person and (len(a.latin) == 1 or len(b.latin) == 1):
        short, long_ = (a, b) if len(a.latin) == 1 else (b, a)
        if long_.latin.startswith(short.latin):
            return INITIAL_SIMILARITY, "initial"
        return 0.0, "different initial"
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
    if (a.skeleton or b.skeleton) and len(a.latin) > 2 and len(b.latin) > 2:
        # One side is in a script written without vowels: compare the consonants.
        skel = OSA.normalized_similarity(
            a.skeleton or _skeleton(a.latin), b.skeleton or _skeleton(b.latin)
        )
        if skel >= 0.75 and 0.85 * skel > sim:
            sim, how = 0.85 * skel, "same consonants (transliterated)"
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
    return (sim, how) if sim >= MIN_TOKEN_SIMILARITY else (0.0, "different")


def _align(
    left: PreparedName, right: PreparedName, person: bool
) -> list[tuple[int, int, float, str]]:
    """Greedy best-first one-to-one token alignment."""
    candidates = []
    similarity = _token_similarity
    for i, a in enumerate(left.tokens):
        for j, b in enumerate(right.tokens):
            sim, how = similarity(a, b, person)
            if sim > 0:
                weight = a.weight if a.weight < b.weight else b.weight
                candidates.append((-sim * weight, i, j, sim, how))
    if len(candidates) > 1:
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


def _compounds(
    split: PreparedName,
    joined: PreparedName,
    explained_split: dict[int, float],
    explained_joined: dict[int, float],
) -> list[tuple[int, int, float]]:
    """Match two adjacent unexplained words of ``split`` to one unexplained word of ``joined``.

    Returns ``(i, j, similarity)``: words ``i`` and ``i + 1`` of ``split`` are word ``j`` of
    ``joined`` written together.
    """
    found: list[tuple[int, int, float]] = []
    if len(explained_joined) == len(joined.tokens) or len(split.tokens) - len(explained_split) < 2:
        return found
    free = [j for j in range(len(joined.tokens)) if j not in explained_joined]
    tokens = split.tokens
    for i in range(len(tokens) - 1):
        if i in explained_split or i + 1 in explained_split:
            continue
        a, b = tokens[i], tokens[i + 1]
        if a.numeric or b.numeric:
            continue
        together = a.latin + b.latin
        size = len(together)
        for j in free:
            other = joined.tokens[j].latin
            # Written together, the words keep their first letter and about their length.
            if other[0] != together[0] or abs(len(other) - size) > 2:
                continue
            sim = OSA.normalized_similarity(together, other)
            if sim < COMPOUND_SIMILARITY and _skeleton(together) == _skeleton(other):
                sim = COMPOUND_SIMILARITY  # same consonants: Abd al / Abdul / Abdel
            if sim >= COMPOUND_SIMILARITY:
                explained_split[i] = explained_split[i + 1] = sim
                explained_joined[j] = sim
                free.remove(j)
                found.append((i, j, sim))
                break
        if not free:
            break
    return found


def _looks_like_person(name: PreparedName) -> bool:
    return (
        not name.has_legal_form
        and 2 <= len(name.tokens) <= 4
        and all(t.weight == 1.0 and not t.numeric for t in name.tokens)
    )


def compare_prepared(left: PreparedName, right: PreparedName) -> NameMatch:
    """Compare two prepared names (see the module docstring for the rules)."""
    if not left.tokens or not right.tokens:
        return NameMatch(0.0, "one of the names has no comparable words")
    person = left.schema == "Person" or right.schema == "Person"
    pairs = _align(left, right, person)
    explained_l = {i: sim for i, _, sim, _ in pairs}
    explained_r = {j: sim for _, j, sim, _ in pairs}
    # Words written together on one side and apart on the other (HADDAD-ADEL / HADDADADEL,
    # Gholam-Ali / Gholamali, DAH DASHT / DAHDASHT).
    joined_r = _compounds(left, right, explained_l, explained_r)
    joined_l = _compounds(right, left, explained_r, explained_l)
    lt, rt = left.tokens, right.tokens
    cov_l = sum(sim * lt[i].weight for i, sim in explained_l.items()) / left.total_weight
    cov_r = sum(sim * rt[j].weight for j, sim in explained_r.items()) / right.total_weight
    missing_l = len(explained_l) < len(lt)
    missing_r = len(explained_r) < len(rt)

    # A missing middle name or patronymic is cheap: when every word of the shorter person name
    # is explained and it has at least two words, the longer side's extra words count half.
    extra = ""
    if person and min(len(lt), len(rt)) >= 2:
        if not missing_l and cov_l >= 0.8 and missing_r:
            cov_r += (1 - cov_r) * 0.5
            extra = "right"
        elif not missing_r and cov_r >= 0.8 and missing_l:
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
        score = min(score, 0.3)
    company_vs_person = False
    if left.has_legal_form != right.has_legal_form:
        plain = right if left.has_legal_form else left
        if plain.schema == "Person" or (
            plain.schema == "LegalEntity" and _looks_like_person(plain)
        ):
            score *= 0.6
            company_vs_person = True
    score = round(max(0.0, min(1.0, score)), 4)

    def build() -> tuple[str, dict[str, Any]]:
        matched = [f"'{lt[i].text}' ~ '{rt[j].text}' ({how})" for i, j, _, how in pairs]
        matched += [
            f"'{lt[i].text} {lt[i + 1].text}' ~ '{rt[j].text}' (written together)"
            for i, j, _ in joined_r
        ]
        matched += [
            f"'{lt[i].text}' ~ '{rt[j].text} {rt[j + 1].text}' (written together)"
            for j, i, _ in joined_l
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
