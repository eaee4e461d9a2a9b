"""Adverse about whom: the subject's mentions, its role, evidence sentences and the verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duediligence.matching.gazetteer import sentences
from duediligence.matching.roles import ROLES
from duediligence.signals import classify_texts
from duediligence.signals.mentions import Subject, find_mentions
from duediligence.signals.training import read_role_cases, role_accuracy

ACME = Subject.of(["Acme Corp", "Acme"])


def test_mentions_use_the_matchers_names() -> None:
    text = (
        "ACME CORPORATION was fined on Monday. Acme's lawyers said it would appeal. "
        "Acmeville residents were not surprised."
    )
    found = find_mentions(text, ACME)
    assert [m.text for m in found] == ["ACME CORPORATION", "Acme's"]
    person = Subject.of(["Maria Kowalski"])
    found = find_mentions(
        "Prosecutors say Kowalski, 54, hid the money. Ms Kowalska denied it.", person
    )
    assert [m.text for m in found] == ["Kowalski"]
    assert find_mentions("The bank group said nothing.", Subject.of(["Helios Bank Group"])) == []
    related = Subject.of(["Orion Shipping"], ["Viktor Brandt"])
    found = find_mentions("Orion's owner Viktor Brandt was arrested.", related)
    assert [(m.text, m.name) for m in found] == [
        ("Orion's", "Orion Shipping"),
        ("Viktor Brandt", "Viktor Brandt"),
    ]


def test_a_company_is_named_without_its_legal_form() -> None:
    # headlines and running text drop "Ltd": three plain words are still the company, not a
    # person's name set against a company's
    subject = Subject.of(["Kestrel Harbour Freight Ltd"])
    found = find_mentions("Kestrel Harbour Freight fined over sanctions breaches", subject)
    assert [(m.text, m.score) for m in found] == [("Kestrel Harbour Freight", 1.0)]
    assert find_mentions("Kestrel Harbour Foods fined", subject) == []


def test_sentences_split_titles_and_paragraphs() -> None:
    text = "Headline without a stop\n\nFirst sentence. Second one! Third?"
    assert [text[a:b] for a, b in sentences(text)] == [
        "Headline without a stop",
        "First sentence.",
        "Second one!",
        "Third?",
    ]


NOT_ADVERSE_ABOUT_ACME = [
    # victims
    ("victim", "Acme Corp named a victim of a ransomware attack"),
    ("victim", "Hackers stole customer records from Acme Corp's servers, the company said."),
    ("victim", "Acme was swindled out of $3 million by fraudsters posing as its chief executive."),
    # crime fighters and commentators
    (
        "mentioned",
        "The bank helped police uncover a laundering ring, and Acme Corp's analysts "
        "flagged the first transfers.",
    ),
    ("mentioned", "Acme Corp joins an industry alliance to fight forced labour in supply chains."),
    ("mentioned", "Acme Corp reported the suspicious payments to the financial intelligence unit."),
    # negated and cleared
    (
        "cleared",
        "Prosecutors said the company was not involved and dropped the investigation "
        "into Acme Corp.",
    ),
    ("cleared", "A court acquitted Acme Corp of bribery charges on Friday."),
    ("cleared", "The regulator closed its fraud probe into Acme Corp without taking action."),
    (
        "other party",
        "Police charged a rival distributor with fraud; Acme Corp has not been "
        "accused of any wrongdoing.",
    ),
    # someone else's story
    (
        "other party",
        "Prosecutors charged Globex executives with laundering cartel money. "
        "Acme Corp shares rose two percent.",
    ),
]

# Written for the kinds of "other party" and "victim" wording the role patterns first got wrong
# (issue 16): the accused is another named party and the subject stands in a clause of its own,
# is a landmark, a witness, a relative's namesake, or owns what was attacked.
ROLE_KINDS = [
    # the main actor is another entity; the subject's clause says nothing of an offence
    (
        "other party",
        "A freight broker in Rotterdam was convicted of smuggling cocaine; Acme Corp had "
        "shipped furniture through the same terminal.",
    ),
    (
        "other party",
        "Regulators fined Globex Bank for laundering failures. Acme Corp opened an account "
        "there in 2015.",
    ),
    # the subject as a place, a witness, a relative's name
    ("other party", "Police arrested two men selling stolen phones outside the Acme Corp store."),
    (
        "other party",
        "A payroll clerk was jailed for embezzlement; managers including Acme Corp's auditor "
        "were called as witnesses.",
    ),
    (
        "other party",
        "Maria Acme's brother was charged with tax fraud; she declined to comment.",
    ),
    # headline passives without the auxiliary: suffered, not committed
    ("victim", "Acme Corp hit by cyber attack, payroll data leaked"),
    ("victim", "Acme Corp defrauded by its former treasurer, court hears"),
    (
        "victim",
        "Acme Corp said on Monday it had been hit by a ransomware attack that locked its "
        "warehouses' systems.",
    ),
    # its property was the target, or it went to the police
    ("victim", "Thieves broke into a warehouse owned by Acme Corp and took copper cable."),
    (
        "victim",
        "Fly-tippers dumped asbestos on a field leased by Acme Corp, which has asked police "
        "to investigate.",
    ),
    # a weak "mentioned" word does not hide a clear accusation
    (
        "subject",
        "Acme Corp, which ran an anti-fraud campaign last year, was charged with defrauding "
        "its customers.",
    ),
    # the same kinds must not turn a real accusation into someone else's story: a headline
    # naming the subject first is its story, whatever words it uses
    (
        "subject",
        "Acme Corp took €2 million in undeclared cash from clients it never checked, "
        "regulator finds.",
    ),
    (
        "subject",
        "Globex Ltd was fined for dumping waste; Acme Corp was charged with bribing the inspector.",
    ),
]


@pytest.mark.parametrize(("role", "text"), ROLE_KINDS)
def test_role_kinds(models_dir: Path, role: str, text: str) -> None:
    subject = Subject.of(["Maria Acme"]) if text.startswith("Maria Acme") else ACME
    [r] = classify_texts([text], subjects=subject, models_dir=models_dir)
    assert r.role == role, (r.role, r.role_reason, r.adverse_probability)
    assert r.adverse == (role == "subject")


@pytest.mark.parametrize(("role", "text"), NOT_ADVERSE_ABOUT_ACME)
def test_not_adverse_about_the_subject(models_dir: Path, role: str, text: str) -> None:
    [r] = classify_texts([text], subjects=ACME, models_dir=models_dir)
    assert not r.adverse and r.label == "none", (r.role, r.role_reason, r.adverse_probability)
    assert r.role == role, (r.role, r.role_reason)
    assert r.role in ROLES


ADVERSE_ABOUT_ACME = [
    "Regulator fines Acme Corp $40 million over money laundering failures",
    "Acme Corp was charged with bribing customs officials in three countries.",
    "A federal jury convicted Acme Corp of defrauding investors.",
    "The Treasury sanctioned Acme Corp for shipping oil to North Korea in breach of sanctions.",
    "Acme Corp pleaded guilty to smuggling migrants and agreed to pay a $5 million fine.",
    # headline style, without the auxiliary
    "Acme Corp accused of laundering money for a drug cartel",
    # what prosecutors say of the subject is an accusation, not a prosecutor's own role
    "Acme Corp under fire. Prosecutors said Acme Corp moved cartel cash through shell companies.",
    # a victim's verbs whose agent or object is enforcement: the subject's own case
    "Acme Corp was hit by a $25 million penalty over sanctions violations.",
    "Acme Corp targeted in bribery probe, offices searched",
    "Tax inspectors raid at Acme Corp warehouses over VAT fraud",
]


@pytest.mark.parametrize("text", ADVERSE_ABOUT_ACME)
def test_real_findings_are_adverse_about_the_subject(models_dir: Path, text: str) -> None:
    [r] = classify_texts([text], subjects=ACME, models_dir=models_dir)
    assert r.adverse and r.role == "subject", (r.role, r.role_reason, r.adverse_probability)
    assert 1 <= len(r.evidence) <= 3
    assert any("Acme" in e for e in r.evidence)
    assert r.band in ("virtually certain", "very likely", "likely", "about as likely as not")


def test_same_text_differs_by_subject(models_dir: Path) -> None:
    text = (
        "Globex Ltd defrauded Acme Corp of $2 million, prosecutors said. "
        "Globex Ltd was charged with fraud on Tuesday."
    )
    acme, globex, nobody = classify_texts(
        [text, text, text],
        subjects=[ACME, Subject.of(["Globex Ltd"]), None],
        models_dir=models_dir,
    )
    assert acme.role == "victim" and not acme.adverse
    assert globex.role == "subject" and globex.adverse
    assert nobody.role is None and nobody.adverse and nobody.evidence


def test_role_accuracy_on_the_held_out_role_cases(models_dir: Path) -> None:
    """The `test` part of the hand-written role cases was not used to write the patterns."""
    from duediligence.modelstore import active_versions, load_model

    loaded = load_model(models_dir, active_versions(models_dir)["signals"])
    cases = [c for c in read_role_cases() if c["part"] == "test"]
    assert len(cases) >= 100 and {c["role"] for c in cases} == set(ROLES)
    result = role_accuracy(loaded, cases)
    # Target 0.85 (issue 16): measured 0.870 once the subject's own clause decided briefs.
    assert result["accuracy"] >= 0.85, result
    assert result == loaded.manifest.metrics["roles"]["test"]


def test_role_cases_file_is_well_formed() -> None:
    cases = read_role_cases()
    for role in ROLES:
        assert sum(c["role"] == role for c in cases) >= 40, role
    assert len({c["id"] for c in cases}) == len(cases)
    readme = Path(__file__).resolve().parents[2] / "sample_data" / "roles" / "README.md"
    assert "hand" in readme.read_text("utf-8")
    assert all(json.dumps(c) for c in cases)


def test_cli_classify_with_a_subject(cli) -> None:  # type: ignore[no-untyped-def]
    text = "Acme Corp named a victim of a ransomware attack\nAcme Corp was fined for laundering\n"
    result = cli("classify", "-", "--subject", "Acme Corp", "--json", input=text)
    assert result.exit_code == 0, result.output
    victim, fined = json.loads(result.output)
    assert victim["role"] == "victim" and not victim["adverse"]
    assert fined["role"] == "subject" and fined["adverse"] and fined["evidence"]
    assert fined["confidence"] in ("virtually certain", "very likely", "likely")
    lines = json.dumps({"text": "Court acquits Acme Corp of fraud", "subject": "Acme Corp"})
    result = cli("classify", "-", "--json", input=lines + "\n")
    assert json.loads(result.output)[0]["role"] == "cleared"
    table = cli("classify", "-", "--subject", "Acme Corp", input=text)
    assert "»" in table.output and "victim" in table.output
