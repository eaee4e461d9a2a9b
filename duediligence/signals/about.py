"""Whom a text is about: the subject's mentions, the sentences naming it, and its role.

:func:`read_subject` does the text work once per (text, subject): sentences, mentions, the
masked sentences and the role cues (:mod:`duediligence.matching.roles`).
:meth:`SubjectReading.role` then decides with the classifier's probabilities: a role pattern
wins (a weak "mentioned" cue read from words alone gives way when the sentences naming the
subject read as adverse with probability 0.8 or more and carry a word of an offence); without
one, a subject named in an adverse text is the ``subject`` when the sentences naming it read as
adverse on their own, and ``other party`` when they do not (the story is about someone else) —
in a brief (≤ 8 sentences) also when the clauses naming it have no word of an offence or its
enforcement and it is not named in the text's first clause, which tells whose story it is ("A
jeweller was charged with smuggling; X had bought stock from him"); in a text
that is not adverse it is ``mentioned``; a text that never names the subject is about an
``other party``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from duediligence.matching.gazetteer import sentences
from duediligence.matching.roles import (
    CO_REF,
    CRIME_WORDS,
    MENTIONED,
    OTHER,
    SUBJECT,
    WEAK_MENTION,
    RoleCue,
    decide,
    mask,
    role_cues,
)
from duediligence.signals.mentions import Mention, Subject, find_mentions

# A calibrated probability at or above this is an adverse verdict.
ADVERSE_THRESHOLD = 0.5
# A "mentioned" cue read from words alone gives way to an adverse reading this sure.
WEAK_CUE_OVERRIDE = 0.8
# A brief: up to this many sentences. There a clause naming the subject beside someone else's
# offence, with no word of an offence in it, means the story is someone else's; in a long
# article the subject is usually its protagonist, accused in sentences that do not name it
# ("He was charged ..."), so there the sentences naming it and the one after are scored instead
# (chosen on the training half of the real articles and the `tune` role cases).
BRIEF_SENTENCES = 8
# Clause breaks inside a sentence: "A jeweller was charged with smuggling; X had bought stock".
_CLAUSE = re.compile(r"\s*;\s*|\s+[—–]\s+")
# A sentence that goes on about the subject without naming it.
_CONTINUES = re.compile(
    r"^[\"'“‘(]?(?:he|she|it|they|his|her|its|their|the (?:company|firm|bank|group|lender|"
    r"businessman|businesswoman|politician|executive|former|ex-|official|minister))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SubjectReading:
    """What the text says about the subject, before the classifier's numbers."""

    sentences: list[tuple[int, int]]
    mentions: list[Mention]
    mention_sentences: list[int]  # indexes into ``sentences``, in order
    cue: RoleCue | None  # the deciding role pattern, if any matched
    context: str  # the clauses naming the subject and a next sentence that goes on about it
    crime_words: bool  # the context has a word of an offence or its enforcement
    leads: bool = False  # the subject is named in the text's first clause (headline or lead)

    @property
    def needs_context(self) -> bool:
        """True when the role depends on how adverse :attr:`context` reads (no role pattern
        decided, or only a weak "mentioned" one)."""
        return bool(self.mentions) and (self.cue is None or self.cue.cue == WEAK_MENTION)

    @property
    def matched_name(self) -> str | None:
        """The name (own or related) the first mention matched."""
        return self.mentions[0].name if self.mentions else None

    def role(self, p_text: float, p_context: float | None) -> tuple[str, str]:
        """The role and why, given P(adverse) of the whole text and of :attr:`context`."""
        if not self.mentions:
            return OTHER, "the text does not name the subject"
        if self.cue is not None and self.cue.cue == WEAK_MENTION:
            if (
                p_text >= ADVERSE_THRESHOLD
                and self.crime_words
                and p_context is not None
                and p_context >= WEAK_CUE_OVERRIDE
            ):
                return SUBJECT, "the sentences naming it read as adverse"
            return self.cue.role, self.cue.cue
        if self.cue is not None:
            return self.cue.role, self.cue.cue
        if p_text >= ADVERSE_THRESHOLD:
            if not self.crime_words and not self.leads and len(self.sentences) <= BRIEF_SENTENCES:
                return OTHER, "the offence is another party's: no word of it where it is named"
            if p_context is not None and p_context >= ADVERSE_THRESHOLD:
                return SUBJECT, "the sentences naming it read as adverse"
            return OTHER, "the adverse story is not in the sentences naming it"
        return MENTIONED, "named in a text that is not adverse"


def read_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text`` (see :func:`duediligence.signals.mentions.sentences`)."""
    return sentences(text)


def read_subject(text: str, subject: Subject) -> SubjectReading:
    """Find the subject in ``text`` and the role patterns around its mentions."""
    spans = sentences(text)
    mentions = find_mentions(text, subject)
    by_sentence: dict[int, list[tuple[int, int]]] = {}
    j = 0
    for m in mentions:
        while j < len(spans) and spans[j][1] <= m.start:
            j += 1
        if j < len(spans):
            a = spans[j][0]
            by_sentence.setdefault(j, []).append((m.start - a, m.end - a))
    mention_sentences = sorted(by_sentence)
    masked: list[str] = []
    previous = False
    for k, (a, b) in enumerate(spans):
        own = by_sentence.get(k, [])
        masked.append(mask(text[a:b], own, coref=bool(own) or previous) if own or previous else "")
        previous = bool(own)
    cue = decide(role_cues(masked))
    if len(spans) > BRIEF_SENTENCES:
        keep = sorted({k for i in mention_sentences for k in (i, i + 1) if k < len(spans)})
        context = " ".join(text[spans[k][0] : spans[k][1]] for k in keep)
    else:
        context = _subject_context(text, spans, by_sentence)
    leads = False
    if 0 in by_sentence:
        first = text[spans[0][0] : spans[0][1]]
        cut = _CLAUSE.search(first)
        leads = any(start < (cut.start() if cut else len(first)) for start, _e in by_sentence[0])
    return SubjectReading(
        spans,
        mentions,
        mention_sentences,
        cue,
        context,
        bool(CRIME_WORDS.search(context)),
        leads,
    )


def _subject_context(
    text: str, spans: list[tuple[int, int]], by_sentence: dict[int, list[tuple[int, int]]]
) -> str:
    """The clauses that name the subject (a sentence cut at semicolons and dashes), and a next
    sentence that goes on about it ("He was charged ...", "... listings on the site ...")."""
    parts: list[str] = []
    for k in sorted(by_sentence):
        a, b = spans[k]
        sentence = text[a:b]
        cuts = [
            0,
            *(x for m in _CLAUSE.finditer(sentence) for x in (m.start(), m.end())),
            len(sentence),
        ]
        for start, end in zip(cuts[::2], cuts[1::2], strict=True):
            if any(start <= s < end for s, _e in by_sentence[k]):
                parts.append(sentence[start:end])
        if k + 1 < len(spans) and k + 1 not in by_sentence:
            nxt = text[spans[k + 1][0] : spans[k + 1][1]]
            if _CONTINUES.match(nxt.lstrip()) or CO_REF.search(nxt):
                parts.append(nxt)
    return " ".join(p.strip() for p in parts if p.strip())
