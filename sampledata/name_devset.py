"""The name-matching development set: labelled pairs, each tagged with its kind and its origin.

Built in memory from the real lists in ``DD_SHARED_DATA`` by :func:`build_devset` (seeded, so
the same pairs every time) and read that way by ``benchmarks/matching.py``; most pairs hold real
list names, which are never committed, so ``python -m sampledata.name_devset
--write`` writes them to the git-ignored ``sample_data/name_pairs.csv`` only for reading. Used
only for development (an independent held-out evaluation is run by others). Columns:
``left, right, schema, match, kind, detail, origin``.

Kinds (the kinds of issue 15), each with positives and hard negatives:

- ``alias``: an OFAC primary name and one of its ``alt.csv`` aliases sharing a word stem
  that is a variant of the primary name (:func:`is_name_variant`: transliteration, reordering,
  dropped or short names; origin ``ofac-alt``); other a.k.a.s (another given name, a nom de
  guerre, a translation) are left out; negatives are two different OFAC entries sharing a word
  (origin ``ofac-sdn``);
- ``false-positive``: an initial never stands in for a full surname present on the other side
  ("Given SURNAME" vs "OTHER, Given S."), a single common word against a short one-word alias
  that only sounds like it; positives: the same surname with an extra middle initial, a given
  name reduced to its initial (names from OFAC, arrangement ours: origin ``constructed-ofac``);
- ``numbers``: one number written as digits, Roman numerals, number words or ordinals vs the
  same or another number (bases: OFAC vessel and company names);
- ``abbreviations``: company words abbreviated (English, Turkish, Spanish, French, German,
  Russian forms) vs written out; negatives change the distinctive word or the business word;
- ``initials``: names of initials dotted, hyphenated, spaced and joined; particles written
  together ("vanderberg" / "van der Berg"); negatives: other short names;
- ``particles``: Arabic particles (bin/ibn, al-/el-, abu) with transliteration variants;
  digits and symbols for letters; common short forms of given names;
- ``scripts``: UN list names in Arabic and Cyrillic with their Latin form (origin
  ``un-original-script``); Korean (Hangul, Korean in Cyrillic, McCune-Reischauer vs Revised
  Romanisation), Khmer, Thai, Greek and Chinese names written by hand (origin ``hand``);
  negatives pair a name with another person's.

The pairs written by hand and the lists of short forms, abbreviations and particles used to
construct pairs live here, apart from the matcher's own data files, and were written without
looking at the matcher's output.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Indel

from duediligence import csvutil
from duediligence.shipped import shared_data_dir
from sampledata.name_pairs import _person_order, _read, _stems

KINDS = (
    "alias",
    "false-positive",
    "numbers",
    "abbreviations",
    "initials",
    "particles",
    "scripts",
)
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "sample_data" / "name_pairs.csv"
FIELDS = ["left", "right", "schema", "match", "kind", "detail", "origin"]


@dataclass(frozen=True)
class DevPair:
    """One labelled pair of the development set."""

    left: str
    right: str
    schema: str
    match: bool
    kind: str
    detail: str
    origin: str


# ----------------------------------------------------------------------------- data for pairs

NUMBER_WORDS = {
    1: "ONE",
    2: "TWO",
    3: "THREE",
    4: "FOUR",
    5: "FIVE",
    6: "SIX",
    7: "SEVEN",
    8: "EIGHT",
    9: "NINE",
    10: "TEN",
    11: "ELEVEN",
    12: "TWELVE",
    13: "THIRTEEN",
    14: "FOURTEEN",
    15: "FIFTEEN",
    16: "SIXTEEN",
    17: "SEVENTEEN",
    18: "EIGHTEEN",
    19: "NINETEEN",
    20: "TWENTY",
    21: "TWENTY ONE",
    25: "TWENTY-FIVE",
    30: "THIRTY",
    40: "FORTY",
    50: "FIFTY",
    100: "HUNDRED",
}
ORDINAL_WORDS = {
    1: "FIRST",
    2: "SECOND",
    3: "THIRD",
    4: "FOURTH",
    5: "FIFTH",
    6: "SIXTH",
    7: "SEVENTH",
    8: "EIGHTH",
    9: "NINTH",
    10: "TENTH",
    11: "ELEVENTH",
    12: "TWELFTH",
    20: "TWENTIETH",
}


def roman(n: int) -> str:
    """``n`` (1..3999) in Roman numerals."""
    out = ""
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out += letters
            n -= value
    return out


def ordinal_digits(n: int) -> str:
    """``n`` as 1st, 2nd, 3rd, 4th ..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# (full form, abbreviated forms) per language; the distinctive word comes from OFAC.
COMPANY_PHRASES = [
    ("TECHNOLOGIES", ["TECH", "TECHS"]),
    ("MANUFACTURING COMPANY", ["MFG CO", "MFG. CO."]),
    ("HOLDINGS", ["HLDGS", "HOLDGS"]),
    ("SERVICES", ["SVCS", "SVC"]),
    ("INTERNATIONAL", ["INTL", "INT'L"]),
    ("ASSOCIATION", ["ASSN", "ASSOC"]),
    ("BROTHERS", ["BROS", "BROS."]),
    ("DEVELOPMENT CORPORATION", ["DEV CORP", "DEVT CORP"]),
    ("ENGINEERING", ["ENGG", "ENGRG"]),
    ("INDUSTRIES", ["INDS", "IND."]),
    ("INVESTMENTS", ["INVTS", "INVT"]),
    ("MANAGEMENT", ["MGMT", "MGT"]),
    ("PHARMACEUTICALS", ["PHARMA", "PHARMS"]),
    ("NATIONAL BANK", ["NATL BANK", "NAT'L BANK"]),
    ("MARKETING", ["MKTG"]),
    ("DISTRIBUTION", ["DISTR", "DIST"]),
    ("ELECTRONICS", ["ELEC", "ELECS"]),
    ("EQUIPMENT", ["EQUIP", "EQPT"]),
    ("CONSTRUCTION", ["CONSTR", "CONST"]),
    ("TRANSPORTATION", ["TRANSP", "TRANS"]),
    ("COMMUNICATIONS", ["COMMS", "COMM"]),
    ("LABORATORIES", ["LABS", "LAB"]),
    ("PRODUCTS", ["PRODS", "PROD"]),
    (
        "INSAAT SANAYI VE TICARET LIMITED SIRKETI",
        ["INS. SAN. VE TIC. LTD. STI.", "INS SAN TIC LTD STI"],
    ),
    ("SANAYI VE TICARET ANONIM SIRKETI", ["SAN. VE TIC. A.S.", "SAN TIC AS"]),
    ("COMPANIA", ["CIA", "CIA."]),
    ("COMPAGNIE", ["CIE", "CIE."]),
    ("SOCIETE", ["STE", "STE."]),
    ("GESELLSCHAFT MIT BESCHRANKTER HAFTUNG", ["GMBH", "GES.M.B.H."]),
    ("AKTIENGESELLSCHAFT", ["AG"]),
    ("SOCIEDAD ANONIMA", ["S.A.", "SA"]),
    ("OBSHCHESTVO S OGRANICHENNOY OTVETSTVENNOSTYU", ["OOO", "O.O.O."]),
    ("PUBLIC JOINT STOCK COMPANY", ["PJSC", "P.J.S.C."]),
    ("CORPORATION", ["CORP", "CORP."]),
    ("LIMITED", ["LTD", "LTD."]),
    ("DEPARTMENT", ["DEPT", "DEPT."]),
    ("INSTITUTE", ["INST", "INST."]),
    ("UNIVERSITY", ["UNIV", "UNIV."]),
]
LEGAL_PHRASES = {
    "COMPANIA",
    "COMPAGNIE",
    "SOCIETE",
    "GESELLSCHAFT MIT BESCHRANKTER HAFTUNG",
    "AKTIENGESELLSCHAFT",
    "SOCIEDAD ANONIMA",
    "OBSHCHESTVO S OGRANICHENNOY OTVETSTVENNOSTYU",
    "PUBLIC JOINT STOCK COMPANY",
    "CORPORATION",
    "LIMITED",
}
BUSINESS_WORDS = [
    "TECHNOLOGIES",
    "SHIPPING",
    "FOODS",
    "PETROLEUM",
    "TEXTILES",
    "AVIATION",
    "MINING",
    "MEDIA",
    "FURNITURE",
    "CHEMICALS",
]
LOGISTICS_WORDS = ["LOGISTICS", "TRADING", "SHIPPING", "ELECTRONICS", "CONSULTING", "MOTORS"]

# Common given names and their short forms (English, with a few other languages).
SHORT_FORMS = {
    "WILLIAM": ["BILL", "WILL", "BILLY"],
    "ROBERT": ["BOB", "ROB", "BOBBY"],
    "RICHARD": ["DICK", "RICK", "RICH"],
    "JAMES": ["JIM", "JIMMY"],
    "JOSEPH": ["JOE", "JOEY"],
    "MICHAEL": ["MIKE", "MICK"],
    "THOMAS": ["TOM", "TOMMY"],
    "CHARLES": ["CHARLIE", "CHUCK"],
    "ELIZABETH": ["LIZ", "BETH", "BETTY"],
    "MARGARET": ["MAGGIE", "PEGGY"],
    "KATHERINE": ["KATE", "KATHY"],
    "ALEXANDER": ["ALEX", "SASHA"],
    "EDWARD": ["ED", "TED", "EDDIE"],
    "ANTHONY": ["TONY"],
    "DANIEL": ["DAN", "DANNY"],
    "STEPHEN": ["STEVE"],
    "NICHOLAS": ["NICK"],
    "JENNIFER": ["JEN", "JENNY"],
    "FRANCISCO": ["PACO", "PANCHO"],
    "JOSE": ["PEPE"],
    "VLADIMIR": ["VOLODYA"],
    "DMITRY": ["DIMA"],
    "PATRICIA": ["PAT", "TRISH"],
    "CHRISTOPHER": ["CHRIS"],
    "BENJAMIN": ["BEN"],
    "SAMUEL": ["SAM"],
    "ANDREW": ["ANDY", "DREW"],
    "JONATHAN": ["JON"],
    "TIMOTHY": ["TIM"],
    "GREGORY": ["GREG"],
}
ENGLISH_SURNAMES = [
    "ANDERSON",
    "WHITFIELD",
    "HARRINGTON",
    "MCALLISTER",
    "CALDWELL",
    "PEMBERTON",
    "OKAFOR",
    "LINDQVIST",
    "DRUMMOND",
    "FAIRBANKS",
    "GALLAGHER",
    "HOLLOWAY",
    "KENSINGTON",
    "LOCKWOOD",
    "MERRIWEATHER",
    "NORTHCOTT",
    "PRESCOTT",
    "RADCLIFFE",
    "STANFIELD",
    "THORNBURY",
]
LEET = {"O": "0", "I": "1", "L": "1", "E": "3", "A": "4", "S": "5", "T": "7", "B": "8"}

# Hand-written names in other scripts with their usual Latin forms: (script form, Latin form,
# detail). Korean names: list romanisation (McCune-Reischauer without marks) and Revised.
HAND_SCRIPT = [
    ("김정은", "KIM, Jong Un", "Hangul vs list romanisation"),
    ("김정은", "Kim Jeong-eun", "Hangul vs Revised Romanisation"),
    ("최룡해", "Choe Ryong-hae", "Hangul vs list romanisation"),
    ("김여정", "KIM, Yo Jong", "Hangul vs list romanisation"),
    ("김영철", "KIM, Yong Chol", "Hangul vs list romanisation"),
    ("리병철", "RI, Pyong Chol", "Hangul vs list romanisation"),
    ("리용호", "RI, Yong Ho", "Hangul vs list romanisation"),
    ("박봉주", "PAK, Pong Ju", "Hangul vs list romanisation"),
    ("조연준", "JO, Yon Jun", "Hangul vs list romanisation"),
    ("황병서", "HWANG, Pyong So", "Hangul vs list romanisation"),
    ("최선희", "CHOE, Son Hui", "Hangul vs list romanisation"),
    ("김기남", "KIM, Ki Nam", "Hangul vs list romanisation"),
    ("김경희", "KIM, Kyong Hui", "Hangul vs list romanisation"),
    ("장성택", "JANG, Song Thaek", "Hangul vs list romanisation"),
    ("현영철", "HYON, Yong Chol", "Hangul vs list romanisation"),
    ("리수용", "RI, Su Yong", "Hangul vs list romanisation"),
    ("김원홍", "KIM, Won Hong", "Hangul vs list romanisation"),
    ("오일정", "O, Il Jong", "Hangul vs list romanisation"),
    ("조용원", "Jo Yong-won", "Hangul vs list romanisation"),
    ("김덕훈", "Kim Tok-hun", "Hangul vs list romanisation"),
    ("리만건", "Ri Man-gon", "Hangul vs list romanisation"),
    ("태종수", "Thae Jong-su", "Hangul vs list romanisation"),
    ("김재룡", "Kim Jae-ryong", "Hangul vs list romanisation"),
    ("문재인", "Moon Jae-in", "Hangul vs common romanisation"),
    ("박근혜", "Park Geun-hye", "Hangul vs Revised Romanisation"),
    ("이명박", "Lee Myung-bak", "Hangul vs common romanisation"),
    ("윤석열", "Yoon Suk-yeol", "Hangul vs common romanisation"),
    ("반기문", "Ban Ki-moon", "Hangul vs common romanisation"),
    ("Ким Чен Ир", "KIM, Jong Il", "Korean in Cyrillic vs list romanisation"),
    ("Ким Ё Чжон", "KIM, Yo Jong", "Korean in Cyrillic vs list romanisation"),
    ("Чхве Рён Хэ", "CHOE, Ryong Hae", "Korean in Cyrillic vs list romanisation"),
    ("Ли Ён Хо", "RI, Yong Ho", "Korean in Cyrillic vs list romanisation"),
    ("Пак Пон Чжу", "PAK, Pong Ju", "Korean in Cyrillic vs list romanisation"),
    ("Ким Ен Чхоль", "KIM, Yong Chol", "Korean in Cyrillic vs list romanisation"),
    ("Чо Ён Вон", "JO, Yong Won", "Korean in Cyrillic vs list romanisation"),
    ("Чхве Сон Хи", "CHOE, Son Hui", "Korean in Cyrillic vs list romanisation"),
    ("Choe Ryong Hae", "Choi Ryong-hae", "McCune-Reischauer vs common spelling"),
    ("Pak To Chun", "Park Do-chun", "McCune-Reischauer vs Revised"),
    ("Kim Yong Chol", "Kim Yeong-cheol", "McCune-Reischauer vs Revised"),
    ("Ri Pyong Chol", "Lee Byeong-cheol", "McCune-Reischauer vs Revised"),
    ("Kim Kyong Hui", "Kim Gyeong-hui", "McCune-Reischauer vs Revised"),
    ("Hyon Yong Chol", "Hyeon Yeong-cheol", "McCune-Reischauer vs Revised"),
    ("Jang Song Thaek", "Jang Seong-taek", "McCune-Reischauer vs Revised"),
    ("ហ៊ុន ម៉ាណែត", "Hun Manet", "Khmer vs Latin"),
    ("សម រង្ស៊ី", "Sam Rainsy", "Khmer vs Latin"),
    ("ហ៊ុន ម៉ានី", "Hun Many", "Khmer vs Latin"),
    ("កឹម សុខា", "Kem Sokha", "Khmer vs Latin"),
    ("ហេង សំរិន", "Heng Samrin", "Khmer vs Latin"),
    ("ឈៀង ម៉ុន", "Chheang Mon", "Khmer vs Latin"),
    ("ទា បាញ់", "Tea Banh", "Khmer vs Latin"),
    ("ស ខេង", "Sar Kheng", "Khmer vs Latin"),
    ("ทักษิณ ชินวัตร", "Thaksin Shinawatra", "Thai vs Latin"),
    ("ยิ่งลักษณ์ ชินวัตร", "Yingluck Shinawatra", "Thai vs Latin"),
    ("ประยุทธ์ จันทร์โอชา", "Prayut Chan-o-cha", "Thai vs Latin"),
    ("อภิสิทธิ์ เวชชาชีวะ", "Abhisit Vejjajiva", "Thai vs Latin"),
    ("ประวิตร วงษ์สุวรรณ", "Prawit Wongsuwan", "Thai vs Latin"),
    ("เศรษฐา ทวีสิน", "Srettha Thavisin", "Thai vs Latin"),
    ("สมศักดิ์ เทพสุทิน", "Somsak Thepsuthin", "Thai vs Latin"),
    ("อนุทิน ชาญวีรกูล", "Anutin Charnvirakul", "Thai vs Latin"),
    ("Αλέξης Τσίπρας", "Alexis Tsipras", "Greek vs Latin"),
    ("Κυριάκος Μητσοτάκης", "Kyriakos Mitsotakis", "Greek vs Latin"),
    ("Γιάννης Βαρουφάκης", "Yanis Varoufakis", "Greek vs Latin"),
    ("Νίκος Αναστασιάδης", "Nikos Anastasiades", "Greek vs Latin"),
    ("习近平", "Xi Jinping", "Chinese vs pinyin"),
    ("李克强", "Li Keqiang", "Chinese vs pinyin"),
    ("王毅", "Wang Yi", "Chinese vs pinyin"),
    ("郭文贵", "Guo Wengui", "Chinese vs pinyin"),
    ("孟晚舟", "Meng Wanzhou", "Chinese vs pinyin"),
    ("Владимир Путин", "Vladimir Putin", "Russian Cyrillic vs Latin"),
    ("Сергей Лавров", "Sergey Lavrov", "Russian Cyrillic vs Latin"),
    ("Рамзан Кадыров", "Ramzan Kadyrov", "Russian Cyrillic vs Latin"),
    ("Евгений Пригожин", "Yevgeny Prigozhin", "Russian Cyrillic vs Latin"),
    ("عمر البشير", "Omar al-Bashir", "Arabic vs Latin"),
    ("علي عبد الله صالح", "Ali Abdullah Saleh", "Arabic vs Latin"),
    ("عبد الملك الحوثي", "Abdulmalik al-Houthi", "Arabic vs Latin"),
]


# ----------------------------------------------------------------------------- builders


def _ofac(folder: Path) -> tuple[dict[str, tuple[str, str]], dict[str, list[str]], list[str]]:
    sdn = _read(folder / "sdn.csv")
    alt = _read(folder / "alt.csv")
    kinds = {"individual": "Person", "": "Company", "vessel": "Vessel"}
    entries = {r[0]: (r[1], kinds[r[2].lower()]) for r in sdn if r[2].lower() in kinds}
    aliases: dict[str, list[str]] = defaultdict(list)
    for row in alt:
        if row[0] in entries and row[3]:
            aliases[row[0]].append(row[3])
    return entries, aliases, sorted(entries)


# Words that name no one in particular: legal forms, generic company words, particles,
# honorifics (for the alias label rule below; our own list, not the matcher's).
_ALIAS_IGNORED = frozenset(
    [
        "LTD",
        "LIMITED",
        "LLC",
        "INC",
        "CO",
        "CORP",
        "CORPORATION",
        "COMPANY",
        "SA",
        "SAS",
        "SRL",
        "SPA",
        "GMBH",
        "AG",
        "JSC",
        "PJSC",
        "OJSC",
        "CJSC",
        "OOO",
        "ZAO",
        "OAO",
        "LLP",
        "PLC",
        "BV",
        "NV",
        "KG",
        "CV",
        "DE",
        "RL",
        "SPR",
        "AC",
        "CA",
        "SL",
        "LTDA",
        "SOCIEDAD",
        "ANONIMA",
        "CAPITAL",
        "VARIABLE",
        "JOINT",
        "STOCK",
        "PUBLIC",
        "PRIVATE",
        "GROUP",
        "HOLDING",
        "HOLDINGS",
        "TRADING",
        "INTERNATIONAL",
        "GENERAL",
        "AND",
        "THE",
        "OF",
        "FOR",
        "IN",
        "Y",
        "E",
        "ET",
        "LA",
        "EL",
        "AL",
        "BIN",
        "IBN",
        "BEN",
        "BINT",
        "ABU",
        "UMM",
        "OULD",
        "DR",
        "HAJI",
        "HAJJI",
        "SHEIKH",
        "SHAYKH",
        "MULLAH",
        "MAULVI",
        "MAWLAWI",
        "QARI",
        "MR",
        "MRS",
    ]
)


def _alias_words(name: str) -> list[str]:
    words = re.findall(r"[A-Z]+", re.sub(r"['`’]", "", _person_order(name).upper()))
    return [w for w in words if len(w) >= 2 and w not in _ALIAS_IGNORED]


def _has_counterpart(word: str, others: list[str]) -> bool:
    joined = {a + b for a, b in itertools.pairwise(others)}
    for other in others:
        if word[:4] == other[:4] and min(len(word), len(other)) >= 4:
            return True  # same stem
        if min(len(word), len(other)) >= 3 and (word.startswith(other) or other.startswith(word)):
            return True  # a short form (Parlin / Parlindungan)
        if Indel.normalized_similarity(word, other) >= 0.6:
            return True  # a spelling variant (Olau / Olawo, Janet / Janette)
    return word in joined or any(word.startswith(j) or j.startswith(word) for j in joined)


def is_name_variant(primary: str, alias: str) -> bool:
    """The label rule of the ``alias`` kind: an OFAC a.k.a. is a *variant of the primary name*
    when every distinctive word of the name with fewer such words has a counterpart in the other
    name (the same 4-letter stem, a prefix of 3+ letters, a plain spelling similarity of at
    least 0.6, or two adjacent words written together). Legal forms, generic company words,
    particles and honorifics are not distinctive. Other a.k.a.s (another given name "CARRILLO
    FUENTES, Vicente" / "CARRILLO FUENTES, Andres", a nom de guerre, a translation, an acronym,
    another business of the same party) are other names of the party, which no name matcher
    can or should equate; they are left out of the set (neither matches nor non-matches).
    """
    a, b = _alias_words(primary), _alias_words(alias)
    if not a or not b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return all(_has_counterpart(w, long_) for w in short)


def _alias_pairs(rng: random.Random, entries: dict, aliases: dict, ids: list[str]) -> list[DevPair]:
    out: list[DevPair] = []
    pos = [e for e in ids if entries[e][1] != "Vessel" and aliases.get(e)]
    rng.shuffle(pos)
    for ent in pos[:500]:
        name, schema = entries[ent]
        for alias in aliases[ent][:1]:
            if _stems(alias) & _stems(name) and is_name_variant(name, alias):
                out.append(DevPair(name, alias, schema, True, "alias", "OFAC a.k.a.", "ofac-alt"))
    # Negatives: different entries sharing a distinctive word stem.
    by_stem: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ent in ids:
        name, schema = entries[ent]
        if schema == "Vessel":
            continue
        for stem in sorted(_stems(name)):
            by_stem[(schema, stem)].append(ent)
    groups = [g for g in by_stem.values() if len(g) > 1]
    rng.shuffle(groups)
    for group in groups[:400]:
        a, b = rng.sample(group, 2)
        (na, sa), (nb, _) = entries[a], entries[b]
        if na.upper() != nb.upper() and not set(aliases.get(a, [])) & {nb}:
            out.append(
                DevPair(na, nb, sa, False, "alias", "two OFAC entries sharing a word", "ofac-sdn")
            )
    return out


def _split_person(name: str) -> tuple[str, list[str]] | None:
    """OFAC 'FAMILY, Given Middle' -> (family, given words)."""
    if "," not in name:
        return None
    family, given = (s.strip() for s in name.split(",", 1))
    words = given.split()
    if not words or len(family.split()) != 1 or not family.isalpha() or len(family) < 4:
        return None
    return family, words


def _false_positive_pairs(rng: random.Random, entries: dict, ids: list[str]) -> list[DevPair]:
    out: list[DevPair] = []
    persons = [p for e in ids if entries[e][1] == "Person" and (p := _split_person(entries[e][0]))]
    rng.shuffle(persons)
    families = [f for f, _ in persons]
    origin = "constructed-ofac"
    for family, given in persons[:220]:
        first = given[0].title()
        other = rng.choice(families)
        if other[:3] == family[:3]:
            continue
        # "John Smith" vs "JONES, John S.": the initial stands for the query's surname.
        out.append(
            DevPair(
                f"{first} {family.title()}",
                f"{other}, {first} {family[0]}.",
                "Person",
                False,
                "false-positive",
                "surname vs a mere initial on the other side",
                origin,
            )
        )
        # "Ivan Petrov" vs "PETROVSKY, Ivan P.": a longer surname beginning like the query's.
        longer = family + rng.choice(["SKY", "OV", "ENKO", "IAN", "SON", "ZADEH"])
        out.append(
            DevPair(
                f"{first} {family.title()}",
                f"{longer}, {first} {family[0]}.",
                "Person",
                False,
                "false-positive",
                "surname vs a longer surname plus its initial",
                origin,
            )
        )
        # Positives: the same surname with an extra middle initial; a given name as initial.
        middle = rng.choice("ABDEFHJKMNRST")
        out.append(
            DevPair(
                f"{first} {family.title()}",
                f"{family}, {first} {middle}.",
                "Person",
                True,
                "false-positive",
                "same surname, extra middle initial",
                origin,
            )
        )
        out.append(
            DevPair(
                f"{first[0]}. {family.title()}",
                f"{family}, {first}",
                "Person",
                True,
                "false-positive",
                "given name as its initial",
                origin,
            )
        )
    return out


def _number_pairs(rng: random.Random, entries: dict, ids: list[str]) -> list[DevPair]:
    out: list[DevPair] = []
    bases = [
        entries[e]
        for e in ids
        if entries[e][1] in ("Vessel", "Company")
        and not re.search(r"\d|\b[IVX]+\b", entries[e][0])
        and 1 <= len(entries[e][0].split()) <= 3
    ]
    rng.shuffle(bases)
    numbers = sorted(NUMBER_WORDS)

    def forms(n: int, position: str) -> list[tuple[str, str]]:
        f = [(str(n), "digits"), (roman(n), "roman"), (NUMBER_WORDS[n], "number word")]
        if position == "front" and n in ORDINAL_WORDS:
            f = [(ordinal_digits(n), "ordinal digits"), (ORDINAL_WORDS[n], "ordinal word")]
        return f

    def place(base: str, number: str, position: str) -> str:
        return f"{number} {base}" if position == "front" else f"{base} {number}"

    origin = "constructed-ofac"
    for base, schema in bases[:260]:
        base = re.sub(r"[,.]", "", base)
        position = "front" if rng.random() < 0.3 else "back"
        n = rng.choice([k for k in numbers if position == "back" or k in ORDINAL_WORDS])
        fa, fb = rng.sample(forms(n, position), 2)
        out.append(
            DevPair(
                place(base, fa[0], position),
                place(base, fb[0], position),
                schema,
                True,
                "numbers",
                f"same number: {fa[1]} vs {fb[1]}",
                origin,
            )
        )
        allowed = [k for k in (ORDINAL_WORDS if position == "front" else NUMBER_WORDS) if k != n]
        near = [k for k in allowed if abs(k - n) <= 2] or allowed
        m = rng.choice(near)
        fa = rng.choice(forms(n, position))
        fb = rng.choice(forms(m, position))
        if rng.random() < 0.4:  # same spelling, different number ("II" vs "III")
            kinds = {k: v for v, k in forms(m, position)}
            fb = (kinds.get(fa[1], fb[0]), fa[1])
        out.append(
            DevPair(
                place(base, fa[0], position),
                place(base, fb[0], position),
                schema,
                False,
                "numbers",
                f"different numbers: {fa[1]} vs {fb[1]}",
                origin,
            )
        )
    return out


def _abbreviation_pairs(rng: random.Random, entries: dict, ids: list[str]) -> list[DevPair]:
    out: list[DevPair] = []
    words = sorted(
        {
            w
            for e in ids
            if entries[e][1] == "Company"
            for w in re.findall(r"[A-Z]{4,}", entries[e][0].split()[0])
            if w[:4] not in {"CORP", "COMP", "GROU", "TRAD", "INTE", "GENE", "NATI", "COMM"}
        }
    )
    rng.shuffle(words)
    origin = "constructed-ofac"
    for k, word in enumerate(words[:300]):
        full, abbrevs = COMPANY_PHRASES[k % len(COMPANY_PHRASES)]
        short = rng.choice(abbrevs)
        word_cap = word.title() if rng.random() < 0.5 else word
        full_cap = full.title() if word_cap != word else full
        out.append(
            DevPair(
                f"{word} {short}",
                f"{word_cap} {full_cap}",
                "Company",
                True,
                "abbreviations",
                f"{short} = {full}",
                origin,
            )
        )
        if k % 2 == 0:  # another distinctive word, same company words
            other = words[(k + 7) % len(words)]
            out.append(
                DevPair(
                    f"{word} {short}",
                    f"{other} {full}",
                    "Company",
                    False,
                    "abbreviations",
                    "other distinctive word",
                    origin,
                )
            )
        else:  # same distinctive word, another business
            fo, ao = COMPANY_PHRASES[(k + 5) % len(COMPANY_PHRASES)]
            if fo in LEGAL_PHRASES or full in LEGAL_PHRASES:
                continue
            out.append(
                DevPair(
                    f"{word} {short}",
                    f"{word} {rng.choice([fo, *ao])}",
                    "Company",
                    False,
                    "abbreviations",
                    "same word, another business",
                    origin,
                )
            )
    return out


def _initials_pairs(rng: random.Random, entries: dict, ids: list[str]) -> list[DevPair]:
    out: list[DevPair] = []
    letters = "ABCDEFGHJKLMNPRSTVWZ"
    origin = "constructed"
    for _ in range(130):
        size = rng.choice([2, 3, 3, 4])
        init = [rng.choice(letters) for _ in range(size)]
        business = rng.choice(LOGISTICS_WORDS)
        spell = {
            "dotted": ".".join(init) + ".",
            "hyphenated": "-".join(init),
            "joined": "".join(init),
            "spaced": " ".join(init),
            "dotted spaced": ". ".join(init) + ".",
        }
        a, b = rng.sample(sorted(spell), 2)
        out.append(
            DevPair(
                f"{spell[a]} {business}",
                f"{spell[b]} {business.title()}",
                "Company",
                True,
                "initials",
                f"initials {a} vs {b}",
                origin,
            )
        )
        other = init.copy()
        if rng.random() < 0.5:
            i = rng.randrange(size)
            other[i] = rng.choice([c for c in letters if c != init[i]])
            why = "one initial differs"
        else:
            other = init[:-1] if size > 2 else [*init, rng.choice(letters)]
            why = "one initial more or less"
        c = rng.choice(sorted(spell))
        other_spell = {
            "dotted": ".".join(other) + ".",
            "hyphenated": "-".join(other),
            "joined": "".join(other),
            "spaced": " ".join(other),
            "dotted spaced": ". ".join(other) + ".",
        }
        out.append(
            DevPair(
                f"{spell[a]} {business}",
                f"{other_spell[c]} {business}",
                "Company",
                False,
                "initials",
                why,
                origin,
            )
        )
    # Initials before a surname in a company name ("A.O. Smith Corp" / "AO Smith Corp").
    surnames = [
        p[0] for e in ids if entries[e][1] == "Person" and (p := _split_person(entries[e][0]))
    ]
    rng.shuffle(surnames)
    for family in surnames[:80]:
        i1, i2 = rng.choice(letters), rng.choice(letters)
        out.append(
            DevPair(
                f"{i1}.{i2}. {family.title()} Corp",
                f"{i1}{i2} {family} CORP",
                "Company",
                True,
                "initials",
                "dotted vs joined initials before a surname",
                "constructed-ofac",
            )
        )
        j2 = rng.choice([c for c in letters if c != i2])
        out.append(
            DevPair(
                f"{i1}.{i2}. {family.title()} Corp",
                f"{i1}{j2} {family} CORP",
                "Company",
                False,
                "initials",
                "other initials before the same surname",
                "constructed-ofac",
            )
        )
    # Particles written together or apart ("vanderberg" / "van der Berg").
    particles = ["van der", "van den", "van", "de la", "del", "von", "de", "da", "di", "le", "mac"]
    persons = [p for e in ids if entries[e][1] == "Person" and (p := _split_person(entries[e][0]))]
    rng.shuffle(persons)
    for family, given in persons[:120]:
        particle = rng.choice(particles)
        apart = f"{given[0].title()} {particle} {family.title()}"
        together = f"{given[0].title()} {particle.replace(' ', '')}{family.lower()}"
        out.append(
            DevPair(
                apart,
                together,
                "Person",
                True,
                "initials",
                "particle joined to surname",
                "constructed-ofac",
            )
        )
        other_family = rng.choice(persons)[0]
        if other_family[:2] != family[:2]:
            out.append(
                DevPair(
                    apart,
                    f"{given[0].title()} {particle.replace(' ', '')}{other_family.lower()}",
                    "Person",
                    False,
                    "initials",
                    "same particle, other surname",
                    "constructed-ofac",
                )
            )
    return out


_ARABIC_VARIANTS = [
    ("OSAMA", "USAMA"),
    ("MOHAMMED", "MUHAMMAD"),
    ("MOHAMED", "MUHAMMAD"),
    ("MUHAMMAD", "MOHAMMAD"),
    ("AHMED", "AHMAD"),
    ("HUSSEIN", "HUSAYN"),
    ("HUSSAIN", "HUSAYN"),
    ("ABDUL", "ABD AL"),
    ("ABDEL", "ABD AL"),
    ("YOUSEF", "YUSUF"),
    ("YUSUF", "YOUSSEF"),
    ("OMAR", "UMAR"),
    ("OTHMAN", "UTHMAN"),
    ("HASSAN", "HASAN"),
    ("MAHMOUD", "MAHMUD"),
    ("KHALID", "KHALED"),
    ("SAEED", "SAID"),
    ("NASSER", "NASIR"),
    ("SALEH", "SALIH"),
]


def _particle_pairs(rng: random.Random, entries: dict, ids: list[str]) -> list[DevPair]:
    out: list[DevPair] = []
    persons = [
        _person_order(entries[e][0])
        for e in ids
        if entries[e][1] == "Person" and "," in entries[e][0]
    ]
    rng.shuffle(persons)
    origin = "constructed-ofac"
    # Particles and Arabic transliteration variants.
    arabic = [p for p in persons if re.search(r"\b(BIN|IBN|AL|EL|ABU|ABD|BINT)\b|\bAL-", p.upper())]
    for name in arabic[:150]:
        upper = name.upper()
        variant = upper
        variant = (
            re.sub(r"\bBIN\b", "IBN", variant)
            if " BIN " in variant
            else re.sub(r"\bIBN\b", "BIN", variant)
        )
        variant = re.sub(r"\bAL-", rng.choice(["EL-", "AL ", ""]), variant)
        for a, b in _ARABIC_VARIANTS:
            if re.search(rf"\b{a}\b", variant) and rng.random() < 0.7:
                variant = re.sub(rf"\b{a}\b", b, variant)
        if variant != upper:
            out.append(
                DevPair(
                    name,
                    variant.title(),
                    "Person",
                    True,
                    "particles",
                    "particle and transliteration variants",
                    origin,
                )
            )
    # Negatives: same particle and given name, another family.
    by_first: dict[str, list[str]] = defaultdict(list)
    for p in arabic:
        by_first[p.split()[0].upper()].append(p)
    for _first, group in sorted(by_first.items()):
        for a, b in list(itertools.pairwise(group))[:4]:
            if not _stems(" ".join(a.split()[1:])) & _stems(" ".join(b.split()[1:])):
                out.append(
                    DevPair(
                        a,
                        b,
                        "Person",
                        False,
                        "particles",
                        "same given name, particles, other family",
                        "ofac-sdn",
                    )
                )
    # Obfuscation: digits and symbols for letters.
    for name in persons[150:330]:
        letters = [i for i, ch in enumerate(name) if ch.upper() in LEET]
        if not letters:
            continue
        chars = list(name)
        for i in rng.sample(letters, min(len(letters), rng.choice([1, 1, 2]))):
            chars[i] = LEET[chars[i].upper()]
        out.append(
            DevPair("".join(chars), name, "Person", True, "particles", "digits for letters", origin)
        )
        namesakes = [p for p in persons if p.split()[0] == name.split()[0] and p != name]
        other = rng.choice(namesakes or persons)
        if not _stems(" ".join(other.split()[1:])) & _stems(" ".join(name.split()[1:])):
            out.append(
                DevPair(
                    "".join(chars),
                    other,
                    "Person",
                    False,
                    "particles",
                    "obfuscated name vs another person",
                    origin,
                )
            )
    # Short forms of given names.
    for full, shorts in sorted(SHORT_FORMS.items()):
        for short in shorts:
            family = rng.choice(ENGLISH_SURNAMES)
            out.append(
                DevPair(
                    f"{short.title()} {family.title()}",
                    f"{family}, {full.title()}",
                    "Person",
                    True,
                    "particles",
                    "short form of the given name",
                    "constructed",
                )
            )
        other_full = rng.choice([f for f in SHORT_FORMS if f != full and f[0] != full[0]])
        family = rng.choice(ENGLISH_SURNAMES)
        out.append(
            DevPair(
                f"{shorts[0].title()} {family.title()}",
                f"{family}, {other_full.title()}",
                "Person",
                False,
                "particles",
                "short form of another given name",
                "constructed",
            )
        )
        other_family = rng.choice([f for f in ENGLISH_SURNAMES if f != family])
        out.append(
            DevPair(
                f"{shorts[0].title()} {family.title()}",
                f"{other_family}, {full.title()}",
                "Person",
                False,
                "particles",
                "short form, another family name",
                "constructed",
            )
        )
    return out


def _un_script_pairs(rng: random.Random, un_path: Path) -> list[DevPair]:
    out: list[DevPair] = []
    if not un_path.is_file():
        return out
    root = ET.parse(un_path).getroot()  # noqa: S314 (the UN's own published file)
    rows: list[tuple[str, str, str]] = []
    for node in root.iter():
        if node.tag not in ("INDIVIDUAL", "ENTITY"):
            continue
        original = (node.findtext("NAME_ORIGINAL_SCRIPT") or "").strip()
        if not original or original.isascii():
            continue
        latin = " ".join(
            (node.findtext(f) or "").strip()
            for f in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
        ).strip()
        if latin:
            schema = "Person" if node.tag == "INDIVIDUAL" else "Organization"
            rows.append((original, " ".join(latin.split()), schema))
    rng.shuffle(rows)
    for original, latin, schema in rows[:220]:
        script = "Cyrillic" if re.search("[\u0400-\u04ff]", original) else "Arabic"
        out.append(
            DevPair(
                original,
                latin,
                schema,
                True,
                "scripts",
                f"{script} vs Latin (UN list)",
                "un-original-script",
            )
        )
    persons = [r for r in rows if r[2] == "Person"]
    for (original, latin, _), (_o2, latin2, _) in zip(persons[::2], persons[1::2], strict=False):
        if not _stems(latin) & _stems(latin2):
            continue  # only the hard ones: another person sharing a name
        out.append(
            DevPair(
                original,
                latin2,
                "Person",
                False,
                "scripts",
                "original script vs another listed person",
                "un-original-script",
            )
        )
    by_first: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for original, latin, _ in persons:
        by_first[latin.split()[0]].append((original, latin))
    for _first, group in sorted(by_first.items()):
        for (o1, _l1), (_o2, l2) in list(itertools.pairwise(group))[:3]:
            out.append(
                DevPair(
                    o1,
                    l2,
                    "Person",
                    False,
                    "scripts",
                    "original script vs another listed person, same given name",
                    "un-original-script",
                )
            )
    return out


def _hand_script_pairs(rng: random.Random) -> list[DevPair]:
    out = [DevPair(a, b, "Person", True, "scripts", why, "hand") for a, b, why in HAND_SCRIPT]
    # Negatives: a script name vs the Latin form of another hand-written person of the same
    # script (often sharing a family name: Kim, Ri, Hun, Shinawatra).
    by_detail: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a, b, why in HAND_SCRIPT:
        by_detail[why.split(" vs ")[0]].append((a, b))
    for why, group in sorted(by_detail.items()):
        for (a, _b), (a2, b2) in itertools.pairwise(group):
            if a != a2:
                out.append(
                    DevPair(a, b2, "Person", False, "scripts", f"{why} vs another person", "hand")
                )
    return out


def build_devset(
    ofac_dir: Path | None = None, un_path: Path | None = None, *, seed: int = 15
) -> list[DevPair]:
    """Build every labelled pair from the real lists and our own constructions.

    Raises ``FileNotFoundError`` when the OFAC files are absent.
    """
    folder = ofac_dir or shared_data_dir() / "watchlists" / "ofac-sdn-2021"
    un = un_path or shared_data_dir() / "watchlists" / "un" / "consolidated.xml"
    entries, aliases, ids = _ofac(folder)
    rng = random.Random(seed)
    pairs = [
        *_alias_pairs(rng, entries, aliases, ids),
        *_false_positive_pairs(rng, entries, ids),
        *_number_pairs(rng, entries, ids),
        *_abbreviation_pairs(rng, entries, ids),
        *_initials_pairs(rng, entries, ids),
        *_particle_pairs(rng, entries, ids),
        *_un_script_pairs(rng, un),
        *_hand_script_pairs(rng),
    ]
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for p in pairs:
        key = (p.left, p.right, p.schema)
        if key not in seen and p.left != p.right:
            seen.add(key)
            unique.append(p)
    return unique


def write_devset(pairs: list[DevPair], path: Path = DEFAULT_PATH) -> None:
    """Write ``pairs`` as CSV to ``path``."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csvutil.writer(handle)
        writer.writerow(FIELDS)
        for p in pairs:
            writer.writerow([p.left, p.right, p.schema, int(p.match), p.kind, p.detail, p.origin])


def load_devset(path: Path = DEFAULT_PATH) -> list[DevPair]:
    """Read the development set (``FileNotFoundError`` when absent)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            DevPair(
                row["left"],
                row["right"],
                row["schema"],
                row["match"] == "1",
                row["kind"],
                row["detail"],
                row["origin"],
            )
            for row in csv.DictReader(handle)
        ]


def main() -> None:
    """Build the development set and write it (``--write``) or print its counts."""
    parser = argparse.ArgumentParser(description="Build the name-matching development set")
    parser.add_argument("--write", action="store_true", help=f"write {DEFAULT_PATH}")
    args = parser.parse_args()
    pairs = build_devset()
    counts: dict[tuple[str, bool], int] = defaultdict(int)
    for p in pairs:
        counts[(p.kind, p.match)] += 1
    for kind in KINDS:
        print(f"{kind:15} positives {counts[(kind, True)]:5}  negatives {counts[(kind, False)]:5}")
    print(f"total {len(pairs)}")
    if args.write:
        write_devset(pairs)
        print(f"written to {DEFAULT_PATH}")


if __name__ == "__main__":
    main()
