"""Onboarding reads the news already held about a new prospect *about that prospect*."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.enums import LinkStatus
from duediligence.db.models import Signal
from duediligence.onboarding import onboard
from tests.factories import make_signal

MODELS = Path(__file__).resolve().parents[2] / "models"


def test_held_news_labelled_without_a_subject_is_read_again_about_the_prospect(
    session: Session, tmp_path: Path
) -> None:
    """An item held before the prospect existed was classified without a subject: the words
    "scam ring" made it look like cybercrime. Once onboarding links it to the prospect it is
    read again about the prospect — which helped the police — so it is not the prospect's own
    adverse media and the verdict stays LOW. (Onboarding used to re-read only unlabelled items.)
    """
    held = make_signal(
        session,
        None,
        title="Kestrel Analytics helps police uncover romance scam ring",
        text="Data from Kestrel Analytics helped detectives identify the gang, which defrauded "
        "pensioners of 2 million pounds. Five men were charged with fraud.",
        published_at=date(2024, 3, 13),
        link_status=LinkStatus.UNLINKED,
        label="cybercrime",
        adverse_probability=0.68,
        model_version="signals-old",
    )
    session.commit()
    result = onboard(
        session=session,
        prospect={"name": "Kestrel Analytics Ltd", "country": "GB", "industry": "software"},
        actor="system",
        reports_dir=tmp_path,
        models_dir=MODELS,
    )
    session.expire_all()
    signal = session.scalars(select(Signal).where(Signal.id == held.id)).one()
    assert signal.client_id is not None and signal.role == "mentioned"
    assert signal.label == "none" and signal.model_version != "signals-old"
    assert result.tier == "low", result.headline
