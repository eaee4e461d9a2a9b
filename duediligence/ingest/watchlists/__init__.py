"""Sanctions and watch lists: parsers for OFAC, UN and FollowTheMoney, and the snapshot loader."""

from duediligence.ingest.watchlists.loader import (
    WatchlistImportResult,
    import_watchlist,
    list_watchlists,
)

__all__ = ["WatchlistImportResult", "import_watchlist", "list_watchlists"]
