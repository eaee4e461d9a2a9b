"""Seeded generator of the sample roster: clients, parties, engagements, signals and labels.

About 300 fictional client companies of a SaaS vendor. Most are ordinary businesses with no
news or benign news; some work in high-risk lines (adult classifieds, weakly moderated
marketplaces, gambling, crypto exchanges, money services, arms dealers, holding companies in
secrecy jurisdictions); a few are outright bad actors whose record escalates from allegation to
charge to conviction. There are name collisions (a clean company sharing its name with a bad one
in another country), unlinked news that name matching must link, hard negatives, and a handful
of clients whose owners are real entries of the OFAC SDN list (referenced here by name only).
The outcome label of each client is what a careful senior reviewer would decide from the record.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from duediligence import csvutil
from sampledata import case_study
from sampledata.texts import LABELS, article

SEED = 20261125

COUNTRIES = [
    "US",
    "GB",
    "DE",
    "FR",
    "NL",
    "ES",
    "IT",
    "CA",
    "AU",
    "SG",
    "IN",
    "BR",
    "MX",
    "ZA",
    "AE",
    "PL",
    "SE",
    "IE",
    "JP",
    "NG",
    "TR",
    "PH",
]
COUNTRY_NAMES = {
    "US": "the United States",
    "GB": "the United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "NL": "the Netherlands",
    "ES": "Spain",
    "IT": "Italy",
    "CA": "Canada",
    "AU": "Australia",
    "SG": "Singapore",
    "IN": "India",
    "BR": "Brazil",
    "MX": "Mexico",
    "ZA": "South Africa",
    "AE": "the United Arab Emirates",
    "PL": "Poland",
    "SE": "Sweden",
    "IE": "Ireland",
    "JP": "Japan",
    "NG": "Nigeria",
    "TR": "Turkey",
    "PH": "the Philippines",
}
OFFSHORE = ["VG", "KY", "PA", "SC", "BZ", "CY"]
HIGH_RISK_COUNTRIES = ["IR", "KP", "MM", "SY", "YE", "HT"]

ORDINARY_INDUSTRIES = [
    "software",
    "retail",
    "manufacturing",
    "logistics",
    "healthcare",
    "education",
    "media",
    "hospitality",
    "real_estate",
    "professional_services",
    "financial_services",
    "nonprofit",
    "mining",
    "shipping",
]
RISKY_INDUSTRIES = [
    "online_classifieds",
    "adult_entertainment",
    "online_marketplace",
    "dating",
    "gambling",
    "crypto_exchange",
    "money_services",
    "arms_dealer",
    "holding_company",
]
PRODUCTS_BASIC = ["crm", "support_desk", "analytics"]
PRODUCTS_RISKY = [
    "messaging_sms",
    "custom_database",
    "custom_api",
    "data_enrichment",
    "marketing_automation",
    "payments_integration",
]

NAME_A = [
    "Acorn",
    "Alder",
    "Amber",
    "Anchor",
    "Arbor",
    "Aster",
    "Atlas",
    "Aurora",
    "Beacon",
    "Birch",
    "Bluebell",
    "Brook",
    "Cabot",
    "Cedar",
    "Clover",
    "Cobalt",
    "Copper",
    "Cove",
    "Dawn",
    "Ember",
    "Fern",
    "Fjord",
    "Flint",
    "Garnet",
    "Glen",
    "Harbor",
    "Hazel",
    "Heron",
    "Indigo",
    "Ivy",
    "Jasper",
    "Kestrel",
    "Lark",
    "Linden",
    "Maple",
    "Marlow",
    "Meadow",
    "Mistral",
    "Nimbus",
    "Oak",
    "Onyx",
    "Opal",
    "Osprey",
    "Pebble",
    "Pine",
    "Quarry",
    "Raven",
    "Ridge",
    "Rowan",
    "Saffron",
    "Sage",
    "Sequoia",
    "Sierra",
    "Slate",
    "Sparrow",
    "Spruce",
    "Stone",
    "Sycamore",
    "Thistle",
    "Timber",
    "Topaz",
    "Tundra",
    "Umber",
    "Vale",
    "Willow",
    "Wren",
    "Yarrow",
    "Zephyr",
]
NAME_B = {
    "software": ["Software", "Systems", "Digital", "Labs", "Cloud"],
    "retail": ["Stores", "Retail", "Outfitters", "Goods"],
    "manufacturing": ["Manufacturing", "Industries", "Works", "Components"],
    "logistics": ["Logistics", "Freight", "Transport", "Couriers"],
    "healthcare": ["Health", "Clinics", "Care", "Medical"],
    "education": ["Learning", "Academy", "Education"],
    "media": ["Media", "Studios", "Publishing"],
    "hospitality": ["Hotels", "Hospitality", "Resorts"],
    "real_estate": ["Properties", "Estates", "Realty"],
    "professional_services": ["Consulting", "Advisory", "Partners"],
    "financial_services": ["Capital", "Finance", "Wealth"],
    "nonprofit": ["Foundation", "Trust", "Alliance"],
    "mining": ["Mining", "Minerals", "Resources"],
    "shipping": ["Shipping", "Maritime", "Lines"],
    "online_classifieds": ["Classifieds", "Listings", "Ads"],
    "adult_entertainment": ["Entertainment", "Nightlife", "Companions"],
    "online_marketplace": ["Marketplace", "Bazaar", "Exchange"],
    "dating": ["Dating", "Connections", "Matches"],
    "gambling": ["Gaming", "Bet", "Casino"],
    "crypto_exchange": ["Crypto", "Coin Exchange", "Digital Assets"],
    "money_services": ["Remit", "Money Transfer", "Payments"],
    "arms_dealer": ["Defence Supply", "Arms", "Tactical"],
    "holding_company": ["Holdings", "Investments", "Group"],
}
LEGAL_FORMS = {
    "US": "LLC",
    "GB": "Ltd",
    "DE": "GmbH",
    "FR": "SAS",
    "NL": "B.V.",
    "ES": "S.L.",
    "IT": "S.r.l.",
    "CA": "Inc.",
    "AU": "Pty Ltd",
    "SG": "Pte Ltd",
    "IN": "Pvt Ltd",
    "BR": "Ltda",
    "MX": "S.A. de C.V.",
    "ZA": "(Pty) Ltd",
    "AE": "FZE",
    "PL": "Sp. z o.o.",
    "SE": "AB",
    "IE": "Ltd",
    "JP": "K.K.",
    "NG": "Ltd",
    "TR": "A.Ş.",
    "PH": "Inc.",
    "VG": "Ltd",
    "KY": "Ltd",
    "PA": "S.A.",
    "SC": "Ltd",
    "BZ": "Ltd",
    "CY": "Ltd",
}
GIVEN = [
    "Alex",
    "Amira",
    "Ana",
    "Ben",
    "Carla",
    "Chen",
    "Daniel",
    "Elena",
    "Farid",
    "Grace",
    "Hana",
    "Ivan",
    "Jonas",
    "Kemi",
    "Laura",
    "Luis",
    "Maya",
    "Mehmet",
    "Nadia",
    "Omar",
    "Priya",
    "Rafael",
    "Sara",
    "Tomas",
    "Uma",
    "Victor",
    "Wei",
    "Yusuf",
    "Zoe",
    "Ingrid",
]
FAMILY = [
    "Adeyemi",
    "Berg",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jansen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Santos",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Murphy",
    "Silva",
    "Khan",
    "Nguyen",
]

# Real OFAC SDN (2021) entries, referenced by name only: owners of a few sample clients.
SANCTIONED_OWNERS: list[dict[str, str]] = [
    {
        "name": "Ofelia Margarita Miramontes Gutierrez",
        "birth_date": "1968-04-24",
        "country": "MX",
        "kind": "person",
    },
    {"name": "Bladimir Culma Sunz", "birth_date": "1979-09-23", "country": "CO", "kind": "person"},
    {"name": "Mohsen Reza'i", "birth_date": "", "country": "IR", "kind": "person"},
    {
        "name": "Imed Ben Mekki Zarkaoui",
        "birth_date": "1973-01-15",
        "country": "TN",
        "kind": "person",
    },
    {"name": "Midco Finance S.A.", "birth_date": "", "country": "PA", "kind": "company"},
]

SOURCES = [
    "National newspaper",
    "Wire service",
    "Business daily",
    "Regional newspaper",
    "Trade press",
    "Investigative news site",
    "Broadcast news",
    "Financial weekly",
]
AUTHORITY_SOURCES = {
    "legal_action": [
        "District court filing",
        "Federal prosecutors",
        "State attorney general",
        "Public prosecutor's office",
    ],
    "regulatory_action": [
        "Financial regulator",
        "Consumer protection agency",
        "Customs authority",
        "Data protection authority",
    ],
}
RISKY_LABELS = {
    "online_classifieds": "human_trafficking",
    "adult_entertainment": "human_trafficking",
    "dating": "human_trafficking",
    "online_marketplace": "fraud",
    "gambling": "money_laundering",
    "crypto_exchange": "money_laundering",
    "money_services": "money_laundering",
    "arms_dealer": "arms_trafficking",
    "holding_company": "tax_crime",
}
BENIGN_HEADLINES = [
    "{org} opens a new office",
    "{org} reports higher annual revenue",
    "{org} appoints a new chief financial officer",
    "{org} launches a customer app",
    "{org} wins regional business award",
    "{org} signs partnership with a local university",
    "{org} completes acquisition of a smaller rival",
    "{org} sponsors youth sports league",
    "{org} raises new funding from investors",
    "{org} cuts emissions at its main site",
]
HARD_NEGATIVES = [
    (
        "{org} joins coalition to fight human trafficking",
        "The company will train staff to recognise signs of exploitation and report them to a national hotline.",
    ),
    (
        "Documentary on investment fraud features interview with {org} analyst",
        "The film follows investigators who uncovered a scheme that targeted retirees; the company's analyst explains how such frauds work.",
    ),
    (
        "Court clears {org} of wrongdoing",
        "The judge dismissed all claims against the company, finding no evidence that it had acted improperly.",
    ),
    (
        "{org} helps police trace stolen funds",
        "Investigators thanked the company for flagging suspicious payments that led to arrests; none of those arrested were its customers.",
    ),
    (
        "{org} publishes modern-slavery statement",
        "The report describes how the company audits its suppliers for forced labour and what it found.",
    ),
]


@dataclass
class Roster:
    """Generated rows, ready to write as CSV."""

    clients: list[dict[str, Any]] = field(default_factory=list)
    parties: list[dict[str, Any]] = field(default_factory=list)
    engagements: list[dict[str, Any]] = field(default_factory=list)
    signals: list[dict[str, Any]] = field(default_factory=list)
    labels: list[dict[str, Any]] = field(default_factory=list)


def _day(rng: random.Random, start: date, end: date) -> date:
    span = max(1, (end - start).days)
    return start + timedelta(days=rng.randrange(span))


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.out = Roster()
        self.used_names: set[str] = set()
        self.signal_n = 0

    def name(self, industry: str) -> str:
        for _ in range(100):
            candidate = f"{self.rng.choice(NAME_A)} {self.rng.choice(NAME_B[industry])}"
            if candidate not in self.used_names:
                self.used_names.add(candidate)
                return candidate
        raise RuntimeError("ran out of names")

    def person(self) -> str:
        return f"{self.rng.choice(GIVEN)} {self.rng.choice(FAMILY)}"

    def client(
        self,
        ref: str,
        name: str,
        industry: str,
        country: str,
        onboarded: date,
        risky_products: bool,
        status: str = "active",
    ) -> dict[str, Any]:
        rng = self.rng
        products = rng.sample(PRODUCTS_BASIC, rng.randint(1, 2))
        if risky_products:
            products += rng.sample(PRODUCTS_RISKY, rng.randint(1, 3))
        slug = name.lower().replace(" ", "").replace("&", "and")
        row = {
            "external_ref": ref,
            "name": name,
            "aliases": name.split()[0] + " " + name.split()[-1] if rng.random() < 0.2 else "",
            "legal_form": LEGAL_FORMS.get(country, "Ltd"),
            "country": country,
            "registration_number": f"{country}{rng.randint(10**6, 10**8 - 1)}",
            "website": f"https://{slug}.example",
            "domains": f"{slug}.example",
            "industry": industry,
            "products": "; ".join(products),
            "status": status,
            "onboarded_on": onboarded.isoformat(),
            "offboarded_on": "",
            "account_owner": rng.choice(["Sales East", "Sales West", "EMEA sales", "APAC sales"]),
            "contract_value": str(rng.choice([12000, 24000, 48000, 90000, 150000, 300000])),
        }
        self.out.clients.append(row)
        return row

    def parties(
        self,
        ref: str,
        country: str,
        *,
        offshore: bool = False,
        unknown: bool = False,
        extra: list[dict[str, str]] | None = None,
    ) -> None:
        rng = self.rng
        rows: list[dict[str, Any]] = []
        if not unknown:
            for i in range(rng.randint(1, 2)):
                rows.append(
                    {
                        "name": self.person(),
                        "kind": "person",
                        "role": "owner" if i == 0 else "director",
                        "ownership_pct": str(rng.choice([51, 60, 75, 100])) if i == 0 else "",
                        "birth_date": _day(rng, date(1950, 1, 1), date(1995, 1, 1)).isoformat(),
                        "country": country,
                    }
                )
        else:
            rows.append(
                {"name": self.person(), "kind": "person", "role": "director", "country": country}
            )
        if offshore:
            jurisdiction = rng.choice(OFFSHORE)
            rows.append(
                {
                    "name": f"{rng.choice(NAME_A)} Nominees {LEGAL_FORMS[jurisdiction]}",
                    "kind": "company",
                    "role": "owner",
                    "ownership_pct": "49",
                    "country": jurisdiction,
                }
            )
        for e in extra or []:
            rows.append(
                {
                    "name": e["name"],
                    "kind": e["kind"],
                    "role": "owner",
                    "ownership_pct": "25",
                    "birth_date": e.get("birth_date", ""),
                    "country": e["country"],
                }
            )
        for n, r in enumerate(rows, start=1):
            self.out.parties.append({"client_ref": ref, "party_id": f"{ref}-P{n}", **r})

    def engagements(self, ref: str, onboarded: date, risky: bool, until: date) -> None:
        rng = self.rng
        rows = [(onboarded, "contract", "Initial licence agreement")]
        year = onboarded.year + 1
        while date(year, onboarded.month, 1) < until:
            d = date(year, onboarded.month, min(onboarded.day, 28))
            rows.append((d, "renewal", "Annual renewal"))
            if rng.random() < 0.3:
                rows.append((d + timedelta(days=40), "upsell", "Additional seats"))
            if rng.random() < 0.25:
                rows.append((d + timedelta(days=90), "consultation", "Account review workshop"))
            if risky and rng.random() < 0.3:
                rows.append(
                    (
                        d + timedelta(days=120),
                        "custom_build",
                        rng.choice(
                            [
                                "Custom API integration",
                                "SMS campaign platform",
                                "Customer data enrichment pipeline",
                                "Marketing automation for lapsed users",
                            ]
                        ),
                    )
                )
            year += 1
        for n, (d, kind, desc) in enumerate(rows, start=1):
            if d <= until:
                self.out.engagements.append(
                    {
                        "client_ref": ref,
                        "engagement_id": f"{ref}-E{n:02d}",
                        "date": d.isoformat(),
                        "kind": kind,
                        "description": desc,
                        "value": str(rng.choice([5000, 12000, 24000, 48000])),
                    }
                )

    def signal(
        self,
        ref: str | None,
        subject: str,
        label: str,
        when: date,
        *,
        kind: str = "news",
        severity: str = "",
        title: str | None = None,
        text: str | None = None,
    ) -> None:
        rng = self.rng
        self.signal_n += 1
        if title is None:
            art = article(label, rng, org=subject)
            title, text = art.title, art.text
        source = (
            rng.choice(AUTHORITY_SOURCES[kind])
            if kind in AUTHORITY_SOURCES
            else rng.choice(SOURCES)
        )
        self.out.signals.append(
            {
                "signal_id": f"SIG-{self.signal_n:05d}",
                "client_ref": ref or "",
                "subject_name": subject,
                "kind": kind,
                "title": title,
                "text": text or "",
                "source": source,
                "url": f"https://news.example/{self.signal_n}",
                "published_at": when.isoformat(),
                "severity": severity,
                "credibility": "",
            }
        )

    def benign(self, ref: str | None, name: str, start: date, count: int) -> None:
        for _ in range(count):
            tmpl = self.rng.choice(BENIGN_HEADLINES)
            self.signal(
                ref,
                name,
                "none",
                _day(self.rng, start, date(2026, 10, 1)),
                title=tmpl.format(org=name),
                text="",
            )

    def escalation(
        self, ref: str | None, name: str, label: str, start: date, stages: list[str]
    ) -> date:
        """Adverse items whose severity rises over time; returns the last date."""
        when = start
        for stage in stages:
            kind = {
                "allegation": "news",
                "charge": "legal_action",
                "conviction": "legal_action",
                "settlement": "regulatory_action",
                "sanction": "regulatory_action",
            }[stage]
            for _ in range(1 if stage != "allegation" else self.rng.randint(1, 3)):
                self.signal(ref, name, label, when, kind=kind, severity=stage)
                when += timedelta(days=self.rng.randint(30, 200))
            when += timedelta(days=self.rng.randint(120, 500))
        return when


def generate_roster(seed: int = SEED, n_clients: int = 300) -> Roster:
    """Generate the sample roster (the case-study clients are added separately)."""
    b = _Builder(seed)
    rng = b.rng
    archetypes = (
        ["ordinary"] * int(n_clients * 0.70)
        + ["risky_clean"] * int(n_clients * 0.10)
        + ["risky_adverse"] * int(n_clients * 0.08)
        + ["bad_actor"] * int(n_clients * 0.04)
        + ["minor_adverse"] * int(n_clients * 0.05)
    )
    archetypes += ["ordinary"] * (n_clients - len(archetypes) - len(SANCTIONED_OWNERS) - 6)
    rng.shuffle(archetypes)
    plan: list[str] = archetypes + ["sanctioned_owner"] * len(SANCTIONED_OWNERS) + ["collision"] * 3
    for n, archetype in enumerate(plan, start=1):
        ref = f"C-{n:04d}"
        onboarded = _day(rng, date(2010, 1, 1), date(2024, 6, 1))
        if archetype in ("ordinary", "minor_adverse"):
            industry = rng.choice(ORDINARY_INDUSTRIES)
        else:
            industry = rng.choice(RISKY_INDUSTRIES)
        country = rng.choice(COUNTRIES)
        if archetype == "bad_actor" and rng.random() < 0.4:
            country = rng.choice(OFFSHORE)
        name = b.name(industry)
        risky_products = (archetype != "ordinary" and rng.random() < 0.6) or rng.random() < 0.1
        b.client(ref, name, industry, country, onboarded, risky_products)
        b.engagements(ref, onboarded, risky_products, date(2026, 10, 1))
        escalate, rationale = False, "Ordinary business; no adverse public record"

        if archetype == "ordinary":
            b.parties(ref, country)
            b.benign(ref, name, onboarded - timedelta(days=900), rng.choice([0, 0, 0, 1, 1, 2]))
            if rng.random() < 0.04:
                neg_t, neg_x = rng.choice(HARD_NEGATIVES)
                b.signal(
                    ref,
                    name,
                    "none",
                    _day(rng, onboarded, date(2026, 6, 1)),
                    title=neg_t.format(org=name),
                    text=neg_x,
                )
                rationale = "Only positive or exculpatory coverage"
        elif archetype == "minor_adverse":
            b.parties(ref, country)
            label = rng.choice([lbl for lbl in LABELS if lbl != "none"])
            b.signal(
                ref,
                name,
                label,
                _day(rng, date(2012, 1, 1), date(2025, 1, 1)),
                severity="allegation",
            )
            b.benign(ref, name, onboarded, rng.randint(0, 2))
            rationale = "One unproven allegation from a single source; monitor"
        elif archetype == "risky_clean":
            b.parties(ref, country, offshore=rng.random() < 0.2)
            b.benign(ref, name, onboarded, rng.randint(0, 2))
            rationale = f"High-risk line of business ({industry}) but no adverse record"
        elif archetype == "risky_adverse":
            b.parties(ref, country, offshore=rng.random() < 0.4, unknown=rng.random() < 0.3)
            label = RISKY_LABELS[industry]
            start = _day(rng, date(2011, 1, 1), date(2022, 1, 1))
            stages = rng.choice(
                [
                    ["allegation"],
                    ["allegation", "allegation"],
                    ["allegation", "charge"],
                    ["allegation", "settlement"],
                ]
            )
            b.escalation(ref, name, label, start, stages)
            escalate = True
            rationale = (
                f"{industry.replace('_', ' ')} business with credible "
                f"{label.replace('_', ' ')} reporting ({' then '.join(stages)})"
            )
        elif archetype == "bad_actor":
            b.parties(ref, country, offshore=True, unknown=rng.random() < 0.5)
            label = RISKY_LABELS[industry]
            start = _day(rng, date(2010, 6, 1), date(2019, 1, 1))
            b.escalation(ref, name, label, start, ["allegation", "charge", "conviction"])
            if rng.random() < 0.5:
                second = rng.choice(["money_laundering", "fraud", "tax_crime"])
                b.escalation(
                    ref, name, second, start + timedelta(days=400), ["allegation", "charge"]
                )
            escalate = True
            rationale = f"Convicted of {label.replace('_', ' ')}; opaque offshore ownership"
        elif archetype == "sanctioned_owner":
            owner = SANCTIONED_OWNERS[n % len(SANCTIONED_OWNERS)]
            b.parties(ref, country, extra=[owner])
            b.benign(ref, name, onboarded, 1)
            escalate = True
            rationale = f"Owner {owner['name']} is on the OFAC SDN list"
        elif archetype == "collision":
            # A clean client whose name a bad actor elsewhere shares: unlinked news about the
            # other company must not be pinned on this one.
            b.parties(ref, country)
            other_country = rng.choice([c for c in COUNTRIES if c != country])
            b.signal(
                None,
                name,
                "fraud",
                _day(rng, date(2015, 1, 1), date(2025, 1, 1)),
                severity="charge",
                kind="news",
            )
            b.out.signals[-1]["text"] += (
                f" The company is registered in {COUNTRY_NAMES[other_country]}."
            )
            rationale = "Shares its name with a company in another country charged with fraud; no record of its own"
        b.out.labels.append(
            {
                "client_ref": ref,
                "outcome": "escalate" if escalate else "clear",
                "rationale": rationale,
            }
        )

    # Unlinked news: some signals arrive with the subject's name only.
    for row in b.out.signals:
        if row["client_ref"] and rng.random() < 0.08:
            row["client_ref"] = ""
    return b.out


def write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> None:
    """Write rows with a header, in a stable column order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csvutil.dict_writer(handle, fieldnames=columns, extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


CLIENT_COLUMNS = [
    "external_ref",
    "name",
    "aliases",
    "legal_form",
    "country",
    "registration_number",
    "website",
    "domains",
    "industry",
    "products",
    "status",
    "onboarded_on",
    "offboarded_on",
    "account_owner",
    "contract_value",
]
PARTY_COLUMNS = [
    "client_ref",
    "party_id",
    "name",
    "kind",
    "role",
    "ownership_pct",
    "birth_date",
    "country",
]
ENGAGEMENT_COLUMNS = ["client_ref", "engagement_id", "date", "kind", "description", "value"]
SIGNAL_COLUMNS = [
    "signal_id",
    "client_ref",
    "subject_name",
    "kind",
    "title",
    "text",
    "source",
    "url",
    "published_at",
    "severity",
    "credibility",
]
LABEL_COLUMNS = ["client_ref", "outcome", "rationale"]


def write_sample_data(folder: Path, *, seed: int = SEED) -> dict[str, int]:
    """Write the roster and the case study under ``folder``; returns row counts."""
    roster = generate_roster(seed)
    write_csv(folder / "clients.csv", roster.clients, CLIENT_COLUMNS)
    write_csv(folder / "parties.csv", roster.parties, PARTY_COLUMNS)
    write_csv(folder / "engagements.csv", roster.engagements, ENGAGEMENT_COLUMNS)
    write_csv(folder / "signals.csv", roster.signals, SIGNAL_COLUMNS)
    write_csv(folder / "labels.csv", roster.labels + case_study.LABELS, LABEL_COLUMNS)
    cs = folder / "case_study"
    write_csv(cs / "clients.csv", case_study.CLIENTS, CLIENT_COLUMNS)
    write_csv(cs / "parties.csv", case_study.PARTIES, PARTY_COLUMNS)
    write_csv(cs / "engagements.csv", case_study.ENGAGEMENTS, ENGAGEMENT_COLUMNS)
    write_csv(cs / "signals.csv", case_study.SIGNALS, SIGNAL_COLUMNS)
    return {
        "clients": len(roster.clients),
        "parties": len(roster.parties),
        "engagements": len(roster.engagements),
        "signals": len(roster.signals),
        "escalate": sum(1 for r in roster.labels if r["outcome"] == "escalate"),
    }
