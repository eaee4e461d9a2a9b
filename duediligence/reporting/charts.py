"""Charts as small, self-contained inline SVG.

The charts are drawn by this module rather than matplotlib: a matplotlib figure took about
45 ms to draw here, two per client report, which alone capped report rendering far below the
50 reports/s target; these writers take well under a millisecond. They are deterministic (no
ids, no timestamps, fixed number formatting), so a re-rendered report has the same bytes, and
every piece of text is XML-escaped, so nothing from the data can inject markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from typing import Any

TIER_COLOURS = {"low": "#2e7d32", "medium": "#e0a800", "high": "#c62828", "prohibited": "#4a148c"}
TIERS = ("low", "medium", "high", "prohibited")
INK = "#1d2733"
MUTED = "#5f6b7a"
GRID = "#d9dee5"
FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"'


def _f(value: float) -> str:
    """A coordinate with at most one decimal (stable text, small files)."""
    text = f"{value:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = 11,
    anchor: str = "start",
    fill: str = INK,
    weight: str = "normal",
) -> str:
    bold = ' font-weight="bold"' if weight == "bold" else ""
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}"{bold}>{escape(content)}</text>'
    )


def _svg(width: float, height: float, title: str, body: Sequence[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(width)} {_f(height)}" '
        f'width="{_f(width)}" height="{_f(height)}" role="img" {FONT}>'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def contribution_chart(factors: list[dict[str, Any]]) -> str:
    """Horizontal bars: each factor's contribution to the log-odds of escalation."""
    if not factors:
        return ""
    width, label_w, row = 680.0, 300.0, 26.0
    top, bottom = 8.0, 34.0
    values = [float(f["contribution"]) for f in factors]
    lo, hi = min(0.0, *values), max(0.0, *values)
    span = (hi - lo) or 1.0
    plot_w = width - label_w - 60

    def x_of(v: float) -> float:
        return label_w + (v - lo) / span * plot_w

    height = top + row * len(factors) + bottom
    body: list[str] = []
    zero = x_of(0.0)
    for i, (factor, value) in enumerate(zip(factors, values, strict=True)):
        y = top + i * row
        x0, x1 = sorted((zero, x_of(value)))
        colour = TIER_COLOURS["high"] if value > 0 else TIER_COLOURS["low"]
        body.append(
            f'<rect x="{_f(x0)}" y="{_f(y + 5)}" width="{_f(max(x1 - x0, 1))}" '
            f'height="{_f(row - 10)}" fill="{colour}"/>'
        )
        body.append(
            _text(
                label_w - 8,
                y + row / 2 + 4,
                _truncate(str(factor["label"]), 52),
                size=10,
                anchor="end",
            )
        )
        body.append(_text(x1 + 5, y + row / 2 + 4, f"{value:+.2f}", size=10, fill=MUTED))
    axis_y = top + row * len(factors)
    body.append(
        f'<line x1="{_f(zero)}" y1="{_f(top)}" x2="{_f(zero)}" y2="{_f(axis_y)}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    body.append(
        _text(
            label_w + plot_w / 2,
            axis_y + 22,
            "contribution to the log-odds of escalation (longer bar = more weight)",
            size=10,
            anchor="middle",
            fill=MUTED,
        )
    )
    return _svg(width, height, "Contribution of each risk factor", body)


def _year_ticks(start: date, end: date) -> list[int]:
    years = list(range(start.year + (start.month > 1 or start.day > 1), end.year + 1))
    step = 1
    while len(years[::step]) > 12:
        step += 1
    return years[::step]


def timeline_chart(
    timeline: list[dict[str, Any]],
    signals: list[dict[str, Any]],
    engagements: list[dict[str, Any]],
    crossed: date | None,
    as_of: date | None = None,
    crossed_tier: str = "high",
) -> str:
    """Signals and the vendor's engagements on one time axis, with the risk tier over time.

    ``timeline`` holds ``{"date", "tier"}`` points (the tier from that date on), ``signals``
    ``{"published_at", "adverse"}``, ``engagements`` ``{"date"}``; ``crossed`` is the date the
    client first reached high risk or above, and ``crossed_tier`` the tier it reached then
    (``high`` or ``prohibited``: the marker says "prohibited risk from …" in that tier's
    colour, as the report's sentence does, not "high risk").
    """
    if not (timeline or signals or engagements):
        return ""
    dates = [t["date"] for t in timeline] + [s["published_at"] for s in signals]
    dates += [e["date"] for e in engagements] + ([as_of] if as_of else [])
    dates = [d for d in dates if d is not None]
    if not dates:
        return ""
    start, end = min(dates), max(dates)
    start = date(start.year, 1, 1)
    end = date(end.year + 1, 1, 1)
    width, left, right = 680.0, 130.0, 16.0
    plot_w = width - left - right
    total = (end - start).days or 1

    def x_of(d: date) -> float:
        return left + (d - start).days / total * plot_w

    band_y, sig_y, eng_y, axis_y = 30.0, 70.0, 108.0, 128.0
    height = 182.0
    body: list[str] = []
    # tier band: the tier the public record supported from each change date to the next
    body.append(_text(left - 8, band_y + 12, "risk tier", anchor="end", fill=MUTED))
    body.append(
        f'<rect x="{_f(left)}" y="{_f(band_y)}" width="{_f(plot_w)}" height="16" fill="#eef1f4"/>'
    )
    points = sorted(timeline, key=lambda t: t["date"])
    for i, point in enumerate(points):
        stop = points[i + 1]["date"] if i + 1 < len(points) else (as_of or end)
        x0, x1 = x_of(point["date"]), x_of(max(stop, point["date"]))
        body.append(
            f'<rect x="{_f(x0)}" y="{_f(band_y)}" width="{_f(max(x1 - x0, 1.5))}" height="16" '
            f'fill="{TIER_COLOURS.get(point["tier"], "#999")}"/>'
        )
    # rows
    for y, label in ((sig_y, "public signals"), (eng_y, "vendor engagements")):
        body.append(_text(left - 8, y + 4, label, anchor="end", fill=MUTED))
        body.append(
            f'<line x1="{_f(left)}" y1="{_f(y)}" x2="{_f(width - right)}" y2="{_f(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
    for s in sorted(signals, key=lambda s: (not s.get("adverse"), s["published_at"])):
        x = x_of(s["published_at"])
        colour = TIER_COLOURS["high"] if s.get("adverse") else "#90a4ae"
        size = 6.0 if s.get("adverse") else 4.5
        body.append(
            f'<path d="M{_f(x - size)} {_f(sig_y - size)}L{_f(x + size)} {_f(sig_y - size)}'
            f'L{_f(x)} {_f(sig_y + size)}Z" fill="{colour}" fill-opacity="0.85"/>'
        )
    for e in engagements:
        x = x_of(e["date"])
        body.append(
            f'<rect x="{_f(x - 4)}" y="{_f(eng_y - 4)}" width="8" height="8" '
            f'fill="#1565c0" fill-opacity="0.8"/>'
        )
    # axis with year ticks
    body.append(
        f'<line x1="{_f(left)}" y1="{_f(axis_y)}" x2="{_f(width - right)}" y2="{_f(axis_y)}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    for year in _year_ticks(start, end):
        x = x_of(date(year, 1, 1))
        body.append(
            f'<line x1="{_f(x)}" y1="{_f(axis_y)}" x2="{_f(x)}" y2="{_f(axis_y + 4)}" '
            f'stroke="{INK}" stroke-width="1"/>'
        )
        body.append(_text(x, axis_y + 16, str(year), size=10, anchor="middle", fill=MUTED))
    if crossed is not None:
        x = x_of(crossed)
        marker = TIER_COLOURS.get(crossed_tier, TIER_COLOURS["high"])
        body.append(
            f'<line x1="{_f(x)}" y1="{_f(band_y - 6)}" x2="{_f(x)}" y2="{_f(axis_y)}" '
            f'stroke="{marker}" stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
        label = f"{crossed_tier} risk from {crossed.isoformat()}"
        anchor = "start" if x < left + plot_w * 0.7 else "end"
        body.append(
            _text(
                x + (4 if anchor == "start" else -4),
                band_y - 10,
                label,
                size=11,
                anchor=anchor,
                fill=marker,
                weight="bold",
            )
        )
    # legend
    ly = height - 14
    items: list[tuple[str, str]] = [
        ("tri:" + TIER_COLOURS["high"], "adverse signal"),
        ("tri:#90a4ae", "other signal"),
        ("sq:#1565c0", "engagement"),
    ] + [("band:" + TIER_COLOURS[t], t) for t in TIERS]
    x = left
    for shape, label in items:
        kind, colour = shape.split(":", 1)
        if kind == "tri":
            body.append(
                f'<path d="M{_f(x)} {_f(ly - 9)}L{_f(x + 10)} {_f(ly - 9)}L{_f(x + 5)} {_f(ly)}Z" '
                f'fill="{colour}"/>'
            )
        elif kind == "sq":
            body.append(
                f'<rect x="{_f(x + 1)}" y="{_f(ly - 8)}" width="8" height="8" fill="{colour}"/>'
            )
        else:
            body.append(
                f'<rect x="{_f(x)}" y="{_f(ly - 9)}" width="12" height="9" fill="{colour}"/>'
            )
        body.append(_text(x + 15, ly, label, size=10, fill=MUTED))
        x += 15 + 6.2 * len(label) + 14
    return _svg(width, height, "Public signals, vendor engagements and risk tier over time", body)


def tier_chart(counts: dict[str, int]) -> str:
    """Bar chart of the tier distribution, with the count on each bar."""
    width, height, left, top, bottom = 520.0, 190.0, 40.0, 20.0, 30.0
    plot_h = height - top - bottom
    slot = (width - left - 10) / len(TIERS)
    peak = max([counts.get(t, 0) for t in TIERS] + [1])
    body: list[str] = [
        f'<line x1="{_f(left)}" y1="{_f(height - bottom)}" x2="{_f(width - 10)}" '
        f'y2="{_f(height - bottom)}" stroke="{INK}" stroke-width="1"/>'
    ]
    for i, tier in enumerate(TIERS):
        n = counts.get(tier, 0)
        h = n / peak * (plot_h - 14)
        x = left + i * slot + slot * 0.2
        y = height - bottom - h
        body.append(
            f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(slot * 0.6)}" height="{_f(max(h, 0.5))}" '
            f'fill="{TIER_COLOURS[tier]}"/>'
        )
        body.append(_text(x + slot * 0.3, y - 4, f"{n:,}", size=11, anchor="middle"))
        body.append(
            _text(x + slot * 0.3, height - bottom + 16, tier, size=11, anchor="middle", fill=MUTED)
        )
    return _svg(width, height, "Clients by risk tier", body)
