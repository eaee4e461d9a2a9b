"""Roster re-scoring: durable runs of chunks, incremental change detection, a lease, workers.

Example::

    from duediligence.batch import RescoreOptions, rescore
    summary = rescore(engine, RescoreOptions(workers=2))
    print(summary.clients_scored, summary.tier_changes, summary.exit_code)
"""

from duediligence.batch.alerts import TierAlert, TierChanges, tier_changes, write_alerts
from duediligence.batch.detect import CHANGE_KINDS, ChangeSet, detect_changes
from duediligence.batch.lease import acquire_lease, release_lease, renew_lease
from duediligence.batch.runner import (
    LEASE_NAME,
    JoinSummary,
    RescoreOptions,
    RescoreSummary,
    join_run,
    rescore,
)

__all__ = [
    "CHANGE_KINDS",
    "LEASE_NAME",
    "ChangeSet",
    "JoinSummary",
    "RescoreOptions",
    "RescoreSummary",
    "TierAlert",
    "TierChanges",
    "acquire_lease",
    "detect_changes",
    "join_run",
    "release_lease",
    "renew_lease",
    "rescore",
    "tier_changes",
    "write_alerts",
]
