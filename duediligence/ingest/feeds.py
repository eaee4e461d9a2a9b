"""RSS and Atom feeds into signals, via feedparser."""

from __future__ import annotations

import calendar
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import feedparser

from duediligence.db.enums import SignalKind
from duediligence.errors import InputError
from duediligence.ingest.roster import ImportResult, import_file
from duediligence.jsonutil import to_jsonable


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), UTC).date()
    return None


def feed_records(source: str) -> list[dict[str, Any]]:
    """Signals (as input records) for every dated item of the feed at ``source``."""
    is_url = source.startswith(("http://", "https://"))
    if not is_url and not Path(source).is_file():
        raise InputError(f"{source}: no such file")
    parsed = feedparser.parse(source)
    if parsed.bozo and not parsed.entries:
        raise InputError(f"{source}: not a readable RSS/Atom feed ({parsed.get('bozo_exception')})")
    feed_title = parsed.feed.get("title") or source
    records = []
    for entry in parsed.entries:
        title = (entry.get("title") or "").strip()
        published = _entry_date(entry)
        if not title or published is None:
            continue
        records.append(
            {
                "signal_id": entry.get("id") or None,
                "kind": SignalKind.NEWS.value,
                "title": title[:1000],
                "text": (entry.get("summary") or "").strip() or None,
                "source": str(feed_title)[:300],
                "url": entry.get("link") or None,
                "published_at": published.isoformat(),
            }
        )
    return records


def import_feed(session: Any, source: str, *, actor: str | None) -> ImportResult:
    """Import a feed's items as unlinked news signals (de-duplicated like other signals)."""
    import json

    records = feed_records(source)
    if not records:
        raise InputError(f"{source}: the feed has no dated items")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feed.jsonl"
        path.write_text(
            "\n".join(
                json.dumps(to_jsonable({k: v for k, v in r.items() if v is not None}))
                for r in records
            )
            + "\n",
            encoding="utf-8",
        )
        result = import_file(session, path, "signals", actor=actor)
    result.path = source
    return result
