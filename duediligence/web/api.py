"""The JSON API (documented by OpenAPI at ``/api/openapi.json``, readable at ``/api/docs``).

``POST /api/match/{dataset}`` takes and returns the shapes of the OpenSanctions yente
``/match/{dataset}`` endpoint, so an existing yente client can point at this server: a batch
of FollowTheMoney-style example entities in, scored candidate entities out. Authentication is
``Authorization: Bearer <token>`` (``duediligence users token USERNAME``).
"""

from __future__ import annotations

import logging
import time
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from duediligence.db.enums import LinkStatus
from duediligence.db.models import Signal, User, Watchlist, WatchlistEntity
from duediligence.db.queries import current_assessment, resolve_client
from duediligence.errors import InputError, NotFoundError
from duediligence.matching.compare import DEFAULT_THRESHOLD
from duediligence.matching.screening import FEATURES as SCREENING_FEATURES
from duediligence.matching.screening import get_index, screen_entity
from duediligence.review import listings as queries
from duediligence.review.decisions import current_decision, edd_status, pending_decision
from duediligence.risk.pep import pep_summary
from duediligence.web.security import ALL_ROLES, ApiGuard, DocsGuard, Viewer, get_db

log = logging.getLogger(__name__)

API_USER = ApiGuard(ALL_ROLES)
DOCS_USER = DocsGuard()
MAX_QUERIES = 100
# Bounded work per request (issue 19): the same limits as the web forms (a name is at most 300
# characters there), a few values per property, and a time budget after which the remaining
# queries of the batch are answered with status 503 instead of being run.
MAX_VALUE_CHARS = 300
MAX_VALUES = 20
MAX_PROPERTIES = 40
MATCH_TIME_BUDGET = 10.0  # seconds per request
ID_PROPERTIES = ("idNumber", "registrationNumber", "taxNumber", "innCode", "ogrnCode",
                 "leiCode", "swiftBic", "imoNumber", "passportNumber", "vatCode")  # fmt: skip

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No or invalid API token"},
    403: {"description": "The token's role may not use this endpoint"},
}


class ErrorResponse(BaseModel):
    """An error: a message (or, for 422, a list of field problems)."""

    detail: str | list[dict[str, Any]] = Field(..., examples=["a valid API token is required"])


for _code in (401, 403):
    ERRORS[_code]["model"] = ErrorResponse


# --------------------------------------------------------------------------- yente shapes


MatchableSchema = Literal["Person", "Company", "Organization", "LegalEntity", "Vessel", "Airplane"]


PropertyName = Annotated[str, Field(max_length=100)]
PropertyValue = Annotated[str, Field(max_length=MAX_VALUE_CHARS)]
PropertyValues = Annotated[list[PropertyValue], Field(max_length=MAX_VALUES)]


class EntityExample(BaseModel):
    """An example entity to match: a FollowTheMoney schema and properties (lists of strings)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, max_length=200, examples=["my-entity-id"])
    schema_: MatchableSchema = Field(..., alias="schema", examples=["Person"])
    properties: dict[PropertyName, PropertyValue | PropertyValues] = Field(
        ...,
        max_length=MAX_PROPERTIES,
        examples=[{"name": ["Usama bin Ladin"], "birthDate": ["1957"], "country": ["sa"]}],
        description=(
            f"At most {MAX_PROPERTIES} properties of at most {MAX_VALUES} values, each at most "
            f"{MAX_VALUE_CHARS} characters (the web form's limit for a name)."
        ),
    )


class EntityMatchQuery(BaseModel):
    """A batch of named queries (yente's request body). ``weights`` is accepted and ignored."""

    weights: dict[str, float] = Field({}, examples=[{}])
    queries: dict[str, EntityExample] = Field(..., max_length=MAX_QUERIES)


class TotalSpec(BaseModel):
    """How many results there were (``relation`` is always ``eq`` here)."""

    value: int = Field(..., examples=[1])
    relation: str = Field("eq", examples=["eq"])


class ScoredEntityResponse(BaseModel):
    """A listed entity scored against the query, with the features behind the score."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(..., examples=["ofac-sdn-6365"])
    caption: str = Field(..., examples=["BIN LADIN, Usama"])
    schema_: str = Field(..., alias="schema", examples=["Person"])
    properties: dict[str, list[str]] = Field(..., examples=[{"name": ["BIN LADIN, Usama"]}])
    datasets: list[str] = Field([], examples=[["ofac-sdn"]])
    referents: list[str] = Field([], examples=[[]])
    target: bool = True
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_change: datetime | None = None
    score: float = Field(..., ge=0, le=1, examples=[0.97])
    features: dict[str, float] = Field(..., examples=[{"name_similarity": 0.97}])
    match: bool = Field(..., examples=[True])
    explanation: list[str] = Field(
        [], description="Human-readable reasons behind the score (not in yente)."
    )


class EntityMatches(BaseModel):
    """The answer to one query of the batch."""

    status: int = Field(200, examples=[200])
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample
    detail: str | None = Field(
        None, description="Why a query could not be run (status 400); not in yente."
    )


class FeatureDoc(BaseModel):
    """What a feature measures and how it weighs in the score."""

    description: str
    coefficient: float
    url: str


class EntityMatchResponse(BaseModel):
    """Responses keyed by the query names of the request (yente's response body)."""

    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc]
    limit: int = Field(..., examples=[5])


MATCHER_URL = "https://github.com/duediligence#matching"
FEATURES: dict[str, FeatureDoc] = {
    f.name: FeatureDoc(description=f.description, coefficient=f.weight, url=MATCHER_URL)
    for f in SCREENING_FEATURES
}


def _values(properties: dict[str, str | list[str]], key: str) -> list[str]:
    raw = properties.get(key, [])
    values = [raw] if isinstance(raw, str) else raw
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _dataset_slug(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def match_entities(
    *,
    session: Session,
    dataset: str,
    body: EntityMatchQuery,
    limit: int,
    threshold: float,
    cutoff: float,
    time_budget: float = MATCH_TIME_BUDGET,
) -> EntityMatchResponse:
    """Score every query of ``body`` against the active lists of ``dataset``.

    ``dataset`` is ``default`` (every active list) or one list's name. A result's ``match`` is
    true when its score reaches ``threshold``; results below ``cutoff`` are left out. Once
    ``time_budget`` seconds are spent, the remaining queries are not run: each gets status 503
    and a ``detail`` saying so (send them again in a smaller batch).
    """
    deadline = time.monotonic() + time_budget
    lists = {_dataset_slug(n): n for n in session.scalars(select(Watchlist.name))}
    if dataset not in ("default", "sanctions") and dataset not in lists:
        raise NotFoundError(
            f"no dataset {dataset!r}: use default or one of {', '.join(sorted(lists)) or '(none)'}"
        )
    only = None if dataset in ("default", "sanctions") else lists[dataset]
    index = get_index(session=session)
    responses: dict[str, EntityMatches] = {}
    for key, example in body.queries.items():
        schema = example.schema_
        props = example.properties
        if time.monotonic() > deadline:
            responses[key] = EntityMatches(
                status=503,
                results=[],
                total=TotalSpec(value=0),
                query=example,
                detail=f"not run: the request's time budget of {time_budget:g} s was spent on "
                "the queries before it; send it again in a smaller batch",
            )
            continue
        names = _values(props, "name") + _values(props, "alias")
        births = _values(props, "birthDate")
        try:
            ranked = screen_entity(
                index,
                names,
                schema=schema,
                countries=_values(props, "country") + _values(props, "nationality"),
                birth_date=births[0] if births else None,
                identifiers=[v for p in ID_PROPERTIES for v in _values(props, p)],
                threshold=cutoff,
                candidates=max(limit * 3, 20),
                list_name=only,
            )
        except InputError as exc:
            responses[key] = EntityMatches(
                status=400,
                results=[],
                total=TotalSpec(value=0),
                query=example,
                detail=str(exc),
            )
            continue
        entities = {
            e.id: e
            for e in session.scalars(
                select(WatchlistEntity).where(
                    WatchlistEntity.id.in_([h.entity_id for h in ranked[:limit]] or [0])
                )
            )
        }
        results = []
        for hit in ranked[:limit]:
            entity = entities[hit.entity_id]
            properties = {
                "name": list(entity.names or [entity.name]),
                "weakAlias": list(entity.weak_names or []),
                "country": [c.lower() for c in entity.countries or []],
                "birthDate": list(entity.birth_dates or []),
                "idNumber": list(entity.identifiers or []),
                "program": list(entity.programs or []),
                "topics": list(entity.topics or []),
            }
            results.append(
                ScoredEntityResponse(
                    id=f"{_dataset_slug(hit.list_name)}-{hit.source_id}",
                    caption=entity.name,
                    schema_=entity.schema,
                    properties={k: v for k, v in properties.items() if v},
                    datasets=[_dataset_slug(hit.list_name)],
                    score=round(min(1.0, max(0.0, hit.score)), 4),
                    features=hit.feature_values(),
                    match=hit.score >= threshold,
                    explanation=[e for e in (hit.explanation, *hit.adjustments) if e],
                )
            )
        responses[key] = EntityMatches(
            status=200,
            results=results,
            total=TotalSpec(value=len(ranked), relation="eq"),
            query=example,
        )
    return EntityMatchResponse(responses=responses, matcher=FEATURES, limit=limit)


# --------------------------------------------------------------------------- other shapes


class Factor(BaseModel):
    """One risk factor and its contribution to the score."""

    model_config = ConfigDict(extra="allow")

    label: str | None = None
    value: float | None = None
    contribution: float | None = None


class DecisionState(BaseModel):
    """A decision on the client (in force, or awaiting a second reviewer)."""

    id: int
    action: str
    status: str
    maker: str
    made_at: datetime
    checker: str | None
    checked_at: datetime | None
    next_review_on: date | None
    requires_senior: bool = False  # a politically exposed client's: senior sign-off needed
    senior_approver: str | None = None
    senior_approved_at: datetime | None = None


class EddStep(BaseModel):
    """One enhanced-due-diligence step of a politically exposed client (FATF R.12)."""

    step: str = Field(..., examples=["senior management approval"])
    done: bool
    detail: str | None


class AssessmentResponse(BaseModel):
    """A client's newest stored risk assessment and the decisions on it."""

    client: str = Field(..., examples=["CS-BACKPAGE"])
    name: str
    status: str
    assessment_id: int
    as_of: date
    tier: str = Field(..., examples=["high"])
    probability: float = Field(..., ge=0, le=1)
    summary: str | None
    factors: list[Factor]
    rule_hits: list[dict[str, Any]]
    risk_model_version: str | None
    signal_model_version: str | None
    inputs_hash: str
    created_at: datetime
    created_by: str | None
    decision_in_force: DecisionState | None
    decision_awaiting_confirmation: DecisionState | None
    pep: str | None = Field(
        None,
        examples=["PEP (owner: Deputy Minister of Finance, MD)"],
        description="political exposure found by the assessment (None: none)",
    )
    edd_steps: list[EddStep] = Field(
        default_factory=list, description="EDD steps done and missing (PEP clients only)"
    )
    report_url: str = Field(..., examples=["/clients/CS-BACKPAGE/report.json"])


class AlertResponse(BaseModel):
    """An open alert: a pending watch-list match, or a high-risk client with no decision."""

    kind: str = Field(..., examples=["watchlist_match"])
    client: str
    client_name: str
    created_at: datetime
    detail: str
    tier: str | None = None
    score: float | None = None
    match_id: int | None = None
    assessment_id: int | None = None
    url: str


class AlertList(BaseModel):
    """A page of open alerts, newest first."""

    total: TotalSpec
    limit: int
    offset: int
    results: list[AlertResponse]


class SignalLinkResponse(BaseModel):
    """How news linking tied a signal to the client: directly, or through one of its owners,
    directors or officers (ownership exposure, not the client's own record), with the linker's
    evidence and the reviewer who confirmed or re-linked it (``review.links``)."""

    how: str = Field(
        ...,
        examples=["headline mention of 'John Doe', 3 mentions; about its owner John Doe"],
        description="all of it in one line, as the CLI and the report show it",
    )
    via: Literal["client", "alias", "party", "imported"] | None = Field(
        None,
        description="how it reached the client: by the client's name, an alias, or one of its "
        "parties (`party`); `imported`: the imported file named the client",
    )
    party: str | None = Field(None, description="the party linked through, if any")
    party_id: int | None = None
    party_role: str | None = Field(None, examples=["owner"])
    mention: str | None = Field(None, description="the mention as it stood in the text")
    where: str | None = Field(
        None, examples=["headline"], description="headline, first paragraph, body or subject"
    )
    count: int | None = Field(None, description="how many times the name was mentioned")
    sentence: str | None = Field(None, description="the sentence the mention stood in")
    reasons: list[str] = Field(default_factory=list, description="why the linker linked it")
    score: float | None = Field(None, description="the linker's score")
    reviewed_by: str | None = Field(None, description="the reviewer who confirmed or re-linked")
    reviewed_at: datetime | None = None
    reviewer_note: str | None = Field(
        None, examples=["re-linked by rita: the German firm"], description="a re-link's reason"
    )


class SignalResponse(BaseModel):
    """A signal (news item, legal, regulatory or sanction action) linked to the client."""

    id: int
    published_at: date
    kind: str = Field(..., examples=["news"])
    title: str
    source: str | None
    url: str | None = Field(None, description="http(s) only")
    severity: str | None
    label: str | None = Field(None, examples=["human_trafficking"], description="taxonomy label")
    adverse_probability: float | None = Field(None, ge=0, le=1)
    role: str | None = Field(None, description="the client's role in the item")
    review_status: str = Field(..., examples=["unreviewed"])
    link_status: str = Field(..., examples=["linked"])
    link: SignalLinkResponse


class SignalList(BaseModel):
    """A page of a client's signals, newest publication first."""

    total: TotalSpec
    limit: int
    offset: int
    results: list[SignalResponse]


def _signal_response(s: Signal) -> SignalResponse:
    """The API's view of a signal (``s.link_party`` loaded with it)."""
    from duediligence.reporting.context import safe_url
    from duediligence.review.links import describe_link

    evidence = s.link_evidence or {}
    party = s.link_party
    count = evidence.get("count")
    via = "party" if party is not None else evidence.get("via")
    if via == "party" and party is None:
        via = None  # re-linked directly to the client from a party candidate's evidence
    if via is None and s.link_status == LinkStatus.IMPORTED:
        via = "imported"
    return SignalResponse(
        id=s.id,
        published_at=s.published_at,
        kind=s.kind.value,
        title=s.title,
        source=s.source,
        url=safe_url(s.url),
        severity=s.severity.value if s.severity else None,
        label=s.label,
        adverse_probability=s.adverse_probability,
        role=s.role,
        review_status=s.review_status.value,
        link_status=s.link_status.value,
        link=SignalLinkResponse(
            how=describe_link(s),
            via=via if via in ("client", "alias", "party", "imported") else None,
            party=party.name if party is not None else None,
            party_id=party.id if party is not None else None,
            party_role=party.role.value if party is not None else None,
            mention=evidence.get("mention"),
            where=evidence.get("where"),
            count=count if isinstance(count, int) else None,
            sentence=evidence.get("sentence"),
            reasons=[str(r) for r in evidence.get("reasons") or []],
            score=s.link_score,
            reviewed_by=s.link_reviewed_by,
            reviewed_at=s.link_reviewed_at,
            reviewer_note=evidence.get("reviewer"),
        ),
    )


def _decision_state(d: Any) -> DecisionState | None:
    if d is None:
        return None
    return DecisionState(
        id=d.id,
        action=d.action.value,
        status=d.status.value,
        maker=d.maker,
        made_at=d.made_at,
        checker=d.checker,
        checked_at=d.checked_at,
        next_review_on=d.next_review_on,
        requires_senior=bool(d.requires_senior),
        senior_approver=d.senior_approver,
        senior_approved_at=d.senior_approved_at,
    )


# --------------------------------------------------------------------------- routes

router = APIRouter(prefix="/api", tags=["api"])


@router.post(
    "/match/{dataset}",
    response_model=EntityMatchResponse,
    response_model_by_alias=True,
    responses=ERRORS | {404: {"description": "Unknown dataset", "model": ErrorResponse}},
    summary="Match entities (yente-compatible)",
)
def match(
    body: EntityMatchQuery,
    dataset: str = Path(..., max_length=100, examples=["default"]),
    limit: int = Query(5, ge=1, le=50, description="Results per query."),
    threshold: float = Query(
        DEFAULT_THRESHOLD, ge=0, le=1, description="Score at which `match` becomes true."
    ),
    cutoff: float = Query(0.5, ge=0, le=1, description="Leave out results scoring below."),
    user: User = Depends(API_USER),
    db: Session = Depends(get_db),
) -> EntityMatchResponse:
    """Screen example entities against the active lists, as the yente `/match` endpoint does.

    `dataset` is `default` (all active lists) or one list's name. Properties read: `name` and
    `alias`, `birthDate`, `country` and `nationality`, and ID numbers (`idNumber`,
    `registrationNumber` …). A query without a usable name gets `status` 400 in its own
    response; the other queries still run.
    """
    return match_entities(
        session=db, dataset=dataset, body=body, limit=limit, threshold=threshold, cutoff=cutoff
    )


@router.get(
    "/clients/{ref}/assessment",
    response_model=AssessmentResponse,
    responses=ERRORS | {404: {"description": "Unknown or unassessed", "model": ErrorResponse}},
    summary="A client's latest assessment",
)
def client_assessment(
    ref: str = Path(..., max_length=64, examples=["CS-BACKPAGE"]),
    user: User = Depends(API_USER),
    db: Session = Depends(get_db),
) -> AssessmentResponse:
    """The client's newest stored assessment: tier, probability, factors, rules, decisions."""
    client = resolve_client(session=db, ref=ref)
    a = current_assessment(session=db, client_id=client.id)
    if a is None:
        raise NotFoundError(f"client {ref!r} has not been assessed")
    return AssessmentResponse(
        client=client.external_ref,
        name=client.name,
        status=client.status.value,
        assessment_id=a.id,
        as_of=a.as_of,
        tier=a.tier.value,
        probability=a.probability,
        summary=a.explanation.get("summary"),
        factors=[Factor.model_validate(f) for f in a.explanation.get("factors", [])],
        rule_hits=list(a.rule_hits or []),
        risk_model_version=a.risk_model_version,
        signal_model_version=a.signal_model_version,
        inputs_hash=a.inputs_hash,
        created_at=a.created_at,
        created_by=a.created_by,
        decision_in_force=_decision_state(current_decision(session=db, client_id=client.id)),
        decision_awaiting_confirmation=_decision_state(
            pending_decision(session=db, client_id=client.id)
        ),
        pep=pep_summary(a.rule_hits or []),
        edd_steps=[EddStep.model_validate(s) for s in edd_status(session=db, client_ref=client.id)],
        report_url=f"/clients/{client.external_ref}/report.json",
    )


@router.get(
    "/clients/{ref}/signals",
    response_model=SignalList,
    responses=ERRORS | {404: {"description": "Unknown client", "model": ErrorResponse}},
    summary="A client's signals with their link evidence",
)
def client_signals(
    ref: str = Path(..., max_length=64, examples=["CS-BACKPAGE"]),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
    user: User = Depends(API_USER),
    db: Session = Depends(get_db),
) -> SignalList:
    """The signals linked to the client, newest publication first, each with its `link`: the
    party it reached the client through (ownership exposure), the matched mention, its
    sentence, the linker's reasons and the reviewer who confirmed or re-linked it."""
    client = resolve_client(session=db, ref=ref)
    total = db.scalar(select(func.count()).select_from(Signal).where(Signal.client_id == client.id))
    rows = db.scalars(
        select(Signal)
        .options(selectinload(Signal.link_party))
        .where(Signal.client_id == client.id)
        .order_by(Signal.published_at.desc(), Signal.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return SignalList(
        total=TotalSpec(value=total or 0, relation="eq"),
        limit=limit,
        offset=offset,
        results=[_signal_response(s) for s in rows],
    )


@router.get(
    "/alerts", response_model=AlertList, responses=ERRORS, summary="Open alerts, newest first"
)
def list_alerts(
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
    user: User = Depends(API_USER),
    db: Session = Depends(get_db),
) -> AlertList:
    """Pending watch-list matches, and high/prohibited clients without a decision."""
    items, total = queries.alerts(session=db, limit=limit, offset=offset)
    return AlertList(
        total=TotalSpec(value=total, relation="eq"),
        limit=limit,
        offset=offset,
        results=[
            AlertResponse(
                kind=i.kind,
                client=i.client_ref,
                client_name=i.client_name,
                created_at=i.created_at,
                detail=i.detail,
                tier=i.tier,
                score=i.score,
                match_id=i.match_id,
                assessment_id=i.assessment_id,
                url=f"/clients/{i.client_ref}",
            )
            for i in items
        ],
    )


@router.get("/openapi.json", include_in_schema=False)
def openapi_schema(request: Request, user: User = Depends(DOCS_USER)) -> JSONResponse:
    """The OpenAPI document of this API (needs a session or a token)."""
    return JSONResponse(request.app.openapi())


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def api_docs(request: Request, user: User = Depends(DOCS_USER)) -> HTMLResponse:
    """A readable page of the API, rendered from the OpenAPI document (no external scripts)."""
    from duediligence.web.pages import render

    request.state.user = Viewer.of(user)
    spec = request.app.openapi()
    operations = [
        {"method": method.upper(), "path": path, **op}
        for path, item in spec.get("paths", {}).items()
        for method, op in item.items()
    ]
    examples = {
        "/api/match/{dataset}": {
            "queries": {
                "q1": {
                    "schema": "Person",
                    "properties": {
                        "name": ["Usama bin Ladin"],
                        "birthDate": ["1957"],
                        "country": ["sa"],
                    },
                },
                "q2": {"schema": "Company", "properties": {"name": ["Backpage.com LLC"]}},
            }
        }
    }
    return render(request, "web/api_docs.html", spec=spec, operations=operations, examples=examples)
