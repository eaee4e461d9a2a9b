"""The client review report of the case study: every section, the facts in it, its formats."""

from __future__ import annotations

import json
import re
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tinyhtml5
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.enums import ReportFormat, SignalKind
from duediligence.db.models import Assessment, Client, RenderedReport
from duediligence.db.queries import current_assessment
from duediligence.reporting.context import client_report
from duediligence.reporting.render import render_client_report, render_html
from tests.factories import make_signal
from tests.reporting.conftest import SECTIONS

NS = "{http://www.w3.org/1999/xhtml}"


def _client(session: Session, ref: str) -> Client:
    return session.scalars(select(Client).where(Client.external_ref == ref)).one()


def _newest(session: Session, ref: str) -> Assessment:
    found = current_assessment(session=session, client_id=_client(session, ref).id)
    assert found is not None
    return found


def _text(element: Any) -> str:
    return " ".join(" ".join(element.itertext()).split())


def _sections(html: str) -> dict[str, str]:
    tree = tinyhtml5.parse(html)
    return {
        el.get("id"): _text(el)
        for el in tree.iter()
        if el.tag in (f"{NS}section", f"{NS}footer") and el.get("id")
    }


def test_case_study_report_has_every_section(case_session: Session, tmp_path: Path) -> None:
    path, record = render_client_report(
        session=case_session, client="CS-BACKPAGE", reports_dir=tmp_path, actor="auditor"
    )
    html = path.read_text(encoding="utf-8")
    sections = _sections(html)
    assert set(SECTIONS) <= set(sections), set(SECTIONS) - set(sections)
    # knowability: high risk before the first contract (2013-11-15), engagements after it
    know = sections["knowability"]
    since = re.search(r"from (\d{4}-\d{2}-\d{2})", know)
    assert since and date.fromisoformat(since.group(1)) < date(2013, 11, 15)
    assert "First contract" in know and "custom build" in know
    # subject, scope, parties
    assert "Backpage.com LLC" in sections["subject"]  # an alias screened
    assert "test-sanctions" in sections["scope"] and "test-pep" in sections["scope"]
    assert "Camarillo Holdings LLC" in sections["parties"]
    # the confirmed hit, with its explanation and resolution
    hits = sections["hits"]
    assert "Camarillo Holdings LLC" in hits and "SDN-1" in hits
    assert "confirmed by reviewer" in hits and "same company, same address" in hits
    # negative result only for the list without a hit
    assert "test-pep" in sections["negative-results"]
    assert "test-sanctions" not in sections["negative-results"]
    # adverse media grouped by category, with source, date, confidence and review status
    adverse = sections["adverse-media"]
    assert "Human trafficking" in adverse and "unreviewed" in adverse
    assert re.search(r"2008-06-12 .*National newspaper \d+%", adverse)
    assert "US Senate" in sections["legal-actions"]
    assert "Adverse media: human trafficking" in sections["risk-factors"]
    decisions = sections["decisions"]
    assert "offboard" in decisions and "analyst" in decisions and "reviewer" in decisions
    integrity = sections["integrity"]
    ctx = client_report(session=case_session, assessment=_newest(case_session, "CS-BACKPAGE"))
    assert ctx["integrity"]["content_sha256"] in integrity
    assert "duediligence report verify" in integrity
    # two inline SVG charts, no external resource of any kind
    assert html.count("<svg") == 2
    assert not re.search(r"""(src|href)=["'](?!https?://)""", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert "@media print" in html
    # the file's SHA-256 is recorded, with an audit event
    stored = case_session.get(RenderedReport, record.id)
    assert stored is not None and stored.path == str(path)


def test_contrast_never_high(case_session: Session, tmp_path: Path) -> None:
    ctx = client_report(session=case_session, assessment=_newest(case_session, "CS-SAFEMARKET"))
    assert ctx["knowability"]["knowable_since"] is None
    html = render_html("client", ctx)
    assert "never put this client at high risk" in _sections(html)["knowability"]


def test_json_report_follows_the_documented_schema(case_session: Session, tmp_path: Path) -> None:
    path, _ = render_client_report(
        session=case_session, client="CS-BACKPAGE", fmt=ReportFormat.JSON, reports_dir=tmp_path
    )
    data = json.loads(path.read_text(encoding="utf-8"))
    # every key is typed and documented: tests/reporting/test_report_schema.py
    doc = (Path(__file__).resolve().parents[2] / "docs" / "report-json.md").read_text()
    for key in [*data, *data["integrity"]]:
        assert f"| `{key}` |" in doc, f"{key} is not documented in docs/report-json.md"
    assert data["schema_version"] == "1" and data["report"] == "client"
    assert data["subject"]["external_ref"] == "CS-BACKPAGE"
    assert data["hits"][0]["status"] == "confirmed"
    assert data["negative_results"][0]["list"] == "test-pep"
    assert data["knowability"]["knowable_since"] < "2013-11-15"
    assert data["decisions"][0]["checker"] == "reviewer"


def test_as_of_report_uses_the_assessment_of_that_date(
    case_session: Session, tmp_path: Path, cli: Any
) -> None:
    result = cli("report", "client", "CS-BACKPAGE", "--as-of", "2013-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.split()[0])  # stderr may carry the escape-hatch warning
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["assessment"]["as_of"] == "2013-11-01"
    assert all(s["published_at"] <= "2013-11-01" for s in data["legal_actions"])
    assert all(e["date"] <= "2013-11-01" for e in data["engagements"])


def test_signals_recorded_after_the_assessment_are_not_in_its_report(
    case_session: Session,
) -> None:
    """The assessment sections show what the assessment saw, even if older news turns up."""
    assessment = _newest(case_session, "CS-BACKPAGE")
    before = client_report(session=case_session, assessment=assessment)
    make_signal(
        case_session,
        _client(case_session, "CS-BACKPAGE"),
        kind=SignalKind.LEGAL_ACTION,
        title="A later record of an old lawsuit",
        published_at=date(2012, 1, 1),
        label="fraud",
    )
    case_session.commit()
    after = client_report(session=case_session, assessment=assessment)
    for key in ("adverse_media", "legal_actions", "signals_considered", "assessment", "hits"):
        assert after[key] == before[key], key
    assert "A later record" not in json.dumps(after["legal_actions"])


@pytest.mark.parametrize("fmt", [ReportFormat.HTML, ReportFormat.JSON, ReportFormat.PDF])
def test_rerender_gives_the_same_bytes(
    case_session: Session, tmp_path: Path, fmt: ReportFormat
) -> None:
    assessment = _newest(case_session, "CS-BACKPAGE")
    first, r1 = render_client_report(
        session=case_session,
        client="CS-BACKPAGE",
        fmt=fmt,
        output=tmp_path / f"a.{fmt.value}",
        reports_dir=tmp_path,
        assessment=assessment,
    )
    second, r2 = render_client_report(
        session=case_session,
        client="CS-BACKPAGE",
        fmt=fmt,
        output=tmp_path / f"b.{fmt.value}",
        reports_dir=tmp_path,
        assessment=assessment,
    )
    assert first.read_bytes() == second.read_bytes()
    assert r1.sha256 == r2.sha256


def _pdf_page_objects(data: bytes) -> int:
    """Count the page objects of a PDF, looking inside its compressed object streams too."""
    chunks = [data]
    for m in re.finditer(rb"/Length (\d+)(?:(?!>>).)*>>\s*stream\r?\n", data, re.DOTALL):
        body = data[m.end() : m.end() + int(m.group(1))]
        try:
            chunks.append(zlib.decompress(body))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", c)) for c in chunks)


def test_pdf_renders_pages(case_session: Session, tmp_path: Path) -> None:
    from weasyprint import HTML

    path, _ = render_client_report(
        session=case_session, client="CS-BACKPAGE", fmt=ReportFormat.PDF, reports_dir=tmp_path
    )
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pages = _pdf_page_objects(data)
    ctx = client_report(session=case_session, assessment=_newest(case_session, "CS-BACKPAGE"))
    expected = len(HTML(string=render_html("client", ctx)).render().pages)
    assert pages == expected
    assert 3 <= pages <= 12, f"{pages} pages"


def test_knowability_uses_the_assessments_own_model(case_session: Session) -> None:
    from duediligence.risk.model import FALLBACK_VERSION
    from tests.factories import make_assessment

    backpage = _client(case_session, "CS-BACKPAGE")
    active = client_report(session=case_session, assessment=_newest(case_session, "CS-BACKPAGE"))
    assert active["scope"]["knowability_model_version"] == active["scope"]["risk_model_version"]
    old = make_assessment(case_session, backpage, risk_model_version=FALLBACK_VERSION)
    ctx = client_report(session=case_session, assessment=old)
    assert ctx["scope"]["knowability_model_version"] == FALLBACK_VERSION
    gone = make_assessment(case_session, backpage, risk_model_version="risk-deleted-1")
    ctx = client_report(session=case_session, assessment=gone)
    # the version is gone: the active model is used, and the report says which
    assert ctx["scope"]["knowability_model_version"] == active["scope"]["risk_model_version"]
    html = render_html("client", ctx)
    assert "risk-deleted-1" in html and active["scope"]["risk_model_version"] in html
