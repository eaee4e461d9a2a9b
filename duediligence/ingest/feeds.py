"""RSS and Atom feeds into signals, via feedparser, with every item accounted for.

Each item becomes one input record for :func:`~duediligence.ingest.roster.import_records`, or a
refusal with its reason; nothing is dropped silently:

- **Dates** follow the one date rule (:mod:`duediligence.ingest.dates`). An item whose own
  publication date is missing or unreadable is kept, dated by (first that is usable) its
  ``updated`` time, the feed's channel date, or the retrieval time, and flagged as estimated
  (``published_basis``); one whose date is refused by the rule (in the future, before 1900) is
  refused alone.
- **Text**: titles, descriptions and content are converted to plain text with ``html-text``
  (tags gone, entities decoded once, paragraphs kept); a ``text/plain`` title keeps its
  entities as written and loses only tag-like markup.
- **Links** are resolved against the item's, then the channel's base (``xml:base``, channel
  link, the feed's own URL) and kept only when they are absolute ``http(s)`` URLs.
"""

from __future__ import annotations

import calendar
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import html_text
from sqlalchemy.orm import Session

from duediligence.db.base import utcnow
from duediligence.db.enums import DateBasis, SignalKind
from duediligence.errors import InputError
from duediligence.files import require_file
from duediligence.ingest.dates import (
    DateRefused,
    PublicationTime,
    parse_time,
    publication_time,
    retrieval_estimate,
)
from duediligence.ingest.hostile import refuse_xml_declarations
from duediligence.ingest.readers import Record, RowError
from duediligence.ingest.roster import ImportResult, import_records
from duediligence.jsonutil import sha256_file

log = logging.getLogger(__name__)

TITLE_MAX = 1000
TITLE_FROM_TEXT = 200  # characters of the text used as the title of an untitled item
LINK_DROPPED = "link(s) dropped (not an absolute http(s) URL)"
TITLE_FROM_TEXT_NOTE = "title(s) taken from the item text (the item had none)"
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def plain_text(value: str | None, content_type: str | None = "text/html") -> str:
    """Plain text of a feed field: HTML (``content_type`` html/xhtml) through ``html-text``,
    so tags go, entities are decoded once and paragraphs stay (blank line between them);
    ``text/plain`` keeps its characters as written and loses only tag-like markup."""
    if not value:
        return ""
    if (content_type or "").lower() in _HTML_TYPES:
        text = html_text.extract_text(value)
    elif _TAG.search(value):
        # Escaping '&' first keeps every entity-looking sequence literal: nothing is decoded
        # twice, only the tags are taken out.
        text = html_text.extract_text(value.replace("&", "&amp;"))
    else:
        text = value
    lines = [" ".join(line.split()) for line in text.replace("\r", "").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def one_line(text: str) -> str:
    """Collapse whitespace (titles are one line)."""
    return " ".join(text.split())


def http_link(href: str | None, bases: list[str]) -> str | None:
    """``href`` resolved against the first absolute http(s) URL in ``bases``; ``None`` unless
    the result is an absolute ``http``/``https`` URL with a host (``javascript:``, ``data:``,
    ``mailto:``, ``file:`` and unresolvable relative links are not kept)."""
    if not href or not href.strip():
        return None
    url = href.strip()
    if not urlsplit(url).scheme:
        base = next((b for b in bases if _is_http(b)), None)
        if base is None:
            return None
        url = urljoin(base, url)
    return url[:2000] if _is_http(url) else None


def _is_http(url: str | None) -> bool:
    if not url:
        return False
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _detail_type(entry: Any, key: str) -> str | None:
    detail = entry.get(f"{key}_detail") or {}
    return detail.get("type") if isinstance(detail, dict) else None


def _own_time(raw: str | None, parsed: Any, *, now: datetime) -> PublicationTime | None:
    """The date rule on an item's date text; ``None`` when there is none or it is unreadable
    (feedparser's own parse, in UTC, is the second reader). Raises :class:`DateRefused` when
    it is readable but refused (future, before 1900)."""
    if not raw or not raw.strip():
        return None
    if parse_time(raw) is not None:
        return publication_time(raw, now=now)
    if parsed:
        moment = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
        found = publication_time(moment, now=now)
        return PublicationTime(found.utc_date, raw.strip()[:100], None, found.basis)
    return None


def _estimate(candidates: list[tuple[DateBasis, str | None]], now: datetime) -> PublicationTime:
    """The first usable of ``candidates`` as an estimate, else the retrieval time."""
    for basis, raw in candidates:
        try:
            found = _own_time(raw, None, now=now)
        except DateRefused as exc:
            log.info("feed date %r not used as an estimate: %s", raw, exc)
            continue
        if found is not None:
            return found.as_estimate(basis)
    return retrieval_estimate(now)


@dataclass
class FeedRead:
    """A parsed feed: one ``(location, record)`` per item and what was changed on kept items."""

    title: str
    records: list[tuple[str, Record]] = field(default_factory=list)
    notes: Counter[str] = field(default_factory=Counter)


MAX_FEED_BYTES = 50 << 20


def _feed_bytes(source: str, is_url: bool) -> bytes:
    """The feed's bytes (at most ``MAX_FEED_BYTES``) from a file or an http(s) URL, so the
    declarations check sees exactly what the parser will."""
    if is_url:
        import urllib.request

        try:
            with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310 - http(s) only
                data: bytes = response.read(MAX_FEED_BYTES + 1)
        except (OSError, ValueError) as exc:
            raise InputError(f"{source}: cannot fetch the feed ({exc})") from None
    else:
        path = Path(source)
        require_file(path, source)
        with path.open("rb") as handle:
            data = handle.read(MAX_FEED_BYTES + 1)
    if len(data) > MAX_FEED_BYTES:
        raise InputError(f"{source}: larger than {MAX_FEED_BYTES >> 20} MB; refusing it")
    return data


def read_feed(source: str, *, now: datetime) -> FeedRead:
    """Parse the feed at ``source`` (a path or an http(s) URL) into signal records.

    Every item yields ``("item N", record)``, or ``("item N", RowError)`` when it is refused:
    no title and no text, or a publication date the date rule refuses. ``now`` is the
    retrieval time. Raises :class:`InputError` when ``source`` is missing or not a feed."""
    is_url = _is_http(source)
    data = _feed_bytes(source, is_url)
    refuse_xml_declarations(data, source)
    parsed = feedparser.parse(
        data, response_headers={"content-location": source} if is_url else None
    )
    if parsed.bozo and not parsed.entries:
        raise InputError(f"{source}: not a readable RSS/Atom feed ({parsed.get('bozo_exception')})")
    channel = parsed.feed
    feed_title = one_line(plain_text(channel.get("title"), _detail_type(channel, "title")))
    read = FeedRead(title=feed_title or source)
    channel_bases = [
        (channel.get("title_detail") or {}).get("base") or "",
        channel.get("link") or "",
        parsed.get("href") or (source if is_url else ""),
    ]
    channel_dates = [
        (DateBasis.CHANNEL, channel.get("published")),
        (DateBasis.CHANNEL, channel.get("updated")),
    ]
    for n, entry in enumerate(parsed.entries, start=1):
        read.records.append((f"item {n}", _item(entry, read, channel_bases, channel_dates, now)))
    return read


def _item(
    entry: Any,
    read: FeedRead,
    channel_bases: list[str],
    channel_dates: list[tuple[DateBasis, str | None]],
    now: datetime,
) -> Record:
    title = one_line(plain_text(entry.get("title"), _detail_type(entry, "title")))
    contents = entry.get("content") or []
    body, body_type = (
        (contents[0].get("value"), contents[0].get("type"))
        if contents
        else (entry.get("summary"), _detail_type(entry, "summary"))
    )
    text = plain_text(body, body_type or "text/html")
    if not title:
        if not text:
            return RowError("title", "the item has no title and no text")
        title = one_line(text)[:TITLE_FROM_TEXT]
        read.notes[TITLE_FROM_TEXT_NOTE] += 1
    try:
        published = _own_time(entry.get("published"), entry.get("published_parsed"), now=now)
    except DateRefused as exc:
        return RowError("published_at", str(exc))
    if published is None:
        updated = entry.get("updated")
        candidates = (
            [] if updated == entry.get("published") else [(DateBasis.ITEM_UPDATED, updated)]
        )
        published = _estimate(candidates + channel_dates, now)
    item_bases = [
        (entry.get(f"{key}_detail") or {}).get("base") or "" for key in ("title", "summary")
    ] + [c.get("base") or "" for c in contents]
    href = entry.get("link")
    if entry.get("guidislink"):
        # No <link>: feedparser offers the RSS guid. It is a link only when it already is an
        # absolute http(s) URL; an id like "n3" is kept as signal_id, never made into a URL.
        link = href if _is_http(href) else None
    else:
        link = http_link(href, item_bases + channel_bases)
        if href and link is None:
            read.notes[LINK_DROPPED] += 1
    return {
        "signal_id": (entry.get("id") or "").strip()[:200] or None,
        "kind": SignalKind.NEWS.value,
        "title": title[:TITLE_MAX],
        "text": text or None,
        "source": read.title[:300],
        "url": link,
        "published_at": published,
        "retrieved_at": now,
    }


def import_feed(*, session: Session, source: str, actor: str | None) -> ImportResult:
    """Import a feed's items as unlinked news signals (de-duplicated like other signals).

    Items are refused one by one (``problems`` of the result, with their reasons) and the rest
    written; the result counts every item (``rows`` = new + unchanged + rejected), the dates
    estimated by kind (``date_bases``) and what was changed on kept items (``notes``). Raises
    :class:`InputError` when the feed is unreadable or has no items."""
    now = utcnow()
    read = read_feed(source, now=now)
    if not read.records:
        raise InputError(f"{source}: the feed has no items")
    path = Path(source)
    result = import_records(
        session=session,
        records=read.records,
        kind="signals",
        source=source,
        now=now,
        skip_invalid=True,
        actor=actor,
        audit_name=path.name if path.is_file() else source,
        audit_extra=lambda: {"sha256": sha256_file(path)} if path.is_file() else {},
    )
    result.unit = "items"
    result.notes = dict(sorted(read.notes.items()))
    return result
