"""The report and onboard commands end to end: render, verify, roster, exposure, onboarding."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import tinyhtml5
from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.enums import LinkStatus, PartyKind, Tier
from duediligence.db.models import AuditEvent, Client, Party, RenderedReport, Signal
from duediligence.onboarding import guess_party_kind
from duediligence.reporting.context import roster_report
from tests.factories import make_assessment, make_client, make_entity, make_signal, make_watchlist


def _path(output: str) -> Path:
    return Path(output.strip().splitlines()[-1].split()[0])


def test_verify_intact_changed_and_unknown(cli: Any, case_session: Session, tmp_path: Path) -> None:
    result = cli("report", "client", "CS-BACKPAGE", "--format", "html", "--as", "auditor")
    assert result.exit_code == 0, result.output
    path = _path(result.output)
    assert path.is_file() and path.parent.name == "reports"
    ok = cli("report", "verify", str(path))
    assert ok.exit_code == 0 and "intact" in ok.output
    # a copy elsewhere is still intact: the content is what counts
    copy = tmp_path / "copy.html"
    copy.write_bytes(path.read_bytes())
    assert cli("report", "verify", str(copy)).exit_code == 0
    # change one byte
    data = bytearray(path.read_bytes())
    at = data.index(b"Backpage.com")
    data[at] = ord("b")
    path.write_bytes(bytes(data))
    changed = cli("report", "verify", str(path))
    assert changed.exit_code == 1
    assert "CHANGED" in changed.output
    # a file this database never rendered
    stranger = tmp_path / "stranger.html"
    stranger.write_text("<p>not a report</p>")
    unknown = cli("report", "verify", str(stranger))
    assert unknown.exit_code == 1 and "UNKNOWN" in unknown.output
    assert cli("report", "verify", str(tmp_path / "missing.html")).exit_code == 2


def test_verify_pdf_and_json(cli: Any, case_session: Session) -> None:
    for fmt in ("pdf", "json"):
        result = cli("report", "client", "CS-BACKPAGE", "--format", fmt)
        assert result.exit_code == 0, result.output
        path = _path(result.output)
        assert path.suffix == f".{fmt}"
        assert cli("report", "verify", str(path)).exit_code == 0
        path.write_bytes(path.read_bytes() + b"\n")
        assert cli("report", "verify", str(path)).exit_code == 1


def test_rendering_is_audited(cli: Any, case_session: Session) -> None:
    result = cli("report", "client", "CS-BACKPAGE", "--as", "auditor")
    assert result.exit_code == 0
    case_session.expire_all()
    event = case_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report.rendered")
    ).all()[-1]
    assert event.actor == "auditor" and event.after is not None
    record = case_session.scalars(select(RenderedReport)).all()[-1]
    assert event.after["sha256"] == record.sha256


def test_unknown_client_and_bad_date(cli: Any, case_session: Session) -> None:
    assert cli("report", "client", "NOPE").exit_code == 2
    assert cli("report", "client", "CS-BACKPAGE", "--as-of", "last week").exit_code == 2


def test_roster_report(cli: Any, case_session: Session, session: Session) -> None:
    # a tier change: a client assessed low, then high
    client = make_client(session, external_ref="R-UP", name="Rising Risk Ltd")
    make_assessment(session, client, tier=Tier.LOW, probability=0.1)
    make_assessment(
        session,
        client,
        tier=Tier.HIGH,
        probability=0.9,
        explanation={"summary": "high risk (p=0.90): test"},
    )
    session.commit()
    ctx = roster_report(session=session)
    assert ctx["clients"] == 4 and sum(ctx["tiers"].values()) == 4
    assert {"client": "R-UP", "from": "low", "to": "high"}.items() <= ctx["changes"][0].items()
    refs = [c["client"] for c in ctx["awaiting_review"]]
    assert "R-UP" in refs and "CS-BACKPAGE" not in refs  # Backpage has an effective decision
    assert ctx["top_risks"][0]["tier"] in ("high", "prohibited")
    result = cli("report", "roster")
    assert result.exit_code == 0, result.output
    html = _path(result.output).read_text(encoding="utf-8")
    tree = tinyhtml5.parse(html)
    ids = {el.get("id") for el in tree.iter() if el.get("id")}
    assert {"tiers", "changes", "top-risks", "awaiting-review", "integrity"} <= ids
    assert "Rising Risk Ltd" in html and html.count("<svg") == 1
    data = json.loads(_path(cli("report", "roster", "--format", "json").output).read_text())
    assert data.pop("signature")["statement"]["report"] == "roster"
    assert data == json.loads(json.dumps(ctx))


def test_exposure_report(cli: Any, case_session: Session) -> None:
    result = cli("report", "exposure", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(_path(result.output).read_text(encoding="utf-8"))
    rows = {c["client"]: c for c in data["clients"]}
    assert set(rows) == {"CS-BACKPAGE"}
    backpage = rows["CS-BACKPAGE"]
    assert backpage["knowable_since"] < "2013-11-15"
    assert len(backpage["engagements"]) >= 5 and backpage["tipping_signals"]
    assert all(e["date"] >= backpage["knowable_since"] for e in backpage["engagements"])
    assert data["engagements"] == len(backpage["engagements"])
    html = cli("report", "exposure")
    assert html.exit_code == 0
    text = _path(html.output).read_text(encoding="utf-8")
    assert "Backpage.com" in text and "First contract" in text


def test_onboard_end_to_end(cli: Any, session: Session, tmp_path: Path) -> None:
    snapshot = make_watchlist(session, "test-sanctions")
    make_entity(session, snapshot, "Ivan Petrovich Sidorov", source_id="SDN-77")
    make_signal(
        session,
        None,
        subject_name="Northwind Trading",
        title="Northwind Trading accused of laundering money for a cartel",
        text="Prosecutors said Northwind Trading moved cartel cash through shell companies.",
        published_at=date(2024, 3, 1),
        link_status=LinkStatus.UNLINKED,
    )
    session.commit()
    result = cli(
        "onboard",
        "--name",
        "Northwind Trading Ltd",
        "--country",
        "United Kingdom",
        "--website",
        "northwind.example",
        "--industry",
        "logistics",
        "--owner",
        "Ivan Petrovich Sidorov",
        "--owner",
        "Northwind Holdings LLC",
        "--products",
        "crm, analytics",
        "--as",
        "officer",
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "P-NORTHWIND-TRADING-LTD-GB" in out
    assert any(t in out for t in ("LOW", "MEDIUM", "HIGH", "PROHIBITED"))
    assert "why:" in out and "Ivan Petrovich Sidorov" in out and "SDN-77" in out
    assert "signals already held and linked: 1" in out
    path = Path(out.split("report: ", 1)[1].split()[0])
    assert path.is_file() and path.suffix == ".html"
    assert cli("report", "verify", str(path)).exit_code == 0
    html = path.read_text(encoding="utf-8")
    assert "Northwind Trading Ltd" in html and "laundering" in html
    session.expire_all()
    client = session.scalars(
        select(Client).where(Client.external_ref == "P-NORTHWIND-TRADING-LTD-GB")
    ).one()
    assert client.status.value == "prospect" and client.country == "GB"
    assert client.website == "https://northwind.example"
    kinds = {p.name: p.kind for p in session.scalars(select(Party))}
    assert kinds == {
        "Ivan Petrovich Sidorov": PartyKind.PERSON,
        "Northwind Holdings LLC": PartyKind.COMPANY,
    }
    signal = session.scalars(select(Signal)).one()
    assert signal.client_id == client.id and signal.label is not None
    actions = set(session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "officer")))
    assert {"client.onboarded", "match.created", "signal.linked", "report.rendered"} <= actions
    # onboarding the same prospect twice is refused
    again = cli("onboard", "--name", "Northwind Trading Ltd", "--country", "GB")
    assert again.exit_code == 1 and "already on file" in again.output


def test_onboard_from_file_json_and_errors(cli: Any, session: Session, tmp_path: Path) -> None:
    prospect = tmp_path / "prospect.json"
    prospect.write_text(
        json.dumps(
            {
                "name": "Quiet Bakery GmbH",
                "country": "DE",
                "industry": "restaurant",
                "owners": ["Anna Schmidt", {"name": "Brot Holding GmbH", "ownership_pct": 60}],
                "products": ["crm"],
            }
        )
    )
    result = cli("onboard", "--file", str(prospect), "--json", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ref"] == "P-QUIET-BAKERY-GMBH-DE" and data["tier"] == "low"
    assert data["hits"] == [] and data["names_screened"] == 3
    assert Path(data["report_path"]).suffix == ".json"
    report = json.loads(Path(data["report_path"]).read_text(encoding="utf-8"))
    assert report["subject"]["status"] == "prospect"
    assert {p["name"]: p["ownership_pct"] for p in report["parties"]} == {
        "Anna Schmidt": None,
        "Brot Holding GmbH": 60.0,
    }
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "X", "country": "Atlantis", "colour": "red"}))
    failed = cli("onboard", "--file", str(bad))
    assert failed.exit_code == 2 and "colour" in failed.output
    assert cli("onboard", "--name", "No Country Ltd").exit_code == 2
    assert cli("onboard", "--name", "X Ltd", "--country", "Narnia").exit_code == 2
    assert cli("onboard", "--name", "X", "--country", "GB", "--file", str(prospect)).exit_code == 2
    assert session.scalar(select(Client.id).where(Client.name == "X Ltd")) is None


def test_party_kind_guess() -> None:
    assert guess_party_kind("Camarillo Holdings LLC") == PartyKind.COMPANY
    assert guess_party_kind("Atlantische Bedrijven C.V.") == PartyKind.COMPANY
    assert guess_party_kind("Acme Trading Ltd") == PartyKind.COMPANY
    assert guess_party_kind("Maria Garcia Lopez") == PartyKind.PERSON


def test_onboard_prints_untrusted_names_verbatim(cli: Any, session: Session) -> None:
    result = cli("onboard", "--name", "Odd [/] [bold]Name[/bold] Ltd", "--country", "GB")
    assert result.exit_code == 0, result.output
    assert "Odd [/] [bold]Name[/bold] Ltd" in result.output
    assert "P-ODD-BOLD-NAME-BOLD-LTD-GB" in result.output


def test_once_users_exist_any_user_may_render_but_only_data_roles_onboard(
    cli: Any, case_session: Session
) -> None:
    from duediligence.accounts.users import add_user

    add_user(session=case_session, username="audrey", role="auditor", actor="admin")
    add_user(session=case_session, username="ana", role="analyst", actor="admin")
    case_session.commit()
    assert cli("report", "client", "CS-BACKPAGE", "--as", "audrey").exit_code == 0
    assert cli("report", "roster", "--as", "ana").exit_code == 0
    assert cli("report", "client", "CS-BACKPAGE", "--as", "nobody").exit_code == 4
    refused = cli("onboard", "--name", "New Co Ltd", "--country", "GB", "--as", "audrey")
    assert refused.exit_code == 4
    assert cli("onboard", "--name", "New Co Ltd", "--country", "GB", "--as", "ana").exit_code == 0
    case_session.expire_all()
    actors = set(
        case_session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "report.rendered"))
    )
    assert {"audrey", "ana"} <= actors


def test_prospect_references_are_transliterated(cli: Any, session: Session) -> None:
    result = cli("onboard", "--name", "Газпром нефть", "--country", "RU", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["ref"] == "P-GAZPROM-NEFT-RU"
    again = cli("onboard", "--name", "Société Générale", "--country", "FR", "--json")
    assert json.loads(again.output)["ref"] == "P-SOCIETE-GENERALE-FR"
