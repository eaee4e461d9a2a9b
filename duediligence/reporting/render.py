"""Render report contexts as self-contained HTML, PDF (WeasyPrint) or JSON, deterministically."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.enums import ReportFormat, ReportKind
from duediligence.db.models import Assessment, RenderedReport
from duediligence.errors import InputError
from duediligence.reporting import charts
from duediligence.reporting.context import client_report, exposure_report, roster_report
from duediligence.reporting.integrity import record_report
from duediligence.risk import assess_client, latest_assessment
from duediligence.risk.assess import resolve_client

_env = Environment(
    loader=PackageLoader("duediligence.reporting", "templates"),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def environment() -> Environment:
    """The Jinja2 environment (autoescape on) shared with the web app."""
    return _env


def _d(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def client_charts(ctx: dict[str, Any]) -> dict[str, str]:
    """The SVG charts of a client report context."""
    know = ctx["knowability"]
    timeline = [{"date": _d(t["date"]), "tier": t["tier"]} for t in know["timeline"]]
    signals = [
        {"published_at": _d(s["published_at"]), "adverse": s["adverse"]}
        for s in ctx["timeline_signals"]
    ]
    engagements = [{"date": _d(e["date"])} for e in ctx["engagements"]]
    return {
        "contributions": charts.contribution_chart(ctx["assessment"]["factors"]),
        "timeline": charts.timeline_chart(
            timeline, signals, engagements, _d(know["knowable_since"])
        ),
    }


def render_html(kind: str, ctx: dict[str, Any]) -> str:
    """HTML of a report context."""
    chart_svgs = (
        client_charts(ctx)
        if kind == "client"
        else {"tiers": charts.tier_chart(ctx["tiers"])}
        if kind == "roster"
        else {}
    )
    return _env.get_template(f"{kind}.html").render(r=ctx, charts=chart_svgs)


def render_pdf(html: str) -> bytes:
    """PDF bytes of an HTML report (no network: the HTML is self-contained)."""
    from weasyprint import HTML

    def no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"external resource refused: {url}")

    pdf: bytes = HTML(string=html, url_fetcher=no_fetch).write_pdf()
    return pdf


def neutralise(value: Any) -> str:
    """A CSV cell that spreadsheets will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def exposure_csv(ctx: dict[str, Any]) -> str:
    """The exposure report as CSV (one row per engagement)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "client",
            "name",
            "knowable_since",
            "engagement_date",
            "kind",
            "description",
            "tipping_signals",
        ]
    )
    for c in ctx["clients"]:
        tipping = " | ".join(f"{s['published_at']} {s['title']}" for s in c["tipping_signals"])
        for e in c["engagements"]:
            writer.writerow(
                [
                    neutralise(v)
                    for v in (
                        c["client"],
                        c["name"],
                        c["knowable_since"],
                        e["date"],
                        e["kind"],
                        e["description"],
                        tipping,
                    )
                ]
            )
    return buffer.getvalue()


def safe_filename(text: str) -> str:
    """A file name that cannot leave its folder (no separators, no dot-dot)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "report"
    return name[:120]


def _target(output: Path | None, reports_dir: Path, name: str) -> Path:
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        return output
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = (reports_dir / safe_filename(name)).resolve()
    if path.parent != reports_dir.resolve():
        raise InputError(f"refusing to write outside {reports_dir}: {name!r}")
    return path


def _write(path: Path, fmt: ReportFormat, kind: str, ctx: dict[str, Any]) -> None:
    if fmt == ReportFormat.JSON:
        path.write_text(
            json.dumps(ctx, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    elif fmt == ReportFormat.CSV:
        if kind != "exposure":
            raise InputError("CSV is available for the exposure report only")
        path.write_text(exposure_csv(ctx), encoding="utf-8", newline="")
    elif fmt == ReportFormat.PDF:
        path.write_bytes(render_pdf(render_html(kind, ctx)))
    else:
        path.write_text(render_html(kind, ctx), encoding="utf-8")


def render_client_report(
    session: Session,
    client: str,
    *,
    fmt: ReportFormat = ReportFormat.HTML,
    as_of: date | None = None,
    output: Path | None = None,
    reports_dir: Path,
    actor: str | None = None,
    assessment: Assessment | None = None,
) -> tuple[Path, RenderedReport]:
    """Render the review report of the client's assessment (latest, or a new one as of a date)."""
    row = resolve_client(session, client)
    if assessment is None:
        if as_of is not None:
            assessment = session.scalar(
                select(Assessment)
                .where(Assessment.client_id == row.id, Assessment.as_of == as_of)
                .order_by(Assessment.id.desc())
                .limit(1)
            ) or assess_client(session, row.id, as_of=as_of, actor=actor)
        else:
            assessment = latest_assessment(session, row.id) or assess_client(
                session, row.id, actor=actor
            )
    ctx = client_report(session, assessment)
    path = _target(output, reports_dir, f"{row.external_ref}-{assessment.id}.{fmt.value}")
    _write(path, fmt, "client", ctx)
    record = record_report(
        session,
        path,
        kind=ReportKind.CLIENT,
        fmt=fmt,
        assessment_id=assessment.id,
        actor=actor,
        client_id=row.id,
    )
    return path, record


def render_roster_report(
    session: Session,
    *,
    fmt: ReportFormat = ReportFormat.HTML,
    output: Path | None = None,
    reports_dir: Path,
    actor: str | None = None,
    kind: str = "roster",
) -> tuple[Path, RenderedReport]:
    """Render the roster or exposure report."""
    ctx = roster_report(session) if kind == "roster" else exposure_report(session)
    stamp = str(ctx["integrity"]["generated_at"] or "empty")[:10]
    path = _target(output, reports_dir, f"{kind}-{stamp}.{fmt.value}")
    _write(path, fmt, kind, ctx)
    record = record_report(
        session, path, kind=ReportKind(kind), fmt=fmt, assessment_id=None, actor=actor
    )
    return path, record


def rendered_reports(session: Session) -> list[RenderedReport]:
    """Every report rendered, newest first."""
    return list(session.scalars(select(RenderedReport).order_by(RenderedReport.id.desc())))
