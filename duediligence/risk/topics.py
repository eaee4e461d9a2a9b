"""What a confirmed watch-list match means, by the list entity's FollowTheMoney topics.

One table (:data:`TOPIC_RULES`) maps each topic of the FollowTheMoney topic vocabulary
(https://followthemoney.tech/explorer/types/topic/) to the consequence of a *confirmed* match
on an entity carrying it, the tier that consequence demands at least, the rule name stored on
the assessment, and the source of the rule. Topics are hierarchical (``crime.fin`` is a
``crime``): a topic takes the rule of its longest listed prefix, so ``crime.traffick.human``
follows ``crime``, while ``sanction.linked`` and ``sanction.counter`` have rules of their own.

Being a politically exposed person is neither a crime nor a sanction: a confirmed match on a
``role.pep`` / ``role.rca`` / ``role.pol`` entity calls for enhanced due diligence and senior
approval (FATF Recommendation 12; EU Directive 2015/849 arts. 20-23; UK MLRs 2017 reg. 35), not
prohibition — see :mod:`duediligence.risk.pep`.

An entity without topics (OFAC, UN and other sanctions-list parsers give ``sanction``; a list
that gives nothing) is treated as sanctioned, as it always was. A match whose topics have no
rule (``role.journo``, ``gov.soe`` ...) does not count in scoring.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from duediligence.db.enums import Tier


class Consequence(StrEnum):
    """What a confirmed match on a list entity leads to."""

    BLOCKED = "blocked"  # dealing is prohibited: the relationship must not start or continue
    PEP = "pep"  # politically exposed: enhanced due diligence and senior approval
    CRIME = "crime"  # listed for a crime: high risk, a reviewer decides
    EXPORT_CONTROL = "export_control"  # export restrictions: high risk (licence may be needed)
    DEBARMENT = "debarment"  # debarred from public contracts: high risk
    SANCTION_LINKED = "sanction_linked"  # linked to a sanctioned party, no programme named
    REVIEW = "review"  # a reason for a reviewer to look: medium at least


@dataclass(frozen=True)
class TopicRule:
    """The consequence of a confirmed match on an entity with ``topic`` (and its children)."""

    topic: str
    consequence: Consequence
    min_tier: Tier
    rule: str  # the rule name stored on the assessment's rule hits
    label: str  # reader-facing: "Sanctioned", "Politically exposed person" ...
    source: str  # the rule's source (law, regulation or recommendation)


SANCTIONS_SOURCE = (
    "OFAC blocking regulations, 31 CFR chapter V; EU Regulation 269/2014 art. 2; "
    "UK Sanctions and Anti-Money Laundering Act 2018"
)
PEP_SOURCE = (
    "FATF Recommendation 12 and its interpretive note; EU Directive 2015/849 (AMLD) arts. 20-23; "
    "UK Money Laundering Regulations 2017 reg. 35"
)

# The one table. Order does not matter: a topic takes the rule of its longest matching prefix.
TOPIC_RULES: tuple[TopicRule, ...] = (
    TopicRule(
        "sanction",
        Consequence.BLOCKED,
        Tier.PROHIBITED,
        "confirmed_sanctions_match",
        "Sanctioned",
        SANCTIONS_SOURCE,
    ),
    TopicRule(
        "sanction.linked",
        Consequence.BLOCKED,
        Tier.PROHIBITED,
        "confirmed_sanctions_match",
        "Sanction-linked (owned or controlled under a named programme)",
        "the programme's ownership and control rule: OFAC 50 Percent Rule guidance (2014); "
        "EU Regulation 269/2014 art. 2 and the Commission's guidance on ownership and control; "
        "applies when the entity names its programme, else see sanction_linked below",
    ),
    TopicRule(
        "sanction.counter",
        Consequence.REVIEW,
        Tier.MEDIUM,
        "counter_sanctions_match",
        "Counter-sanctioned by a foreign state",
        "not binding in the EU, UK or US (EU Regulation 2271/96, the blocking statute); "
        "a reason to review under FATF Recommendation 10 (risk-based CDD)",
    ),
    TopicRule(
        "role.pep",
        Consequence.PEP,
        Tier.HIGH,
        "politically_exposed_person",
        "Politically exposed person",
        PEP_SOURCE,
    ),
    TopicRule(
        "role.rca",
        Consequence.PEP,
        Tier.HIGH,
        "politically_exposed_person",
        "Relative or close associate of a PEP",
        PEP_SOURCE + " (family members and close associates: FATF R.12 INR para. 1; AMLD art. 23; "
        "MLRs reg. 35(1), 35(12))",
    ),
    TopicRule(
        "role.pol",
        Consequence.PEP,
        Tier.HIGH,
        "politically_exposed_person",
        "Politician",
        PEP_SOURCE,
    ),
    TopicRule(
        "crime",
        Consequence.CRIME,
        Tier.HIGH,
        "listed_crime",
        "Listed for a crime",
        "FATF Recommendation 10 (CDD) and 20 (suspicious transactions); designated offence "
        "categories of the FATF Glossary",
    ),
    TopicRule(
        "wanted",
        Consequence.CRIME,
        Tier.HIGH,
        "listed_crime",
        "Wanted by law enforcement",
        "FATF Recommendation 10 (CDD) and 20 (suspicious transactions)",
    ),
    TopicRule(
        "export.control",
        Consequence.EXPORT_CONTROL,
        Tier.HIGH,
        "export_control",
        "Export controlled",
        "US Export Administration Regulations, 15 CFR part 744 (Entity List) and 764 (Denied "
        "Persons); EU Regulation 2021/821 (dual-use items)",
    ),
    TopicRule(
        "debarment",
        Consequence.DEBARMENT,
        Tier.HIGH,
        "debarment",
        "Debarred",
        "World Bank Sanctions Procedures; US FAR subpart 9.4; EU Financial Regulation "
        "2018/1046 art. 136 (EDES); a high-risk factor under FATF Recommendation 10",
    ),
    TopicRule(
        "poi",
        Consequence.REVIEW,
        Tier.MEDIUM,
        "person_of_interest",
        "Person of interest",
        "the source's flag for a reviewer's attention, no legal consequence; FATF "
        "Recommendation 1 (risk-based approach)",
    ),
    TopicRule(
        "corp.disqual",
        Consequence.REVIEW,
        Tier.MEDIUM,
        "disqualified_director",
        "Disqualified director",
        "UK Company Directors Disqualification Act 1986; a risk factor under FATF R.10",
    ),
    TopicRule(
        "reg.action",
        Consequence.REVIEW,
        Tier.MEDIUM,
        "regulatory_action",
        "Regulator action",
        "FATF Recommendation 10 (risk-based CDD)",
    ),
)

# Without a programme a ``sanction.linked`` entity is not blocked by any rule we can name:
# high risk, and the reviewer checks the ownership and control of the sanctioned party.
SANCTION_LINKED_WITHOUT_PROGRAMME = TopicRule(
    "sanction.linked",
    Consequence.SANCTION_LINKED,
    Tier.HIGH,
    "sanction_linked",
    "Linked to a sanctioned party (no programme named)",
    "OFAC 50 Percent Rule guidance (2014); EU Regulation 269/2014 art. 2 (ownership and "
    "control must be established case by case)",
)

_BY_TOPIC = {r.topic: r for r in TOPIC_RULES}
PEP_TOPICS = frozenset(r.topic for r in TOPIC_RULES if r.consequence == Consequence.PEP)


def topic_rule(topic: str) -> TopicRule | None:
    """The rule of ``topic``: its own, else its longest listed prefix's (``crime.fin`` →
    ``crime``); None when no rule covers it."""
    parts = topic.strip().lower().split(".")
    for n in range(len(parts), 0, -1):
        rule = _BY_TOPIC.get(".".join(parts[:n]))
        if rule is not None:
            return rule
    return None


def rules_for(topics: Sequence[str], programs: Iterable[str] = ()) -> list[TopicRule]:
    """Every rule a confirmed match on an entity with ``topics`` (and ``programs``) triggers,
    one per rule name, most severe first. No topics at all: the sanctions rule (a sanctions
    list that does not tag its entries). ``sanction.linked`` blocks only when the entity names
    a programme (the programme's ownership rule), else it is
    :data:`SANCTION_LINKED_WITHOUT_PROGRAMME`.
    """
    if not topics:
        return [_BY_TOPIC["sanction"]]
    has_programme = any(str(p).strip() for p in programs)
    found: dict[str, TopicRule] = {}
    for topic in topics:
        rule = topic_rule(topic)
        if rule is None:
            continue
        if rule.topic == "sanction.linked" and not has_programme:
            rule = SANCTION_LINKED_WITHOUT_PROGRAMME
        kept = found.get(rule.rule)
        if kept is None or rule.min_tier.rank > kept.min_tier.rank:
            found[rule.rule] = rule
    return sorted(found.values(), key=lambda r: (-r.min_tier.rank, r.rule))


def counts(topics: Sequence[str], programs: Iterable[str] = ()) -> bool:
    """Whether a match on an entity with ``topics`` counts in scoring at all."""
    return bool(rules_for(topics, programs))


def is_sanctioned(topics: Sequence[str], programs: Iterable[str] = ()) -> bool:
    """Whether a confirmed match on an entity with ``topics`` blocks the relationship."""
    return any(r.consequence == Consequence.BLOCKED for r in rules_for(topics, programs))


def table() -> list[dict[str, str]]:
    """The table as rows (topic, consequence, minimum tier, rule, label, source), for the docs
    and the README."""
    rows = [*TOPIC_RULES, SANCTION_LINKED_WITHOUT_PROGRAMME]
    return [
        {
            "topic": r.topic,
            "consequence": r.consequence.value,
            "min_tier": r.min_tier.value,
            "rule": r.rule,
            "label": r.label,
            "source": r.source,
        }
        for r in rows
    ]
