"""A politically exposed client on the web: the PEP banner and EDD steps on its page, the EDD
fields required to approve, and the senior sign-off through the queue."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from duediligence.db.enums import DecisionStatus
from duediligence.db.models import Client, Decision
from duediligence.db.session import session_scope
from duediligence.risk import assess_client
from tests.risk.test_pep import EDD_EXAMPLE, load_pep_fixture

AsUser = Callable[[str], tuple[TestClient, str]]


def test_pep_client_page_edd_and_senior_sign_off(
    seeded_engine: Engine, as_user: AsUser, tokens: dict[str, str]
) -> None:
    with session_scope(seeded_engine) as session:
        load_pep_fixture(session)
        client = session.scalars(select(Client).where(Client.external_ref == "PEP-001")).one()
        assess_client(session=session, client=client.id, actor="system")
    rita, rita_csrf = as_user("rita")
    page = rita.get("/clients/PEP-001").text
    assert 'id="pep-banner"' in page
    assert "PEP (owner: Deputy Minister of Finance, MD)" in page
    assert "source of wealth established: missing" in page
    assert 'id="edd-fields"' in page and "a senior approver sign off" in page
    # Approving without the EDD fields is refused, with the reason.
    refused = rita.post(
        "/clients/PEP-001/decisions",
        data={"action": "approve", "reason": "fine", "csrf_token": rita_csrf},
    )
    assert refused.status_code == 400 and "source of wealth" in refused.text
    made = rita.post(
        "/clients/PEP-001/decisions",
        data={"action": "approve", "reason": "EDD done", "csrf_token": rita_csrf, **EDD_EXAMPLE},
    )
    assert made.status_code == 303
    with session_scope(seeded_engine) as session:
        decision = session.scalars(select(Decision).order_by(Decision.id.desc())).first()
        assert decision is not None and decision.requires_senior
        decision_id = decision.id
    sam, sam_csrf = as_user("sam")
    assert (
        sam.post(f"/decisions/{decision_id}/confirm", data={"csrf_token": sam_csrf}).status_code
        == 303
    )
    sally, sally_csrf = as_user("sally")
    queue = sally.get("/queue").text
    senior = queue.split('id="senior-signoff"')[1].split("Awaiting a second reviewer")[0]
    assert "PEP-001" in senior and "awaits a senior sign-off" in senior
    assert f'action="/decisions/{decision_id}/sign-off"' in senior
    # A reviewer cannot sign off, even by posting directly.
    assert (
        sam.post(f"/decisions/{decision_id}/sign-off", data={"csrf_token": sam_csrf}).status_code
        == 403
    )
    signed = sally.post(f"/decisions/{decision_id}/sign-off", data={"csrf_token": sally_csrf})
    assert signed.status_code == 303
    with session_scope(seeded_engine) as session:
        d = session.get(Decision, decision_id)
        assert d is not None and d.status == DecisionStatus.EFFECTIVE
        assert d.senior_approver == "sally" and d.checker == "sam"
    page = rita.get("/clients/PEP-001").text
    assert "senior management approval: done" in page and "senior: sally" in page
    api = rita.get(
        "/api/clients/PEP-001/assessment", headers={"Authorization": f"Bearer {tokens['rita']}"}
    ).json()
    assert api["pep"] == "PEP (owner: Deputy Minister of Finance, MD)"
    assert api["decision_in_force"]["senior_approver"] == "sally"
    assert all(step["done"] for step in api["edd_steps"])
