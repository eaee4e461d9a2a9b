"""The report JSON format as types: every object a report holds, key by key.

A report context *is* its JSON form: plain dicts, lists, strings, numbers, booleans and null,
which the HTML/PDF templates render and :func:`duediligence.reporting.signing.json_bytes`
writes. These ``TypedDict`` classes give each object of that form a name and its keys, so the
builders in :mod:`duediligence.reporting.context` are type-checked and ``docs/report-json.md``
is checked against them by a test (``tests/reporting/test_report_schema.py``: every documented
key exists here and every key here is documented, object by object).

Conventions (as in the docs): dates are ISO ``YYYY-MM-DD`` strings (:data:`IsoDate`),
timestamps ISO 8601 strings (:data:`IsoTimestamp`), a missing value is ``None`` (JSON
``null``), never an absent key — except the ``match_id``/``signal_id`` of a knowability cause,
which only the causes of that kind carry. Values stored as JSON on an assessment (its rule
hits, features, a factor's evidence, a PEP's exposures) are passed through as stored and typed
as plain dicts here: their shape is the risk layer's (:mod:`duediligence.risk.rules`,
:mod:`duediligence.risk.model`, :mod:`duediligence.risk.pep`).
"""

# No ``from __future__ import annotations`` here: TypedDict reads ``NotRequired`` from the real
# annotations, and the docs test walks them at run time.
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

#: An ISO date, ``YYYY-MM-DD``.
IsoDate = str
#: An ISO 8601 timestamp with its UTC offset, e.g. ``2026-11-25T10:37:17.267148+00:00``.
IsoTimestamp = str


# --------------------------------------------------------------------------- client report


class Subject(TypedDict):
    """The client as on file."""

    external_ref: str
    name: str
    aliases: list[str]
    legal_form: str | None
    country: str | None
    registration_number: str | None
    website: str | None
    industry: str | None
    products: list[str]
    status: str
    onboarded_on: IsoDate | None
    offboarded_on: IsoDate | None


class ListSnapshot(TypedDict):
    """The newest snapshot of one active watch list at the time of the assessment."""

    list: str
    snapshot: int
    version: str
    sha256: str
    entities: int
    imported_at: IsoTimestamp


class TierThresholds(TypedDict):
    """The probability thresholds of the medium and high tiers."""

    medium: float
    high: float


class Scope(TypedDict):
    """What the assessment ran with."""

    as_of: IsoDate
    run_id: int | None
    lists: list[ListSnapshot]
    match_threshold: float
    matcher_version: str
    risk_model_version: str | None
    signal_model_version: str | None
    knowability_model_version: str
    tier_thresholds: TierThresholds


class Factor(TypedDict):
    """One risk factor of the assessment, as stored, plus its evidence as readable text."""

    feature: str
    label: str
    value: float
    contribution: float
    signals: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    evidence_text: list[str]


class AssessmentSection(TypedDict):
    """The stored assessment: the one verdict of the report."""

    id: int
    as_of: IsoDate
    tier: str
    state: str
    historical: bool
    headline: str
    on_hold: dict[str, Any] | None
    probability: float
    summary: str | None
    factors: list[Factor]
    rule_hits: list[dict[str, Any]]
    features: dict[str, float | None]
    inputs_hash: str
    created_at: IsoTimestamp
    created_by: str | None


class PartyItem(TypedDict):
    """An owner, director or officer of the client."""

    name: str
    kind: str
    role: str
    ownership_pct: float | None
    country: str | None
    birth_date: IsoDate | None
    pseudonymised: bool


class BirthCompare(TypedDict):
    """The screened subject's birth date beside the listed party's."""

    subject: IsoDate | None
    listed: list[str]


class ValuesCompare(TypedDict):
    """The screened subject's values (countries, identifiers) beside the listed party's."""

    subject: list[str]
    listed: list[str]


class HitCompare(TypedDict):
    """What a reviewer compares to tell a namesake from the listed party."""

    birth: BirthCompare
    nationality: ValuesCompare
    identifiers: ValuesCompare


class Hit(TypedDict):
    """One screening match of the client or one of its parties on a list entry."""

    id: int
    subject: str
    subject_kind: str
    entity: str
    schema: str
    list: str
    source_id: str
    programs: list[str]
    topics: list[str]
    listed_on: IsoDate | None
    listed_on_source: str | None
    score: float
    name_score: float | None
    matched_name: str | None
    explanation: str | None
    adjustments: list[str]
    compare: HitCompare
    matcher_version: str
    status: str
    decided_by: str | None
    decided_at: IsoTimestamp | None
    reason: str | None
    snapshot: int


class EddStep(TypedDict):
    """One enhanced-due-diligence step and whether it is done."""

    step: str
    done: bool
    detail: str | None


class Pep(TypedDict):
    """Political exposure (FATF R.12) and the EDD steps of this assessment's decision."""

    summary: str | None
    description: str
    exposures: list[dict[str, Any]]
    source: str | None
    edd: list[EddStep]


class NegativeResult(TypedDict):
    """A list screened with no hit."""

    list: str
    snapshot: str
    text: str


class SignalLink(TypedDict):
    """How a signal was tied to the client by news linking (issue 17), and its review."""

    how: str | None
    mention: str | None
    where: str | None
    sentence: str | None
    reasons: list[str]
    party: str | None
    party_role: str | None
    about: str | None
    reviewed: bool
    reviewed_by: str | None
    reviewed_at: IsoTimestamp | None
    text: str


class SignalItem(TypedDict):
    """A news item or official action on the client, as the assessment saw it."""

    id: int
    published_at: IsoDate
    kind: str
    title: str
    text: str
    source: str | None
    url: str | None
    severity: str | None
    stage: str | None
    label: str | None
    label_title: str | None
    confidence: float | None
    confidence_band: str | None
    role: str | None
    evidence: list[str]
    classifier_version: str | None
    review_status: str
    adverse: bool
    link_status: str
    link: SignalLink


class TippingSignal(TypedDict):
    """A signal among the causes of the first high-risk verdict."""

    id: int
    published_at: IsoDate
    title: str
    source: str | None
    kind: str
    label: str | None
    severity: str | None
    stage: str | None


class Cause(TypedDict):
    """One cause of the first high-risk verdict, dated, in words."""

    kind: str
    date: IsoDate
    text: str
    match_id: NotRequired[int]
    signal_id: NotRequired[int]


class EngagementItem(TypedDict):
    """One engagement of the vendor with the client."""

    date: IsoDate
    kind: str
    description: str | None


class TimelinePoint(TypedDict):
    """The record re-scored at one date it changed."""

    date: IsoDate
    tier: str
    probability: float
    summary: str


class KnowabilitySection(TypedDict):
    """What was knowable, and when, as the assessment saw the record."""

    knowable_since: IsoDate | None
    tier_then: str | None
    tipping_signals: list[TippingSignal]
    tipped_by: list[Cause]
    engagements_after: list[EngagementItem]
    timeline: list[TimelinePoint]
    band_at_as_of: str | None
    consistent: bool | None
    recomputed_tier: str | None


class TimelineSignal(TypedDict):
    """A signal as a mark on the timeline chart."""

    published_at: IsoDate
    adverse: bool


class DecisionItem(TypedDict):
    """A reviewer decision on the client."""

    id: int
    action: str
    rationale: str
    status: str
    maker: str
    made_at: IsoTimestamp
    checker: str | None
    checked_at: IsoTimestamp | None
    assessment_id: int
    requires_senior: bool
    senior_approver: str | None
    senior_approved_at: IsoTimestamp | None
    source_of_wealth: str | None
    source_of_funds: str | None
    edd_rationale: str | None


class ClientIntegrity(TypedDict):
    """When the client report's content was fixed, and its digest."""

    generated_at: IsoTimestamp
    review_record_as_of: IsoTimestamp | None
    software_version: str
    assessment_inputs_hash: str
    content_sha256: NotRequired[str]


class ClientReport(TypedDict):
    """The client review report of one stored assessment (``report: "client"``)."""

    schema_version: str
    report: str
    subject: Subject
    inputs_screened: list[str]
    scope: Scope
    assessment: AssessmentSection
    parties: list[PartyItem]
    hits: list[Hit]
    pep: Pep | None
    negative_results: list[NegativeResult]
    adverse_media: dict[str, list[SignalItem]]
    legal_actions: list[SignalItem]
    signals_considered: int
    knowability: KnowabilitySection
    timeline_signals: list[TimelineSignal]
    engagements: list[EngagementItem]
    decisions: list[DecisionItem]
    integrity: ClientIntegrity


# --------------------------------------------------------------------------- roster report


class TierCounts(TypedDict):
    """Clients by the tier of their current assessment."""

    low: int
    medium: int
    high: int
    prohibited: int


class RosterLine(TypedDict):
    """A client in the top risks or on hold."""

    client: str
    name: str
    tier: str
    state: str
    probability: float
    as_of: IsoDate
    assessment: int
    summary: str | None


TierChange = TypedDict(
    "TierChange",
    {
        "client": str,
        "name": str,
        "from": str,
        "to": str,
        "direction": str,
        "as_of": IsoDate,
    },
)
TierChange.__doc__ = "A client whose current tier differs from its previous assessment's."


class AwaitingReview(TypedDict):
    """A medium-or-worse client with no effective decision on its current assessment."""

    client: str
    name: str
    tier: str
    probability: float
    assessment: int


class RosterIntegrity(TypedDict):
    """When a roster-level report's content was fixed, and its digest."""

    generated_at: IsoTimestamp | None
    software_version: str
    content_sha256: NotRequired[str]


class RosterReport(TypedDict):
    """The roster report (``report: "roster"``)."""

    schema_version: str
    report: str
    clients: int
    unassessed_clients: int
    tiers: TierCounts
    on_hold: list[RosterLine]
    changes: list[TierChange]
    top_risks: list[RosterLine]
    awaiting_review: list[AwaitingReview]
    unlinked_signals: int
    integrity: RosterIntegrity


# --------------------------------------------------------------------------- exposure report


class ExposureEngagement(TypedDict):
    """An engagement on or after the date the client became knowably high risk."""

    date: IsoDate
    kind: str
    description: str | None
    value: str | None


class ExposureClient(TypedDict):
    """A high-risk client the vendor kept engaging with."""

    client: str
    name: str
    as_of: IsoDate
    knowable_since: IsoDate
    tier_then: str | None
    tipping_signals: list[TippingSignal]
    tipped_by: list[Cause]
    engagements: list[ExposureEngagement]
    model_version: str


class ExposureReport(TypedDict):
    """The exposure report (``report: "exposure"``)."""

    schema_version: str
    report: str
    clients: list[ExposureClient]
    engagements: int
    integrity: RosterIntegrity


#: Any report's context (a :class:`ClientReport`, :class:`RosterReport` or
#: :class:`ExposureReport`) where the code serves every kind: rendering, signing, file names.
ReportContext = Mapping[str, Any]

#: The top-level type of each report kind.
REPORT_TYPES: dict[str, type] = {
    "client": ClientReport,
    "roster": RosterReport,
    "exposure": ExposureReport,
}
