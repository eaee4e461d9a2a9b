"""Record the SHA-256 of every rendered report, and verify a file against it later."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.audit.trail import record_event
from duediligence.db.enums import ReportFormat, ReportKind
from duediligence.db.models import RenderedReport
from duediligence.errors import InputError
from duediligence.jsonutil import sha256_file


def record_report(
    session: Session,
    path: Path,
    *,
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
        session,
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


def verify_report(session: Session, path: Path) -> Verification:
    """Recompute the file's SHA-256 and compare with what was recorded when it was rendered."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    digest = sha256_file(path)
    known = session.scalar(
        select(RenderedReport).where(RenderedReport.sha256 == digest).order_by(RenderedReport.id)
    )
    if known is not None:
        return Verification(
            True,
            f"intact: matches report {known.id} ({known.kind.value}, "
            f"{known.format.value}) rendered {known.created_at:%Y-%m-%d %H:%M} "
            f"by {known.created_by}",
            digest,
        )
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
