"""End to end in a real browser: Playwright for Python driving Debian's Chromium against
``duediligence serve`` on a free port, over a test database with the sample data loaded.

A reviewer logs in, finds the case-study client, opens it, dismisses a watch-list match and
records a decision; a second reviewer confirms it from the review queue; an auditor sees both
in the audit log; everyone logs out. A screenshot of every page is saved (to
``DD_SCREENSHOTS_DIR`` when set, else the test's temporary folder).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from duediligence.db import migrate
from duediligence.db.session import make_engine
from tests.conftest import BACKENDS, empty_database
from tests.web.live import serve
from tests.web.seed import PASSWORD, seed

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's /usr/bin/chromium is not installed"),
]


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """``duediligence serve`` on a free port over a freshly migrated, seeded database."""
    with empty_database(request.param, tmp_path, filename="web.db", prefix="w") as url:
        engine = make_engine(url)
        migrate.upgrade(engine, "head")
        seed(engine, tmp_path)
        engine.dispose()
        with serve(url, tmp_path) as (base, _log):
            yield base


def test_review_round_trip_in_chromium(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    shots = Path(os.environ.get("DD_SCREENSHOTS_DIR", tmp_path / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        page.set_default_timeout(30_000)
        outside: list[str] = []
        page.on(
            "request",
            lambda r: outside.append(r.url) if not r.url.startswith(server) else None,
        )

        def shot(name: str) -> None:
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

        def log_in(username: str) -> None:
            page.goto(server + "/clients")
            expect(page).to_have_url(re.compile(r"/login\?next="))
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            expect(page).to_have_url(server + "/clients")
            expect(page.locator(".who")).to_contain_text(username)

        def log_out() -> None:
            page.get_by_role("button", name="Log out").click()
            expect(page).to_have_url(re.compile(r"/login$"))

        # 1. A reviewer logs in and finds the case-study client in the roster.
        page.goto(server + "/")
        shot("01-login")
        log_in("rita")
        shot("02-roster")
        page.get_by_label("Name or reference").fill("CS-BACKPAGE")
        page.get_by_role("button", name="Filter").click()
        rows = page.locator("table.list tbody tr")
        expect(rows).to_have_count(1)
        shot("03-roster-search")
        rows.first.get_by_role("link", name="Backpage.com").click()
        expect(page.locator("h1").first).to_have_text("Backpage.com")
        expect(page.locator(".report")).to_contain_text("What was knowable, and when")
        expect(page.locator(".report svg").first).to_be_visible()
        shot("04-client")

        # 2. Dismiss the false-positive watch-list match.
        card = page.locator(".action-item", has_text="Backpage.com LLC")
        expect(card.locator(".pill")).to_have_text("pending")
        card.get_by_placeholder("reason").fill("Listed entity is a different company (RU)")
        card.get_by_role("button", name="Dismiss").click()
        expect(page.locator(".flash.ok")).to_contain_text("dismissed")
        card = page.locator(".action-item", has_text="Backpage.com LLC")
        expect(card.locator(".pill")).to_have_text("dismissed")
        shot("05-match-dismissed")

        # 3. Record a decision: high tier, so it awaits a second reviewer.
        page.get_by_label("Action").select_option("offboard")
        page.get_by_label("Reason", exact=True).fill(
            "Public record shows trafficking facilitation since 2008"
        )
        page.get_by_role("button", name="Record decision").click()
        expect(page.locator(".flash.ok")).to_contain_text("awaits a second reviewer")
        expect(page.locator("#review-decision")).to_contain_text("You made this decision")
        shot("06-decision-made")
        log_out()

        # 4. A second reviewer confirms it from the queue.
        log_in("sam")
        page.get_by_role("link", name="Review queue").click()
        row = page.locator("tr", has_text="Backpage.com").filter(has_text="rita")
        expect(row).to_have_count(1)
        shot("07-queue")
        row.get_by_role("button", name="Confirm").click()
        expect(page.locator(".flash.ok")).to_contain_text("confirmed")
        shot("08-queue-after-confirm")
        page.goto(server + "/clients/CS-BACKPAGE")
        expect(page.locator("#review-decision")).to_contain_text("confirmed by sam")
        log_out()

        # 5. An auditor sees both decisions, and the dismissal, in the audit log.
        log_in("audrey")
        page.get_by_role("link", name="Audit log").click()
        page.get_by_label("Client reference").fill("CS-BACKPAGE")
        page.get_by_role("button", name="Filter").click()
        table = page.locator("table.list")
        expect(table.locator("tr", has_text="decision.confirmed")).to_contain_text("sam")
        expect(table.locator("tr", has_text="decision.made")).to_contain_text("rita")
        expect(table.locator("tr", has_text="match.dismissed")).to_contain_text("rita")
        expect(page.locator(".chain")).to_contain_text("chain intact")
        shot("09-audit")
        page.goto(server + "/api/docs")
        expect(page.locator("h1")).to_contain_text("duediligence API")
        shot("10-api-docs")

        # 6. Log out: the session is gone.
        log_out()
        shot("11-logged-out")
        page.goto(server + "/audit")
        expect(page).to_have_url(re.compile(r"/login\?next="))
        browser.close()
    assert outside == [], f"the app made outside requests: {outside}"
