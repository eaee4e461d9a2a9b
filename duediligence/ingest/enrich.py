"""What happens to signals after they are stored: classification and linking to clients.

Both steps are optional at this layer: classification needs an active adverse-media model and
linking needs clients; either is skipped (with a log line) when its prerequisite is missing.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def enrich_signals(*, session: Session, signal_ids: list[int], actor: str | None) -> None:
    """Classify and link the given freshly stored signals (no-op steps log why they skipped)."""
    log.debug("enrich: %d new signals", len(signal_ids))
