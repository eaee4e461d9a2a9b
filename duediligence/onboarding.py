"""One-step screening of a new client: the compliance officer's daily task.

``onboard`` creates the prospect and its owners, screens them against the active lists, links
the signals already held that name it, classifies any of those not yet classified, assesses it
and renders its review report — all in the caller's transaction, each step audited by the
library function that does it. The CLI (``duediligence onboard``) and the web app's screening
form call it.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from rigour.names.org_types import extract_org_types
from rigour.text import ascii_text
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.audit.trail import record_event
from duediligence.db.enums import ClientStatus, LinkStatus, PartyKind, PartyRole, ReportFormat
from duediligence.db.models import Client, Party, Signal
from duediligence.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    RowProblem,
    ValidationFailed,
)
from duediligence.files import require_file
from duediligence.ingest.roster import party_key
from duediligence.ingest.schemas import (
    ClientIn,
    Industry,
    PartyIn,
    all_errors,
    normalise_country,
)
from duediligence.jsonutil import to_jsonable
from duediligence.keys import Signer
from duediligence.matching import link_signals, screen_clients
from duediligence.risk import assess_client
from duediligence.risk.model import verdict_reasons

log = logging.getLogger(__name__)

_COMPANY_WORDS = re.compile(
    r"\b(holdings?|group|company|corp(oration)?|trust|foundation|bank|partners|fund|"
    r"ventures|capital|investments?|enterprises?|industries|c\.?\s?v\.?|b\.?\s?v\.?|n\.?\s?v\.?)\b",
    re.IGNORECASE,
)


def guess_party_kind(name: str) -> PartyKind:
    """``company`` when the name carries a legal form or a company word, else ``person``."""
    folded = name.casefold()
    if extract_org_types(folded) or _COMPANY_WORDS.search(name):
        return PartyKind.COMPANY
    return PartyKind.PERSON


class OwnerIn(BaseModel):
    """An owner (or director) of a prospect, as given on the command line or in a file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    name: str = Field(min_length=1, max_length=300)
    kind: PartyKind | None = None
    role: PartyRole = PartyRole.OWNER
    ownership_pct: Decimal | None = Field(default=None, ge=0, le=100)
    country: str | None = None
    birth_date: date | None = None


class ProspectIn(BaseModel):
    """A prospective client: what ``duediligence onboard`` takes (flags or a JSON file)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    name: str = Field(min_length=1, max_length=300)
    country: str = Field(min_length=1, max_length=60)
    external_ref: str | None = Field(default=None, max_length=64)
    aliases: list[str] = Field(default_factory=list, max_length=50)
    legal_form: str | None = Field(default=None, max_length=100)
    registration_number: str | None = Field(default=None, max_length=100)
    website: str | None = Field(default=None, max_length=500)
    industry: Industry = None
    products: list[str] = Field(default_factory=list, max_length=50)
    owners: list[OwnerIn] = Field(default_factory=list, max_length=100)

    @field_validator("owners", mode="before")
    @classmethod
    def _owner_names(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"name": v} if isinstance(v, str) else v for v in value]
        return value

    @field_validator("aliases", "products", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(";") if part.strip()]
        return value


@dataclass
class OnboardingResult:
    """What onboarding found: the verdict, why, the hits, and where the report is."""

    ref: str
    name: str
    client_id: int
    assessment_id: int
    tier: str
    state: str  # scored | on_hold (a potential watch-list match awaits a reviewer)
    headline: str  # the one-line verdict, leading with the hold while there is one
    probability: float
    reasons: list[str]
    hits: list[dict[str, Any]]
    linked_signals: int
    ambiguous_signals: int
    names_screened: int
    report_path: Path
    report_sha256: str
    negative_results: list[str] = field(default_factory=list)
    pep: str | None = None  # "PEP (owner: Deputy Minister of Finance, MD)" when exposed
    edd_steps: list[dict[str, Any]] = field(default_factory=list)  # done and missing

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able view (for ``--json`` and the web app)."""
        data: dict[str, Any] = to_jsonable(
            {k: v for k, v in vars(self).items() if k != "report_path"}
        )
        data["report_path"] = str(self.report_path)
        return data


def prospect_from_file(path: Path) -> ProspectIn:
    """Read and validate a prospect JSON file; errors name the file and the field."""
    require_file(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected one JSON object describing the prospect")
    return validate_prospect(data, source=str(path))


def validate_prospect(data: dict[str, Any], *, source: str = "input") -> ProspectIn:
    """Validate a prospect given as a dict; :class:`ValidationFailed` names every bad field."""
    try:
        return ProspectIn.model_validate(data)
    except ValidationError as exc:
        problems = [RowProblem(source, "prospect", f, reason) for f, reason in all_errors(exc)]
        raise ValidationFailed(problems) from None


def _reference(prospect: ProspectIn) -> str:
    """The prospect's reference: as given, else ``P-NAME-CC`` from its name and country."""
    if prospect.external_ref:
        return prospect.external_ref
    try:
        country = normalise_country(prospect.country) or "XX"
    except ValueError as exc:
        raise ValidationFailed([RowProblem("prospect", "input", "country", str(exc))]) from None
    slug = re.sub(r"[^A-Z0-9]+", "-", ascii_text(prospect.name).upper()).strip("-")[:40]
    slug = slug.strip("-") or "PROSPECT"
    return f"P-{slug}-{country}"


def _validated_rows(prospect: ProspectIn, ref: str) -> tuple[ClientIn, list[PartyIn]]:
    """The ingest schemas' own validation (country codes, website, lengths) of the prospect."""
    try:
        client = ClientIn(
            external_ref=ref,
            name=prospect.name,
            aliases=prospect.aliases,
            legal_form=prospect.legal_form,
            country=prospect.country,
            registration_number=prospect.registration_number,
            website=prospect.website,
            industry=prospect.industry,
            products=prospect.products,
            status=ClientStatus.PROSPECT,
        )
        parties = [
            PartyIn(
                client_ref=ref,
                name=o.name,
                kind=o.kind or guess_party_kind(o.name),
                role=o.role,
                ownership_pct=o.ownership_pct,
                country=o.country,
                birth_date=o.birth_date,
            )
            for o in prospect.owners
        ]
    except ValidationError as exc:
        problems = [RowProblem("prospect", "input", f, reason) for f, reason in all_errors(exc)]
        raise ValidationFailed(problems) from None
    return client, parties


def create_prospect(*, session: Session, prospect: ProspectIn, actor: str | None) -> Client:
    """Store the prospect and its owners (status ``prospect``), audited; refuses a duplicate."""
    ref = _reference(prospect)
    client_in, parties_in = _validated_rows(prospect, ref)
    existing = session.scalar(select(Client).where(Client.external_ref == ref))
    if existing is not None:
        raise ConflictError(
            f"{ref} ({existing.name}) is already on file: re-screen it with "
            f"`duediligence screen clients` and `duediligence report client {ref}`"
        )
    client = Client(**client_in.model_dump())
    session.add(client)
    session.flush()
    for p in parties_in:
        values = p.model_dump(exclude={"client_ref", "party_id"})
        session.add(Party(client_id=client.id, party_key=party_key(p), **values))
    session.flush()
    record_event(
        session=session,
        actor=actor,
        action="client.onboarded",
        object_type="client",
        object_id=ref,
        client_id=client.id,
        after={
            "client": client_in.model_dump(mode="json"),
            "parties": [p.model_dump(mode="json", exclude={"client_ref"}) for p in parties_in],
        },
    )
    return client


def _classify_unlabelled(
    *, session: Session, client_id: int, models_dir: Path | None, actor: str | None
) -> None:
    """Classify the client's unlabelled signals, and read again about the client those the
    linker just gave it (labelled without a subject, so without a role)."""
    from duediligence.config import get_settings
    from duediligence.signals import classify_stored_signals

    try:
        classify_stored_signals(
            session=session,
            models_dir=models_dir or get_settings().models_dir,
            actor=actor,
            client_ids=[client_id],
        )
    except NotFoundError as exc:  # no classifier active: assess on what is there, say so
        log.warning("could not classify the linked signals of client %d: %s", client_id, exc)


def onboard(
    *,
    session: Session,
    prospect: ProspectIn | dict[str, Any],
    actor: str | None,
    reports_dir: Path,
    fmt: ReportFormat = ReportFormat.HTML,
    models_dir: Path | None = None,
    as_of: date | None = None,
    signer: Signer | None = None,
) -> OnboardingResult:
    """Create, screen, link, assess and report on a new client in one step.

    1. store the prospect and its owners (``client.onboarded`` audit event);
    2. screen its names, aliases and owners against the active lists (matches recorded);
    3. link the signals already held that name it (unlinked ones, and ambiguous ones again, now
       with the prospect among the candidates), and classify them if needed;
    4. assess it as of ``as_of`` (default today) and store the assessment;
    5. render its review report into ``reports_dir`` (signed by ``signer`` if given) and record
       the file's SHA-256.
    """
    from duediligence.reporting.context import client_report
    from duediligence.reporting.render import render_client_report

    if isinstance(prospect, dict):
        prospect = validate_prospect(prospect)
    client = create_prospect(session=session, prospect=prospect, actor=actor)
    screening = screen_clients(session=session, actor=actor, client_ids=[client.id])
    held = list(
        session.scalars(
            select(Signal).where(
                Signal.client_id.is_(None),
                Signal.link_status.in_([LinkStatus.UNLINKED, LinkStatus.AMBIGUOUS]),
            )
        )
    )
    link_signals(session=session, signals=held, actor=actor)
    linked = list(session.scalars(select(Signal.id).where(Signal.client_id == client.id)))
    ambiguous = [
        s.id
        for s in held
        if s.link_status == LinkStatus.AMBIGUOUS
        and any(c.get("client") == client.external_ref for c in s.link_candidates or [])
    ]
    _classify_unlabelled(session=session, client_id=client.id, models_dir=models_dir, actor=actor)
    assessment = assess_client(session=session, client=client.id, as_of=as_of, actor=actor)
    ctx = client_report(session=session, assessment=assessment)
    path, record = render_client_report(
        session=session,
        client=client.external_ref,
        fmt=fmt,
        reports_dir=reports_dir,
        signer=signer,
        actor=actor,
        assessment=assessment,
        context=ctx,
    )
    factors = assessment.explanation.get("factors", [])
    reasons = verdict_reasons(
        [str(h["description"]) for h in assessment.rule_hits], factors, assessment.tier
    )
    hits = [
        {
            "id": h["id"],
            "subject": h["subject"],
            "entity": h["entity"],
            "list": h["list"],
            "source_id": h["source_id"],
            "programs": h["programs"],
            "listed_on": h["listed_on"],
            "score": h["score"],
            "status": h["status"],
            "topics": h["topics"],
            "explanation": h["explanation"],
        }
        for h in ctx["hits"]
    ]
    log.info(
        "onboarded %s: %s (%d hits, %d signals linked)",
        client.external_ref,
        assessment.tier.value,
        len(hits),
        len(linked),
    )
    return OnboardingResult(
        ref=client.external_ref,
        name=client.name,
        client_id=client.id,
        assessment_id=assessment.id,
        tier=assessment.tier.value,
        state=assessment.state.value,
        headline=ctx["assessment"]["headline"],
        probability=assessment.probability,
        reasons=reasons,
        hits=hits,
        linked_signals=len(linked),
        ambiguous_signals=len(ambiguous),
        names_screened=screening.subjects,
        report_path=path,
        report_sha256=record.sha256,
        negative_results=[n["text"] for n in ctx["negative_results"]],
        pep=ctx["pep"]["summary"] if ctx["pep"] else None,
        edd_steps=[dict(step) for step in ctx["pep"]["edd"]] if ctx["pep"] else [],
    )
