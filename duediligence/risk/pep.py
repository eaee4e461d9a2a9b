"""Politically exposed persons: who on a client's file is one, in what function, and until when.

A client is *politically exposed* when a confirmed watch-list match ties the client itself, an
owner, a director or an officer to a list entity that is

- a PEP, a politician or a relative or close associate (topics ``role.pep``, ``role.pol``,
  ``role.rca``: :data:`duediligence.risk.topics.PEP_TOPICS`); or
- linked by a family or associate link (FtM ``Family`` / ``Associate``) to such an entity:
  the matched person is then a relative or close associate (RCA) of that PEP, whatever its own
  topics say (FATF R.12 INR; EU Directive 2015/849 art. 3(10)-(11); UK MLRs 2017 reg. 35(12)).

Each exposure names the PEP's functions with country and dates where the source gives them
(FtM ``Occupancy`` → ``Position``; else the person's ``position`` texts, undated).

**Former PEPs.** A PEP who has left every function stays a PEP for a period after the last one
ended, then decays: by default 12 months — EU Directive 2015/849 art. 22 ("for at least 12
months") and UK MLRs 2017 reg. 35(9) (at least 12 months after ceasing to be entrusted with a
prominent public function). FATF's 2013 guidance on R.12 asks for a risk-based, not a
time-limited, approach, so the period is configurable: ``former_pep_months`` in the
``[pep]`` table of ``DD_TIERS_FILE``. An RCA's exposure follows the PEP's. Without an end date
(or with none of the functions dated) the person is treated as a PEP in office.

The ``[pep]`` table also sets ``review_days``, the periodic-review interval of a PEP client
(default 365 days: enhanced ongoing monitoring, FATF R.12(b)(iii); the figure is this
product's choice, not a regulation's).
"""

from __future__ import annotations

import calendar
import functools
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from duediligence.errors import ConfigError
from duediligence.risk.topics import PEP_TOPICS, topic_rule

PEP_RULE = "politically_exposed_person"  # the rule hit's name on an assessment
DEFAULT_FORMER_PEP_MONTHS = 12
DEFAULT_PEP_REVIEW_DAYS = 365
KIND_BY_TOPIC = {"role.pep": "PEP", "role.pol": "politician", "role.rca": "RCA"}


@dataclass(frozen=True)
class PepSettings:
    """How long a former PEP stays one, and how often a PEP client is reviewed."""

    former_pep_months: int = DEFAULT_FORMER_PEP_MONTHS
    review_days: int = DEFAULT_PEP_REVIEW_DAYS


@functools.cache
def _settings(path: str | None) -> PepSettings:
    if not path:
        return PepSettings()
    try:
        table = tomllib.loads(Path(path).read_text("utf-8")).get("pep", {})
        values: dict[str, int] = {}
        for key in ("former_pep_months", "review_days"):
            if key not in table:
                continue
            value = table[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{key} must be a whole number >= 0")
            values[key] = value
        unknown = set(table) - {"former_pep_months", "review_days"}
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))}")
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"[pep] in {path}: {exc}") from None
    return PepSettings(**values)


def pep_settings() -> PepSettings:
    """The PEP settings: defaults, overridden by the ``[pep]`` table of ``DD_TIERS_FILE``.
    :class:`ConfigError` for a malformed table."""
    from duediligence.config import get_settings

    path = get_settings().tiers_file
    return _settings(str(path) if path else None)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class PepFunction:
    """One public function: what, where, from and until when (None: the source does not say)."""

    function: str
    country: str | None = None
    start: date | None = None
    end: date | None = None
    status: str | None = None  # FtM Occupancy status: current, ended, unknown

    def text(self) -> str:
        """``Deputy Minister of Finance (RU, 2019-03-01 – 2024-05-31)``."""
        when = ""
        if self.start or self.end:
            start = self.start.isoformat() if self.start else "?"
            when = f"{start} – {self.end.isoformat()}" if self.end else f"since {start}"
        inside = ", ".join(x for x in (self.country, when) if x)
        return f"{self.function} ({inside})" if inside else self.function


def functions_of(context: dict[str, Any]) -> list[PepFunction]:
    """The functions an entity's (or relative's) political context gives: dated occupancies
    first, then undated ``position`` texts not already named."""
    out = [
        PepFunction(
            str(o.get("function") or "public function"),
            o.get("country"),
            _day(o.get("start_date")),
            _day(o.get("end_date")),
            o.get("status"),
        )
        for o in context.get("occupancies") or []
    ]
    named = {f.function for f in out}
    for text in context.get("positions") or []:
        if text not in named and len(text) <= 200:
            out.append(PepFunction(str(text)))
    return out


@dataclass(frozen=True)
class PepExposure:
    """A politically exposed person on a client's file, as of a date.

    ``relation`` is who on the file it is (``client``, ``owner``, ``director``, ``officer``);
    ``kind`` ``PEP``, ``politician`` or ``RCA``; for an RCA, ``pep`` names the PEP and ``link``
    the relationship. ``status`` is ``in office``, ``former`` (left ``left_office``, a PEP
    until ``pep_until``) or ``dates unknown``.
    """

    subject: str
    relation: str
    kind: str
    pep: str
    link: str | None
    functions: tuple[PepFunction, ...]
    status: str
    left_office: date | None
    pep_until: date | None
    match_id: int
    entity: str
    list_name: str
    since: date

    def describe(self) -> str:
        """``owner Ivan Petrov: PEP — Deputy Minister of Finance (RU, since 2019-03-01)``."""
        what = "; ".join(f.text() for f in self.functions[:3]) or "function not given"
        who = f"{self.relation} {self.subject}"
        if self.kind == "RCA":
            via = f" ({self.link})" if self.link else ""
            head = f"{who}: RCA of {self.pep}{via} — {what}"
        else:
            head = f"{who}: {self.kind} — {what}"
        if self.status == "former" and self.pep_until:
            head += f"; former PEP (left office {self.left_office}), a PEP until {self.pep_until}"
        return head

    def short(self) -> str:
        """``PEP (owner: Deputy Minister of Finance, RU)`` for headlines and lists."""
        first = self.functions[0] if self.functions else None
        what = (
            f"{first.function}" + (f", {first.country}" if first.country else "")
            if first
            else self.subject
        )
        if self.kind == "RCA":
            return f"PEP (RCA of {self.pep}, {self.relation} {self.subject}: {what})"
        former = ", former" if self.status == "former" else ""
        return f"PEP ({self.relation}: {what}{former})"

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form stored on the assessment's rule hit."""
        return {
            "subject": self.subject,
            "relation": self.relation,
            "kind": self.kind,
            "pep": self.pep,
            "link": self.link,
            "functions": [
                {
                    "function": f.function,
                    "country": f.country,
                    "start_date": f.start.isoformat() if f.start else None,
                    "end_date": f.end.isoformat() if f.end else None,
                    "status": f.status,
                }
                for f in self.functions
            ],
            "status": self.status,
            "left_office": self.left_office.isoformat() if self.left_office else None,
            "pep_until": self.pep_until.isoformat() if self.pep_until else None,
            "match_id": self.match_id,
            "entity": self.entity,
            "list": self.list_name,
            "since": self.since.isoformat(),
            "text": self.describe(),
            "short": self.short(),
        }


def _status(
    functions: list[PepFunction], as_of: date, months: int
) -> tuple[str, date | None, date | None] | None:
    """``(status, left office, PEP until)`` as of ``as_of``; None when the exposure has decayed
    (or no dated function had begun by then)."""
    dated = [f for f in functions if f.start or f.end]
    if not dated:
        return ("dates unknown", None, None)
    begun = [f for f in dated if f.start is None or f.start <= as_of]
    if not begun:
        return None
    if any(f.end is None and f.status != "ended" for f in begun):
        return ("in office", None, None)
    ends = [f.end for f in begun if f.end is not None]
    if not ends:  # ended on a date the source does not give: still a PEP, conservatively
        return ("former", None, None)
    left = max(ends)
    if as_of <= left:
        return ("in office", None, None)
    until = add_months(left, months)
    if as_of > until:
        return None
    return ("former", left, until)


def exposures(match: dict[str, Any], as_of: date, months: int | None = None) -> list[PepExposure]:
    """The PEP exposures a confirmed match's evidence item gives as of ``as_of`` (none when
    the entity is not politically exposed, or its exposure has decayed)."""
    if months is None:
        months = pep_settings().former_pep_months
    political = match.get("political") or {}
    relation = match.get("relation") or "client"
    known = date.fromisoformat(match["known_since"])
    out: list[PepExposure] = []

    def add(kind: str, pep: str, link: str | None, functions: list[PepFunction]) -> None:
        status = _status(functions, as_of, months)
        if status is None:
            return
        out.append(
            PepExposure(
                subject=match["subject"],
                relation=relation,
                kind=kind,
                pep=pep,
                link=link,
                functions=tuple(functions),
                status=status[0],
                left_office=status[1],
                pep_until=status[2],
                match_id=match["match_id"],
                entity=match["entity"],
                list_name=match["list"],
                since=known,
            )
        )

    own = [t for t in match.get("topics") or [] if t in PEP_TOPICS]
    relatives = [r for r in political.get("relatives") or [] if pep_topics(r.get("topics"))]
    if own:
        kinds = [KIND_BY_TOPIC[t] for t in own]
        kind = "PEP" if "PEP" in kinds else kinds[0]
        if kind != "RCA":
            add(kind, match["entity"], None, functions_of(political))
        elif not relatives:  # an RCA whose PEP the source does not link
            add(kind, "a PEP the list does not name", None, [])
    for r in relatives:
        add("RCA", str(r.get("name")), r.get("relationship"), functions_of(r))
    return out


def pep_topics(topics: Any) -> bool:
    """Whether ``topics`` include a politically exposed topic."""
    return any(topic_rule(str(t)) is not None and str(t) in PEP_TOPICS for t in (topics or []))


def political_evidence(raw: dict[str, Any], topics: list[str]) -> dict[str, Any] | None:
    """What a match's evidence keeps of a list entity's political context (its functions and
    its politically exposed relatives); None when there is nothing political about it."""
    context = raw.get("context") or {}
    relatives = [r for r in context.get("relatives") or [] if pep_topics(r.get("topics"))]
    if not pep_topics(topics) and not relatives:
        return None
    positions = (raw.get("properties") or {}).get("position") or []
    return {
        "occupancies": context.get("occupancies") or [],
        "positions": list(positions),
        "relatives": relatives,
    }


def decay_dates(match: dict[str, Any], months: int) -> list[date]:
    """The dates on which a match's PEP exposures may change: functions starting, and the day
    after a former PEP's period ends."""
    political = match.get("political") or {}
    out: list[date] = []
    for ctx in [political, *(political.get("relatives") or [])]:
        for f in functions_of(ctx):
            if f.start:
                out.append(f.start)
            if f.end:
                out.append(f.end + timedelta(days=1))
                out.append(add_months(f.end, months) + timedelta(days=1))
    return out


def pep_hit(rule_hits: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The stored ``politically_exposed_person`` rule hit of an assessment, if any."""
    return next((h for h in rule_hits if h.get("rule") == PEP_RULE), None)


def pep_summary(rule_hits: list[dict[str, Any]]) -> str | None:
    """``PEP (owner: Deputy Minister of Finance, MD)`` (several joined by ``; ``) for
    headlines and lists; None when nobody on the file is politically exposed."""
    hit = pep_hit(rule_hits)
    if hit is None:
        return None
    shorts = list(dict.fromkeys(p.get("short", "PEP") for p in hit.get("pep") or []))
    return "; ".join(shorts) or "PEP"
