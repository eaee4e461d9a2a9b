"""Link signals that arrived without a client to clients, their owners and their directors.

Two ways in, both ending in a decision with evidence (``Signal.link_evidence``):

- **The item names its subject** (``subject_name``, as a sanctions feed or a file does): the
  name is screened against every client name and alias with the same comparison as list
  screening. One clear winner links the signal; several plausible clients, or a winner that the
  item places in another country ("The company is registered in Spain" for a client in Germany)
  leave it ``ambiguous`` with the candidates for a reviewer.
- **A news item without a subject** (feeds, most imports): the roster's gazetteer
  (:mod:`duediligence.matching.gazetteer`) finds every client name, alias and party name in the
  headline and the body, and each client found is scored (:func:`score_candidates`):

  ============================================  ========================================
  what                                          points
  ============================================  ========================================
  full name or alias                            0.55 (a shortened person name 0.5)
  an owner's/director's/officer's full name     0.5 (linked *through* the party)
  only a family name / short company name       0.3 / number of clients sharing it,
                                                halved for a very common family name
  in the headline                               + 0.25 (a shortened form there + 0.15)
  in the first paragraph                        + 0.1
  each further mention                          + 0.05, at most + 0.2
  client's country in the same clause           + 0.1
  a word of the client's industry nearby        + 0.05
  the client and its party both named           + 0.1
  name and alias both used                      + 0.05
  the clause places the party elsewhere         − 0.3 ("registered in Spain", "UK-based")
  the accused in the headline or the first      + 0.15 (read for the best three candidates
  three sentences ("X was charged", "police     only)
  raided X", headline "X indicted on ...")
  ============================================  ========================================

  A client found only by a family name or short name is capped at :data:`PARTIAL_CAP`, below
  the link score: it can be a candidate for review, never a link; so is a client named in full
  only as someone's relative, an organisation whose people are meant, the one acting against
  another or an owner ("the uncle of President X was sentenced": the item is the uncle's).

  The role points say whom the story is about (:func:`accused_in`, with the accusation
  patterns of the adverse-media role reader, :mod:`duediligence.matching.roles`): of two
  clients named about as prominently, the one the headline or the lead accuses outscores the
  one named beside it; a client named only in the body, which the lead accuses under its own
  name, reaches the link score. For linking, a mention that is the object of a preposition
  ("an official *at* the European Central Bank was detained"), the subject of a subordinate
  clause ("after X resigned, Y was charged"), the owner of the accused ("arrested X' adviser")
  or a name used as someone's title ("former X secretary general V") is not the accused, a
  relative clause is read past ("X, who led the bank for 16 years, was detained") and a
  sentence saying it is not accused ("X was not charged") gives nothing. A headline that
  accuses someone it names only by a description ("Banker accused of huge fraud"), naming no
  client, gives the same points to the one client the lead names, if only one (in sentence
  case only: in a title-case headline capitals do not tell a description from a name).
  When the best candidate is accused in the headline or the lead, a rival that the item
  accuses nowhere (the employer, the prosecutor, a patron named beside it) does not hold the
  link back. The role is read for the best :data:`ROLE_CANDIDATES` candidates only.

  A mention that names someone's relative, associate or nominee ("Najib's brother"), people of
  an organisation ("Goldman Sachs bankers"), the one acting against another ("FINRA expels
  ...") or an owner named before another name ("ING's Payvision") earns no headline points
  (:func:`_relation_at`).

  At :data:`LINK_SCORE` or above, with no other client within :data:`MARGIN` (within
  :data:`SAME_NAME_MARGIN` for a client found at exactly the same places — two clients of one
  name, told apart only by the context), the item is linked; from :data:`REVIEW_SCORE` it is
  left ``ambiguous`` with the competing clients and their evidence; below, it stays unlinked.
  The points were set on the development half of the real-news benchmark
  (``benchmarks/linking.py``), never on its held-out half.

A country phrase counts only about the mentioned party: in the same clause as the mention (or a
clause opening with "the company", "it", "he" ... when the item names its subject), so a third
party "based in Spain" never contradicts the client; a client with no country on file is never
contradicted. A link a reviewer rejected (:class:`~duediligence.db.models.SignalLinkRejection`)
is never made again: that client is left out of the signal's candidates.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import countrynames
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from duediligence.audit.trail import PendingEvent, record_events
from duediligence.db.enums import LinkStatus, PartyKind
from duediligence.db.models import Client, Party, Signal, SignalLinkRejection
from duediligence.matching.compare import DEFAULT_THRESHOLD
from duediligence.matching.gazetteer import (
    FULL,
    HONORIFICS,
    PARTIAL_FORMS,
    SURNAME,
    Gazetteer,
    Hit,
    Token,
    common_surname_keys,
    sentences,
    title_case,
    tokenize,
    word_key,
)
from duediligence.matching.index import NameIndex
from duediligence.matching.roles import AUX, ENF, OTHER, RULES, SUBJECT
from duediligence.matching.roles import S as SUBJECT_MARKER
from duediligence.matching.roles import mask as mask_subject
from duediligence.vocabulary import industry_synonyms

MARGIN = 0.25
SAME_NAME_MARGIN = 0.05
SUBJECT_MARGIN = 0.05  # between the name scores of clients matching a subject_name
LINK_SCORE = 0.75
REVIEW_SCORE = 0.6
BASE_FULL = 0.55
BASE_VARIANT = 0.5
BASE_PARTY = 0.5
BASE_PARTIAL = 0.3
PARTIAL_CAP = 0.7  # below LINK_SCORE: only a reviewer links on a family name alone
HEADLINE = 0.25
HEADLINE_PARTIAL = 0.15
FIRST_PARAGRAPH = 0.1
PER_MENTION = 0.05
MAX_MENTIONS = 0.2
COUNTRY = 0.1
INDUSTRY = 0.05
PARTY_AND_CLIENT = 0.1
ALIAS_TOO = 0.05
CONTRADICTED = 0.3
ACCUSED = 0.15
ROLE_SENTENCES = 3  # body sentences after the headline read for the candidate's role
ROLE_CANDIDATES = 3  # the role is read for at most this many of the best candidates
SENTENCE_CHARS = 400
MAX_CANDIDATES = 5
MAX_SHARED = 10
BATCH = 2000

_COUNTRY_PHRASE = re.compile(
    r"\b(?:registered|based|headquartered|incorporated|domiciled) in (?:the )?"
    r"([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)*)"
    r"|\b([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)?)-(?:based|registered|headquartered)\b"
)
_ANAPHOR = re.compile(
    r"^\W*(?:the (?:company|firm|group|bank|business|lender|insurer|platform|website|"
    r"exchange|fund|businessman|businesswoman|executive)|it|he|she|they)\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[;:]\s+|\s+[—–]\s+|\s+-\s+|\(|\)")
_PARAGRAPH = re.compile(r"\n\s*\n|\n")
_CAPITALISED = re.compile(r"[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)?")
# soft hyphens and zero-width characters split words invisibly ("Thax\u00adter")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_NOT_INDUSTRY = frozenset({"services", "online", "company", "and", "professional", "entertainment"})


@dataclass
class LinkResult:
    """How many signals were linked, left ambiguous or left unlinked."""

    linked: int = 0
    ambiguous: int = 0
    unlinked: int = 0
    through_party: int = 0  # of the linked: through an owner, director or officer

    def summary(self) -> str:
        """One line for a console: "news linked 3 (1 through an owner/director), ..."."""
        party = f" ({self.through_party} through an owner/director)" if self.through_party else ""
        return (
            f"news linked {self.linked}{party}, ambiguous {self.ambiguous} (for review), "
            f"unlinked {self.unlinked}"
        )


def mentioned_countries(text: str) -> set[str]:
    """ISO codes of countries a text places its subject in ("registered in Spain",
    "UK-based")."""
    codes = set()
    for m in _COUNTRY_PHRASE.finditer(text or ""):
        code = _country_code(m.group(1) or m.group(2))
        if code:
            codes.add(code)
    return codes


@functools.lru_cache(maxsize=20_000)
def _country_code(phrase: str) -> str | None:
    code = countrynames.to_code(phrase, fuzzy=False)
    return code.upper() if code else None


# --------------------------------------------------------------------------- the document


@dataclass
class Document:
    """A signal's title and body as one text, tokenised, with its sentences and regions."""

    text: str
    title_end: int  # characters [0, title_end) are the headline
    first_end: int  # characters [title_end, first_end) are the first paragraph
    tokens: list[Token]
    sentences: list[tuple[int, int]]
    relations: dict[Hit, str] = field(default_factory=dict)  # cache of :func:`_relation`
    _sentence_starts: list[int] = field(default_factory=list)  # cache of sentence_of

    @classmethod
    def of(cls, title: str, body: str | None) -> Document:
        """Build the document of a headline and a body."""
        title = _INVISIBLE.sub("", title or "").strip()
        body = _INVISIBLE.sub("", body or "").strip()
        text = f"{title}\n\n{body}" if body else title
        title_end = len(title)
        start = title_end + 2 if body else title_end
        first = _PARAGRAPH.search(text, start)
        first_end = first.start() if first else len(text)
        return cls(text, title_end, first_end, tokenize(text), sentences(text))

    def where(self, offset: int) -> str:
        """headline, first paragraph or body."""
        if offset < self.title_end:
            return "headline"
        if offset < self.first_end:
            return "first paragraph"
        return "body"

    def sentence_of(self, offset: int) -> tuple[int, int]:
        """The sentence holding character ``offset`` (the whole text when none does: a
        blank stretch between sentences). A binary search: long articles have hundreds."""
        if not self._sentence_starts and self.sentences:
            self._sentence_starts = [start for start, _end in self.sentences]
        k = bisect.bisect_right(self._sentence_starts, offset) - 1
        if k >= 0:
            start, end = self.sentences[k]
            if offset < end:
                return start, end
        return 0, len(self.text)

    def clause_of(self, offset: int) -> tuple[int, int]:
        """The clause (sentence part between ; : dashes and brackets) holding ``offset``."""
        start, end = self.sentence_of(offset)
        clause_start = start
        for sep in _CLAUSE.finditer(self.text, start, end):
            if sep.start() > offset:
                return clause_start, sep.start()
            clause_start = sep.end()
        return clause_start, end


def _sentence_text(doc: Document, start: int, end: int, at: int) -> str:
    """The sentence, at most :data:`SENTENCE_CHARS` characters around offset ``at``."""
    sentence = " ".join(doc.text[start:end].split())
    if len(sentence) <= SENTENCE_CHARS:
        return sentence
    raw = doc.text[start:end]
    centre = at - start
    lo = max(0, centre - SENTENCE_CHARS // 2)
    piece = " ".join(raw[lo : lo + SENTENCE_CHARS * 2].split())[: SENTENCE_CHARS - 2]
    return ("…" if lo > 0 else "") + piece + "…"


# --------------------------------------------------------------------------- the gazetteer


@functools.cache
def _industry_words() -> dict[str, frozenset[str]]:
    words: dict[str, set[str]] = defaultdict(set)
    for synonym, industry in industry_synonyms().items():
        words[industry].update(synonym.split("_"))
        words[industry].update(industry.split("_"))
    return {
        k: frozenset(word_key(w) for w in v if len(w) > 3 and w not in _NOT_INDUSTRY)
        for k, v in words.items()
    }


def build_gazetteer(*, session: Session) -> Gazetteer:
    """The gazetteer of every client (name, aliases) and party (owner, director, officer) held.

    Reads columns, not ORM objects, so a roster of 100,000 clients loads in seconds."""
    gazetteer = Gazetteer()
    industries = _industry_words()
    rows = session.execute(
        select(
            Client.id,
            Client.external_ref,
            Client.name,
            Client.aliases,
            Client.country,
            Client.industry,
        ).order_by(Client.id)
    )
    for cid, ref, name, aliases, country, industry in rows:
        gazetteer.add_client(
            cid,
            ref,
            name,
            aliases=aliases or (),
            country=country,
            industry_words=industries.get(industry or "", frozenset()),
        )
    parties = session.execute(
        select(Party.id, Party.client_id, Party.name, Party.kind, Party.role)
        .where(Party.pseudonymised_at.is_(None))
        .order_by(Party.id)
    )
    for pid, client_id, name, kind, role in parties:
        position = gazetteer.position_of(client_id)
        if position is None:
            continue
        gazetteer.add_name(
            position,
            name,
            via="party",
            person=kind == PartyKind.PERSON,
            party_id=pid,
            role=getattr(role, "value", role),
        )
    return gazetteer


# --------------------------------------------------------------------------- scoring


@dataclass
class Mention:
    """One hit of one client in a document."""

    hit: Hit
    entry: int  # position in the gazetteer's entries


@dataclass
class Candidate:
    """A client found in a document, with its score and the reasons."""

    client: int  # position in the gazetteer
    score: float  # in [0, 1], as shown
    evidence: dict[str, Any]
    party_id: int | None = None
    mentions: list[Mention] = field(default_factory=list)
    raw: float = 0.0  # the points before clipping to [0, 1]: candidates are ranked on it
    count: int = 0
    capped: bool = False  # at most PARTIAL_CAP: found only by a family name or short name,
    # or named in full only beside someone else's story
    accused: str | None = None  # "headline" or "lead": where the item accuses it


def _mentions_by_client(gazetteer: Gazetteer, hits: list[Hit]) -> dict[int, list[Mention]]:
    """Each client's mentions (its best entry per hit). A family name or short form shared by
    more than :data:`MAX_SHARED` clients ("Smith" in a large roster) counts only for clients the
    text also names in full: alone it could never single one of them out."""
    rank = {"client": 0, "alias": 1, "party": 2}
    forms = {FULL: 0, "variant": 1, SURNAME: 2, "short": 3}
    per_hit: list[dict[int, int]] = []
    named: set[int] = set()
    for hit in hits:
        best: dict[int, int] = {}
        for e in hit.entries:
            entry = gazetteer.entries[e]
            if entry.form not in PARTIAL_FORMS:
                named.add(entry.client)
            current = best.get(entry.client)
            if current is None:
                best[entry.client] = e
                continue
            other = gazetteer.entries[current]
            if (forms[entry.form], rank[entry.via]) < (forms[other.form], rank[other.via]):
                best[entry.client] = e
        per_hit.append(best)
    by_client: dict[int, list[Mention]] = defaultdict(list)
    for hit, best in zip(hits, per_hit, strict=True):
        crowded = len(best) > MAX_SHARED
        for client, e in best.items():
            if crowded and client not in named:
                continue
            by_client[client].append(Mention(hit, e))
    return by_client


def _country_words(doc: Document, start: int, end: int, skip: tuple[int, int]) -> set[str]:
    """Countries named in ``doc.text[start:end]`` outside the span ``skip`` (the mention)."""
    codes = set()
    for m in _CAPITALISED.finditer(doc.text, start, end):
        if skip[0] <= m.start() < skip[1]:
            continue
        for phrase in (m.group(), m.group().split()[0]):
            code = _country_code(phrase)
            if code:
                codes.add(code)
                break
    return codes


def _contradiction(
    doc: Document, clauses: Sequence[tuple[int, int]], country: str | None
) -> tuple[str, str] | None:
    """(country code, phrase) of a clause placing the party outside ``country``."""
    if not country:
        return None  # a client with no country on file is never contradicted
    for start, end in clauses:
        clause = doc.text[start:end]
        found = mentioned_countries(clause)
        if found and country not in found:
            m = _COUNTRY_PHRASE.search(clause)
            return sorted(found)[0], (m.group() if m else clause.strip())
    return None


def score_candidates(
    gazetteer: Gazetteer, doc: Document, *, exclude: frozenset[int] = frozenset()
) -> list[Candidate]:
    """Every client the document names (by its name, an alias or a party's name), scored,
    best first; clients at positions in ``exclude`` (rejected links) are left out. See the
    module docstring for the points."""
    hits = gazetteer.scan(
        doc.tokens,
        doc.text,
        title_case_until=doc.title_end if title_case(doc.text[: doc.title_end]) else 0,
    )
    if not hits:
        return []
    tokens = doc.tokens
    common = common_surname_keys()
    candidates = []
    for client, mentions in _mentions_by_client(gazetteer, hits).items():
        if client in exclude:
            continue
        info = gazetteer.clients[client]
        entries = [gazetteer.entries[m.entry] for m in mentions]
        own = [m for m, e in zip(mentions, entries, strict=True) if e.form not in PARTIAL_FORMS]
        by_self = [m for m in own if gazetteer.entries[m.entry].via != "party"]
        by_party = [m for m in own if gazetteer.entries[m.entry].via == "party"]
        partial = [m for m, e in zip(mentions, entries, strict=True) if e.form in PARTIAL_FORMS]
        reasons: list[str] = []
        party_id: int | None = None
        # "Tom Baxter, director of a software firm, charged" with the firm named only in the
        # body: the story is its director's, linked through him (ownership exposure), not
        # the client's own record, which a client named beside him would otherwise make it.
        in_headline = functools.partial(_in_headline, doc)
        self_mentions = by_self + [
            m for m in partial if gazetteer.entries[m.entry].via != "party"
        ]  # "Kestrel and its director ..." names the client by its short name
        party_story = bool(by_self and by_party) and (
            any(in_headline(m) and not _relation(doc, m.hit) for m in by_party)
            and not any(map(in_headline, self_mentions))
        )
        if by_self and not party_story:
            primary = by_self
            full = any(gazetteer.entries[m.entry].form == FULL for m in by_self)
            score = BASE_FULL if full else BASE_VARIANT
            reasons.append("full name" if full else "name without middle names")
        elif by_party:
            primary = (
                [m for m in by_party if in_headline(m) and not _relation(doc, m.hit)]
                if party_story
                else by_party
            )
            counts: dict[int | None, int] = defaultdict(int)
            for m in primary:
                counts[gazetteer.entries[m.entry].party_id] += 1
            party_id = max(counts, key=lambda p: counts[p])
            primary = [m for m in by_party if gazetteer.entries[m.entry].party_id == party_id]
            score = BASE_PARTY
            role = gazetteer.entries[primary[0].entry].role or "party"
            reasons.append(f"about its {role} {gazetteer.entries[primary[0].entry].name}")
        else:
            primary = partial
            keys = tuple(
                tokens[k].key for k in range(partial[0].hit.first, partial[0].hit.last + 1)
            )
            shared = max(1, gazetteer.sharing(keys))
            rarity = 1.0 / shared
            if gazetteer.entries[partial[0].entry].form == SURNAME and keys[0] in common:
                rarity *= 0.5
            score = BASE_PARTIAL * rarity
            what = (
                "family name"
                if gazetteer.entries[partial[0].entry].form == SURNAME
                else "short name"
            )
            reasons.append(
                f"{what} only"
                + (f", shared by {shared} clients" if shared > 1 else "")
                + (", a very common one" if keys[0] in common else "")
            )
            party_id = gazetteer.entries[partial[0].entry].party_id
        # "Najib's brother", "wife of Najib": a mention naming the subject's relative is no
        # sign that the item is about the one named.
        related = [m for m in mentions if _relation(doc, m.hit)]
        subject = [m for m in primary if m not in related]
        places = [doc.where(tokens[m.hit.first].start) for m in subject]
        all_places = [doc.where(tokens[m.hit.first].start) for m in mentions if m not in related]
        if related:
            word = _relation(doc, related[0].hit)
            if _ENFORCER_AFTER.match(" " + word):
                reasons.append(f"named as acting against someone else ({word})")
            elif word.startswith("owner of "):
                reasons.append(f"named as the {word}")
            else:
                reasons.append(f"named as someone's relative or associate ({word})")
        if "headline" in places:
            score += HEADLINE
            reasons.insert(0, "headline mention")
        elif "headline" in all_places and primary is not partial:
            score += HEADLINE_PARTIAL
            reasons.insert(0, "headline mention (shortened)")
        if "first paragraph" in all_places:
            score += FIRST_PARAGRAPH
            reasons.append("in the first paragraph")
        count = len(primary) + (len(partial) if primary is not partial else 0)
        if count > 1:
            score += min(MAX_MENTIONS, PER_MENTION * (count - 1))
            reasons.append(f"{count} mentions")
        # context: the clauses and sentences of the mentions
        clauses = [doc.clause_of(tokens[m.hit.first].start) for m in mentions]
        mention_sentences = {doc.sentence_of(tokens[m.hit.first].start) for m in mentions}
        if info.country:
            for m, clause in zip(mentions, clauses, strict=True):
                span = (tokens[m.hit.first].start, tokens[m.hit.last].end)
                if info.country in _country_words(doc, clause[0], clause[1], span):
                    score += COUNTRY
                    reasons.append(f"country {info.country} in a clause naming it")
                    break
            else:
                against = _contradiction(doc, clauses, info.country)
                if against is not None:
                    score -= CONTRADICTED
                    reasons.append(
                        f"the clause naming it places it in {against[0]} ('{against[1]}'), "
                        f"the client is in {info.country}"
                    )
        if info.industry_words:
            named = {k for m in mentions for k in range(m.hit.first, m.hit.last + 1)}
            words = {
                t.key
                for k, t in enumerate(tokens)
                if k not in named and any(s <= t.start < e for s, e in mention_sentences)
            }
            if words & info.industry_words:
                score += INDUSTRY
                reasons.append("industry words nearby")
        vias = {gazetteer.entries[m.entry].via for m in own}
        if "party" in vias and vias & {"client", "alias"}:
            score += PARTY_AND_CLIENT
            reasons.append("client and its party both named")
        if {"client", "alias"} <= vias:
            score += ALIAS_TOO
            reasons.append("name and alias both used")
        if primary is partial and score >= LINK_SCORE:
            score = PARTIAL_CAP  # a family name or short name alone never links on its own
            reasons.append("no full name: left for review at most")
        elif not subject and score >= LINK_SCORE:
            # "The uncle of President X was sentenced": named in full only as someone's
            # relative, an organisation whose people are accused, the one acting against
            # another or an owner, the client is not what the item is about
            score = PARTIAL_CAP
            reasons.append("named in full only beside someone else's story: for review at most")
        raw = score
        score = round(max(0.0, min(1.0, score)), 4)
        best = _best_mention(subject or primary, doc)
        entry = gazetteer.entries[best.entry]
        at = tokens[best.hit.first].start
        s_start, s_end = doc.sentence_of(at)
        honorific = best.hit.first > 0 and tokens[best.hit.first - 1].key in HONORIFICS
        evidence = {
            "mention": doc.text[at : tokens[best.hit.last].end],
            "sentence": _sentence_text(doc, s_start, s_end, at),
            "where": doc.where(at),
            "count": count,  # the mentions scored above, as the reasons say
            "matched_name": entry.name,
            "via": entry.via,
            "party_role": entry.role if entry.via == "party" else None,
            "score": score,
            "reasons": reasons + (["with an honorific"] if honorific else []),
        }
        if entry.via == "party":
            party_id = entry.party_id
        candidates.append(
            Candidate(
                client,
                score,
                evidence,
                party_id,
                mentions,
                raw,
                count if primary is not partial else 0,
                primary is partial or not subject,
            )
        )
    candidates.sort(key=lambda c: (-c.raw, gazetteer.clients[c.client].id))
    _add_role_points(gazetteer, doc, candidates)
    candidates.sort(key=lambda c: (-c.raw, gazetteer.clients[c.client].id))
    return candidates


# --------------------------------------------------------------------------- roles

# Only the accusation patterns of the role reader count here: a relative or associate accused
# ("X's former husband was sentenced") and X's managers accused are other people's cases, as the
# headline points already say (:func:`_relation_at`).
_NOT_ACCUSED = [pattern for role, pattern, _cue in RULES if role == OTHER]
_ACCUSED = [
    (pattern, cue)
    for role, pattern, cue in RULES
    if role == SUBJECT and cue != "its managers were accused/charged"
]
# Headlines drop the auxiliary: "X indicted on fraud charges", "X Named In Paradise Papers".
_HEADLINE_PASSIVE = re.compile(
    rf"{SUBJECT_MARKER}(?:['’]s?)?\s+(?:(?:\w+ly|also|now|again|formally)\s+)?{ENF}\b",
    re.IGNORECASE,
)
# "an official at xsubjx", "the uncle of Syrian President xsubjx": the object of a preposition
# (titles between aside) is not the clause's subject.
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:at|of|from|in|with|within|inside|for|including|like|to|and|or)\s+"
    r"(?:the\s+|an?\s+)?(?:[A-Z][\w.’'-]*\s+){0,3}$"
)
# "after xsubjx resigned, X was charged": the subject of a clause that is not the main one.
_SUBORDINATOR_BEFORE = re.compile(
    r"\b(?:before|after|when|while|since|until|because|although|though|if|once|as)\s+$",
    re.IGNORECASE,
)
# "X, who was detained when the army seized power before Y resigned, was charged": the relative
# clause is left out, so the accusation reads as X's and not as Y's.
_RELATIVE_CLAUSE = re.compile(rf",\s+(?:who|which)\b[^;]{{1,240}}?,(?=\s+{AUX}\b)", re.IGNORECASE)
# "arrested xsubjx ‘ top adviser", "charged xsubjx' boss": the owner of the one accused;
# "charging X with inciting former xsubjx secretary general Jérôme Valcke": a name used as a
# modifier of someone else's title.
_POSSESSIVE_AFTER = re.compile(
    r"^(?:\s?[‘’'](?:s\b)?\s+[a-z]|\s+(?!(?:in|on|at|with|for|of|and|or|by|over|after|from|to|"
    r"as|the|a|an|was|were|is|are|has|have|had|who|which|that|said|says|last|this)\b)"
    r"(?:[a-z][\w-]*\s+){1,3}[A-Z])"
)


def accused_in(masked: str, *, headline: bool = False) -> str | None:
    """The cue (in words) when the masked sentence accuses the subject marked in it, else None.

    ``masked``: a sentence with the candidate's mentions replaced by the role reader's marker
    (:func:`duediligence.matching.roles.mask`). The accusation patterns of the adverse-media
    role reader (:data:`duediligence.matching.roles.RULES`, role ``subject``) decide, except that
    a sentence saying the subject is not accused or is someone else (the reader's ``other
    party`` patterns) gives none; a match that starts at a marker governed by a preposition
    ("an official at xsubjx was detained") or a subordinating word ("after xsubjx resigned, the
    minister was charged"), or that ends at a marker followed by a possessive ("arrested
    xsubjx' adviser") or by someone else's title ("former xsubjx secretary general Jérôme
    Valcke"), is not about the subject; a relative clause before the verb is read past
    ("xsubjx, who led the bank for 16 years, was detained"); in a headline (``headline=True``)
    a name followed directly by an enforcement participle ("X indicted on ...") is accused.
    Returns the role reader's cue, e.g. "accused/charged/sanctioned".
    """
    if SUBJECT_MARKER not in masked or any(p.search(masked) for p in _NOT_ACCUSED):
        return None
    if headline and _HEADLINE_PASSIVE.search(masked):
        return "accused/charged/sanctioned"
    masked = _RELATIVE_CLAUSE.sub(",", masked)
    for pattern, cue in _ACCUSED:
        for found in pattern.finditer(masked):
            before = masked[: found.start()]
            if masked.startswith(SUBJECT_MARKER, found.start()) and (
                _PREPOSITION_BEFORE.search(before) or _SUBORDINATOR_BEFORE.search(before)
            ):
                continue
            if masked[: found.end()].endswith(SUBJECT_MARKER) and _POSSESSIVE_AFTER.match(
                masked[found.end() :]
            ):
                continue
            return cue
    return None


def _accused_where(
    doc: Document, candidate: Candidate, *, whole: bool = False
) -> tuple[str, str] | None:
    """``(where, cue)`` when the item accuses the candidate (:func:`accused_in`) in the headline
    or the first :data:`ROLE_SENTENCES` sentences of the body — ``where`` is "headline" or
    "lead" — or, with ``whole``, anywhere ("body" past the lead); else None. Mentions naming
    someone's relative, an organisation's people or the one acting against another
    (:func:`_relation_at`) are left out."""
    tokens = doc.tokens
    lead_end = sum(1 for start, _end in doc.sentences if start < doc.title_end) + ROLE_SENTENCES
    starts = [start for start, _end in doc.sentences[: len(doc.sentences) if whole else lead_end]]
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for m in candidate.mentions:
        if _relation(doc, m.hit):
            continue
        at = tokens[m.hit.first].start
        k = bisect.bisect_right(starts, at) - 1
        if k < 0 or at >= doc.sentences[k][1]:
            continue
        spans[k].append((at - starts[k], tokens[m.hit.last].end - starts[k]))
    for k in sorted(spans):
        start, end = doc.sentences[k]
        headline = start < doc.title_end
        cue = accused_in(mask_subject(doc.text[start:end], spans[k]), headline=headline)
        if cue is not None:
            return ("headline" if headline else "lead" if k < lead_end else "body"), cue
    return None


# A headline accusing someone it names only by a description: "Banker accused of huge fraud",
# "Corrupt lawyer ... is jailed", "Money-laundering suspect who ...".
_HEADLINE_ACCUSATION = re.compile(
    rf"\b(?:{ENF}|faces? (?:\w+ )?charges?|admits|suspect|convict|fraudster|on trial|"
    r"charges|indicts|arrests|jails|convicts|sentences|fines|sues)\b",
    re.IGNORECASE,
)


def _described_accused(
    gazetteer: Gazetteer, doc: Document, ranked: list[Candidate]
) -> Candidate | None:
    """The one candidate the lead names in full (by its own name, not as someone's relative or
    employer: a family name alone may be the relative's) when the headline accuses someone
    without naming any candidate, in a headline written in sentence case (in title case the
    capitals do not tell a description from a name); else None."""
    headline = doc.text[: doc.title_end]
    if not _HEADLINE_ACCUSATION.search(headline) or title_case(headline):
        return None
    tokens = doc.tokens
    lead_end = sum(1 for start, _end in doc.sentences if start < doc.title_end) + ROLE_SENTENCES
    lead_chars = doc.sentences[min(lead_end, len(doc.sentences)) - 1][1]
    named: list[Candidate] = []
    for candidate in ranked:
        starts = [tokens[m.hit.first].start for m in candidate.mentions]
        if any(at < doc.title_end for at in starts):
            return None  # the headline names a candidate: its own reading decides
        if any(
            at < lead_chars
            and gazetteer.entries[m.entry].form not in PARTIAL_FORMS
            and not _relation(doc, m.hit)
            for at, m in zip(starts, candidate.mentions, strict=True)
        ):
            named.append(candidate)
    return named[0] if len(named) == 1 and not named[0].capped else None


def _add_role_points(gazetteer: Gazetteer, doc: Document, ranked: list[Candidate]) -> None:
    """Add :data:`ACCUSED` to each of the best :data:`ROLE_CANDIDATES` candidates (``ranked``
    best first, from the review score up) that the headline or the lead accuses, and say so in
    its reasons. A candidate found only by a family name or short name, or named in full only
    beside someone else's story, stays capped at :data:`PARTIAL_CAP`. The role is read for
    these few only, not for every client named."""
    for candidate in ranked[:ROLE_CANDIDATES]:
        if candidate.raw < REVIEW_SCORE:
            break
        found = _accused_where(doc, candidate)
        if found is None:
            continue
        where, cue = found
        candidate.accused = where
        raw = candidate.raw + ACCUSED
        if candidate.capped and raw >= LINK_SCORE:
            raw = max(candidate.raw, PARTIAL_CAP)
        candidate.raw = raw
        candidate.score = round(max(0.0, min(1.0, raw)), 4)
        candidate.evidence["score"] = candidate.score
        candidate.evidence["reasons"].append(f"the accused in the {where} ({cue})")
    if ranked and not any(c.accused for c in ranked[:ROLE_CANDIDATES]):
        described = _described_accused(gazetteer, doc, ranked)
        if described is not None and described.raw >= REVIEW_SCORE:
            described.accused = "lead"
            described.raw += ACCUSED
            described.score = round(max(0.0, min(1.0, described.raw)), 4)
            described.evidence["score"] = described.score
            described.evidence["reasons"].append(
                "the headline accuses someone it does not name; the lead names this client alone"
            )


_RELATION_WORDS = (
    "brother|sister|wife|husband|son|daughter|uncle|aunt|nephew|niece|cousin|father|mother|"
    "stepson|stepdaughter|widow|ex-wife|ex-husband|girlfriend|boyfriend|fiancée?|"
    "associates?|aides?|lawyers?|attorneys?|advisers?|advisors?|friends?|allies|ally|"
    "spokes(?:man|woman|person)|bodyguard|henchman|former aide|secretary|sec|nominee|"
    "appointee|pick|envoy|minister|deputy|prot[eé]g[eé]e?|cron(?:y|ies)|confidante?|fixer|"
    "financier|lieutenant|right-hand man"
)
_QUALIFIERS = r"(?:(?:former|ex|late|eldest|youngest|elder|younger|close|top|longtime|key)\s+)*"
_RELATION_AFTER = re.compile(rf"^['’]s\s+{_QUALIFIERS}({_RELATION_WORDS})\b", re.IGNORECASE)
# "Goldman Sachs bankers charged", "Backpage CEO Carl Ferrer": the item is about people of the
# organisation named, not (yet) about the organisation itself.
_EMPLOYEE_WORDS = (
    "bankers?|executives?|employees?|officials?|founders?|co-founders?|ceo|cfo|coo|chief|"
    "directors?|managers?|traders?|staff(?:ers)?|boss|chairman|chairwoman|insiders?|"
    "brokers?|agents?|consultants?|partners?"
)
_EMPLOYEE_AFTER = re.compile(
    rf"^(?:['’]s)?\s+{_QUALIFIERS}({_EMPLOYEE_WORDS})\b(?!\s+(?:of|at|for)\b)", re.IGNORECASE
)
# "FINRA Expels Halcyon Cabot Partners", "Treasury designates ...": a name followed by an
# enforcement verb in the active voice is the one acting, the item is about its object.
_ENFORCER_AFTER = re.compile(
    r"^\s+(accuses|arrests|bans|bars|blacklists|charges|convicts|designates|expels|fines|"
    r"freezes|indicts|investigates|jails|penali[sz]es|probes|prosecutes|raids|sanctions|"
    r"seizes|sentences|sues|suspends)\b",
    re.IGNORECASE,
)
# "ING's Payvision rocked by ...": a possessive before another name; the item is about that one
# (a country or nationality word after it, "Danske Bank's Estonian branch", is no name).
_OWNER_OF_NAME = re.compile(r"^['’]s\s+([A-Z][\w-]+)")
_NATIONALITY_ENDINGS = ("an", "ian", "ese", "ish", "i")
_RELATION_BEFORE = re.compile(
    rf"\b({_RELATION_WORDS})\s+of\s+(?:the\s+)?(?:[\w.’'-]+\s+){{0,3}}$", re.IGNORECASE
)


def _relation(doc: Document, hit: Hit) -> str:
    """The relation word (cached per hit in ``doc.relations``) when the mention names someone's
    relative or associate, else ""."""
    found = doc.relations.get(hit)
    if found is None:
        found = doc.relations[hit] = _relation_at(doc, hit)
    return found


def _relation_at(doc: Document, hit: Hit) -> str:
    """The relation word when the mention names someone's relative, associate or nominee
    ("Najib's brother", "wife of former Malaysian PM Najib", "Obama's Sec. of Commerce
    nominee"), people of an organisation ("Goldman Sachs bankers", "Backpage CEO Carl
    Ferrer"), the one acting against another ("FINRA expels ...": the verb) or the owner of
    another name ("ING's Payvision", outside a title-case headline: "owner of Payvision"),
    else ""."""
    end = doc.tokens[hit.last].end
    start = doc.tokens[hit.first].start
    raw_end = doc.tokens[hit.last].raw
    after_text = doc.text[end - (2 if raw_end.endswith(("'s", "’s")) else 0) : end + 40]
    m = _RELATION_AFTER.match(after_text)
    if m:
        return m.group(1).lower()
    m = _EMPLOYEE_AFTER.match(after_text)
    if m:
        return m.group(1).lower()
    m = _ENFORCER_AFTER.match(after_text)
    if m:
        return m.group(1).lower()
    m = _OWNER_OF_NAME.match(after_text)
    if m and not (start < doc.title_end and title_case(doc.text[: doc.title_end])):
        word = m.group(1)
        if _country_code(word) is None and not word.endswith(_NATIONALITY_ENDINGS):
            return "owner of " + word
    m = _RELATION_BEFORE.search(doc.text[max(0, start - 60) : start])
    return m.group(1).lower() if m else ""


def _in_headline(doc: Document, mention: Mention) -> bool:
    """Whether ``mention`` stands in the headline of ``doc``."""
    return doc.where(doc.tokens[mention.hit.first].start) == "headline"


def _best_mention(mentions: list[Mention], doc: Document) -> Mention:
    """The mention shown as evidence: the first in the headline, else the first."""
    for m in mentions:
        if doc.where(doc.tokens[m.hit.first].start) == "headline":
            return m
    return mentions[0]


# --------------------------------------------------------------------------- decisions


@dataclass
class Decision:
    """What to write on one signal."""

    status: LinkStatus
    client_id: int | None = None
    client_ref: str | None = None
    party_id: int | None = None
    score: float | None = None
    evidence: dict[str, Any] | None = None
    candidates: list[dict[str, Any]] | None = None


def _candidate_rows(gazetteer: Gazetteer, found: Sequence[Candidate]) -> list[dict[str, Any]]:
    return [
        {
            "client": gazetteer.clients[c.client].ref,
            "name": c.evidence["matched_name"],
            "score": c.score,
            "evidence": c.evidence,
        }
        for c in found[:MAX_CANDIDATES]
    ]


def _same_places(a: Candidate, b: Candidate) -> bool:
    """Both clients were found at exactly the same places (two clients of the same name): the
    prominence points are equal, and any difference comes from the context alone."""
    return {(m.hit.first, m.hit.last) for m in a.mentions} == {
        (m.hit.first, m.hit.last) for m in b.mentions
    }


def decide_from_text(
    gazetteer: Gazetteer, doc: Document, *, exclude: frozenset[int] = frozenset()
) -> Decision:
    """Decide a news item's client from the names in its text (no subject given)."""
    found = score_candidates(gazetteer, doc, exclude=exclude)
    if not found or found[0].raw < REVIEW_SCORE:
        return Decision(LinkStatus.UNLINKED)
    top = found[0]
    rivals = [
        c
        for c in found[1:]
        if c.raw >= REVIEW_SCORE
        and c.raw > top.raw - (SAME_NAME_MARGIN if _same_places(c, top) else MARGIN)
    ]
    if rivals and top.accused and top.raw >= LINK_SCORE:
        # the headline or the lead accuses the best candidate: a rival the item never accuses
        # (the employer, the prosecutor, a patron named beside it) does not hold the link back
        rivals = [c for c in rivals if c.accused or _accused_where(doc, c, whole=True)]
    rows = _candidate_rows(gazetteer, found)
    if top.raw >= LINK_SCORE and not rivals:
        info = gazetteer.clients[top.client]
        return Decision(
            LinkStatus.LINKED, info.id, info.ref, top.party_id, top.score, top.evidence, rows
        )
    if rivals:
        reason = "several clients are named about as prominently"
    else:
        reason = f"the best candidate scores {top.score:.2f}, below {LINK_SCORE} to link on"
    return Decision(LinkStatus.AMBIGUOUS, candidates=[{"reason": reason}, *rows])


def decide_from_subject(
    gazetteer: Gazetteer,
    index: NameIndex,
    doc: Document,
    subject_name: str,
    *,
    threshold: float,
    exclude: frozenset[int] = frozenset(),
) -> Decision:
    """Decide an item whose source named its subject: screen the name against the clients."""
    found = [
        (indexed, m)
        for indexed, m in index.search(subject_name, "Company", min_score=threshold)
        if indexed.record not in exclude
    ]
    if not found:
        return Decision(LinkStatus.UNLINKED)
    in_text = {c.client: c for c in score_candidates(gazetteer, doc, exclude=exclude)}
    rows: list[dict[str, Any]] = []
    for indexed, m in found[:MAX_CANDIDATES]:
        evidence = _subject_evidence(gazetteer, doc, indexed.record, indexed.name, m.score)
        seen = in_text.get(indexed.record)
        if seen is not None:
            evidence = {**seen.evidence, "score": m.score}
            evidence["reasons"] = ["the item names its subject", *seen.evidence["reasons"]]
        rows.append(
            {
                "client": gazetteer.clients[indexed.record].ref,
                "name": indexed.name,
                "score": m.score,
                "explanation": m.explanation,
                "evidence": evidence,
            }
        )
    best = gazetteer.clients[found[0][0].record]
    seen = in_text.get(found[0][0].record)
    clauses = [
        doc.clause_of(doc.tokens[m.hit.first].start) for m in (seen.mentions if seen else [])
    ]
    clauses += [
        (start, end) for start, end in _all_clauses(doc) if _ANAPHOR.match(doc.text[start:end])
    ]
    against = _contradiction(doc, clauses, best.country)
    close = len(found) > 1 and found[0][1].score - found[1][1].score < SUBJECT_MARGIN
    if against is not None or close:
        reason = (
            f"the item places its subject in {against[0]} ('{against[1]}'), "
            f"the client is in {best.country}"
            if against is not None
            else "several clients match the name"
        )
        return Decision(LinkStatus.AMBIGUOUS, candidates=[{"reason": reason}, *rows])
    evidence = rows[0]["evidence"]
    return Decision(
        LinkStatus.LINKED,
        best.id,
        best.ref,
        seen.party_id if seen is not None and evidence.get("via") == "party" else None,
        found[0][1].score,
        evidence,
        rows,
    )


def _all_clauses(doc: Document) -> Iterator[tuple[int, int]]:
    for start, end in doc.sentences:
        clause_start = start
        for sep in _CLAUSE.finditer(doc.text, start, end):
            yield clause_start, sep.start()
            clause_start = sep.end()
        yield clause_start, end


def _subject_evidence(
    gazetteer: Gazetteer, doc: Document, client: int, name: str, score: float
) -> dict[str, Any]:
    """Evidence for a subject named by the source whose name the text does not spell."""
    return {
        "mention": name,
        "sentence": _sentence_text(doc, 0, doc.title_end, 0),
        "where": "subject",
        "count": 0,
        "matched_name": name,
        "via": "client" if name == gazetteer.clients[client].name else "alias",
        "party_role": None,
        "score": score,
        "reasons": ["the item names its subject"],
    }


def _subject_index(gazetteer: Gazetteer) -> NameIndex:
    index = NameIndex()
    seen: set[tuple[int, str]] = set()
    for entry in gazetteer.entries:
        if entry.via == "party" or (entry.client, entry.name) in seen:
            continue
        seen.add((entry.client, entry.name))
        index.add(entry.client, entry.name, "Company")
    return index


def link_signals(
    *,
    session: Session,
    signals: Sequence[Signal] | None = None,
    actor: str | None,
    threshold: float = DEFAULT_THRESHOLD,
    signal_ids: Sequence[int] | None = None,
) -> LinkResult:
    """Link unlinked signals to clients and their parties: all of them, the given ``signals``,
    or those of ``signal_ids`` (an import's new signals; ids of signals that already have a
    client are passed over).

    ``threshold``: the name score a ``subject_name`` must reach against a client name. Writes
    ``client_id``, ``link_status``, ``link_score``, ``link_party_id``, ``link_evidence`` and
    ``link_candidates`` (see the module docstring), and one ``signal.linked`` audit event per
    link with the evidence's summary. Reads and writes in batches of :data:`BATCH` (bulk
    updates by primary key), so the whole backlog of a large roster can be linked in one call.
    """
    if signal_ids is not None:
        ids = sorted(set(signal_ids))
    elif signals is None:
        ids = list(
            session.scalars(
                select(Signal.id)
                .where(Signal.client_id.is_(None), Signal.link_status == LinkStatus.UNLINKED)
                .order_by(Signal.id)
            )
        )
    else:
        session.flush()
        ids = [s.id for s in signals if s.client_id is None]
    result = LinkResult()
    if not ids:
        return result
    gazetteer = build_gazetteer(session=session)
    if not gazetteer.clients:
        result.unlinked = len(ids)
        return result
    index: NameIndex | None = None
    for lo in range(0, len(ids), BATCH):
        chunk = ids[lo : lo + BATCH]
        rejected: dict[int, set[int]] = defaultdict(set)
        for signal_id, client_id in session.execute(
            select(SignalLinkRejection.signal_id, SignalLinkRejection.client_id).where(
                SignalLinkRejection.signal_id.in_(chunk)
            )
        ):
            position = gazetteer.position_of(client_id)
            if position is not None:
                rejected[signal_id].add(position)
        rows = session.execute(
            select(Signal.id, Signal.title, Signal.text, Signal.subject_name).where(
                Signal.id.in_(chunk), Signal.client_id.is_(None)
            )
        ).all()
        updates: list[dict[str, Any]] = []
        events: list[PendingEvent] = []
        for signal_id, title, text, subject_name in rows:
            doc = Document.of(title, text)
            exclude = frozenset(rejected.get(signal_id, ()))
            if subject_name:
                if index is None:
                    index = _subject_index(gazetteer)
                decision = decide_from_subject(
                    gazetteer, index, doc, subject_name, threshold=threshold, exclude=exclude
                )
            else:
                decision = decide_from_text(gazetteer, doc, exclude=exclude)
            if decision.status == LinkStatus.UNLINKED:
                result.unlinked += 1
                continue
            if decision.status == LinkStatus.AMBIGUOUS:
                result.ambiguous += 1
            else:
                result.linked += 1
                result.through_party += decision.party_id is not None
                events.append(_event(signal_id, decision))
            row: dict[str, Any] = {
                "id": signal_id,
                "link_status": decision.status,
                "link_candidates": decision.candidates,
            }
            if decision.status == LinkStatus.LINKED:
                # (an ambiguous row leaves these out: stored SQL NULL, not JSON null)
                row.update(
                    client_id=decision.client_id,
                    link_score=decision.score,
                    link_party_id=decision.party_id,
                    link_evidence=decision.evidence,
                )
            updates.append(row)
        for keys in {tuple(r) for r in updates}:  # one bulk UPDATE per shape of row
            session.execute(update(Signal), [r for r in updates if tuple(r) == keys])
        record_events(session=session, actor=actor, events=events)
    _expire_loaded(session=session, ids=set(ids))
    session.flush()
    return result


def _event(signal_id: int, decision: Decision) -> PendingEvent:
    evidence = decision.evidence or {}
    return PendingEvent(
        "signal.linked",
        "signal",
        signal_id,
        decision.client_id,
        after={
            "client": decision.client_ref,
            "score": decision.score,
            "via": evidence.get("via"),
            "party_id": decision.party_id,
            "mention": evidence.get("mention"),
            "where": evidence.get("where"),
            "reasons": evidence.get("reasons", []),
        },
    )


def _expire_loaded(*, session: Session, ids: set[int]) -> None:
    """Signals of ``ids`` already loaded in the session read the new values on next access."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Signal) and obj.id in ids:
            session.expire(obj)
