"""What happens to signals after they are stored: classification and linking to clients.

Both steps are optional at this layer: classification needs an active adverse-media model and
linking needs clients; either is skipped (with a log line) when its prerequisite is missing.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from duediligence.errors import NotFoundError

log = logging.getLogger(__name__)


def enrich_signals(session: Session, signal_ids: list[int], *, actor: str | None) -> None:
    """Classify and link the given freshly stored signals (no-op steps log why they skipped).

    Classification stores label, probabilities and model version on each signal; a model that
    fails verification (changed file, other scikit-learn) raises and the import is rolled back.
    """
    log.debug("enrich: %d new signals", len(signal_ids))
    from duediligence.signals.annotate import classify_signal_ids

    try:
        classify_signal_ids(session, signal_ids, actor=actor)
    except NotFoundError as exc:
        log.info("signals not classified: %s", exc)
