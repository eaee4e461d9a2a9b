"""HTML pages: login, roster, client review, onboarding, review queue, audit log, downloads.

Every route names the roles it admits through its guard; state-changing routes are POSTs that
also check the CSRF token. The client page shows the review report's own content block,
rendered by the reporting templates, beside the reviewer's actions.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from datetime import date
from typing import Any
from urllib.parse import urlencode

import anyio
from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from duediligence import __version__
from duediligence.accounts.acting import authenticate
from duediligence.accounts.roles import Permission, may, roles_for
from duediligence.audit.checkpoints import checkpoint_on_commit
from duediligence.db.enums import (
    ClientStatus,
    DecisionAction,
    DecisionStatus,
    ReportFormat,
    Role,
    Tier,
)
from duediligence.db.models import Client, ScreeningMatch, Signal, User
from duediligence.db.queries import current_assessment, resolve_client
from duediligence.errors import ConflictError, InputError, NotFoundError
from duediligence.keys import Signer, installation_signer
from duediligence.onboarding import onboard
from duediligence.reporting.context import client_report
from duediligence.reporting.render import (
    client_charts,
    environment,
    find_assessment,
    render_client_report,
)
from duediligence.reporting.schema import ClientReport
from duediligence.review import listings as queries
from duediligence.review.decisions import (
    client_decisions,
    confirm,
    decide,
    decision_dict,
    edd_status,
    pending_decision,
    review_queue,
    senior_approve,
)
from duediligence.review.links import (
    confirm_link,
    describe_link,
    link_dict,
    links_to_review,
    reject_link,
    rejected_links,
    relink,
    unreject_link,
)
from duediligence.review.verdicts import Row, decide_match, review_signal
from duediligence.risk.assess import assess_client
from duediligence.risk.verdict import headline
from duediligence.signals.classifier import confidence_band
from duediligence.web.security import (
    ALL_ROLES,
    CSRF_FIELD,
    PageGuard,
    Viewer,
    csrf_token,
    end_session,
    get_db,
    session_user,
    start_session,
    verify_csrf,
)

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

ANYONE = PageGuard(ALL_ROLES)
# Route guards read the library's one table of who may do what (accounts.roles.PERMISSIONS).
DATA = PageGuard(roles_for(Permission.CHANGE_DATA))
MATCH_REVIEWERS = PageGuard(roles_for(Permission.REVIEW_MATCH))
SIGNAL_REVIEWERS = PageGuard(roles_for(Permission.REVIEW_SIGNAL))
DECIDERS = PageGuard(roles_for(Permission.DECIDE))
CHECKERS = PageGuard(roles_for(Permission.CONFIRM_DECISION))
SENIORS = PageGuard(roles_for(Permission.SENIOR_APPROVAL))
QUEUE_READERS = PageGuard(roles_for(Permission.READ_QUEUE))
AUDITORS = PageGuard(roles_for(Permission.READ_AUDIT_LOG))

ACTION_LABELS = {
    DecisionAction.APPROVE: "Approve",
    DecisionAction.APPROVE_WITH_CONDITIONS: "Approve with conditions",
    DecisionAction.ESCALATE: "Escalate",
    DecisionAction.REJECT: "Reject",
    DecisionAction.OFFBOARD: "Offboard",
}

_env = Environment(
    loader=ChoiceLoader(
        [PackageLoader("duediligence.web", "templates"), environment().loader]  # type: ignore[list-item]
    ),
    autoescape=select_autoescape(["html"]),
)


def _fmt_dt(value: Any) -> str:
    if value is None:
        return ""
    text = value.isoformat(sep=" ", timespec="minutes") if hasattr(value, "hour") else str(value)
    return str(text).replace("T", " ")[:16]


def _codespans(text: Any) -> Markup:
    """Escape ``text`` and show its `backticked` spans as code (API descriptions)."""
    escaped = str(Markup.escape(str(text or "")))
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))  # noqa: S704 (escaped)


SUMMARY_KEYS = ("action", "status", "tier", "probability", "entity", "kind", "format", "role",
                "reason", "inserted", "count", "entities", "active")  # fmt: skip


def _summary(after: Any) -> str:
    """A one-line gist of an audit event's ``after`` snapshot (the details stay one click away)."""
    if not isinstance(after, dict):
        return "details"
    parts = []
    for key in SUMMARY_KEYS:
        value = after.get(key)
        if value is None or isinstance(value, dict | list):
            continue
        if key == "probability" and isinstance(value, float):
            value = f"{value:.0%}"
        parts.append(str(value) if key == "reason" else f"{key} {value}")
    text = " · ".join(parts) or "details"
    return text if len(text) <= 90 else text[:89] + "…"


def _highlight(sentence: Any, mention: Any) -> Markup:
    """``sentence`` escaped, with every case-insensitive occurrence of ``mention`` in ``<mark>``
    (the link evidence: the matched name in its sentence)."""
    text = str(sentence or "")
    needle = str(mention or "").strip()
    if not needle:
        return Markup.escape(text)
    pieces = re.split(f"({re.escape(needle)})", text, flags=re.IGNORECASE)
    out = [
        Markup("<mark>%s</mark>") % piece if i % 2 else Markup.escape(piece)
        for i, piece in enumerate(pieces)
    ]
    return Markup("").join(out)


_env.filters["highlight"] = _highlight
_env.filters["dt"] = _fmt_dt
_env.filters["summary"] = _summary
_env.filters["codespans"] = _codespans
_env.filters["band"] = confidence_band
_env.globals["version"] = __version__
_env.globals["ACTION_LABELS"] = {a.value: label for a, label in ACTION_LABELS.items()}


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render a page template with the shared context (user, CSRF token, flashes, nav)."""
    user: Viewer | None = getattr(request.state, "user", None)
    flashes = request.session.pop("flash", []) if user is not None else []
    html = _env.get_template(template).render(
        request=request,
        user=user,
        csrf=csrf_token(request),
        csrf_field=CSRF_FIELD,
        flashes=flashes,
        path=request.url.path,
        Role=Role,
        can_decide=may(user, Permission.DECIDE),
        can_review=may(user, Permission.REVIEW_MATCH),
        can_review_links=may(user, Permission.REVIEW_SIGNAL),
        can_confirm=may(user, Permission.CONFIRM_DECISION),
        can_sign_off=may(user, Permission.SENIOR_APPROVAL),
        can_edit=may(user, Permission.CHANGE_DATA),
        can_audit=may(user, Permission.READ_AUDIT_LOG),
        can_queue=may(user, Permission.READ_QUEUE),
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers=headers)


def error_page(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> HTMLResponse:
    """A friendly error page (used by the app's exception handlers)."""
    titles = {
        400: "That did not work",
        401: "Please log in",
        403: "Not allowed",
        404: "Not found",
        409: "Not possible right now",
        422: "Invalid input",
        429: "Too many attempts",
    }
    return render(
        request,
        "web/error.html",
        status_code=status,
        headers=headers,
        status=status,
        title=titles.get(status, "Something went wrong"),
        message=message,
    )


def flash(request: Request, kind: str, text: str, **extra: Any) -> None:
    """Queue a message for the next page the user sees."""
    request.session.setdefault("flash", [])
    request.session["flash"] = [*request.session["flash"], {"kind": kind, "text": text, **extra}]


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _back(ref: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/clients/{ref}{anchor}", status_code=303)


# --------------------------------------------------------------------------- login


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, next: str | None = Query(None), db: Session = Depends(get_db)
) -> Response:
    """The login page (the only page reachable without a session)."""
    if session_user(request, db) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "web/login.html", next=_safe_next(next), username="")


async def login_slowdown(request: Request, username: str = Form("", max_length=100)) -> None:
    """The global slowdown of the login rate limit: wait (without holding a worker thread)
    before a username with many recent failures, from anywhere, is checked again."""
    limiter = request.app.state.login_limiter
    address = request.client.host if request.client else "unknown"
    if not limiter.retry_after(address, username):
        wait = limiter.delay(username)
        if wait:
            await anyio.sleep(wait)


@router.post(
    "/login",
    response_class=HTMLResponse,
    dependencies=[Depends(verify_csrf), Depends(login_slowdown)],
)
def login(
    request: Request,
    username: str = Form("", max_length=100),
    password: str = Form("", max_length=1000),
    next: str = Form("/", max_length=2000),
    db: Session = Depends(get_db),
) -> Response:
    """Check the password (Argon2) under the login rate limit (lock-out per username and
    address, a limit per address, a global slowdown per username: ``LoginRateLimiter``)."""
    limiter = request.app.state.login_limiter
    address = request.client.host if request.client else "unknown"
    wait = limiter.retry_after(address, username)
    if wait:
        return render(
            request,
            "web/login.html",
            status_code=429,
            headers={"Retry-After": str(wait)},
            next=_safe_next(next),
            username=username,
            error=f"Too many failed attempts. Try again in {wait} seconds.",
        )
    user = (
        authenticate(session=db, username=username, password=password)
        if username and password
        else None
    )
    if user is None:
        limiter.failed(address, username)
        log.info("failed login for %r from %s", username, address)
        return render(
            request,
            "web/login.html",
            status_code=401,
            next=_safe_next(next),
            username=username,
            error="Unknown username or wrong password.",
        )
    limiter.succeeded(address, username)
    start_session(request, user)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Depends(verify_csrf)])
def logout(request: Request, user: User = Depends(ANYONE)) -> Response:
    """End the session (the cookie's session id is revoked, not only deleted)."""
    end_session(request)
    return RedirectResponse("/login", status_code=303)


# --------------------------------------------------------------------------- roster


@router.get("/", response_class=HTMLResponse)
def home(user: User = Depends(ANYONE)) -> Response:
    """The roster is the home page."""
    return RedirectResponse("/clients", status_code=303)


@router.get("/clients", response_class=HTMLResponse)
def roster(
    request: Request,
    tier: str | None = Query(None, max_length=20),
    status: str | None = Query(None, max_length=20),
    q: str | None = Query(None, max_length=200),
    sort: str = Query("risk", max_length=20),
    dir: str | None = Query(None, pattern="^(asc|desc)$"),
    page: int = Query(1, ge=1, le=100000),
    per_page: int = Query(25),
    user: User = Depends(ANYONE),
    db: Session = Depends(get_db),
) -> Response:
    """The client roster: filter by tier, status and text; sort by column; page through."""
    try:
        tier_value = Tier(tier) if tier else None
        status_value = ClientStatus(status) if status else None
    except ValueError as exc:
        raise InputError(str(exc)) from None
    descending = None if dir is None else dir == "desc"
    result = queries.roster_page(
        session=db,
        tier=tier_value,
        status=status_value,
        text=q,
        sort=sort,
        descending=descending,
        page=page,
        per_page=per_page,
    )
    params = {"tier": tier or "", "status": status or "", "q": q or "", "per_page": per_page}

    def link(**changes: Any) -> str:
        merged = {**params, "sort": sort, "dir": dir or "", "page": page, **changes}
        return "/clients?" + urlencode({k: v for k, v in merged.items() if v not in ("", None)})

    def sort_link(column: str) -> str:
        natural_desc = queries.SORTS[column][1]
        if column == sort:
            current_desc = natural_desc if descending is None else descending
            return link(sort=column, dir="asc" if current_desc else "desc", page=1)
        return link(sort=column, dir="", page=1)

    current_desc = queries.SORTS[sort][1] if descending is None else descending
    return render(
        request,
        "web/roster.html",
        result=result,
        tiers=[t.value for t in Tier],
        statuses=[s.value for s in ClientStatus],
        tier=tier or "",
        status=status or "",
        q=q or "",
        sort=sort,
        sort_desc=current_desc,
        link=link,
        sort_link=sort_link,
        page_sizes=queries.PAGE_SIZES,
    )


# --------------------------------------------------------------------------- signing


def _signer(request: Request) -> Signer:
    """The installation key (created on first use) that signs reports and checkpoints."""
    return installation_signer(request.app.state.keys_dir)


def _checkpoint(request: Request, db: Session, actor: str) -> None:
    """Sign the audit chain head after a decision: in the request's transaction, and in the
    checkpoint file once it commits."""
    checkpoint_on_commit(
        session=db, signer=_signer(request), path=request.app.state.checkpoint_file, actor=actor
    )


# --------------------------------------------------------------------------- client page


def _report_content(ctx: ClientReport) -> Markup:
    """The review report's ``content`` block, rendered by the reporting templates themselves."""
    template = environment().get_template("client.html")
    context = template.new_context({"r": ctx, "charts": client_charts(ctx)})
    return Markup("".join(template.blocks["content"](context)))  # noqa: S704 (autoescaped)


@router.get("/clients/{ref}", response_class=HTMLResponse)
def client_page(
    request: Request, ref: str, user: User = Depends(ANYONE), db: Session = Depends(get_db)
) -> Response:
    """A client's review page: verdict, actions (matches, signals, decisions) and the report."""
    client = resolve_client(session=db, ref=ref)
    assessment = current_assessment(session=db, client_id=client.id)
    ctx = client_report(session=db, assessment=assessment) if assessment is not None else None
    matches = db.scalars(
        select(ScreeningMatch)
        .where(ScreeningMatch.client_id == client.id)
        .order_by(ScreeningMatch.status, ScreeningMatch.score.desc(), ScreeningMatch.id)
    ).all()
    signals = db.scalars(
        select(Signal)
        .options(selectinload(Signal.link_party))  # one query for every party-linked signal
        .where(Signal.client_id == client.id)
        .order_by(Signal.published_at.desc(), Signal.id.desc())
    ).all()
    decisions = [decision_dict(d) for d in client_decisions(session=db, client_ref=client.id)]
    pending = pending_decision(session=db, client_id=client.id)
    pep = ctx["pep"] if ctx else None
    return render(
        request,
        "web/client.html",
        client=client,
        assessment=assessment,
        headline=ctx["assessment"]["headline"] if ctx else None,
        report=_report_content(ctx) if ctx else None,
        ctx=ctx,
        matches=matches,
        signals=signals,
        links={s.id: link_dict(s) for s in signals},
        decisions=list(reversed(decisions)),
        pending=decision_dict(pending) if pending else None,
        pep=pep,
        edd=edd_status(session=db, client_ref=client.id) if pep else [],
        actions=[a.value for a in DecisionAction],
        formats=[f.value for f in (ReportFormat.HTML, ReportFormat.PDF, ReportFormat.JSON)],
    )


@router.post("/clients/{ref}/assess", dependencies=[Depends(verify_csrf)])
def assess(
    request: Request, ref: str, user: User = Depends(DATA), db: Session = Depends(get_db)
) -> Response:
    """Score the client now (a new immutable assessment)."""
    a = assess_client(session=db, client=ref, actor=user.username)
    flash(
        request, "ok", f"Assessed {ref}: {headline(a.tier, a.state, a.probability, a.rule_hits)}."
    )
    return _back(ref)


def _check_owned(db: Session, ref: str, model: type[Row], object_id: int, noun: str) -> None:
    """Refuse (404) a match or signal that does not exist or belongs to another client."""
    client = resolve_client(session=db, ref=ref)
    row = db.get(model, object_id)
    if row is None or row.client_id != client.id:
        raise NotFoundError(f"no {noun} {object_id} of {ref}")


@router.post("/clients/{ref}/matches/{match_id}", dependencies=[Depends(verify_csrf)])
def match_decision(
    request: Request,
    ref: str,
    match_id: int,
    verdict: str = Form(..., pattern="^(confirm|dismiss)$"),
    reason: str = Form(..., max_length=2000),
    user: User = Depends(MATCH_REVIEWERS),
    db: Session = Depends(get_db),
) -> Response:
    """Confirm or dismiss a watch-list match of this client."""
    _check_owned(db, ref, ScreeningMatch, match_id, "match")
    done = decide_match(
        session=db,
        match_id=match_id,
        confirm=verdict == "confirm",
        reason=reason,
        actor=user.username,
    )
    a = done.assessment
    now = headline(a.tier, a.state, a.probability, a.rule_hits)
    flash(request, "ok", f"Match {match_id} {verdict}ed; {ref} re-assessed: {now}.")
    return _back(ref, "#review-matches")


@router.post("/clients/{ref}/signals/{signal_id}", dependencies=[Depends(verify_csrf)])
def signal_decision(
    request: Request,
    ref: str,
    signal_id: int,
    verdict: str = Form(..., pattern="^(confirm|dismiss)$"),
    reason: str = Form(..., max_length=2000),
    user: User = Depends(SIGNAL_REVIEWERS),
    db: Session = Depends(get_db),
) -> Response:
    """Confirm or dismiss a signal linked to this client."""
    _check_owned(db, ref, Signal, signal_id, "signal")
    review_signal(
        session=db,
        signal_id=signal_id,
        confirm=verdict == "confirm",
        reason=reason,
        actor=user.username,
    )
    flash(request, "ok", f"Signal {signal_id} {verdict}ed.")
    return _back(ref, "#review-signals")


@router.post("/signals/{signal_id}/link", dependencies=[Depends(verify_csrf)])
def link_decision(
    request: Request,
    signal_id: int,
    action: str = Form(..., pattern="^(confirm|relink|reject|unreject)$"),
    reason: str = Form("", max_length=2000),
    client: str = Form("", max_length=64),
    party: str = Form("", max_length=300),
    back: str = Form("/links", max_length=300),
    user: User = Depends(SIGNAL_REVIEWERS),
    db: Session = Depends(get_db),
) -> Response:
    """Confirm, re-link (to ``client``, optionally through ``party``), reject (the linked
    client, or the candidate ``client``) a signal's link, or withdraw the rejection of
    ``client`` (``unreject``: the linker runs on the signal again); back to ``back``."""
    if action == "confirm":
        change = confirm_link(session=db, signal_id=signal_id, actor=user.username, reason=reason)
    elif action == "relink":
        if not client.strip():
            raise InputError("name the client to link the signal to")
        change = relink(
            session=db,
            signal_id=signal_id,
            client_ref=client.strip(),
            party=party.strip() or None,
            reason=reason,
            actor=user.username,
        )
    elif action == "reject":
        change = reject_link(
            session=db,
            signal_id=signal_id,
            client_ref=client.strip() or None,
            reason=reason,
            actor=user.username,
        )
    else:
        change = unreject_link(
            session=db,
            signal_id=signal_id,
            client_ref=client.strip() or None,
            reason=reason,
            actor=user.username,
        )
    signal = change.signal
    where = (
        f"linked to {signal.client.external_ref}: {describe_link(signal)}"
        if signal.client is not None
        else f"now {signal.link_status.value}"
    )
    verbs = {
        "confirm": "link confirmed",
        "relink": "re-linked",
        "reject": f"link to {change.rejected_client} rejected",
        "unreject": f"rejection of {change.rejected_client} withdrawn",
    }
    reassessed = "".join(
        f"; {a.client.external_ref} re-assessed: "
        f"{headline(a.tier, a.state, a.probability, a.rule_hits)}"
        for a in change.assessments
    )
    flash(request, "ok", f"Signal {signal_id} {verbs[action]}; {where}{reassessed}.")
    return RedirectResponse(_safe_next(back), status_code=303)


@router.get("/links", response_class=HTMLResponse)
def links_page(
    request: Request, user: User = Depends(QUEUE_READERS), db: Session = Depends(get_db)
) -> Response:
    """News links awaiting a reviewer: ambiguous ones with their candidates, and links the
    linker made that nobody confirmed yet, each with its evidence; then the 100 newest
    rejected links (a reviewer may withdraw one made in error)."""
    return render(
        request,
        "web/links.html",
        links=[link_dict(s) for s in links_to_review(session=db, limit=500)],
        rejected=rejected_links(session=db, limit=100),
    )


@router.post("/clients/{ref}/decisions", dependencies=[Depends(verify_csrf)])
def make_decision(
    request: Request,
    ref: str,
    action: str = Form(..., max_length=40),
    reason: str = Form(..., max_length=4000),
    supersedes: int | None = Form(None),
    source_of_wealth: str | None = Form(None, max_length=4000),
    source_of_funds: str | None = Form(None, max_length=4000),
    edd_rationale: str | None = Form(None, max_length=4000),
    user: User = Depends(DECIDERS),
    db: Session = Depends(get_db),
) -> Response:
    """Record a decision on the client's latest assessment (four-eyes for high tiers; for a
    politically exposed client also a senior sign-off, and the EDD fields to approve)."""
    d = decide(
        session=db,
        client_ref=ref,
        action=action,
        reason=reason,
        actor=user.username,
        supersedes=supersedes,
        source_of_wealth=source_of_wealth,
        source_of_funds=source_of_funds,
        edd_rationale=edd_rationale,
    )
    _checkpoint(request, db, user.username)
    if d.requires_senior:
        flash(
            request,
            "ok",
            f"Decision {d.id} recorded; it awaits a second reviewer and a senior sign-off "
            "(politically exposed client).",
        )
    elif d.requires_second:
        flash(request, "ok", f"Decision {d.id} recorded; it awaits a second reviewer.")
    else:
        flash(request, "ok", f"Decision {d.id} recorded and in effect.")
    return _back(ref, "#review-decision")


@router.post("/decisions/{decision_id}/confirm", dependencies=[Depends(verify_csrf)])
def confirm_decision(
    request: Request,
    decision_id: int,
    next: str = Form("/queue", max_length=2000),
    user: User = Depends(CHECKERS),
    db: Session = Depends(get_db),
) -> Response:
    """Confirm another reviewer's decision (the four-eyes rule refuses your own)."""
    d = confirm(session=db, decision_id=decision_id, actor=user.username)
    _checkpoint(request, db, user.username)
    if d.status == DecisionStatus.EFFECTIVE:
        flash(request, "ok", f"Decision {d.id} confirmed: now in effect.")
    else:
        flash(request, "ok", f"Decision {d.id} confirmed; it awaits a senior sign-off.")
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/decisions/{decision_id}/sign-off", dependencies=[Depends(verify_csrf)])
def sign_off_decision(
    request: Request,
    decision_id: int,
    next: str = Form("/queue", max_length=2000),
    user: User = Depends(SENIORS),
    db: Session = Depends(get_db),
) -> Response:
    """A senior approver's sign-off on a politically exposed client's decision (FATF R.12)."""
    d = senior_approve(session=db, decision_id=decision_id, actor=user.username)
    _checkpoint(request, db, user.username)
    if d.status == DecisionStatus.EFFECTIVE:
        flash(request, "ok", f"Decision {d.id} signed off: now in effect.")
    else:
        flash(request, "ok", f"Decision {d.id} signed off; it awaits a second reviewer.")
    return RedirectResponse(_safe_next(next), status_code=303)


@router.get("/clients/{ref}/report.{fmt}")
def download_report(
    request: Request,
    ref: str,
    fmt: str,
    user: User = Depends(ANYONE),
    db: Session = Depends(get_db),
) -> Response:
    """Download the review report of the latest assessment (HTML, PDF or JSON).

    The file is rendered into the reports folder and its SHA-256 recorded, so
    ``duediligence report verify`` can check the downloaded copy later.
    """
    if fmt not in ("html", "pdf", "json"):
        raise HTTPException(404, "reports come as html, pdf or json")
    client = resolve_client(session=db, ref=ref)
    # A report reads the current assessment, never makes one: 404 naming `duediligence assess`.
    assessment = find_assessment(session=db, client=client.id)
    path, record = render_client_report(
        session=db,
        client=client.external_ref,
        fmt=ReportFormat(fmt),
        reports_dir=request.app.state.reports_dir,
        actor=user.username,
        assessment=assessment,
        signer=_signer(request),
    )
    media = mimetypes.types_map.get(f".{fmt}", "application/octet-stream")
    return FileResponse(
        path,
        media_type=media,
        filename=path.name,
        headers={"X-Report-SHA256": record.sha256},
        content_disposition_type="inline" if fmt == "pdf" else "attachment",
    )


# --------------------------------------------------------------------------- onboarding


@router.get("/screen", response_class=HTMLResponse)
def screen_form(request: Request, user: User = Depends(DATA)) -> Response:
    """The form to screen a new client (one-step onboarding)."""
    return render(request, "web/screen.html", form={}, error=None)


@router.post("/screen", response_class=HTMLResponse, dependencies=[Depends(verify_csrf)])
def screen_submit(
    request: Request,
    name: str = Form(..., max_length=300),
    country: str = Form(..., max_length=60),
    website: str = Form("", max_length=500),
    industry: str = Form("", max_length=100),
    owners: str = Form("", max_length=5000),
    products: str = Form("", max_length=1000),
    user: User = Depends(DATA),
    db: Session = Depends(get_db),
) -> Response:
    """Create the prospect, screen it and its owners, assess it and render its report."""
    form = {
        "name": name,
        "country": country,
        "website": website,
        "industry": industry,
        "owners": owners,
        "products": products,
    }
    prospect: dict[str, Any] = {
        "name": name,
        "country": country,
        "website": website.strip() or None,
        "industry": industry.strip() or None,
        "owners": [line.strip() for line in owners.splitlines() if line.strip()],
        "products": [p.strip() for p in re.split(r"[,;\n]", products) if p.strip()],
    }
    try:
        outcome = onboard(
            session=db,
            prospect=prospect,
            actor=user.username,
            reports_dir=request.app.state.reports_dir,
            signer=_signer(request),
        )
    except (InputError, ConflictError) as exc:
        db.rollback()
        status = 409 if isinstance(exc, ConflictError) else 400
        return render(request, "web/screen.html", status_code=status, form=form, error=str(exc))
    flash(
        request,
        "onboarded",
        f"{outcome.name} screened and assessed:",
        tier=outcome.tier,
        headline=outcome.headline,
        reasons=outcome.reasons,
        report=f"/clients/{outcome.ref}/report.html",
        hits=len(outcome.hits),
        signals=outcome.linked_signals,
    )
    return RedirectResponse(f"/clients/{outcome.ref}", status_code=303)


# --------------------------------------------------------------------------- queue & audit


@router.get("/queue", response_class=HTMLResponse)
def queue(
    request: Request, user: User = Depends(QUEUE_READERS), db: Session = Depends(get_db)
) -> Response:
    """What awaits a first or a second pair of eyes."""
    items = review_queue(session=db)
    return render(
        request,
        "web/queue.html",
        matches=[i for i in items if i.kind == "potential_match"],
        second=[i for i in items if i.kind == "second_review"],
        senior=[i for i in items if i.kind == "senior_signoff"],
        first=[i for i in items if i.kind in ("first_review", "review_due")],
        ambiguous_links=[i for i in items if i.kind == "link_review"],
    )


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request,
    client: str | None = Query(None, max_length=64),
    action: str | None = Query(None, max_length=60),
    actor: str | None = Query(None, max_length=100),
    page: int = Query(1, ge=1, le=1000000),
    user: User = Depends(AUDITORS),
    db: Session = Depends(get_db),
) -> Response:
    """The audit trail, newest first, with the chain's verification status."""
    client_id = resolve_client(session=db, ref=client).id if client else None
    result = queries.audit_page(
        session=db, client_id=client_id, action=action, actor=actor, page=page
    )
    shown = {e.client_id for e in result.events if e.client_id is not None}
    refs = dict(
        db.execute(select(Client.id, Client.external_ref).where(Client.id.in_(shown))).all()
    )
    params = {"client": client or "", "action": action or "", "actor": actor or ""}

    def link(**changes: Any) -> str:
        merged = {**params, "page": page, **changes}
        return "/audit?" + urlencode({k: v for k, v in merged.items() if v not in ("", None)})

    return render(
        request,
        "web/audit.html",
        result=result,
        refs=refs,
        actions=queries.audit_actions(session=db),
        client=client or "",
        action=action or "",
        actor=actor or "",
        link=link,
        chain=queries.chain_status(session=db),
        today=date.today(),
    )
