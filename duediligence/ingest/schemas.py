"""Pydantic input models: what a valid input row is. Separate from the ORM rows on purpose."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from duediligence.db.base import utcnow
from duediligence.db.enums import (
    ClientStatus,
    EngagementKind,
    PartyKind,
    PartyRole,
    Severity,
    SignalKind,
)
from duediligence.ingest.dates import PublicationTime, publication_time
from duediligence.ingest.hostile import is_http_url, reference_problem
from duediligence.ingest.readers import MAX_FIELD_CHARS
from duediligence.vocabulary import normalise_industry, two_letter_countries


def normalise_country(value: Any) -> str | None:
    """ISO 3166 alpha-2 (upper case) from a code or a country name; ``ValueError`` if unknown.

    A two-letter value is looked up in ``data/country_codes.csv``: what ``countrynames.to_code``
    answers for every two-letter text (``UK`` is ``GB``), written out once and checked against
    it by a test. countrynames builds its index of 27,000 names with ICU transliteration on its
    first call (about 0.3 s), which a file of ISO codes, the common case, need not wait for.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 2 and text.isascii() and text.isalpha():
        code = two_letter_countries().get(text.upper())
    else:
        import countrynames  # imported here: see above

        code = countrynames.to_code(text)
    if code is None or len(code) != 2:
        raise ValueError(f"unknown country {text[:60]!r} (use an ISO code like US or a name)")
    return code.upper()


def _split_list(value: Any) -> Any:
    """CSV cells carry lists as ``a; b``; JSON carries real lists."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _reference(value: str | None) -> str | None:
    """A client reference: report file names and URLs are built from it, so no path
    separators, ``..`` or control characters (``ValueError`` naming the problem)."""
    if value is not None:
        problem = reference_problem(value)
        if problem:
            raise ValueError(problem)
    return value


def _http_url(value: str | None) -> str | None:
    """Only absolute http(s) URLs with a valid host (no ``javascript:``, ``data:`` ...)."""
    if value and not is_http_url(value):
        raise ValueError("must be an absolute http(s) URL")
    return value or None


Country = Annotated[str | None, BeforeValidator(normalise_country)]
# An industry of the vocabulary (or a documented synonym); anything else is refused.
Industry = Annotated[str | None, BeforeValidator(normalise_industry)]
StrList = Annotated[list[Annotated[str, Field(max_length=300)]], BeforeValidator(_split_list)]
Text = Annotated[str, BeforeValidator(_strip)]
Reference = Annotated[str, BeforeValidator(_strip), AfterValidator(_reference)]
HttpUrl = Annotated[str | None, AfterValidator(_http_url)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    @classmethod
    def field_names(cls) -> set[str]:
        """Every accepted field name."""
        return set(cls.model_fields)

    @classmethod
    def required_names(cls) -> set[str]:
        """The field names a row must have."""
        return {name for name, f in cls.model_fields.items() if f.is_required()}


class ClientIn(_Input):
    """One client row."""

    external_ref: Reference = Field(min_length=1, max_length=64)
    name: Text = Field(min_length=1, max_length=300)
    aliases: StrList = Field(default_factory=list, max_length=50)
    legal_form: str | None = Field(default=None, max_length=100)
    country: Country = None
    registration_number: str | None = Field(default=None, max_length=100)
    website: str | None = Field(default=None, max_length=500)
    domains: StrList = Field(default_factory=list, max_length=50)
    industry: Industry = None
    products: StrList = Field(default_factory=list, max_length=50)
    status: ClientStatus = ClientStatus.ACTIVE
    onboarded_on: date | None = None
    offboarded_on: date | None = None
    account_owner: str | None = Field(default=None, max_length=200)
    contract_value: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=2)

    @field_validator("website")
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        """An http(s) URL, or a bare domain taken as ``https://``; anything else (a
        ``javascript:`` or ``data:`` URL, a host that is not a host name) is refused."""
        if value and not value.lower().startswith(("http://", "https://")):
            if "://" in value or " " in value:
                raise ValueError("must be an http(s) URL or a bare domain")
            value = "https://" + value
        if value and not is_http_url(value):
            raise ValueError("must be an http(s) URL or a bare domain")
        return value


class PartyIn(_Input):
    """One owner, director or officer of a client."""

    client_ref: Reference = Field(min_length=1, max_length=64)
    party_id: str | None = Field(default=None, max_length=100)
    name: Text = Field(min_length=1, max_length=300)
    kind: PartyKind
    role: PartyRole
    ownership_pct: Decimal | None = Field(default=None, ge=0, le=100)
    birth_date: date | None = None
    country: Country = None


class EngagementIn(_Input):
    """One engagement of the vendor with a client."""

    client_ref: Reference = Field(min_length=1, max_length=64)
    engagement_id: str | None = Field(default=None, max_length=100)
    date: date
    kind: EngagementKind
    description: str | None = Field(default=None, max_length=5000)
    value: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=2)


class SignalIn(_Input):
    """One red-flag signal (news item, legal or regulatory action, list hit)."""

    signal_id: str | None = Field(default=None, max_length=200)
    client_ref: Annotated[str | None, AfterValidator(_reference)] = Field(
        default=None, max_length=64
    )
    subject_name: str | None = Field(default=None, max_length=300)
    kind: SignalKind
    title: Text = Field(min_length=1, max_length=1000)
    text: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)
    source: str | None = Field(default=None, max_length=300)
    url: HttpUrl = Field(default=None, max_length=2000)
    published_at: PublicationTime
    retrieved_at: datetime | None = None
    severity: Severity | None = None
    credibility: float | None = Field(default=None, ge=0, le=1)

    model_config = ConfigDict(arbitrary_types_allowed=True)

    @field_validator("published_at", mode="before")
    @classmethod
    def _published(cls, value: Any, info: ValidationInfo) -> PublicationTime:
        """The date rule (``duediligence.ingest.dates``), against the import time given as
        ``context={"now": ...}`` (else now)."""
        if isinstance(value, PublicationTime):
            return value
        if not isinstance(value, str | date | datetime):
            raise ValueError("expected a date or timestamp text, e.g. 2021-03-04")
        now = (info.context or {}).get("now") or utcnow()
        return publication_time(value, now=now)


def first_error(exc: ValidationError) -> tuple[str, str]:
    """``(field, reason)`` of a pydantic error, in words for the rejects report."""
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "(row)"
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "missing":
        msg = "required field is missing"
    value = err.get("input")
    if isinstance(value, str) and err["type"] not in ("missing", "extra_forbidden"):
        shown = value if len(value) <= 40 else value[:37] + "..."
        msg = f"{msg} (got {shown!r})"
    return loc, msg


def all_errors(exc: ValidationError) -> list[tuple[str, str]]:
    """Every ``(field, reason)`` of a pydantic error."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(row)"
        msg = "required field is missing" if err["type"] == "missing" else err["msg"]
        out.append((loc, msg))
    return out
