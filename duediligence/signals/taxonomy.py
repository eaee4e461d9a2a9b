"""The adverse-media taxonomy as data: labels, descriptions, FATF categories, FtM topics."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """One label of the taxonomy."""

    label: str
    title: str
    description: str
    fatf: tuple[str, ...]
    ftm_topics: tuple[str, ...]


TAXONOMY: dict[str, Category] = {
    c.label: c
    for c in [
        Category(
            "human_trafficking",
            "Human trafficking",
            "Trafficking in human beings, sexual exploitation (incl. of children), migrant smuggling.",
            (
                "Trafficking in human beings and migrant smuggling",
                "Sexual exploitation, including sexual exploitation of children",
            ),
            ("crime.traffick.human",),
        ),
        Category(
            "forced_labour",
            "Forced labour",
            "Forced, bonded or child labour, servitude.",
            ("Trafficking in human beings and migrant smuggling",),
            ("crime.traffick.human",),
        ),
        Category(
            "money_laundering",
            "Money laundering",
            "Laundering the proceeds of crime; AML control failures.",
            ("Money laundering",),
            ("crime.fin",),
        ),
        Category(
            "terrorism",
            "Terrorism",
            "Terrorism and terrorist financing, material support.",
            ("Terrorism, including terrorist financing",),
            ("crime.terror",),
        ),
        Category(
            "fraud",
            "Fraud",
            "Fraud, forgery, counterfeiting and piracy of products, scams.",
            (
                "Fraud",
                "Forgery",
                "Counterfeiting and piracy of products",
                "Counterfeiting currency",
            ),
            ("crime.fraud",),
        ),
        Category(
            "corruption",
            "Corruption",
            "Bribery, kickbacks, embezzlement by officials.",
            ("Corruption and bribery",),
            ("crime.bribe",),
        ),
        Category(
            "sanctions_evasion",
            "Sanctions evasion",
            "Sanctions violations and export-control breaches.",
            ("Smuggling (including in relation to customs and excise duties and taxes)",),
            ("sanction", "export.control"),
        ),
        Category(
            "drug_trafficking",
            "Drug trafficking",
            "Illicit trafficking in narcotic drugs and psychotropic substances.",
            ("Illicit trafficking in narcotic drugs and psychotropic substances",),
            ("crime.traffick.drug",),
        ),
        Category(
            "arms_trafficking",
            "Arms trafficking",
            "Illicit arms trafficking, embargo breaches on weapons.",
            ("Illicit arms trafficking",),
            ("crime.war",),
        ),
        Category(
            "cybercrime",
            "Cybercrime",
            "Hacking, ransomware, malware, online scams and data theft.",
            ("Fraud",),
            ("crime.cyber",),
        ),
        Category(
            "tax_crime",
            "Tax crime",
            "Tax evasion and tax fraud, VAT fraud.",
            ("Tax crimes (related to direct taxes and indirect taxes)",),
            ("crime.fin",),
        ),
        Category(
            "environmental_crime",
            "Environmental crime",
            "Illegal dumping, logging, mining, wildlife trafficking.",
            ("Environmental crime",),
            ("crime.env",),
        ),
        Category(
            "organised_crime",
            "Organised crime",
            "Racketeering, extortion, participation in an organised criminal group.",
            ("Participation in an organised criminal group and racketeering", "Extortion"),
            ("crime",),
        ),
        Category(
            "none",
            "Not adverse",
            "Not a red flag, including positive mentions (a company fighting crime).",
            (),
            (),
        ),
    ]
}

LABELS: tuple[str, ...] = tuple(TAXONOMY)
ADVERSE_LABELS: tuple[str, ...] = tuple(label for label in LABELS if label != "none")
