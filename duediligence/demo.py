"""The whole main job on the sample data, as a sequence of named steps.

Each step is a library call and returns a one-line summary; the CLI prints them. Every step is
idempotent, so running the demo twice changes nothing the second time but the new assessments.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from duediligence.db import migrate
from duediligence.db.models import Client, Signal
from duediligence.db.queries import utc_today
from duediligence.db.session import session_scope
from duediligence.errors import ConfigError
from duediligence.ingest.roster import import_file
from duediligence.ingest.watchlists import import_watchlist
from duediligence.keys import installation_signer
from duediligence.modelstore import activate_model, active_versions, sync_active_from_disk
from duediligence.shipped import (
    IMPORT_ORDER,
    sample_data_dir,
    shared_data_dir,
    shipped_models_dir,
)

log = logging.getLogger(__name__)

ACTOR = "demo"
CASE_STUDY = ("CS-BACKPAGE", "CS-SAFEMARKET", "CS-DISMISSED")


@dataclass
class StepResult:
    """What one demo step did."""

    name: str
    summary: str


def _import_sample(engine: Engine) -> str:
    folder = sample_data_dir()
    counts = []
    with session_scope(engine) as session:
        for kind, name in IMPORT_ORDER:
            result = import_file(session=session, path=folder / name, kind=kind, actor=ACTOR)  # type: ignore[arg-type]
            counts.append(f"{name}: {result.inserted} new")
    return "; ".join(counts)


def _lists(engine: Engine) -> str:
    shared = shared_data_dir() / "watchlists"
    # OFAC's legacy CSV carries no dates at all and the shared data names only the list's year,
    # so the demo gives the last day of 2021: the earliest day on which the list can be shown to
    # have been public. The UN XML carries its own dateGenerated and LISTED_ON dates.
    sources = [
        (shared / "ofac-sdn-2021", "ofac", date(2021, 12, 31)),
        (shared / "un" / "consolidated.xml", "un", None),
    ]
    done = []
    for path, fmt, published in sources:
        if not path.exists():
            done.append(f"{fmt}: not found at {path} (skipped; set DD_SHARED_DATA)")
            continue
        with session_scope(engine) as session:
            r = import_watchlist(
                session=session,
                path=path,
                fmt=fmt,  # type: ignore[arg-type]
                published=published,
                actor=ACTOR,
            )
        done.append(
            f"{r.watchlist}: {r.entity_count} entities"
            + ("" if r.created else " (already imported)")
        )
    return "; ".join(done)


def copy_shipped_models(models_dir: Path) -> list[str]:
    """Copy the models shipped with duediligence (:func:`~duediligence.shipped.shipped_models_dir`:
    ``active.json``, artifacts, manifests, model cards) into ``models_dir``, which must not
    exist yet; return the names copied. An installed product runs the demo from any folder,
    whose default ``DD_MODELS_DIR`` (``models``) does not exist: the demo gives it the shipped
    models there rather than training or activating models inside the installed package.
    :class:`ConfigError` when this copy of duediligence ships no models."""
    source = shipped_models_dir()
    if not (source / "active.json").is_file():
        raise ConfigError(
            f"models directory not found: {models_dir.resolve()}, and no shipped models in "
            f"{source}; set DD_MODELS_DIR to the folder holding the trained models"
        )
    models_dir.mkdir(parents=True)
    names = []
    for path in sorted(source.iterdir()):
        if path.is_file():
            shutil.copy2(path, models_dir / path.name)
            names.append(path.name)
    return names


def _models(engine: Engine, models_dir: Path) -> str:
    copied = ""
    if not models_dir.exists():
        names = copy_shipped_models(models_dir)
        copied = f"copied {len(names)} shipped model files to {models_dir}; "
    if "signals" not in active_versions(models_dir):
        # No shipped classifier here (an empty DD_MODELS_DIR): reproduce it from the corpus
        # and the real news in DD_SHARED_DATA (an InputError names the file if it is missing).
        from duediligence.signals.training import train_signals_model

        manifest = train_signals_model(models_dir)
        with session_scope(engine) as session:
            activate_model(
                session=session, models_dir=models_dir, version=manifest.version, actor=ACTOR
            )
    with session_scope(engine) as session:
        activated = sync_active_from_disk(session=session, models_dir=models_dir, actor=ACTOR)
    return copied + "active models: " + (", ".join(activated) or "none shipped")


def _classify(engine: Engine, models_dir: Path) -> str:
    from duediligence.signals import annotate_signals

    with session_scope(engine) as session:
        todo = list(session.scalars(select(Signal).where(Signal.label.is_(None))))
        n = annotate_signals(session=session, signals=todo, models_dir=models_dir)
        adverse = sum(1 for s in todo if s.label != "none")
    return f"classified {n} signals ({adverse} adverse)"


def _screen(engine: Engine, models_dir: Path) -> str:
    from duediligence.matching import link_signals, screen_clients
    from duediligence.signals import classify_stored_signals

    with session_scope(engine) as session:
        r = screen_clients(session=session, actor=ACTOR)
        linked = link_signals(session=session, actor=ACTOR)
        # news linked just now was classified without its client: read it again about them
        relabelled = classify_stored_signals(session=session, models_dir=models_dir, actor=ACTOR)
    return (
        f"screened {r.subjects} names: {r.new_matches} new matches; news linked "
        f"{linked.linked}, ambiguous {linked.ambiguous}; {relabelled} re-read about their client"
    )


def _risk_model(engine: Engine, models_dir: Path) -> str:
    if "risk" in active_versions(models_dir):
        return f"using the shipped risk model {active_versions(models_dir)['risk']}"
    from duediligence.risk.training import train_risk_model

    with session_scope(engine) as session:
        manifest = train_risk_model(session=session, models_dir=models_dir, actor=ACTOR)
        activate_model(
            session=session, models_dir=models_dir, version=manifest.version, actor=ACTOR
        )
    m = manifest.metrics
    return f"trained {manifest.version}: CV ROC-AUC {m['roc_auc']:.3f}, PR-AUC {m['pr_auc']:.3f}"


def _score(engine: Engine) -> str:
    from duediligence.risk import score_clients, store_results

    with session_scope(engine) as session:
        ids = list(session.scalars(select(Client.id).order_by(Client.id)))
        results = score_clients(session=session, client_ids=ids, as_of=utc_today())
        store_results(session=session, results=results, actor=ACTOR)
    tiers: dict[str, int] = {}
    for r in results:
        tiers[r.tier.value] = tiers.get(r.tier.value, 0) + 1
    held = sum(1 for r in results if r.state.value == "on_hold")
    return "assessed {} clients: {}; {} on hold for potential watch-list matches".format(
        len(results), ", ".join(f"{k} {v}" for k, v in sorted(tiers.items())), held
    )


def _knowability(engine: Engine) -> str:
    from duediligence.risk.knowability import knowability

    lines = []
    with session_scope(engine) as session:
        for ref in CASE_STUDY:
            k = knowability(session=session, client=ref)
            if k.knowable_since:
                lines.append(
                    f"{ref}: high risk knowable since {k.knowable_since}, "
                    f"{len(k.engagements_after)} engagements after"
                )
            else:
                lines.append(f"{ref}: never high risk")
    return "; ".join(lines)


def _reports(engine: Engine) -> str:
    from duediligence.config import get_settings
    from duediligence.db.enums import ReportFormat
    from duediligence.reporting.render import render_client_report, render_roster_report

    reports_dir = get_settings().reports_dir
    signer = installation_signer(get_settings().keys_dir)
    paths = []
    with session_scope(engine) as session:
        for ref in CASE_STUDY:
            path, _ = render_client_report(
                session=session, client=ref, reports_dir=reports_dir, actor=ACTOR, signer=signer
            )
            paths.append(path)
        path, _ = render_client_report(
            session=session,
            client=CASE_STUDY[0],
            fmt=ReportFormat.PDF,
            reports_dir=reports_dir,
            actor=ACTOR,
            signer=signer,
        )
        paths.append(path)
        for kind in ("roster", "exposure"):
            path, _ = render_roster_report(
                session=session, reports_dir=reports_dir, actor=ACTOR, kind=kind, signer=signer
            )
            paths.append(path)
    return f"{len(paths)} reports in {reports_dir}: " + ", ".join(p.name for p in paths)


def steps(engine: Engine, models_dir: Path) -> Iterator[tuple[str, Callable[[], str]]]:
    """The demo's steps, in order, as ``(name, run)`` pairs."""
    yield "database", lambda: f"at revision {_upgrade(engine)}"
    yield "signing key", _signing_key
    yield "sample data", lambda: _import_sample(engine)
    yield "watch lists", lambda: _lists(engine)
    yield "models", lambda: _models(engine, models_dir)
    yield "classify", lambda: _classify(engine, models_dir)
    yield "screen", lambda: _screen(engine, models_dir)
    yield "risk model", lambda: _risk_model(engine, models_dir)
    yield "score", lambda: _score(engine)
    yield "knowability", lambda: _knowability(engine)
    yield "review", lambda: _review(engine)
    yield "reports", lambda: _reports(engine)
    yield "audit", lambda: _audit(engine)


def _upgrade(engine: Engine) -> str | None:
    migrate.upgrade(engine, "head")
    return migrate.current_revision(engine)


def _review(engine: Engine) -> str:
    from duediligence.review.demo_seed import seed_demo_review

    with session_scope(engine) as session:
        return seed_demo_review(session=session, client_ref=CASE_STUDY[0])


def _signing_key() -> str:
    from duediligence.config import get_settings
    from duediligence.keys import PRIVATE_KEY_FILE, PUBLIC_DIR, init_key, key_info

    keys_dir = get_settings().keys_dir
    if not (keys_dir / PRIVATE_KEY_FILE).exists():
        init_key(keys_dir)
    info = key_info(keys_dir)
    return (
        f"{info.name}, key {info.short} in {keys_dir} (public key: "
        f"{keys_dir / PUBLIC_DIR / (info.short + '.pem')})"
    )


def _audit(engine: Engine) -> str:
    from duediligence.audit.checkpoints import (
        checkpoint_on_commit,
        read_checkpoint_file,
        verify_with_checkpoints,
    )
    from duediligence.audit.trail import iter_stored
    from duediligence.config import get_settings
    from duediligence.keys import public_keys

    settings = get_settings()
    with session_scope(engine) as session:
        checkpoint_on_commit(
            session=session,
            signer=installation_signer(settings.keys_dir),
            path=settings.checkpoint_file,
            actor=ACTOR,
        )
    with session_scope(engine) as session:
        report, status = verify_with_checkpoints(
            iter_stored(session=session),
            public_keys=public_keys(settings.keys_dir),
            file_checkpoints=read_checkpoint_file(settings.checkpoint_file),
        )
    if report.problem is not None:
        return f"audit trail BROKEN at event {report.problem.sequence}: {report.problem.message}"
    text = f"audit trail intact: all {report.count} events verified"
    if status.anchor is not None:
        text += (
            f"; signed checkpoint at event {status.anchor.sequence} in {settings.checkpoint_file}"
        )
    return text
