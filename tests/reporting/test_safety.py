"""Untrusted text is inert in every report; CSV cells never run as formulas; files stay put."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
import tinyhtml5
from sqlalchemy.orm import Session

from duediligence.db.enums import (
    DecisionAction,
    DecisionStatus,
    EngagementKind,
    ReportFormat,
    SignalKind,
)
from duediligence.db.models import Decision
from duediligence.errors import InputError
from duediligence.reporting.context import safe_url
from duediligence.reporting.render import (
    neutralise,
    render_client_report,
    render_roster_report,
    report_path,
    safe_filename,
)
from duediligence.risk import assess_client
from tests.factories import make_client, make_engagement, make_party, make_signal

SCRIPT = "<script>alert('title')</script>"
PAYLOADS = [
    SCRIPT,
    '<img src=x onerror="alert(1)">',
    '"><svg onload=alert(2)>',
    "</style><script>alert(3)</script>",
    '<a href="javascript:alert(4)">click</a>',
    "{{ 7*7 }}{% raw %}",
]
BAD_URLS = [
    "javascript:alert(document.cookie)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "https://",
    "http://ok.example/a b",
]


@pytest.fixture
def hostile(session: Session) -> str:
    """A client whose every text field is an attack; returns its reference."""
    client = make_client(
        session,
        external_ref="X-1",
        name=f"Evil {SCRIPT} Corp",
        aliases=[PAYLOADS[1]],
        website="javascript:alert('site')",
        industry=PAYLOADS[2],
        products=[PAYLOADS[3]],
    )
    make_party(session, client, name=PAYLOADS[1], country="US")
    for i, payload in enumerate(PAYLOADS):
        make_signal(
            session,
            client,
            kind=SignalKind.LEGAL_ACTION if i % 2 else SignalKind.NEWS,
            title=f"{payload} fraud charge {i}",
            text=payload,
            source=PAYLOADS[(i + 1) % len(PAYLOADS)],
            url=BAD_URLS[i % len(BAD_URLS)],
            published_at=date(2019, 1, 1 + i),
            label="fraud",
            label_probabilities={"fraud": 0.9},
        )
    make_signal(
        session,
        client,
        title="A real article",
        url='https://news.example/a?b="c"&d=<e>',
        published_at=date(2019, 2, 1),
        label="fraud",
        label_probabilities={"fraud": 0.8},
    )
    make_engagement(session, client, description=PAYLOADS[4], date=date(2020, 1, 1))
    assessment = assess_client(session=session, client=client.id, actor="analyst")
    session.add(
        Decision(
            assessment_id=assessment.id,
            client_id=client.id,
            action=DecisionAction.ESCALATE,
            rationale=PAYLOADS[0],
            status=DecisionStatus.AWAITING_CONFIRMATION,
            maker=PAYLOADS[2][:90],
        )
    )
    session.commit()
    return client.external_ref


def _assert_inert(html: str) -> None:
    tree = tinyhtml5.parse(html)
    elements = list(tree.iter())
    names = {el.tag.rsplit("}", 1)[-1] for el in elements if isinstance(el.tag, str)}
    assert "script" not in names
    assert not names & {"img", "iframe", "object", "embed", "form", "input", "foreignObject"}
    for el in elements:
        for attr, value in el.attrib.items():
            local = attr.rsplit("}", 1)[-1].lower()
            assert not local.startswith("on"), f"event handler {attr}={value!r} on {el.tag}"
            if local in ("href", "src", "action", "formaction", "xlink:href"):
                assert value.startswith(("http://", "https://")), f"{local}={value!r}"
    anchors = [el for el in elements if el.tag.endswith("}a")]
    assert {a.get("href") for a in anchors} == {'https://news.example/a?b="c"&d=<e>'}
    text = " ".join(tree.itertext())
    assert SCRIPT in text, "the payload must be shown as text, not dropped or run"
    assert "{{ 7*7 }}" in text, "template syntax in data must stay text"


def test_xss_payloads_are_inert_in_html(hostile: str, session: Session, tmp_path: Path) -> None:
    path, _ = render_client_report(session=session, client=hostile, reports_dir=tmp_path)
    html = path.read_text(encoding="utf-8")
    _assert_inert(html)
    style = html[html.index("<style>") : html.index("</style>")]
    assert "script" not in style and "alert" not in style


def test_xss_payloads_are_inert_in_roster_and_exposure(
    hostile: str, session: Session, tmp_path: Path
) -> None:
    for kind in ("roster", "exposure"):
        path, _ = render_roster_report(session=session, reports_dir=tmp_path, kind=kind)
        html = path.read_text(encoding="utf-8")
        tree = tinyhtml5.parse(html)
        assert not [el for el in tree.iter() if str(el.tag).endswith("}script")]
        if kind == "roster":
            assert SCRIPT in " ".join(tree.itertext())


def test_xss_report_renders_as_pdf_and_json(hostile: str, session: Session, tmp_path: Path) -> None:
    pdf, _ = render_client_report(
        session=session, client=hostile, fmt=ReportFormat.PDF, reports_dir=tmp_path
    )
    assert pdf.read_bytes().startswith(b"%PDF-")
    data = json.loads(
        render_client_report(
            session=session, client=hostile, fmt=ReportFormat.JSON, reports_dir=tmp_path
        )[0].read_text(encoding="utf-8")
    )
    assert data["subject"]["website"] is None
    urls = {s["url"] for items in data["adverse_media"].values() for s in items}
    assert urls == {None, 'https://news.example/a?b="c"&d=<e>'}


@pytest.mark.parametrize("url", BAD_URLS)
def test_only_http_urls_survive(url: str) -> None:
    assert safe_url(url) is None


def test_http_urls_survive() -> None:
    assert safe_url(" https://example.com/x ") == "https://example.com/x"
    assert safe_url("HTTP://EXAMPLE.COM") == "HTTP://EXAMPLE.COM"


@pytest.mark.parametrize(
    "cell",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", ' =HYPERLINK("x")', "|cmd", "%0A"],
)
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert neutralise(cell).startswith("'")


def test_plain_cells_are_kept() -> None:
    assert neutralise("Annual licence renewal") == "Annual licence renewal"
    assert neutralise(None) == ""
    assert neutralise("2016-02-01") == "2016-02-01"


def test_exposure_csv_neutralises_formulas(case_session: Session, tmp_path: Path) -> None:
    path, _ = render_roster_report(
        session=case_session, fmt=ReportFormat.CSV, reports_dir=tmp_path, kind="exposure"
    )
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows and {r["client"] for r in rows} == {"CS-BACKPAGE"}
    formula = [r for r in rows if "HYPERLINK" in r["description"]]
    assert formula and formula[0]["description"].startswith("'=HYPERLINK")
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


def test_csv_only_for_exposure(case_session: Session, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        render_client_report(
            session=case_session, client="CS-BACKPAGE", fmt=ReportFormat.CSV, reports_dir=tmp_path
        )


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "/etc/passwd", "..", "a/../../b", "..\\..\\win.ini", ".hidden", ""],
)
def test_file_names_cannot_escape(name: str, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    path = report_path(folder, name)
    assert path.parent == folder.resolve()
    assert not path.name.startswith(".")
    assert "/" not in safe_filename(name) and ".." not in safe_filename(name)


def test_hostile_reference_stays_in_the_reports_folder(session: Session, tmp_path: Path) -> None:
    client = make_client(session, external_ref="../../../tmp/owned")
    make_engagement(session, client, kind=EngagementKind.CONTRACT)
    assess_client(
        session=session, client=client.id
    )  # a report reads an assessment, never makes one
    session.commit()
    folder = tmp_path / "reports"
    path, _ = render_client_report(session=session, client=client.external_ref, reports_dir=folder)
    assert path.parent == folder.resolve()
    assert path.is_file()
