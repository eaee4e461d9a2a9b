"""News-link evidence and the reviewer's confirm / re-link / reject buttons in the web app."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select

from duediligence.db.enums import LinkStatus, PartyRole
from duediligence.db.models import AuditEvent, Signal, SignalLinkRejection
from duediligence.db.session import session_scope
from tests.factories import (
    make_ambiguous_signal,
    make_client,
    make_party,
    make_party_linked_signal,
)

AsUser = Callable[[str], tuple[TestClient, str]]


def _seed_links(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        a = make_client(session, name="Nordlicht Freight", external_ref="LK-A", country="DE")
        b = make_client(session, name="Nordlicht Freight", external_ref="LK-B", country="AT")
        owner = make_party(session, b, name="Karl <Huber>", role=PartyRole.OWNER)
        sentence = "Investigators searched Nordlicht Freight's depot in Linz."
        ambiguous = make_ambiguous_signal(
            session,
            [a, b],
            mention="Nordlicht Freight",
            sentence=sentence,
            score=0.9,
            title="Nordlicht Freight depot searched",
        )
        via_owner = make_party_linked_signal(
            session,
            b,
            owner,
            sentence="Prosecutors charged Karl <Huber> with fraud.",
            count=2,
            reasons=["headline mention", "2 mentions"],
            title="Karl Huber charged with fraud",
        )
        return {"ambiguous": ambiguous.id, "owner": via_owner.id}


def test_link_evidence_and_reviewer_buttons(seeded_engine: Engine, as_user: AsUser) -> None:
    ids = _seed_links(seeded_engine)
    rita, csrf = as_user("rita")
    page = rita.get("/clients/LK-B").text
    # the evidence: how it was linked, the owner it is about, the mention highlighted (escaped)
    assert "about its owner Karl &lt;Huber&gt;" in page
    assert "headline mention of &#39;Karl &lt;Huber&gt;&#39;, 2 mentions" in page
    assert "Prosecutors charged <mark>Karl &lt;Huber&gt;</mark> with fraud." in page
    assert "<Huber>" not in page
    action = f'action="/signals/{ids["owner"]}/link"'
    assert action in page and 'value="confirm"' in page and 'value="relink"' in page
    # the ambiguous item is in the queue and on the links page with its candidates
    queue = rita.get("/queue").text
    assert f"/links#signal-{ids['ambiguous']}" in queue
    links = rita.get("/links").text
    assert "Link to LK-A" in links and "Link to LK-B" in links
    assert "Investigators searched <mark>Nordlicht Freight</mark>&#39;s depot in Linz." in links

    # an analyst sees no buttons and may not post; a post without the CSRF token is refused
    ana, ana_csrf = as_user("ana")
    assert f'action="/signals/{ids["owner"]}/link"' not in ana.get("/clients/LK-B").text
    denied = ana.post(
        f"/signals/{ids['owner']}/link", data={"action": "confirm", "csrf_token": ana_csrf}
    )
    assert denied.status_code == 403
    no_csrf = rita.post(f"/signals/{ids['owner']}/link", data={"action": "confirm"})
    assert no_csrf.status_code in (400, 403)

    done = rita.post(
        f"/signals/{ids['owner']}/link",
        data={"action": "confirm", "reason": "his company", "back": "/clients/LK-B", **_t(csrf)},
    )
    assert done.status_code == 303 and done.headers["location"] == "/clients/LK-B"
    assert "link confirmed by rita" in rita.get("/clients/LK-B").text
    relinked = rita.post(
        f"/signals/{ids['ambiguous']}/link",
        data={"action": "relink", "client": "LK-A", "reason": "the German depot", **_t(csrf)},
    )
    assert relinked.status_code == 303 and relinked.headers["location"] == "/links"
    rejected = rita.post(
        f"/signals/{ids['ambiguous']}/link",
        data={"action": "reject", "reason": "Linz is LK-B's", **_t(csrf)},
    )
    assert rejected.status_code == 303
    missing = rita.post(
        f"/signals/{ids['ambiguous']}/link", data={"action": "relink", "reason": "x", **_t(csrf)}
    )
    assert missing.status_code == 400
    with session_scope(seeded_engine) as session:
        owner_signal = session.get(Signal, ids["owner"])
        signal = session.get(Signal, ids["ambiguous"])
        assert owner_signal is not None and owner_signal.link_reviewed_by == "rita"
        assert signal is not None and signal.link_status == LinkStatus.AMBIGUOUS
        assert signal.client_id is None
        assert session.scalars(
            select(SignalLinkRejection.rejected_by).where(
                SignalLinkRejection.signal_id == signal.id
            )
        ).all() == ["rita"]
        actions = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_id.in_([str(ids["owner"]), str(ids["ambiguous"])]))
            .where(AuditEvent.object_type == "signal")
            .order_by(AuditEvent.sequence)
        ).all()
        assert actions == ["signal.link_confirmed", "signal.relinked", "signal.link_rejected"]
    links = rita.get("/links").text
    assert re.search(r"Link to LK-B", links) and "Link to LK-A" not in links
    # the rejection is listed with a form to withdraw it (reviewers only)
    row = f'id="rejected-{ids["ambiguous"]}-LK-A"'
    assert row in links and "Linz is LK-B&#39;s" in links and 'value="unreject"' in links
    audrey, _ = as_user("audrey")  # an auditor reads the page, without the form
    audited = audrey.get("/links").text
    assert row in audited and 'value="unreject"' not in audited
    denied = ana.post(
        f"/signals/{ids['ambiguous']}/link",
        data={"action": "unreject", "client": "LK-A", "reason": "x", **_t(ana_csrf)},
    )
    assert denied.status_code == 403
    withdrawn = rita.post(
        f"/signals/{ids['ambiguous']}/link",
        data={
            "action": "unreject",
            "client": "LK-A",
            "reason": "the depot is LK-A's after all",
            "back": "/links#rejected",
            **_t(csrf),
        },
    )
    assert withdrawn.status_code == 303 and withdrawn.headers["location"] == "/links#rejected"
    links = rita.get("/links").text
    assert row not in links and "No link was rejected." in links
    assert "rejection of LK-A withdrawn" in links  # the flash
    with session_scope(seeded_engine) as session:
        assert not session.scalars(
            select(SignalLinkRejection).where(SignalLinkRejection.signal_id == ids["ambiguous"])
        ).all()
        last = session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == str(ids["ambiguous"]))
            .order_by(AuditEvent.sequence.desc())
        ).first()
        assert last in ("signal.link_unrejected", "signal.linked")


def _t(csrf: str) -> dict[str, str]:
    return {"csrf_token": csrf}


def test_client_page_loads_linked_parties_in_bulk(seeded_engine: Engine, as_user: AsUser) -> None:
    """The client page of an unassessed client (no report loads its parties first) sends as
    many SQL statements for 12 party-linked signals as for 2: parties are loaded in one query
    (it sent one look-up per signal)."""
    with session_scope(seeded_engine) as session:
        for ref, n in (("NQ-FEW", 2), ("NQ-MANY", 12)):
            client = make_client(session, name=f"{ref} Holdings", external_ref=ref)
            for i in range(n):
                owner = make_party(session, client, name=f"Owner{i} {ref}", role=PartyRole.OWNER)
                make_party_linked_signal(
                    session,
                    client,
                    owner,
                    sentence=f"Police questioned Owner{i} {ref}.",
                    count=1,
                    reasons=["headline mention"],
                    title=f"{ref} owner {i} questioned",
                )
    rita, _ = as_user("rita")
    sent: dict[str, int] = {}
    for ref in ("NQ-FEW", "NQ-MANY"):
        with statements_of(seeded_engine) as log:
            page = rita.get(f"/clients/{ref}")
        assert page.status_code == 200 and page.text.count("about its owner Owner") >= 2
        sent[ref] = len(log)
    assert sent["NQ-MANY"] == sent["NQ-FEW"], sent


@contextmanager
def statements_of(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements ``engine`` sends inside the block."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_classification_column_says_whose_record_an_item_is(
    seeded_engine: Engine, as_user: AsUser
) -> None:
    """A reviewer reads, for each linked item, whether it is adverse *about the client*: the
    offence for an item about the client as the accused; "not adverse about the client" with
    the client's role for one where the client only helped the police (the article itself may
    well be adverse: it said "none 68% adverse" before, which read as a contradiction); the
    role of the party for ownership exposure."""
    from tests.factories import make_signal

    with session_scope(seeded_engine) as session:
        client = make_client(session, name="Kestrel Analytics", external_ref="KA-1")
        owner = make_party(session, client, name="Tom Baxter", role=PartyRole.OWNER)
        common = {"link_status": LinkStatus.LINKED, "model_version": "signals-test"}
        make_signal(
            session,
            client,
            title="Kestrel Analytics charged with fraud",
            label="fraud",
            role="subject",
            adverse_probability=0.97,
            evidence=["Prosecutors charged Kestrel Analytics with fraud."],
            **common,
        )
        make_signal(
            session,
            client,
            title="Kestrel Analytics helps police uncover scam ring",
            label="none",
            role="mentioned",
            adverse_probability=0.68,
            **common,
        )
        make_party_linked_signal(
            session,
            client,
            owner,
            sentence="Tom Baxter was charged with laundering.",
            count=1,
            reasons=["headline mention"],
            title="Tom Baxter charged",
            label="money_laundering",
            role="subject",
        )
    rita, _csrf = as_user("rita")
    page = rita.get("/clients/KA-1").text
    assert "<strong>fraud</strong>" in page and "client's role: subject</div>" in page
    assert "article adverse: 97% (very likely)" in page
    assert "not adverse about the client" in page
    assert "client's role: mentioned — not its own record" in page
    assert "role of its owner: subject" in page
