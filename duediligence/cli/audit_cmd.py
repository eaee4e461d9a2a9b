"""``duediligence audit ...``: verify, read and export the tamper-evident audit trail."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from duediligence.cli.common import (
    acting_user,
    checkpoint_chain,
    db_session,
    err,
    out,
    print_json,
    with_credentials,
)

audit_app = typer.Typer(
    help=(
        "The audit trail: every state change, hash-chained. Read-only commands: any role.\n\n"
        "Example:\n\n    duediligence audit verify"
    ),
    no_args_is_help=True,
)


@audit_app.command("verify")
def verify(
    file: Path | None = typer.Option(
        None, "--file", help="Verify an export file instead of the database.", exists=True
    ),
    expect_head: str | None = typer.Option(
        None, "--expect-head", help="A head hash recorded earlier; detects a cut-off tail."
    ),
    checkpoints: Path | None = typer.Option(
        None,
        "--checkpoints",
        help="The signed checkpoint file (default: DD_CHECKPOINT_FILE; with --file, none).",
    ),
    public_key: list[Path] = typer.Option(
        [],
        "--public-key",
        help="A PEM public key checkpoints may be signed with (repeatable; default: every key "
        "in DD_KEYS_DIR/public).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Recompute the hash chain and check it against the signed checkpoints; report the first
    modified, deleted, inserted, reordered, rewritten or truncated event.

    Exit 0 when every event is intact, 1 at the first break.

    Example:

        duediligence audit verify
        duediligence audit verify --file audit-2026.jsonl --checkpoints audit-checkpoints.jsonl \\
            --public-key signing-key.pub.pem
    """
    from duediligence.audit import trail as lib
    from duediligence.audit.checkpoints import read_checkpoint_file, verify_with_checkpoints
    from duediligence.config import get_settings
    from duediligence.keys import fingerprint, load_public_key, public_keys

    settings = get_settings()
    keyring = (
        {fingerprint(k): k for k in map(load_public_key, public_key)}
        if public_key
        else public_keys(settings.keys_dir)
    )
    cp_path = checkpoints or (None if file is not None else settings.checkpoint_file)
    on_file = read_checkpoint_file(cp_path) if cp_path is not None else None
    if file is not None:
        report, status = verify_with_checkpoints(
            lib.read_export(file),
            public_keys=keyring,
            file_checkpoints=on_file,
            expect_head=expect_head,
        )
    else:
        with db_session() as session:
            report, status = verify_with_checkpoints(
                lib.iter_stored(session=session),
                public_keys=keyring,
                file_checkpoints=on_file,
                expect_head=expect_head,
            )
    anchor = status.anchor
    if as_json:
        print_json(
            {
                "ok": report.ok,
                **asdict(report),
                "checkpoint": anchor.as_dict() if anchor else None,
                "checkpoint_source": status.anchor_source or None,
                "warnings": status.warnings,
            }
        )
    elif report.problem is None:
        redacted = f" ({report.redacted} redacted by retention purges)" if report.redacted else ""
        out.print(f"audit trail intact: all {report.count} events verified{redacted}")
        out.print(f"head: event {report.head_sequence} {report.head_hash}")
        if anchor is not None:
            source = "checkpoint file" if status.anchor_source == "file" else "chain"
            out.print(
                f"signed checkpoint: event {anchor.sequence} at {anchor.time} by {anchor.signer} "
                f"(key {anchor.key[:16]}), from the {source}; "
                f"{status.file_checkpoints} in the file and {status.chain_checkpoints} in the "
                "chain verified",
                highlight=False,
                markup=False,
            )
        else:
            out.print(
                "no signed checkpoint yet: events cut off the end would not be noticed "
                "(run 'duediligence audit checkpoint')"
            )
    else:
        p = report.problem
        at = f"event {p.sequence}" if p.sequence else "its checkpoints"
        err.print(f"audit trail BROKEN at {at} ({p.kind}): {p.message}", markup=False)
        err.print(f"{report.count} events before it verified")
    for warning in status.warnings:
        err.print(f"warning: {warning}", markup=False, highlight=False)
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("checkpoint")
@with_credentials()
def checkpoint(as_user: str | None = typer.Option(None, "--as", help="Acting user.")) -> None:
    """Sign the chain head with the installation key; append it to the chain and to the
    checkpoint file (DD_CHECKPOINT_FILE). Imports, re-scoring runs and decisions do this
    automatically at their end.

    Example:

        duediligence audit checkpoint
    """
    from duediligence.config import get_settings

    cp = checkpoint_chain(acting_user(as_user, check=False))
    out.print(
        f"checkpoint: event {cp.sequence} {cp.hash} signed by {cp.signer} (key {cp.key[:16]}) "
        f"at {cp.time}; appended to {get_settings().checkpoint_file}",
        highlight=False,
        markup=False,
    )


# Keys shown first in the one-line summary of an event's payload.
_SUMMARY_KEYS = ("action", "status", "tier", "role", "reason", "subject", "entity", "kind", "rows")


def _summary(payload: object) -> str:
    """A short, readable line for an event's before/after payload."""
    from duediligence.audit import trail as lib
    from duediligence.jsonutil import canonical_json

    if payload is None:
        return ""
    if not isinstance(payload, dict):
        return canonical_json(payload)
    if lib.is_redacted(payload):
        return "(redacted by a retention purge)"
    keys = [k for k in _SUMMARY_KEYS if k in payload]
    keys += sorted(k for k in payload if k not in keys)
    parts = [
        f"{k}={v}"
        for k in keys
        if not isinstance(v := payload[k], dict | list) and v is not None and not k.endswith("_id")
    ]
    return ", ".join(parts)


@audit_app.command("log")
def log(
    client: str | None = typer.Option(None, "--client", help="Only events of this client."),
    since: datetime | None = typer.Option(
        None,
        "--since",
        help="Only events at or after this date/time (UTC).",
        formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
    ),
    action: str | None = typer.Option(
        None, "--action", help="Only actions starting with this (e.g. decision.)."
    ),
    limit: int | None = typer.Option(None, "--limit", help="Only the last N events."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Show audit events, oldest first.

    Example:

        duediligence audit log --client CS-BACKPAGE --since 2026-01-01 --json
    """
    from duediligence.audit import trail as lib

    with db_session() as session:
        client_id = None
        if client is not None:
            from duediligence.db.queries import resolve_client

            client_id = resolve_client(session=session, ref=client).id
        if since is not None and since.tzinfo is None:
            from datetime import UTC

            since = since.replace(tzinfo=UTC)
        rows = [
            lib.event_record(e)
            for e in lib.audit_log(
                session=session, client_id=client_id, since=since, action=action, limit=limit
            )
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("seq", "time (UTC)", "actor", "action", "object", "details")
    for r in rows:
        text = _summary(r["after"] if r["after"] is not None else r["before"])
        table.add_row(
            str(r["sequence"]),
            r["occurred_at"].strftime("%Y-%m-%d %H:%M:%S"),
            r["actor"] + (f" ({r['auth']})" if r.get("auth") else ""),
            r["action"],
            f"{r['object_type']} {r['object_id'] or ''}".strip(),
            text if len(text) <= 80 else text[:77] + "...",
        )
    out.print(table)
    out.print(f"{len(rows)} events")


@audit_app.command("export")
def export(path: Path = typer.Argument(..., help="The JSON Lines file to write.")) -> None:
    """Export every event as JSON Lines for auditors (verifiable offline with verify --file).

    Example:

        duediligence audit export audit-2026.jsonl
    """
    from duediligence.audit import trail as lib

    with db_session() as session:
        result = lib.export_events(session=session, path=path)
    out.print(f"exported {result.count} events to {result.path}")
    out.print(f"head hash {result.head_hash}; file sha256 {result.sha256}")


def register(app: typer.Typer) -> None:
    """Attach the ``audit`` group."""
    app.add_typer(audit_app, name="audit")
