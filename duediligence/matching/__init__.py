"""Name matching, candidate index, screening and match review."""

from duediligence.matching.compare import (
    DEFAULT_THRESHOLD,
    MATCHER_VERSION,
    NameMatch,
    compare_names,
)
from duediligence.matching.decisions import list_matches
from duediligence.matching.linking import link_signals
from duediligence.matching.screening import Hit, screen, screen_batch, screen_clients

__all__ = [
    "DEFAULT_THRESHOLD",
    "MATCHER_VERSION",
    "Hit",
    "NameMatch",
    "compare_names",
    "link_signals",
    "list_matches",
    "screen",
    "screen_batch",
    "screen_clients",
]
