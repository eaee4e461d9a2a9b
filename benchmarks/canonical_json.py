"""Canonical JSON cost: RFC 8785 (rfc8785, what every hash now uses) beside the former
``json.dumps`` encoding, on the payloads hashed most often.

    python benchmarks/canonical_json.py [N]     # default 20,000 of each payload

- ``assessment event``: an ``assessment.created`` audit payload (one per client scored);
- ``inputs hash``: an assessment's inputs (one per client scored; 10 signals);
- ``audit outer``: the fields an event's chain hash covers (one per audit event).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from duediligence.jsonutil import canonical_bytes, legacy_json_bytes

PAYLOADS: dict[str, Any] = {
    "assessment event": {
        "as_of": "2026-11-25",
        "tier": "high",
        "probability": 0.9149063,
        "inputs_hash": "9f" * 32,
        "run_id": 12,
    },
    "inputs hash": {
        "client": 123456,
        "as_of": "2026-11-25",
        "profile": 3,
        "signals": [[1000 + i, "human_trafficking", "charge"] for i in range(10)],
        "matches": [17, 18],
        "engagements": ["contract", "custom_build", "consultation"],
        "model": "risk-de7cccec-sk191",
    },
    "audit outer": {
        "sequence": 1234567,
        "occurred_at": "2026-11-25T11:05:12.123456+00:00",
        "actor": "system",
        "action": "assessment.created",
        "object_type": "assessment",
        "object_id": "991",
        "client_id": 123456,
        "before_sha256": "ab" * 32,
        "after_sha256": "cd" * 32,
        "prev_hash": "ef" * 32,
        "hash_scheme": 2,
    },
}


def _per_call_us(encode: Callable[[Any], bytes], value: Any, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        encode(value)
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    print(f"{'payload':<18} {'json.dumps µs':>14} {'RFC 8785 µs':>12} {'ratio':>6}")
    for name, value in PAYLOADS.items():
        legacy = _per_call_us(legacy_json_bytes, value, n)
        jcs = _per_call_us(canonical_bytes, value, n)
        print(f"{name:<18} {legacy:>14.1f} {jcs:>12.1f} {jcs / legacy:>6.1f}")


if __name__ == "__main__":
    main()
