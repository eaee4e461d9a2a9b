"""Record the SHA-256 of every rendered report, and verify a file against it later."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.audit.trail import record_event
from duediligence.db.enums import ReportFormat, ReportKind
from duediligence.db.models import Assessment, Client, RenderedReport
from duediligence.files import require_file
from duediligence.jsonutil import sha256_file


def record_report(
    *,
    session: Session,
    path: Path,
    kind: ReportKind,
    fmt: ReportFormat,
    assessment_id: int | None,
    actor: str | None,
    client_id: int | None = None,
) -> RenderedReport:
    """Store the report's path and SHA-256 (audited)."""
    row = RenderedReport(
        kind=kind,
        assessment_id=assessment_id,
        format=fmt,
        path=str(path),
        sha256=sha256_file(path),
        created_by=actor or "system",
    )
    session.add(row)
    session.flush()
    record_event(
        session=session,
        actor=actor,
        action="report.rendered",
        object_type="report",
        object_id=row.id,
        client_id=client_id,
        after={
            "kind": kind.value,
            "format": fmt.value,
            "path": str(path),
            "sha256": row.sha256,
            "assessment_id": assessment_id,
        },
    )
    return row


@dataclass
class Verification:
    """The result of checking a report file."""

    intact: bool
    message: str
    sha256: str


def _client_of(*, session: Session, report: RenderedReport) -> Client | None:
    if report.assessment_id is None:
        return None
    return session.scalar(
        select(Client)
        .join(Assessment, Assessment.client_id == Client.id)
        .where(Assessment.id == report.assessment_id)
    )


def _named_client(*, session: Session, filename: str) -> str | None:
    """The reference of the client whose report name ``filename`` takes (``REF-<n>.<ext>``,
    as reports are named), if any."""
    stem = filename.rsplit(".", 1)[0]
    if "-" not in stem:
        return None
    candidates = [stem[:i] for i, c in enumerate(stem) if c == "-" and i > 0]
    refs = session.scalars(select(Client.external_ref).where(Client.external_ref.in_(candidates)))
    return max(refs, key=len, default=None)


def _verify_known(
    *, session: Session, path: Path, known: RenderedReport, digest: str
) -> Verification:
    """A file whose bytes match a rendered report: intact, naming the client it belongs to,
    unless the file was renamed as another client's report (CHANGED)."""
    client = _client_of(session=session, report=known)
    rendered_as = Path(known.path).name
    whose = f" of client {client.external_ref} ({client.name})" if client else ""
    named = _named_client(session=session, filename=path.name) if path.name != rendered_as else None
    if client is not None and named is not None and named != client.external_ref:
        return Verification(
            False,
            f"CHANGED: {path.name} is named as a report of client {named}, but its content is "
            f"report {known.id}{whose}, rendered as {rendered_as}: it was renamed",
            digest,
        )
    return Verification(
        True,
        f"intact: matches report {known.id}{whose} ({known.kind.value}, "
        f"{known.format.value}, rendered as {rendered_as}) rendered "
        f"{known.created_at:%Y-%m-%d %H:%M} by {known.created_by}",
        digest,
    )


def verify_report(*, session: Session, path: Path) -> Verification:
    """Recompute the file's SHA-256 and compare with what was recorded when it was rendered.

    An intact file names the client the report belongs to; a copy renamed as another client's
    report (``OTHER-12.html``) is CHANGED even though its bytes are intact."""
    require_file(path)
    digest = sha256_file(path)
    known = session.scalar(
        select(RenderedReport).where(RenderedReport.sha256 == digest).order_by(RenderedReport.id)
    )
    if known is not None:
        return _verify_known(session=session, path=path, known=known, digest=digest)
    by_path = session.scalars(
        select(RenderedReport)
        .where(RenderedReport.path.in_([str(path), str(path.resolve())]))
        .order_by(RenderedReport.id.desc())
    ).first()
    if by_path is None:
        by_name = session.scalars(select(RenderedReport).order_by(RenderedReport.id.desc())).all()
        by_path = next((r for r in by_name if Path(r.path).name == path.name), None)
    if by_path is not None:
        return Verification(
            False,
            f"CHANGED: {path} does not match the SHA-256 recorded for "
            f"report {by_path.id} ({by_path.sha256[:16]}…); it was "
            "modified after it was rendered",
            digest,
        )
    return Verification(
        False,
        f"UNKNOWN: no report with this content or name was rendered "
        f"by this database (SHA-256 {digest[:16]}…)",
        digest,
    )
