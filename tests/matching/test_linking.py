"""News linking (issue 17): the gazetteer finds clients and their parties in article text, and the
decision links, leaves ambiguous or leaves unlinked, with evidence. Real databases, factories."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from duediligence.db.enums import LinkStatus, PartyKind, PartyRole
from duediligence.db.models import AuditEvent, Signal, SignalLinkRejection
from duediligence.matching import link_signals
from duediligence.matching.gazetteer import Gazetteer, name_forms, tokenize, word_key
from duediligence.matching.linking import (
    PARTIAL_CAP,
    Document,
    accused_in,
    build_gazetteer,
    score_candidates,
)
from tests.factories import make_client, make_party, make_signal

EVIDENCE_KEYS = {
    "mention",
    "sentence",
    "where",
    "count",
    "matched_name",
    "via",
    "party_role",
    "score",
    "reasons",
}


def _link(session: Session, *signals: Signal) -> None:
    session.commit()
    link_signals(session=session, signals=list(signals), actor="ann")
    session.commit()


# ----------------------------------------------------------------------------- the gazetteer


def test_word_keys_fold_possessives_case_and_scripts() -> None:
    assert word_key("HSBC's") == word_key("hsbc") == "hsbc"
    assert word_key("Sotheby’s") == "sotheby"
    assert word_key("O'Brien") == "obrien"
    assert word_key("Chrétien") == "chretien"
    assert [t.key for t in tokenize("Cho Ju-bin")] == ["cho", "ju", "bin"]
    assert [t.key for t in tokenize("刘涛 was fined")] == ["liu", "tao", "was", "fined"]


def test_name_forms_drop_legal_forms_honorifics_and_keep_order() -> None:
    company = dict((keys, form) for form, keys in name_forms("Harbor Logistics Ltd", person=False))
    assert company[("harbor", "logistics")] == "full"
    assert ("harbor", "logistics", "ltd") not in company
    person = dict((keys, form) for form, keys in name_forms("Dr. Maria Kowalski", person=True))
    assert person[("maria", "kowalski")] == "full" and person[("kowalski",)] == "surname"
    # lists' "FAMILY, Given" is read in running order
    salek = dict((keys, form) for form, keys in name_forms("SALEK, Abdulhai", person=True))
    assert ("abdulhai", "salek") in salek
    # word order is kept: "Liu Tao" is not a form of "Tao Liu"
    assert ("liu", "tao") not in dict((k, f) for f, k in name_forms("Tao Liu", person=True))


def test_scan_finds_the_longest_capitalised_form_only() -> None:
    g = Gazetteer()
    g.add_client(1, "C1", "Bank of China")
    g.add_client(2, "C2", "China Trading Ltd")
    doc = Document.of("Bank of China fined", "the bank of china said nothing.")
    found = score_candidates(g, doc)
    assert [g.clients[c.client].ref for c in found] == ["C1"]
    assert found[0].evidence["count"] == 1  # the lower-case words are not a name


def test_a_family_name_joined_to_a_first_word_by_a_connector_is_that_persons() -> None:
    """ "Rifaat al-Assad: ..." opening a headline names Rifaat, not Bashar al-Assad by his
    family name (a sentence's first word is otherwise not taken as part of a name)."""
    g = Gazetteer()
    g.add_client(1, "C1", "Bashar al-Assad")
    doc = Document.of("Rifaat al-Assad: uncle jailed in France", "The court ruled on Monday.")
    assert score_candidates(g, doc) == []
    opening = Document.of("Assad ally jailed in France", "The court ruled on Monday.")
    assert [c.evidence["mention"] for c in score_candidates(g, opening)] == ["Assad"]


# ----------------------------------------------------------------------------- where and how


def test_headline_only_mention_links(session: Session) -> None:
    client = make_client(session, name="Quarry Manufacturing GmbH", country="DE")
    signal = make_signal(
        session,
        title="Quarry Manufacturing fined over forged safety records",
        text="Regulators imposed the penalty on Tuesday. The company said it would appeal.",
    )
    _link(session, signal)
    assert signal.client_id == client.id and signal.link_status == LinkStatus.LINKED
    evidence = signal.link_evidence
    assert set(evidence) == EVIDENCE_KEYS
    assert evidence["where"] == "headline" and evidence["mention"] == "Quarry Manufacturing"
    assert evidence["matched_name"] == "Quarry Manufacturing GmbH" and evidence["via"] == "client"
    assert "headline mention" in evidence["reasons"]
    assert evidence["sentence"] == "Quarry Manufacturing fined over forged safety records"
    assert signal.link_party_id is None


def test_body_only_mentions_link_and_a_passing_mention_does_not(session: Session) -> None:
    client = make_client(session, name="Harbor Logistics", country="US")
    about = make_signal(
        session,
        title="Regulator fines freight forwarder",
        text=(
            "Harbor Logistics was fined $2m on Monday for false customs declarations.\n\n"
            "Harbor Logistics said it would appeal. Analysts said Harbor Logistics faces more "
            "scrutiny."
        ),
    )
    passing = make_signal(
        session,
        title="Ports report record volumes",
        text="Volumes rose 8%.\n\nShippers were busy.\n\nOne customer, Harbor Logistics, declined "
        "to comment.",
    )
    _link(session, about, passing)
    assert about.client_id == client.id
    assert about.link_evidence["where"] == "first paragraph"
    assert about.link_evidence["count"] == 3
    assert passing.client_id is None and passing.link_status == LinkStatus.UNLINKED


def test_possessives_and_honorifics(session: Session) -> None:
    bank = make_client(session, name="HSBC Holdings plc", aliases=["HSBC"], country="GB")
    person = make_client(session, name="Jan Novak", country="CZ", industry="consulting")
    possessive = make_signal(
        session,
        title="HSBC's compliance unit fined over laundering controls",
        text="The bank's regulator said HSBC had failed to monitor accounts.",
    )
    honorific = make_signal(
        session,
        title="Consultant charged with bribery",
        text="Mr Jan Novak, a Czech consultant, was charged on Monday.\n\nMr Novak denies it.",
    )
    _link(session, possessive, honorific)
    assert possessive.client_id == bank.id
    assert possessive.link_evidence["mention"] == "HSBC's"
    assert possessive.link_evidence["via"] == "alias"
    assert honorific.client_id == person.id
    evidence = honorific.link_evidence
    assert evidence["count"] == 2  # the full name, then "Mr Novak"
    assert "with an honorific" in evidence["reasons"]
    assert "country CZ in a clause naming it" in evidence["reasons"]


def test_the_one_acting_or_a_patron_earns_no_headline_points(session: Session) -> None:
    """ "Authority fines X": the item is about X, not the authority; "A's nominee B": about B."""
    authority = make_client(session, name="Coastal Markets Authority", country=None)
    quarry = make_client(session, name="Quarry Manufacturing", country=None)
    patron = make_client(session, name="Anna Varga", country=None)
    nominee = make_client(session, name="Dana Whitcombe", country=None)
    fined = make_signal(
        session,
        title="Coastal Markets Authority fines Quarry Manufacturing over forged records",
        text="Quarry Manufacturing said it would appeal.",
    )
    nominated = make_signal(
        session,
        title="Anna Varga's nominee Dana Whitcombe faces bribery questions",
        text="Dana Whitcombe denied any wrongdoing.",
    )
    _link(session, fined, nominated)
    assert fined.client_id == quarry.id != authority.id
    assert nominated.client_id == nominee.id != patron.id
    found = score_candidates(build_gazetteer(session=session), Document.of(fined.title, fined.text))
    acting = next(c for c in found if c.evidence["matched_name"] == "Coastal Markets Authority")
    assert "named as acting against someone else (fines)" in acting.evidence["reasons"]
    assert "headline mention" not in acting.evidence["reasons"]


def test_an_owner_named_before_its_subsidiary_earns_no_headline_points(session: Session) -> None:
    """ "Meridian Capital's Orchid Payments fined": the item is about Orchid Payments; a
    nationality after the possessive ("Meridian Capital's Estonian unit") is no other name."""
    owner = make_client(session, name="Meridian Capital", country=None)
    unit = make_client(session, name="Orchid Payments", country=None)
    subsidiary = make_signal(
        session,
        title="Meridian Capital's Orchid Payments fined over laundering controls",
        text="Orchid Payments said it had improved its checks.",
    )
    branch = make_signal(
        session,
        title="Meridian Capital's Estonian unit fined over laundering controls",
        text="The unit said it had improved its checks.",
    )
    _link(session, subsidiary, branch)
    assert subsidiary.client_id == unit.id != owner.id
    assert branch.client_id == owner.id
    found = score_candidates(
        build_gazetteer(session=session), Document.of(subsidiary.title, subsidiary.text)
    )
    parent = next(c for c in found if c.evidence["matched_name"] == "Meridian Capital")
    assert "named as the owner of Orchid" in parent.evidence["reasons"]


# ----------------------------------------------------------------------------- same names


def test_same_name_told_apart_by_country_or_left_ambiguous(session: Session) -> None:
    us = make_client(session, name="Harbor Logistics", country="US")
    gb = make_client(session, name="Harbor Logistics Ltd", country="GB")
    british = make_signal(
        session,
        title="British freight firm Harbor Logistics fined",
        text="The penalty was the largest this year.",
    )
    unclear = make_signal(
        session, title="Harbor Logistics fined", text="The penalty was the largest this year."
    )
    _link(session, british, unclear)
    assert british.client_id == gb.id
    assert "country GB in a clause naming it" in british.link_evidence["reasons"]
    assert unclear.client_id is None and unclear.link_status == LinkStatus.AMBIGUOUS
    reason, *candidates = unclear.link_candidates
    assert reason == {"reason": "several clients are named about as prominently"}
    assert {c["client"] for c in candidates} == {us.external_ref, gb.external_ref}
    assert all(set(c["evidence"]) == EVIDENCE_KEYS for c in candidates)
    # no evidence on an ambiguous item: SQL NULL (not a JSON null), so queries can tell
    no_evidence = select(Signal.id).where(Signal.link_evidence.is_(None))
    assert set(session.scalars(no_evidence)) == {unclear.id}


def test_word_order_tells_persons_apart(session: Session) -> None:
    liu_tao = make_client(session, name="Liu Tao", country="CN")
    tao_liu = make_client(session, name="Tao Liu", country="US")
    signal = make_signal(
        session,
        title="Liu Tao detained in bribery probe",
        text="Liu Tao, a property developer, was detained on Friday.",
    )
    _link(session, signal)
    assert signal.client_id == liu_tao.id != tao_liu.id
    names = {c.get("name") for c in signal.link_candidates or []}
    assert "Tao Liu" not in names


def test_two_family_names_written_together_count_as_the_persons(session: Session) -> None:
    """Spanish and Portuguese names carry two family names and the news writes them together
    ("Mendoza Ruiz"): that is a shortened mention of the person, not an unknown name."""
    forms = dict((keys, form) for form, keys in name_forms("Carlos Mendoza Ruiz", person=True))
    assert forms[("mendoza", "ruiz")] == "surname"
    client = make_client(session, name="Carlos Mendoza Ruiz", country=None)
    signal = make_signal(
        session,
        title="Mendoza Ruiz questioned over port bribes",
        text="Prosecutors questioned Carlos Mendoza Ruiz, a former customs chief, on Monday.",
    )
    _link(session, signal)
    assert signal.client_id == client.id and signal.link_status == LinkStatus.LINKED
    assert "headline mention (shortened)" in signal.link_evidence["reasons"]
    assert signal.link_evidence["count"] == 2


# ----------------------------------------------------------------------------- countries


def test_country_phrase_about_a_third_party_does_not_contradict(session: Session) -> None:
    client = make_client(session, name="Quarry Manufacturing", country="DE")
    third_party = make_signal(
        session,
        title="Quarry Manufacturing fined over bribes",
        text="Quarry Manufacturing paid an agent. Its supplier, Brixton Metals, is registered "
        "in Spain.",
    )
    about_it = make_signal(
        session,
        title="Quarry Manufacturing, registered in Spain, fined over bribes",
        text="The fine was announced on Monday.",
    )
    _link(session, third_party, about_it)
    assert third_party.client_id == client.id
    assert not any("places it in" in r for r in third_party.link_evidence["reasons"])
    assert about_it.client_id is None
    found = score_candidates(
        build_gazetteer(session=session), Document.of(about_it.title, about_it.text)
    )
    assert any(
        "places it in ES" in r and "the client is in DE" in r for r in found[0].evidence["reasons"]
    )


def test_a_client_without_a_country_is_never_contradicted(session: Session) -> None:
    client = make_client(session, name="Quarry Manufacturing", country=None)
    signal = make_signal(
        session,
        title="Quarry Manufacturing, registered in Spain, fined over bribes",
        text="Quarry Manufacturing will appeal.",
    )
    nameless = make_signal(
        session,
        None,
        subject_name="Quarry Manufacturing",
        title="Fraud charges",
        text="The company is registered in Spain.",
    )
    _link(session, signal, nameless)
    assert signal.client_id == client.id and nameless.client_id == client.id
    assert "None" not in json.dumps(signal.link_evidence["reasons"])


# ----------------------------------------------------------------------------- parties


def test_an_owners_article_links_through_the_owner(session: Session) -> None:
    client = make_client(session, name="Helios Trading Ltd", country="GR")
    owner = make_party(
        session, client, name="Maria Kowalski", kind=PartyKind.PERSON, role=PartyRole.OWNER
    )
    signal = make_signal(
        session,
        title="Maria Kowalski charged with bribery",
        text="Prosecutors said Maria Kowalski paid officials. Ms Kowalski denies wrongdoing.",
    )
    _link(session, signal)
    assert signal.client_id == client.id and signal.link_party_id == owner.id
    evidence = signal.link_evidence
    assert evidence["via"] == "party" and evidence["party_role"] == "owner"
    assert evidence["matched_name"] == "Maria Kowalski"
    assert any(r.startswith("about its owner Maria Kowalski") for r in evidence["reasons"])
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "signal.linked")).one()
    assert event.after["via"] == "party" and event.after["party_id"] == owner.id
    assert event.after["mention"] == "Maria Kowalski" and event.after["where"] == "headline"


def test_a_directors_story_naming_the_client_in_the_body_links_through_the_director(
    session: Session,
) -> None:
    """The headline accuses the director; the client is named in the body only, as his firm:
    the item is linked through the director (ownership exposure), not as the client's own
    record. Both named in the headline, it stays the client's."""
    client = make_client(session, name="Kestrel Analytics Ltd", country="GB")
    director = make_party(
        session, client, name="Tom Baxter", kind=PartyKind.PERSON, role=PartyRole.DIRECTOR
    )
    his = make_signal(
        session,
        title="Tom Baxter, director of a software firm, charged with money laundering",
        text="Prosecutors charged Tom Baxter, a director of Kestrel Analytics, with laundering "
        "the proceeds of drug sales through shell companies.",
    )
    both = make_signal(
        session,
        title="Kestrel Analytics and its director Tom Baxter charged with fraud",
        text="Prosecutors charged the firm and Tom Baxter on Monday.",
    )
    short = make_signal(
        session,
        title="Kestrel and its director Tom Baxter convicted of fraud",
        text="A court convicted Kestrel Analytics and Tom Baxter of defrauding investors.",
    )
    _link(session, his, both, short)
    assert his.client_id == client.id and his.link_party_id == director.id
    assert his.link_evidence["via"] == "party" and his.link_evidence["mention"] == "Tom Baxter"
    assert both.client_id == client.id and both.link_party_id is None
    # the client named in the headline by its short name: still its own story
    assert short.client_id == client.id and short.link_party_id is None


# ----------------------------------------------------------------------------- rejections


def test_a_rejected_link_is_not_made_again(session: Session) -> None:
    client = make_client(session, name="Quarry Manufacturing", country="DE")
    signal = make_signal(
        session,
        title="Quarry Manufacturing fined over forged safety records",
        text="Quarry Manufacturing will appeal.",
    )
    session.add(
        SignalLinkRejection(
            signal_id=signal.id, client_id=client.id, rejected_by="rita", reason="another firm"
        )
    )
    _link(session, signal)
    assert signal.client_id is None and signal.link_status == LinkStatus.UNLINKED
    assert (
        session.scalars(select(AuditEvent).where(AuditEvent.action == "signal.linked")).first()
        is None
    )


# ----------------------------------------------------------------------------- import paths

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link>
<description>x</description>
<item><title>Quarry Manufacturing fined over forged safety records</title>
<link>https://wire.example/1</link>
<description>Quarry Manufacturing said it would appeal the fine.</description>
<pubDate>Tue, 05 Mar 2024 09:00:00 GMT</pubDate><guid>w-1</guid></item>
<item><title>Maria Kowalski charged with bribery</title><link>https://wire.example/2</link>
<description>Prosecutors said Maria Kowalski paid officials.</description>
<pubDate>Wed, 06 Mar 2024 09:00:00 GMT</pubDate><guid>w-2</guid></item>
<item><title>Markets close higher</title><link>https://wire.example/3</link>
<description>Shares rose.</description>
<pubDate>Thu, 07 Mar 2024 09:00:00 GMT</pubDate><guid>w-3</guid></item>
</channel></rss>
"""


def test_feed_items_link_on_import(cli: Any, session: Session, tmp_path: Path) -> None:
    quarry = make_client(session, name="Quarry Manufacturing GmbH", country="DE")
    helios = make_client(session, name="Helios Trading Ltd", country="GR")
    owner = make_party(session, helios, name="Maria Kowalski", kind=PartyKind.PERSON)
    session.commit()
    path = tmp_path / "feed.xml"
    path.write_text(FEED, encoding="utf-8")
    result = cli("import", "feed", str(path), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["linking"] == {"linked": 2, "ambiguous": 0, "unlinked": 1, "through_party": 1}
    session.expire_all()
    rows = {s.url: s for s in session.scalars(select(Signal))}
    assert rows["https://wire.example/1"].client_id == quarry.id
    assert rows["https://wire.example/2"].client_id == helios.id
    assert rows["https://wire.example/2"].link_party_id == owner.id
    assert rows["https://wire.example/3"].client_id is None
    plain = cli("import", "feed", str(path))
    assert plain.exit_code == 0 and "news linked" not in plain.output  # nothing new


def test_signal_import_links_and_says_so(cli: Any, session: Session, tmp_path: Path) -> None:
    client = make_client(session, name="Quarry Manufacturing GmbH", country="DE")
    session.commit()
    path = tmp_path / "signals.csv"
    path.write_text(
        "kind,title,text,published_at,source\n"
        "news,Quarry Manufacturing fined over forged records,The firm will appeal.,2024-03-05,W\n"
        "news,Markets close higher,Shares rose.,2024-03-06,W\n",
        encoding="utf-8",
    )
    result = cli("import", "signals", str(path))
    assert result.exit_code == 0, result.output
    assert (
        "news linked 1, ambiguous 0 (for review), unlinked 1 — review them: "
        "duediligence signals links"
    ) in result.output
    session.expire_all()
    linked = session.scalars(select(Signal).where(Signal.client_id == client.id)).one()
    assert linked.link_status == LinkStatus.LINKED
    assert linked.link_evidence["where"] == "headline"


def test_news_held_before_its_client_is_read_about_the_client_once_linked(
    cli: Any, session: Session, tmp_path: Path
) -> None:
    """A feed imported before the client exists is classified without a subject (no role).
    When ``screen clients`` links the backlog, each item is read again about its client, so a
    client that helped the police is ``mentioned``, not the accused, and one that was charged
    is the ``subject``; the summary says how many were read again. (It used to link them and
    keep the subject-less reading, so the crime-fighter counted as the client's adverse media.)
    """
    feed = tmp_path / "feed.xml"
    feed.write_text(
        """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link>
<description>x</description>
<item><title>Kestrel Analytics helps police uncover romance scam ring</title>
<link>https://wire.example/k</link><description>Data from Kestrel Analytics helped
detectives identify the gang, which defrauded pensioners of 2 million pounds. Five men were
charged with fraud.</description><pubDate>Wed, 13 Mar 2024 09:00:00 GMT</pubDate>
<guid>k-1</guid></item>
<item><title>Halden Freight charged with bribing port officials</title>
<link>https://wire.example/h</link><description>Prosecutors said Halden Freight paid customs
officers in three ports.</description><pubDate>Thu, 14 Mar 2024 09:00:00 GMT</pubDate>
<guid>h-1</guid></item>
</channel></rss>""",
        encoding="utf-8",
    )
    imported = cli("import", "feed", str(feed))
    assert imported.exit_code == 0, imported.output
    assert "unlinked 2" in imported.output
    session.expire_all()
    assert [s.role for s in session.scalars(select(Signal))] == [None, None]
    kestrel = make_client(session, name="Kestrel Analytics Ltd", country="GB")
    halden = make_client(session, name="Halden Freight AS", country="NO")
    session.commit()

    screened = cli("screen", "clients", "--as", "ana")
    assert screened.exit_code == 0, screened.output
    assert (
        "news linked 2" in screened.output
        and "; classified 2 signal(s) (linked ones about their client)" in (screened.output)
    )
    session.expire_all()
    by_url = {s.url: s for s in session.scalars(select(Signal))}
    helper, accused = by_url["https://wire.example/k"], by_url["https://wire.example/h"]
    assert (helper.client_id, accused.client_id) == (kestrel.id, halden.id)
    assert helper.role == "mentioned" and helper.label == "none"
    assert accused.role == "subject" and accused.label == "corruption"


# ------------------------------------------------------------------- whom the story accuses


def test_accused_in_reads_the_accusation_patterns_of_the_role_reader() -> None:
    """The adverse-media role patterns decide who is accused; a sentence that says the subject
    is not accused gives nothing."""
    assert accused_in("Prosecutors charged xsubjx with fraud on Monday.")
    assert accused_in("xsubjx was fined $2m for false customs declarations.")
    assert accused_in("xsubjx has not been charged, prosecutors said.") is None
    assert accused_in("xsubjx, an analyst, said the fine was large.") is None


def test_the_object_of_a_preposition_or_a_subordinate_clause_is_not_the_accused() -> None:
    """ "A top official at X has been detained": the official is; "the uncle of President X was
    sentenced": the uncle is; "before X resigned, Y was charged": Y is."""
    assert accused_in("A top official at the xsubjx has been detained in a probe.") is None
    assert accused_in("The uncle of Syrian President xsubjx has been sentenced.") is None
    assert accused_in("After xsubjx resigned, the minister was charged with fraud.") is None


def test_a_relative_clause_is_read_past() -> None:
    """ "X, who ..., was detained": X is accused however long the clause; a name inside the
    clause ("before Y resigned, was charged") is not."""
    assert accused_in(
        "xsubjx, who has led Latvia's central bank for 16 years and sits on the governing "
        "council of the ECB, was detained on Saturday."
    )
    chombo = (
        "Former finance minister Ignatius Chombo, who was among those held by the military "
        "when it seized power before xsubjx resigned, was charged with corruption."
    )
    assert accused_in(chombo) is None


def test_the_owner_of_the_accused_or_a_name_used_as_a_title_is_not_the_accused() -> None:
    """ "arrested X' top adviser": the adviser is accused; "charging K with inciting former X
    secretary general V": X names V's office."""
    assert accused_in("Prosecutors on Friday arrested President xsubjx ‘ top adviser.") is None
    indictment = (
        "An indictment charging Khelaifi with inciting former xsubjx secretary general "
        "Jérôme Valcke."
    )
    assert accused_in(indictment) is None
    assert accused_in("Prosecutors on Friday arrested xsubjx in Bogota.")


def test_a_headline_without_an_auxiliary_reads_as_the_passive() -> None:
    """Headlines drop "was": "X indicted on fraud charges" accuses X, in a headline only."""
    assert accused_in("xsubjx indicted on wire fraud charges", headline=True)
    assert accused_in("xsubjx indicted on wire fraud charges") is None


def test_a_client_the_lead_accuses_links_from_the_body(session: Session) -> None:
    """Named only in the body (0.65: below the link score), but the lead says it was charged."""
    client = make_client(session, name="Kestrel Harbour Foods", country=None)
    accused = make_signal(
        session,
        title="Questions grow over regional food exporter",
        text=(
            "Kestrel Harbour Foods was charged on Monday with bribing port officials.\n\n"
            "The exporter's shares fell 12% in early trading."
        ),
    )
    quoted = make_signal(
        session,
        title="Questions grow over regional food exporters",
        text=(
            "Kestrel Harbour Foods said on Monday that exports rose by a tenth.\n\n"
            "Shares in the sector fell 12% in early trading."
        ),
    )
    _link(session, accused, quoted)
    assert accused.client_id == client.id
    assert (
        "the accused in the lead (accused/charged/sanctioned)" in accused.link_evidence["reasons"]
    )
    assert quoted.client_id is None and quoted.link_status == LinkStatus.AMBIGUOUS


def test_of_two_clients_named_alike_the_accused_one_links(session: Session) -> None:
    """Both named in the headline and the lead; the story accuses one, the other is the
    organisation whose case it is. Without the role, the two are within the margin."""
    president = make_client(session, name="Nadia Okafor", country=None)
    federation = make_client(session, name="Coastal Football Federation", country=None)
    signal = make_signal(
        session,
        title="Prosecutors charge league chief Nadia Okafor in Coastal Football Federation case",
        text=(
            "Nadia Okafor was charged on Thursday with bribery.\n\n"
            "The indictment accuses Okafor of inciting former Coastal Football Federation "
            "secretary general Pavel Sokolov to mismanage funds. The Coastal Football "
            "Federation dropped its own complaint last month."
        ),
    )
    _link(session, signal)
    assert signal.client_id == president.id != federation.id
    found = score_candidates(
        build_gazetteer(session=session), Document.of(signal.title, signal.text)
    )
    rival = next(c for c in found if c.client != found[0].client)
    assert not any("accused" in r for r in rival.evidence["reasons"])


def test_a_rival_the_story_never_accuses_does_not_hold_the_link_back(session: Session) -> None:
    """ "An official at the bank was detained ... X was detained": the bank is named as
    prominently as X, but only X is accused anywhere; the bank does not block the link."""
    banker = make_client(session, name="Ilse Marquardt", country=None)
    bank = make_client(session, name="Northern Reserve Bank", country=None)
    signal = make_signal(
        session,
        title="Top banker detained in bribery probe",
        text=(
            "A top official at the Northern Reserve Bank has been detained in a bribery probe. "
            "Ilse Marquardt, who has led the Northern Reserve Bank's Riga office for ten years, "
            "was detained on Saturday.\n\n"
            "A lawyer for Marquardt said the detention was unlawful. Northern Reserve Bank "
            "declined to comment."
        ),
    )
    _link(session, signal)
    assert signal.client_id == banker.id != bank.id
    # the same story where the bank is accused too stays for a reviewer
    both = make_signal(
        session,
        title="Top banker detained in bribery probe",
        text=(
            "A top official at the Northern Reserve Bank has been detained in a bribery probe. "
            "Ilse Marquardt, who has led the Northern Reserve Bank's Riga office for ten years, "
            "was detained on Saturday.\n\n"
            "A lawyer for Marquardt said the detention was unlawful. Later the Northern Reserve "
            "Bank was fined for failing to report her payments."
        ),
    )
    _link(session, both)
    assert both.link_status == LinkStatus.AMBIGUOUS


def test_a_headline_accusing_someone_it_does_not_name_points_to_the_one_client_in_the_lead(
    session: Session,
) -> None:
    """ "Banker accused of huge fraud", "Two former ministers go on trial", "Court indicts
    minister's wife" and one client named in the lead: that client; two
    clients in the lead, or a title-case headline (capitals do not tell a description from a
    name), or the client named as someone's relative: no such points."""
    client = make_client(session, name="Murat Aliyev", country=None)
    other = make_client(session, name="Silk Road Savings Bank", country=None)
    alone = make_signal(
        session,
        title="Banker accused of huge fraud in Tajikistan",
        text="Murat Aliyev ran the lender for a decade. Auditors found gaps in its books.",
    )
    two = make_signal(
        session,
        title="Banker accused of huge fraud in Tajikistan",
        text="Murat Aliyev ran Silk Road Savings Bank for a decade. Auditors found gaps.",
    )
    title_cased = make_signal(
        session,
        title="Banker Accused Of Huge Fraud In Tajikistan",
        text="Murat Aliyev ran the lender for a decade. Auditors found gaps in its books.",
    )
    relative = make_signal(
        session,
        title="Banker accused of huge fraud in Tajikistan",
        text="The brother of Murat Aliyev ran the lender for a decade. Auditors found gaps.",
    )
    trial = make_signal(
        session,
        title="Two former ministers go on trial for corruption",
        text="Murat Aliyev appeared in court on Monday. He denies the charges.",
    )
    present_tense = make_signal(
        session,
        title="Court indicts former minister's wife for murder",
        text="Murat Aliyev, 53, was questioned for a week. She denies the charge.",
    )
    surname_in_lead = make_signal(
        session,
        title="Banker accused of huge fraud in Tajikistan",
        text=(
            "Aliyev ran the lender for a decade. Its books were audited in May. Auditors found "
            "gaps.\n\nRegulators were told in June. Murat Aliyev declined to comment."
        ),
    )
    _link(session, alone, two, title_cased, relative, trial, present_tense, surname_in_lead)
    assert surname_in_lead.client_id is None
    assert alone.client_id == client.id
    assert trial.client_id == client.id and present_tense.client_id == client.id
    assert (
        "the headline accuses someone it does not name; the lead names this client alone"
        in alone.link_evidence["reasons"]
    )
    assert two.client_id is None and other.id not in (two.client_id,)
    assert title_cased.client_id is None and relative.client_id is None


def test_a_family_name_alone_stays_capped_even_when_accused(session: Session) -> None:
    """ "Abramovich accused of corruption" with no full name anywhere: for a reviewer only."""
    make_client(session, name="Roman Abramovich", country=None)
    signal = make_signal(
        session,
        title="Abramovich accused of corruption",
        text="Abramovich denied the claims through a spokesman.",
    )
    _link(session, signal)
    assert signal.client_id is None and signal.link_status == LinkStatus.AMBIGUOUS
    assert signal.link_candidates[1]["score"] <= PARTIAL_CAP


def test_a_client_named_only_beside_someone_elses_story_is_not_linked_alone(
    session: Session,
) -> None:
    """ "The uncle of President X was sentenced": X is named in full only as the accused's
    relative; the item is the uncle's, and X is left for a reviewer at most."""
    president = make_client(session, name="Bashir Haddad", country=None)
    uncle = make_signal(
        session,
        title="President's uncle jailed in France for money laundering",
        text=(
            "The uncle of President Bashir Haddad has been sentenced to four years in prison.\n\n"
            "Haddad denied the charges. Haddad and his family own 500 properties, and Haddad "
            "will appeal. Haddad is 82; Haddad left Syria in 1984."
        ),
    )
    own = make_signal(
        session,
        title="President's uncle jailed in France for money laundering",
        text=(
            "The uncle of President Bashir Haddad has been sentenced to four years in prison.\n\n"
            "Bashir Haddad said the case was political."
        ),
    )
    _link(session, uncle, own)
    assert uncle.client_id is None and uncle.link_status == LinkStatus.AMBIGUOUS
    row = uncle.link_candidates[1]
    assert row["score"] <= PARTIAL_CAP
    assert (
        "named in full only beside someone else's story: for review at most"
        in (row["evidence"]["reasons"])
    )
    assert own.client_id == president.id
