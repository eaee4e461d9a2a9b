"""News-linking benchmark (issue 17): are articles without a subject linked to the right client?

    python benchmarks/linking.py [--half dev|held-out|both] [--speed] [--clients 100000]
        [--articles 100000] [--db]

**Accuracy** (needs ``../shared/data/adverse-media/tartu-train.csv.gz``, env ``DD_SHARED_DATA``;
skips cleanly without it). The real articles are split by entity group
(:func:`duediligence.signals.realnews.split_by_entity`, seed 17) into a *dev* half, on which
the linker's points were set, and a *held-out* half, reported. In each half three quarters of
the entity groups are *roster* entities and one quarter is kept off the roster. The roster holds
every roster entity's name as a client (countries of entities are not known, so clients have
none) plus one look-alike distractor per roster entity, in turn: word order swapped, one letter
changed, the same family name with another given name, words added. Every article is stored as
a news signal **without** ``subject_name`` and :func:`link_signals` runs on them all, on SQLite.

Outcomes per article: linked to the right client (roster articles), linked to a wrong client,
linked at all (off-roster articles), ambiguous. Side by side with the naive baseline "a client's
name appears in the text" (case-insensitive, whole words; one client named: linked; several:
ambiguous). Targets: right >= 90 %, wrong <= 1 %, off-roster linked <= 2 %.

Entities that are not one party are left out: blank names, countries ("Brazil") and lists of
several people ("Lori Loughlin, Mossimo Giannulli").

**Speed** (``--speed``): a generated roster (persons and companies from name-part lists) and
short generated articles, half of them about a client; the gazetteer build and the decisions in
memory, and with ``--db`` the whole :func:`link_signals` on SQLite (store, decide, write).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import countrynames
from _common import SHARED_DATA, fresh_sqlite, peak_rss_mb, report
from sqlalchemy import insert, select

from duediligence.db.enums import ClientStatus, LinkStatus, SignalKind
from duediligence.db.models import Client, Signal
from duediligence.db.session import session_factory
from duediligence.matching.gazetteer import (
    FULL,
    VARIANT,
    Gazetteer,
    looks_like_person,
    name_forms,
)
from duediligence.matching.linking import (
    Document,
    build_gazetteer,
    decide_from_text,
    link_signals,
    score_candidates,
)
from duediligence.signals import realnews

SEED = 17


def _words(text: str) -> list[str]:
    return text.split()


GIVEN = _words(
    "Anna Boris Carlos Diana Elena Farid Grace Hassan Ivan Julia Kenji Laura Mehmet Nadia "
    "Oscar Priya Rafael Sofia Tomas Yusuf Wei Mei Jun Omar Leila Pavel Ines Marco Aisha Jonas"
)
SURNAMES = _words(
    "Abbott Baranov Castillo Dimitrov Eriksen Fontaine Gallagher Horvath Ibrahim Jankowski "
    "Kowalczyk Lindqvist Moreau Nakamura Okafor Petrenko Quintero Rahman Sokolov Takahashi "
    "Urbano Vasquez Whitfield Xiang Yilmaz Zielinski Achterberg Brennan Chaudhry Delacroix "
    "Esposito Ferreira Grunwald Haddad Ishikawa Jovanovic Kaminski Lombardi Mahmoud Novak"
)
ORG_HEADS = _words(
    "Aurora Boreal Cobalt Delta Ember Falcon Granite Harbor Indigo Juniper Keystone Lumen "
    "Meridian Nimbus Orchid Pinnacle Quartz Redwood Summit Tidewater Umbra Vertex Willow "
    "Xenon Yarrow Zephyr Atlas Beacon Cascade Drift"
)
ORG_TAILS = _words(
    "Logistics Capital Trading Shipping Foods Mining Energy Media Software Pharma Textiles "
    "Minerals Holdings Partners Ventures Imports Exports Timber Metals Chemicals"
)
LEGAL = ["Ltd", "LLC", "GmbH", "S.A.", "Inc.", "plc", ""]


# ----------------------------------------------------------------------------- roster


GENERIC_ENTITIES = frozenset({"general", "anonymous", "unknown", "government", "police"})


def usable_entity(name: str) -> bool:
    """One party's name: not blank, not a country, not a list of several parties ("Lori
    Loughlin, Mossimo Giannulli", "JPMorgan and Citigroup"), not a description ("Melbourne
    woman", "Indian Govt"), not a generic word ("General", "Anonymous")."""
    name = name.strip()
    if not name or countrynames.to_code(name, fuzzy=False) or name.casefold() in GENERIC_ENTITIES:
        return False
    if "," in name:
        parts = [p.strip() for p in name.split(",")]
        if len(parts) > 2 or all(len(p.split()) >= 2 for p in parts):
            return False
    words = re.findall(r"[^\W\d_]+", name)
    if "&" in name or "and" in words:
        return False
    connectors = {"of", "the", "de", "del", "la", "al", "bin", "van", "von", "da", "for", "to"}
    return not any(w.islower() and w not in connectors for w in words) or name.islower()


def distractor(name: str, kind: int, rng: random.Random) -> str | None:
    """A look-alike of ``name``: 0 word order swapped, 1 one letter changed, 2 same family name
    with another given name, 3 words added. None when the kind does not apply."""
    words = name.split()
    person = looks_like_person(name)
    if kind == 0:
        if len(words) < 2 or any(w.isupper() and len(w) > 1 for w in words) or "," in name:
            return None  # "ABETE Mariano" is "Mariano ABETE" written as lists write it
        return " ".join([words[-1], *words[:-1]])
    if kind == 1:
        target = max(words, key=len)
        if len(target) < 4:
            return None
        k = rng.randrange(1, len(target) - 1)
        letter = rng.choice([c for c in "aeioulnrst" if c != target[k].lower()])
        changed = target[:k] + letter + target[k + 1 :]
        return name.replace(target, changed, 1)
    if kind == 2:
        if not person:
            return None
        given = rng.choice([g for g in GIVEN if g != words[0]])
        return " ".join([given, *words[1:]])
    if person:
        return f"{words[-1]} {rng.choice(ORG_TAILS)} {rng.choice(['Ltd', 'Group', 'LLC'])}"
    return f"{name} {rng.choice(['Holdings', 'International', 'Foundation'])}"


def _story_keys(case: Case) -> list[str]:
    text = " ".join(re.findall(r"\w+", case.text.casefold()))[:2000]
    title = " ".join(re.findall(r"\w+", case.title.casefold()))
    return ["t:" + text] + (["h:" + title] if len(title) > 20 else [])


def canonical_names(names: list[str]) -> dict[str, str]:
    """Each entity name -> one spelling for all names of the same party: names sharing a full
    or variant form ("Robert T. Brockman" / "Robert Brockman", "MUGABE Grace" / "Grace
    Mugabe", "Citigroup" / "Citigroup Inc.") are one party, one client, and so is a name that
    ends exactly one longer name ("Johnson Sirleaf" / "Ellen Johnson Sirleaf")."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[tuple[str, ...], str] = {}
    fulls: dict[str, tuple[str, ...]] = {}
    for name in sorted(set(names)):
        find(name)
        for form, keys in name_forms(name, person=looks_like_person(name)):
            if form == FULL:
                fulls[name] = keys
            if form in (FULL, VARIANT):
                if keys in owner:
                    parent[find(name)] = find(owner[keys])
                else:
                    owner[keys] = name
    # A name that is the tail of exactly one longer name is that party ("Johnson Sirleaf",
    # "Obama"); the tail of several ("Montoya Sanchez": Diego or Eugenio) stays apart.
    for name, keys in fulls.items():
        longer = {
            find(other)
            for other, o in fulls.items()
            if len(o) > len(keys) and o[len(o) - len(keys) :] == keys
        }
        if len(longer) == 1:
            parent[find(name)] = longer.pop()
    return {name: find(name) for name in names}


def same_entity_groups(articles: list[realnews.Article]) -> list[int]:
    """A group per article: realnews' groups (same entity, text or title), merged when their
    entities are one party (:func:`canonical_names`); whole groups go to one half."""
    base = realnews.entity_groups(articles)
    canonical = canonical_names([a.entity.strip() for a in articles])
    parent = list(range(max(base) + 1))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[str, int] = {}
    for i, a in enumerate(articles):
        key = canonical[a.entity.strip()]
        if key in first:
            parent[find(base[i])] = find(first[key])
        else:
            first[key] = base[i]
    return [find(g) for g in base]


@dataclass
class Case:
    """One article of the benchmark and the entity it was collected for."""

    title: str
    text: str
    entity: str
    in_roster: bool
    half: str
    # every entity the same story (same text or headline) was collected for: a link to any
    # of them is right
    entities: frozenset[str] = frozenset()


def build_cases(path: Path) -> tuple[list[Case], list[str], list[str]]:
    """The articles (with their half and whether their entity is on the roster), the roster
    entity names and the distractor names."""
    articles, _counts = realnews.read_articles(path)
    articles = [a for a in articles if usable_entity(a.entity) and (a.title or a.text)]
    groups = same_entity_groups(articles)
    rng = random.Random(SEED)
    ids = sorted(set(groups))
    rng.shuffle(ids)
    held_groups = set(ids[: len(ids) // 2])
    off_roster: set[int] = set()
    for side in (held_groups, set(ids) - held_groups):  # a quarter of each half stays off
        side_ids = sorted(side)
        rng.shuffle(side_ids)
        off_roster.update(side_ids[: len(side_ids) // 4])
    canonical = canonical_names([a.entity.strip() for a in articles])
    cases = [
        Case(
            a.title,
            a.text,
            canonical[a.entity.strip()],
            groups[i] not in off_roster,
            "held-out" if groups[i] in held_groups else "dev",
        )
        for i, a in enumerate(articles)
    ]
    same_story: dict[str, set[str]] = {}
    for c in cases:
        for key in _story_keys(c):
            same_story.setdefault(key, set()).add(c.entity)
    for c in cases:
        c.entities = frozenset().union(*(same_story[k] for k in _story_keys(c)))
    roster = sorted({c.entity for c in cases if c.in_roster})
    off = {c.entity.casefold() for c in cases if not c.in_roster}
    taken = {n.casefold() for n in roster} | off
    distractors: list[str] = []
    for k, name in enumerate(roster):
        for kind in (k % 4, (k + 1) % 4, (k + 2) % 4):
            alike = distractor(name, kind, rng)
            if alike and alike.casefold() not in taken:
                taken.add(alike.casefold())
                distractors.append(alike)
                break
    return cases, roster, distractors


def naive(cases: list[Case], names: list[str]) -> list[str | tuple[str, ...] | None]:
    """The baseline: the client names that appear in the text (whole words, any case)."""
    lowered = [(n, n.casefold()) for n in names]
    out: list[str | tuple[str, ...] | None] = []
    for case in cases:
        text = f"{case.title}\n{case.text}".casefold()
        found = [
            n
            for n, low in lowered
            if low in text and re.search(r"(?<!\w)" + re.escape(low) + r"(?!\w)", text)
        ]
        out.append(None if not found else found[0] if len(found) == 1 else tuple(found))
    return out


def accuracy(args: argparse.Namespace) -> None:
    path = SHARED_DATA / "adverse-media" / realnews.FILE_NAME
    if not path.is_file():
        report(f"linking accuracy: {path} not found, skipped")
        return
    cases, roster, distractors = build_cases(path)
    report(
        f"articles: {len(cases)} ({sum(c.in_roster for c in cases)} about roster entities); "
        f"roster: {len(roster)} entities + {len(distractors)} distractors"
    )
    engine, _folder = fresh_sqlite("linking.db")
    factory = session_factory(engine)
    names = roster + distractors
    with factory() as session:
        session.execute(
            insert(Client),
            [
                {
                    "external_ref": f"C{k:05d}",
                    "name": name,
                    "aliases": [],
                    "status": ClientStatus.ACTIVE,
                    "profile_version": 1,
                    "domains": [],
                    "products": [],
                }
                for k, name in enumerate(names)
            ],
        )
        session.execute(
            insert(Signal),
            [
                {
                    "kind": SignalKind.NEWS,
                    "title": c.title[:1000] or c.text[:100],
                    "text": c.text,
                    "published_at": date(2020, 6, 1),
                    "content_hash": hashlib.sha256(f"{k}".encode()).hexdigest(),
                    "link_status": LinkStatus.UNLINKED,
                }
                for k, c in enumerate(cases)
            ],
        )
        session.commit()
        started = time.perf_counter()
        result = link_signals(session=session, actor="bench")
        elapsed = time.perf_counter() - started
        session.commit()
        ref_name = dict(session.execute(select(Client.id, Client.name)).all())
        gazetteer = build_gazetteer(session=session)
        ranked = []  # per article: the clients found, best first (for the ceiling rows)
        for c in cases:
            found = score_candidates(gazetteer, Document.of(c.title, c.text))
            ranked.append([gazetteer.clients[f.client].name for f in found])
        outcomes = session.execute(
            select(
                Signal.id, Signal.link_status, Signal.client_id, Signal.link_candidates
            ).order_by(Signal.id)
        ).all()
    report(
        f"link_signals: {len(cases)} articles in {elapsed:.1f} s "
        f"({result.linked} linked, {result.ambiguous} ambiguous, {result.unlinked} unlinked)"
    )
    baseline = naive(cases, names)
    halves = ["dev", "held-out"] if args.half == "both" else [args.half]
    for half in halves:
        idx = [k for k, c in enumerate(cases) if c.half == half]
        table(half, cases, idx, outcomes, ref_name, baseline)
        ceiling(cases, idx, ranked)
        if args.show_errors:
            errors(cases, idx, outcomes, ref_name)


def table(half, cases, idx, outcomes, ref_name, baseline) -> None:  # type: ignore[no-untyped-def]
    ours: Counter[str] = Counter()
    base: Counter[str] = Counter()
    for k in idx:
        case = cases[k]
        _sid, status, client_id, _cands = outcomes[k]
        ours.update(_outcome(case, status, ref_name.get(client_id)))
        b = baseline[k]
        if b is None:
            base_status, base_name = LinkStatus.UNLINKED, None
        elif isinstance(b, tuple):
            base_status, base_name = LinkStatus.AMBIGUOUS, None
        else:
            base_status, base_name = LinkStatus.LINKED, b
        base.update(_outcome(case, base_status, base_name))
    roster_n = sum(cases[k].in_roster for k in idx)
    off_n = len(idx) - roster_n
    report("")
    report(f"### {half} half: {roster_n} roster articles, {off_n} off-roster articles")
    report("")
    report("| outcome | linker | naive baseline | target |")
    report("|---|---|---|---|")
    rows = [
        ("roster articles linked to the right client", "right", roster_n, "≥ 90 %"),
        ("roster articles linked to a wrong client", "wrong", roster_n, "≤ 1 %"),
        ("roster articles left ambiguous", "ambiguous", roster_n, "—"),
        ("roster articles left unlinked", "unlinked", roster_n, "—"),
        ("off-roster articles linked (to anyone)", "off-linked", off_n, "≤ 2 %"),
        ("off-roster articles left ambiguous", "off-ambiguous", off_n, "—"),
    ]
    for label, key, n, target in rows:
        report(f"| {label} | {_pct(ours[key], n)} | {_pct(base[key], n)} | {target} |")


def ceiling(cases: list[Case], idx: list[int], ranked: list[list[str]]) -> None:
    """What any decision rule on these candidates could reach: roster articles whose entity
    the gazetteer finds at all, and finds ranked first."""
    roster = [k for k in idx if cases[k].in_roster]
    found = sum(any(n in cases[k].entities for n in ranked[k]) for k in roster)
    first = sum(bool(ranked[k]) and ranked[k][0] in cases[k].entities for k in roster)
    report("")
    report(
        f"ceiling: the entity is found in {_pct(found, len(roster))} of the roster articles "
        f"and ranked first in {_pct(first, len(roster))}"
    )


def _pct(count: int, total: int) -> str:
    return f"{100 * count / total:.1f} % ({count})" if total else "—"


def _outcome(case: Case, status: LinkStatus, name: str | None) -> list[str]:
    if case.in_roster:
        if status == LinkStatus.LINKED:
            return ["right" if name in case.entities else "wrong"]
        return ["ambiguous" if status == LinkStatus.AMBIGUOUS else "unlinked"]
    if status == LinkStatus.LINKED:
        return ["off-linked"]
    return ["off-ambiguous"] if status == LinkStatus.AMBIGUOUS else ["off-unlinked"]


def errors(cases, idx, outcomes, ref_name) -> None:  # type: ignore[no-untyped-def]
    for k in idx:
        case = cases[k]
        _sid, status, client_id, cands = outcomes[k]
        got = ref_name.get(client_id)
        if case.in_roster and status == LinkStatus.LINKED and got == case.entity:
            continue
        if not case.in_roster and status != LinkStatus.LINKED:
            continue
        top = [(c.get("name"), c.get("score")) for c in (cands or []) if "client" in c][:3]
        why = (cands or [{}])[0].get("reason", "")
        report(
            f"  [{'roster' if case.in_roster else 'off'}] {case.entity!r} -> {status.value} "
            f"{got!r} {top} {why} | {case.title[:70]!r}"
        )


# ----------------------------------------------------------------------------- speed


def synthetic_roster(n: int, rng: random.Random) -> list[str]:
    """``n`` distinct client names: persons (given + family name) and companies."""
    names: set[str] = set()
    while len(names) < n:
        if rng.random() < 0.5:
            name = f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}{rng.randrange(1000):03d}"
        else:
            name = (
                f"{rng.choice(ORG_HEADS)}{rng.randrange(10000):04d} {rng.choice(ORG_TAILS)} "
                f"{rng.choice(LEGAL)}"
            ).strip()
        names.add(name)
    return sorted(names)


def synthetic_articles(names: list[str], m: int, rng: random.Random) -> list[tuple[str, str]]:
    """``m`` short articles (headline, two or three sentences); half name a client."""
    out = []
    for _ in range(m):
        if rng.random() < 0.5:
            name = rng.choice(names).replace(" Ltd", "").replace(" LLC", "")
            title = f"{name} fined over {rng.choice(['fraud', 'bribery', 'tax', 'permits'])}"
            body = (
                f"Regulators said on Monday that {name} had failed to keep records. "
                f"The case against {name.split()[0]} was filed in {rng.choice(SURNAMES)} "
                "county court. A spokesperson declined to comment."
            )
        else:
            title = (
                f"Markets close {rng.choice(['higher', 'lower'])} as {rng.choice(ORG_TAILS)} rally"
            )
            body = (
                f"Analysts at {rng.choice(ORG_HEADS)} Research expect rates to hold. "
                f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)} said demand was steady."
            )
        out.append((title, body))
    return out


def speed(args: argparse.Namespace) -> None:
    rng = random.Random(SEED)
    names = synthetic_roster(args.clients, rng)
    articles = synthetic_articles(names, args.articles, rng)
    started = time.perf_counter()
    gazetteer = Gazetteer()
    for k, name in enumerate(names):
        gazetteer.add_client(k + 1, f"C{k:06d}", name)
    built = time.perf_counter() - started
    report(
        f"gazetteer: {len(names)} clients, {len(gazetteer)} name forms in {built:.1f} s "
        f"(peak RSS {peak_rss_mb():.0f} MB)"
    )
    started = time.perf_counter()
    statuses: Counter[str] = Counter()
    for title, body in articles:
        statuses[decide_from_text(gazetteer, Document.of(title, body)).status.value] += 1
    decided = time.perf_counter() - started
    report(
        f"decisions in memory: {len(articles)} articles in {decided:.1f} s = "
        f"{len(articles) / decided:,.0f} articles/s ({dict(statuses)})"
    )
    if not args.db:
        return
    engine, _folder = fresh_sqlite("speed.db")
    factory = session_factory(engine)
    with factory() as session:
        for lo in range(0, len(names), 20_000):
            session.execute(
                insert(Client),
                [
                    {
                        "external_ref": f"C{k:06d}",
                        "name": name,
                        "aliases": [],
                        "status": ClientStatus.ACTIVE,
                        "profile_version": 1,
                        "domains": [],
                        "products": [],
                    }
                    for k, name in enumerate(names[lo : lo + 20_000], start=lo)
                ],
            )
        for lo in range(0, len(articles), 20_000):
            session.execute(
                insert(Signal),
                [
                    {
                        "kind": SignalKind.NEWS,
                        "title": title,
                        "text": body,
                        "published_at": date(2020, 6, 1),
                        "content_hash": hashlib.sha256(f"{k}".encode()).hexdigest(),
                        "link_status": LinkStatus.UNLINKED,
                    }
                    for k, (title, body) in enumerate(articles[lo : lo + 20_000], start=lo)
                ],
            )
        session.commit()
        started = time.perf_counter()
        result = link_signals(session=session, actor="bench")
        session.commit()
        elapsed = time.perf_counter() - started
    report(
        f"link_signals on SQLite: {len(articles)} articles against {len(names)} clients in "
        f"{elapsed:.1f} s = {len(articles) / elapsed:,.0f} articles/s ({result.linked} linked, "
        f"{result.ambiguous} ambiguous, {result.unlinked} unlinked; peak RSS "
        f"{peak_rss_mb():.0f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", choices=["dev", "held-out", "both"], default="held-out")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--speed", action="store_true", help="run the speed mode instead")
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", action="store_true", help="speed: also the full DB path")
    args = parser.parse_args()
    if args.speed:
        speed(args)
    else:
        accuracy(args)


if __name__ == "__main__":
    main()
