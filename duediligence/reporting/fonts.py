"""Fonts of the PDF reports, and the check that every character was drawn with one.

The report stylesheet (``templates/base.html``) names :data:`REPORT_FONT_STACK`: Noto fonts
covering Latin, Cyrillic, Greek, Arabic, Hebrew and CJK (Chinese, Japanese, Korean), from
Debian's ``fonts-noto-core`` and ``fonts-noto-cjk``, then DejaVu Sans. Emoji come from
``fonts-noto-color-emoji`` (Noto Color Emoji) through fontconfig's fallback, on purpose *not*
named in ``font-family``: with WeasyPrint 70 on Pango 1.50, naming a colour emoji font anywhere
in the list makes Pango draw every run of digits with it (wide emoji digits, "2 0 2 6"). All of
them are installed by ``.ci/run`` (see the README). WeasyPrint embeds the fonts it draws with;
Pango may also fall back to any other installed font.

A character that no installed font covers is drawn as an empty box (``.notdef``), which in a
compliance report can hide a name. WeasyPrint logs each one; :func:`checked_pdf` collects them
while rendering, logs a warning naming the code points and renders once more with a note in
the report's footer saying which characters could not be shown.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

# Which family of the stylesheet covers which scripts (README "PDF fonts" and the font test).
SCRIPT_FONTS: dict[str, str] = {
    "Latin, Cyrillic, Greek": "Noto Sans",
    "Arabic": "Noto Sans Arabic",
    "Hebrew": "Noto Sans Hebrew",
    "CJK (Chinese, Japanese, Korean)": "Noto Sans CJK SC",
    "emoji": "Noto Color Emoji",  # by fontconfig fallback, see above
}
REPORT_FONT_STACK: tuple[str, ...] = (
    "Noto Sans",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "DejaVu Sans",
    "Noto Sans CJK SC",
)
FALLBACK_FONTS: tuple[str, ...] = ("Noto Color Emoji",)
REPORT_MONO_FONT_STACK: tuple[str, ...] = ("DejaVu Sans Mono", "Noto Sans Mono CJK SC")


def font_family_css(stack: tuple[str, ...] = REPORT_FONT_STACK, generic: str = "sans-serif") -> str:
    """``stack`` as a CSS ``font-family`` value (quoted names, then the generic family)."""
    return ", ".join([*(f'"{name}"' for name in stack), generic])


# WeasyPrint's warning for a glyph no font has (weasyprint/draw/text.py).
_NOTDEF_MESSAGE = ".notdef glyph rendered"
SHOWN_MAX = 12


class _NotdefCollector(logging.Handler):
    """Collects the code points WeasyPrint drew as ``.notdef`` in one thread."""

    def __init__(self, thread_id: int) -> None:
        super().__init__(logging.WARNING)
        self.thread_id = thread_id
        self.codepoints: set[int] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread_id or not str(record.msg).startswith(_NOTDEF_MESSAGE):
            return
        args = record.args if isinstance(record.args, tuple) else ()
        codepoint = next((a for a in args if isinstance(a, int)), None)
        if codepoint is not None:
            self.codepoints.add(codepoint)


@contextmanager
def uncovered_characters() -> Iterator[set[int]]:
    """Yield a set that fills, while the block renders a PDF in this thread, with the code
    points drawn as empty boxes because no installed font covers them."""
    logger = logging.getLogger("weasyprint")
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    collector = _NotdefCollector(threading.get_ident())
    logger.addHandler(collector)
    try:
        yield collector.codepoints
    finally:
        logger.removeHandler(collector)


def coverage_note(codepoints: set[int]) -> str:
    """The footer note for characters no embedded font covers (code points only: the
    characters themselves would be boxes again)."""
    shown = ", ".join(f"U+{c:04X}" for c in sorted(codepoints)[:SHOWN_MAX])
    more = f" and {len(codepoints) - SHOWN_MAX} more" if len(codepoints) > SHOWN_MAX else ""
    return (
        f"{len(codepoints)} character(s) of this report have no glyph in the fonts embedded "
        f"in this PDF and show as empty boxes: {shown}{more}. The HTML and JSON versions of "
        "the report hold the exact text; install the fonts named in the README (PDF fonts)."
    )


def checked_pdf(html_for: Callable[[str | None], str], to_pdf: Callable[[str], bytes]) -> bytes:
    """PDF bytes of ``to_pdf(html_for(None))``; when that drew characters no font covers, a
    warning is logged and the PDF is rendered again from ``html_for(note)`` so the report's
    footer says which (``note`` from :func:`coverage_note`)."""
    with uncovered_characters() as missing:
        pdf = to_pdf(html_for(None))
    if not missing:
        return pdf
    note = coverage_note(missing)
    log.warning("PDF report: %s", note)
    return to_pdf(html_for(note))
