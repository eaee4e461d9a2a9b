"""Every script in the PDF: names in Latin, Cyrillic, Greek, Arabic, Hebrew, CJK and emoji are
in the PDF's text layer and drawn with fonts the stylesheet names; a character no font covers
is logged and noted in the report's footer."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from sqlalchemy.orm import Session

from duediligence.db.enums import ReportFormat
from duediligence.reporting.fonts import (
    FALLBACK_FONTS,
    REPORT_FONT_STACK,
    REPORT_MONO_FONT_STACK,
    SCRIPT_FONTS,
    checked_pdf,
)
from duediligence.reporting.render import render_client_report, render_pdf
from duediligence.risk import assess_client
from tests.factories import make_client, make_party

# One name per script, and the family of the stylesheet that must draw it.
NAMES = {
    "Latin": ("Société Générale Ærø Łódź", "Noto Sans"),
    "Cyrillic": ("Аркадий Ротенберг", "Noto Sans"),
    "Greek": ("Ελληνική Ναυτιλιακή Εταιρεία", "Noto Sans"),
    "Arabic": ("شركة النفط العربية", "Noto Sans Arabic"),
    "Hebrew": ("חברת הספנות הישראלית", "Noto Sans Hebrew"),
    "Chinese": ("中国石油天然气集团", "Noto Sans CJK SC"),
    "Japanese": ("株式会社みずほ", "Noto Sans CJK SC"),
    "Korean": ("삼성물산 주식회사", "Noto Sans CJK SC"),
    "emoji": ("Flag Trading 🚩🔥", "Noto Color Emoji"),
}


def _installed(family: str) -> bool:
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    return any(family in line.split(",") for line in listed.splitlines())


@pytest.fixture
def noto_fonts() -> None:
    """The Noto fonts the stylesheet names (``.ci/run`` installs them); skip without them."""
    missing = [f for f in SCRIPT_FONTS.values() if not _installed(f)]
    if missing:
        pytest.skip(f"fonts not installed: {', '.join(missing)} (see README, PDF fonts)")


STYLES = {"Bold", "Italic", "Oblique", "Regular"}


def _family(base_font: str) -> str:
    """``ABCDEF+Noto-Sans-Bold`` -> ``Noto Sans`` (subset tag and style words dropped)."""
    words = base_font.lstrip("/").split("+", 1)[-1].split("-")
    while len(words) > 1 and words[-1] in STYLES:
        words.pop()
    return " ".join(words)


def _pdf_text_and_fonts(data: bytes) -> tuple[str, set[str]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    # pypdf puts NULs between characters of a font that holds a .notdef glyph; drop them
    text = "\n".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(_family(str(font.get_object()["/BaseFont"])))
    return text, fonts


def _runs(data: bytes) -> list[tuple[str, str]]:
    """``(font, text)`` of every text run of the PDF."""
    runs: list[tuple[str, str]] = []

    def visit(text: str, _cm: object, _tm: object, font: object, _size: object) -> None:
        if font is not None and text.strip():
            runs.append((str(font.get("/BaseFont")), text))  # type: ignore[attr-defined]

    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return runs


def test_stylesheet_names_a_font_for_every_script() -> None:
    assert set(SCRIPT_FONTS.values()) <= set(REPORT_FONT_STACK) | set(FALLBACK_FONTS)
    assert set(SCRIPT_FONTS) >= {
        "Latin, Cyrillic, Greek",
        "Arabic",
        "Hebrew",
        "CJK (Chinese, Japanese, Korean)",
        "emoji",
    }


def test_client_with_names_in_every_script_renders_them_all(
    session: Session, tmp_path: Path, noto_fonts: None, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(
        session,
        name=NAMES["Latin"][0],
        aliases=[
            NAMES[script][0] for script in ("Cyrillic", "Greek", "Arabic", "Chinese", "emoji")
        ],
    )
    for script in ("Hebrew", "Japanese", "Korean"):
        make_party(session, client, name=NAMES[script][0])
    session.commit()
    assess_client(session=session, client=client.external_ref, actor="analyst")
    with caplog.at_level(logging.WARNING):
        path, _ = render_client_report(
            session=session, client=client.external_ref, fmt=ReportFormat.PDF, reports_dir=tmp_path
        )
    data = path.read_bytes()
    text, fonts = _pdf_text_and_fonts(data)
    for script, (name, family) in NAMES.items():
        assert name in text, f"{script} name {name!r} is not in the PDF text layer"
        assert family in fonts, f"{script} needs {family}; the PDF embeds {sorted(fonts)}"
    # every embedded font is one the stylesheet names, or the emoji font (no stray fallback)
    assert fonts <= set(REPORT_FONT_STACK) | set(REPORT_MONO_FONT_STACK) | set(FALLBACK_FONTS)
    # digits are drawn with the text font, never with the colour emoji font
    assert not [t for f, t in _runs(data) if "Emoji" in f and any(c.isdigit() for c in t)]
    assert "no glyph" not in text
    assert not [r for r in caplog.records if "no glyph" in r.getMessage()]


def test_a_character_no_font_covers_is_logged_and_noted_in_the_footer(
    session: Session, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # U+0378 is unassigned: no font has a glyph for it, on any machine.
    client = make_client(session, name="Acme \u0378 Holdings")
    session.commit()
    assess_client(session=session, client=client.external_ref, actor="analyst")
    with caplog.at_level(logging.WARNING, logger="duediligence"):
        path, _ = render_client_report(
            session=session, client=client.external_ref, fmt=ReportFormat.PDF, reports_dir=tmp_path
        )
    text, _fonts = _pdf_text_and_fonts(path.read_bytes())
    assert "no glyph in the fonts embedded" in " ".join(text.split())
    assert "U+0378" in text
    warnings = [r.getMessage() for r in caplog.records if r.name == "duediligence.reporting.fonts"]
    assert warnings and "U+0378" in warnings[0]


def test_covered_text_renders_once_without_a_note() -> None:
    calls: list[str | None] = []

    def html_for(note: str | None) -> str:
        calls.append(note)
        return f"<html><body><p>Plain text {note or ''}</p></body></html>"

    assert checked_pdf(html_for, render_pdf).startswith(b"%PDF-")
    assert calls == [None]
