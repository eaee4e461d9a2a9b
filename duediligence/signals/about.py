"""Whom a text is about: the subject's mentions, the sentences naming it, and its role.

:func:`read_subject` does the text work once per (text, subject): sentences, mentions, the
masked sentences and the role cues (:mod:`duediligence.signals.roles`).
:meth:`SubjectReading.role` then decides with the classifier's probabilities: a role pattern
wins; without one, a subject named in an adverse text is the ``subject`` when the sentences
naming it read as adverse on their own, and ``other party`` when they do not (the story is about
someone else); in a text that is not adverse it is ``mentioned``; a text that never names the
subject is about an ``other party``.
"""

from __future__ import annotations

from dataclasses import dataclass

from duediligence.signals.mentions import Mention, Subject, find_mentions, sentences
from duediligence.signals.roles import MENTIONED, OTHER, SUBJECT, RoleCue, decide, mask, role_cues

# A calibrated probability at or above this is an adverse verdict.
ADVERSE_THRESHOLD = 0.5


@dataclass(frozen=True)
class SubjectReading:
    """What the text says about the subject, before the classifier's numbers."""

    sentences: list[tuple[int, int]]
    mentions: list[Mention]
    mention_sentences: list[int]  # indexes into ``sentences``, in order
    cue: RoleCue | None  # the deciding role pattern, if any matched
    context: str  # the sentences naming the subject and the one after each

    @property
    def matched_name(self) -> str | None:
        """The name (own or related) the first mention matched."""
        return self.mentions[0].name if self.mentions else None

    def role(self, p_text: float, p_context: float | None) -> tuple[str, str]:
        """The role and why, given P(adverse) of the whole text and of :attr:`context`."""
        if not self.mentions:
            return OTHER, "the text does not name the subject"
        if self.cue is not None:
            return self.cue.role, self.cue.cue
        if p_text >= ADVERSE_THRESHOLD:
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
    keep = sorted({k for i in mention_sentences for k in (i, i + 1) if k < len(spans)})
    context = " ".join(text[spans[k][0] : spans[k][1]] for k in keep)
    return SubjectReading(spans, mentions, mention_sentences, cue, context)
