"""Name matching, candidate index, screening and match review."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from duediligence.matching.compare import (
        DEFAULT_THRESHOLD,
        MATCHER_VERSION,
        NameMatch,
        compare_names,
    )
    from duediligence.matching.decisions import list_matches
    from duediligence.matching.linking import link_signals
    from duediligence.matching.screening import (
        FEATURES,
        Hit,
        HitFeature,
        parse_birth_date,
        screen,
        screen_batch,
        screen_clients,
        screen_entity,
    )

# Start-up time: importing any submodule runs this file first, so the names below are imported
# on first use (PEP 562 ``__getattr__``), not here: importing
# ``matching.compare`` must not import the watch-list loaders and FollowTheMoney.
_LAZY = {
    "DEFAULT_THRESHOLD": "duediligence.matching.compare",
    "MATCHER_VERSION": "duediligence.matching.compare",
    "NameMatch": "duediligence.matching.compare",
    "compare_names": "duediligence.matching.compare",
    "list_matches": "duediligence.matching.decisions",
    "link_signals": "duediligence.matching.linking",
    "FEATURES": "duediligence.matching.screening",
    "Hit": "duediligence.matching.screening",
    "HitFeature": "duediligence.matching.screening",
    "parse_birth_date": "duediligence.matching.screening",
    "screen_entity": "duediligence.matching.screening",
    "screen": "duediligence.matching.screening",
    "screen_batch": "duediligence.matching.screening",
    "screen_clients": "duediligence.matching.screening",
}

__all__ = [
    "DEFAULT_THRESHOLD",
    "FEATURES",
    "MATCHER_VERSION",
    "Hit",
    "HitFeature",
    "NameMatch",
    "compare_names",
    "link_signals",
    "list_matches",
    "parse_birth_date",
    "screen",
    "screen_batch",
    "screen_clients",
    "screen_entity",
]


def __getattr__(name: str) -> Any:
    """Import ``name`` from its submodule on first use (then it is a plain module attribute)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
