"""Demo users and a first four-eyes decision, so the demo shows review and audit at work.

Only the demo calls this. The users get one well-known password (:data:`DEMO_PASSWORD`), so a
demo database must never be exposed; real deployments create users with ``users add``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from duediligence.accounts.users import add_user, count_users
from duediligence.db.enums import DecisionAction, Role
from duediligence.db.queries import resolve_client
from duediligence.errors import ConflictError, NotFoundError, PermissionDenied
from duediligence.review.decisions import current_decision, decide, pending_decision

DEMO_PASSWORD = "demo-password"  # noqa: S105 (documented demo-only credential)
DEMO_USERS: tuple[tuple[str, Role, str], ...] = (
    ("admin", Role.ADMIN, "Demo Administrator"),
    ("rita", Role.REVIEWER, "Rita Reviewer"),
    ("sam", Role.REVIEWER, "Sam Second-Reviewer"),
    ("audrey", Role.AUDITOR, "Audrey Auditor"),
    ("ana", Role.ANALYST, "Ana Analyst"),
)


def seed_demo_review(*, session: Session, client_ref: str) -> str:
    """Create the demo users (if there are no users yet) and let ``rita`` decide on
    ``client_ref`` (if nothing is decided or pending), leaving the confirmation to ``sam``.
    Idempotent; returns a one-line summary."""
    parts = []
    if count_users(session=session) == 0:
        admin = DEMO_USERS[0][0]
        for username, role, name in DEMO_USERS:
            add_user(
                session=session,
                username=username,
                role=role,
                password=DEMO_PASSWORD,
                display_name=name,
                actor=None if username == admin else admin,
            )
        parts.append(
            "users "
            + ", ".join(f"{u} ({r.value})" for u, r, _ in DEMO_USERS)
            + f", password {DEMO_PASSWORD!r} (act as one: --as USER --password-stdin, the "
            "password on standard input)"
        )
    else:
        parts.append("users already exist")
    try:
        client = resolve_client(session=session, ref=client_ref)
    except NotFoundError:
        return "; ".join(parts)
    pending = pending_decision(session=session, client_id=client.id)
    if pending is None and current_decision(session=session, client_id=client.id) is None:
        try:
            d = decide(
                session=session,
                client_ref=client_ref,
                action=DecisionAction.OFFBOARD,
                reason=(
                    "Public record of facilitating sex trafficking; the vendor must stop selling."
                ),
                actor="rita",
            )
        except (PermissionDenied, ConflictError) as exc:
            parts.append(f"no demo decision ({exc})")
            return "; ".join(parts)
        if d.status.value == "effective":
            parts.append(f"decision {d.id} on {client_ref} by rita is effective")
        else:
            parts.append(
                f"decision {d.id} on {client_ref} by rita awaits a second reviewer "
                f"(echo {DEMO_PASSWORD} | duediligence review confirm {d.id} --as sam "
                "--password-stdin)"
            )
    elif pending is not None:
        parts.append(f"decision {pending.id} on {client_ref} still awaits a second reviewer")
    return "; ".join(parts)
