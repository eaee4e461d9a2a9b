"""One canonical JSON (RFC 8785) for every hash, and the legacy scheme still verifying."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from duediligence.audit.trail import (
    GENESIS_HASH,
    event_hash,
    payload_digest,
    record_event,
    verify_chain,
)
from duediligence.db.models import AuditEvent
from duediligence.jsonutil import (
    HASH_SCHEME_LEGACY,
    HASH_SCHEME_RFC8785,
    canonical_bytes,
    legacy_json_bytes,
    sha256_bytes,
)


def test_rfc8785_examples() -> None:
    # RFC 8785 section 3.2.2/3.2.3: ECMAScript numbers, sorted keys, minimal escapes.
    value = {
        "numbers": [333333333.33333329, 1e30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": '€$\u000f\nA\'B"\\\\"/',
        "literals": [None, True, False],
    }
    assert canonical_bytes(value) == (
        b'{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        b'"string":"\xe2\x82\xac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    # keys sort by UTF-16 code units: U+1F600 (a surrogate pair, 0xD83D...) sorts before U+FB01
    assert canonical_bytes({"\ufb01": 1, "\U0001f600": 2}).decode() == '{"😀":2,"ﬁ":1}'
    assert canonical_bytes({"a": 1.0, "b": -0.0}) == b'{"a":1,"b":0}'


def test_not_representable_values_are_refused() -> None:
    with pytest.raises(ValueError):
        canonical_bytes({"x": float("nan")})
    with pytest.raises(ValueError):
        canonical_bytes({"x": 2**53})


# JSON without floats, with BMP-only keys and integers inside the exact range (text is valid
# Unicode: a lone surrogate cannot be encoded to UTF-8 under either scheme).
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)))
_key = st.text(alphabet=st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs",)))
_plain = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1) | _text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_key, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_plain)
def test_legacy_and_rfc8785_agree_without_floats(value: Any) -> None:
    """Why most stored hashes are unchanged: ids, strings, dates (as strings) and lists of
    them encode to the same bytes under both schemes (assessment input hashes, list-entity
    content hashes, screening query hashes, every audit event's outer hash)."""
    assert canonical_bytes(value) == legacy_json_bytes(value)


def test_floats_differ_between_schemes() -> None:
    assert legacy_json_bytes({"p": 1.0}) == b'{"p":1.0}'
    assert canonical_bytes({"p": 1.0}) == b'{"p":1}'
    assert payload_digest({"p": 1.0}, HASH_SCHEME_LEGACY) != payload_digest({"p": 1.0})


def _legacy_row(sequence: int, prev: str, after: Any) -> dict[str, Any]:
    """An event as the previous version stored it: no scheme in the hash, json.dumps bytes."""
    moment = datetime(2026, 1, 1, 12, 0, sequence, tzinfo=UTC)
    outer = {
        "sequence": sequence,
        "occurred_at": moment.isoformat(timespec="microseconds"),
        "actor": "old",
        "action": "assessment.created",
        "object_type": "assessment",
        "object_id": str(sequence),
        "client_id": None,
        "before_sha256": sha256_bytes(json.dumps(None).encode()),
        "after_sha256": sha256_bytes(
            json.dumps(after, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        ),
        "prev_hash": prev,
    }
    digest = sha256_bytes(
        json.dumps(outer, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )
    return {
        "sequence": sequence,
        "occurred_at": moment,
        "actor": "old",
        "action": "assessment.created",
        "object_type": "assessment",
        "object_id": str(sequence),
        "client_id": None,
        "before": None,
        "after": after,
        "prev_hash": prev,
        "hash": digest,
        "hash_scheme": HASH_SCHEME_LEGACY,
    }


def test_events_stored_before_rfc8785_still_verify(session: Session) -> None:
    """A database from the previous version (events hashed with json.dumps, floats as 1.0)
    verifies; events appended now use RFC 8785 and chain onto it; flipping an event's scheme
    breaks it."""
    first = _legacy_row(1, GENESIS_HASH, {"tier": "high", "probability": 1.0, "run_id": None})
    second = _legacy_row(2, first["hash"], {"tier": "low", "probability": 0.25, "n": 3})
    session.execute(insert(AuditEvent), [first, second])
    new = record_event(
        session=session, actor="new", action="test.added", object_type="test", after={"p": 1.0}
    )
    session.commit()
    assert new.hash_scheme == HASH_SCHEME_RFC8785 and new.prev_hash == second["hash"]
    assert new.hash == event_hash(
        sequence=3,
        occurred_at=new.occurred_at,
        actor="new",
        action="test.added",
        object_type="test",
        object_id=None,
        client_id=None,
        before=None,
        after={"p": 1.0},
        prev_hash=second["hash"],
    )
    report = verify_chain(session=session)
    assert report.ok and report.count == 3
    session.execute(update(AuditEvent).where(AuditEvent.sequence == 1).values(hash_scheme=2))
    session.commit()
    broken = verify_chain(session=session)
    assert broken.problem is not None and broken.problem.sequence == 1
    assert session.scalar(select(AuditEvent.hash_scheme).where(AuditEvent.sequence == 3)) == 2
