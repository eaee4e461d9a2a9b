"""Risk features of a client at an as-of date: pure, documented functions of the public record.

Every function takes a :class:`ClientRecord` — only what was public on or before ``as_of`` — and
returns a number and the evidence behind it, so each contribution to a score can be traced to
signals, matches or facts a reviewer can check. A feature the record holds no information on (an
unknown line of business, no owner on file, no country) says so (``known=False``): the model then
gives it no contribution and the explanation does not list it as a reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from duediligence.risk.reference import industry_risk, lists_for, product_risk
from duediligence.risk.topics import is_sanctioned

# Credibility of a signal whose source was not rated on import (between a blog and a newspaper).
DEFAULT_CREDIBILITY = 0.6
HALF_LIFE_DAYS = 5 * 365  # older news weighs less, but years-old findings still count
SEVERITY_WEIGHT = {
    None: 1.0,
    "allegation": 1.0,
    "charge": 2.0,
    "settlement": 2.0,
    "conviction": 3.0,
    "sanction": 3.0,
}
CATEGORIES: dict[str, tuple[str, ...]] = {
    "trafficking": ("human_trafficking", "forced_labour"),
    "financial_crime": (
        "money_laundering",
        "fraud",
        "corruption",
        "tax_crime",
        "sanctions_evasion",
        "cybercrime",
    ),
    "violent_crime": ("terrorism", "drug_trafficking", "arms_trafficking", "organised_crime"),
    "environmental_crime": ("environmental_crime",),
}
# An offence label counts only if the classifier prefers it over `none` by this much; below it
# the classifier could not tell adverse from benign (e.g. a launch announcement that mentions an
# adult section: 0.35 trafficking vs 0.33 none) and the item waits for a reviewer instead.
MIN_MARGIN = 0.1
RISKY_ENGAGEMENTS = {"custom_build": 1.0, "consultation": 0.5}
EXONERATION = re.compile(
    r"\b(dismiss(?:es|ed)?|acquit(?:s|ted)?|clear(?:s|ed)|charges? (?:dropped|withdrawn)|"
    r"drops? (?:the )?charges|not guilty|overturn(?:s|ed)?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SignalFact:
    """What scoring needs of a signal."""

    id: int
    title: str
    kind: str
    published_at: date
    source: str | None
    severity: str | None
    credibility: float
    label: str | None
    probabilities: dict[str, float] | None
    role: str | None = None  # the client's role in the item (matching.roles), None if unknown
    adverse_probability: float | None = None  # calibrated P(adverse media), None if unknown
    # Set when the item reached the client through one of its parties (news linking): the
    # party's name and role. Such an item is ownership exposure, not the client's own record.
    party: str | None = None
    party_role: str | None = None
    # The stage of the matter read from the headline and evidence sentences (see
    # :func:`read_stage`) when the source gave no severity and the item is about the party
    # as the accused; read by the rules only, never by the model's features.
    stage: str | None = None

    @property
    def stage_of_matter(self) -> str | None:
        """The source's severity, else the stage read from the text (None if neither)."""
        return self.severity or self.stage


# Words that say how far a matter has gone, latest stage first (``db.enums.Severity``).
_STAGE_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "sanction",
        re.compile(
            r"\b(?:was|were|been|is|are|be) (?:\w+ )?(?:sanctioned|designated|blacklisted)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "conviction",
        re.compile(
            r"\b(?:convicted|found guilty|pleaded guilty|pleads guilty|plead guilty|"
            r"admitted guilt|sentenced|jailed|imprisoned)\b",
            re.IGNORECASE,
        ),
    ),
)


def stage_of_item(
    *, severity: str | None, role: str | None, title: str, evidence: Sequence[str] | None
) -> str | None:
    """The stage of the matter an item reports: the source's severity when it gave one, else
    the stage :func:`read_stage` reads from the headline and evidence sentences of an item
    about the client (or party) as the accused (role ``subject``), else None. One rule for
    scoring (:mod:`duediligence.risk.records`), knowability and the reports."""
    if severity:
        return severity
    if role != "subject":
        return None
    return read_stage([title, *(evidence or [])])


def read_stage(texts: Sequence[str]) -> str | None:
    """``"sanction"`` or ``"conviction"`` when the texts (a news item's headline and evidence
    sentences, the ones naming the accused) say the matter reached that stage, else None.

    Only meaningful for an item already read as adverse about its subject (role ``subject``):
    the role reading has ruled out acquittals, dropped charges and the conviction of someone
    else. News feeds give no severity, so without this a feed item reporting a client's
    trafficking conviction could never meet the conviction rule.
    """
    joined = " ".join(t for t in texts if t)
    for stage, pattern in _STAGE_WORDS:
        if pattern.search(joined):
            return stage
    return None


@dataclass
class ClientRecord:
    """A client's public record as of a date (the input of every feature function)."""

    client_id: int
    as_of: date
    country: str | None
    industry: str | None
    products: list[str]
    owners: list[dict[str, Any]]  # kind, country, role
    signals: list[SignalFact] = field(default_factory=list)  # about the client itself
    # items about its owners, directors and officers (linked through a party): never part of
    # the client's own adverse features, scored as ownership exposure by the rules
    party_signals: list[SignalFact] = field(default_factory=list)
    confirmed_matches: list[dict[str, Any]] = field(default_factory=list)  # topics, entity
    pending_matches: list[dict[str, Any]] = field(default_factory=list)  # not yet reviewed
    engagement_kinds: list[str] = field(default_factory=list)
    profile_version: int = 0
    # adverse signals still standing (filled by effective_signals on first use)
    standing: list[SignalFact] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Feature:
    """A feature value and the evidence behind it; ``known`` is False when the record holds no
    information on it (the value is then meaningless and contributes nothing)."""

    value: float
    evidence: list[dict[str, Any]] = field(default_factory=list)
    known: bool = True


def decay(published: date, as_of: date) -> float:
    """Exponential recency weight with a five-year half-life."""
    age = max(0, (as_of - published).days)
    return math.pow(0.5, age / HALF_LIFE_DAYS)


def is_exoneration(signal: SignalFact) -> bool:
    """A court or authority clearing the client: the classifier read the client's role as
    ``cleared`` (acquitted, charges or probe dropped, found not involved), or a non-adverse item
    whose title says so (dismissal, acquittal, charges dropped)."""
    if signal.role == "cleared":
        return True
    return signal.label in (None, "none") and bool(EXONERATION.search(signal.title))


def confidence(signal: SignalFact) -> float:
    """How sure the classifier is that the item is adverse media: the calibrated
    ``adverse_probability`` when recorded, else the probability of its label (older verdicts),
    else 1 (labelled by a person or an upstream system)."""
    if signal.adverse_probability is not None:
        return signal.adverse_probability
    return (signal.probabilities or {}).get(signal.label or "", 1.0)


def is_adverse(signal: SignalFact) -> bool:
    """Whether a signal counts as adverse evidence against the client: an offence label, the
    client's role in the item ``subject`` (a victim, a bystander, a crime fighter or a cleared
    party does not count), and — for verdicts without a calibrated probability — an offence
    label the classifier prefers over ``none`` by at least :data:`MIN_MARGIN` (a near-tie is left
    to a reviewer, not scored)."""
    if signal.label in (None, "none"):
        return False
    if signal.role not in (None, "subject"):
        return False
    if signal.adverse_probability is not None:
        return True  # the calibrated verdict already required P(adverse) >= 0.5
    if not signal.probabilities:
        return True  # labelled by a person or an upstream system
    margin = signal.probabilities.get(signal.label, 0.0) - signal.probabilities.get("none", 0.0)
    return margin >= MIN_MARGIN


def effective_signals(record: ClientRecord) -> list[SignalFact]:
    """Adverse signals still standing: allegations and charges published before an exoneration
    are cleared by it; convictions and sanctions are not. Undecided labels do not count. Items
    about the client's parties (``record.party_signals``) are not the client's own record and
    never count here (:func:`party_exposure`).

    Computed once per record (every adverse feature and rule asks for it)."""
    if record.standing is not None:
        return record.standing
    record.standing = standing_adverse(record.signals)
    return record.standing


def standing_adverse(signals: list[SignalFact]) -> list[SignalFact]:
    """Adverse items of ``signals`` still standing: the rule of :func:`effective_signals`
    (allegations and charges published before a later exoneration are cleared; convictions and
    sanctions are not) applied to one list of items about one subject."""
    clears = [s.published_at for s in signals if is_exoneration(s)]
    last_clear = max(clears) if clears else None
    return [
        s
        for s in signals
        if is_adverse(s)
        and not (
            last_clear
            and s.published_at <= last_clear
            and s.severity in (None, "allegation", "charge")
        )
    ]


def party_exposure(record: ClientRecord) -> list[tuple[str, str, list[SignalFact]]]:
    """Ownership exposure: ``(party name, role, standing adverse items)`` for each owner,
    director or officer that adverse media still standing is about (items linked to the client
    through that party), oldest first within a party, parties by their first item.

    An exoneration of one party clears only that party's earlier allegations and charges. Not a
    model feature: :func:`duediligence.risk.rules.apply_rules` turns it into a rule hit."""
    by_party: dict[tuple[str, str], list[SignalFact]] = {}
    for s in record.party_signals:
        by_party.setdefault((s.party or "", s.party_role or "party"), []).append(s)
    out = []
    for (name, role), items in by_party.items():
        standing = sorted(standing_adverse(items), key=lambda s: (s.published_at, s.id))
        if standing:
            out.append((name, role, standing))
    out.sort(key=lambda item: (item[2][0].published_at, item[0]))
    return out


def _signal_evidence(s: SignalFact, weight: float) -> dict[str, Any]:
    return {
        "id": s.id,
        "title": s.title,
        "published_at": s.published_at.isoformat(),
        "label": s.label,
        "weight": round(weight, 3),
    }


def adverse_category(category: str) -> Callable[[ClientRecord], Feature]:
    """Weighted adverse media of one category group: severity × credibility × recency ×
    the classifier's confidence, summed and log-scaled."""
    labels = CATEGORIES[category]

    def feature(record: ClientRecord) -> Feature:
        total = 0.0
        evidence = []
        for s in effective_signals(record):
            if s.label not in labels:
                continue
            w = (
                SEVERITY_WEIGHT.get(s.severity, 1.0)
                * s.credibility
                * decay(s.published_at, record.as_of)
                * confidence(s)
            )
            total += w
            evidence.append(_signal_evidence(s, w))
        evidence.sort(key=lambda e: -e["weight"])
        return Feature(math.log1p(total), evidence[:5])

    feature.__doc__ = f"Adverse media about {category.replace('_', ' ')} ({', '.join(labels)})."
    return feature


def official_actions(record: ClientRecord) -> Feature:
    """Adverse legal and regulatory actions (courts, prosecutors, regulators), log-scaled."""
    hits = [s for s in effective_signals(record) if s.kind in ("legal_action", "regulatory_action")]
    return Feature(math.log1p(len(hits)), [_signal_evidence(s, 1.0) for s in hits[:5]])


def distinct_sources(record: ClientRecord) -> Feature:
    """How many different sources reported adverse items (corroboration), log-scaled.

    Each source counts with the strength of its best item: credibility × the classifier's
    confidence in the adverse label, so a borderline label from one weak source is not
    corroboration. The evidence is each source's best item."""
    best: dict[str, tuple[float, SignalFact]] = {}
    for s in effective_signals(record):
        strength = s.credibility * confidence(s)
        key = s.source or "unknown"
        if key not in best or strength > best[key][0]:
            best[key] = (strength, s)
    ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
    return Feature(
        math.log1p(sum(strength for strength, _s in best.values())),
        [{**_signal_evidence(s, strength), "source": k} for k, (strength, s) in ranked[:5]],
    )


def sanctions_match(record: ClientRecord) -> Feature:
    """Confirmed matches of the client or its parties on sanctioned list entities (by the topic
    table of :mod:`duediligence.risk.topics`: a PEP, crime or debarment match has its own rule,
    not this feature)."""
    matches = [
        m
        for m in record.confirmed_matches
        if is_sanctioned(m.get("topics") or [], m.get("programs") or [])
    ]
    return Feature(float(len(matches)), matches[:5])


def unresolved_hits(record: ClientRecord) -> Feature:
    """Strongest watch-list hit still awaiting review (its match score; 0 when none).

    An unreviewed hit is a red flag until a reviewer dismisses it."""
    best = max((m["score"] for m in record.pending_matches), default=0.0)
    return Feature(best, sorted(record.pending_matches, key=lambda m: -m["score"])[:3])


def jurisdiction_risk(record: ClientRecord) -> Feature:
    """Worst jurisdiction of the client and its owners on the lists in force at ``as_of``:
    FATF call for action 1.0, FATF increased monitoring or EU high-risk 0.6, secrecy 0.3."""
    worst = 0.0
    evidence: list[dict[str, Any]] = []
    countries = [("client", record.country)] + [("owner", o.get("country")) for o in record.owners]
    if not any(country for _who, country in countries):
        return Feature(0.0, [{"finding": "no country on file"}], known=False)
    for who, country in countries:
        on = lists_for(country, record.as_of)
        score = (
            1.0
            if "fatf_call_for_action" in on
            else 0.6
            if on & {"fatf_increased_monitoring", "eu_high_risk"}
            else 0.3
            if "secrecy_jurisdiction" in on
            else 0.0
        )
        if score:
            evidence.append({"who": who, "country": country, "lists": sorted(on)})
        worst = max(worst, score)
    return Feature(worst, evidence)


def industry(record: ClientRecord) -> Feature:
    """Risk of the client's line of business (reference table ``risk/data/industries.csv``);
    unknown when the client has no industry on file or one the table does not know."""
    risk = industry_risk(record.industry)
    if risk is None:
        return Feature(0.0, [{"industry": record.industry or "not on file"}], known=False)
    return Feature(risk, [{"industry": record.industry}])


def ownership_opacity(record: ClientRecord) -> Feature:
    """Owners that are companies (+0.25 each) or offshore (+0.5 each), capped at 1; unknown when
    no owner is on file (nothing is known of the ownership, so nothing is scored)."""
    owners = [o for o in record.owners if o.get("role") == "owner"]
    if not owners:
        return Feature(0.0, [{"finding": "no owner on file"}], known=False)
    score = 0.0
    evidence = []
    for o in owners:
        if o.get("kind") == "company":
            score += 0.25
            evidence.append({"finding": "company owner", "country": o.get("country")})
        if "secrecy_jurisdiction" in lists_for(o.get("country"), record.as_of):
            score += 0.5
            evidence.append({"finding": "offshore owner", "country": o.get("country")})
    return Feature(min(1.0, score), evidence)


def product_exposure(record: ClientRecord) -> Feature:
    """How much the vendor's own products could serve the client's business: custom builds,
    data and marketing tools, messaging platforms (max product risk + custom work done)."""
    product = max((product_risk(p) for p in record.products), default=0.0)
    custom = sum(RISKY_ENGAGEMENTS.get(k, 0.0) for k in record.engagement_kinds)
    evidence = [{"products": record.products, "custom_engagements": custom}]
    return Feature(product + math.log1p(custom) / 2, evidence)


FEATURES: dict[str, tuple[str, Callable[[ClientRecord], Feature]]] = {
    "adverse_trafficking": (
        "Adverse media: human trafficking or forced labour",
        adverse_category("trafficking"),
    ),
    "adverse_financial_crime": (
        "Adverse media: laundering, fraud, corruption, tax, sanctions, cyber",
        adverse_category("financial_crime"),
    ),
    "adverse_violent_crime": (
        "Adverse media: terrorism, drugs, arms, organised crime",
        adverse_category("violent_crime"),
    ),
    "adverse_environmental_crime": (
        "Adverse media: environmental crime",
        adverse_category("environmental_crime"),
    ),
    "official_actions": ("Legal and regulatory actions", official_actions),
    "distinct_sources": ("Number of independent sources", distinct_sources),
    "sanctions_match": ("Confirmed watch-list matches", sanctions_match),
    "unresolved_hits": ("Watch-list hits awaiting review", unresolved_hits),
    "jurisdiction_risk": ("High-risk jurisdictions (client or owners)", jurisdiction_risk),
    "industry_risk": ("Line of business", industry),
    "ownership_opacity": ("Ownership opacity", ownership_opacity),
    "product_exposure": ("What the vendor sells and builds for the client", product_exposure),
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)


def evidence_text(item: dict[str, Any]) -> str:
    """One non-signal evidence item of a factor as reader-facing text, the one wording of the
    CLI, the knowability answer and the reports: ``products: crm, analytics; custom
    engagements: 0`` for ``{"products": ["crm", "analytics"], "custom_engagements": 0}`` —
    keys with spaces, lists joined with commas (never a Python ``['crm']``), empty values left
    out."""
    parts = []
    for key, value in item.items():
        if value is None or value == "" or (isinstance(value, list | tuple) and not value):
            continue
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{str(key).replace('_', ' ')}: {value}")
    return "; ".join(parts)


def compute_features(record: ClientRecord) -> dict[str, Feature]:
    """Every feature of ``record``."""
    return {name: fn(record) for name, (_label, fn) in FEATURES.items()}


def feature_matrix(computed: list[dict[str, Feature]]) -> np.ndarray:
    """Rows of feature values in :data:`FEATURE_NAMES` order, NaN where a feature is unknown
    (the scorer fills those with the training mean, so they contribute nothing)."""
    return np.array(
        [[f[name].value if f[name].known else np.nan for name in FEATURE_NAMES] for f in computed],
        dtype=float,
    ).reshape(len(computed), len(FEATURE_NAMES))
