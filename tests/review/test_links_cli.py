"""``duediligence signals links`` and ``signals link confirm|relink|reject`` end to end."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.enums import LinkStatus, PartyRole
from duediligence.db.models import AuditEvent, Signal
from tests.factories import (
    make_ambiguous_signal,
    make_client,
    make_party,
    make_party_linked_signal,
    make_signal,
)


def _ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return result


def test_links_list_and_reviewer_actions(
    cli: Callable[..., Any], session: Session, people: dict[str, str]
) -> None:
    a = make_client(session, name="Orion Logistics", external_ref="CL-A", country="DE")
    b = make_client(session, name="Orion Logistics", external_ref="CL-B", country="US")
    owner = make_party(session, b, name="John Doe", role=PartyRole.OWNER)
    sentence = "Orion Logistics, the Hamburg carrier, was fined on Monday."
    ambiguous = make_ambiguous_signal(
        session,
        [a, b],
        mention="Orion Logistics",
        sentence=sentence,
        score=0.91,
        title="Orion Logistics fined",
    )
    linked = make_party_linked_signal(
        session,
        b,
        owner,
        sentence="Police questioned tycoon John Doe over bribes.",
        count=3,
        reasons=["headline mention", "3 mentions", "full name"],
        title="Tycoon John Doe questioned over bribes",
    )
    session.commit()

    listed = json.loads(_ok(cli("signals", "links", "--json")).output)
    assert [v["signal"] for v in listed] == sorted([ambiguous.id, linked.id])
    by_id = {v["signal"]: v for v in listed}
    assert [c["client"] for c in by_id[ambiguous.id]["candidates"]] == ["CL-A", "CL-B"]
    assert by_id[ambiguous.id]["reason"] == "several clients match the name"
    assert by_id[linked.id]["how"] == (
        "headline mention of 'John Doe', 3 mentions; about its owner John Doe; link not reviewed"
    )
    text = _ok(cli("signals", "links")).output
    assert "candidate CL-A Orion Logistics score 0.91 (headline mention of 'Orion Logistics')" in (
        text
    )
    assert '"Police questioned tycoon John Doe over bribes."' in text
    assert "reasons: headline mention; 3 mentions; full name" in text
    assert "2 link(s) to review" in text
    # what a reviewer needs to judge it, and how to act on it
    assert "ownership exposure: about the client's owner John Doe, not the client itself" in text
    assert "linked to CL-B Orion Logistics (US): headline mention of 'John Doe'" in text
    assert "duediligence signals link confirm SIGNAL" in text
    partial = _ok(cli("signals", "links", "--limit", "1")).output
    assert "showing 1 of 2 links to review" in partial

    # an analyst may not; a reviewer may
    assert cli("signals", "link", "confirm", str(linked.id), "--as", "ana").exit_code == 4
    done = _ok(cli("signals", "link", "confirm", str(linked.id), "--as", "rita")).output
    assert "link confirmed; linked to CL-B Orion Logistics: headline mention" in done
    assert "link confirmed by rita" in done
    done = _ok(
        cli(
            "signals",
            "link",
            "relink",
            str(ambiguous.id),
            "CL-A",
            "--reason",
            "the Hamburg carrier",
            "--as",
            "sam",
        )
    ).output
    assert f"signal {ambiguous.id} re-linked; linked to CL-A" in done
    assert "re-assessed CL-A: " in done
    assert (
        cli(
            "signals",
            "link",
            "relink",
            str(ambiguous.id),
            "CL-B",
            "--party",
            "Nobody",
            "--reason",
            "x",
            "--as",
            "sam",
        ).exit_code
        == 2
    )
    done = _ok(
        cli("signals", "link", "reject", str(ambiguous.id), "--reason", "not them", "--as", "rita")
    ).output
    # CL-B is still a candidate: the signal is ambiguous again
    assert f"signal {ambiguous.id} link to CL-A rejected; now ambiguous between CL-B" in done
    assert f"undo: duediligence signals link unreject {ambiguous.id} --client CL-A" in done
    assert _ok(cli("signals", "links", "--json")).output.count('"signal"') == 1
    session.expire_all()
    actions = list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.like("signal.%link%"))
            .order_by(AuditEvent.sequence)
        )
    )
    assert actions == ["signal.link_confirmed", "signal.relinked", "signal.link_rejected"]
    assert session.get(Signal, ambiguous.id).link_status == LinkStatus.AMBIGUOUS  # type: ignore[union-attr]


def test_a_rejection_is_listed_and_withdrawn_from_the_cli(
    cli: Callable[..., Any], session: Session, people: dict[str, str]
) -> None:
    client = make_client(session, name="Meridian Shipping Company", external_ref="MS-1")
    signal = make_signal(
        session,
        None,
        title="Meridian Shipping Company charged with smuggling",
        text="Prosecutors charged Meridian Shipping Company on Monday.",
    )
    session.commit()
    _ok(cli("screen", "clients", "--as", "ana"))  # the backlog: the linker links it
    session.expire_all()
    assert session.get(Signal, signal.id).client_id == client.id  # type: ignore[union-attr]
    _ok(cli("signals", "link", "reject", str(signal.id), "--reason", "oops", "--as", "rita"))
    listed = _ok(cli("signals", "links", "--rejected")).output
    assert f"signal {signal.id} " in listed
    assert "rejected MS-1 Meridian Shipping Company by rita at " in listed
    assert ": oops; the signal is now unlinked" in listed
    rows = json.loads(_ok(cli("signals", "links", "--rejected", "--json")).output)
    assert [(r["signal"], r["rejected_client"], r["reason"]) for r in rows] == [
        (signal.id, "MS-1", "oops")
    ]
    no_reason = cli("signals", "link", "unreject", str(signal.id), "--as", "sam")
    assert no_reason.exit_code == 2
    analyst = cli("signals", "link", "unreject", str(signal.id), "--reason", "x", "--as", "ana")
    assert analyst.exit_code == 4
    done = _ok(
        cli(
            "signals",
            "link",
            "unreject",
            str(signal.id),
            "--reason",
            "rita's slip",
            "--as",
            "sam",
        )
    ).output
    assert f"signal {signal.id} rejection of MS-1 withdrawn; linked to MS-1" in done
    assert "the linker ran on it again" in done and "re-assessed MS-1: " in done
    assert "0 rejected link(s)" in _ok(cli("signals", "links", "--rejected")).output
    session.expire_all()
    actions = list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == str(signal.id), AuditEvent.object_type == "signal")
            .order_by(AuditEvent.sequence)
        )
    )
    # linked again, then read again about the client it is linked to
    assert actions[-4:] == [
        "signal.link_rejected",
        "signal.link_unrejected",
        "signal.linked",
        "signals.classified",
    ]
