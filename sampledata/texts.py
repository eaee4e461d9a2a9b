"""Hand-written text fragments for sample news items and the labelled adverse-media corpus.

Every label has its own stock of headlines and body sentences, written for this project in our
own words, with slots (``{org}``, ``{place}``, ``{authority}`` ...) filled at random. Neutral
filler, places and company names are shared by every label, so a classifier cannot learn a label
from incidental words. Fragments are numbered: the corpus generator keeps every fifth fragment
out of the training split so the dev split measures generalisation to unseen phrasings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

LABELS: tuple[str, ...] = (
    "human_trafficking",
    "forced_labour",
    "money_laundering",
    "terrorism",
    "fraud",
    "corruption",
    "sanctions_evasion",
    "drug_trafficking",
    "arms_trafficking",
    "cybercrime",
    "tax_crime",
    "environmental_crime",
    "organised_crime",
    "none",
)

HEADLINES: dict[str, list[str]] = {
    "human_trafficking": [
        "{org} accused of hosting ads used to sell people for sex",
        "Police say {org} listings were used to traffic teenagers in {place}",
        "Advocates link {org} to sexual exploitation of minors",
        "Investigators find trafficking victims were advertised on {org}",
        "{authority} charges {org} executives with facilitating sex trafficking",
        "Smuggling ring moved migrants through {place} using {org} vans",
        "Court hears how {org} profited from ads for exploited women",
        "{org} named in report on child sexual exploitation online",
        "Trafficking survivors sue {org} over escort advertisements",
        "Raids in {place} free {n} women held by a ring tied to {org}",
        "Report: {org} ignored warnings that its site sold minors",
        "{org} manager convicted of recruiting victims for forced prostitution",
    ],
    "forced_labour": [
        "{org} suppliers used forced labour, audit finds",
        "Workers at {org} factory had passports confiscated, inspectors say",
        "{authority} blocks imports from {org} over forced labour",
        "Debt bondage found on farms supplying {org}",
        "{org} accused of using prison labour in {place}",
        "Migrant workers at {org} site were unpaid for months and barred from leaving",
        "Customs detains {org} shipment under forced-labour rules",
        "Labour inspectors rescue {n} workers from {org} subcontractor",
        "Fishing crews on {org} vessels held in servitude, report says",
        "{org} faces lawsuit over child labour in its cobalt supply chain",
    ],
    "money_laundering": [
        "{org} fined {amount} for anti-money-laundering failures",
        "Prosecutors say {org} laundered proceeds through shell companies",
        "{authority} investigates {org} over suspicious transfers",
        "{org} processed {amount} in dirty money, regulator finds",
        "Bank accounts of {org} frozen in laundering probe",
        "{org} director charged with washing cartel cash in {place}",
        "Leaked files show {org} moved funds through offshore fronts",
        "Regulator says {org} ignored red flags on high-risk customers",
        "{org} settles money-laundering case for {amount}",
        "Real-estate deals by {org} used to hide criminal proceeds, court told",
        "{org} convicted of laundering through crypto mixers",
    ],
    "terrorism": [
        "{org} accused of financing an armed extremist group",
        "{authority} designates {org} as a terrorist financier",
        "Charity run by {org} funnelled donations to militants, prosecutors say",
        "{org} executive arrested on terrorism financing charges",
        "Payments from {org} reached a banned militant network in {place}",
        "{org} shipped equipment to an extremist group, court hears",
        "Prosecutors link {org} money transfers to a bombing cell",
        "{org} convicted of providing material support to terrorists",
        "Counter-terrorism police raid {org} offices in {place}",
        "{org} fundraising platform used by jihadist recruiters, report finds",
    ],
    "fraud": [
        "{org} accused of defrauding investors of {amount}",
        "{org} founder charged with securities fraud",
        "Regulator says {org} inflated revenue for years",
        "{org} ran a Ponzi scheme, prosecutors allege",
        "Customers lose savings after {org} investment scam collapses",
        "{org} forged invoices to obtain loans, court finds",
        "Counterfeit goods sold by {org} seized in {place}",
        "{org} executives convicted of accounting fraud",
        "Insurance fraud ring used {org} clinics, police say",
        "{org} misled buyers with fake safety certificates",
        "{authority} sues {org} over deceptive billing practices",
    ],
    "corruption": [
        "{org} paid bribes to win public contracts, prosecutors say",
        "{authority} fines {org} {amount} over foreign bribery",
        "Officials in {place} took kickbacks from {org}",
        "{org} chief charged with bribing customs officers",
        "{org} agrees deferred prosecution deal over corrupt payments",
        "Leaked emails show {org} funnelled cash to a minister's relatives",
        "{org} used consultants to pass bribes, court hears",
        "Anti-graft agency raids {org} headquarters",
        "{org} convicted of bribery in tender scandal",
        "Audit finds {org} inflated contracts to pay off officials",
    ],
    "sanctions_evasion": [
        "{org} accused of helping a sanctioned bank move money",
        "{authority} penalises {org} for sanctions violations",
        "{org} shipped controlled electronics to an embargoed state",
        "Tankers linked to {org} switched off transponders to hide cargo",
        "{org} used front companies to evade export controls",
        "{org} executive charged with breaching sanctions on {place}",
        "{org} added to sanctions list over support for a blacklisted regime",
        "Ship-to-ship transfers by {org} vessels broke the oil embargo, panel finds",
        "{org} agrees to pay {amount} for export-control breaches",
        "Dual-use components sold by {org} ended up in drones, report says",
    ],
    "drug_trafficking": [
        "Cocaine found hidden in {org} shipping containers",
        "{org} owner charged with running a drug smuggling network",
        "Police seize {n} kilograms of heroin at {org} warehouse",
        "{org} trucks used to move methamphetamine, prosecutors say",
        "{authority} names {org} as a front for a drug cartel",
        "Fentanyl precursors shipped by {org} seized at the border",
        "{org} pharmacy chain diverted opioids to dealers, court finds",
        "Cartel used {org} import business to launder drug profits",
        "{org} manager convicted of narcotics trafficking",
        "Cannabis smuggling ring operated out of {org} depot in {place}",
    ],
    "arms_trafficking": [
        "{org} accused of smuggling weapons to a conflict zone",
        "Arms shipment from {org} violated an embargo, UN panel finds",
        "{org} broker charged with illegal gun trafficking",
        "Rifles sold by {org} traced to criminal gangs in {place}",
        "{org} forged end-user certificates for ammunition exports",
        "{authority} revokes {org} arms export licence",
        "{org} owner convicted of trafficking firearms across the border",
        "Grenades and mortars found in {org} cargo",
        "{org} sold surplus weapons to militias, investigators say",
        "Ghost-gun kits shipped by {org} seized by police",
    ],
    "cybercrime": [
        "{org} accused of running a ransomware operation",
        "{org} sold stolen credit-card data, prosecutors say",
        "Hackers behind {org} stole {amount} from bank customers",
        "{authority} takes down botnet run by {org}",
        "{org} call centre ran tech-support scams targeting the elderly",
        "{org} developer charged with building malware",
        "Phishing kits sold by {org} used in thousands of attacks",
        "{org} laundered ransom payments through crypto exchanges",
        "{org} servers hosted a dark-web drugs market, police say",
        "{org} convicted of computer intrusion and data theft",
    ],
    "tax_crime": [
        "{org} accused of evading {amount} in taxes",
        "{authority} raids {org} in tax fraud investigation",
        "{org} used offshore trusts to hide income, court hears",
        "{org} executives charged with VAT carousel fraud",
        "{org} ran a payroll tax scam, prosecutors say",
        "{org} owner convicted of tax evasion",
        "Leaked records show {org} hid profits in {place}",
        "{org} agrees to pay {amount} to settle tax-evasion case",
        "Fake invoices let {org} claim illegal tax refunds",
        "{org} helped clients dodge taxes through sham companies",
    ],
    "environmental_crime": [
        "{org} charged with illegally dumping toxic waste",
        "{org} logging firm cut protected rainforest in {place}",
        "{authority} fines {org} {amount} for polluting a river",
        "{org} traded in endangered wildlife, investigators say",
        "Illegal gold mining by {org} poisoned villages with mercury",
        "{org} exported hazardous e-waste disguised as scrap",
        "{org} falsified emissions data, regulator finds",
        "Fishing fleet owned by {org} caught in a marine reserve",
        "{org} manager convicted of environmental offences",
        "Ivory and pangolin scales found in {org} cargo",
    ],
    "organised_crime": [
        "{org} was a front for a mafia clan, prosecutors say",
        "{org} owner charged with racketeering",
        "Police say {org} extorted shop owners in {place}",
        "{authority} seizes assets of {org} in organised-crime sweep",
        "{org} used violence to control the waste-collection market, court hears",
        "{org} managers convicted of running a criminal enterprise",
        "Gang leaders used {org} to collect protection money",
        "{org} loan-sharking business tied to crime syndicate",
        "Anti-mafia police raid {org} construction sites",
        "{org} linked to a smuggling and extortion network",
    ],
    "none": [
        "{org} opens new office in {place}",
        "{org} reports record quarterly revenue",
        "{org} joins coalition to fight human trafficking",
        "{org} partners with police to remove exploitative ads",
        "Court clears {org} of all fraud allegations",
        "Documentary examines how investment fraud ruins families",
        "{org} launches training for staff on spotting money laundering",
        "{org} wins award for supply-chain transparency",
        "{org} appoints new chief executive",
        "{org} donates {amount} to anti-trafficking charity",
        "Charges against {org} dropped for lack of evidence",
        "{org} helped police catch a fraud gang, officials say",
        "{org} expands its product line with a new app",
        "Bank flagged suspicious transfers that led to arrests of a cartel cell, not its clients",
        "{org} publishes its first modern-slavery statement",
        "Investigation finds no wrongdoing by {org}",
        "{org} signs sustainability pledge to cut emissions",
        "Conference on cybercrime prevention hosted by {org}",
        "{org} hires former prosecutor to lead compliance",
        "Regulator approves {org} licence after review",
        "{org} raises {amount} in funding round",
        "Film about a sanctions-busting scheme premieres in {place}",
    ],
}

BODIES: dict[str, list[str]] = {
    "human_trafficking": [
        "Prosecutors said the adverts offered women and girls for sex and that the site's staff edited them to avoid detection.",
        "Child-protection groups said dozens of the listings showed minors and that reports to the company went unanswered.",
        "According to the indictment, victims were moved between hotels in {place} and advertised under new names every few days.",
        "The smugglers charged each migrant thousands of dollars and held them in locked houses until relatives paid more.",
        "Investigators said the company earned most of its revenue from its adult section and resisted calls to close it.",
        "Survivors told the court they had been sold repeatedly through the platform while they were teenagers.",
        "Police said the recruiters lured victims with fake job offers abroad and then forced them into prostitution.",
        "The attorneys general wrote that the site had become a hub for the sexual exploitation of children.",
        "Officers rescued several victims, some of them under eighteen, during the coordinated raids.",
        "Advocates accused the firm of profiting from exploitation while claiming to moderate its content.",
    ],
    "forced_labour": [
        "Inspectors found that workers had their identity documents taken and were charged recruitment fees they could never repay.",
        "The workers said they worked sixteen-hour shifts, slept in locked dormitories and were threatened with deportation.",
        "Customs officials said there was reasonable evidence the goods were made with forced labour and held the shipment.",
        "An independent audit found that children as young as twelve worked at the supplier's mines.",
        "Crew members said they were beaten, denied wages and kept at sea for more than a year.",
        "The company said it had suspended the supplier, but campaigners said it had ignored earlier warnings.",
        "Labour officials said wages had been withheld to keep the workers from leaving the site.",
        "Researchers traced cotton from state-run labour camps to the firm's garments.",
    ],
    "money_laundering": [
        "The regulator said the firm failed to check where large cash deposits came from and filed no suspicious-activity reports.",
        "Prosecutors allege the money passed through a chain of shell companies in three jurisdictions before reaching property purchases.",
        "Investigators said the accounts received transfers from companies controlled by a drug-trafficking organisation.",
        "The settlement requires the firm to hire an independent monitor and overhaul its customer checks.",
        "According to the charge sheet, the director structured deposits to stay below reporting thresholds.",
        "Leaked bank records show round-sum payments routed through correspondent accounts with no business purpose.",
        "The court heard that luxury cars and apartments were bought to hide the origin of the funds.",
        "Compliance staff had raised concerns about the high-risk customers but were overruled, the report said.",
        "Authorities froze {amount} in assets pending the outcome of the case.",
    ],
    "terrorism": [
        "Prosecutors said donations collected for humanitarian relief were diverted to fighters of a banned group.",
        "The designation freezes the company's assets and bars anyone from doing business with it.",
        "According to the indictment, the transfers were split into small amounts and sent through informal money networks.",
        "Investigators said the equipment, including drones and radios, was delivered to militants near the border.",
        "The defendant is accused of raising money online for an organisation listed as terrorist.",
        "Security officials said the network also recruited young people through the charity's events.",
        "The court found that the accused knew the funds would be used to buy weapons for attacks.",
        "Police seized cash, phones and ledgers recording payments to the militant cell.",
    ],
    "fraud": [
        "Investors were promised guaranteed returns, but early investors were paid with money from new ones, prosecutors said.",
        "The regulator said the company booked fictitious sales to meet targets and misled its auditors.",
        "According to the complaint, the firm sold products with forged certificates and fake test results.",
        "Thousands of customers lost their savings when the scheme collapsed, the court heard.",
        "Prosecutors said the executives created false invoices to obtain bank loans worth {amount}.",
        "The counterfeit goods carried copied logos and were sold online as genuine.",
        "The lawsuit accuses the company of charging customers for services they never ordered.",
        "Whistleblowers told investigators that managers ordered them to alter the accounts.",
        "The judge said the fraud was deliberate and carried out over several years.",
    ],
    "corruption": [
        "Prosecutors said the payments were disguised as consulting fees to a firm owned by the official's relatives.",
        "The company admitted paying bribes to win contracts for hospitals and roads.",
        "Under the agreement, the firm will pay {amount} and cooperate with investigators.",
        "Customs officers allegedly received monthly cash payments to wave through the company's containers.",
        "Emails show managers discussing how to hide the kickbacks in inflated invoices.",
        "The anti-corruption agency said it seized documents and froze bank accounts during the raid.",
        "The tender was rigged so that only the company could meet its conditions, auditors found.",
        "The former minister and two executives were sentenced to prison for bribery.",
    ],
    "sanctions_evasion": [
        "Investigators said the firm used front companies and false end-user declarations to hide the real buyer.",
        "The penalty covers hundreds of transactions processed for sanctioned banks over several years.",
        "According to the panel of experts, the vessels transferred oil at sea to avoid inspection.",
        "The components are subject to export controls because they can be used in missiles and drones.",
        "Prosecutors said payments were routed through third countries to conceal their link to the embargoed state.",
        "The designation means any assets of the company under the jurisdiction are blocked.",
        "Records show the cargo was relabelled and shipped through several ports before reaching its destination.",
        "The company disclosed the violations voluntarily and agreed to strengthen its screening.",
    ],
    "drug_trafficking": [
        "Customs officers found the drugs hidden inside a consignment of fruit, officials said.",
        "Prosecutors say the company's trucks carried narcotics across the border for a cartel.",
        "The seizure was one of the largest in the country's history, police said.",
        "Investigators tracked payments from street dealers to the company's accounts.",
        "The indictment says the pharmacy filled thousands of fake prescriptions for opioids.",
        "Chemicals used to make synthetic drugs were declared as cleaning products.",
        "The owner was sentenced to fifteen years in prison for narcotics trafficking.",
        "Police said the depot served as a distribution hub for the smuggling ring.",
    ],
    "arms_trafficking": [
        "The UN panel said the weapons reached armed groups despite an arms embargo.",
        "Prosecutors said the broker bought rifles in bulk and smuggled them across the border.",
        "End-user certificates submitted with the export licences were forged, investigators found.",
        "Police traced serial numbers of guns used in shootings back to the company's sales.",
        "The cargo, declared as agricultural machinery, contained mortars and ammunition.",
        "The licence was revoked after authorities found undeclared shipments to a war zone.",
        "The defendant admitted trafficking firearms and was sentenced to prison.",
        "Investigators said the weapons were paid for in cash through a chain of intermediaries.",
    ],
    "cybercrime": [
        "Prosecutors said the group encrypted hospital systems and demanded payment in cryptocurrency.",
        "The stolen card data was sold on criminal forums, investigators said.",
        "Police took the servers offline in a coordinated operation across several countries.",
        "Victims were told their computers were infected and tricked into paying for fake repairs.",
        "The malware harvested banking passwords from hundreds of thousands of devices.",
        "The phishing kits imitated bank login pages and were sold by subscription.",
        "Investigators said ransom payments were converted to cash through unlicensed exchanges.",
        "The developer pleaded guilty to writing and selling hacking tools.",
    ],
    "tax_crime": [
        "Prosecutors said the company underreported its income and hid profits in offshore trusts.",
        "The scheme used chains of companies to claim VAT refunds on goods that were never traded.",
        "Tax inspectors seized accounting records and computers during the raid.",
        "The owner failed to declare {amount} in income over several years, the court heard.",
        "Employees were paid in cash to avoid payroll taxes, investigators said.",
        "The settlement includes back taxes, interest and penalties.",
        "Leaked documents show the firm set up sham companies to move profits out of the country.",
        "The judge sentenced the director to prison and barred him from running companies.",
    ],
    "environmental_crime": [
        "Inspectors found drums of toxic chemicals buried near a river used for drinking water.",
        "Satellite images show the company cleared protected forest without permits.",
        "The regulator said the firm discharged untreated waste for years and falsified its reports.",
        "Investigators said the wildlife products were smuggled in containers declared as timber.",
        "Villagers living near the mine have high levels of mercury in their blood, doctors said.",
        "The e-waste was shipped abroad as second-hand goods to avoid treatment costs.",
        "The company's vessels were tracked fishing inside a marine protected area.",
        "The court fined the company and ordered it to pay for the clean-up.",
    ],
    "organised_crime": [
        "Prosecutors said the company was controlled by a crime family and used to win public contracts.",
        "Shopkeepers told police they were threatened if they refused to pay protection money.",
        "Investigators seized properties, cars and bank accounts linked to the clan.",
        "The indictment describes extortion, intimidation of witnesses and money laundering.",
        "The gang used the firm's trucks and warehouses for smuggling, the court heard.",
        "The managers were convicted of belonging to a criminal organisation.",
        "Police said the loan-sharking operation charged interest of more than one hundred percent.",
        "Anti-mafia prosecutors said the group infiltrated the local construction sector.",
    ],
    "none": [
        "The company said the new office will create around {n} jobs over the next two years.",
        "The coalition brings together technology firms, charities and police to report and remove exploitative content.",
        "The court found no evidence of wrongdoing and dismissed all charges against the company.",
        "The documentary follows investigators as they unravel a fraud that targeted pensioners.",
        "The training programme teaches staff how to recognise signs of trafficking and report them.",
        "Analysts said the results were driven by strong demand in {place}.",
        "The company said it will publish an annual report on risks in its supply chain.",
        "Prosecutors withdrew the case, saying the evidence did not support the allegations.",
        "The bank's alert helped police identify the suspects, none of whom were its customers.",
        "The donation will fund shelters and legal support for survivors of exploitation.",
        "The new chief executive previously ran the company's European business.",
        "The award recognises firms that audit their suppliers and publish the results.",
        "The app lets customers book appointments and pay online.",
        "The firm said its moderation team works with police to remove illegal ads within hours.",
        "The regulator said the company met all licensing requirements after a full review.",
    ],
}

# Shared by every label: background sentences that carry no label signal.
FILLER: list[str] = [
    "The company, founded in {year}, employs about {n} people.",
    "Its headquarters are in {place}, and it operates in several countries.",
    "A spokesperson for the company did not respond to requests for comment.",
    "The company said it was reviewing the matter and would cooperate fully.",
    "Shares in the company fell in early trading after the news.",
    "The case is expected to go to trial next year.",
    "Lawyers for the company said they would appeal.",
    "The firm has grown quickly since it was founded, expanding into {place}.",
    "Analysts said the news could affect the company's plans to raise capital.",
    "The company's annual report lists revenue of {amount}.",
    "Local media first reported the story on {weekday}.",
    "The company's website says it serves thousands of customers.",
    "Officials declined to give further details, citing the ongoing investigation.",
    "The company was previously known under a different name.",
    "Industry groups said the sector faces growing scrutiny.",
    "The board met on {weekday} to discuss the situation.",
]

PLACES = [
    "London",
    "Dallas",
    "Phoenix",
    "Miami",
    "Madrid",
    "Lagos",
    "Dubai",
    "Singapore",
    "Manila",
    "Bangkok",
    "Warsaw",
    "Bucharest",
    "Istanbul",
    "Nairobi",
    "Lima",
    "Bogotá",
    "Mexico City",
    "Toronto",
    "Sydney",
    "Mumbai",
    "Karachi",
    "Hong Kong",
    "Riga",
    "Cyprus",
    "Panama",
    "Johannesburg",
    "Rotterdam",
    "Marseille",
    "Naples",
    "Kyiv",
    "Tbilisi",
    "São Paulo",
]
AUTHORITIES = [
    "The Justice Department",
    "State prosecutors",
    "The financial regulator",
    "The SEC",
    "The Treasury",
    "The attorney general",
    "European prosecutors",
    "The customs agency",
    "The tax authority",
    "A federal grand jury",
    "The serious fraud office",
    "The central bank",
    "The environment agency",
    "Interpol",
    "The labour ministry",
    "The competition authority",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
AMOUNT_VALUES: list[float] = [1.2, 2.5, 4, 7.8, 12, 25, 40, 85, 150, 320, 600]
SMALL_AMOUNT_UNITS = ["million", "million", "billion"]  # below 10: a billion one time in three
STAFF_SIZES = [12, 35, 60, 140, 300, 1200, 4000]
FOUNDED_YEARS = (1975, 2018)
ORG_FIRST = [
    "Apex",
    "Blue Harbor",
    "Crescent",
    "Delta",
    "Everline",
    "Falcon",
    "Granite",
    "Horizon",
    "Ironwood",
    "Juniper",
    "Keystone",
    "Lumen",
    "Meridian",
    "Northgate",
    "Orion",
    "Pinnacle",
    "Quantum",
    "Redwood",
    "Summit",
    "Tidewater",
    "Unity",
    "Vertex",
    "Westbrook",
    "Zenith",
    "Silverline",
    "Oakmont",
    "Bright Path",
    "Coral",
    "Evergreen",
    "Harbor Point",
]
ORG_SECOND = [
    "Trading",
    "Logistics",
    "Media",
    "Holdings",
    "Group",
    "Partners",
    "Systems",
    "Imports",
    "Capital",
    "Marketplace",
    "Shipping",
    "Foods",
    "Mining",
    "Labs",
    "Services",
    "Ventures",
]
ORG_FORMS = ["Ltd", "LLC", "Inc.", "S.A.", "GmbH", "B.V.", "Pte Ltd", "", "", ""]


def org_name(rng: random.Random) -> str:
    """A fictional company name."""
    form = rng.choice(ORG_FORMS)
    return " ".join(p for p in (rng.choice(ORG_FIRST), rng.choice(ORG_SECOND), form) if p)


def amount(rng: random.Random) -> str:
    """A money amount written as news does."""
    value = rng.choice(AMOUNT_VALUES)
    unit = rng.choice(SMALL_AMOUNT_UNITS) if value < 10 else "million"
    return f"${value:g} {unit}" if rng.random() < 0.6 else f"€{value:g} {unit}"


def fill(template: str, rng: random.Random, org: str | None = None) -> str:
    """Fill the slots of ``template`` at random (``org`` fixes the company name)."""
    return template.format(
        org=org or org_name(rng),
        place=rng.choice(PLACES),
        authority=rng.choice(AUTHORITIES),
        amount=amount(rng),
        n=rng.choice(STAFF_SIZES),
        year=rng.randint(*FOUNDED_YEARS),
        weekday=rng.choice(WEEKDAYS),
    )


@dataclass(frozen=True)
class Article:
    """A generated news item."""

    label: str
    title: str
    text: str


def pools(label: str, split: str | None, extended: bool = False) -> tuple[list[str], list[str]]:
    """Headline and body pools of ``label`` for ``split`` ("train": 4/5 of the fragments,
    "dev": the held-out fifth plus shared ones, None: all); ``extended`` adds the extra stock."""

    def pick(items: list[str]) -> list[str]:
        if split is None:
            return items
        held = [t for i, t in enumerate(items) if i % 5 == 4]
        kept = [t for i, t in enumerate(items) if i % 5 != 4]
        # dev: mostly unseen fragments, topped up so every pool is non-empty
        return kept if split == "train" else held + kept[: max(0, 3 - len(held))]

    heads = HEADLINES[label] + (EXTRA_HEADLINES[label] if extended else [])
    bodies = BODIES[label] + (EXTRA_BODIES[label] if extended else [])
    return pick(heads), pick(bodies)


def article(
    label: str,
    rng: random.Random,
    *,
    org: str | None = None,
    split: str | None = None,
    length: str | None = None,
    extended: bool = False,
) -> Article:
    """Compose one news item of ``label``: a headline and a body of a chosen length
    (``short``: headline only, ``brief``: 1–2 sentences, ``long``: a multi-paragraph article).
    ``extended`` draws on the extra stock too (the labelled corpus does; the roster does not)."""
    heads, bodies = pools(label, split, extended)
    filler = FILLER + EXTRA_FILLER if extended else FILLER
    org = org or org_name(rng)
    title = fill(rng.choice(heads), rng, org)
    length = length or rng.choices(["short", "brief", "long"], weights=[2, 5, 2])[0]
    if length == "short":
        return Article(label, title, "")
    n_body = rng.randint(1, 2) if length == "brief" else rng.randint(3, min(6, len(bodies)))
    sentences = [fill(s, rng, org) for s in rng.sample(bodies, min(n_body, len(bodies)))]
    if length == "long":
        fillers = [fill(s, rng, org) for s in rng.sample(filler, rng.randint(3, 6))]
        paragraphs = []
        mixed = sentences + fillers
        rng.shuffle(mixed)
        mixed.insert(0, sentences[0])  # lead with the substance, as news does
        mixed = list(dict.fromkeys(mixed))
        while mixed:
            take = rng.randint(2, 3)
            paragraphs.append(" ".join(mixed[:take]))
            mixed = mixed[take:]
        body = "\n\n".join(paragraphs)
    else:
        if rng.random() < 0.3:
            sentences.append(fill(rng.choice(filler), rng, org))
        body = " ".join(sentences)
    return Article(label, title, body)


# --------------------------------------------------------------------------- extended stock
# More fragments, used only by the labelled corpus (``extended=True``) so the shipped sample
# roster stays byte-for-byte reproducible. The ``none`` additions cover what real news is mostly
# made of — ordinary business copy — and the hard negatives: firms fighting, studying, reporting
# or being cleared of crime.

EXTRA_HEADLINES: dict[str, list[str]] = {
    "human_trafficking": [
        "{org} hotel staff ignored signs guests were being trafficked, lawsuit claims",
        "Escort ads on {org} platform offered underage girls, investigators say",
        "{org} founder arrested over prostitution ads that exploited minors",
        "Sex-trafficking victims say {org} knowingly sold their ads",
        "Ring that smuggled migrants in {org} lorries dismantled in {place}",
        "{org} accused of recruiting women with fake modelling jobs",
        # the commonest adverse trafficking news: a person or firm arrested, charged, convicted
        "Police arrest {org} owner on human trafficking charges",
        "{org} director charged with sex trafficking of women",
        "{org} executive sentenced to prison for human trafficking",
        "{authority} indicts {org} managers in human trafficking case",
        "{org} boss arrested in human trafficking probe",
        "Businessman behind {org} convicted of trafficking women for sex",
        "{org} founder held on suspicion of human trafficking",
        "{org} owner pleads guilty to sex trafficking charges",
        "Court convicts {org} manager of human trafficking",
        "{org} chief detained in crackdown on trafficking of migrants",
        # platforms seized or shut down for selling people for sex: the offence is trafficking
        # even when the charge sheet reads "facilitating prostitution" and laundering its income
        "{authority} seizes {org} website accused of promoting prostitution",
        "Federal agents shut down {org} classifieds site over ads selling people for sex",
        "{org} taken offline as its owners are indicted for facilitating prostitution",
        "{authority} takes down escort-ad platform {org} and charges its founders",
        "{org} site seized; owners charged with prostitution offences and laundering ad revenue",
        "Government seizes {org} domain in crackdown on online sex trafficking",
    ],
    "forced_labour": [
        "Garment workers for {org} were locked in and unpaid, investigation finds",
        "{org} tomato farms used bonded migrant labour, report says",
        "{authority} issues withhold release order against {org} goods",
        "Seafood sold by {org} caught by enslaved fishermen, campaigners say",
        "{org} contractor held workers' passports and wages, court finds",
        "{org} owner arrested on forced labour charges",
        "{org} managers convicted of forced labour and servitude",
        "{authority} charges {org} boss with holding workers in debt bondage",
        "{org} farm operator jailed for enslaving migrant workers",
        "Police detain {org} director over forced labour at factory",
    ],
    "money_laundering": [
        "{org} helped clients hide cartel money, whistleblower says",
        "{authority} charges {org} with failing to report suspicious cash deposits",
        "Casino operator {org} fined over laundering of gang money",
        "{org} accounts used to clean {amount} of fraud proceeds",
        "Estate agency {org} sold mansions to front companies for kleptocrats",
    ],
    "terrorism": [
        "{org} money transfers financed militant attacks, prosecutors allege",
        "{authority} freezes assets of {org} over links to extremist group",
        "{org} paid protection money to armed terrorist faction",
        "Donations collected by {org} diverted to jihadist fighters",
    ],
    "fraud": [
        "{org} billed patients for treatments never given, prosecutors say",
        "Auditors find {amount} missing from {org} accounts",
        "{org} sold fake cancer cures online, regulator says",
        "{org} chief executive indicted for defrauding lenders",
        "Crypto platform {org} collapses amid allegations of investor fraud",
    ],
    "corruption": [
        "{org} won road contracts after paying officials, investigators say",
        "Mayor accepted luxury trips from {org} in exchange for permits",
        "{org} settles foreign bribery probe for {amount}",
        "{org} lobbyist charged with bribing lawmakers",
    ],
    "sanctions_evasion": [
        "{org} sold oil to a blacklisted regime through shell firms",
        "{authority} fines {org} {amount} for trading with sanctioned entities",
        "{org} smuggled chips to a sanctioned military supplier, indictment says",
        "{org} ships reflagged to evade sanctions, investigation shows",
    ],
    "drug_trafficking": [
        "{org} boats used to smuggle cocaine across the Atlantic",
        "{org} executive arrested in international heroin bust",
        "Synthetic opioids sold through {org} website, agents say",
        "{org} distributor accused of flooding towns with painkillers",
    ],
    "arms_trafficking": [
        "{org} shipped rifles to armed groups in breach of embargo",
        "Machine guns hidden in {org} containers seized in {place}",
        "{org} dealer indicted for exporting weapons without licence",
        "{org} broker arranged illegal sale of attack helicopters",
    ],
    "cybercrime": [
        "{org} behind ransomware attack on hospitals, police say",
        "{org} employees ran call-centre scam defrauding pensioners online",
        "Hacking group linked to {org} breached millions of accounts",
        "{org} sold spyware to criminals, prosecutors allege",
    ],
    "tax_crime": [
        "{org} hid {amount} from tax authorities using shell companies",
        "{org} boss jailed for evading income tax",
        "{authority} accuses {org} of massive VAT fraud",
        "{org} booked fake losses to avoid paying tax, court told",
    ],
    "environmental_crime": [
        "{org} dumped chemical waste into a lake, prosecutors say",
        "{org} smuggled rosewood logged illegally in {place}",
        "Wildlife traffickers used {org} freight to move rhino horn",
        "{org} mine leaked cyanide and hid it from inspectors",
    ],
    "organised_crime": [
        "{org} laundered profits of a mafia clan, police say",
        "Crime syndicate used {org} to rig public tenders through threats",
        "{org} director arrested as members of a gang extorting builders",
        "{org} trucking firm controlled by organised crime family",
    ],
    "none": [
        "{org} partners with charities to combat modern slavery",
        "{org} launches hotline for reporting human trafficking",
        "{org} trains hotel staff to spot signs of trafficking",
        "{org} funds research into detecting money laundering",
        "{org} backs campaign against child exploitation online",
        "{org} sponsors hackathon to combat ransomware",
        "{org} praised for efforts against forced labour in its supply chain",
        "{org} helps police dismantle smuggling network",
        "{org} joins industry pledge against bribery",
        "{org} appoints anti-corruption watchdog to its board",
        "Jury acquits {org} of bribery charges",
        "{org} wins appeal as fraud conviction is overturned",
        "Regulator closes probe into {org} without action",
        "{org} cleared of wrongdoing in sanctions review",
        "Police thank {org} for tip that led to arrests of drug dealers",
        "{org} develops software that helps banks flag suspicious payments",
        "Conference on fighting organised crime opens in {place}",
        "Report on rising cybercrime cites new attacks on retailers",
        "{org} reports higher profits as sales grow",
        "{org} shares rise after strong quarterly results",
        "{org} opens distribution centre creating {n} jobs",
        "{org} completes acquisition of a regional rival",
        "{org} names new chief financial officer",
        "{org} launches new mobile banking app",
        "{org} expands into {place} with a new store",
        "{org} cuts prices on its best-selling products",
        "{org} agrees to buy a software start-up for {amount}",
        "{org} announces plans for a new headquarters in {place}",
        "{org} sponsors local youth sports league",
        "{org} recalls batch of toys over choking hazard",
        "{org} employees vote for a new pay deal",
        "{org} invests {amount} in solar power for its factories",
        "Interview: {org} founder on building a global brand",
        "{org} customers report outage of online service",
        "{org} hosts annual meeting of shareholders",
        "{org} to list shares on the stock exchange",
        # firms fighting human trafficking, as common as the crime in business news
        "{org} publishes its modern slavery and human trafficking statement",
        "{org} funds shelters for survivors of human trafficking",
        "{org} backs new law to stop human trafficking in supply chains",
        "{org} staff volunteer with a human trafficking hotline",
        "{org} teaches drivers to report suspected human trafficking",
        # gifts, grants and pledges: crime words in a good cause
        "{org} gives {amount} to a charity sheltering survivors of trafficking",
        "{org} foundation awards grants to groups fighting modern slavery",
        "{org} staff raise money for victims of sexual exploitation",
        "{org} matches employee donations to anti-slavery charities",
        "{org} sponsors charity run for survivors of human trafficking",
        "{org} donates laptops to a charity helping exploited children",
        "{org} commits to the employer-pays principle for migrant workers",
        "{org} joins initiative for responsible recruitment of migrant labour",
        "{org} promises fair pay and decent housing for seasonal migrant workers",
        "{org} and unions agree a code of conduct protecting migrant workers",
        "{org} vows to remove forced labour from its supply chain by 2030",
        "{org} signs up to ethical trading rules for agency workers",
        "{org} pledges {amount} to help refugees find safe jobs",
        "{org} adopts a charter against child labour with its suppliers",
        # results copy, the commonest business news (more of it keeps "profits" and "record" neutral)
        "{org} lifts profit forecast after strong sales",
        "{org} half-year profits climb on higher demand",
        "{org} posts record annual revenue and raises its dividend",
        "Quarterly profits at {org} beat analysts' expectations",
        "{org} profits fall as costs rise",
        "{org} reports a record year for orders",
        # cleared, approved, closed: offence words where nothing was found
        "Appeals court clears {org} of fraud",
        "Prosecutors drop fraud case against {org}",
        "Regulator renews {org} licence for another five years",
        "Watchdog ends inquiry into {org} with no findings against it",
        "Judge dismisses bribery lawsuit against {org}",
        "{org} wins approval from regulator for its new fund",
    ],
}

EXTRA_BODIES: dict[str, list[str]] = {
    "human_trafficking": [
        "The lawsuit says hotel employees rented rooms to traffickers despite obvious signs that girls were being exploited.",
        "Investigators said the ads used coded words to signal that the people offered for sex were minors.",
        "The migrants were crammed into the back of a truck without air and charged large fees for the crossing.",
        "Prosecutors said the defendants took the victims' earnings and threatened their families at home.",
        "Advocates said the platform made it easy for pimps to sell victims and hard for police to find them.",
        "Police arrested the businessman at his home and charged him with human trafficking and sexual exploitation.",
        "Prosecutors said the defendant lured the women with promises of jobs and forced them into prostitution.",
        "The court heard that the accused kept the victims' passports and sold them to clients.",
        "Investigators said the suspect ran a network that trafficked women across the border for sex.",
        "The judge sentenced the defendant for trafficking and ordered compensation for the victims.",
        "Agents seized the platform's domain, and prosecutors accused its owners of promoting prostitution and laundering the ad revenue.",
        "The indictment says the site earned millions from ads for prostitution, including ads for children.",
        "Visitors to the site now see a notice that it was seized by federal law enforcement.",
        "Prosecutors said the owners moved the income from sex ads through foreign accounts to hide where it came from.",
        "The site's chief executive pleaded guilty to conspiracy to facilitate prostitution and to money laundering.",
        "Officials said the website had been the main marketplace for selling trafficked women and girls.",
    ],
    "forced_labour": [
        "Workers said recruiters deducted their wages to pay off debts that kept growing.",
        "The report describes workers housed in guarded compounds and unable to leave without permission.",
        "Fishermen said they were forced to work twenty hours a day and were beaten when they complained.",
        "The order allows customs to detain the goods until the importer proves they were not made with forced labour.",
    ],
    "money_laundering": [
        "The whistleblower said managers approved accounts for shell companies without asking who owned them.",
        "Prosecutors said casino chips were bought with cash and cashed out as clean winnings.",
        "The properties were bought through anonymous companies registered in offshore centres.",
        "Investigators said the funds were layered through dozens of transfers in a single day.",
    ],
    "terrorism": [
        "Investigators said the money was wired to intermediaries who passed it to the armed group's commanders.",
        "The company is accused of paying the militants so that its operations in the region could continue.",
        "Prosecutors said the defendants knew the donations would pay for weapons and fighters.",
    ],
    "fraud": [
        "Prosecutors said the company submitted thousands of claims for treatments that were never provided.",
        "Investors were shown fake bank statements and invented contracts, the indictment says.",
        "The regulator said the firm's products had no effect and that its testimonials were invented.",
        "The platform froze withdrawals and the founders moved customer funds to private wallets, investigators said.",
    ],
    "corruption": [
        "Investigators said the officials approved permits within days of receiving the payments.",
        "The company admitted that its agents offered cash and gifts to officials who awarded contracts.",
        "Prosecutors said the lobbyist promised campaign money in exchange for favourable votes.",
    ],
    "sanctions_evasion": [
        "Investigators said the oil was blended and relabelled to hide its origin before sale.",
        "The company continued to trade with the listed entities through intermediaries, the authority said.",
        "Prosecutors said the chips were routed through distributors in third countries to reach the sanctioned buyer.",
    ],
    "drug_trafficking": [
        "Agents said the cocaine was packed in hidden compartments inside the boats' hulls.",
        "The indictment says the distributor shipped millions of pills to pharmacies that served addicts.",
        "Police said the website sold the drugs in small parcels sent through the post.",
    ],
    "arms_trafficking": [
        "Investigators said the rifles were shipped through brokers to evade the embargo.",
        "The dealer exported the weapons without the licences the law requires, prosecutors said.",
        "Customs officers found the guns packed beneath a cargo of spare parts.",
    ],
    "cybercrime": [
        "Police said the attackers locked hospital computers and demanded a ransom in bitcoin.",
        "Call-centre workers posed as bank staff and persuaded victims to transfer their savings.",
        "The spyware was sold to buyers who used it to steal passwords and banking details.",
    ],
    "tax_crime": [
        "Prosecutors said the owner moved income into shell companies to keep it from the tax authority.",
        "The court heard that the firm invented losses to cut its tax bill.",
        "Investigators said the company claimed refunds for exports that never took place.",
    ],
    "environmental_crime": [
        "Divers found barrels of chemicals on the bottom of the lake near the plant.",
        "The timber was cut in a protected reserve and exported with forged permits, investigators said.",
        "Inspectors said the mine concealed a cyanide leak that killed fish downstream.",
    ],
    "organised_crime": [
        "Police said the gang threatened builders who refused to hire its firms.",
        "Prosecutors said the clan controlled the company through relatives and front men.",
        "The investigation found that rival bidders were intimidated into withdrawing.",
    ],
    "none": [
        "The partnership will fund shelters, legal aid and job training for survivors of trafficking.",
        "Staff will learn to recognise warning signs and report concerns to a dedicated team.",
        "The research will develop tools that help banks detect suspicious transactions.",
        "The jury found the company not guilty on all counts after a six-week trial.",
        "The appeals court overturned the conviction, finding the evidence insufficient.",
        "The regulator said it had found no breach and would take no further action.",
        "Officers said the company's tip-off helped them identify and arrest the suspects.",
        "The conference brings together police, prosecutors and companies to share ways of fighting crime.",
        "The report says attacks on retailers rose last year and urges firms to improve security.",
        "Sales rose in every region, helped by strong demand for the company's new products.",
        "The acquisition gives the company access to new customers and technology.",
        "The new finance chief joins from a large accounting firm where she led its audit practice.",
        "The app lets customers open an account, make payments and track spending from their phones.",
        "The store is the company's largest and will employ around {n} people.",
        "The recall affects products sold over the past year, and customers can return them for a refund.",
        "The investment will cover the roofs of its factories with solar panels by next year.",
        "The founder said the company's success came from listening to its customers.",
        "The company apologised for the outage and said service had been restored.",
        "Shareholders approved the dividend and re-elected the board.",
        "The listing will raise money to fund the company's expansion abroad.",
        "The donation will pay for safe houses, counselling and legal advice for survivors.",
        "Under the pledge the company will pay any recruitment fees so that workers do not fall into debt.",
        "The charity said the money would fund outreach to people at risk of exploitation.",
        "Suppliers must let workers keep their passports and pay their wages on time, the code says.",
        "The company will publish the names of the labour agencies it uses and have them audited every year.",
        "Campaigners welcomed the commitment and said other retailers should follow.",
        "Employees chose the charity in a staff vote, and the company doubled what they raised.",
    ],
}

EXTRA_FILLER: list[str] = [
    "The company said it serves customers in more than twenty countries.",
    "Its chief executive has led the business for more than a decade.",
    "The firm reported revenue growth in its most recent annual results.",
    "The company employs staff in offices across {place} and beyond.",
    "A spokesperson said the company would issue a statement later.",
    "The firm's products are sold online and through partners.",
    "Industry analysts expect the market to keep growing.",
    "The company's shares are listed on the local stock exchange.",
]
