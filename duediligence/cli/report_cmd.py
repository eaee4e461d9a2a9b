"""``duediligence report ...``: render and verify review reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer

from duediligence.cli.common import (
    acting_user,
    db_session,
    installation_signer,
    out,
    parse_date,
    print_json,
    with_credentials,
)
from duediligence.db.enums import ReportFormat, Role

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

report_app = typer.Typer(
    help="Review reports.\n\nExample:\n\n    duediligence report client CS-BACKPAGE --format pdf",
    no_args_is_help=True,
)
FORMAT_OPT = typer.Option(ReportFormat.HTML, "--format", help="html, pdf or json.")
OUTPUT_OPT = typer.Option(None, "--output", help="File to write (default: under DD_REPORTS_DIR).")
AS_OPT = typer.Option(None, "--as", help="Acting user (default: DD_USER).")


def report_actor(*, session: Session, as_user: str | None) -> str:
    """Who renders the report: once users exist, any active user (auditors included)."""
    from duediligence.accounts.users import check_actor

    name = acting_user(as_user, check=False)
    return check_actor(
        session=session, username=None if name == "system" else name, roles=tuple(Role)
    )


@report_app.command("client")
@with_credentials()
def client(
    client_ref: str = typer.Argument(..., metavar="CLIENT", help="The client's reference."),
    as_of: str | None = typer.Option(None, "--as-of", help="Report on an assessment as of DATE."),
    fmt: ReportFormat = FORMAT_OPT,
    output: Path | None = OUTPUT_OPT,
    as_user: str | None = AS_OPT,
) -> None:
    """Render a client's review report from its current stored assessment (or its newest one
    as of --as-of); prints the file path and its SHA-256. A report never assesses: with no
    such assessment it exits 2 and says to run `duediligence assess CLIENT` first.

    Example:

        duediligence report client CS-BACKPAGE --as-of 2013-11-01 --format pdf
    """
    from duediligence.config import get_settings
    from duediligence.reporting.render import render_client_report

    with db_session() as session:
        path, record = render_client_report(
            session=session,
            client=client_ref,
            fmt=fmt,
            as_of=parse_date(as_of, "--as-of"),
            output=output,
            reports_dir=get_settings().reports_dir,
            actor=report_actor(session=session, as_user=as_user),
            signer=installation_signer(),
        )
        _print_rendered(path, record.sha256)


def _roster_report(
    kind: Literal["roster", "exposure"], fmt: ReportFormat, output: Path | None, as_user: str | None
) -> None:
    """Render a report on the whole roster (``roster`` or ``exposure``) and print where it is."""
    from duediligence.config import get_settings
    from duediligence.reporting.render import render_roster_report

    with db_session() as session:
        path, record = render_roster_report(
            session=session,
            fmt=fmt,
            output=output,
            reports_dir=get_settings().reports_dir,
            actor=report_actor(session=session, as_user=as_user),
            kind=kind,
            signer=installation_signer(),
        )
        _print_rendered(path, record.sha256)


def _print_rendered(path: Path, sha256: str) -> None:
    out.print(f"{path}  (sha256 {sha256})", highlight=False, markup=False)


@report_app.command("roster")
@with_credentials()
def roster(
    fmt: ReportFormat = FORMAT_OPT, output: Path | None = OUTPUT_OPT, as_user: str | None = AS_OPT
) -> None:
    """Render the roster report: tiers, changes, top risks, review backlog.

    Example:

        duediligence report roster --format html
    """
    _roster_report("roster", fmt, output, as_user)


@report_app.command("exposure")
@with_credentials()
def exposure(
    fmt: ReportFormat = typer.Option(
        ReportFormat.HTML, "--format", help="html, pdf, json or csv (one row per engagement)."
    ),
    output: Path | None = OUTPUT_OPT,
    as_user: str | None = AS_OPT,
) -> None:
    """Render the exposure report: engagements with clients while they were high risk (csv too).

    Example:

        duediligence report exposure --format csv
    """
    _roster_report("exposure", fmt, output, as_user)


@report_app.command("verify")
def verify(
    path: Path = typer.Argument(..., help="A rendered report file (HTML, PDF or JSON)."),
    public_key: Path | None = typer.Option(
        None,
        "--public-key",
        help="The signer's public key (PEM). Default: every key this installation has used "
        "(DD_KEYS_DIR/public).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Check a report's signature offline, without the database: INTACT, CHANGED (a byte, the
    embedded JSON form or the name as another client's report), NOT SIGNED BY THIS KEY, or NOT
    SIGNED; says who signed, when, which client and assessment. Exit 0 only when INTACT.

    A file without a signature (rendered before reports were signed) is checked against the
    SHA-256 recorded in the database instead, unless --public-key is given.

    Example:

        duediligence report verify CS-BACKPAGE-300.pdf --public-key signing-key.pub.pem
    """
    from duediligence.config import get_settings
    from duediligence.keys import fingerprint, load_public_key, public_keys
    from duediligence.reporting.integrity import verify_report
    from duediligence.reporting.signing import NOT_SIGNED, describe, verify_with_keys

    keys = (
        {fingerprint(k): k for k in [load_public_key(public_key)]}
        if public_key is not None
        else public_keys(get_settings().keys_dir)
    )
    check = verify_with_keys(path, keys)
    if check.verdict == NOT_SIGNED and public_key is None:
        with db_session() as session:
            legacy = verify_report(session=session, path=path)
        out.print(legacy.message, highlight=False, markup=False)
        if not legacy.intact:
            raise typer.Exit(1)
        return
    if as_json:
        print_json(
            {
                "verdict": check.verdict,
                "intact": check.intact,
                "file": str(path),
                "statement": check.statement,
                "reasons": list(check.reasons),
                "notes": list(check.notes),
            }
        )
    else:
        out.print(f"{check.verdict}: {path}", highlight=False, markup=False)
        claims = describe(check)
        if claims and not check.intact:
            claims = ["what the file claims to be:", *(f"  {c}" for c in claims)]
        for line in [*check.reasons, *claims, *check.notes]:
            out.print(f"  {line}", highlight=False, markup=False)
    if not check.intact:
        raise typer.Exit(1)


@report_app.command("pack")
@with_credentials()
def pack(
    client_ref: str = typer.Argument(..., metavar="CLIENT", help="The client's reference."),
    as_of: str | None = typer.Option(None, "--as-of", help="The assessment as of DATE."),
    output: Path | None = typer.Option(
        None, "--output", help="Zip file or folder (default: DD_REPORTS_DIR)."
    ),
    as_user: str | None = AS_OPT,
) -> None:
    """Write one zip an auditor verifies offline: the signed HTML, PDF and JSON reports, the
    list snapshots used, the client's audit events with the chain up to a signed checkpoint,
    the model cards and artifact hashes, the public key and a README.

    Example:

        duediligence report pack CS-BACKPAGE --output evidence/
    """
    from duediligence.config import get_settings
    from duediligence.reporting.pack import build_pack

    settings = get_settings()
    signer = installation_signer()
    with db_session() as session:
        result = build_pack(
            session=session,
            client=client_ref,
            as_of=parse_date(as_of, "--as-of"),
            output=output,
            reports_dir=settings.reports_dir,
            models_dir=settings.models_dir,
            signer=signer,
            checkpoint_file=settings.checkpoint_file,
            actor=report_actor(session=session, as_user=as_user),
        )
    out.print(f"{result.path}  (sha256 {result.sha256})", highlight=False, markup=False)
    out.print(
        f"{result.files} files; audit chain of {result.events} events ({result.client_events} of "
        f"the client) up to the checkpoint at event {result.checkpoint.sequence}; signed by "
        f"{signer.name} (key {signer.fingerprint[:16]})",
        highlight=False,
        markup=False,
    )


@report_app.command("verify-pack")
def verify_pack_(
    path: Path = typer.Argument(..., help="An evidence pack (zip)."),
    public_key: Path = typer.Option(
        ..., "--public-key", help="The signer's public key (PEM), obtained from the vendor."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Check an evidence pack offline, without the database: every file's signed hash, the
    reports' signatures, lists and models against the report, and the audit chain up to its
    signed checkpoint. Exit 0 when everything verifies, 1 otherwise (every problem listed).

    Example:

        duediligence report verify-pack CS-BACKPAGE-300-evidence.zip --public-key KEY.pem
    """
    from duediligence.keys import load_public_key
    from duediligence.reporting.pack import verify_pack

    check = verify_pack(path, load_public_key(public_key))
    if as_json:
        print_json(
            {
                "ok": check.ok,
                "statement": check.statement,
                "problems": check.problems,
                "checked": check.checked,
            }
        )
    else:
        s = check.statement or {}
        verdict = "INTACT" if check.ok else "NOT VERIFIED"
        out.print(f"{verdict}: {path}", highlight=False, markup=False)
        if s:
            out.print(
                f"  evidence on {s.get('client')} ({s.get('client_name')}), assessment "
                f"{s.get('assessment')} as of {s.get('as_of')}",
                highlight=False,
                markup=False,
            )
        for line in check.checked:
            out.print(f"  verified: {line}", highlight=False, markup=False)
        for line in check.problems:
            out.print(f"  PROBLEM: {line}", highlight=False, markup=False)
    if not check.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Attach the ``report`` group."""
    app.add_typer(report_app, name="report")
