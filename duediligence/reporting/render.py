"""Render report contexts as self-contained HTML, PDF (WeasyPrint) or JSON, deterministically,
and signed with the installation key (:mod:`duediligence.reporting.signing`).

Re-rendering a report gives the same bytes at any time, in any process, under any load. Every
source of variation found is pinned:

- document dates: the PDF's creation date (``dcterms.created``) and the embedded files' dates
  are the time the report's content was fixed (the assessment's storage time), never "now";
- fonts: WeasyPrint subsets fonts with HarfBuzz, or falls back to fontTools (when
  libharfbuzz-subset is missing or fails, and always for variable or colour fonts), which
  stamps the current time into each embedded font's ``head.modified``: rendering sets
  ``SOURCE_DATE_EPOCH`` (which fontTools honours) to that same content time, under a lock so
  concurrent renders in one process cannot see each other's value;
- no PDF file identifier (WeasyPrint's default), no random XMP ids (no PDF/A-4 variant);
- ordering: contexts are built from ordered queries, JSON keys are sorted, the PDF's embedded
  files are written in name order by :func:`render_pdf` itself;
- numbers: chart coordinates are printed with one decimal and ``-0`` as ``0``;
- signatures: Ed25519 is deterministic (RFC 8032), and the signed statement carries no
  render-time value.
"""

from __future__ import annotations

import io
import logging
import os
import re
import tempfile
import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence import csvutil
from duediligence.csvutil import neutralise as neutralise
from duediligence.db.enums import ReportFormat, ReportKind
from duediligence.db.models import Assessment, RenderedReport
from duediligence.db.queries import current_assessment, resolve_client
from duediligence.errors import InputError, NoAssessmentError
from duediligence.keys import Signer
from duediligence.reporting import charts, fonts, signing
from duediligence.reporting.context import client_report, exposure_report, roster_report
from duediligence.reporting.integrity import record_report
from duediligence.reporting.schema import ClientReport, ReportContext

log = logging.getLogger(__name__)

KINDS = ("client", "roster", "exposure")


def format_timestamp(value: Any) -> str:
    """``2026-11-25T10:37:17.267148+00:00`` as ``2026-11-25 10:37 UTC`` (dates pass through)."""
    if not value:
        return "—"
    text = str(value)
    if len(text) <= 10:
        return text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def format_percent(value: Any, digits: int = 0) -> str:
    """``0.734`` as ``73%``; empty for None."""
    if value is None:
        return ""
    return f"{float(value) * 100:.{digits}f}%"


def format_number(value: Any) -> str:
    """A number without trailing zeros: ``100.000`` as ``100``, ``12.500`` as ``12.5``."""
    if value is None:
        return ""
    text = f"{float(value):.3f}".rstrip("0").rstrip(".")
    return text or "0"


def css_text(value: Any) -> str:
    """Text safe inside a CSS string: letters, digits, spaces and ``.,:·/()#-`` only."""
    return re.sub(r"[^\w .,:·/()#-]", "", str(value).strip(), flags=re.ASCII)[:120]


def _build_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("duediligence.reporting", "templates"),
        autoescape=select_autoescape(["html", "svg", "xml"], default_for_string=True),
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.filters["ts"] = format_timestamp
    env.filters["pct"] = format_percent
    env.filters["num"] = format_number
    env.filters["css_text"] = css_text
    env.filters["humanize"] = lambda value: str(value or "").replace("_", " ")
    env.globals["report_font_family"] = fonts.font_family_css()
    env.globals["report_mono_font_family"] = fonts.font_family_css(
        fonts.REPORT_MONO_FONT_STACK, "monospace"
    )
    return env


_env = _build_environment()


def environment() -> Environment:
    """The Jinja2 environment (autoescape on, strict undefined) shared with the web app.

    Templates: ``client.html``, ``roster.html``, ``exposure.html``, each extending
    ``base.html``; each renders a context dict ``r`` (see :mod:`duediligence.reporting.context`)
    and ``charts`` (inline SVG strings, see :func:`client_charts`) in its ``content`` block.
    Filters: ``ts`` (timestamps), ``pct``, ``num``, ``humanize``.
    """
    return _env


def _d(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def client_charts(ctx: ReportContext) -> dict[str, str]:
    """The SVG charts of a client report context: ``contributions`` and ``timeline``."""
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
            timeline,
            signals,
            engagements,
            _d(know["knowable_since"]),
            as_of=_d(ctx["assessment"]["as_of"]),
        ),
    }


def report_charts(kind: str, ctx: ReportContext) -> dict[str, str]:
    """The SVG charts of any report context."""
    if kind == "client":
        return client_charts(ctx)
    if kind == "roster":
        return {"tiers": charts.tier_chart(ctx["tiers"])}
    return {}


def content_time(ctx: ReportContext) -> datetime:
    """When a report's content was fixed (``integrity.generated_at``, UTC, whole seconds; the
    Unix epoch for an empty roster): the only time written into its files."""
    generated = (ctx.get("integrity") or {}).get("generated_at")
    moment = datetime.fromisoformat(str(generated)) if generated else datetime(1970, 1, 1)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def render_html(
    kind: str, ctx: ReportContext, signer: Signer | None = None, font_note: str | None = None
) -> str:
    """Self-contained HTML of a report context (``kind``: client, roster or exposure).

    With ``signer`` the page names the signer and key and carries an empty signature
    ``<meta>`` for :func:`duediligence.reporting.signing.sign_html` to fill. ``font_note``
    (PDF only, see :func:`fonts.checked_pdf`) goes in the report's footer.
    """
    if kind not in KINDS:
        raise InputError(f"unknown report kind {kind!r}")
    signed = {"signer": signer.name, "key": signer.fingerprint} if signer is not None else None
    return _env.get_template(f"{kind}.html").render(
        r=ctx,
        charts=report_charts(kind, ctx),
        created=content_time(ctx).strftime("%Y-%m-%dT%H:%M:%SZ"),
        signed=signed,
        font_note=font_note,
    )


# fontTools reads SOURCE_DATE_EPOCH from the process environment: one PDF render at a time.
_pdf_lock = threading.Lock()


def render_pdf(
    html: str,
    *,
    created: datetime | None = None,
    attachments: Sequence[tuple[str, bytes, bool]] = (),
) -> bytes:
    """PDF bytes of an HTML report (no network: the HTML is self-contained).

    ``created`` (default: the Unix epoch) is the time written into the document: its creation
    date comes from the HTML's ``dcterms.created``, and fonts that fontTools re-saves get it
    as their modification time (``SOURCE_DATE_EPOCH``). ``attachments`` are embedded files
    ``(name, bytes, compress)``, written in name order with no dates; an uncompressed one
    appears verbatim in the file (the signature slot, the signed JSON form).
    """
    import pydyf
    from weasyprint import HTML

    def no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"external resource refused: {url}")

    def embed(_document: Any, pdf: Any) -> None:
        if not attachments:
            return
        names = pydyf.Array()
        for name, data, compress in sorted(attachments):
            extra = pydyf.Dictionary(
                {
                    "Type": "/EmbeddedFile",
                    "Subtype": "/application#2fjson",
                    "Params": pydyf.Dictionary({"Size": len(data)}),
                }
            )
            stream = pydyf.Stream([data], extra, compress=compress)
            pdf.add_object(stream)
            spec = pydyf.Dictionary(
                {
                    "Type": "/Filespec",
                    "F": pydyf.String(name),
                    "UF": pydyf.String(name),
                    "EF": pydyf.Dictionary({"F": stream.reference}),
                    "AFRelationship": "/Data",
                }
            )
            pdf.add_object(spec)
            names.extend([pydyf.String(name), spec.reference])
        tree = pydyf.Dictionary({"Names": names})
        pdf.add_object(tree)
        if "Names" not in pdf.catalog:
            pdf.catalog["Names"] = pydyf.Dictionary()
        pdf.catalog["Names"]["EmbeddedFiles"] = tree.reference

    epoch = int((created or datetime(1970, 1, 1, tzinfo=UTC)).timestamp())
    with _pdf_lock:
        saved = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(max(epoch, 0))
        try:
            pdf: bytes = HTML(string=html, url_fetcher=no_fetch).write_pdf(finisher=embed)
        finally:
            if saved is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = saved
    return pdf


def exposure_csv(ctx: ReportContext) -> str:
    """The exposure report as CSV (one row per engagement), formulas neutralised."""
    buffer = io.StringIO()
    writer = csvutil.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "client",
            "name",
            "knowable_since",
            "tier_then",
            "engagement_date",
            "kind",
            "description",
            "value",
            "tipped_by",
        ]
    )
    for c in ctx["clients"]:
        tipping = " | ".join(f"{t['date']} {t['text']}" for t in c["tipped_by"])
        for e in c["engagements"]:
            writer.writerow(
                [
                    c["client"],
                    c["name"],
                    c["knowable_since"],
                    c["tier_then"],
                    e["date"],
                    e["kind"],
                    e["description"],
                    e.get("value"),
                    tipping,
                ]
            )
    return buffer.getvalue()


def safe_filename(text: str) -> str:
    """A file name that cannot leave its folder: no separators, no dot-dot, no hidden files."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", text)
    name = re.sub(r"\.{2,}", ".", name).strip("._-") or "report"
    return name[:120]


def report_path(reports_dir: Path, name: str) -> Path:
    """``reports_dir / safe_filename(name)``, checked to be inside ``reports_dir``."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    folder = reports_dir.resolve()
    path = (folder / safe_filename(name)).resolve()
    if path.parent != folder:
        raise InputError(f"refusing to write outside {reports_dir}: {name!r}")
    return path


def _target(output: Path | None, reports_dir: Path, name: str) -> Path:
    if output is None:
        return report_path(reports_dir, name)
    if output.is_dir():
        return report_path(output, name)
    output.parent.mkdir(parents=True, exist_ok=True)
    return output.resolve()


def render_bytes(
    kind: str, fmt: ReportFormat, ctx: ReportContext, signer: Signer | None = None
) -> bytes:
    """The bytes of a report context in a format (deterministic: same context and key, same
    bytes), signed when ``signer`` is given (CSV is never signed). A PDF embeds the JSON form
    (signed too) as ``report.json``."""
    if fmt == ReportFormat.CSV:
        if kind != "exposure":
            raise InputError("CSV is available for the exposure report only")
        return exposure_csv(ctx).encode("utf-8")
    if fmt == ReportFormat.JSON:
        return signing.signed_json(ctx, signer) if signer else signing.json_bytes(ctx)
    html = render_html(kind, ctx, signer)
    if fmt == ReportFormat.PDF:
        created = content_time(ctx)
        attachments: list[tuple[str, bytes, bool]] = []
        attachment = b""
        if signer is not None:
            attachment = signing.signed_json(ctx, signer)
            attachments = [
                (signing.ATTACHMENT_NAME, attachment, False),
                ("signature.json", signing.pdf_slot_content(), False),
            ]
        unsigned = fonts.checked_pdf(
            lambda note: render_html(kind, ctx, signer, note),
            lambda page: render_pdf(page, created=created, attachments=attachments),
        )
        if signer is None:
            return unsigned
        return signing.sign_pdf(unsigned, ctx, signer, attachment)
    return signing.sign_html(html.encode("utf-8"), ctx, signer) if signer else html.encode()


def report_stem(ctx: ReportContext) -> str:
    """A report's default file name without extension: ``REF-ASSESSMENT`` for a client report,
    ``KIND-YYYYMMDDTHHMMSS`` (newest assessment time) for the roster and exposure reports."""
    if ctx.get("report") == "client":
        return f"{ctx['subject']['external_ref']}-{ctx['assessment']['id']}"
    generated = str((ctx.get("integrity") or {}).get("generated_at") or "empty")
    stamp = re.sub(r"[^0-9T]", "", generated[:19]) or "empty"
    return f"{ctx.get('report')}-{stamp}"


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file and rename, so a reader never sees half a report."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def find_assessment(
    *,
    session: Session,
    client: str | int,
    as_of: date | None = None,
) -> Assessment:
    """The client's current assessment, or its newest one as of ``as_of`` when given (a
    historical view for a past date). Never assesses: :class:`NoAssessmentError` (exit 2, HTTP
    404) when there is none, naming the ``duediligence assess`` command that makes it;
    :class:`NotFoundError` for an unknown client. Reports read results (DESIGN.md): the caller
    decides whether to assess first."""
    row = resolve_client(session=session, ref=client)
    if as_of is not None:
        found = session.scalar(
            select(Assessment)
            .where(Assessment.client_id == row.id, Assessment.as_of == as_of)
            .order_by(Assessment.id.desc())
            .limit(1)
        )
        if found is None:
            raise NoAssessmentError(
                f"no assessment of {row.external_ref} as of {as_of.isoformat()}; run "
                f"`duediligence assess {row.external_ref} --as-of {as_of.isoformat()}` first"
            )
        return found
    found = current_assessment(session=session, client_id=row.id)
    if found is None:
        raise NoAssessmentError(
            f"no assessment of {row.external_ref}; run "
            f"`duediligence assess {row.external_ref}` first"
        )
    return found


def render_client_report(
    *,
    session: Session,
    client: str,
    fmt: ReportFormat = ReportFormat.HTML,
    as_of: date | None = None,
    output: Path | None = None,
    reports_dir: Path,
    actor: str | None = None,
    assessment: Assessment | None = None,
    context: ClientReport | None = None,
    signer: Signer | None = None,
) -> tuple[Path, RenderedReport]:
    """Render the review report of a stored assessment and record the file's SHA-256 (audited).

    The assessment is ``assessment`` if given, else the client's newest one as of ``as_of``
    (or its current one): rendering never assesses, :class:`NoAssessmentError` when there is
    none (see :func:`find_assessment`). The file goes to
    ``output`` (a file, or a folder), else to ``reports_dir`` as ``REF-ASSESSMENT.FORMAT``.
    ``context`` is that assessment's ``client_report`` when the caller has already built it
    (it re-scores the record for knowability, so it is not built twice). ``signer`` signs the
    file (the CLI and web app always pass the installation key).
    """
    row = resolve_client(session=session, ref=client)
    if assessment is None:
        assessment = find_assessment(session=session, client=row.id, as_of=as_of)
    elif assessment.client_id != row.id:
        raise InputError(f"assessment {assessment.id} is not an assessment of {client!r}")
    ctx = context if context is not None else client_report(session=session, assessment=assessment)
    path = _target(output, reports_dir, f"{report_stem(ctx)}.{fmt.value}")
    _write(path, render_bytes("client", fmt, ctx, signer))
    record = record_report(
        session=session,
        path=path,
        kind=ReportKind.CLIENT,
        fmt=fmt,
        assessment_id=assessment.id,
        actor=actor,
        client_id=row.id,
    )
    log.info("rendered %s report of %s to %s", fmt.value, row.external_ref, path)
    return path, record


def render_roster_report(
    *,
    session: Session,
    fmt: ReportFormat = ReportFormat.HTML,
    output: Path | None = None,
    reports_dir: Path,
    actor: str | None = None,
    kind: str = "roster",
    signer: Signer | None = None,
) -> tuple[Path, RenderedReport]:
    """Render the roster or the exposure report (``kind``), signed by ``signer`` if given, and
    record the file's SHA-256."""
    if kind not in ("roster", "exposure"):
        raise InputError(f"unknown roster-level report {kind!r}")
    ctx = roster_report(session=session) if kind == "roster" else exposure_report(session=session)
    path = _target(output, reports_dir, f"{report_stem(ctx)}.{fmt.value}")
    _write(path, render_bytes(kind, fmt, ctx, signer))
    record = record_report(
        session=session, path=path, kind=ReportKind(kind), fmt=fmt, assessment_id=None, actor=actor
    )
    log.info("rendered %s %s report to %s", kind, fmt.value, path)
    return path, record


def rendered_reports(*, session: Session) -> list[RenderedReport]:
    """Every report rendered, newest first."""
    return list(session.scalars(select(RenderedReport).order_by(RenderedReport.id.desc())))
