"""Render one signed PDF report in a fresh process (used by test_reproducible_pdf).

    python -m tests.reporting.pdf_child CONTEXT.json KEYS_DIR OUT.pdf SUBSETTER [--unpinned]

SUBSETTER ``fonttools`` forces WeasyPrint's fontTools fallback (as when libharfbuzz-subset is
missing); ``harfbuzz`` keeps HarfBuzz-Subset. ``--unpinned`` makes fontTools stamp the real time
into fonts again (what happens without SOURCE_DATE_EPOCH): the control that shows the test can
fail.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path


def main() -> None:
    context, keys_dir, out, subsetter = sys.argv[1:5]
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    import weasyprint.pdf.fonts

    if subsetter == "fonttools":
        weasyprint.pdf.fonts.harfbuzz_subset = None
    if "--unpinned" in sys.argv:
        from fontTools.misc import timeTools
        from fontTools.ttLib.tables import _h_e_a_d

        _h_e_a_d.timestampNow = lambda: int(time.time() - timeTools.epoch_diff)  # type: ignore[attr-defined]

    from duediligence.db.enums import ReportFormat
    from duediligence.keys import load_signer
    from duediligence.reporting.render import render_bytes

    ctx = json.loads(Path(context).read_text(encoding="utf-8"))
    data = render_bytes("client", ReportFormat.PDF, ctx, load_signer(Path(keys_dir)))
    Path(out).write_bytes(data)


if __name__ == "__main__":
    main()
