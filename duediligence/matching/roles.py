"""The subject's role in an article: accused, victim, someone else's story, cleared, or mentioned.

Roles (:data:`ROLES`):

- ``subject`` — the article accuses, charges, convicts, sanctions or fines the subject, or says it
  committed the offence ("X was fined", "prosecutors charged X", "X laundered", "X pleaded
  guilty");
- ``victim`` — the subject suffered the offence ("X was hacked", "fraudsters tricked X",
  "a data breach at X", "X lost $2m to a scam");
- ``other party`` — the article is about someone else: the subject is named beside the story,
  explicitly not accused ("X was not named in the case"), or not named at all;
- ``cleared`` — the subject was acquitted, cleared, delisted, or the charges, case or probe against
  it were dropped, dismissed or closed ("prosecutors said X was not involved and dropped the
  investigation");
- ``mentioned`` — the subject reports, fights, prosecutes or comments on crime ("X helped police
  uncover a laundering ring", "prosecutor X charged five people", "X, an analyst, said").

The decision reads only the sentences that name the subject (found by
:func:`duediligence.signals.mentions.find_mentions`): each is rewritten with the mentions replaced
by a marker, and role patterns written for this project (word cues *and* where they stand
relative to the subject: passive "X was charged" vs active "X charged five people") are matched
against it. When several roles are found the order is cleared > subject > victim > other party >
mentioned: an acquittal outweighs the charge it ends, and an article that both calls the subject
a victim and charges it is adverse. Sentences without any cue leave the decision to the caller
(the classifier then asks whether the sentences around the mentions read as adverse).

The patterns are plain text reading with no dependency, kept in ``matching`` (below ``signals``
in the package's layers) so that two readers share them: the adverse-media reading
(:mod:`duediligence.signals.about`) and the news linker, which asks whom a story accuses
(:func:`duediligence.matching.linking.accused_in`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUBJECT = "subject"
VICTIM = "victim"
OTHER = "other party"
CLEARED = "cleared"
MENTIONED = "mentioned"
ROLES: tuple[str, ...] = (SUBJECT, VICTIM, OTHER, CLEARED, MENTIONED)
PRIORITY: tuple[str, ...] = (CLEARED, SUBJECT, VICTIM, OTHER, MENTIONED)

S = "xsubjx"  # the marker that replaces each mention of the subject
# the cue of a "mentioned" role read from words alone ("according to", "campaign", "anti-..."):
# too weak to outweigh a text that reads as adverse in the sentences naming the subject
WEAK_MENTION = "named beside words of fighting or reporting crime"
# the subject with an optional apposition: "X, a former minister, was charged"
SA = rf"{S}(?:,[^,;]{{1,80}},)?"


def _gap(n: int) -> str:
    """Up to ``n`` words that do not open a new clause (who, which, by, after ...)."""
    breakers = r"who|which|that|whose|by|after|when|while|because|but|before|since|where|said|says"
    return rf"(?:[\s,]+(?!(?:{breakers})\b)[\w'’$€£%.-]+){{0,{n}}}[\s,]+"


AUX = r"(?:was|were|is|are|has|have|had|be|been|being|got|gets|will|would|could|may|might|to)"
_AUX_RUN = rf"(?:{AUX}[\s,]+(?:(?:also|now|later|since|reportedly|allegedly|then|been|being|be|already)[\s,]+)*)+"
ENF = (
    r"(?:charged|fined|convicted|sentenced|sanctioned|indicted|arrested|accused|penali[sz]ed|"
    r"sued|investigated|raided|jailed|banned|designated|blacklisted|detained|prosecuted|"
    r"found guilty|found liable|held liable|ordered to (?:pay|forfeit)|disqualified|censured|"
    r"imprisoned|extradited|probed|suspected|implicated|named in|added to|barred|debarred|"
    r"punished|placed on|put on|caught|under investigation|under scrutiny|fined|seized|"
    r"stripped of|revoked|expelled|questioned over|targeted by (?:regulators|prosecutors|police)|"
    r"used by (?:its|his|her|their) owners)"
)
ENF_ACTIVE = (
    r"(?:charg(?:ed|es|ing)|fin(?:ed|es|ing)|convict(?:ed|s)|sentenc(?:ed|es)|sanction(?:ed|s|ing)|"
    r"indict(?:ed|s)|arrest(?:ed|s)|accus(?:ed|es|ing)|penali[sz](?:ed|es)|su(?:ed|es|ing)|"
    r"investigat(?:ed|es|ing)|rai(?:ded|ds)|jail(?:ed|s)|bann(?:ed|s)|designat(?:ed|es)|"
    r"blacklist(?:ed|s)|detain(?:ed|s)|prosecut(?:ed|es|ing)|froze (?:the )?assets of|"
    r"seiz(?:ed|es)|probe into|probing|investigation into|inquiry into|charges? against|"
    r"case against|lawsuit against|suit against|claims? against|allegations? (?:that|against)|"
    r"alleg(?:ed|es|ing) that|sanctions (?:on|against)|fines? (?:on|for)|indictment (?:of|against)|"
    r"complaint against|conviction of|accusations? (?:against|that)|arrest of|raids? on|"
    r"found that|said that|says that|ruled that|told the court(?: that)?|"
    r"accus\w+ \w+ of|blam(?:ed|es) (?!unlicensed))"
)
OFFENCE = (
    r"(?:launder(?:ed|s|ing)?|brib(?:ed|es|ing)|paid (?:bribes|kickbacks|a fine|a penalty)|"
    r"defraud(?:ed|s|ing)|smuggl(?:ed|es|ing)|traffick(?:ed|s|ing)|evad(?:ed|es|ing)|"
    r"embezzl(?:ed|es|ing)|forg(?:ed|es|ing)|falsif(?:ied|ies|ying)|rigg(?:ed|ing)|rigs|"
    r"extort(?:ed|s|ing)|hack(?:ed|s)|stole|steals|misled|misleads|conceal(?:ed|s)|hid|hides|"
    r"divert(?:ed|s|ing)|dump(?:ed|s|ing)|pollut(?:ed|es|ing)|exploit(?:ed|s|ing)|"
    r"plead(?:ed|s)? guilty|pled guilty|admit(?:ted|s)|agree[sd]? to pay|will pay|must pay|"
    r"settl(?:ed|es)|financ(?:ed|es|ing)|"
    r"(?:ran|runs|running|operated|operates|set up|organi[sz]ed) (?:a|an|the) (?:[\w-]+ ){0,3}"
    r"(?:scheme|ring|network|racket|fraud|cartel|gang|operation|empire|carousel)|"
    r"fund(?:ed|s) (?:terror|militants|an? (?:armed|militant|terrorist))|profit(?:ed|s)|"
    r"facilitat(?:ed|es|ing)|used forced|kept (?:\w+ ){0,3}in (?:debt|bondage|servitude)|"
    r"confiscated|withheld|sold (?:\w+ ){0,2}(?:data|spyware|weapons|arms|drugs|stolen)|"
    r"processed payments|faces?|facing|cheated|swindled|scammed|abused|knowingly|edited ads|"
    r"helped (?:clients|criminals|customers|sanctioned|cartels|gangs|terrorists)|"
    r"is accused|stands accused|was behind|were behind|is behind|lied|bought votes|paid off)"
)
VICTIM_PASSIVE = (
    r"(?:defrauded|hacked|scammed|swindled|duped|tricked|cheated|robbed|targeted|attacked|"
    r"breached|compromised|extorted|blackmailed|kidnapped|impersonated|assaulted|threatened|"
    r"trafficked|exploited|smuggled|held (?:for ransom|hostage|captive)|forced to|hit by|"
    r"stolen|deceived|rescued|freed|abused|victimi[sz]ed|murdered|killed|injured|wounded|"
    r"stabbed|shot|conned|fleeced|struck by|affected by (?:a|the) (?:hack|breach|attack|scam))"
)
VICTIM_ACTIVE = (
    r"(?:defraud(?:ed|ing)|hack(?:ed|ing) (?:into )?|scamm(?:ed|ing)|swindl(?:ed|ing)|dup(?:ed|ing)|"
    r"trick(?:ed|ing)|cheat(?:ed|ing)|robb(?:ed|ing)|target(?:ed|ing)|attack(?:ed|ing)|"
    r"breach(?:ed|ing)|extort(?:ed|ing)|blackmail(?:ed|ing)|kidnapp(?:ed|ing)|"
    r"impersonat(?:ed|ing)|assault(?:ed|ing)|threaten(?:ed|ing)|drain(?:ed|ing)|cost|"
    r"posing as|pretending to (?:be|come from)|in the name of|hijack(?:ed|ing)|clon(?:ed|ing)|"
    r"sold (?:fake|counterfeit|forged)?\s*\w*\s*(?:parts|goods|fish|books|certificates)? ?to|"
    r"(?:stole|stolen|embezzled|drained|siphoned|took|diverted)\b(?:[\s,]+[\w'’$€£%.-]+){0,6}"
    r"[\s,]+from|"
    r"(?:breach|attack|cyberattack|hack|raid|robbery|theft|heist|scam|fraud|ransomware) "
    r"(?:at|on|of|against|targeting|hit)|"
    r"encrypt(?:ed|ing) the (?:servers|systems|files) of|tapped|stole from|used|"
    r"br(?:oke|oken|eak) into|break-ins? at)"
)
VICTIM_AFTER = (
    r"(?:(?:the |a |an )?victims?\b|(?:the |a |an )?target of|fell (?:victim|prey)|prey to|"
    r"lost (?:[$€£\d]|money|millions|(?:his|her|its|their) (?:life )?savings|\w+ savings)|"
    r"(?:was|were) among (?:the )?(?:\w+ )?(?:victims|investors|customers|those)|"
    r"received death threats|suffer(?:ed|s) (?:an? )?(?:\w+ )?(?:attack|breach|loss|hack|fraud)|"
    r"(?:'s|’s) (?:identity|customers|clients|accounts?|website|email|pipeline|servers|systems|"
    r"payment systems|tanker|lorr(?:y|ies)|trucks?|name|best-selling|booking|hot wallets|"
    r"savings|staff were|wallets)|"
    r"discovered that|said (?:(?:on )?\w+day )?(?:it|he|she|they) (?:was|were|had been) (?:targeted|hacked|"
    r"defrauded|attacked|scammed|breached|compromised|hit by|struck by|(?:the |a )?victims? of)|(?:was|were) (?:one of|among) the (?:women|men|people|children|"
    r"workers))"
)
CLEAR_AFTER = (
    r"(?:acquitted|cleared|exonerated|(?:found )?not guilty|released without charge|walked free|"
    r"delisted|reinstated|removed from (?:the |a )?(?:\w+ )?list|vindicated|found not to have|"
    r"was found innocent)"
)
CLEAR_BEFORE = (
    r"(?:acquit(?:ted|s)?|clear(?:ed|s)|exonerat(?:ed|es)|delist(?:ed|s)|"
    r"remov(?:ed|es)|lift(?:ed|s) (?:the )?(?:ban|sanctions|designation)(?: on| against| of)?|"
    r"annull(?:ed|s) (?:the )?(?:\w+ )?(?:sanctions|designation)(?: on| against)?)"
)
CLEAR_END = (
    r"(?:dropp(?:ed|ing)|drops|dismiss(?:ed|es|ing)|withdr(?:ew|awn|aws)|clos(?:ed|es|ing)|"
    r"quash(?:ed|es)|overturn(?:ed|s)|annull(?:ed|s)|lift(?:ed|s)|threw out|thrown out|throws out|"
    r"reject(?:ed|s)|set aside|abandon(?:ed|s)|end(?:ed|s)|rul(?:ed|es) (?:out|in favour of))"
)
CASE = (
    r"(?:charges?|case|lawsuit|suit|claims?|complaint|investigation|probe|inquiry|accusations?|"
    r"allegations?|conviction|indictment|ban|sanctions|designation|forfeiture order|order|action|"
    r"proceedings|prosecution)"
)
NOT_INVOLVED = (
    r"(?:not involved|no involvement|no wrongdoing|played no part|no part in|no role|"
    r"not a suspect|had no (?:link|knowledge|connection)|did not (?:breach|break|commit|know)|"
    r"had not|has not (?:broken|breached)|not to have|had complied|complied with|"
    r"no (?:further )?action|no evidence)"
)
AUTHORITY = re.compile(
    r"\b(?:police|prosecutors?|court|judge|jury|regulators?|investigat\w+|inquiry|probe|audit|"
    r"review|found|concluded|confirmed|ruled|tribunal|agency|authorit\w+|officials|commission|"
    r"ministry|inspectors|cleared|case|charges?|accus\w+|allegations?|suspect\w*)\b"
)
# Enforcement against the one named: a victim's verbs ("hit by", "targeted in", "raid at")
# with one of these as their agent or object read as the subject's own case ("hit by a $10m
# fine", "targeted in a laundering probe", "FBI raid at X", "investigators targeting X").
ENFORCEMENT_NEAR = re.compile(
    r"\b(?:fines?|penalt(?:y|ies)|charges?|probes?|investigations?|inquir(?:y|ies)|raids?|"
    r"sanctions?|lawsuits?|indictments?|regulators?|watchdogs?|prosecutors?|investigators|"
    r"authorities|(?:by|from) (?:the )?police|police raids?|SEC|FCA|DOJ|FBI|FinCEN|OFAC|"
    r"AUSTRAC|tax (?:authorities|office|inspectors))\b",
    re.IGNORECASE,
)
VICTIM_ENFORCEMENT_WINDOW = 40  # characters around a victim cue searched for ENFORCEMENT_NEAR
NEGATED = (
    r"(?:has|have|had|was|were|is|are|did)?\s*(?:not|never)\s+(?:been\s+)?(?:accused|charged|"
    r"named|involved|part of|among|affected|on the list|listed|mentioned|a party|implicated|"
    r"linked|connected|bought|a target|the target)|(?:no|without) (?:link|connection|exposure|"
    r"relation|ties)|unrelated|separate (?:firm|company)|different (?:company|firm|market)|"
    r"same (?:name|surname)|similar name|competitor|rival|competing"
)
ROLE_NOUN = (
    r"(?:prosecutors?|judge|detective|inspector|police chief|chief of police|commissioner|"
    r"minister|analyst|expert|professor|researcher|journalist|reporter|lawyer|attorney|"
    r"economist|investigators?|head of enforcement|regulator|spokes(?:man|woman|person)|counsel|"
    r"officer|auditor|whistleblower|campaigner|activist|director of public prosecutions)"
)
# verbs that report what someone says of another ("prosecutors said X ...")
REPORTING_VERB = (
    r"(?:said|say|says|saying|told|tell|tells|allege[sd]?|alleging|claim(?:s|ed)?|believe[sd]?|"
    r"accuse[sd]?|charged|found|suspect(?:s|ed)?|stated?|states|added|argued?|wrote)"
)
# prepositions that make the subject a place, not an actor ("near the X casino")
PLACE = r"(?:near|outside|opposite|beside|next to|close to|in front of|across from|around)"
# relatives and acquaintances whose accusation is not the subject's
KIN = (
    r"(?:husband|wife|son|daughter|brother|sister|father|mother|cousin|nephew|niece|uncle|aunt|"
    r"partner|boyfriend|girlfriend|fianc[eé]e?|relative|in-law|neighbou?r|friend|tenant|landlord)"
)
# what is done to a thing someone owns ("boarded a tanker owned by X")
PROPERTY_HIT = (
    r"(?:boarded|hijacked|attacked|robbed|burgled|looted|vandali[sz]ed|torched|set fire to|"
    r"broke into|stole|cut|felled|damaged|sabotaged|blew up)"
)
MENTION_ACTIVE = (
    r"(?:join(?:s|ed|ing)?|launch(?:es|ed|ing)?|partner(?:s|ed|ing)?|help(?:s|ed|ing)?|"
    r"assist(?:s|ed|ing)?|works? with|worked with|report(?:s|ed|ing)?|alert(?:s|ed|ing)?|"
    r"flag(?:s|ged|ging)?|block(?:s|ed|ing)?|froze|freez(?:es|ing)|warn(?:s|ed|ing)?|"
    r"train(?:s|ed|ing)?|campaign(?:s|ed|ing)?|fight(?:s|ing)?|fought|combat(?:s|ed|ing)?|"
    r"tackl(?:es|ed|ing)|crack(?:s|ed)? down|pledg(?:es|ed|ing)|sign(?:s|ed)? (?:a |the )?pledge|"
    r"support(?:s|ed|ing)?|fund(?:s|ed)|sponsor(?:s|ed|ing)?|introduc(?:es|ed|ing)|hired|"
    r"host(?:s|ed|ing)?|publish(?:es|ed|ing)|checks?|scans?|screens?|refus(?:es|ed)|only buys|"
    r"spott(?:ed|s)|uncover(?:s|ed)?|expos(?:es|ed)|led|leads|announc(?:es|ed)|unveil(?:s|ed)|"
    r"promis(?:es|ed)|order(?:s|ed) (?:checks|an? inquiry|an? investigation)|wrote|explain(?:s|ed)|"
    r"comment(?:s|ed)|studies|filed charges against|charged (?:\w+ )?(?:people|members|men|women|"
    r"suspects|officials)|sentenced the|arrested (?:\w+ )?(?:people|members|men|suspects|\d+)|"
    r"seized|returned|runs shelters|trains police|received a certificate|won|wins|testified|"
    r"urged|called for|welcomed)"
)
MENTION_ANY = (
    r"(?:coalition|initiative|programme|program|campaign|pledge|hotline|compliance|"
    r"anti-\w+|(?:fight|campaign|crackdown|efforts?) against|whistleblowers?|with help from|"
    r"with the help of|according to)"
)


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# (role, compiled pattern, the cue in words for the explanation)
RULES: list[tuple[str, re.Pattern[str], str]] = [
    (CLEARED, _c(rf"{S}{_gap(8)}(?:{_AUX_RUN})?{CLEAR_AFTER}"), "cleared/acquitted"),
    (CLEARED, _c(rf"{CLEAR_BEFORE}{_gap(3)}{S}"), "cleared/acquitted"),
    (
        CLEARED,
        _c(rf"{CASE}{_gap(3)}(?:against|on|into|of|that){_gap(2)}{S}.{{0,80}}?\b{CLEAR_END}"),
        "the case against it ended",
    ),
    (
        CLEARED,
        _c(rf"\b{CLEAR_END}\b.{{0,60}}?\b{CASE}{_gap(2)}(?:against|into|of|on|that){_gap(2)}{S}"),
        "the case against it ended",
    ),
    (
        CLEARED,
        _c(rf"{S}(?:'s|’s)?{_gap(3)}{CASE}.{{0,40}}?\b{CLEAR_END}"),
        "the case against it ended",
    ),
    (OTHER, _c(rf"{S}(?:[\s,]+[\w'’$€£%.-]+){{0,8}}[\s,]+{NEGATED}"), "not accused / someone else"),
    (OTHER, _c(rf"\b(?:not|no longer|never) (?:from |of |by |at )?{S}"), "not the subject"),
    # the subject as a landmark: "a loan shark who operated near the X casino"
    (OTHER, _c(rf"\b{PLACE}\s+(?:the\s+)?{S}"), "named as a place near the story"),
    # witnesses: "colleagues including X were questioned as witnesses"
    (OTHER, _c(rf"{S}.{{0,60}}?\bas (?:a |an |the )?(?:\w+ )?witness(?:es)?\b"), "a witness"),
    # a relative or acquaintance is the accused: "X's former husband was sentenced"
    (
        OTHER,
        _c(
            rf"{S}(?:'s|’s)\s+(?:(?:former|ex-?|late|estranged|elder|younger)\s+)*{KIN}{_gap(4)}"
            rf"{_AUX_RUN}(?:\w+ly\s+)?{ENF}"
        ),
        "a relative or associate is the accused",
    ),
    (SUBJECT, _c(rf"{SA}{_gap(4)}{_AUX_RUN}(?:\w+ly\s+)?{ENF}"), "accused/charged/sanctioned"),
    (
        SUBJECT,
        _c(
            rf"{SA}{_gap(3)}{ENF}\s+(?:with|for|of|over|in connection|after|on suspicion|by|in|"
            rf"[$€£\d])"
        ),
        "accused/charged/sanctioned",
    ),
    (SUBJECT, _c(rf"\b{ENF_ACTIVE}{_gap(5)}{S}"), "accused/charged/sanctioned"),
    (
        SUBJECT,
        _c(
            rf"{S}(?:'s|’s) (?:(?:former|top|senior|chief|two|three|several)\s+)*(?:chief|"
            rf"executives?|founders?|owners?|directors?|ceo|boss|bosses|managers?|officials?|"
            rf"staff|employees|chairman|president){_gap(4)}{_AUX_RUN}(?:\w+ly\s+)?{ENF}"
        ),
        "its managers were accused/charged",
    ),
    (
        SUBJECT,
        _c(
            rf"{SA}\s+(?:(?:allegedly|knowingly|also|had|has|have|then|illegally|secretly|"
            rf"repeatedly|systematically)\s+)*{OFFENCE}(?!\s+by\b)"
        ),
        "committed the offence",
    ),
    (
        SUBJECT,
        _c(
            rf"\b(?:through|via|on) {S}(?:'s|’s)?\s+(?:ads|site|listings|platform|accounts|website)"
        ),
        "its service was used for the offence",
    ),
    (VICTIM, _c(rf"{SA}{_gap(4)}{_AUX_RUN}(?:\w+ly\s+)?{VICTIM_PASSIVE}"), "suffered the offence"),
    # Headlines drop the auxiliary ("X hit by ransomware attack", "X defrauded by its former
    # CFO"); without it only the passive with its agent or place reads as suffering the
    # offence: "X defrauded investors" is the active voice, X the offender.
    (
        VICTIM,
        _c(rf"{SA}\s+(?:\w+ly\s+)?{VICTIM_PASSIVE}(?:(?<=by)|\s+(?:by|in)\b)"),
        "suffered the offence",
    ),
    (
        VICTIM,
        _c(rf"{S},? who (?:was|were|had been|has been) {VICTIM_PASSIVE}"),
        "suffered the offence",
    ),
    (
        VICTIM,
        _c(
            rf"\b(?:fake|counterfeit|forged|cloned|bogus|pirated) (?:\w+ )?(?:versions? |copies )?of {S}"
        ),
        "its name or goods were faked",
    ),
    (VICTIM, _c(rf"\b{VICTIM_ACTIVE}{_gap(5)}{S}"), "suffered the offence"),
    (VICTIM, _c(rf"{S}(?:{_gap(4)})?{VICTIM_AFTER}"), "suffered the offence"),
    # its property was the target: "pirates boarded a tanker owned by X"
    (
        VICTIM,
        _c(
            rf"\b{PROPERTY_HIT}\b.{{0,60}}?\b(?:owned|operated|run|leased|managed|chartered) by {S}"
        ),
        "its property was the target",
    ),
    (
        VICTIM,
        _c(rf"{S},? (?:which|who) (?:has |have |had )?(?:asked|called on|urged) (?:the )?police"),
        "asked the police to investigate",
    ),
    # "prosecutor X charged ..." names X as the prosecutor; "prosecutors said X ..." reports
    # what they say of X, which is no role of X's own.
    (
        MENTIONED,
        _c(rf"\b{ROLE_NOUN}\s+(?:(?!{REPORTING_VERB}\b)\w+\s+)?{S}"),
        "reports or acts against crime",
    ),
    (
        MENTIONED,
        _c(rf"{S},\s+(?:(?:an?|the)\s+)?(?:[\w-]+\s+){{0,3}}{ROLE_NOUN}"),
        "comments or acts",
    ),
    (
        MENTIONED,
        _c(rf"{SA}(?:'s|’s)?{_gap(3)}{MENTION_ACTIVE}\b"),
        "reports, fights or comments on crime",
    ),
    (MENTIONED, _c(rf"\b{MENTION_ANY}\b"), WEAK_MENTION),
]
# Words that say a clause is about an offence or its enforcement (the subject's own clauses
# without any of them cannot make it the accused: the story is someone else's).
CRIME_WORDS = re.compile(
    rf"\b(?:{ENF}|{OFFENCE}|{ENF_ACTIVE}|fraud\w*|launder\w*|brib\w*|corrupt\w*|kickbacks?|"
    r"embezzl\w*|traffick\w*|smuggl\w*|terror\w*|extremis\w*|cartel|mafia|gang|crim\w*|illegal\w*|"
    r"unlawful\w*|illicit|scam\w*|scheme|ponzi|sanctions?|evasion|evad\w+|tax\w*|guilty|"
    r"convict\w*|prison|jail\w*|sentenc\w*|arrest\w*|indict\w*|lawsuit|sued|"
    r"allegation\w*|alleged\w*|accus\w*|scandal|offshore|shell compan\w+|forg\w+|counterfeit|"
    r"abuse\w*|exploit\w*|forced|slave\w*|drugs?|narco\w*|weapons|arms|hack\w*|cyber\w*|"
    r"pollut\w*|dump\w*|poach\w*|misconduct|wrongdoing|breach\w*|violat\w*|fine[sd]?|penalt\w+|"
    r"probe|investigat\w+|raid\w*|seiz\w+|freez\w+|frozen|fugitive|suspect\w*|"
    r"misappropriat\w+|siphon\w*|stole|stolen|theft|fake|bogus|rigg\w+|collusion|cheat\w*|"
    r"sex|prostitut\w*|escort\w*|pimp\w*|brothels?|minors|traffic|dirty money|grenades?|"
    r"explosives?|ammunition|firearms|guns|inflat\w+)\b",
    re.IGNORECASE,
)
CO_REF = re.compile(
    r"\b(?:the|its) (?:company|firm|bank|group|lender|exchange|site|platform|charity|marketplace|"
    r"business|carrier|courier|insurer|retailer|manufacturer|operator)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RoleCue:
    """A role pattern that matched one sentence."""

    role: str
    cue: str
    sentence: int  # index into the sentences the caller passed


def mask(sentence: str, spans: list[tuple[int, int]], *, coref: bool = False) -> str:
    """``sentence`` with each ``(start, end)`` mention replaced by the subject marker (and, with
    ``coref``, "the company"/"the firm" ... too, which in a sentence after a mention nearly
    always means the subject)."""
    out, last = [], 0
    for start, end in sorted(spans):
        if sentence[start:end].endswith(("'s", "’s")):
            end -= 2  # keep the possessive: "X's chief was charged" is not "X was charged"
        out.append(sentence[last:start])
        out.append(S)
        last = end
    out.append(sentence[last:])
    masked = "".join(out)
    if coref:
        masked = CO_REF.sub(S, masked)
    return masked


_NOT_INVOLVED = _c(rf"{S}{_gap(8)}(?:{_AUX_RUN})?{NOT_INVOLVED}")
_NO_EVIDENCE = _c(rf"\b(?:no evidence|no wrongdoing|no further action)\b.{{0,40}}?{S}")


def _clause_around(sentence: str, found: re.Match[str]) -> str:
    """The cue's match with up to :data:`VICTIM_ENFORCEMENT_WINDOW` characters on each side,
    not past a comma or semicolon ("X was defrauded, prosecutors said": the prosecutors
    report, they are not the agent)."""
    window = VICTIM_ENFORCEMENT_WINDOW
    before = re.split(r"[,;]", sentence[max(0, found.start() - window) : found.start()])[-1]
    after = re.split(r"[,;]", sentence[found.end() : found.end() + window])[0]
    return before + found.group(0) + after


def role_cues(masked_sentences: list[str]) -> list[RoleCue]:
    """Every role pattern matching each masked sentence (a sentence may match several).

    "X was not involved" clears the subject when the sentence names an authority or a case
    (police, prosecutors, a court, an inquiry: someone looked and found nothing); without one it
    only says the story is about someone else."""
    cues = []
    for i, sentence in enumerate(masked_sentences):
        if S not in sentence:
            continue
        negated = any(p.search(sentence) for r, p, _c in RULES if r == OTHER)
        for role, pattern, cue in RULES:
            if role in (SUBJECT, VICTIM) and negated:
                continue  # "X has not been accused": the accusation words are not about X
            found = pattern.search(sentence)
            if found is None:
                continue
            if role == VICTIM and ENFORCEMENT_NEAR.search(_clause_around(sentence, found)):
                continue  # the subject's own case, not an offence it suffered
            cues.append(RoleCue(role, cue, i))
        if _NO_EVIDENCE.search(sentence):
            cues.append(RoleCue(CLEARED, "no evidence against it", i))
        elif _NOT_INVOLVED.search(sentence):
            if AUTHORITY.search(sentence.replace(S, "")):
                cues.append(RoleCue(CLEARED, "found not involved", i))
            else:
                cues.append(RoleCue(OTHER, "not involved", i))
    return cues


def decide(cues: list[RoleCue]) -> RoleCue | None:
    """The deciding cue by :data:`PRIORITY`: the strongest role anywhere in the sentences (weak
    "mentioned" cues from words alone count only when no stronger role is found)."""
    if not cues:
        return None
    return min(cues, key=lambda c: (PRIORITY.index(c.role), c.sentence))
