"""Charts as inline SVG (matplotlib, deterministic: fixed hash salt, no dates in metadata)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt

plt.rcParams.update(
    {
        "svg.hashsalt": "duediligence",
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)

TIER_COLOURS = {"low": "#2e7d32", "medium": "#f9a825", "high": "#c62828", "prohibited": "#4a148c"}


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog and doctype: inline in HTML


def contribution_chart(factors: list[dict[str, Any]]) -> str:
    """Horizontal bars: each factor's contribution to the log-odds."""
    if not factors:
        return ""
    labels = [f["label"] for f in factors][::-1]
    values = [f["contribution"] for f in factors][::-1]
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * len(factors) + 0.6))
    ax.barh(labels, values, color=["#c62828" if v > 0 else "#2e7d32" for v in values])
    ax.axvline(0, color="#555", linewidth=0.8)
    ax.set_xlabel("contribution to log-odds of escalation")
    return _svg(fig)


def timeline_chart(
    timeline: list[dict[str, Any]],
    signals: list[dict[str, Any]],
    engagements: list[dict[str, Any]],
    crossed: date | None,
) -> str:
    """Signals and the vendor's engagements on one time axis, with the high-risk line."""
    if not timeline and not engagements:
        return ""
    fig, ax = plt.subplots(figsize=(7.5, 2.6))
    if signals:
        ax.scatter(
            [s["published_at"] for s in signals],
            [1] * len(signals),
            marker="v",
            s=[40 if s.get("adverse") else 18 for s in signals],
            c=["#c62828" if s.get("adverse") else "#90a4ae" for s in signals],
            label="public signals",
            zorder=3,
        )
    if engagements:
        ax.scatter(
            [e["date"] for e in engagements],
            [0] * len(engagements),
            marker="s",
            s=22,
            c="#1565c0",
            label="vendor engagements",
            zorder=3,
        )
    for point in timeline:
        ax.axvspan(point["date"], point["date"], color=TIER_COLOURS.get(point["tier"], "#999"))
    if crossed:
        ax.axvline(mdates.date2num(crossed), color="#c62828", linestyle="--", linewidth=1.2)
        ax.annotate(
            f"high risk from {crossed.isoformat()}",
            (crossed, 1.35),
            color="#c62828",
            fontsize=8,
            ha="left",
        )
    ax.set_yticks([0, 1], ["engagements", "signals"])
    ax.set_ylim(-0.6, 1.7)
    ax.xaxis.set_major_locator(mdates.YearLocator(2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.legend(loc="upper left", fontsize=7, frameon=False, ncol=2)
    return _svg(fig)


def tier_chart(counts: dict[str, int]) -> str:
    """Bar chart of the tier distribution."""
    tiers = ["low", "medium", "high", "prohibited"]
    fig, ax = plt.subplots(figsize=(5, 2.2))
    ax.bar(tiers, [counts.get(t, 0) for t in tiers], color=[TIER_COLOURS[t] for t in tiers])
    ax.set_ylabel("clients")
    return _svg(fig)
