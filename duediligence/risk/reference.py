"""Reference data kept as files in the package: jurisdiction lists (dated), industry and product
risk, tier thresholds. An as-of date uses the jurisdiction lists in force on that date."""

from __future__ import annotations

import csv
import functools
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from duediligence.errors import ConfigError
from duediligence.vocabulary import industry_risks


@dataclass(frozen=True)
class Listing:
    """A country on a list between two dates (``until`` None: still listed)."""

    country: str
    list: str
    since: date
    until: date | None

    def in_force(self, as_of: date) -> bool:
        """Whether the listing applied on ``as_of``."""
        return self.since <= as_of and (self.until is None or as_of < self.until)


def _data(name: str) -> str:
    return resources.files("duediligence.risk").joinpath("data", name).read_text("utf-8")


@functools.cache
def listings() -> tuple[Listing, ...]:
    """Every dated jurisdiction listing."""
    rows = csv.DictReader(_data("jurisdictions.csv").splitlines())
    return tuple(
        Listing(
            r["country"],
            r["list"],
            date.fromisoformat(r["listed_from"]),
            date.fromisoformat(r["listed_to"]) if r["listed_to"] else None,
        )
        for r in rows
    )


def lists_for(country: str | None, as_of: date) -> set[str]:
    """The lists ``country`` was on at ``as_of``."""
    if not country:
        return set()
    return {item.list for item in listings() if item.country == country and item.in_force(as_of)}


@functools.cache
def _table(name: str) -> dict[str, float]:
    return {r[next(iter(r))]: float(r["risk"]) for r in csv.DictReader(_data(name).splitlines())}


def industry_risk(industry: str | None) -> float | None:
    """Risk of a line of business in [0, 1]; None when it is not on file or not in the table."""
    return industry_risks().get(industry) if industry else None


def product_risk(product: str) -> float:
    """Risk in [0, 1] of selling ``product`` to a risky client."""
    return _table("products.csv").get(product, 0.3)


@functools.cache
def _thresholds(path: str | None) -> tuple[float, float]:
    try:
        text = Path(path).read_text("utf-8") if path else _data("tiers.toml")
        data = tomllib.loads(text)["thresholds"]
        medium, high = float(data["medium"]), float(data["high"])
    except (OSError, KeyError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"tier thresholds {path or 'tiers.toml'}: {exc}") from None
    if not 0 < medium < high < 1:
        raise ConfigError(f"tier thresholds must satisfy 0 < medium < high < 1 ({path})")
    return medium, high


def tier_thresholds() -> tuple[float, float]:
    """``(medium, high)`` probability thresholds (``DD_TIERS_FILE`` overrides the default)."""
    from duediligence.config import get_settings

    path = get_settings().tiers_file
    return _thresholds(str(path) if path else None)
