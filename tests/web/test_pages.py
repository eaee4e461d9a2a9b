"""The pages: roster filters, client review, downloads, match and signal review, four-eyes
decisions through the queue, the audit log, and screening a new client."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from duediligence.db.enums import DecisionStatus, MatchStatus, ReviewStatus
from duediligence.db.models import Client, Decision, ScreeningMatch, Signal
from duediligence.db.session import session_scope
from tests.factories import make_signal

AsUser = Callable[[str], tuple[TestClient, str]]


def _refs(html: str) -> list[str]:
    """Client references in roster order (each row links its reference twice)."""
    seen: list[str] = []
    for ref in re.findall(r'<td><a href="/clients/([^"/]+)">\1</a></td>', html):
        seen.append(ref)
    return seen


def test_roster_filters_sorts_and_pages(as_user: AsUser) -> None:
    client, _ = as_user("ana")
    page = client.get("/clients")
    assert page.status_code == 200
    rows = _refs(page.text)
    assert len(rows) == 25  # default page size
    assert rows[0] == "CS-BACKPAGE" or "CS-BACKPAGE" in rows[:10]  # riskiest first
    high = client.get("/clients", params={"tier": "high"}).text
    assert "CS-BACKPAGE" in _refs(high)
    assert all('class="tier high"' in row for row in high.split("<tr>")[2:] if "<td>" in row)
    found = _refs(client.get("/clients", params={"q": "backpage"}).text)
    assert found == ["CS-BACKPAGE"]
    assert _refs(client.get("/clients", params={"q": "cs-safe"}).text) == ["CS-SAFEMARKET"]
    offboarded = _refs(client.get("/clients", params={"status": "offboarded"}).text)
    assert "CS-BACKPAGE" in offboarded
    by_name = _refs(client.get("/clients", params={"sort": "name", "per_page": 100}).text)
    with_names = client.get("/clients", params={"sort": "name", "per_page": 100}).text
    names = re.findall(r'</a></td>\s*<td><a href="/clients/[^"]+">([^<]+)</a>', with_names)
    assert names == sorted(names, key=str.lower) and len(by_name) == 100
    desc = _refs(client.get("/clients", params={"sort": "ref", "dir": "desc"}).text)
    assert desc == sorted(desc, reverse=True)
    page1 = _refs(client.get("/clients", params={"sort": "ref", "page": 1}).text)
    page2 = _refs(client.get("/clients", params={"sort": "ref", "page": 2}).text)
    assert len(page2) == 25 and not set(page1) & set(page2) and page1[-1] < page2[0]
    assert "No client matches" in client.get("/clients", params={"q": "zzzz-nothing"}).text
    assert client.get("/clients", params={"tier": "bogus"}).status_code == 400
    assert client.get("/clients", params={"sort": "bogus"}).status_code == 400


def test_client_page_shows_report_charts_timeline_and_actions(as_user: AsUser) -> None:
    client, _ = as_user("rita")
    page = client.get("/clients/CS-BACKPAGE")
    assert page.status_code == 200
    html = page.text
    for section in (
        "What was knowable, and when",
        "Watch-list hits",
        "Adverse media",
        "Risk factors",
        "Reviewer decisions",
    ):
        assert section in html, section
    assert html.count("<svg") >= 2  # contribution chart and knowability timeline
    assert "high risk from" in html
    assert 'action="/clients/CS-BACKPAGE/decisions"' in html
    assert re.search(r'action="/clients/CS-BACKPAGE/matches/\d+"', html)
    assert re.search(r'action="/clients/CS-BACKPAGE/signals/\d+"', html)
    # An auditor sees the same page without any form that changes state.
    auditor, _ = as_user("audrey")
    read_only = auditor.get("/clients/CS-BACKPAGE").text
    assert "What was knowable, and when" in read_only
    assert 'method="post" action="/clients' not in read_only
    assert client.get("/clients/NOPE").status_code == 404


def test_a_client_with_an_unresolved_hit_is_on_hold_on_its_page_and_in_the_queue(
    as_user: AsUser,
) -> None:
    """The seeded list carries "Backpage.com LLC" (a sanctions entry): the hit is pending. The
    seed's assessments are as of a past date, before the hit was raised; assessing today puts
    the client on hold."""
    client, csrf = as_user("rita")
    done = client.post("/clients/CS-BACKPAGE/assess", data={"csrf_token": csrf})
    assert done.status_code == 303
    html = client.get(done.headers["location"]).text
    assert "Assessed CS-BACKPAGE: POTENTIAL SANCTIONS MATCH — ON HOLD" in html  # the flash
    assert 'id="hold-banner"' in html
    assert "POTENTIAL SANCTIONS MATCH — ON HOLD" in html
    assert "green" not in html.split('id="hold-banner"')[1][:400]
    queue = client.get("/queue").text
    # the page title is text only (a card pasted into the title block once showed as markup)
    assert "<div" not in queue.split("<title>")[1].split("</title>")[0]
    assert queue.count('id="ambiguous-links"') == 1
    section = queue.split('id="potential-matches"')[1].split("</table>")[0]
    assert "CS-BACKPAGE" in section and "Backpage.com LLC" in section


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        self.handlers += [k for k, _ in attrs if k.startswith("on")]


def test_untrusted_signal_text_is_inert(seeded_engine: Engine, as_user: AsUser) -> None:
    with session_scope(seeded_engine) as session:
        target = session.scalar(select(Client).where(Client.external_ref == "CS-SAFEMARKET"))
        assert target is not None
        make_signal(
            session,
            target,
            title='<script>alert(1)</script><img src=x onerror="alert(2)">',
            source="<b onmouseover=alert(3)>wire</b>",
            url="javascript:alert(4)",
        )
    client, _ = as_user("rita")
    html = client.get("/clients/CS-SAFEMARKET").text
    parser = _Scripts()
    parser.feed(html)
    assert parser.scripts == 0 and parser.handlers == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html


@pytest.mark.slow  # renders a PDF through the web app (48 s at load 10)
def test_report_downloads(as_user: AsUser) -> None:
    client, _ = as_user("audrey")
    for fmt, media in (("html", "text/html"), ("pdf", "application/pdf"), ("json", "json")):
        response = client.get(f"/clients/CS-BACKPAGE/report.{fmt}")
        assert response.status_code == 200, fmt
        assert media in response.headers["content-type"]
        assert response.headers["x-report-sha256"] == hashlib.sha256(response.content).hexdigest()
    data = json.loads(client.get("/clients/CS-BACKPAGE/report.json").content)
    assert data["subject"]["external_ref"] == "CS-BACKPAGE"
    assert client.get("/clients/CS-BACKPAGE/report.pdf").content.startswith(b"%PDF")
    assert client.get("/clients/CS-BACKPAGE/report.exe").status_code == 404
    never = client.get("/clients/C-0299/report.html")  # never assessed: reports never assess
    assert never.status_code == 404 and "duediligence assess C-0299" in never.text


def _form(html: str, action: str) -> str:
    match = re.search(rf'<form method="post" action="{re.escape(action)}"', html)
    assert match, f"no form posting to {action}"
    return action


def test_match_and_signal_review(seeded_engine: Engine, as_user: AsUser) -> None:
    with session_scope(seeded_engine) as session:
        match = session.scalars(
            select(ScreeningMatch)
            .join(Client)
            .where(Client.external_ref == "CS-BACKPAGE")
            .order_by(ScreeningMatch.id.desc())
        ).first()
        assert match is not None
        match_id = match.id
        signal_id = session.scalars(
            select(Signal.id).join(Client).where(Client.external_ref == "CS-BACKPAGE")
        ).first()
    rita, csrf = as_user("rita")
    html = rita.get("/clients/CS-BACKPAGE").text
    url = _form(html, f"/clients/CS-BACKPAGE/matches/{match_id}")
    done = rita.post(
        url, data={"verdict": "dismiss", "reason": "different company", "csrf_token": csrf}
    )
    assert done.status_code == 303 and done.headers["location"].endswith("#review-matches")
    again = rita.post(url, data={"verdict": "dismiss", "reason": "twice", "csrf_token": csrf})
    assert again.status_code == 409
    missing_reason = rita.post(url, data={"verdict": "confirm", "reason": " ", "csrf_token": csrf})
    assert missing_reason.status_code == 400
    sig = rita.post(
        f"/clients/CS-BACKPAGE/signals/{signal_id}",
        data={"verdict": "confirm", "reason": "about this client", "csrf_token": csrf},
    )
    assert sig.status_code == 303
    # A match of another client cannot be reached through this client's URL.
    wrong = rita.post(
        f"/clients/CS-SAFEMARKET/matches/{match_id}",
        data={"verdict": "confirm", "reason": "x", "csrf_token": csrf},
    )
    assert wrong.status_code == 404
    with session_scope(seeded_engine) as session:
        m = session.get(ScreeningMatch, match_id)
        s = session.get(Signal, signal_id)
        assert m is not None and m.status == MatchStatus.DISMISSED and m.decided_by == "rita"
        assert s is not None and s.review_status == ReviewStatus.CONFIRMED
    page = rita.get("/clients/CS-BACKPAGE").text
    assert "dismissed by rita" in page


def test_four_eyes_decision_through_the_queue_and_audit_log(
    seeded_engine: Engine, as_user: AsUser
) -> None:
    rita, rita_csrf = as_user("rita")
    sam, sam_csrf = as_user("sam")
    queue = rita.get("/queue").text
    assert "CS-BACKPAGE" in queue.split("Awaiting a first decision")[1]
    made = rita.post(
        "/clients/CS-BACKPAGE/decisions",
        data={"action": "offboard", "reason": "trafficking record", "csrf_token": rita_csrf},
    )
    assert made.status_code == 303
    with session_scope(seeded_engine) as session:
        decision = session.scalars(select(Decision).order_by(Decision.id.desc())).first()
        assert decision is not None and decision.status == DecisionStatus.AWAITING_CONFIRMATION
        decision_id = decision.id
    queue = rita.get("/queue").text
    second = queue.split("Awaiting a second reviewer")[1].split("Awaiting a first decision")[0]
    assert "CS-BACKPAGE" in second and "your decision: another reviewer confirms" in second
    assert f'action="/decisions/{decision_id}/confirm"' in sam.get("/queue").text
    # The maker cannot confirm their own decision, even by posting directly.
    own = rita.post(f"/decisions/{decision_id}/confirm", data={"csrf_token": rita_csrf})
    assert own.status_code == 403 and "four-eyes" in own.text
    confirmed = sam.post(f"/decisions/{decision_id}/confirm", data={"csrf_token": sam_csrf})
    assert confirmed.status_code == 303
    with session_scope(seeded_engine) as session:
        d = session.get(Decision, decision_id)
        assert d is not None and d.status == DecisionStatus.EFFECTIVE and d.checker == "sam"
    page = rita.get("/clients/CS-BACKPAGE").text
    assert "confirmed by sam" in page
    auditor, _ = as_user("audrey")
    log = auditor.get("/audit", params={"client": "CS-BACKPAGE"}).text
    assert "decision.made" in log and "decision.confirmed" in log
    assert "chain intact" in log
    only = auditor.get("/audit", params={"action": "decision.confirmed"}).text
    assert "decision.made</code>" not in only and "decision.confirmed</code>" in only
    assert auditor.get("/audit", params={"client": "NOPE"}).status_code == 404


def test_screen_a_new_client(as_user: AsUser) -> None:
    ana, csrf = as_user("ana")
    form = ana.get("/screen").text
    assert 'action="/screen"' in form
    data = {
        "name": "Camarillo Holdings Ltd",
        "country": "Cyprus",
        "website": "https://camarillo.example",
        "industry": "holding_company",
        "owners": "Ivan Testovich Petrov\nJane Example",
        "products": "crm, messaging_sms",
        "csrf_token": csrf,
    }
    response = ana.post("/screen", data=data)
    assert response.status_code == 303, response.text[:500]
    location = response.headers["location"]
    assert location.startswith("/clients/P-")
    page = ana.get(location).text
    assert "screened and assessed" in page
    assert re.search(r'class="tier (low|medium|high|prohibited)"', page)
    assert "watch-list hit(s) to review" in page
    assert "Camarillo Holdings Limited" in page  # the list entry it matched
    assert ana.get(location).text.count("screened and assessed") == 0  # the flash shows once
    duplicate = ana.post("/screen", data=data)
    assert duplicate.status_code == 409 and "already on file" in duplicate.text
    bad = ana.post("/screen", data={**data, "name": "Another Co", "country": "Atlantis"})
    assert bad.status_code == 400 and "country" in bad.text
    assert 'value="Another Co"' in bad.text  # the form keeps what was typed
