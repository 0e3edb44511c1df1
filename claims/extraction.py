"""Candidate claim extraction from news text.

Pure Python, standard library only: no Django imports, no models, nothing loaded at run time.
All regular expressions are compiled once at import.

    extract(text, published=None) -> list[Candidate]   # in text order; callers sort by score
    split_sentences(text) -> list[tuple[int, int]]      # character spans

Conventions (what a Candidate means):

* value is a Decimal, unit one of USD, percent, percentage_points, count, years, months, days, ratio.
* Money: "$700 million", "$1.2bn", "$4.7k", "USD 34.6 million", "6 billion dollars", "half a billion dollars",
  "15 cents" are USD with the scale applied (700000000; 0.15).
* "percent", "per cent", "%", "pct" are percent; "percentage points" (and bare "points" in a poll or rate
  context) are percentage_points, never mixed with percent; "25 basis points" is 0.25 percentage_points.
* Fractions of a population are percent with the fraction's value rounded to 6 decimals: "half" 50,
  "a third" 33.333333, "two-thirds" 66.666667, "a quarter" 25, "one in five" 20, "nine out of 10" 90.
  Such phrasings are rounded by nature, so their qualifier is ``approximate`` unless a hedge word says
  otherwise ("over half" is 50 at_least, "nearly two-thirds" is nearly).
* Durations: years, months, days ("two weeks" is 14 days, "a decade" 10 years). "N years ago" is a time
  reference, "a 34-year-old" an age: neither is a mention; nor are hours and minutes (not in the unit vocabulary).
* "N per 100,000 residents" is a ratio N/100000 with counted_noun "residents"; "N times", "twice", "double"
  are ratios.
* Vague quantities take the base of the expression with qualifier at_least and vague=True:
  "tens of thousands" 10000, "hundreds of thousands" 100000, "thousands of" 1000, "dozens of" 12.
* Counts carry their head noun ("2 million backlogged cases" -> "cases"); a bare count takes the noun of an
  earlier count in the same sentence ("from 38,000 beds to 22,000") or of the sentence's subject
  ("Shootings fell from 702 to 561").
* Ranges: "between 20 and 30 percent" / "20 to 30 percent" give 20 at_least and 30 at_most, the unit and
  scale carried back to the first number.
* kind: ``change`` only for percent (signed: "cut by 62 percent" is -62; "up 18% from a year earlier" is +18
  with baseline_date a year before as_of). An absolute change ("raised salaries by $4,500") and a change in
  percentage points stay ``level`` with a positive value, since a claim's change is always in percent.
  A level stated as negative ("margins averaged minus 2.3 percent") keeps its sign; editors decide.
  ``forecast`` for predictions and pledges (will, would, plans to, expects, projected, pledged, "by 2026"),
  with due_date when the sentence gives one. A predicted percent change stays ``change`` (its due_date set).
* Dates: as_of is the date the figure describes: the time expression nearest the mention ("last year" ->
  31 Dec of the year before publication, "in March" -> end of the latest March, "in fiscal 2023" ->
  2023-09-30, "as of Sept. 30"), else the published date. A period resolves to its last day, never after
  the published date. due_date: "by 2024" -> 2024-12-31, "by the end of next year", "within 18 months".
* Attribution (speaker as written, titles dropped, surnames and short names resolved to the full name
  used earlier in the text): ``direct_quote`` inside quotation marks attributed to a person or body;
  ``paraphrase`` "X said (that)", "said X", "X told reporters", "according to X" (person or organisation);
  ``reported`` "<outlet> reported", "according to <outlet>", an outlet's own review; ``anonymous`` an
  unnamed description ("two DHS officials", "a spokesperson"); ``document`` a memo, report, poll, data
  ("an internal proposal", "city payroll records"; the issuing body when named: "a GAO report" -> GAO);
  ``own`` no speaker. When several apply, anonymous > document > reported > direct_quote > paraphrase.
* Not mentions: years, dates, times, ordinals, decades, legal citations (Section 1326, Title 8, H.R. 2,
  212(d)(5), 8 U.S.C. 1229a, 87 FR 18078), case numbers, identifiers (COVID-19, Route 66, Local 1021),
  URLs, e-mail addresses, handles, hashtags, phone numbers, short codes, page numbers, street addresses,
  vote tallies (39-19), school years (2023-24), ages ("Derek Hollis, 51,", "voters under 30"), hyphenated
  descriptors ("a 24-page opinion", "a three-judge panel"), the number in an anonymous source's description
  ("two DHS officials said"), a number cited earlier as a section ("more 1326 prosecutions"), and "one" as a
  pronoun.
* score (0..1) ranks candidates for check-worthiness: money and shares first, then attributed, hedged, changing
  or promised figures and large numbers; vague quantities and small bare counts last.
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

__all__ = [
    "ATTRIBUTION_KINDS",
    "KINDS",
    "QUALIFIERS",
    "UNITS",
    "Candidate",
    "extract",
    "split_sentences",
]

UNITS = ("USD", "percent", "percentage_points", "count", "years", "months", "days", "ratio")
QUALIFIERS = ("exact", "approximate", "nearly", "at_least", "at_most")
KINDS = ("level", "change", "forecast")
ATTRIBUTION_KINDS = ("direct_quote", "paraphrase", "reported", "anonymous", "document", "own")


@dataclass(frozen=True)
class Candidate:
    value: Decimal
    unit: str
    counted_noun: str
    qualifier: str
    kind: str
    as_of: date | None
    baseline_date: date | None
    due_date: date | None
    surface: str
    start: int
    end: int
    sentence: str
    speaker: str | None
    attribution_kind: str
    score: float
    vague: bool = False

    def to_dict(self) -> dict:
        return {
            "value": _fmt_decimal(self.value),
            "unit": self.unit,
            "counted_noun": self.counted_noun,
            "qualifier": self.qualifier,
            "kind": self.kind,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "baseline_date": self.baseline_date.isoformat() if self.baseline_date else None,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "surface": self.surface,
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
            "speaker": self.speaker,
            "attribution_kind": self.attribution_kind,
            "score": self.score,
            "vague": self.vague,
        }


def _fmt_decimal(d: Decimal) -> str:
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


_ONE = Decimal(1)
_MICRO = Decimal("0.000001")


def _clean_value(d: Decimal) -> Decimal:
    if d == d.to_integral_value():
        return d.quantize(_ONE)
    if d.as_tuple().exponent < -6:
        d = d.quantize(_MICRO)
    return d.normalize()


# --------------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------------

_ABBREV = frozenset(
    "mr mrs ms dr prof sen sens rep reps gov gen lt col sgt capt cmdr adm st jr sr no nos vs v jan feb mar apr "
    "jun jul aug sep sept oct nov dec inc corp co ltd dept est approx fig pp p ave blvd rd mt ft al etc "
    "u.s u.k u.n d.c e.g i.e a.m p.m h.r s.b h.b".split()
)
_SOFT_ABBREV = frozenset(("u.s", "u.k", "u.n", "d.c", "a.m", "p.m", "etc", "inc", "corp", "co", "ltd", "jr", "sr"))
_BOUNDARY_RE = re.compile(r"[.!?\u2026]+[\"\u201d\u2019')\]]*(?=\s)|\n[ \t]*(?:\n[ \t]*)+|\n")
_ADDRESS_ABBREV = frozenset(("ave", "blvd", "rd", "st", "inc", "corp", "co", "ltd", "jr", "sr", "etc"))
_OPENER_RE = re.compile(r"(?:The|A|An|In|On|At|He|She|It|They|We|But|And|That|This|Its|Their|His|Her)\s")
_LAST_TOKEN_RE = re.compile(r"(\S+)$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (whitespace trimmed)."""
    spans: list[tuple[int, int]] = []
    n = len(text)
    start = 0
    for m in _BOUNDARY_RE.finditer(text):
        tok = m.group()
        if tok[0] == "\n":
            prev = text[start : m.start()].rstrip()
            if not prev:
                continue
            nxt_i = m.end()
            nxt = text[nxt_i] if nxt_i < n else ""
            if tok.count("\n") >= 2:
                # a blank line ends a paragraph unless a hard-wrapped sentence obviously continues
                if nxt.islower() and prev[-1] not in '.!?:"\u201d':
                    continue
            else:
                if prev[-1] not in ":;" and not (
                    len(prev) < 90
                    and prev[-1] not in ",-\u2014"
                    and nxt.isupper()
                    and "\n" not in text[max(0, m.start() - 90) : m.start()]
                ):
                    continue
            end = m.start()
        else:
            end = m.end()
            j = m.end()
            while j < n and text[j] in " \t":
                j += 1
            nxt = text[j] if j < n else ""
            if tok[0] == ".":
                before = text[start : m.start()]
                lt = _LAST_TOKEN_RE.search(before)
                word = lt.group(1).lower().lstrip("(\"\u201c'") if lt else ""
                if word in _ABBREV or (len(word) == 1 and word.isalpha()) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
                    soft_end = word in _SOFT_ABBREV and (nxt in '\n"\u201c' or nxt == "")
                    # "... at 1240 Lakeside Ave. The union said": an address ends the sentence before an opener
                    opener = word in _ADDRESS_ABBREV and _OPENER_RE.match(text, j)
                    if not (soft_end or opener):
                        continue
            if nxt and not (nxt.isupper() or nxt.isdigit() or nxt in "\"\u201c\u2018'(\n[$\u2014-"):
                continue
        _add_span(text, start, end, spans)
        start = end
    _add_span(text, start, n, spans)
    return spans


def _add_span(text: str, s: int, e: int, spans: list) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))


# --------------------------------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------------------------------

_SMALL = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {
    "dozen": Decimal(12),
    "hundred": Decimal(100),
    "thousand": Decimal(1000),
    "million": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
}
_ABBR_SCALES = {
    "k": Decimal(1000),
    "m": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "mln": Decimal(10) ** 6,
    "b": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "t": Decimal(10) ** 12,
    "tn": Decimal(10) ** 12,
}
_DENOMS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fourth": 4,
    "fourths": 4,
    "fifth": 5,
    "fifths": 5,
    "sixth": 6,
    "sixths": 6,
    "eighth": 8,
    "eighths": 8,
    "tenth": 10,
    "tenths": 10,
}
_MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

_UNITS_W = "|".join(sorted(_SMALL, key=len, reverse=True))
_TENS_W = "|".join(_TENS)
_WORDNUM = rf"(?:(?:{_TENS_W})(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine)\b)?|(?:{_UNITS_W}))"
_NUM_D = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SCALE_W = r"(?:dozen|hundred|thousand|million|billion|trillion)"
_MONTH_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_MONTH_ANY = rf"(?:{_MONTH_FULL}|(?:{_MONTH_ABBR})\.?)"

# Words that mark a speaker description as a person (used for anonymous sources) / a body / a document.
_PERSON_NOUNS = frozenset(
    "official officials source sources person people aide aides investigator investigators employee employees "
    "staffer staffers staff spokesperson spokesman spokeswoman spokespeople whistleblower whistleblowers insider "
    "insiders expert experts analyst analysts prosecutor prosecutors attorney attorneys lawyer lawyers agent agents "
    "officer officers adviser advisers advisor advisors administrator administrators lawmaker lawmakers critics "
    "critic observers diplomat diplomats executive executives manager managers worker workers member members "
    "someone those individual individuals leader leaders economist economists researchers researcher supervisor "
    "supervisors judge judges".split()
)
_ANON_DET = re.compile(
    r"^(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|multiple|some|many|other|another|"
    r"\d+|those|senior|top|former|current|unnamed|anonymous|federal|state|administration|public|health)\b",
    re.I,
)
_DOC_NOUNS = frozenset(
    "memo memos memorandum report reports proposal proposals data figures numbers statistics stats records "
    "filing filings documents document poll polls survey surveys study studies analysis analyses audit audits "
    "budget request requests statement statements presentation presentations projections projection estimates "
    "estimate review reviews letter letters email emails complaint indictment lawsuit bill plan tally count "
    "tracker trackers dashboard roster rosters payroll index op-ed map maps investigation investigations inquiry "
    "probe examination breakdown inventory inventories note notes scorecard ranking rankings ratings valuation "
    "database dataset release table tables chart guidance draft brief briefing assessment forecast results "
    "findings scores guidelines rule rules regulation regulations order decree notice notices summary summaries "
    "schedule schedules card cards".split()
)
_ORG_WORDS = frozenset(
    "department office bureau house senate congress committee council association union university institute "
    "center centre agency administration commission court police health security patrol service services news "
    "post times group project foundation hall republicans democrats authority board district school county city "
    "state states clearinghouse corporation company inc network coalition party ministry government "
    "fund bank reserve guard army navy caucus alliance tribune herald journal press examiner division library "
    "utility utilities".split()
)
_TITLE_WORDS = frozenset(
    "secretary director chief leader speaker executive manager chair chairman chairwoman chairperson spokesperson "
    "spokesman spokeswoman judge justice dr mr mrs ms mayor gov governor sen senator rep representative "
    "president superintendent commissioner attorney adviser advisor officer sheriff minister prosecutor professor "
    "deputy administrator ambassador general counsel analyst economist researcher lawyer founder ceo cfo coo head "
    "coordinator clerk inspector chancellor principal vice assistant associate acting interim former "
    "senior deputy lt col sgt capt gen adm councilman councilwoman councilmember treasurer comptroller auditor "
    "controller pastor rev dean provost trustee member alderman alderwoman supervisor commander detective agent "
    "trooper patrolman assessor recorder coroner defender engineer planner architect surgeon physician warden marshal "
    "actuary ombudsman ombudsperson registrar magistrate solicitor chaplain liaison consultant examiner regent "
    "selectman selectwoman assemblymember assemblyman assemblywoman".split()
)
_OUTLET_RE = re.compile(
    r"(?:\b(?:The\s+)?(?:Washington\s+Post|Washington\s+Times|Washington\s+Examiner|New\s+York\s+Times|"
    r"Associated\s+Press|Wall\s+Street\s+Journal|USA\s+Today|Reuters|Axios|Politico|Bloomberg|ProPublica|"
    r"CNN|MSNBC|NPR|BBC|AP|Fox\s+News|NBC(?:\s+News)?|CBS(?:\s+News)?|ABC(?:\s+News)?|The\s+Hill|"
    r"Guardian|Breitbart|Newsweek|Vox|Semafor|Daily\s+[A-Z]\w+|[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*\s+"
    r"(?:Post|Times|Tribune|Herald|Journal|Examiner|Gazette|Chronicle|Globe|Observer|Telegraph|Inquirer|"
    # not "Democrat", "Leader", "Monitor": "a Lehigh County Democrat", "the Senate Majority Leader"
    r"Sun|Star|Register|Dispatch|Courier|Bee|Record|Review|News|Wire|Magazine|Daily|Ledger|Sentinel|Enquirer|"
    r"Mirror|Beacon|Banner|Bulletin|Argus|Investigates))$)|"
    r"^(?:[Tt]he\s+)?(?:newspaper|paper|outlet|network|magazine|wire\s+service|broadcaster)$"
)
_OUTLET_TAIL = frozenset(
    "post times tribune herald journal examiner gazette chronicle globe observer telegraph inquirer sun star register "
    "dispatch courier bee record review news wire magazine daily press reuters axios politico bloomberg propublica "
    "cnn msnbc npr bbc ap hill guardian breitbart newsweek vox semafor nbc cbs abc today newspaper paper outlet "
    "network service broadcaster ledger sentinel enquirer mirror beacon banner bulletin argus investigates".split()
)


_CALL_LETTERS_RE = re.compile(r"[KW][A-Z]{3}(?:-(?:TV|FM|AM))?")  # a US broadcaster: "KVFN", "WBEZ"; not "WHO", "KFF"


def _is_outlet(s: str) -> bool:
    if _CALL_LETTERS_RE.fullmatch(s.strip()):
        return True
    toks = s.split()
    if not toks or toks[-1].strip(".,").lower() not in _OUTLET_TAIL and not s.lower().startswith("daily "):
        return False
    return bool(_OUTLET_RE.search(s))


_OUTLET_SHORT = frozenset("post times tribune herald journal examiner gazette chronicle globe ap".split())
_RESPONDENT_RE = re.compile(
    r"\b(?:respondents?|voters|those\s+(?:surveyed|polled|asked)|adults|Americans|Democrats|Republicans|"
    r"independents|parents|residents|people\s+surveyed|participants)\b"
)

_STOP_AFTER_NUM = frozenset(
    "of in on at to from by for with since during under over per into across between through than as about after "
    "before until within without among against toward towards upon via and or but nor while because so yet if "
    "the a an this that these those its their his her our your my who which whose whom it they we he she you i "
    "is are was were be been being has have had will would could can may might should must do did does shall "
    "now also still only already just last next each ago earlier later then there here near outside inside around "
    "along "
    "year years month months week weeks day days today yesterday tomorrow monday tuesday wednesday thursday "
    "friday saturday sunday percent per".split()
)
_NOUN_MODIFIERS = frozenset("more fewer additional new extra other another".split())
_NOT_PLURAL = frozenset(
    "measles mumps news species series politics economics physics analysis basis crisis thesis status census "
    "campus bus gas focus bonus virus plus versus us this his is was has does series".split()
)
_IRREGULAR_PLURALS = frozenset(
    "people children men women police personnel staff cattle data feet teeth mice geese".split()
)


def _is_plural(word: str) -> bool:
    w = word.lower().strip("'\u2019")
    if w in _IRREGULAR_PLURALS:
        return True
    if w in _NOT_PLURAL or len(w) < 3 or not w.isalpha():
        return False
    return w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "\u2019s"))


# --------------------------------------------------------------------------------------------------
# Masks: spans that are never quantities
# --------------------------------------------------------------------------------------------------

_CITE_WORDS = (
    r"(?i:sections?|secs?\.|title|chapter|article|rule|part|subpart|paragraph|clause|amendment|bill|act|"
    r"docket|route|road|highway|interstate|local|precinct|ward|proposition|prop\.|measure|item|form|page|pages|"
    r"executive\s+order|resolution|case\s+no\.|no\.|nos\.|exhibit|appendix|table|figure|fig\.|pp?\.|line|"
    r"volume|vol\.|issue|flight|unit|suite|room|apt\.|district|precincts|box|stat\.|stats\.|initiative|ordinance|"
    r"referendum|question|plank|priority|phase|stage|tier|level|category|zone|grade|type|channel|newschannel|"
    r"ORS|RCW|ILCS|MCL|KRS|NRS|ARS|A\.R\.S\.|G\.S\.|O\.C\.G\.A\.|Pub\.\s?L\.|P\.L\.)"
)
# Patterns that start at a digit run (matched there only) ...
_MASK_DIGIT_RE = re.compile(
    r"(?P<phone>(?:\+?1[-.\s])?(?:\(\d{3}\)\s?|\b\d{3}[-.\s])\d{3}[-.]\d{4}\b|\b\d{3}-\d{4}\b)"
    r"|(?P<date>\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b\d{4}-\d{2}-\d{2}\b|\b(?:19|20)\d\d[-\u2013/]\d\d\b(?!,?\d))"
    r"|(?P<time>\b\d{1,2}(?::\d{2})?\s?(?:a\.m\.|p\.m\.|(?i:am|pm)\b)|\b(?:[01]?\d|2[0-3]):[0-5]\d\b(?![\d:])"
    r"|\b\d{1,2}\s(?:in\sthe\s(?:morning|afternoon|evening)|at\snight|o['\u2019]clock)\b)"
    r"|(?P<uscode>\b\d+\s+(?:U\.S\.C\.|USC|C\.F\.R\.|CFR|FR|Fed\.\s?Reg\.|Stat\.|U\.S\.\s\d|F\.\s?(?:\dd|Supp\.)|ILCS)"
    r"(?:\s*\u00a7+|\s+(?:Parts?|Sec\.|Section))?\s*[\w().-]*\d[\w().-]*)"  # "45 CFR Part 180"
    r"|(?P<reporter>\b\d+\s+(?:I\s?&\s?N\s+Dec\.|S\.\s?Ct\.|L\.\s?Ed\.(?:\s?2d)?)\s+\d+)"  # "29 I&N Dec. 216"
    r"|(?P<emergency>(?<![\d$.,])911(?![\d,]|\.\d|\s?(?:%|percent|million|billion|thousand)))"  # "911 calls"
    r"|(?P<station>\b\d{1,2}\s(?=(?:News|Investigates|Eyewitness\s+News|On\s+Your\s+Side)\b))"  # "7 News"
    r"|(?P<paren>\b\d+[a-z]?(?:\([a-z0-9]{1,4}\))+|(?<=[a-z0-9]\))\(\d{1,4}\))"  # 212(d)(5); category (c)(8)
    r"|(?P<ordinal>\b\d+(?:st|nd|rd|th)\b)"
    r"|(?P<decade>\b(?:\d{4}|\d0)['\u2019]?s\b|['\u2019]\d0s\b)"
    r"|(?P<ident>\b\d++[A-Za-z]++\d[\w.]*|\b\d++-[A-Za-z]++-\d+\w*|"
    r"\b\d+[A-Za-z](?![A-Za-z])(?![.,]?\d)(?<!\d[kmbtKMBT])|\b\d+/\d+\b)"
    r"|(?P<tally>\b\d{1,3}\s?[-\u2013]\s?\d{1,3}\b(?!\s?(?:%|percent|per\s?cent|years?|months?|days?|"
    r"weeks?|million|billion|thousand|[a-z]+s\b)))"
    r"|(?P<age>\b\d{1,3}-(?:year|month|week|day)s?-old\b)"
    r"|(?P<address>\b\d{1,5}\s(?:[NSEW]\.?\s)?(?:[A-Z][a-z]*\s){1,3}(?:St\.|Street|Ave\.|Avenue|Blvd\.|Boulevard|Road|Rd\.|"
    r"Lane|Drive|Way|Place|Plaza|Parkway|Pkwy\.|Highway|Court|Ct\.|Terrace|Circle|Square|Pike|Turnpike|Trail)(?!\w))"
    r"|(?P<year>(?<![\d,.$])(?:1[89]\d\d|20\d\d)(?!\d|,\d|\.\d)(?!\s?(?:%|percent|per\s?cent|million|billion|"
    r"thousand)))"
)
# ... and patterns whose match begins with words before the digits (searched in a short window before them).
_MASK_CTX_RE = re.compile(
    r"(?P<url>\bhttps?://\S++|\bwww\.\S++|\b(?:[\w-]++\.)++(?:com|org|gov|net|edu|news|io|us|co|info|tv)\b"
    r"(?:/[^\s,;)\"\u201d]*+)?)"
    r"|(?P<email>\b[\w.+-]++@[\w-]++\.[\w.-]++)"
    r"|(?P<handle>(?<![\w@])[@#][A-Za-z_0-9]\w*)"
    r"|(?P<phone>\b(?i:text|texting|texted|call|calling|called|dial|dialing|dialed)\s+(?:\d{4,}|911|311|988|511|211|411)\b)"
    rf"|(?P<date>\b{_MONTH_ANY}\s\d{{1,2}}(?:st|nd|rd|th)?(?:\s?[-\u2013]\s?\d{{1,2}})?(?:,?\s\d{{4}})?\b)"
    r"|(?P<uscode>\b(?:U\.S\.C\.|USC|C\.F\.R\.|CFR)\s*(?:\u00a7+\s*)?\d[\w().-]*|\u00a7+\s*\d[\w().-]*)"
    # a dotted abbreviation before a number is a bill or a statute ("S.F. 1290", "K.S.A. 82a-1036"), not "U.S."
    # "Station 9", "Engine 5", "Senate File 2191" (capitalised: not "a station 9 miles away", "to file 12 suits")
    rf"|(?P<cite>\b(?:H\.\s?R\.|S\.|H\.\s?B\.|S\.\s?B\.|(?!U\.S\.)(?:[A-Z]\.){{2,4}}|Station|Engine|Ladder|"
    rf"Battalion|File|HB|SB|AB|HF|SF|LB|LD|HJR|SJR|Pub\.\s?L\.|{_CITE_WORDS})\s?(?:\d[\w.()\u2013-]*"
    r"(?:\s?[-\u2013]\s?\d[\w.()]*)?)(?:\s*(?:,|and|or|&)\s*\d[\w.()-]*)*)"
    r"|(?P<ident>\b[A-Za-z]++-\d[\w-]*|\b[A-Z][a-z]+\s\d{1,2}\.0\b(?![\d,]|\s*(?:%|percent|per\s?cent|points|"
    r"million|billion|trillion|times)))"  # "Risk Rating 2.0": a version
    r"|(?P<age>\b[A-Z][\w'\u2019-]++,\s\d{1,3},(?!\d)|"
    r"\b(?i:voters|adults|people|residents|children|Americans|respondents|those|men|women|patients|anyone|kids|"
    r"students|drivers|workers|teens|seniors|aged?|ages|child|kid|kids)\s+(?:under|over|aged|older\s+than|younger\s+than|of)\s+"
    r"\d{1,2}\b(?!\s*(?:%|percent|million|[a-z]+s\b))"
    r"|\b(?:were|are|was|is|aged|age|ages)\s+(?:under|over)\s+\d{2}(?=\s*(?:[.,;!?]|$))"
    r"|\bsaid\s+[A-Z][\w'\u2019-]+(?:\s[A-Z][\w'\u2019-]+)?,\s\d{1,3}(?=[.!?])"
    r"|\b(?:were|are|was|is|aged|age|ages|adults|people|residents|students|workers|voters|those|anyone|Americans)"
    r"\s+\d{2}\s+(?:or|and)\s+(?:older|over|up|younger|under)\b"
    # "whose son, 34, is held"
    r"|\b(?:son|daughter|husband|wife|mother|father|brother|sister|grandson|granddaughter|grandmother|grandfather|"
    r"partner|boyfriend|girlfriend|nephew|niece|cousin)\s*,\s\d{1,3},"
    # "I'm 67.", "she is 58,"
    r"|\b(?:I['\u2019]m|I\s+am|[Ss]he['\u2019]s|[Hh]e['\u2019]s|[Ss]he\s+is|[Hh]e\s+is)\s+\d{1,3}(?=[.,!?;\"\u201d]|\s+(?:now|today))"
    # "turned 18", "Brooks, now 20,", "ages 18 to 24"
    r"|\b(?i:turn|turns|turned|turning)\s+\d{1,2}\b(?!\s*(?:%|percent|per\s?cent|million|[a-z]+s\b))"
    r"|\b[A-Z][\w'\u2019-]+,\s(?:now\s)?\d{1,2},\s"
    r"|\b(?i:ages|aged)\s+\d{1,2}\s?(?:to|through|and|-|\u2013)\s?\d{1,2}\b)"
)
_CITE_NUM_RE = re.compile(r"\d[\w().-]*")


def _masks(text: str) -> tuple[bytearray, set[str]]:
    """Mark the characters of non-quantities (dates, citations, phone numbers...). Only digits matter, so the
    digit-anchored patterns are tried at digit runs, and the context patterns (citations, dates, URLs...) only
    where the words just before a digit run can start one."""
    n = len(text)
    masked = bytearray(n)
    cited: set[str] = set()
    ctx_done = 0
    for d in _DIGIT_RUN_RE.finditer(text):
        ds = d.start()
        if masked[ds]:
            continue
        if ctx_done < d.end() and _ctx_trigger(text, ds):
            ws = max(ctx_done, ds - 40)
            for m in _MASK_CTX_RE.finditer(text, ws, min(n, d.end() + 16)):
                _mark(text, m, masked, cited)
            ctx_done = d.end()
            if masked[ds]:
                continue
        p = ds - 1 if ds and text[ds - 1] in "(+'\u2019" else ds
        m = _MASK_DIGIT_RE.match(text, p) or (_MASK_DIGIT_RE.match(text, ds) if p != ds else None)
        if m:
            _mark(text, m, masked, cited)
    return masked, cited


_TRIGGER_WORDS = frozenset(
    "section sections sec secs title chapter article rule part subpart paragraph clause amendment bill act docket "
    "route highway interstate local precinct ward proposition prop measure item form page pages order resolution no "
    "nos exhibit appendix table figure fig p pp line volume vol issue flight unit suite room apt district precincts "
    "box h.r s h.b s.b hb sb ab l u.s.c usc c.f.r cfr \u00a7 \u00a7\u00a7 text call dial under over aged age ages of "
    "than jan january feb february mar march apr april may jun june jul july aug august sep sept september oct "
    "october nov november dec december stat stats initiative ordinance referendum question plank hf sf lb ld "
    "priority phase stage tier level category zone grade dialed called texted road "
    "hjr sjr dialing calling texting were are was is adults people residents students workers voters those anyone "
    "americans turn turns turned turning now type channel newschannel station engine ladder battalion file "
    "son daughter husband wife mother father brother sister grandson granddaughter grandmother grandfather partner "
    "boyfriend girlfriend nephew niece cousin child kid kids "
    "i'm i\u2019m am he's she's he\u2019s she\u2019s".split()
)
_TOKEN_TRIGGER_RE = re.compile(r"[@#/:\u00a7]|www\.|\.(?:com|org|gov|net|edu|news|io|us|co|info|tv)\b")


_DOTTED_ABBR_RE = re.compile(r"^(?!U\.S\.$)(?:[A-Z]\.){2,4}$")
_VERSION_AT_RE = re.compile(r"\d{1,2}\.0\b")


def _ctx_trigger(text: str, ds: int) -> bool:
    """Can a context mask (citation, date, URL, age...) end at the digit run starting at ds?"""
    if ds == 0:
        return False
    prev = text[ds - 1]
    if prev == "-" or prev == "\u00a7" or not prev.isspace() and prev not in "(\"'\u201c$":
        return True  # COVID-19, \u00a71325, a token such as a URL or a handle
    words = text[max(0, ds - 40) : ds].split()
    if not words:
        return False
    last = words[-1]
    lw = last.lower().strip(".,;:()\"'\u201c\u201d")
    if lw in _TRIGGER_WORDS or _TOKEN_TRIGGER_RE.search(last):
        return True
    if _DOTTED_ABBR_RE.match(last):
        return True  # "S.F. 1290", "K.S.A. 82a-1036"
    if last.endswith(",") and last[:1].isupper():
        return True  # "Derek Hollis, 51,"
    if last[:1].isupper() and _VERSION_AT_RE.match(text, ds):
        return True  # "Risk Rating 2.0"
    return len(words) > 1 and words[-2].lower().strip(".,") in _TRIGGER_WORDS


def _mark(text: str, m: re.Match, masked: bytearray, cited: set[str]) -> None:
    s, e = m.span()
    kind = m.lastgroup
    if kind == "url":
        while e > s and text[e - 1] in ".,;:!?)":
            e -= 1
    elif kind in ("cite", "uscode", "paren"):
        for c in _CITE_NUM_RE.findall(m.group()):
            core = _LEADING_DIGITS_RE.match(c).group()
            if len(core) >= 3:
                cited.add(core)
    masked[s:e] = b"\x01" * (e - s)


_DIGIT_RUN_RE = re.compile(r"\d[\d,.]*")
_LEADING_DIGITS_RE = re.compile(r"\d+")


# --------------------------------------------------------------------------------------------------
# Numeric atoms
# --------------------------------------------------------------------------------------------------

_ATOM_RE = re.compile(
    rf"(?P<money>(?:\bUS\s?\$|\$|\bUSD\s?)\s?-?{_NUM_D}(?:(?:\s|-)(?i:{_SCALE_W})\b|(?i:bn|mn|mln|m|k|b|tn|t)\b)?"
    rf"(?:\s(?i:{_SCALE_W})\b)?)"
    r"|(?P<halfa>\b(?i:half)\s+an?\s+(?i:dozen|hundred|thousand|million|billion|trillion)\b)"
    r"|(?P<vague>\b(?i:tens|hundreds)\s+of\s+(?i:thousands|millions|billions)\b|"
    r"\b(?i:dozens|hundreds|thousands|millions|billions)\b(?=[\s\"\u201d]+of\b))"
    rf"|(?P<frac>\b(?i:a|one|two|three|four|five|six|seven|eight|nine)[\s-](?i:half|thirds?|quarters?|fourths?|fifths?|"
    r"sixths?|eighths?|tenths?)\b(?!-))"
    # "1 in 8", but not "from 612 in 2024 to 883": a year is no denominator
    rf"|(?P<inn>(?:(?<![\w.,$])\d{{1,3}}|\b(?i:{_WORDNUM}))\s+(?:in|out\s+of)\s+"
    rf"(?:(?!(?:19|20)\d\d(?!\d))\d{{1,4}}(?![\d,]|\.\d)|(?i:{_WORDNUM})\b))"
    rf"|(?P<num>(?:(?<![\w$\u20ac\u00a3.,/]){_NUM_D}(?![\d])|\b(?i:{_WORDNUM})\b(?!-(?:one|two|three|four|five|six|seven|"
    rf"eight|nine)\b)|\b(?i:a)(?=\s(?i:dozen|hundred|thousand|million|billion|trillion)\b))"
    rf"(?:[\s-](?i:{_SCALE_W})\b)*)"
    r"|(?P<half>\b(?i:half)\b(?!-))"
    r"|(?P<mult>\b(?i:twice|double|triple|quadruple|doubled|tripled|quadrupled|twofold|threefold|fourfold|"
    r"fivefold|sixfold|sevenfold|eightfold|ninefold|tenfold)\b(?!-))"
)
_SUFFIX_RE = re.compile(
    r"(?P<pp>\s?(?:percentage|percent|pct\.?)[\s-]?points?\b)"
    r"|(?P<bp>\s?(?:basis[\s-]points?|bps?)\b)"
    r"|(?P<pct>\s?(?:%|percent\b|per\s?cent\b|pct\b))"
    r"|(?P<pts>\s(?:points?)\b)"
    r"|(?P<usd>\s(?:U\.S\.\s)?dollars\b)"
    r"|(?P<cents>\s(?:cents?)\b|\u00a2)"
    r"|(?P<dur>(?:\s|-)(?P<du>years?|months?|weeks?|days?|decades?)\b(?P<old>-old)?)"
    r"|(?P<times>\s(?:times\b|fold\b)|-fold\b)"
    r"|(?P<per>(?:\s(?!per\b)[a-z]+)?\sper\s(?P<per_den>1,000,000|100,000|10,000|1,000|100|one\smillion|a\smillion|million|thousand)(?![\d,])"
    r"(?:\s(?P<per_noun>[a-z]+))?)",
    re.I,
)
_SCALE_SPLIT_RE = re.compile(r"[\s-]+")
_NUMBER_CORE_RE = re.compile(_NUM_D)
_WORD_RE = re.compile(r"[\s\"\u201c\u201d]*([^\W\d_][\w'\u2019.-]*)")
# "seven to nine months": the first number of a range takes its unit from the second (see _ranges)
_RANGE_NEXT_RE = re.compile(
    rf"\s*(?:to|-|\u2013)\s*(?:{_WORDNUM})\s+(?:years?|months?|weeks?|days?|percent|per\s?cent)\b", re.I
)
_AFTER_RE = re.compile(r"\s+(?:after|before|later)\b", re.I)
# "arrive 18 to 24 months after a fire", "waited three years before": a delay, which is a claimed duration
_DELAY_BEFORE_RE = re.compile(
    r"\b(?:arrives?|arrived|arriving|takes?|took|taking|waits?|waited|waiting|lasts?|lasted|"
    r"spends?|spent)\s+(?:(?:about|roughly|nearly|almost|more\s+than|up\s+to|at\s+least|only|just|some|"
    r"an\s+average\s+of|on\s+average)\s+)?(?:[\w.]+\s+(?:to|and|or)\s+)?$",
    re.I,
)
_AGO_RE = re.compile(r"\s+(?:ago|earlier|later|before|after|old|from\s+now)\b", re.I)
# A singular unit then a noun: a descriptor ("two-year budget", "after a 14-month wait"), except a penalty's length
# ("the 87-month prison sentence"), which is a claim
_DUR_ADJ_RE = re.compile(
    r"[a-rt-z]\s+(?!old\b|ago\b|later\b|earlier\b|(?:federal\s+|state\s+)?(?:prison|jail|sentence|term|probation|"
    r"suspension|ban)\b)[a-z]"
)
_HYPHEN_WORD_RE = re.compile(r"-[^\W\d_]")
_OF_NOUN_RE = re.compile(
    r"[\s\"\u201d]+of\s+(?:(?:the|its|their|those|these|our|his|her)\s+)?(?:[\w'\u2019.-]+['\u2019]s\s+)?"
    r"(?:(?:about|some|roughly|nearly|more\s+than|over)\s+)?(?:\d[\d,.]*(?:\s(?:million|billion|thousand))?\s+)?"
)


def _parse_number(s: str) -> Decimal | None:
    """'2 million' -> 2000000, 'twenty-five' -> 25, 'a dozen' -> 12, '1.2bn' -> 1200000000."""
    s = s.strip().lower()
    m = _NUMBER_CORE_RE.match(s)
    if m:
        val = Decimal(m.group().replace(",", ""))
        rest = s[m.end() :]
    else:
        parts = _SCALE_SPLIT_RE.split(s)
        val = None
        i = 0
        if parts[0] in ("a", "an"):
            val = Decimal(1)
            i = 1
        elif parts[0] in _TENS:
            val = Decimal(_TENS[parts[0]])
            i = 1
            if len(parts) > 1 and parts[1] in _SMALL and _SMALL[parts[1]] < 10:
                val += _SMALL[parts[1]]
                i = 2
        elif parts[0] in _SMALL:
            val = Decimal(_SMALL[parts[0]])
            i = 1
        if val is None:
            return None
        rest = " ".join(parts[i:])
    rest = rest.strip()
    if rest:
        if rest in _ABBR_SCALES:
            return val * _ABBR_SCALES[rest]
        for w in _SCALE_SPLIT_RE.split(rest):
            if w in _SCALES:
                val *= _SCALES[w]
            elif w:
                return None
    return val


# --------------------------------------------------------------------------------------------------
# Qualifiers, kinds
# --------------------------------------------------------------------------------------------------

_HEDGE_RE = re.compile(
    r"(?:^|[\s(\u2014,\"\u201c])(?P<h>an\s+estimated|estimated|approximately|about|around|roughly|some|somewhere\s+around|"
    r"an\s+average\s+of\s+about|close\s+to|closer\s+to|nearly|almost|just\s+under|just\s+shy\s+of|"
    r"no\s+more\s+than|not\s+more\s+than|no\s+fewer\s+than|no\s+less\s+than|more\s+than|greater\s+than|"
    r"just\s+over|well\s+over|over|at\s+least|upwards\s+of|in\s+excess\s+of|exceeding|exceeds?|exceeded|topped|"
    r"tops|(?<=\bto\s)top|(?<=\bwill\s)top|(?<=\bcould\s)top|(?<=\bwould\s)top|past|north\s+of|up\s+to|"
    r"as\s+many\s+as|as\s+much\s+as|as\s+high\s+as|as\s+low\s+as|at\s+most|fewer\s+than|"
    r"less\s+than|under|below|within|plus\s+or\s+minus|an?)\s+(?:\$|US\$)?$",
    re.I,
)
_HEDGE_MAP = {
    "an estimated": "approximate",
    "estimated": "approximate",
    "approximately": "approximate",
    "about": "approximate",
    "around": "approximate",
    "roughly": "approximate",
    "some": "approximate",
    "somewhere around": "approximate",
    "an average of about": "approximate",
    "closer to": "approximate",
    "close to": "nearly",
    "nearly": "nearly",
    "almost": "nearly",
    "just under": "nearly",
    "just shy of": "nearly",
    "no more than": "at_most",
    "not more than": "at_most",
    "no fewer than": "at_least",
    "no less than": "at_least",
    "more than": "at_least",
    "greater than": "at_least",
    "just over": "at_least",
    "well over": "at_least",
    "over": "at_least",
    "at least": "at_least",
    "upwards of": "at_least",
    "in excess of": "at_least",
    "exceeding": "at_least",
    "exceed": "at_least",
    "exceeds": "at_least",
    "exceeded": "at_least",
    "topped": "at_least",
    "tops": "at_least",
    "top": "at_least",
    "past": "at_least",
    "north of": "at_least",
    "up to": "at_most",
    "as many as": "at_most",
    "as much as": "at_most",
    "as high as": "at_most",
    "as low as": "at_least",
    "at most": "at_most",
    "fewer than": "at_most",
    "less than": "at_most",
    "under": "at_most",
    "below": "at_most",
    "within": "at_most",
    "plus or minus": "exact",
    "a": None,
    "an": None,
}
_POST_HEDGE_RE = re.compile(r"\s*(?:,\s*)?(?P<h>or\s+more|or\s+so|or\s+fewer|or\s+less|plus\b|and\s+counting)", re.I)
_OVER_PERIOD_RE = re.compile(
    r"(?:^|\s)(?:for|in|after|took|lasted|spent|served|of)\s+(?:just\s+|well\s+)?over\s+$", re.I
)

_DEC_VERBS = (
    r"cut|cuts|cutting|reduce|reduced|reduces|reducing|fell|fall|falls|falling|fallen|drop|dropped|drops|dropping|"
    r"decline|declined|declines|declining|decrease|decreased|decreases|decreasing|down|lower|lowered|lowering|"
    r"slash|slashed|slashing|shrank|shrink|shrinks|shrunk|plunge|plunged|plummeted|plummet|tumbled|tumble|dip|"
    r"dipped|sank|sunk|sink|slid|slide|slipped|slip|contracted|shed|trimmed|trim"
)
_INC_VERBS = (
    r"up|rose|rise|rises|rising|risen|increase|increased|increases|increasing|grew|grow|grows|growing|grown|"
    r"jump|jumped|jumps|climb|climbed|climbs|climbing|surge|surged|surges|soar|soared|spike|spiked|gain|gained|"
    r"gains|boost|boosted|raise|raised|raising|hike|hiked|expand|expanded|swell|swelled|balloon|ballooned|"
    r"doubled|went\s+up|rebounded"
)
_CHANGE_BEFORE_RE = re.compile(
    rf"\b(?:(?P<dec>{_DEC_VERBS})|(?<!make\s)(?<!makes\s)(?<!made\s)(?<!making\s)(?P<inc>{_INC_VERBS}))\b(?:(?:\s+[\w'\u2019-]+){{0,8}}?\s+by)?"
    r"(?:\s+(?:an\s+estimated|estimated|about|around|roughly|nearly|almost|more\s+than|over|at\s+least|some|"
    r"close\s+to|up\s+to|as\s+much\s+as|just\s+over|just\s+under|less\s+than))?\s+$",
    re.I,
)
_OF_VALUE_AFTER_RE = re.compile(r"\s+of\s+(?:its|their|his|her|the)\s+(?:market\s+)?(?:value|worth)\b")
_VALUE_VERB_BEFORE_RE = re.compile(
    r"\b(?:(?P<dec>lost|loses|lose|losing|shed)|(?P<inc>gained|gains|gain|added))\s+(?:about\s+|roughly\s+|nearly\s+|"
    r"almost\s+|more\s+than\s+|some\s+)?$"
)
_RESTATED_CHANGE_RE = re.compile(
    r"(?:\b(?:(?P<inc>increase|rise|jump|gain|growth)|(?P<dec>drop|decline|decrease|reduction|cut|fall|loss))\s+of\s+"
    r"|\b(?:(?P<inc2>raise|raises|increase|increases|boost|boosts)|(?P<dec2>cut|cuts|reduce|reduces|lower|lowers|trim|"
    r"trims|slash|slashes))\b[^.;%]{0,80}?\bby\s+)"
    r"(?:[^,;%]|,(?=\d)){1,50},\s+or\s+(?:about\s+|roughly\s+|nearly\s+|almost\s+|some\s+)?$",
    re.I,
)
_CHANGE_OF_RE = re.compile(
    r"\b(?:(?P<inc>increase|rise|jump|gain|growth|hike|boost|surge|climb|spike)|"
    r"(?P<dec>drop|decline|decrease|reduction|cut|fall|dip|plunge|slide|contraction))s?(?:\s+of|\s*[\u2014\u2013:]|\s+(?:was|is|of\s+some))\s+"
    r"(?:an\s+estimated\s+|about\s+|around\s+|roughly\s+|nearly\s+|almost\s+|more\s+than\s+|over\s+|at\s+least\s+|"
    r"some\s+|up\s+to\s+)?$",
    re.I,
)
_CHANGE_AFTER_RE = re.compile(
    r"\s*(?:(?:(?!(?:had|has|have|was|were|is|are|will|would|to)\b)[a-z]+\s+)?"
    r"(?P<incn>increase|rise|jump|gain|growth|hike|boost|surge|climb|spike|uptick|raise)|"
    r"(?:(?!(?:had|has|have|was|were|is|are|will|would|to)\b)[a-z]+\s+)?"
    r"(?P<decn>drop|decline|decrease|reduction|cut|fall|dip|plunge|slide|loss|contraction|downturn)|"
    r"(?P<incc>more|higher|larger|bigger|greater|above|increase|ahead)|(?P<decc>less|lower|smaller|fewer|below|"
    r"behind))\b",
    re.I,
)
_FROM_BEFORE_RE = re.compile(
    r"\b(?:from|compared\s+(?:with|to)|versus|vs\.)\s+(?:about\s+|roughly\s+|nearly\s+)?$", re.I
)
_FORECAST_CUE_RE = re.compile(
    r"\b(?:will|won't|would(?!\s+have)|shall|plans?\s+to|planning\s+to|a\s+plan\s+to|plan\s+calls|expects?|"
    r"(?<!was\s)(?<!were\s)expected|expecting|projects|projected|projection|forecasts?|forecasted|predicts?|predicted|pledged?|"
    r"pledges|promised?|promises|aims?\s+to|goal\s+of|target\s+of|set\s+to|on\s+track\s+to|could(?!\s+have)|"
    r"may(?!\s+have)|might(?!\s+have)|intends?\s+to|proposes\s+to|seeks?\s+to|preparing\s+to|going\s+to|"
    r"(?:is|are|was|were)\s+(?:un)?likely\s+to|on\s+(?:pace|course)\s+to|poised\s+to|due\s+to\s+(?:be|open|close|start|begin|take|expire|arrive|finish|end|rise|fall|reach)\b|"
    r"aim(?:s|ing)?\s+for|target(?:s|ing)?)\b"
    r"|'ll\b|\u2019ll\b"
)
_CLOSED_RELATIVE_RE = re.compile(r",\s+(?:which|who|whose|where)\b[^,;]*,")
_NEW_CLAUSE_RE = re.compile(r";|,\s+and\s+that\b|,\s+but\b|\band\s+that\b")


def _cue_window_start(text: str, start: int, end: int) -> int:
    """Start of the last clause in text[start:end]: "would cost $250, and that 2 in 5 riders do not own a car",
    "the rent, which caps what a voucher will cover, is $1,684"."""
    for m in _NEW_CLAUSE_RE.finditer(text, start, end):
        start = m.end()
    for m in _CLOSED_RELATIVE_RE.finditer(text, start, end):
        start = m.end()
    return start


_NEXT_PERIOD_RE = re.compile(
    r"[^,;]{0,60}?\bnext\s+(?:year|fiscal\s+year|month|week|quarter|season|summer|spring|fall|winter|decade|"
    rf"{_MONTH_FULL})\b"
)
_PLANNED_AFTER_RE = re.compile(
    r"(?:\s+[a-z-]+){0,2}?\s+(?:that\s+)?(?:the\s+|its\s+|their\s+)?[\w'\u2019-]+\s+"
    r"(?:expects?|plans?|intends?|hopes?|aims?|is\s+expected|are\s+expected)\s+to\b"
)
_NOW_BEFORE_RE = re.compile(r"\b(?:currently|now|today|at\s+present)\s+(?:at\s+|about\s+)?$", re.I)
_WILL_AFTER_RE = re.compile(
    r",?\s+(?:[a-z]+\s+){0,2}?(?:will|(?:is|are)\s+(?:set|expected|projected|scheduled)\s+to)\b(?!\s+not\s+say)"
)
_PP_CONTEXT_RE = re.compile(r"%|percent|per cent|\bpoll|\bsurvey|\brate\b|\bapproval|\bmargin|\blead\b|\bshare\b", re.I)

# --------------------------------------------------------------------------------------------------
# Time expressions
# --------------------------------------------------------------------------------------------------

_TIME_RE = re.compile(
    rf"(?P<fulldate>\b(?P<fd_mon>{_MONTH_ANY})\s(?P<fd_day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s(?P<fd_year>\d{{4}}))?\b)"
    rf"|(?P<monyear>\b(?P<my_mon>{_MONTH_ANY})(?:\s+of)?\s(?P<my_year>(?:19|20)\d\d)\b)"
    r"|(?P<season>\b(?P<s_name>(?i:spring|summer|fall|autumn|winter))(?:\s+of)?\s(?P<s_year>(?:19|20)\d\d)\b)"
    r"|(?P<fy>\b(?:(?i:fiscal)(?:\s+(?i:year))?|FY)\s?(?P<fy_year>(?:19|20)\d\d)\b)"
    r"|(?P<lastfy>\b(?i:last|previous|prior|the\s+last)\s+fiscal\s+year\b)"
    r"|(?P<thisfy>\b(?i:this|the\s+current|the)\s+fiscal\s+year\b)"
    r"|(?P<lastsy>\b(?i:last|previous)\s+school\s+year\b)"
    rf"|(?P<endof>\b(?i:the\s+)?(?i:end)\s+of\s+(?:the\s+)?(?:(?P<eo_next>next\s+year)|(?P<eo_this>this\s+year|the\s+year)|"
    rf"(?P<eo_year>(?:19|20)\d\d)|(?P<eo_mon>{_MONTH_FULL}))\b)"
    r"|(?P<midyear>\bmid-(?P<mid_year>(?:19|20)\d\d)\b)"
    r"|(?P<year>(?<![\d,.$])(?:19|20)\d\d(?![\d,%]))"
    r"|(?P<ago>\b(?P<ago_n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?P<ago_u>years?|months?|weeks?|days?)"
    r"\s+(?:ago|earlier|before)\b)"
    r"|(?P<yearago>\b(?i:a\s+)?year\s+(?:earlier|ago|before)\b|\b(?i:the\s+)?(?:previous|prior)\s+year\b|"
    r"\bthe\s+year\s+before\b|\byear[\s-]over[\s-]year\b|\b(?i:the\s+)?same\s+period\s+(?:a\s+year\s+earlier|last\s+year)\b)"
    r"|(?P<rel>\b(?i:last|this|next)\s+(?:year|month|week|quarter)\b|\b(?i:yesterday|today|currently)\b|\bnow\b)"
    rf"|(?P<month>\b(?P<m_name>{_MONTH_FULL})\b(?!\s+\d))"
    r"|(?P<weekday>\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)"
    r"|(?P<asof>\b(?i:as\s+of)\b)"
)
_BASELINE_PREP_RE = re.compile(
    r"\b(?:from|over|than(?:\s+in)?|compared\s+(?:with|to)|versus|vs\.|since)\s+(?:the\s+)?$", re.I
)
_SINCE_RE = re.compile(r"\bsince\b[^,;]*$", re.I)


_TIME_START_RE = re.compile(
    r"(?<![\d,.])\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|last|this|next|"
    r"the (?:end|previous|prior|year|same|last|current|fiscal)|an? (?:year|month|week|day)|"
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten) (?:year|month|week|day)|fiscal|fy|mid|spring|summer|fall|"
    r"autumn|winter|year|yesterday|today|currently|now|end|previous|prior|same|as of)"
)


def _times(sent: str) -> list[re.Match]:
    out = []
    end = 0
    for c in _TIME_START_RE.finditer(sent.translate(_ASCII_LOWER)):
        if c.start() < end:
            continue
        m = _TIME_RE.match(sent, c.start())
        if m:
            out.append(m)
            end = m.end()
    return out


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:
        return d.replace(year=d.year + n, day=28)


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _cap(d: date | None, pub: date | None) -> date | None:
    if d is not None and pub is not None and d > pub:
        return pub
    return d


def _resolve_time(m: re.Match, pub: date | None, future: bool) -> date | None:
    g = m.lastgroup
    try:
        if g == "fulldate":
            mon = _MONTHS[m.group("fd_mon").rstrip(".").lower()]
            day = int(m.group("fd_day"))
            if m.group("fd_year"):
                return date(int(m.group("fd_year")), mon, day)
            if pub is None:
                return None
            d = date(pub.year, mon, day)
            if future and d < pub:
                d = date(pub.year + 1, mon, day)
            elif not future and d > pub:
                d = date(pub.year - 1, mon, day)
            return d
        if g == "monyear":
            return _month_end(int(m.group("my_year")), _MONTHS[m.group("my_mon").rstrip(".").lower()])
        if g == "season":
            y = int(m.group("s_year"))
            return {
                "spring": date(y, 5, 31),
                "summer": date(y, 8, 31),
                "fall": date(y, 11, 30),
                "autumn": date(y, 11, 30),
                "winter": _month_end(y, 2),
            }[m.group("s_name").lower()]
        if g == "fy":
            return date(int(m.group("fy_year")), 9, 30)
        if g == "midyear":
            return date(int(m.group("mid_year")), 6, 30)
        if g == "year":
            y = int(m.group())
            return date(y, 12, 31)
        if g == "endof":
            if m.group("eo_year"):
                return date(int(m.group("eo_year")), 12, 31)
            if pub is None:
                return None
            if m.group("eo_next"):
                return date(pub.year + 1, 12, 31)
            if m.group("eo_this"):
                return date(pub.year, 12, 31)
            mon = _MONTHS[m.group("eo_mon").lower()]
            d = _month_end(pub.year, mon)
            if future and d < pub:
                d = _month_end(pub.year + 1, mon)
            elif not future and d > pub:
                d = _month_end(pub.year - 1, mon)
            return d
        if pub is None:
            return None
        if g == "lastfy":
            cur_end = date(pub.year if pub.month <= 9 else pub.year + 1, 9, 30)
            return _add_years(cur_end, -1)
        if g == "thisfy":
            return date(pub.year if pub.month <= 9 else pub.year + 1, 9, 30)
        if g == "lastsy":
            return date(pub.year if pub.month >= 7 else pub.year - 1, 6, 30)
        if g == "ago":
            n = m.group("ago_n").lower()
            k = 1 if n in ("a", "an") else (_SMALL.get(n) or int(n))
            u = m.group("ago_u").lower()
            if u.startswith("year"):
                return _add_years(pub, -k)
            if u.startswith("month"):
                return _add_months(pub, -k)
            if u.startswith("week"):
                return pub - timedelta(days=7 * k)
            return pub - timedelta(days=k)
        if g == "yearago":
            return _add_years(pub, -1)
        if g == "rel":
            t = m.group().lower().split()
            if t[0] in ("today", "now", "currently"):
                return pub
            if t[0] == "yesterday":
                return pub - timedelta(days=1)
            what = t[-1]
            if what == "year":
                return {
                    "last": date(pub.year - 1, 12, 31),
                    "this": pub if not future else date(pub.year, 12, 31),
                    "next": date(pub.year + 1, 12, 31),
                }[t[0]]
            if what == "month":
                if t[0] == "last":
                    return pub.replace(day=1) - timedelta(days=1)
                if t[0] == "next":
                    return (
                        _month_end(*divmod(pub.year * 12 + pub.month, 12))
                        if pub.month < 12
                        else _month_end(pub.year + 1, 1)
                    )
                return pub
            if what == "week":
                return (
                    pub - timedelta(days=7) if t[0] == "last" else (pub + timedelta(days=7) if t[0] == "next" else pub)
                )
            if what == "quarter":
                q_end_month = ((pub.month - 1) // 3 + 1) * 3
                end = _month_end(pub.year, q_end_month)
                if t[0] == "last":
                    return _month_end(*((pub.year, q_end_month - 3) if q_end_month > 3 else (pub.year - 1, 12)))
                if t[0] == "next":
                    return _month_end(*((pub.year, q_end_month + 3) if q_end_month < 12 else (pub.year + 1, 3)))
                return end
        if g == "month":
            mon = _MONTHS[m.group("m_name").lower()]
            if future:
                d = _month_end(pub.year, mon)
                return d if d >= pub else _month_end(pub.year + 1, mon)
            y = pub.year if mon <= pub.month else pub.year - 1
            return _cap(_month_end(y, mon), pub)
        if g == "weekday":
            wd = _WEEKDAYS[m.group("wd").lower()]
            delta = (pub.weekday() - wd) % 7
            return pub - timedelta(days=delta)
    except (ValueError, KeyError):
        return None
    return None


# --------------------------------------------------------------------------------------------------
# Attribution
# --------------------------------------------------------------------------------------------------

_V_STRONG = (
    r"said|says|say|told|tells|wrote|writes|added|adds|noted|warned|warns|announced|announces|testified|"
    r"testifies|claimed|argued|argues|stated|acknowledged|acknowledges|confirmed|confirms|insisted|insists|"
    r"explained|explains|estimated|predicted|proposed|disclosed|discloses|revealed|reveals|asserted|asserts|"
    r"contended|contends|conceded|concedes|cautioned|cautions|emphasized|stressed|calculated|recalled|"
    r"pledged|pledges|promised|promises|vowed|vows|"
    r"is\s+reporting|are\s+reporting|was\s+reporting|reported"
)
_V_AMBIG = (
    r"claims|reports|estimates|projects|projected|forecasts|notes|lists|finds|counts|"
    r"estimate|project|forecast|predict|report|claim|find|calculate"  # "Officials estimate that"
)
_V_WEAK = (
    r"found|show|shows|showed|listed|counted|recorded|indicated|indicates|suggested|suggests|expects(?!\s+to\b)|"
    r"outlined|outlines|lays\s+out|laid\s+out|seeks|sought|asks\s+for|asked\s+for|calls\s+for|"
    r"called\s+for|call\s+for|requests|requested|tallied|documented|concluded|concludes|credited|credits|blamed|blames|"
    r"recommended|recommends|urged|urges|touted|touts|boasted|boasts|highlighted|highlights|analyzed|analysed|"
    r"identified|reviewed|examined|indicate|attributes|attributed|classified|classifies"
)
_ANCHOR_RE = re.compile(
    r"(?P<acc>\b[Aa]ccording\s+to\s+"
    r"|\b[Pp]er\s+(?=(?:the|its|their)\s+[\w.'\u2019 -]{1,60}?(?:data|figures|count|estimates?)\b)"
    r"|\b[Bb]y\s+(?=(?:(?:the\s+|its\s+|their\s+)?[\w.'\u2019 -]{1,60}?['\u2019]s?|his|her)\s+(?:own\s+)?(?:count|"
    r"estimates?|tally|calculations?|reckoning|math|figures|data)\b))"
    r"|(?P<part>,?\s*\b(?:telling|saying|adding|noting|warning|arguing|insisting|explaining|writing)\b)"
    r"|(?P<neg>\b(?:did\s+not|does\s+not|do\s+not|didn['\u2019]t|doesn['\u2019]t|would\s+not|wouldn['\u2019]t|"
    r"declined\s+to|refused\s+to|could\s+not|couldn['\u2019]t|won['\u2019]t|will\s+not|not)\s+(?:\w+\s+)?"
    r"(?:say|said|tell|told|comment|confirm|disclose|specify|provide|reveal|report)\b)"
    r"|(?P<passive>\b(?:was|were|been|being|is|are)\s+(?:\w+ly\s+)?(?:told|reported|estimated|projected|expected|"
    r"said|shown|found|counted|recorded|listed|proposed|promised|pledged)\b)"
    r"|(?P<put>\b(?:puts?|pegged|pegs|placed|places)\b(?=(?:\s+[\w'\u2019-]+){0,3}?\s+at\s"
    r"|(?:\s+[\w'\u2019-]+){4,9}?\s+at\s+(?:[a-z]+\s+){0,2}[$\d]))"
    rf"|(?P<verb>\b(?:(?P<strong>{_V_STRONG})|(?P<ambig>{_V_AMBIG})(?=\s+(?:that\b|the\b|a\b|an\b|about\b|some\b|would\b|will\b|could\b|"
    r"more\b|nearly\b|roughly\b|\d|\$|[A-Z])|:|[.!?][\"\u201d]?\s*$"
    # "..., the city's budget office projected in a memo to council members last month."
    r"|\s+in\s+(?:a|an|its|their)\s+(?:[\w-]+\s+){0,2}(?:memo|report|letter|statement|filing|analysis|budget)\b"
    # "The association estimates hospitals would have to hire": a clause, its subject unmarked
    r"|\s+(?!(?:of|for|in|on|from|by|to|and|or)\b)[a-z]+(?:\s+[a-z]+)?\s+(?:would|will|could|may|might|must|need|"
    r"needs|have\s+to|has\s+to)\b)|(?P<weak>" + _V_WEAK + r"))\b)"
)
_CLAUSE_BOUND_RE = re.compile(
    r"[;:\u2014\u2013\"\u201c\u201d]\s*|\((?![A-Z][\w.&]{0,9}\))\s*|\s-\s|,?\s+(?:and|but|while|because|although|though|whereas|so|if|when|"
    r"after|before|since|unless|until|once|where)\s+(?=[a-z])|\b(?:that|which|who)\s+|"
    r"\b(?:said|says|told|tells|reported|noted|added|wrote|estimated|warned)\s+(?:that\s+)?(?=[A-Za-z])"
    r"|\breports\s+that\s+"  # not "autopsy reports for 58 deaths"
)
_ADVERBS = (
    r"also|now|then|later|earlier|previously|reportedly|again|further|first|separately|publicly|privately|recently|"
    r"repeatedly|often|once|still|already|meanwhile|nationally|nationwide|statewide|locally|overall|instead|however|"
    r"for|yet|so|and|but|while|has|have|"
    r"had|is|was|were|are|will|would|had\s+been|on\s+\w+day|last\s+\w+|this\s+\w+|in\s+a\s+statement|"
    r"in\s+an\s+interview|\w+day"
)
_TRAIL_WORDS = frozenset(
    "also now then later earlier previously reportedly again further first separately publicly privately recently "
    "repeatedly often once still already meanwhile nationally locally instead however yet so and but while has have "
    "had is was were are will would do does did monday tuesday wednesday thursday friday saturday sunday today "
    "yesterday".split()
)
_TRAIL_PAIRS = frozenset(("last", "this", "on", "had", "in"))


def _strip_trailing(s: str) -> str:
    """Drop trailing adverbs and time words ("Mayorkas reportedly", "the department on Monday")."""
    toks = s.split()
    while toks:
        w = toks[-1].lower().strip(",")
        if w in _TRAIL_WORDS or w.endswith("day") and w[:1].isalpha() and len(toks) > 1 and w not in ("holiday",):
            toks.pop()
            if toks and toks[-1].lower() in _TRAIL_PAIRS:
                toks.pop()
            continue
        if (
            len(toks) >= 3
            and toks[-3].lower() == "in"
            and toks[-2].lower() in ("a", "an")
            and w in ("statement", "interview")
        ):
            del toks[-3:]
            continue
        if len(toks) >= 2 and toks[-2].lower() in ("last", "this") and w in ("week", "month", "year", "night"):
            del toks[-2:]
            continue
        break
    return " ".join(toks)


_LEAD_TRIM_RE = re.compile(rf"^(?:(?:{_ADVERBS})\b[,\s]*)+", re.I)
_PREP_START_RE = re.compile(
    r"^(?:in|on|at|for|with|from|by|during|after|before|under|over|to|of|into|amid|as|since|when|while|if|unlike|"
    r"like|despite|without|overall|now|today|yesterday|more|less|fewer|about|nearly|up|down|than|just|only|even|"
    r"not|nor|or|there|it|among|amongst|below|above|around|between|behind|ahead|beyond|within|across|through|"
    r"toward|towards|against|including|excluding|compared|roughly|almost|well|far|those\s+\w+\s+\w+)\b",
    re.I,
)
_REL_START_RE = re.compile(
    r"^(?:which|who|whose|whom|that|according|including|who\s)\b|^[a-z]+ing\b"
    r"|^(?:based|located|headquartered|founded|led|run|funded|known|created|established)\s+(?:in|at|on|by|as)\b"
    r"|^(?:released|published|issued|conducted|dated|filed|sent|prepared|commissioned|updated|last\s+updated)\b"
)
_FINITE_RE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|did|does|do|rose|fell|dropped|climbed|grew|said|says|"
    r"stood|reached|topped|hit|cost|costs|received|approved|filed|spent|lost|went|came|made|took|began|became|gave|"
    r"ran|grew|knew|chose|drew|drove|saw|spoke|stole|threw|happened|occurred)\b",
    re.I,
)
_NP_CUT_RE = re.compile(
    r"\s+(?:who|which|whose|where|when|because|on\s+(?:the\s+)?condition|speaking|citing|summarizing|"
    r"adding|noting|explaining|in\s+an?\s+(?:interview|statement|email|e-mail|letter|post|private|news)|"
    r"at\s+(?:a|an|the)\s+(?-i:[a-z])\w*|at\s+headquarters|on\s+\w+day|last\s+\w+|earlier|during|to\s+(?:reporters|the\s+\w+)|"
    r"for\s+the\s+panel|for\s+the\s+court|for\s+the\s+majority|in\s+(?:early\s+|late\s+|mid-?)?"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|\d{4})"
    r")\b.*$",
    re.I | re.S,
)
_PRONOUN_WORK_RE = re.compile(r"^(her|his)\s+(?:own\s+)?(?:work|research|analysis|study|data|estimate|count)$", re.I)
_PRONOUN_ORG_RE = re.compile(
    r"^(?:her|his|their|its)\s+(office|department|agency|group|organization|union|company)$", re.I
)
_PAREN_ABBR_RE = re.compile(r"\s*\([A-Z][\w.&]{0,9}\)")
_OWNED_NAME_RE = re.compile(
    r"^(?:the\s+|its\s+)?[a-z][\w-]*['\u2019]s?\s+((?:[A-Z][\w&.-]*)(?:\s+(?:of|for|and|the|&)?\s*[A-Z][\w&.-]*)+)$"
)
_TIME_BEFORE_BY_RE = re.compile(
    r"\s+(?:(?:released|published|issued|dated)\s+)?(?:(?:late|early)\s+)?(?:last\s+\w+|this\s+\w+|on\s+\w+day|"
    r"earlier(?:\s+this\s+\w+)?|"
    r"in\s+[A-Z][a-z]+|[A-Z][a-z]{2,8}\.?\s+\d{1,2})(?=\s+by\s)"
)
_PARTICIPLE_CUT_RE = re.compile(
    r"\s+(?:sent|filed|released|published|issued|dated|conducted|prepared|drafted|circulated|circulating|posted|"
    r"presented|provided|delivered|"
    r"submitted|made|obtained|reviewed|seen|viewed|cited|described|examined|shared|leaked|that|which|who|"
    r"covering|showing|completed|commissioned|compiled|finalized|produced|written|unveiled|adopted)\b.*$",
    re.I | re.S,
)
_OBTAINED_BY_RE = re.compile(
    r"\s+(?:obtained|reviewed|seen|viewed|cited|described|examined|shared|leaked|reported)\s+by\b.*$", re.I | re.S
)
_DOC_BY_RE = re.compile(r"\b(?:by|from)\s+(?P<by>(?:the\s+)?[A-Za-z].*)$", re.S)
_DOC_RELCL_RE = re.compile(
    r"^(?P<doc>(?:[\w'\u2019-]+\s+){0,3}?(?:figures|data|numbers|statistics|records|estimates|projections|"
    r"documents|report|survey|memo|results|findings|tallies|counts|rosters|tracker|filings|scores|ratings|logs|"
    r"reports|audits|inspections|order|orders|request|requests|plan|proposal|letter|notice|rule|summary|analysis|"
    r"study|audit|budget|guidance|schedule))\s+(?:that\s+)?"
    r"(?P<by>(?:the|its|their|his|her)\s+[\w'\u2019.\s&-]+?|(?-i:[A-Z])[\w'\u2019.\s&-]*?)\s+"
    r"(?:released|published|issued|compiled|provided|reported|posted|shared|made\s+public|filed|sent|gave|keeps|"
    r"conducted|commissioned|ran|publishes|releases|posts|maintains|collects|collected|tracks|tracked|submitted|"
    r"submits|compiles|provides|issues|reports|approved|adopted|set|presented|prepared|produced|delivered|"
    r"drafted|wrote)\b",
    re.I,
)
_POSSESSIVE_RE = re.compile(r"^(?P<owner>.+?)['\u2019]s?\s+(?P<rest>[^'\u2019]+)$")
# the head noun a pronoun cannot stand for: "she" is no spokesman
_OTHER_GENDER = {"he": "woman", "him": "woman", "she": "spokesman", "her": "spokesman"}
_ONE_PERSON_RE = re.compile(
    r"^(?:(?:[Aa]n?|[Tt]he)\s+)?(?:[\w&.'\u2019-]+\s+){0,4}(?:"
    + "|".join(
        sorted(
            "official spokesperson spokesman spokeswoman aide staffer investigator employee whistleblower insider "
            "expert analyst prosecutor attorney lawyer officer adviser advisor administrator lawmaker executive "
            "manager source".split()
        )
    )
    + r")$"
)
_PRONOUNS = {
    "he": "person",
    "she": "person",
    "him": "person",
    "her": "person",
    "they": None,
    "it": None,
    "we": None,
    "i": None,
    "you": None,
    "this": None,
    "that": None,
    "which": None,
    "who": None,
    "another": "anon",
    "others": "anon",
    "one": "anon",
    "some": None,
}
_DATELINE_RE = re.compile(r"^[A-Z][A-Z .,'-]+\s+[\u2014\u2013-]+\s+")
_SUBJ_COMMA_RE = re.compile(r"((?:[A-Z][\w.'\u2019/&-]*\s+){0,5}[A-Z][\w.'\u2019-]*)\s*,")
_SUBJ_END_RE = re.compile(
    r"\s(?:is|are|was|were|has|have|had|will|would|can|could|may|might|must|should|did|does|do|expects?|plans?|"
    r"said|says|told|lost|rose|fell|grew|won|paid|spent|made|took|cut|hit|got|began|held|kept|led|ran|saw|set|sold|"
    r"stood|wrote|on\s+\w+day|[a-z]+ed)\b"
)
_ABBR_DOT = (
    r"(?:(?<=\b[A-Z])\.|(?<=\bDr)\.|(?<=\bSen)\.|(?<=\bRep)\.|(?<=\bGov)\.|(?<=\bMr)\.|(?<=\bMrs)\.|(?<=\bMs)\.|"
    r"(?<=\bSt)\.|(?<=\bLt)\.|(?<=\bGen)\.|(?<=\bCol)\.|(?<=\bSgt)\.|(?<=\bJr)\.|(?<=\bSr)\.)"
)
_QUOTE_AFTER_RE = re.compile(
    r"[\s,]*(?:(?P<v1>said|says|told|wrote|writes|added|asked|explained|noted|continued|insisted|warned|argued|"
    r"recalled|stated|tweeted|posted|testified)\s+(?=[A-Z]|the\b|a\b|an\b|one\b|two\b|three\b|several\b|another\b"
    r"|(?:[a-z][\w-]*\s+){1,3}[A-Z][a-z])"  # "said union president Marcus Tillery'
    rf"|(?P<np2>(?:[^.;:!?\n\"\u201c\u201d,]|{_ABBR_DOT}){{1,90}}?)\s+(?:(?:has|had|also|then|later|reportedly)\s+)?"
    r"(?P<v2>said|says|told|tells|wrote|writes|added|adds|explained|noted|insisted|warned|argued|recalled|"
    r"stated|tweeted|posted|testified|asked|continued|reported)\b)"
)
_TITLED_NAME_RE = re.compile(
    r"\b(?:Secretary|Director|Chief|Leader|Speaker|[Ee]xecutive|[Mm]anager|[Cc]hair(?:man|woman)?|"
    r"[Ss]pokes(?:person|man|woman)|Judge|Justice|Dr\.|Mr\.|Mrs\.|Ms\.|Mayor|Gov\.|Governor|Sen\.|Senator|Rep\.|"
    r"Representative|President|Superintendent|Commissioner|Attorney|[Aa]dviser|[Aa]dvisor|Sheriff|Minister|"
    r"Prosecutor|Professor|Administrator|Ambassador|General|Counsel|[Ll]awyer|[Ee]conomist|[Aa]nalyst|Officer|"
    r"Inspector|Chancellor|[Cc]lerk|[Dd]irector|[Ss]ecretary|Trustee|Regent|Assembly(?:member|man|woman)|"
    r"Council(?:member|man|woman)|Alder(?:man|woman))\s+((?:[A-Z][\w'\u2019.-]*\s+){0,2}[A-Z][\w'\u2019-]+)"
)
_PREPS = frozenset("of in at from with on for among by to about".split())
_CONNECTORS = frozenset(("of", "for", "and", "on", "&", "the", "de", "at"))


_ARTICLE_RE = re.compile(r"^(?:the|a|an|its|their)\s+", re.I)
_PP_TAIL_RE = re.compile(r"\s+(?:by|from|of|in|at|with|on|for)\s+.*$", re.S)
_DOC_WHERE_TAIL_RE = re.compile(r"\s+(?:in|on|to|for|with|of)\s+.*$", re.S)
_DOC_PP_TAIL_RE = re.compile(r"\s+(?:by|from|of|in|at|with|on|for|to)\s+.*$", re.S)
_AND_RE = re.compile(r"\s+and\s+")
_DET_RE = re.compile(r"^(?:the|a|an|one|two|three|several|\d+)\b")
_DET_WIDE_RE = re.compile(
    r"^(?:the|a|an|this|that|its|their|his|her|one|two|three|four|five|several|multiple|some|many|"
    r"another|other|\d+|senior|top|those)\b"
)
_WORDS_RE = re.compile(r"[^\W\d_][\w'\u2019-]*")
_IN_DOC_START_RE = re.compile(r"(?:In|Under)\s+(?:a|an|its|their|his|her|the)\s+(?:[\w-]+\s+){0,3}?([a-z]+)\b")
_IN_DOC_RE = re.compile(
    r"\s+in\s+(?:a|an|its|their|his|her|the)\s+(?:[\w-]+\s+){0,3}?(memo|report|statement|release|letter|filing|"
    r"analysis|study|review|post|email|op-ed|presentation|testimony|assessment|survey|poll|audit|proposal|budget)\b"
)
_BY_COUNT_NP_RE = re.compile(
    r"(?:the\s+|its\s+|their\s+)?(?:[\w.'\u2019 -]{1,60}?(?:['\u2019]s?\s+)?|his\s+|her\s+)(?:own\s+)?"
    r"(?:count|estimates?|tally|"
    r"calculations?|reckoning|math|figures|data)\b"
)
_PRONOUN_OWNER_RE = re.compile(r"(his|her)\s+(?:own\s+)?(?:count|estimate|tally|calculations?|reckoning|math)\b", re.I)
_COMPARISON_AFTER_RE = re.compile(
    r",\s+(?:down|up)\s+from\b|,\s+compared\s+(?:with|to)\b|,\s+meaning\b|,\s+including\b|,\s+which\s+means\b"
    r"|,\s+(?:still\s+|well\s+|far\s+)?(?:below|above|short\s+of)\b"  # "..., still below the $11,800 it reached"
)
_SAYS_RE = re.compile(r"\b(?:says|said|estimates|estimated|reported|reports|recommends)\b")
_PASSIVE_BY_RE = re.compile(r"\s+by\s+(?P<np>(?:the\s+)?[A-Z][^,;.]*?)(?=,|;|\.\s|\.?$)")
_ACC_STOP_RE = re.compile(r",(?!\d)|;|\s[\u2014\u2013]\s|[.!?]?[\"\u201d]?\s*$")
_THAT_END_RE = re.compile(r"\b(?:that|which)\s+$")
_LETTER_RE = re.compile(r"[A-Za-z]")
_PARAGRAPH_BREAK_RE = re.compile(r"[^\n]*\n")
_POLL_WORD_RE = re.compile(r"\b(?:poll|survey)s?\b", re.I)
_ANY_DIGIT_RE = re.compile(r"\d")


def _norm_ws(s: str) -> str:
    return " ".join(s.split())


def _strip_article(s: str) -> str:
    return _ARTICLE_RE.sub("", s)


def _looks_personal_name(toks: list[str]) -> bool:
    if not 2 <= len(toks) <= 4:
        return False
    for t in toks:
        core = t.strip(",.'\u2019").lower()
        if (
            not t[:1].isupper()
            or core in _ORG_WORDS
            or core in _TITLE_WORDS
            or "/" in t
            or core.endswith(("'s", "\u2019s"))
        ):
            return False
    return True


def _name_after_title(toks: list[str]) -> str | None:
    last_title = -1
    for i, t in enumerate(toks):
        if t.strip(".,").lower() in _TITLE_WORDS:
            last_title = i
    if last_title >= 0:
        rest = toks[last_title + 1 :]
        if 1 <= len(rest) <= 4 and all(t[:1].isupper() for t in rest) and not any(_is_org_word(t) for t in rest):
            return " ".join(rest)
    return None


class _Ctx:
    """Per-text state for attribution: people, speakers and the last poll seen so far."""

    __slots__ = (
        "text",
        "people",
        "speakers",
        "bodies",
        "last_person",
        "last_anon",
        "last_poll",
        "prev_end",
        "sentence_starts",
        "surnames",
        "_orgs",
        "_names",
    )

    def __init__(self, text: str):
        self.text = text
        self.people: list[str] = []
        self.speakers: list[tuple[str, str]] = []  # (description lower, resolved speaker)
        self.bodies: list[tuple[int, str, str]] = []  # (offset, name, class) of the named bodies given figures
        self.last_person: str | None = None
        # an unnamed speaker described since ("A CMS spokeswoman said ..."), whom a next "She said" goes on with
        self.last_anon: str | None = None
        self.last_poll: tuple[str, str] | None = None
        self.prev_end = 0  # end of the sentence before the one being read
        self.sentence_starts: list[int] = [0]
        self.surnames: dict[str, str | None] = {}
        self._orgs: list[tuple[int, str]] | None = None
        self._names: list[tuple[int, str]] | None = None

    def names(self) -> list[tuple[int, str]]:
        """(offset, name) of every capitalised name of two words or more, organisation or not ("Calder Home
        Furnishings"), for "the company". A street ("Lakeside Ave") is no name of anyone."""
        if self._names is None:
            self._index_names()
        return self._names

    def orgs(self) -> list[tuple[int, str]]:
        """(offset, name) of the text's organisation names ("U.S. Citizenship and Immigration Services",
        "Nebraska Department of Labor"), for resolving "USCIS", "the department", "fiscal office"."""
        if self._orgs is None:
            self._index_names()
        return self._orgs

    def _index_names(self) -> None:
        """One pass over the text's capitalised runs for both lists, once per text."""
        self._names, self._orgs = [], []
        for m in _ORG_NAME_RE.finditer(self.text):
            first = m.group().split(None, 1)[0]
            words = m.group().split()
            while words and words[0] in _LEADING_FUNCTION_WORDS:
                words = words[1:]
            if words and words[-1].endswith(("'s", "\u2019s")):
                words[-1] = words[-1][:-2]  # "the Census Bureau's survey": the bureau
            if len(words) >= 2 and words[-1].rstrip(".").lower() not in _STREET_WORDS:
                self._names.append((m.start(), " ".join(words)))
            if len(words) > 2 and words[1] in ("on", "against", "to") and not _is_org_word(words[0]):
                words = words[2:]  # "Assaults on Lakeshore Regional Transit Authority buses"
            caps = [w for w in words if w[:1].isupper()]
            if len(caps) >= 2 and any(_is_org_word(w) for w in caps):
                level = _LEVEL_BEFORE_RE.search(self.text, max(0, m.start() - 12), m.start())
                if level and words[0] == first:
                    words = [level.group(1), *words]  # "the state Department of Transportation"
                self._orgs.append((m.start(), " ".join(words)))

    def add_person(self, name: str) -> None:
        words = name.split()
        while len(words) > 2 and words[0] in _LEADING_FUNCTION_WORDS:
            words = words[1:]  # "For Tom Brennan, 71, a retired machinist"
        name = " ".join(words)
        if name in self.people:
            self.people.remove(name)
        self.people.append(name)
        self.last_person = name
        self.last_anon = None


_CAP_WORD = (
    r"(?:[A-Z](?:\.[A-Z])+\.?|[A-Z]\.(?=\s[A-Z])|[A-Z][\w'\u2019&-]*\w|[A-Z])"  # "U.S.", "J." but not "Prevention."
)
# Words on one line (a headline above a paragraph is no part of a name), at most eight of them
_ORG_NAME_RE = re.compile(rf"{_CAP_WORD}(?:(?:[ \t]+(?:of|for|and|on|the|&|de))*[ \t]+{_CAP_WORD}){{1,7}}")
_POSSESSIVE_S_RE = re.compile(r"['\u2019]s?$")
_ACRONYM_RE = re.compile(r"^[A-Z](?:\.?[A-Z]){1,6}\.?$")
_ORG_CONNECTORS = frozenset(("of", "for", "and", "on", "the", "&", "de"))


_STREET_WORDS = frozenset("ave avenue st street rd road blvd boulevard lane drive way place plaza highway".split())
_LEADING_FUNCTION_WORDS = frozenset(
    "The A An At In On When If After Before As By For From With Under Since While But And Per According Across "
    "Among Meanwhile Nationally Last This".split()
)
_MORE_ORG_WORDS = frozenset(
    "collaborative consortium partnership trust initiative laboratory lab observatory forum council institution "
    "society federation league alliance".split()
)


_LEVEL_BEFORE_RE = re.compile(r"\bthe\s+(state|city|county|federal)\s+$")
_GENERIC_MODIFIERS = frozenset("state city county federal local national regional".split())
_GOVERNMENT_BODY_WORDS = frozenset("agency department bureau office administration commission authority".split())
_GROUP_WORDS = frozenset(
    "group organization organisation alliance coalition association nonprofit district system union guild federation "
    "league caucus".split()
)
_COMPANY_WORDS = frozenset("company firm chain retailer business employer manufacturer insurer".split())
_AGENCY_WORDS = frozenset(
    "department administration services service bureau office agency commission authority centers center".split()
)


# Words of a name that make it a public body's, never a company's ("the state Controlling Board", "Ohio Department
# of Rehabilitation and Correction"); "office", "authority", "county"... only as its last word.
_PUBLIC_BODY_WORDS = frozenset(
    "department administration bureau agency commission board council committee legislature court senate patrol".split()
)
_PUBLIC_BODY_HEADS = _PUBLIC_BODY_WORDS | frozenset("office authority house county city state district".split())


def _latest_non_person_name(ctx: _Ctx, pos: int, company: bool = False) -> str | None:
    """The latest capitalised name before ``pos`` that is neither a known person's nor a titled one; for a
    ``company``, not a public body's either, unless no other name came before."""
    people = {w for person in ctx.people for w in person.split()}
    fallback = None
    for at, name in reversed(ctx.names()):
        if at < pos and not _looks_titled(name) and not any(w in people for w in name.split()):
            words = name.lower().split()
            if not company or (words[-1] not in _PUBLIC_BODY_HEADS and not _PUBLIC_BODY_WORDS.intersection(words)):
                return name
            fallback = fallback or name
    return fallback


def _looks_titled(name: str) -> bool:
    return any(w.lower().strip(".") in _TITLE_WORDS for w in name.split())


def _is_org_word(word: str) -> bool:
    w = _POSSESSIVE_S_RE.sub("", word.lower().strip(".,"))
    return w in _ORG_WORDS or w in _MORE_ORG_WORDS or (w.endswith("s") and w[:-1] in _ORG_WORDS)


def _initials(name: str) -> str:
    out = []
    for w in name.split():
        if w.lower() in _ORG_CONNECTORS:
            continue
        out.append(w.replace(".", "") if _ACRONYM_RE.match(w) else w[0])
    return "".join(out).upper()


_PLACE_HEADS = frozenset("county city state township parish borough village town".split())
_FACILITY_RE = re.compile(
    r"\b(?:Detention|Correctional|Processing|Medical|Treatment|Convention|Shopping|Data|Distribution|Community|"
    r"Rehabilitation|Juvenile|Transit|Training|Recreation|Senior)\s+Centers?\b"
)


def _spells_acronym(letters: str, name: str) -> bool:
    """Whether ``letters`` take every significant word's initial in order, with extra letters from inside the
    words ("FHWA": Federal HighWay Administration), connectives optional ("DOT": Department Of Transportation) and
    a leading department optional ("HUD": Department of Housing and Urban Development)."""
    raw = [w.replace(".", "").upper() for w in name.split()]
    lead = 1 if raw and raw[0] == "US" else 0  # "USDA", "DA" and "CBP" for "U.S. Department of Agriculture" etc.
    words = [
        (
            w,
            i < lead
            or w.lower() in _ORG_CONNECTORS
            or (i == lead and w.lower() in _AGENCY_WORDS)
            # "CMS": Centers for Medicare & Medicaid Services, the pair sharing its initial
            or (i >= 2 and raw[i - 1] in ("&", "AND") and raw[i - 2][:1] == w[:1]),
        )
        for i, w in enumerate(raw)
    ]
    needed = sum(1 for _, optional in words if not optional)
    if len(letters) < 3 or not needed or len(letters) > len(words) + 2:
        return False

    def fits(li: int, wi: int) -> bool:
        if wi == len(words):
            return li == len(letters)
        word, optional = words[wi]
        if optional and fits(li, wi + 1):
            return True
        if li == len(letters) or letters[li] != word[0]:
            return False
        k, at = li + 1, 1  # the word's initial, then any of its later letters in order, then the next word
        while True:
            if fits(k, wi + 1):
                return True
            if k == len(letters):
                return False
            at = word.find(letters[k], at)
            if at < 0:
                return False
            k, at = k + 1, at + 1

    return fits(0, 0)


# "the Equal Count Project, a civil-rights group": a name and the generic noun it is described by
_DESCRIBED_AS_RE = re.compile(
    r"(?P<name>[A-Z][\w&.'\u2019-]*(?:\s+(?:(?:of|for|and|on|the|&)\s+)*[A-Z][\w&.'\u2019-]*)+),\s+(?:an?|the)\s+"
    r"(?:[\w-]+\s+){0,3}?(?P<head>[a-z]+)\b(?=[,.;])"
)


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _org_alias(ctx: _Ctx, alias: str, pos: int) -> str | None:
    """The organisation's full name, as first given before ``pos``, that ``alias`` abbreviates: an acronym of its
    initials ("USCIS", "CDC"), one of its distinctive words ("the Continuum's report"), or all of its words
    ("the fiscal office's report"); for a bare generic noun ("the department"), the latest name with that noun."""
    names = [(at, name) for at, name in ctx.orgs() if at < pos and name != alias]
    words = alias.split()
    if len(words) == 1 and _ACRONYM_RE.match(alias):
        letters = alias.replace(".", "")
        for _, name in (*names, *((at, n) for at, n in ctx.names() if at < pos)):
            initials = _initials(name)
            for form in (initials, initials[2:] if initials.startswith("US") else ""):
                close = len(letters) >= 3 and form.startswith(letters) and len(form) - len(letters) <= 1
                if form and (form == letters or close):
                    return name  # "CBP" for "U.S. Customs and Border Protection"
        for _, name in names:
            if _spells_acronym(letters, name):
                return name  # "FHWA" for "Federal Highway Administration"
        return None
    low = [w.lower() for w in words]
    if len(low) > 1:
        low = [w for w in low if w not in _GENERIC_MODIFIERS] or low
    if len(words) == 1 and words[0][:1].isupper() and low[0] not in _ORG_WORDS:
        for at, name in (*names, *ctx.names()):
            if at < pos and name != alias and low[0] in name.lower().split() and not _looks_titled(name):
                return name
        return None
    if not names and low[0] not in _COMPANY_WORDS and low[-1] not in _GROUP_WORDS:
        return None
    if 1 <= len(words) <= 3 and (low[-1] in _ORG_WORDS or low[-1] in _GROUP_WORDS):
        # "the corrections department" for the "Department of Rehabilitation and Correction": plural or not
        containing = [
            name
            for _, name in reversed(names)
            if all(_singular(w) in map(_singular, name.lower().split()) for w in low)
        ]
        if all(w[:1].isupper() for w in words):  # already a name ("Washington Post"): only a fuller form of it
            containing = [
                n for n in containing if n.lower().endswith(alias.lower()) and len(n.split()) <= len(words) + 3
            ]
        for name in containing:  # the alias's noun heads the name: "Texas Tribune", "Department of Labor"
            name_words = name.lower().split()
            at = name_words.index(low[-1])
            if at == len(name_words) - 1 or name_words[at + 1] in ("of", "for", "on"):
                return name
        if containing and len(low) == 1:
            # "the system" in "the Northland State University System Board of Regents": the body the noun heads
            words = containing[0].split()
            return " ".join(words[: [w.lower() for w in words].index(low[-1]) + 1])
        if containing:
            return containing[0]
        if low[0] in _COMPANY_WORDS and len(low) == 1:  # "the company": the latest name not a person's
            return _latest_non_person_name(ctx, pos, company=True)  # nor a public body's
        if low[-1] in _GROUP_WORDS and len(low) <= 2:
            described = None
            for dm in _DESCRIBED_AS_RE.finditer(ctx.text, 0, pos):
                if dm.group("head") == low[-1]:
                    described = dm
            if described:  # "the group" after "the Equal Count Project, a civil-rights group,"
                return _strip_article(_norm_ws(described.group("name")))
            # a group is no place: "Milwaukee County" is not what "the group said" refers back to, nor is "Syracuse
            # University" after "the Transactional Records Access Clearinghouse at"
            names = [
                (at, n)
                for at, n in names
                if n.split()[-1].lower() not in _PLACE_HEADS and not _AT_BEFORE_RE.search(ctx.text, max(0, at - 8), at)
            ] or names
            spoke = [(at, name) for at, name, _ in ctx.bodies if at < pos]
            if spoke and (not names or spoke[-1][0] > names[-1][0]):
                return spoke[-1][1]  # "the group said" after "a review by Recovery Advocates of Indiana found"
            if names:
                return names[-1][1]  # "the group", "the ferry system": the latest organisation named
            return _latest_non_person_name(ctx, pos)  # "United Nurses of Pennsylvania": no organisation word
        if low == ["agency"]:  # "the agency": the latest government body named, whatever its name's noun
            for _, name in reversed(names):
                if _FACILITY_RE.search(name):
                    continue  # "the Stewart Detention Center" is a place, no agency
                if any(_POSSESSIVE_S_RE.sub("", w.lower()) in _AGENCY_WORDS for w in name.split()):
                    return name
    return None


_AT_BEFORE_RE = re.compile(r"\bat\s+(?:the\s+)?$")
_FIRSTNAME_BEFORE_RE = re.compile(r"(?:^|[^\w.])((?:[A-Z]\.){1,3}|[A-Z][a-z\u00e0-\u00ff'\u2019-]+)\s+$")


_TITLE_START_RE = re.compile(
    r"\b(?:secretary|director|chief|leader|speaker|executive|manager|chair|chairman|chairwoman|spokesperson|spokesman|"
    r"spokeswoman|judge|justice|dr|mr|mrs|ms|mayor|gov|governor|sen|senator|rep|representative|president|"
    r"superintendent|commissioner|attorney|adviser|advisor|sheriff|minister|prosecutor|professor|administrator|"
    r"ambassador|general|counsel|lawyer|economist|analyst|officer|inspector|chancellor|clerk|trustee|regent|"
    r"assemblymember|assemblyman|assemblywoman|councilmember|councilman|councilwoman|alderman|alderwoman)\b"
)


def _resolve_alias(ctx: _Ctx, sp: str, pos: int) -> str:
    """A surname or a short description resolved to the fuller name used earlier in the text."""
    toks = sp.split()
    if not toks:
        return sp
    low = sp.lower()
    if len(toks) == 1 and toks[0][:1].isupper() and low not in _OUTLET_SHORT and low not in _ORG_WORDS:
        for p in reversed(ctx.people):
            if p.split()[-1].lower() == low and p != sp:
                return p
        if _ACRONYM_RE.match(sp):
            return _org_alias(ctx, sp, pos) or sp
        if low not in ctx.surnames:
            full = None
            for m in re.finditer(rf"\b{re.escape(toks[0])}\b", ctx.text):
                fm = _FIRSTNAME_BEFORE_RE.search(ctx.text, max(0, m.start() - 30), m.start())
                if fm:
                    first = fm.group(1)
                    if (
                        first.strip(".").lower() not in _TITLE_WORDS
                        and first.lower() not in _ORG_WORDS
                        and first not in _LEADING_FUNCTION_WORDS
                        and first.lower() not in ("the", "a", "an", "and", "but", "said", "told", "by")
                    ):
                        full = f"{first} {toks[0]}"
                        break
            ctx.surnames[low] = full
        if ctx.surnames[low]:
            return ctx.surnames[low]
        return _org_alias(ctx, sp, pos) or sp
    stripped = _strip_article(sp)
    st = stripped.split()
    if len(st) == 3 and st[0].lower() in _GENERIC_MODIFIERS and st[-1].lower() in _ORG_WORDS and st[1].islower():
        full = _org_alias(ctx, stripped, pos)  # "the state health department" -> "Ohio Department of Health"
        if full:
            return full
    if 1 <= len(st) <= 2:
        head = st[-1].lower()
        if len(st) == 2 and head in _ORG_WORDS:
            full = _org_alias(ctx, stripped, pos)  # "the fiscal office" -> "Legislative Fiscal Office"
            if full:
                return full
            if all(t[:1].isupper() for t in st):
                return stripped  # "Commerce Department" is not the "Labor Department" quoted before
        for raw, resolved in reversed(ctx.speakers):
            if raw.split() and raw.split()[-1] == head and (raw != stripped.lower() or resolved.lower() != raw):
                return resolved
        if (head in _ORG_WORDS and len(st) == 1) or (head in _GROUP_WORDS and st[0].islower()):
            full = _org_alias(ctx, stripped, pos)  # "the department" -> "Nebraska Department of Labor"
            if full:
                return full
        if head in _ORG_WORDS or head in _OUTLET_SHORT:
            cap = st[-1][:1].upper() + st[-1][1:]
            found = None
            for m in re.finditer(rf"\b((?:[A-Z][\w&'\u2019-]* ){{1,4}}){re.escape(cap)}\b", ctx.text[:pos]):
                found = m
            if found is not None:
                full = _strip_article(_norm_ws(found.group(1) + cap))
                if len(full.split()) > len(st):
                    return full
        if len(st) == 1 and st[0].islower() and _is_plural(head):
            cap = head.capitalize()  # "the regents" for the "Northland State University System Board of Regents"
            for at, name in reversed(ctx.orgs()):
                if at < pos and cap in name.split():
                    return name
    return stripped


def _classify(sp: str) -> str:
    """person | org | outlet | doc | anon"""
    core = _PARTICIPLE_CUT_RE.sub("", sp)
    core = _PP_TAIL_RE.sub("", core)
    if _is_outlet(core):
        return "outlet"
    toks = sp.split()
    if not toks:
        return "org"
    if _looks_personal_name(toks):
        return "person"
    named = _name_after_title(toks)
    if named and len(named.split()) >= 2:
        return "person"
    low_toks = [t.lower().strip(',.\u201c\u201d"') for t in toks]
    if (
        low_toks[0] in ("one", "two", "three", "some", "another", "several", "many", "none", "each")
        and len(low_toks) > 2
        and low_toks[1] == "of"
    ):
        rest = low_toks[2:]
        if any(t in _PERSON_NOUNS for t in rest):
            return "anon"
    base: list[str] = []
    for i, (t, orig) in enumerate(zip(low_toks, toks)):
        if t in _PREPS and base:
            if 0 < i < len(toks) - 1 and toks[i + 1][:1].isupper() and t == "of":
                continue  # "state Department of Education data", "the city of El Paso's dashboard": "of" in a name
            break
        if (
            orig[:1].isupper()
            and t not in ("the", "a", "an")
            and not (i == 0 and (t in _DOC_NOUNS or t in _PERSON_NOUNS))
        ):
            continue  # part of a proper name ("Transactional Records Access Clearinghouse"), not "Data released by"
        if t.endswith(("'s", "\u2019s", "s'")):
            continue  # an owner ("the analysis's lead author"), not the head of the phrase
        base.append(t)
    if base and base[-1] in _PERSON_NOUNS:
        return "anon"  # "two legislative budget staffers": people, whatever documents their title names
    if (
        len(low_toks) >= 2
        and base
        and _COUNTED_PEOPLE_RE.match(low_toks[0])
        and _is_plural(base[-1])
        and base[-1] not in _DOC_NOUNS
        and not _is_org_word(base[-1])
    ):
        return "anon"  # "Three caseworkers said": a number of people
    if any(t in _DOC_NOUNS for t in base):
        return "doc"
    if any(t in _PERSON_NOUNS for t in base) or low_toks[0] == "those":
        return "anon"
    return "org"


_COUNTED_PEOPLE_RE = re.compile(r"(?:two|three|four|five|six|several)$")  # "23 senators urged" is a count


def _caps_run(toks: list[str]) -> list[str]:
    caps: list[str] = []
    run: list[str] = []
    for t in toks:
        # "Ohio 911 Program Office": a number inside a name is part of it
        if t[:1].isupper() or (run and (t.lower() in _CONNECTORS or t.isdigit())):
            run.append(t)
        else:
            if run:
                caps = run
            run = []
    if run:
        caps = run
    while caps and (caps[-1].lower() in _CONNECTORS or caps[-1].isdigit()):
        caps.pop()
    while caps and caps[0].lower() in _CONNECTORS:
        caps.pop(0)
    return caps


_ON_OWNERS_SITE_RE = re.compile(
    r"\b(?:posted|published|listed|available)\s+(?:on|to)\s+"
    r"(?:(?P<owner>(?:the\s+)?[\w&.'\u2019 -]{2,60}?)['\u2019]s?|its|their)"
    r"\s+(?:web\s?site|site|web\s+page|portal|dashboard)\b"
)


_FIRST_PERSON_RELCL_RE = re.compile(r"\s+(?:I|[Ww]e)\s+(?:[a-z]+\s+){0,2}?[a-z]+ed\b.*$", re.S)
_ADVERB_PARTICIPLE_RE = re.compile(r"\b[a-z]+ly[\s-]+(?:[a-z]+ed|seen|known|read|written)\s+")


_NAME_AS_MODIFIER_RE = re.compile(
    r"\s+(?:program|programs|plan|plans|fund|funds|payments?|grants?|benefits?|rules?|coverage|loans?)\b"
)
_BODY_ACRONYM_RE = re.compile(r"\b[A-Z]{2,6}\b")


def _sentence_start(ctx: _Ctx, pos: int) -> int:
    return ctx.sentence_starts[max(bisect.bisect_right(ctx.sentence_starts, pos) - 1, 0)]


def _first_body_in_sentence(ctx: _Ctx, pos: int) -> str | None:
    start = _sentence_start(ctx, pos)
    return next((name for at, name in ctx.orgs() if start <= at < pos), None)


def _body_in_sentence(ctx: _Ctx, pos: int, body: str) -> str | None:
    """The body the sentence around ``pos`` names before it that "<body> records" refers to: a name with that noun
    ("department records" after "the Ohio Department of ..."); for "agency", any government body's name or an
    acronym the text spells out elsewhere ("ICE")."""
    start = _sentence_start(ctx, pos)
    for at, name in ctx.orgs():
        if not start <= at < pos:
            continue
        words = [_POSSESSIVE_S_RE.sub("", w.lower()) for w in name.split()]
        if body in words or (
            body == "agency" and any(w in _AGENCY_WORDS for w in words) and not _FACILITY_RE.search(name)
        ):
            return name
    if body != "agency":
        return None
    for at, name in ctx.names():  # "in the custody of U.S. Immigration and Customs Enforcement, agency records show"
        if not name[:1].isupper() or any(_WHEN_NAME_RE.fullmatch(w.rstrip(".")) for w in name.split()):
            continue  # not "of Dec" from "As of Dec. 31"
        if start <= at < pos and not _looks_personal_name(name.split()) and not _looks_titled(name):
            # not "the Price Loss Coverage programs": a name that modifies a noun names no body
            end = ctx.text.find(name, at) + len(name)
            if not _FACILITY_RE.search(name) and not _NAME_AS_MODIFIER_RE.match(ctx.text, end):
                return name
    for m in _BODY_ACRONYM_RE.finditer(ctx.text, start, pos):
        full = _org_alias(ctx, m.group(), pos)
        if full:
            return full
    return None


def _doc_speaker(np: str, ctx: _Ctx, pos: int, subject: str | None) -> str:
    """The issuer of a document when named, else the document's description."""
    # "A widely cited RAND Corporation study": a participle before the noun describes it, cuts nothing off
    np = _ADVERB_PARTICIPLE_RE.sub("", _norm_ws(np.strip(' ,.\u201c\u201d"')))
    if np.lower().startswith(("its ", "their ")):
        desc = _PARTICIPLE_CUT_RE.sub("", np.split(" ", 1)[1])
        res = (subject.get() if isinstance(subject, _LazySubject) else subject) or desc
        owned = _POSSESSIVE_RE.match(_strip_article(res))
        if desc.lower() in res.lower() or "its " in res.lower():
            # "Its most recent review found ...": the document is the subject; "its" is the body named before
            res = _latest_non_person_name(ctx, pos) or desc
        elif owned and not owned.group("rest").split()[-1][:1].isupper():
            # "The agency's federal revenue fell 71%, according to its annual report": the agency's report
            res = _resolve_alias(ctx, owned.group("owner"), pos)
        ctx.speakers.append((desc.lower(), res))
        return res
    np = _strip_article(np).replace("\u201c", "").replace("\u201d", "").replace('"', "")
    np = _OBTAINED_BY_RE.sub("", np)
    m = _DOC_BY_RE.search(np)
    doc_nouns = [t.lower().strip(",.") for t in np[: m.start()].split()] if m else []
    doc_nouns = [t for t in doc_nouns if t in _DOC_NOUNS]
    if doc_nouns:
        res = _clean_org(m.group("by"), ctx, pos)
        # Keyed by the document's noun, so "the report" later finds "A 46-page report released Aug. 22 by X".
        ctx.speakers.append((doc_nouns[-1], res))
        return res
    m = _DOC_RELCL_RE.match(np)
    if m:
        res = _clean_org(m.group("by"), ctx, pos)
        ctx.speakers.append((m.group("doc").lower(), res))
        return res
    np = _FIRST_PERSON_RELCL_RE.sub("", np)  # "City payroll records I obtained through a records request"
    site = _ON_OWNERS_SITE_RE.search(np)
    if site:  # "penalty notices posted on the agency's website": the agency's
        owner = site.group("owner") or (subject.get() if isinstance(subject, _LazySubject) else subject)
        # "on its website": the sentence's subject's, else the first body the sentence names
        res = _resolve_alias(ctx, _strip_article(owner), pos) if owner else _first_body_in_sentence(ctx, pos) or ""
        if res[:1].isupper():
            return res
    np = _PARTICIPLE_CUT_RE.sub("", np).strip(" ,")
    desc = np
    low = np.lower()
    if low.startswith(("its ", "their ")):
        res = (subject.get() if isinstance(subject, _LazySubject) else subject) or np
        ctx.speakers.append((low.split(" ", 1)[1], res))
        return res
    m = _POSSESSIVE_RE.match(np)
    if not (m and m.group("rest").split()[-1].lower() in _DOC_NOUNS):
        # "the department's budget request for next year", "the department's annual report to lawmakers"
        m = _POSSESSIVE_RE.match(_DOC_PP_TAIL_RE.sub("", np))
    if m and m.group("owner").split()[-1].lower() in _DOC_NOUNS:
        owner = _strip_article(_norm_ws(m.group("owner")))
        res = _resolve_alias(ctx, owner, pos)
        if res.lower() == owner.lower():
            res = _latest_issuer(ctx) or res  # "the report's breakdown by industry": the report's issuer
        return res
    if m and m.group("rest").split()[-1].lower() in _DOC_NOUNS:
        res = _resolve_alias(ctx, _strip_article(_norm_ws(m.group("owner"))), pos)
        ctx.speakers.append((m.group("rest").lower(), res))
        return res
    toks = np.split()
    if toks and toks[-1].lower() not in _DOC_NOUNS:
        # also "An Associated Press review of ICE's website": the review, by the AP
        short = _DOC_WHERE_TAIL_RE.sub("", np).split()  # "a DHS notice in the Federal Register"
        if short and short[-1].lower() in _DOC_NOUNS and _caps_run(short[:-1]):
            toks = short
    caps = _caps_run(toks[:-1]) if toks and toks[-1].lower() in _DOC_NOUNS else []
    if len(caps) == 1 and (caps[0].lower() in _ORG_WORDS or caps[0].lower() == "federal"):
        caps = []  # "City budget documents", "Federal data": a capital for the sentence, not a named issuer
    body = next(
        (t.lower() for t in toks[-3:-1] if t.lower() in _GOVERNMENT_BODY_WORDS and (t.islower() or t is toks[0])), None
    )  # "Department records", "department staffing report"; not "Labor Department data", a name
    if 2 <= len(toks) <= 4 and body and toks[-1].lower() in _DOC_NOUNS:
        # "ICE was holding roughly 61,000 people, according to agency data": the body the sentence names first;
        # also "a separate bureau analysis", "a department staffing report": the body named before
        full = _body_in_sentence(ctx, pos, body) or _org_alias(ctx, body, pos)
        if full:  # "agency records show", "department data": the body named before
            ctx.speakers.append((desc.lower(), full))
            return full
    if caps and len(caps) < len(toks):
        res = _resolve_alias(ctx, " ".join(caps), pos)
        at = len(toks) - 1 - len(caps) - 1  # the word before the name, which comes before the document noun
        if at >= 0 and toks[at] in ("state", "city", "county", "federal") and res == " ".join(caps):
            res = f"{toks[at]} {res}"  # "state Department of Education data"
        ctx.speakers.append((desc.lower(), res))
        return res
    if desc.lower().startswith("same "):  # "according to the same data": the documents just cited
        res = _latest_issuer(ctx)
        if res:
            return res
    res = _resolve_alias(ctx, desc, pos)
    if res.lower() == desc.lower() and _bare_doc_noun(desc):
        # "The audit examined" after "A report by the City Auditor found"; "The 61-page report"
        res = _latest_issuer(ctx, desc.split()[-1]) or res
    ctx.speakers.append((desc.lower(), res))
    return res


_DESCRIPTOR_RE = re.compile(r"^[\w.]+-[\w-]+$")


def _bare_doc_noun(desc: str) -> bool:
    """A document noun with nothing before it but descriptors: "audit", "the 61-page report", "its annual report"."""
    toks = desc.lower().split()
    if not toks or toks[-1] not in _DOC_NOUNS:
        return False
    return all(
        t in ("the", "its", "their", "this", "that") or t in _REFERRING_MODIFIERS or _DESCRIPTOR_RE.match(t)
        for t in toks[:-1]
    )


_BILL_NOUNS = frozenset("bill measure ordinance legislation".split())


def _latest_issuer(ctx: _Ctx, noun: str = "") -> str | None:
    """The issuer of the document discussed last: what a bare "the audit", "the study" refers back to; for "the
    audit", one whose name says it audits ("the Legislative Audit Bureau", "Office of the State Auditor") first."""
    issuers = [
        res
        for raw, res in reversed(ctx.speakers)
        if raw.split()
        and raw.split()[-1] in _DOC_NOUNS
        and res.lower() != raw
        # a pending bill issues no review: "the review found" after "A Minnesota bill would ..." is not the bill's
        and (raw.split()[-1] not in _BILL_NOUNS or noun in _BILL_NOUNS)
    ]
    stem = noun.lower()[:5]
    if len(stem) == 5:
        for res in issuers:
            if any(w.lower().startswith(stem) and w[:1].isupper() for w in res.split()):
                return res
    return issuers[0] if issuers else None


def _clean_org(s: str, ctx: _Ctx, pos: int) -> str:
    s = _PARTICIPLE_CUT_RE.sub("", _NP_CUT_RE.sub("", _norm_ws(s))).strip(" ,.")
    s = _OF_ITS_TAIL_RE.sub("", s)
    at_place = _AT_PLACE_TAIL_RE.search(s)
    if at_place and any(_is_org_word(w) for w in at_place.group().split()):
        s = s[: at_place.start()]  # "the Transactional Records Access Clearinghouse at Syracuse University"
    owned = _OWNER_OF_DOC_RE.match(s)
    if owned and owned.group("doc").lower() in _DOC_NOUNS:
        s = owned.group("owner")  # "the Census Bureau's post-enumeration survey": the bureau
    parts = _COMMA_RE.split(s)
    s = parts[0].strip()
    if len(parts) > 1 and not any(ch.isupper() for ch in s) and _ORG_NAME_RE.fullmatch(parts[1].strip()):
        s = parts[1].strip()  # "the system's actuary, Hartwell Actuarial Group": the name the description gives
    s = _strip_article(s)
    toks = s.split()
    if toks and toks[-1][:1].isupper():
        caps = _caps_run(toks)
        if caps and caps[-1] == toks[-1]:
            level = toks[len(toks) - len(caps) - 1] if len(toks) > len(caps) else ""
            s = " ".join(([level] if level in ("state", "city", "county", "federal") else []) + caps)
    parts = _AND_RE.split(s)
    # "CBP and ICE", "the Sheriff's Office and the County Board": two bodies; "Housing and Community Development
    # Department" is one name, its first part no name of its own
    one_name = len(parts) == 2 and " " not in parts[0] and " " in parts[1] and _is_org_word(parts[1].split()[-1])
    if len(parts) > 1 and all(p[:1].isupper() for p in parts) and not one_name:
        resolved = []
        for part in parts:
            full = _resolve_alias(ctx, part, pos)
            if s.lower() in full.lower():  # "Prevention" found "Centers for Disease Control and Prevention": one name
                if len(full) > len(s):
                    return full
                full = part
            resolved.append(full)
        return " and ".join(resolved)
    return _resolve_alias(ctx, s, pos)


_OWNER_OF_DOC_RE = re.compile(
    r"^(?:the\s+)?(?P<owner>[A-Z].*?)['\u2019]s?\s+(?:[\w-]+\s+){0,3}?(?P<doc>[a-z]+)(?=\s|$|[,.;])"
)
_AT_PLACE_TAIL_RE = re.compile(
    r"(?<=[a-z])\s+at\s+(?:the\s+)?[A-Z][\w.'\u2019&-]*(?:\s+(?:of\s+)?[A-Z][\w.'\u2019&-]*)*$"
)
_OF_ITS_TAIL_RE = re.compile(r"\s+(?:of|on|about)\s+(?:its|their|his|her)\s+.*$")
_PERSON_OF_RE = re.compile(r"^(.+?)\s+(?:of|from|at|with)\s+(?:the\s+)?[A-Z].*$")
_WHOSE_ORG_RE = re.compile(
    r"^whose\s+(?:group|organization|organisation|agency|company|union|office|firm|department|"
    r"team|institute|center|centre|association|campaign|coalition)$",
    re.I,
)
_OF_ORG_RE = re.compile(r"\b(?:of|at|from|with)\s+(?:the\s+)?((?:[A-Z][\w&'\u2019-]*\s?)+)$")


_ORG_APPOSITIVE_RE = re.compile(
    r"^(?:a|an|the)\s+(?:[\w'\u2019-]+\s+){0,4}?(?:company|firm|chain|venture|cooperative|contractor|nonprofit|"
    r"group|organization|association|union|agency|coalition|retailer|manufacturer|provider|operator|utility|"
    r"insurer|developer|publisher|network|station|newspaper|institute|center|think\s+tank)\b(?!['\u2019])",
    re.I,
)


def _pick_part(parts: list[str]) -> str:
    for p in parts:
        po = _PERSON_OF_RE.match(p)  # "his lawyer, Megan Castillo of Austin"
        pt = (po.group(1) if po and _looks_personal_name(po.group(1).split()) else p).split()
        if _looks_personal_name(pt):
            return p
        named = _name_after_title(pt)
        if named and len(named.split()) >= 2:
            return p
    return parts[0]


_SENTENCE_START_RE = re.compile(r"(?:[.!?][\"\u201d]?\s+(?=[A-Z\"\u201c])|\n)")
_ACTS_AFTER_RE = re.compile(
    r"(?:,\s\d{1,3},)?(?:,\s(?:a|an|the)\s[^,]{1,80},)?\s+(?:\w+ly\s+)?(?:said|says|told|tells|wrote|writes|has|have|"
    r"had|is|was|cited|argued|claimed|testified|added|noted|estimated|explained|sees|saw|believes|thinks|disputes|"
    r"disagrees|agrees|spoke|speaks)\b"
)
_PERSON_ROLE_WORDS = frozenset(
    "organizer lawyer attorney spokesman spokeswoman spokesperson director chief mother father parent resident "
    "worker nurse doctor teacher farmer owner founder economist professor researcher analyst official officer "
    "manager president chair chairman chairwoman executive commissioner secretary senator representative mayor "
    "governor sheriff judge advocate activist volunteer student retiree veteran".split()
)
_NAME_RUN_RE = re.compile(r"(?:[A-Z][\w.'\u2019-]+\s+){1,4}[A-Z][\w'\u2019-]+")


_LEAD_PERSON_RE = re.compile(
    r"\s*([A-Z][\w'\u2019-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][\w'\u2019-]+){1,2}),\s+(?P<role>(?:a|an|the)\s+[^,]{3,120}|\d{1,3}),"
)


def _person_earlier_in_sentence(ctx: _Ctx, pos: int) -> str | None:
    """The last person named before ``pos`` in its sentence or the one before ("Director Alan Pruitt told the Ledger
    he"), so a pronoun does not jump back to the person of an earlier paragraph."""
    window = ctx.text[max(0, pos - 400) : pos]
    starts = [m.end() for m in _SENTENCE_START_RE.finditer(window)]
    window = window[starts[-2] :] if len(starts) >= 2 else window  # this sentence and the one before
    found: list[tuple[int, str]] = []
    for m in _NAME_RUN_RE.finditer(window):
        acts = _ACTS_AFTER_RE.match(window, m.end())
        if not acts:
            continue
        toks = m.group().split()
        named = _name_after_title(toks)
        if named and len(named.split()) >= 2:
            found.append((m.start(), named))
        elif _looks_personal_name(toks) and (
            m.group() in ctx.people or any(w.lower().strip(",") in _PERSON_ROLE_WORDS for w in acts.group().split())
        ):  # a name with a person's role beside it ("Rosa Delgado-Pike, an organizer with the ..., sees")
            found.append((m.start(), m.group()))
    for person in ctx.people:  # a surname alone: "Calloway has cited a figure: she wrote"
        for m in re.finditer(rf"\b{re.escape(person.split()[-1])}\b", window):
            if _ACTS_AFTER_RE.match(window, m.end()):
                found.append((m.start(), person))
    this_start = (starts[-1] - starts[-2]) if len(starts) >= 2 else (starts[-1] if starts else 0)
    if not any(at >= this_start for at, _ in found):
        # "Tom Reinholt, a grower who farms 640 acres near Wapato, brought in 85 workers, he said": the person the
        # sentence is about, rather than whoever spoke in the sentence before
        lead = _LEAD_PERSON_RE.match(window, this_start)
        if (
            lead
            and _looks_personal_name(lead.group(1).split())
            and lead.group(1).split()[0] not in _LEADING_FUNCTION_WORDS
            and not _ORG_APPOSITIVE_RE.match(lead.group("role"))
        ):
            return _resolve_alias(ctx, lead.group(1), pos)
    return max(found)[1] if found else None


_PERSON_HEADS = _PERSON_NOUNS | _TITLE_WORDS
_THE_TITLE_RE = re.compile(r"the\s+(judge|mayor|governor|sheriff|superintendent|commissioner|senator|chancellor)")


def _speaker_from_np(np: str, ctx: _Ctx, pos: int, subject: str | None = None) -> tuple[str | None, str]:
    """Clean a raw noun phrase into (speaker, class); class: person, org, outlet, doc, doc_outlet, anon, none."""
    np = _norm_ws(np.strip(" ,.;:\"\u201c\u201d'\u2018\u2019"))
    np = _LEAD_TRIM_RE.sub("", np)
    np = _strip_trailing(np).strip(" ,")
    if not np:
        return None, "none"
    low = np.lower()
    if low == "it":  # "..., it found": the body or document whose figures the text has been giving
        subj = subject.get() if isinstance(subject, _LazySubject) else subject
        name = _strip_article(subj) if subj else ""
        if name and _NAME_ONLY_RE.fullmatch(name) and " " in name and any(_is_org_word(w) for w in name.split()):
            # "The American Health Care Association has argued the price is far higher: it estimates ...": the
            # sentence's subject
            return _resolve_alias(ctx, name, pos), "org"
        body = next(
            (
                (name, cls)
                for at, name, cls in reversed(ctx.bodies)
                if pos - 600 < at < pos and not (" " not in name and _is_plural(name.lower()))  # not "Inspectors"
            ),
            None,
        )
        return body if body else (None, "none")
    titled = _THE_TITLE_RE.fullmatch(low)
    if titled:  # "The judge said" after "U.S. District Judge Maria Lopez ruled": the judge named before
        stem = {"governor": "gov", "senator": "sen"}.get(titled.group(1), titled.group(1))  # "Gov.", "Sen."
        found = None
        for tm in _TITLED_NAME_RE.finditer(ctx.text, 0, pos):
            if tm.group().split()[0].lower().startswith(stem) and _looks_personal_name(tm.group(1).split()):
                found = tm.group(1)
        if found:
            return _resolve_alias(ctx, found, pos), "person"
    if low in _PRONOUNS:
        kind = _PRONOUNS[low]
        if kind == "person":
            person = _person_earlier_in_sentence(ctx, pos)
            anon_head = ctx.last_anon.split()[-1].lower() if ctx.last_anon and not person else ""
            if anon_head and not anon_head.endswith(_OTHER_GENDER[low]):
                return ctx.last_anon, "anon"  # "A CMS spokeswoman said ... She said CMS plans to review 500"
            person = person or ctx.last_person
            if person:
                return person, "person"
        if kind == "anon":
            return np, "anon"
        return None, "none"
    np = _TIME_BEFORE_BY_RE.sub("", np)  # "A report last month by the Fiscal Office": the time is not the issuer
    work = _PRONOUN_WORK_RE.match(np)
    if work:  # "Priya Natarajan said her work suggests": hers
        return _speaker_from_np("she" if work.group(1).lower() == "her" else "he", ctx, pos, subject)
    own = _PRONOUN_ORG_RE.match(np)
    if own:
        full = _org_alias(ctx, own.group(1).lower(), pos)
        if full:  # "her office expects": the office named before
            return full, "org"
    np = _PAREN_ABBR_RE.sub("", np)  # "the Bureau of Labor Statistics (BLS)"
    owned = _OWNED_NAME_RE.match(np)
    if owned:
        np = owned.group(1)  # "the department's Bureau of Labor Statistics": the bureau is named
    parts = [p.strip() for p in _COMMA_RE.split(np) if p.strip()]
    parts = [p for p in parts if not _REL_START_RE.match(p)] or parts
    # "Rio Bravo Constructors, the joint venture that won the award": the appositive says it is no person
    # but "Keisha Randall, a utility spokeswoman" is a person
    described_as_org = any(
        _ORG_APPOSITIVE_RE.match(p) and p.split()[-1].lower() not in _PERSON_HEADS for p in parts[1:]
    )
    if len(parts) > 1:
        np = _pick_part(parts)
    np = _NP_CUT_RE.sub("", np).strip(" ,")
    np = _strip_trailing(np).strip(" ,")
    if not np:
        return None, "none"
    po = _PERSON_OF_RE.match(np)
    if po and (_looks_personal_name(po.group(1).split()) or _name_after_title(po.group(1).split())):
        np = po.group(1)
    cls = _classify(np)
    by = _DOC_BY_RE.search(np) if cls != "doc" else None
    if by and any(t.lower().strip(",.") in _DOC_NOUNS for t in np[: by.start()].split()[-2:]):
        cls = "doc"  # "the annual Drug Overdose Fatality Report from the Office of Drug Control Policy": a document
    if cls == "person" and described_as_org:
        return _strip_article(np), "org"
    toks = np.split()
    if cls == "doc":
        sp = _doc_speaker(np, ctx, pos, subject)
        pieces = _AND_RE.split(sp)
        if all(_is_outlet(x.strip()) or x.strip().lower() in _OUTLET_SHORT for x in pieces):
            return sp, "doc_outlet"
        return sp, "doc"
    if cls == "person":
        named = _name_after_title(toks)
        name = _strip_article(named if named else np)
        if len(name.split()) == 1:
            name = _resolve_alias(ctx, name, pos)
        return name, "person"
    if cls in ("anon", "org") and _strip_article(np).lower() in _STUDY_AUTHORS:
        # "Researchers who tracked 212 classrooms found", after "A study by X"; "the auditors estimated"
        issuer = _latest_issuer(ctx, _strip_article(np))
        if issuer:
            return issuer, "doc"
    if cls == "anon":
        if ctx.last_anon and np.lower().startswith("the ") and ctx.last_anon.split()[-1] == toks[-1]:
            return ctx.last_anon, "anon"  # "the aide said" after "A mayoral aide ... told me": the same aide
        return _strip_article(np), "anon"
    if cls == "outlet":
        sp = _strip_article(np)
        if len(sp.split()) == 1:
            sp = _resolve_alias(ctx, sp, pos)
        return sp, "outlet"
    named = _name_after_title(toks)
    if named:
        name = named if len(named.split()) > 1 else _resolve_alias(ctx, named, pos)
        return name, "person"
    if len(toks) == 1 and toks[0][:1].isupper():
        res = _resolve_alias(ctx, toks[0], pos)
        if res != toks[0]:
            return res, ("person" if _looks_personal_name(res.split()) else "org")
        return toks[0], "org"
    sp = _clean_org(np, ctx, pos) if toks[-1][:1].isupper() else _resolve_alias(ctx, _strip_article(np), pos)
    if _is_outlet(sp):
        return sp, "outlet"
    if _looks_personal_name(sp.split()):
        return sp, "person"
    return sp, "org"


def _acceptable_np(np: str, verb_kind: str) -> bool:
    s = _PAREN_ABBR_RE.sub("", _TIME_BEFORE_BY_RE.sub("", _norm_ws(np.strip(" ,.;:"))))
    s = _strip_trailing(_LEAD_TRIM_RE.sub("", s)).strip(" ,")
    if not s:
        return False
    toks = s.split()
    # An appositive may follow the name ("An analysis by Tom Hale, a labor economist at the University of X"):
    # the limit is on each comma-separated part.
    if len(toks) > 30 or max(len(part.split()) for part in _COMMA_RE.split(s)) > 12:
        return False
    low = s.lower()
    if low in _PRONOUNS:
        return _PRONOUNS[low] is not None or low == "it"
    head = toks[-1].lower().strip(",.")
    has_caps = any(t[:1].isupper() for t in toks)
    if not has_caps and not _DET_WIDE_RE.match(low):
        if head not in _PERSON_NOUNS and head not in _DOC_NOUNS and head not in _ORG_WORDS:
            return False
    if verb_kind == "weak" and not has_caps:
        if head in _PERSON_NOUNS and not _DET_RE.match(low):
            return False
        if len(toks) == 1 and head not in _DOC_NOUNS:
            return False
    return True


class _Anchor:
    __slots__ = ("speaker", "cls", "reported", "np_start", "np_end", "pos", "scope_start", "scope_end", "trailing")

    def __init__(self, speaker, cls, reported, np_start, np_end, pos, scope_start, scope_end, trailing):
        self.speaker = speaker
        self.cls = cls
        self.reported = reported
        self.np_start = np_start
        self.np_end = np_end
        self.pos = pos
        self.scope_start = scope_start
        self.scope_end = scope_end
        self.trailing = trailing


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(open, close_end) spans of quotations, curly and straight double quotes."""
    spans: list[tuple[int, int]] = []
    open_at = -1
    straight_open = -1
    n = len(text)
    for m in _QUOTE_CHAR_RE.finditer(text):
        i = m.start()
        ch = m.group()
        if ch == "\u201c":
            if open_at >= 0:
                spans.append((open_at, i))
            open_at = i
        elif ch == "\u201d":
            if open_at >= 0:
                spans.append((open_at, i + 1))
                open_at = -1
        elif ch == '"':
            if straight_open >= 0:
                spans.append((straight_open, i + 1))
                straight_open = -1
            else:
                straight_open = i
        else:  # newline: a paragraph that opens with a quote mark closes the quotation left open before it
            if open_at < 0 and straight_open < 0:
                continue
            j = i
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j] in '\u201c"':
                if open_at >= 0 and text[j] == "\u201c":
                    spans.append((open_at, i))
                    open_at = -1
                if straight_open >= 0 and text[j] == '"':
                    spans.append((straight_open, i))
                    straight_open = -1
    if open_at >= 0:
        spans.append((open_at, n))
    if straight_open >= 0:
        end = text.find("\n", straight_open)
        spans.append((straight_open, n if end < 0 else end))
    spans.sort()
    return spans


_QUOTE_CHAR_RE = re.compile('[\u201c\u201d"\n]')


class _M:
    """A raw mention under construction."""

    __slots__ = (
        "start",
        "end",
        "value",
        "unit",
        "noun",
        "vague",
        "frac",
        "qual",
        "kind",
        "sign",
        "range_role",
        "spelled",
        "noun_direct",
        "drop",
        "base_qual",
        "den",
    )

    def __init__(self, start, end, value, unit, noun="", vague=False, frac=False, spelled=False):
        self.start = start
        self.end = end
        self.value = value
        self.unit = unit
        self.noun = noun
        self.vague = vague
        self.frac = frac
        self.spelled = spelled
        self.qual = None
        self.kind = "level"
        self.sign = 1
        self.range_role = None
        self.noun_direct = bool(noun)
        self.drop = False
        self.base_qual = None
        self.den = None  # the denominator of a rate, "per 10,000"


def _noun_after(text: str, pos: int, limit: int) -> str:
    toks: list[str] = []
    p = pos
    so = _OR_SO_RE.match(text, pos)
    if so:
        p = so.end()  # "another 31,000 or so households"
    for _ in range(5):
        m = _WORD_RE.match(text, p, limit)
        if not m or "\n\n" in m.group():
            break
        w = m.group(1).rstrip(".,")
        lw = w.lower()
        if lw in _STOP_AFTER_NUM:
            break
        if lw in _NOUN_MODIFIERS:
            nxt = _WORD_RE.match(text, m.end(), limit)
            if nxt and nxt.group(1).lower() == "than":
                break
            p = m.end()
            continue
        toks.append(w)
        p = m.end()
        if m.group(1).endswith((",", ".")) or (p < limit and text[p : p + 1] in ",.;:!?)"):
            break
    head = ""
    for i, t in enumerate(toks):
        if _is_plural(t):
            if head and _is_plural(toks[i - 1]) and _VERBISH_NEXT_RE.match(text, p):
                break  # "700 judges carries an average caseload": the second "plural" is the verb
            head = t
    # keep a compound modifier only when it is lowercase and directly before the head ("auto thefts" -> "thefts")
    return head.lower() if not head.isupper() else head


def _find_subject_noun(sent: str, upto: int) -> str:
    """'Shootings fell from 702 to 561' -> 'shootings' (the first plural noun before a change verb); 'the number
    of schools offering free meals rose from 37,000' -> 'schools'."""
    nm = None
    for nm in _NUMBER_OF_RE.finditer(sent, 0, upto):
        pass
    if nm is not None:
        for word in nm.groups():  # "the number of schools", "the number of detention beds"
            if word and _is_plural(word) and word not in _STOP_AFTER_NUM:
                return word
    m = None
    for m in _SUBJ_VERB_RE.finditer(sent, 0, upto):
        pass
    if m is None:
        return ""
    seg = sent[: m.start()]
    b = max(seg.rfind(","), seg.rfind(";"), seg.rfind(" and "), seg.rfind("\u2014"))
    seg = seg[b + 1 :]
    for w in _WORDS_RE.findall(seg):
        if _is_plural(w) and w.lower() not in _STOP_AFTER_NUM:
            return w.lower()
    return ""


_COMPARED_NOUN_RE = re.compile(r"\b(?:fewer|more|additional)\s+([a-z]+)\b")


def _compared_noun(sent: str, upto: int) -> str:
    """'releasing fewer migrants, "somewhere around 2,000 a day"' -> 'migrants'."""
    for m in reversed(list(_COMPARED_NOUN_RE.finditer(sent, 0, upto))):
        if _is_plural(m.group(1)) and m.group(1) not in _STOP_AFTER_NUM:
            return m.group(1)
    return ""


_OR_SO_RE = re.compile(r"\s+or\s+so\b")
_FRONTED_OF_RE = re.compile(
    r"^(?:Of|Among)\s+(?:the\s+|those\s+|these\s+|last\s+year['\u2019]s\s+|its\s+|their\s+)?([a-z]+),"
)
_NUMBER_OF_RE = re.compile(r"\b(?:number|count|total|tally)\s+of\s+([a-z]+)(?:\s+([a-z]+))?\b")
_VERBISH_NEXT_RE = re.compile(r"\s+(?:an?|the|about|more|nearly|roughly|\d)", re.I)
_SUBJ_VERB_RE = re.compile(
    r"\b(?:rose|fell|dropped|climbed|grew|increased|decreased|declined|topped|reached|hit|stood|totaled|totalled|"
    r"jumped|surged|soared|plunged|tumbled|numbered|dipped|slipped|swelled|has\s+climbed|have\s+climbed|"
    r"climbed\s+past|fell\s+to|rose\s+to|accounted\s+for|made\s+up|averaged|averages)\b"
)


def extract(text: str, published: date | None = None) -> list[Candidate]:
    """Candidate numeric claims of ``text``, in text order (callers sort by ``score``)."""
    if not text or not text.strip():
        return []
    masked, cited = _masks(text)
    raw = _find_mentions(text, text.translate(_ASCII_LOWER), masked, cited)
    if not raw:
        return []
    sentences = split_sentences(text)
    starts = [s for s, _ in sentences]
    quotes = _quote_spans(text)
    q_starts = [q[0] for q in quotes]
    ctx = _Ctx(text)
    ctx.sentence_starts = starts
    by_sent: dict[int, list[_M]] = {}
    for mm in raw:
        i = bisect.bisect_right(starts, mm.start) - 1
        by_sent.setdefault(max(i, 0), []).append(mm)
    out: list[Candidate] = []
    quote_speakers: dict[int, tuple[str | None, str]] = {}
    prev_anchors: list[_Anchor] = []
    last_quote: tuple[int, str, str] | None = None
    last_poll_si = -99
    headline_end = _headline_end(text)
    for si, (ss, se) in enumerate(sentences):
        sent = text[ss:se]
        mentions = by_sent.get(si, [])
        if se <= headline_end:
            if mentions:  # "Broadband director pledges build-out as $1.07 billion nears": the paper's summary
                _finish_sentence(text, ss, se, sent, mentions, [], quotes, q_starts, quote_speakers, published, out)
            continue
        surveyed = None
        for sm in (*_SURVEYED_RE.finditer(sent), *_REF_SURVEYED_RE.finditer(sent)):
            # "The union, which represents 1,700 teachers, surveyed its members"; "The coalition surveyed 1,150 campers"
            if sm.re is _REF_SURVEYED_RE:
                head = sm.group("by").split()[-1].lower()
                ref = _resolve_alias(ctx, sm.group("by"), ss) if head in _ORG_WORDS or head in _GROUP_WORDS else ""
                issuer = ref if ref[:1].isupper() else None
            else:
                issuer = _clean_org(sm.group("by"), ctx, ss + sm.start("by"))
            if issuer:
                ctx.speakers.append(("survey", issuer))
                ctx.last_poll, last_poll_si = (issuer, "doc"), si
                surveyed = _Anchor(
                    issuer,
                    "doc",
                    False,
                    ss + sm.start("by"),
                    ss + sm.end("by"),
                    ss + sm.end(),
                    ss + sm.end(),
                    se,
                    False,
                )
        if mentions or _QUOTE_OR_COLON_RE.search(sent):
            poll_before = ctx.last_poll
            anchors = _sentence_anchors(text, ss, se, sent, quotes, mentions, ctx)
            if ctx.last_poll is not poll_before:
                last_poll_si = si
            if surveyed and all(a.speaker == surveyed.speaker for a in anchors if a.speaker):
                # "X surveyed its members in February, and 58% of the 1,140 who responded said ...": the survey's
                anchors.append(surveyed)
            if mentions and any(a.speaker for a in anchors):
                bill = _pending_bill_anchor(sent, ss, se)
                if bill and not any(a.scope_start <= ss and a.pos < bill.scope_end for a in anchors if a.speaker):
                    anchors.append(bill)  # no other speaker's within the bill's clause
            if mentions and not any(a.speaker for a in anchors):
                carried = _carried_anchor(sent, ss, se, mentions, ctx, si - last_poll_si, prev_anchors)
                if carried:
                    anchors = [carried]
        else:
            # "The 61-page report found that staffing fell short.": what a next "At those facilities" goes on with
            doc_subject = _doc_subject_anchor(sent, ss, se, ctx)
            anchors = [doc_subject] if doc_subject else []
            bill = _PENDING_BILL_RE.match(sent)
            if bill:  # "Senate Bill 47, filed last week, would put new hires into a hybrid plan": "the bill" later
                ctx.speakers.append(("bill", _norm_ws(bill.group("np") or bill.group("name"))))
            # keep track of who spoke, for "he said" later: "Rosa Salinas said", "Rosa Salinas, a researcher ..., said"
            for pm in (*_NAME_SAID_RE.finditer(sent), *_NAME_APPOSITIVE_SAID_RE.finditer(sent)):
                if pm.re is _NAME_APPOSITIVE_SAID_RE and _ORG_APPOSITIVE_RE.match(pm.group("role")):
                    continue  # "Rio Bravo Constructors, the joint venture that won the award, said"
                nm = _resolve_alias(ctx, pm.group(1), ss + pm.start())
                if _looks_personal_name(nm.split()):
                    ctx.add_person(nm)
            # and whose documents were named, for "the report" later: "a report by X", "In a report, X said"
            named = None
            for dm in (
                *_DOC_BY_SCAN_RE.finditer(sent),
                *_IN_DOC_SAID_SCAN_RE.finditer(sent),
                *_POSTED_DOC_SCAN_RE.finditer(sent),
                *_SAID_IN_DOC_SCAN_RE.finditer(sent),
            ):
                by, doc = ("by", "doc") if dm.groupdict().get("by") else ("owner", "odoc")
                issuer = _clean_org(dm.group(by), ctx, ss + dm.start(by))
                if issuer and not _WHEN_NAME_RE.fullmatch(issuer):  # not "filed by the end of March"
                    ctx.speakers.append((dm.group(doc).lower(), issuer))
                    named = (issuer, ss + dm.start(by), ss + dm.end(by))
            did = _DID_REVIEW_RE.match(sent)
            if did:  # "The Prairie Ledger reviewed the weekly head counts ...": "the review found" later is its
                issuer = _clean_org(did.group("by"), ctx, ss)
                if issuer[:1].isupper():
                    ctx.speakers.append((_REVIEW_NOUNS[did.group("verb").lower()], issuer))
                    named = (issuer, ss, ss + did.end("by"))
            org_doc = _org_named_doc(sent, ss, ctx)
            if org_doc:
                ctx.speakers.append(org_doc[0])
                named = (org_doc[0][1], *org_doc[1:])
            if named:  # what a next "It found that ..." goes on with
                anchors.append(_Anchor(named[0], "doc", False, named[1], named[2], ss, ss, se, False))
        qi = bisect.bisect_left(q_starts, ss)
        while qi < len(quotes) and quotes[qi][0] < se:
            if qi not in quote_speakers:
                qs, qe = quotes[qi]
                spk = _quote_speaker(text, qs, qe, ss, anchors, prev_anchors, sentences, starts, si, ctx, last_quote)
                quote_speakers[qi] = spk
                if spk[0]:
                    last_quote = (qe, spk[0], spk[1])
            qi += 1
        if mentions:
            _finish_sentence(text, ss, se, sent, mentions, anchors, quotes, q_starts, quote_speakers, published, out)
        lead = _AGED_NAME_RE.match(sent)  # "Tanya Rhodes, 41, who has waited six years, applied": a person
        if lead and (_looks_personal_name(lead.group(1).split()) or " " not in lead.group(1)):
            ctx.add_person(lead.group(1))  # also "Yelitza, a 31-year-old from Venezuela, asked that ..."
        low = sent.translate(_ASCII_LOWER)
        for t in _TITLE_START_RE.finditer(low):
            m = _TITLED_NAME_RE.match(sent, t.start())
            if m and len(m.group(1).split()) >= 2 and _looks_personal_name(m.group(1).split()):
                ctx.add_person(m.group(1))
        for a in anchors:
            if a.cls == "person" and a.speaker:
                ctx.add_person(a.speaker)
            elif a.cls == "anon" and a.speaker and _ONE_PERSON_RE.match(a.speaker):
                ctx.last_anon = a.speaker
            elif a.cls in ("org", "doc") and a.speaker and a.speaker[:1].isupper():
                ctx.bodies.append((a.np_start if a.np_start >= 0 else a.pos, a.speaker, a.cls))
        prev_anchors = anchors
        ctx.prev_end = se
    return _canonical_speakers(out, ctx)


_GENERIC_REF_RE = re.compile(
    r"^(?:(?:its|their|this|that|the)\s+)?(?:(?:state|city|county|federal|local|regional|national)\s+)?"
    r"(?:(?P<mod>[a-z][\w-]*)\s+)?(?P<head>[a-z]+)$"
)
_POSSESSIVE_SPEAKER_RE = re.compile(r"^(?P<owner>.+?)['\u2019]s\s+(?P<rest>[a-z0-9][\w\s-]*)$")
# Adjectives with which a text refers back to something it named ("the annual report", "the new agency"); a noun
# before the head describes something never named ("city payroll records") and is left as written.
_REFERRING_MODIFIERS = frozenset(
    "annual latest new recent final quarterly monthly weekly separate same preliminary internal full original "
    "initial updated earlier previous independent detailed federal state city county local".split()
)
# Heads a body is called by whatever its name's own noun: "the agency" for U.S. Customs and Border Protection.
_STUDY_AUTHORS = frozenset(
    "researchers inspectors auditors investigators examiners authors surveyors actuaries".split()
)
_OUTLET_NOUNS = frozenset("newspaper paper outlet magazine station broadcaster network".split())
_NAMELESS_HEADS = frozenset(
    "agency group organization organisation nonprofit company firm coalition union system utility operator "
    "provider campaign watchdog regulator charity insurer lender project".split()
)
_REFERENT_ORG_HEADS = frozenset(
    (_ORG_WORDS | _GROUP_WORDS | _COMPANY_WORDS | _AGENCY_WORDS | _MORE_ORG_WORDS)
    - {
        "house",
        "senate",
        "congress",
        "police",
        "health",
        "security",
        "news",
        "post",
        "times",
        "state",
        "states",
        "county",
        "city",
        "school",
        "party",
        "government",
        "hall",
        "press",
    }
    | {"nonprofit", "utility", "operator", "provider", "campaign", "team", "panel", "lab", "center", "centre"}
    | {"watchdog", "regulator", "charity", "insurer", "lender", "hospital", "clinic", "college", "university", "school"}
)


def _canonical_speakers(out: list[Candidate], ctx: _Ctx) -> list[Candidate]:
    """One pass over the text's attributions, so every speaker is named as the text first names it: a generic
    reference left unresolved ("the agency", "the group", "the report") becomes the body named last before it, an
    acronym the name it abbreviates wherever the text spells it out, "X's annual report" X, and a name with a title
    before it ("County Assessor Denise Okafor", "Agent Gloria Benavides") the person's name."""
    named: list[tuple[int, str, str]] = []  # (offset, speaker, attribution kind) of named bodies attributed so far
    result = []
    for c in out:
        sp = c.speaker
        if sp:
            new = _canonical_speaker(sp, c, ctx, named)
            if new != sp:
                c = replace(c, speaker=new)
            if any(ch.isupper() for ch in new) and not _looks_personal_name(new.split()) and not _is_outlet(new):
                named.append((c.start, new, c.attribution_kind))
        result.append(c)
    return result


def _canonical_speaker(sp: str, c: Candidate, ctx: _Ctx, named: list[tuple[int, str, str]]) -> str:
    owned = _POSSESSIVE_SPEAKER_RE.match(sp)
    if owned and owned.group("rest").split()[-1].lower() in _DOC_NOUNS:
        sp = owned.group("owner")  # "department's 2025 bridge inventory": the department's
    if _ACRONYM_RE.match(sp):
        return _org_alias(ctx, sp, len(ctx.text)) or sp  # the name spelled out anywhere: "FHWA" before its name
    toks = sp.split()
    if 2 <= len(toks) <= 5 and toks[-1][:1].isupper() and not _looks_personal_name(toks):
        for at, name in ctx.names():
            extra = name[: -len(sp)].split() if name.endswith(" " + sp) else None
            if (
                at < c.start
                and extra
                and len(extra) <= 3
                and all(w[:1].isupper() for w in extra)
                and not _looks_titled(name)
            ):
                return name  # "the Judicial Department" after "Oregon Judicial Department data"
    if len(toks) >= 2 and not _looks_personal_name(toks):
        low = sp.lower() + " "
        for at, name in reversed(ctx.orgs()):
            if at < c.start and name.lower().startswith(low) and name[len(low) :].split()[0] in ("of", "for", "in"):
                return name  # "the U.S. attorney's office" after "the U.S. Attorney's Office for the District of ..."
    if len(toks) >= 3 and all(t[:1].isupper() for t in toks):
        for person in reversed(ctx.people):
            if sp.endswith(" " + person) and not _looks_personal_name(toks):
                return person  # "County Assessor Denise Okafor"
        tail = toks[-2:]
        if _looks_personal_name(tail) and any(t.strip(".").lower() in _TITLE_WORDS for t in toks[:-2]):
            return " ".join(tail)
    generic = _GENERIC_REF_RE.match(sp)
    if not generic:
        return sp
    head, mod = generic.group("head"), generic.group("mod")
    if mod and mod not in _REFERRING_MODIFIERS:
        return sp  # "city payroll records", "county health department": described, not referred back to
    if head in _OUTLET_NOUNS:  # "The newspaper found" after "the Big Sky Dispatch reported"
        return next((name for at, name in reversed(ctx.names()) if at < c.start and _is_outlet(name)), sp)
    if head in _DOC_NOUNS:
        for at, name, kind in reversed(named):
            if at < c.start and kind == "document":
                return name  # "the annual report" after "a report by X": X's
        return sp
    if head not in _REFERENT_ORG_HEADS:
        return sp
    for at, name, _ in reversed(named):
        if at < c.start and head in name.lower().split():
            return name  # "the department" after "the Ohio Department of Health said"
    for at, name in (*reversed(ctx.orgs()), *reversed(ctx.names())):
        if at < c.start and head in name.lower().split() and not _looks_titled(name):
            return name  # "the hospital" after "Mercy Westside Hospital"
    if head not in _NAMELESS_HEADS or mod:
        return sp
    for at, name, _ in reversed(named):
        if at < c.start:
            return name  # "the agency" after "according to U.S. Customs and Border Protection data"
    return _latest_non_person_name(ctx, c.start) or sp


_HEADLINE_RE = re.compile(r"\s*([^\n]{10,160})\n[ \t]*\n")


def _headline_end(text: str) -> int:
    """End of the article's headline: a first line of a few words with no full stop, then a blank line."""
    m = _HEADLINE_RE.match(text)
    if m and not m.group(1).rstrip().endswith((".", "?", "!", '"', "\u201d", ":")) and len(m.group(1).split()) <= 25:
        return m.end(1)
    return -1


_ARTICLE_BEFORE_RE = re.compile(r"\b(?:an?|the|its|their)\s+$", re.I)
_QUOTE_OR_COLON_RE = re.compile(r"[\"\u201c\u201d]|:\s*$")
_DOC_BY_SCAN_RE = re.compile(
    r"\b(?P<doc>report|analysis|study|audit|review|survey|poll|memo|assessment|estimate|note)\b[^,;:]{0,50}?\b(?:by|from)\s+"
    r"(?:the\s+)?(?:[a-z-]+\s+){0,3}?"
    r"(?P<by>[A-Z][\w&'\u2019.-]*(?:\s+(?:(?:of|for|and|on|the|&)\s+)*[A-Z][\w&'\u2019.-]*)*)"
    r"|\b(?:in|from|by)\s+(?:the\s+)?(?P<owner>[A-Z][\w&.-]*(?:\s+(?:(?:of|for|and|on|the|&)\s+)*[A-Z][\w&.-]*)*)"
    r"['\u2019]s?\s+(?:[\w-]+\s+){0,3}?(?P<odoc>report|analysis|study|audit|review|survey|poll|data|figures|inventory)\b"
)
_IN_DOC_SAID_SCAN_RE = re.compile(
    r"^(?:In|Under)\s+(?:a|an|its|their|the)\s+(?:[\w-]+\s+){0,3}?(?P<doc>report|analysis|study|audit|review|memo|"
    r"letter|filing|statement|assessment)\b[^,]{0,40},\s+(?P<by>(?:the\s+)?[A-Z][\w&'\u2019.-]*(?:\s+[A-Z][\w&'\u2019.-]*)*)"
    r"\s+(?:said|says|found|finds|wrote|writes|reported|concluded|estimated)\b"
)
_POSTED_DOC_SCAN_RE = re.compile(
    # also "... drew scrutiny last week when the Office of the State Auditor released a 64-page review"
    r"(?:^|\b(?:when|after|as|since|until|before|and)\s+)(?P<by>(?:[Tt]he\s+)?[A-Z][\w&'\u2019.-]*(?:\s+(?:(?:of|for|and|on|the|&)\s+)*[A-Z][\w&'\u2019.-]*)*)\s+"
    r"(?:posted|released|published|issued|updated|unveiled|put\s+out|filed)\s+(?:its|their|a|an|the)\s+"
    r"(?:[\w-]+\s+){0,3}?(?P<doc>report|dashboard|data|figures|survey|tracker|analysis|audit|study|estimates|budget|"
    r"review)\b"
)
# "a Kansas State University study released in January", "A Minnesota Library Association review": the body whose
# name modifies the document issued it
_ORG_DOC_SCAN_RE = re.compile(
    r"(?:^|\b(?:[Aa]n?|[Tt]he)\s+)(?:(?:new|recent|latest|annual|\d{4})\s+)?"
    r"(?P<by>[A-Z][\w&'\u2019.-]*(?:\s+(?:(?:of|for|and|on|&)\s+)*[A-Z][\w&'\u2019.-]*)*)\s+(?:[a-z-]+\s+)?"
    r"(?P<doc>review|report|study|analysis|audit|survey|poll|assessment)\b"
)
_IN_POLL_BY_START_RE = re.compile(
    r"^(?:In|According\s+to)\s+(?:a|an|the|its)\s+(?:[\w-]+\s+){0,4}?(?P<doc>survey|poll)\s+(?:"
    r"(?:[\w-]+\s+){0,3}?by\s+(?P<by>(?:the\s+)?[A-Z][^,;]{2,80}?)"
    # "In a survey the union conducted in August,"
    r"|(?:that\s+)?(?P<owner>the\s+[a-z]+|[A-Z][^,;]{2,80}?)\s+"
    r"(?:conducted|commissioned|ran|released|published|fielded|carried\s+out)\b[^,;]{0,40}),"
)
_SURVEYED_RE = re.compile(
    r"\b(?P<by>[A-Z][\w&'\u2019.-]*(?:\s+(?:(?:of|for|and|on|the|&)\s+)*[A-Z][\w&'\u2019.-]*)+)(?:,(?:[^,;]|,(?=\d)){1,100},)?\s+"
    r"(?:surveyed|polled)\b"
)
_WHEN_NAME_RE = re.compile(
    rf"(?:{_MONTH_ANY}|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Spring|Summer|Fall|Autumn|Winter)"
    r"(?:\s+\d{1,2})?"
)
_DID_REVIEW_RE = re.compile(
    r"^(?P<by>(?:The\s+)?[A-Z][\w&'\u2019.-]*(?:\s+(?:(?:of|for|and|on|the|&)\s+)*[A-Z][\w&'\u2019.-]*)*)\s+(?:also\s+)?"
    r"(?P<verb>reviewed|analyzed|analysed|examined|audited|studied)\b"
)
_REVIEW_NOUNS = {
    "reviewed": "review",
    "analyzed": "analysis",
    "analysed": "analysis",
    "examined": "review",
    "audited": "audit",
    "studied": "study",
}
_REF_SURVEYED_RE = re.compile(r"^(?P<by>[Tt]he\s+(?:[a-z]+\s+)?[a-z]+)\s+(?:also\s+)?(?:surveyed|polled)\b")
_SAID_IN_DOC_SCAN_RE = re.compile(
    r"\b(?P<by>[A-Z][\w&'\u2019.-]*(?:\s+(?:(?:of|for|and|on|the|&)\s+)*[A-Z][\w&'\u2019.-]*)*)"
    r"(?:,(?:[^,;]|,(?=\d)){1,120},)?\s+"  # "Moody's Ratings, which rates the city's debt Aa2, said in a report"
    r"(?:said|says|found|finds|wrote|writes|reported|concluded|estimated|argued|argues|warned|warns|noted|notes)"
    r"\s+(?:\w+day\s+)?in\s+(?:a|an|its|their)\s+"
    r"(?:[\w-]+\s+){0,3}?(?P<doc>report|analysis|study|audit|review|memo|letter|filing|assessment|survey)\b"
)
_NAME_SAID_RE = re.compile(
    r"\b([A-Z][\w'\u2019.-]+(?: [A-Z][\w'\u2019-]+){0,2}) (?:said|says|told|added|noted|wrote)\b"
)
_NAME_APPOSITIVE_SAID_RE = re.compile(
    r"\b([A-Z][\w'\u2019.-]+(?: [A-Z][\w'\u2019-]+){1,2}), (?P<role>(?:a|an|the) [^.;:\"\u201c\u201d]{1,160}?), "
    r"(?:said|says|told|added|noted|wrote|argued|warned|cautioned)\b"
)


class _LazySubject:
    """The subject of a sentence, computed only when a participle or "its report" needs it."""

    __slots__ = ("args", "value", "done")

    def __init__(self, *args):
        self.args = args
        self.value = None
        self.done = False

    def get(self) -> str | None:
        if not self.done:
            self.value = _subject(*self.args)
            self.done = True
        return self.value


_ANCHOR_START_RE = re.compile(
    r"\b(?:according|by|per|telling|saying|adding|noting|warning|arguing|insisting|explaining|did|does|do|didn|doesn|would|"
    r"wouldn|declined|refused|could|couldn|won|will|not|was|were|been|being|is|are|puts?|pegged|pegs|placed|places|"
    r"said|says|say|told|tells|wrote|writes|added|adds|noted|warned|warns|announced|announces|testified|testifies|"
    r"claimed|argued|argues|stated|acknowledged|acknowledges|confirmed|confirms|insisted|insists|explained|explains|"
    r"estimated|predicted|proposed|disclosed|discloses|revealed|reveals|asserted|asserts|contended|contends|"
    r"conceded|concedes|cautioned|cautions|emphasized|stressed|calculated|recalled|pledged|pledges|promised|"
    r"promises|vowed|vows|reported|claims|reports|estimates|projects|projected|forecasts|notes|lists|finds|counts|"
    r"found|show|shows|showed|listed|counted|recorded|indicated|indicates|suggested|suggests|expects|outlined|"
    r"outlines|lays|laid|seeks|sought|asks|asked|calls|called|call|requests|requested|tallied|documented|concluded|"
    r"concludes|estimate|project|forecast|predict|report|claim|find|calculate|credited|credits|blamed|blames|recommended|recommends|urged|urges|touted|touts|boasted|boasts|"
    r"highlighted|highlights|analyzed|analysed|identified|reviewed|examined|indicate|attributes|attributed|"
    r"classified|classifies|writing)\b"
)


def _subject(sent: str, body_off: int, ctx: _Ctx, pos: int) -> str | None:
    s = sent[body_off:]
    m = _SUBJ_COMMA_RE.match(s)
    if m and len(m.group(1).split()) <= 6:
        np = m.group(1)
    else:
        e = _SUBJ_END_RE.search(s)
        if not e or len(s[: e.start()].split()) > 7:
            return None
        np = s[: e.start()]
    return _speaker_from_np(np, ctx, pos)[0]


_RESPONDENT_NUM_RE = re.compile(
    r"(?:\d\s*(?:%|percent|per\s?cent)|\bhalf\b|\bthirds?\b|\bquarters?\b|\bfifths?\b|\b(?:one|two|three|four|five|"
    r"six|seven|eight|nine|\d+)\s+(?:in|out\s+of)\s+(?:two|three|four|five|six|seven|eight|nine|ten|\d+))",
    re.I,
)
_BY_NAME_AFTER_RE = re.compile(
    r"\s+(?:by|from)\s+(?:the\s+)?[A-Z][\w&'\u2019.-]*(?:\s+(?:(?:of|for|and|on|the|&)\s+)*[A-Z][\w&'\u2019.-]*)*"
)
_DOC_NP_RE = re.compile(
    r"\b(?:an?|the|this|that|its|their)\s+(?:[\u201c\"]?[\w-]+\s+){0,3}?(?:memo|report|proposal|plan|document|study|audit|"
    r"analysis|poll|survey|filing|letter|review|presentation|budget)\b",
    re.I,
)
_COMMA_RE = re.compile(r",(?!\d)")
_INVERSION_VERBS = frozenset(("said", "says", "told", "wrote", "added", "reported"))
_COORD_END_RE = re.compile(r"[a-z],?\s+(?:but|and)\s+(?:(?:also|then|later)\s+)?$")  # "declined to comment but said"
_AGED_NAME_RE = re.compile(
    r"((?:[A-Z][\w.'\u2019-]+\s+){0,3}[A-Z][\w'\u2019-]+),\s(?:\d{1,3},|an?\s+\d{1,3}-year-old\b)"
)
_LEAD_NAME_RE = re.compile(r"((?:[A-Z][\w.'\u2019-]+\s+){1,3}[A-Z][\w'\u2019-]+),\s")
_ROLE_WORDS = _TITLE_WORDS | frozenset("author authors head president expert scholar fellow economist official".split())
_PAREN_ATTRIBUTION_RE = re.compile(
    r"(?:[Tt]he|[Ii]ts|[Tt]heir|[Aa]n?)\s+(?:[\w'\u2019-]+\s+){0,4}?(?:said|says|found|finds|reported|noted|"
    r"estimated|showed|shows|concluded)"
)
_AS_LEAD_RE = re.compile(r"As\s+(?=(?:the\s+)?[A-Z])")
_AS_SAID_TAIL_RE = re.compile(r"(?:\s+(?:in|on|last|this|earlier)\b[^,]{0,30})?,")
_SUBORD_START_RE = re.compile(
    r"(?:though|although|while|because|whereas|if|when|unless|since|as|after|before|even\s+as|even\s+though)\s+(?=[A-Z])"
)
_SUBORD_BOUND_RE = re.compile(
    r",?\s+(?:while|because|although|though|whereas|so|if|when|after|before|since|unless|until|once|where)\s+$"
)


_INSERTED_PP_RE = re.compile(
    r"^(?:in|on|at|during)\s+(?:a|an|its|their|his|her|the)\s+(?:[\w-]+\s+){0,3}?(?:report|statement|interview|letter|"
    r"filing|memo|analysis|speech|testimony|release|review|post|email|news\s+conference|press\s+conference)\b"
    r"|^of\s+(?:the\s+)?[A-Z]"
)
# "A utility supervisor, speaking on condition of anonymity because he was not authorized to ..., said": an aside
_ANONYMITY_ASIDE_RE = re.compile(
    r",\s+(?:speaking|talking)\s+(?:on\s+(?:the\s+)?condition\s+of\s+anonymity|anonymously|privately)\b[^,;]*(?=,\s*$)"
)
_REL_CLAUSE_IN_NP_RE = re.compile(
    r"(?<!,)\s+(?:who|which)\s+(?:was|were|is|are|has|had|have|did|does|spoke|asked|requested)\b"
)
_OBJECT_AFTER_RE = re.compile(
    r"\s+(?!(?:this|last|next)\s+(?:week|month|year|spring|summer|fall|autumn|winter|morning|afternoon|evening)\b)"
    r"(?:a|an|the|this|these|those|his|her|its|their|some|no|\d|\$)\b"
)
_DOC_OF_NP_RE = re.compile(
    r"^(?:[Aa]n?|[Tt]he)\s+(?:[A-Z][\w'\u2019.&-]*\s+)+(?P<doc>analysis|review|survey|study|audit|investigation|examination|"
    r"poll)\s+of\b"
)
_DESCRIBED_PERSON_RE = re.compile(
    r"\b([A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+){1,2}),\s+(?:a|an|the)\s+[^,]*?\b(?:who|whose)\s"
)
_SAID_BOUND_RE = re.compile(r"\b(?:said|says|told|tells|reported|noted|added|wrote|estimated|warned)\b")
_OBJECT_RELATIVE_RE = re.compile(
    r"(?:\d|%|percent|cent|[a-z]{3,})\s+(?P<np>(?:the\s+)?[A-Z][\w.'\u2019&-]*(?:\s+(?:(?:of|for|and|on|the|&)\s+)*"
    r"[A-Z][\w.'\u2019&-]*)*)$"
)
_OBJECT_REL_VERBS = frozenset("says said estimates estimated recommends recommended considers considered calls".split())
_OBJECT_REL_AFTER_RE = re.compile(r"\s+(?:is|are|was|were|would\s+be|will\s+be|should\s+be)\b")
# a reporting verb with a noun phrase for object, then a clause of the article's: "warned of ruin, and in the end"
_NP_OBJECT_CLAUSE_END_RE = re.compile(r"\s+(?:of|about|against)\s+[a-z][a-z\s-]{0,40}?(,\s+(?:and|but)\s|;|:)")
_REDUCED_RELATIVE_NP_RE = re.compile(
    r"(?:a|an|the)\s+(?:(?!(?:by|of|from|at|in|for|with|the)\b)[a-z-]+\s+){1,3}(?:[A-Z]|the\s+[a-z]+$)"
)
_REL_VERB_AFTER_RE = re.compile(
    r"\s+(?:(?:it|they|he|she|we)\s+)?(?:could|would|will|is|was|are|were|has|have|had|may|might|can|costs?)\b"
)
_PARTICIPLE_LEAD_RE = re.compile(
    r"[A-Z][a-z]+(?:ing|ed)\s+(?:to|from|on|in|with|by|at|for|about|the|a|an|its|their|his|her|that|this|these)\b"
)
_NAME_ONLY_RE = re.compile(r"[A-Z][\w&.'\u2019-]*(?:\s+(?:(?:of|for|and|the|&)\s+)*[A-Z][\w&.'\u2019-]*){0,6}")
_APPOSITIVE_REL_RE = re.compile(r"^(?:a|an|the)\s+[^,]*?\b(?:who|whose)\s", re.I)
_PAST_REQUEST_BEFORE_RE = re.compile(
    r"(?:\bhad\s+|\b(?:after|when|before|until|because|since|once)\s+(?:[\w'\u2019-]+\s+){0,5})$", re.I
)
_PERFECT_BEFORE_RE = re.compile(r"\b(?:had|has|have|having|been|to)\s+(?:\w+ly\s+)?$", re.I)
_NUMBER_AFTER_RE = re.compile(
    r"\s+(?:(?:about|nearly|roughly|some|another|more\s+than)\s+)?(?:[$\d]|(?:two|three|four|five|six|seven|eight|"
    r"nine|ten|dozens?|hundreds|thousands)\b)"
)
_INVERSION_BEFORE_RE = re.compile(r"[,\u201d\"]\s*$")


def _clause_start(before: str, body_off: int) -> tuple[int, re.Match | None]:
    """Start of the clause that ends at a reporting verb; a relative pronoun only counts when no comma follows it
    ("a clerk who prosecutors said", but "The memo, which runs 14 pages, also says")."""
    bounds = list(_CLAUSE_BOUND_RE.finditer(before))
    for bm in reversed(bounds):
        if _REL_BOUND_RE.match(bm.group()) and (
            "," in before[bm.end() :] or _RESPONDED_RE.match(before, bm.end())  # "of the 840 who responded said"
        ):
            continue
        if (
            _SAID_BOUND_RE.match(bm.group())
            and _REL_BOUND_RE.search(before, 0, bm.start())
            and "," in before[bm.end() :]
        ):
            continue  # "Ruth Abernathy, the Democrat who wrote the law, said": the verb of a relative clause
        return max(bm.end(), body_off), bm
    return body_off, None


_SUBJECT_WITH_REL_RE = re.compile(
    r"(?P<np>(?:(?:[Aa]n?|[Tt]he|[Oo]ne|[Tt]wo|[Tt]hree|[Ss]everal)\s+(?:[\w'\u2019-]+\s+){0,5}?[a-z]+|[A-Z][a-z]+s))"
    r"\s+(?:who|that)\s+"
    r"[^,;\"\u201c\u201d]{1,120}\s+$"
)
_REL_TAIL_RE = re.compile(r",\s+(?:who|which|whose)\b[^;\"\u201c\u201d]*?,\s*(?:(?:also|then|later|reportedly)\s+)?$")
_REL_BOUND_RE = re.compile(r"(?:that|which|who)\s+$")
_RESPONDED_RE = re.compile(r"\s*(?:responded|answered|replied|participated|took\s+part)\s*$")
_COORD_START_RE = re.compile(r"\s*(?:and|but)\s", re.I)
_COORD_BEFORE_RE = re.compile(r",\s*(?:and|but)\s+$", re.I)
# "..., said Lorraine Becerra, the authority's chief financial officer.": a name, then its appositive or the end
_INVERTED_NAME_RE = re.compile(
    r"\s+(?:(?:state|federal|county|city|former|acting|interim)\s+)?[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*)*"
    r"\s*(?:,|[.!?\"\u201d]*\s*$)"
)
_INVERSION_NP_RE = re.compile(
    # "said state Sen. Dana Whitcomb": a lowercase level of government or tense before a title
    r"\s+(?:[A-Z]|the\b|a\b|an\b|one\b|two\b|three\b|several\b|another\b|its\b|his\b|her\b"
    r"|(?:state|federal|county|city|former|acting|interim)\s+[A-Z])"
)


def _sentence_anchors(text, ss, se, sent, quotes, mentions, ctx) -> list[_Anchor]:
    anchors: list[_Anchor] = []
    lead_poll = _IN_POLL_BY_START_RE.match(sent)
    if lead_poll:  # "In a survey last fall by the American College of Emergency Physicians, nearly 90% of doctors said"
        by = "by" if lead_poll.group("by") else "owner"
        issuer = _clean_org(lead_poll.group(by), ctx, ss + lead_poll.start(by))
        if issuer:
            ctx.speakers.append((lead_poll.group("doc").lower(), issuer))
            ctx.last_poll = (issuer, "doc")
    dl = _DATELINE_RE.match(sent)
    body_off = dl.end() if dl else 0
    subject = _LazySubject(sent, body_off, ctx, ss)
    m_spans = [(mm.start - ss, mm.end - ss, mm.unit, mm.frac) for mm in mentions]
    low = sent.translate(_ASCII_LOWER)
    end = 0
    for c in _ANCHOR_START_RE.finditer(low):
        if c.start() < end:
            continue
        m = _ANCHOR_RE.match(sent, c.start())
        if m is None:
            continue
        end = m.end()
        if anchors and anchors[-1].speaker:
            _remember(ctx, anchors[-1].speaker)
        g = m.lastgroup
        if g in ("strong", "ambig", "weak"):
            g = "verb"
        a_pos = ss + m.start()
        if g == "passive" and not _in_quote(quotes, a_pos):
            by = _PASSIVE_BY_RE.match(sent, m.end())
            if by:  # "..., it was estimated by the Economic Policy Institute, a research group"
                speaker, cls = _speaker_from_np(by.group("np"), ctx, a_pos, subject)
                if speaker:
                    np_s = ss + by.start("np")
                    anchors.append(_Anchor(speaker, cls, False, np_s, np_s + len(by.group("np")), a_pos, ss, se, True))
            continue
        if g == "neg" or _in_quote(quotes, a_pos):
            continue
        if g == "acc":
            rest = sent[m.end() :]
            by_count = m.group()[:1] in "BbPp"  # "by the agency's count", "per the agency's own data"
            stop = _BY_COUNT_NP_RE.match(rest) if by_count else _ACC_STOP_RE.search(rest)
            np_raw = (rest[: stop.end()] if by_count else rest[: stop.start()]) if stop else rest
            appos = _APPOS_NAME_RE.match(rest, stop.start()) if stop and not by_count else None
            named_by = _DOC_BY_RE.search(np_raw) if appos else None
            if named_by and np_raw.split()[-1].islower() and not _looks_personal_name(appos.group("name").split()):
                # "the annual valuation by the system's actuary, Hartwell Actuarial Group": by the group
                np_raw = rest[: appos.end()]
                np_named = np_raw[: named_by.start("by")] + appos.group("name")
            else:
                np_named = np_raw
            owner = _PRONOUN_OWNER_RE.match(np_raw) if by_count else None
            if owner:  # "By her count": the person the pronoun stands for
                np_raw = np_raw[: owner.end()]
                speaker, cls = _speaker_from_np("she" if owner.group(1).lower() == "her" else "he", ctx, a_pos, subject)
            else:
                speaker, cls = _speaker_from_np(np_named, ctx, a_pos, subject)
            if not speaker:
                continue
            leading = not sent[body_off : m.start()].strip(" ,")
            np_s = ss + m.end()
            scope_start, scope_end = ss, se if leading else a_pos
            if (
                not leading
                and not by_count
                and _COMPARISON_AFTER_RE.match(rest, len(np_raw))
                and not _SAYS_RE.search(rest, len(np_raw))  # "well below the 95% the CDC says is needed": the CDC's
            ):
                scope_end = se  # "..., according to the USDA, down from $234.43 in February 2023"
            if by_count and not leading and rest[len(np_raw) :].strip(' .!?"\u201d'):
                scope_start, scope_end = a_pos, se  # "..., and by the union's estimate 400 jobs were lost"
            anchors.append(_Anchor(speaker, cls, False, np_s, np_s + len(np_raw), a_pos, scope_start, scope_end, True))
            if cls in ("doc", "doc_outlet") and _POLL_WORD_RE.search(np_raw):
                ctx.last_poll = (speaker, cls)  # "according to a survey released Monday by United Nurses"
            continue
        if g == "part":
            subj = subject.get()
            if not subj:
                continue
            cls = "person" if _looks_personal_name(subj.split()) else _classify(subj)
            anchors.append(_Anchor(subj, cls, False, ss, ss, a_pos, ss + m.end(), se, False))
            continue
        vkind = "strong" if (m.group("strong") or g == "put") else ("ambig" if m.group("ambig") else "weak")
        verb = m.group().lower()
        if _ARTICLE_BEFORE_RE.search(sent, max(0, m.start() - 8), m.start()):
            continue  # "an estimated 10 million", "the projected deficit"
        if verb in ("added", "adds", "add") and (
            _PERFECT_BEFORE_RE.search(sent, max(0, m.start() - 12), m.start()) or _NUMBER_AFTER_RE.match(sent, m.end())
        ):
            continue  # "the city had added 160 beds", "added 4,000 officers": an increase, not a remark
        if verb.split()[0] in ("asked", "requested", "sought") and _PAST_REQUEST_BEFORE_RE.search(sent, 0, m.start()):
            continue  # "Sheriff Pruitt had asked for $1.2 million", "after the only bidder asked for": what happened
        before = sent[: m.start()]
        aside = _ANONYMITY_ASIDE_RE.search(before)
        if aside:  # the speaker is what comes before the aside; offsets into ``sent`` stay the same
            before = before[: aside.start()] + ", "
        rt = _REL_TAIL_RE.search(before)
        scope_from = 0
        if rt and _PREP_START_RE.match(before[before.rfind(",", 0, rt.start()) + 1 : rt.start()].strip()):
            # "At the Food Bank, which supplies 310 pantries, the number served climbed ..., said Y": Y's from the
            # main clause on; the relative clause describes the place in the article's voice
            rel_end = _COMMA_RE.search(before, rt.start() + 1)
            scope_from = rel_end.end() if rel_end else 0
            rt = None
        if rt:
            before = before[: rt.start()] + " "
        cstart, bm = _clause_start(before, body_off)
        seg = before[cstart:]
        cuts = [0] + [c.start() + 1 for c in _COMMA_RE.finditer(seg)] + [len(seg) + 1]
        parts = [(cstart + cuts[i], cstart + cuts[i + 1] - 1) for i in range(len(cuts) - 1)]
        run: list[str] = []
        run_start = None
        respondent = False
        subordinate = False
        doc_np_end = None
        for a, b in reversed(parts):
            ps = sent[a:b].strip()
            ps_clean = _strip_trailing(_LEAD_TRIM_RE.sub("", ps)).strip(" ,")
            if not ps_clean:
                continue
            if not run and _PAREN_ATTRIBUTION_RE.fullmatch(ps_clean):
                break  # "The busiest 250 prescribers, the report found, wrote ...": that aside is the attribution
            as_lead = _AS_LEAD_RE.match(ps) if not run and a <= body_off + 1 else None
            if as_lead and _AS_SAID_TAIL_RE.match(sent, m.end()):
                # "As the Atlanta Journal-Constitution reported in June, at least three other hospitals ...": the
                # main clause is what the speaker said
                run, run_start = (
                    [_strip_trailing(ps[as_lead.end() :]).strip(" ,")],
                    a + sent[a:b].find(ps) + as_lead.end(),
                )
                break
            sub = _SUBORD_START_RE.match(ps) if not run else None
            if sub:  # "..., though Ortega cautioned that": a subordinate clause's speaker speaks only within it
                subordinate = True
                a += sent[a:b].find(ps) + sub.end()
                ps_clean = _strip_trailing(ps[sub.end() :]).strip(" ,")
            if not run and _WHOSE_ORG_RE.match(ps_clean) and a > 1:
                om = _OF_ORG_RE.search(sent, 0, a - 1)
                if om:
                    run = [om.group(1).strip()]
                    run_start = om.start(1)
                    break
            inside = [x for x in m_spans if a <= x[0] < b]
            if _REL_START_RE.match(ps_clean):
                if inside and run:
                    break  # "..., using $1.9 million in relief money, district spokeswoman X said": the figure's
                continue
            dm = _DOC_OF_NP_RE.match(ps_clean) if inside and not run else None
            if dm:  # "A Sentinel analysis of autopsy reports for 58 of last year's 71 deaths found": the figures
                run, run_start = [ps_clean[: dm.end("doc")]], a + sent[a:b].find(ps_clean)  # of the NP are its own
                doc_np_end = ss + run_start + dm.end("doc")
                break
            if (inside or not run) and _APPOSITIVE_REL_RE.match(ps_clean):
                continue  # "Priya Raman, a lawyer who has practiced for 19 years, said": her description, not her claim
            if (
                inside
                and not run
                and _DET_RE.match(ps_clean.lower())
                and not _FINITE_RE.search(ps_clean)
                and _NAME_ONLY_RE.fullmatch(sent[body_off:a].strip(" ,"))
            ):
                # "UnitedHealthcare, the largest carrier with roughly 8.4 million enrollees, said": its description
                continue
            rel = _OBJECT_RELATIVE_RE.search(ps_clean) if inside and not run and verb in _OBJECT_REL_VERBS else None
            if rel and _OBJECT_REL_AFTER_RE.match(sent, m.end()):
                # "well below the 95% the Centers for Disease Control and Prevention says is needed": its figure
                run = [rel.group("np")]
                run_start = a + sent[a:b].find(ps_clean) + rel.start("np")
                break
            if inside:
                if (
                    not run
                    and any(x[2] == "percent" for x in inside)
                    and (_RESPONDENT_NUM_RE.search(ps_clean) or _RESPONDENT_RE.search(ps_clean))
                ):
                    respondent = True
                    run_start = a
                    break
                if (
                    all(x[2] == "count" for x in inside)
                    and _ANON_DET.match(ps_clean)
                    and len(ps_clean.split()) <= 8
                    and not _FINITE_RE.search(ps_clean)
                    and _classify(ps_clean) == "anon"
                ):
                    run.insert(0, ps_clean)
                    run_start = a
                    continue
                break
            if not run and ps_clean.lower() == "it" and not (bm and _SAID_BOUND_RE.match(bm.group())):
                # "It shows enrollment has fallen", "..., it found"; but in "the OIG said it had reviewed" "it" is
                # the OIG, whose anchor already covers the clause
                # "..., it found": the body or document last given figures
                run, run_start = ["it"], a + sent[a:b].lower().rfind("it")
                break
            if not run and _INSERTED_PP_RE.match(ps_clean) and a > cstart:
                continue  # "X, in a 68-page report released Thursday, found", "X, 58, of Rio Seco County said"
            if _PREP_START_RE.match(ps_clean) or _FINITE_RE.search(ps_clean) or _PARTICIPLE_LEAD_RE.match(ps_clean):
                break  # also "Extrapolating to the full program, the report estimated": an adverbial, no speaker
            last_word = ps_clean.rsplit(None, 1)[-1]
            if not run and last_word.lower() in ("he", "she", "they", "we") and last_word != ps_clean:
                run, run_start = [last_word], b - len(last_word)  # "told the Ledger he expects"
                break
            run.insert(0, ps_clean)
            run_start = a
            if len(run) == 1 and ps_clean.lower() in _PRONOUNS:
                break  # "..., counties and cities, she said": nothing before a pronoun belongs to it
        if len(run) >= 2 and bm and _SUBORD_BOUND_RE.match(bm.group()) and run_start == parts[0][0]:
            # "..., compared with 35.3 million in the last year before the pandemic, FTA data show": the first
            # part ends the subordinate clause, it is no appositive of the speaker
            run.pop(0)
            run_start = parts[1][0]
        if respondent and ctx.last_poll:  # "62 percent of respondents said": the poll's
            anchors.append(_Anchor(ctx.last_poll[0], "doc", False, -1, -1, a_pos, ss, se, True))
            continue
        if respondent:
            run, run_start = [], None  # no poll to give it to: "..., said Earl Haskins" may still follow
        # "..., but a far larger share of toll revenue, said Lorraine Becerra": a comma parts no subject from its verb
        after = sent[m.end() :]
        whole_np = (
            bool(run)
            and not sent[cstart:run_start].strip(" ,")
            and not (before.rstrip().endswith(",") and _INVERTED_NAME_RE.match(after))
        )
        if (
            not whole_np
            and not (run and verb in ("told", "tells") and _acceptable_np(", ".join(run), vkind))
            and verb in _INVERSION_VERBS
            and _INVERSION_BEFORE_RE.search(before)
            and _INVERSION_NP_RE.match(after)
        ):
            np_raw = after.rstrip(' .!?;"\u201d')
            rel = _REL_CLAUSE_IN_NP_RE.search(np_raw)
            if rel and "," not in np_raw[: rel.start()]:
                # "said a state official familiar with the talks who was not authorized to discuss them"; not the
                # description of a named speaker ("said Kayla Brennan, 29, a nurse who has worked six years")
                np_raw = np_raw[: rel.start()]
            np_head = _COMMA_RE.split(np_raw)[0]  # "said a city official, who spoke on condition of anonymity"
            clause = not _acceptable_np(np_head, "strong") or _FINITE_RE.search(np_head)
            speaker, cls = (None, "none") if clause else _speaker_from_np(np_raw, ctx, a_pos, subject)
            if speaker:
                np_s = ss + m.end()
                anchors.append(
                    _Anchor(
                        speaker, cls, verb == "reported", np_s, np_s + len(np_raw), a_pos, ss + scope_from, se, True
                    )
                )
            continue
        subj = subject.get() if _COORD_END_RE.search(before) else None
        if subj and not _acceptable_np(subj, vkind):
            subj = None
        if subj:  # "A spokesperson declined to comment but said": the sentence's subject said it
            cls = "person" if _looks_personal_name(subj.split()) else _classify(subj)
            anchors.append(_Anchor(subj, cls, False, ss, ss, a_pos, ss + m.end(), se, False))
            continue
        if not run:
            rel_subj = _SUBJECT_WITH_REL_RE.match(sent, body_off, m.start())
            if rel_subj and rel_subj.group("np").split()[-1].lower() in _PERSON_NOUNS:
                # "A district administrator who was not authorized to speak publicly said": the administrator
                np = rel_subj.group("np")
                speaker, cls = _speaker_from_np(np, ctx, a_pos, subject)
                if speaker:
                    anchors.append(
                        _Anchor(speaker, cls, False, ss + body_off, ss + m.start(), a_pos, ss + m.end(), se, False)
                    )
                continue
            if bm and _THAT_END_RE.search(bm.group()) and not seg.strip():
                dm = None
                for dm in _DOC_NP_RE.finditer(before):
                    pass
                described = dm and dm.start() == body_off and before[: bm.start()].rstrip().endswith(",")
                if dm and not described:  # not "The audit, which examined 26 facilities, found": its description
                    by = _BY_NAME_AFTER_RE.match(before, dm.end())  # "a survey by Rutgers University that found"
                    sp = _doc_speaker(dm.group() + (by.group() if by else ""), ctx, a_pos, subject)
                    anchors.append(
                        _Anchor(sp, "doc", False, ss + dm.start(), ss + dm.end(), a_pos, ss + m.end(), se, False)
                    )
            continue
        if len(run) >= 2 and not _looks_personal_name(run[0].split()) and not _name_after_title(run[0].split()):
            last = run[-1]
            parenthetical = sent[m.end() : m.end() + 1] == ","  # "The Pell County jail, the report said, had"
            clause_tail = not any(w[:1].isupper() for w in run[0].split())
            doc_head = last.split()[-1].lower() in _DOC_NOUNS or " by " in last
            listed = clause_tail and _DET_RE.match(last.lower()) and not _DET_RE.match(run[0].lower())
            # "... 38 counselor and psychologist positions paid for by the ... Grant, KVFN found": the part before the
            # name holds the figure or begins mid-phrase; the clause it belongs to ends at the comma
            figure_first = any(run_start <= x[0] < run_start + len(run[0]) for x in m_spans) or (
                run[0][:1].islower() and not _DET_RE.match(run[0])
            )
            if parenthetical or (clause_tail and doc_head) or last.lower() in _PRONOUNS or listed or figure_first:
                # also "... to firings, buyouts and retirements, an agency spokeswoman said": a list, then the speaker
                # "... commodity and disaster payments last year, an analysis by the EWG found": the part before
                # the speaker ends the reported clause
                run_start = run_start + sent[run_start:].find(last)
                run = [last]
        np_raw = ", ".join(run)
        if not _acceptable_np(np_raw, vkind):
            continue
        speaker, cls = _speaker_from_np(np_raw, ctx, a_pos, subject)
        if not speaker:
            continue
        described = _DET_RE.match(np_raw) and not _FINITE_RE.search(sent, body_off, run_start)
        if cls != "person" and (described or _POSSESSIVE_S_RE.sub("", speaker.split()[-1].lower()) in _ROLE_WORDS):
            # also "Kelsey Marr, a dispatcher for nine years and a steward with AFSCME Local 2148, said": hers
            lead = _LEAD_NAME_RE.match(sent, body_off)
            if lead and lead.end() <= run_start and _looks_personal_name(lead.group(1).split()):
                # "Daniel Reyes, the institute's research director and the analysis's lead author, estimated"
                speaker, cls = _resolve_alias(ctx, lead.group(1), a_pos), "person"
        if vkind == "weak" and cls == "anon" and not _DET_RE.match(np_raw.lower()):
            continue
        mention_after = any(x[0] >= m.end() for x in m_spans)
        mention_before = any(x[1] <= run_start for x in m_spans)
        relative = subordinate or bool(bm and (_REL_BOUND_RE.match(bm.group()) or _SUBORD_BOUND_RE.match(bm.group())))
        takes_object = verb not in ("told", "tells") and _OBJECT_AFTER_RE.match(sent, m.end())
        # "... since 2023, and the city's fiscal watchdog says too much went out the door": a clause of its own
        coordinated = (
            run_start
            and (_COORD_START_RE.match(sent, run_start) or _COORD_BEFORE_RE.search(sent, 0, run_start))
            and after.strip(' .!?"\u201d')[:1] not in ("", ",")
        )
        trailing = bool(
            run_start
            and not coordinated
            # "..., a deal Sheriff Dale Pruitt says could bring in $6 million": his figure is in the relative clause
            and not (_REDUCED_RELATIVE_NP_RE.match(np_raw) and _REL_VERB_AFTER_RE.match(sent, m.end()))
            and not takes_object  # "..., the medical examiner listed a condition": a clause, not an attribution
            and not subordinate  # "..., while Smith said 40 workers quit": Smith's clause only
            and _LETTER_RE.search(sent, body_off, run_start)
            and (sent[:run_start].rstrip().endswith(",") or (mention_before and not mention_after and not relative))
        )
        np_s = ss + run_start
        scope_end = se
        np_object = None if trailing else _NP_OBJECT_CLAUSE_END_RE.match(sent, m.end())
        if np_object:  # "landlords warned of ruin, and in the end the council voted to cap rents at 4%": theirs ends
            scope_end = ss + np_object.end(1)
        anchors.append(
            _Anchor(
                speaker,
                cls,
                "report" in verb,
                np_s,
                doc_np_end or ss + m.start(),
                a_pos,
                ss + scope_from if trailing else (doc_np_end or ss + m.end()),
                scope_end,
                trailing,
            )
        )
        if cls in ("doc", "doc_outlet") and _POLL_WORD_RE.search(np_raw):
            ctx.last_poll = (speaker, cls)
        dm = _IN_DOC_RE.match(sent, m.end())
        if dm and dm.group(1).lower() in _DOC_NOUNS:
            ctx.speakers.append(
                (dm.group(1).lower(), speaker)
            )  # "X estimated in a 38-page analysis": "the analysis" is X's
    lead = _IN_DOC_START_RE.match(sent)
    if lead and lead.group(1).lower() in _DOC_NOUNS:  # "In a report released Monday, the OIG said": the OIG's report
        issuer = next((a.speaker for a in anchors if a.speaker and a.cls in ("person", "org", "outlet")), None)
        if issuer:
            ctx.speakers.append((lead.group(1).lower(), issuer))
            if _POLL_WORD_RE.search(lead.group(1)):
                ctx.last_poll = (issuer, "doc")
    anchors = [b for b in anchors if not _body_reported_by(b, anchors, text)]
    if anchors and anchors[-1].speaker:
        _remember(ctx, anchors[-1].speaker)
    return anchors


_APPOS_NAME_RE = re.compile(rf",\s+(?P<name>{_ORG_NAME_RE.pattern})(?=\s*[,.;]|\s+and\b)")
_THAT_GAP_RE = re.compile(r"\s*(?:that\s+)?")


def _body_reported_by(inner: _Anchor, anchors: list[_Anchor], text: str) -> bool:
    """ "Moreno said the agency expects the increase to draw roughly 400 dentists", "Whitt said her company
    requested 42 workers": editors give the figure to the one who said it, not to the body she speaks of."""
    if inner.cls != "org":
        return False
    if any(
        # "To pay for it, the utility has proposed raising rates 9.5%, said Keisha Randall, a spokeswoman": hers
        outer.trailing and outer.cls == "person" and outer.pos > inner.pos and outer.scope_start <= inner.np_start
        for outer in anchors
    ):
        return True
    if inner.trailing:
        return False
    for outer in anchors:
        if outer is inner or outer.trailing or not outer.speaker:
            continue
        if not (outer.cls == "person" or (outer.cls == "anon" and _PERSON_NOUNS.intersection(outer.speaker.split()))):
            continue  # "Another said the State Department expects": no description to give it to
        gap = _THAT_GAP_RE.match(text, outer.scope_start)
        if outer.scope_start <= inner.np_start and gap.end() == inner.np_start:
            return True
    return False


_LEAD_PHRASE = r"(?:(?:To|In|By|Over|Under|For|With)\s[^,]{1,50},\s+(?=[a-z]))?"  # "To get there, the plan would"
_DOC_SUBJECT_RE = re.compile(
    rf"^{_LEAD_PHRASE}(?:[Tt]he|[Tt]his|[Tt]hat|[Ii]ts|[Tt]heir)\s+(?:[a-z0-9-]+\s+){{0,2}}?(?P<doc>[a-z]+)\b"
    r"(?!\s+(?:said|says))"
)
# "The department's new Strategic Highway Safety Plan, a 96-page document approved this month, sets a target"
_OWNED_DOC_SUBJECT_RE = re.compile(
    rf"^{_LEAD_PHRASE}(?:[Tt]he\s+)?(?P<owner>[\w.&-]+(?:\s+[A-Z][\w.&-]*){{0,5}})['\u2019]s\s+"
    r"(?:[\w-]+\s+){0,5}?(?P<doc>(?i:" + "|".join(sorted(_DOC_NOUNS, key=len, reverse=True)) + r"))\b"
    r"(?:,[^,]{1,100},)?\s+(?!said\b|says\b)[a-z]"
)
# "That was down from 21.1% in the group's third review": the figure before, compared with the same source's
_THAT_WAS_RE = re.compile(r"^(?:That|This)\s+(?:was|is|marks|marked|represents|represented)\s+(?:down|up)\s+from\b")
_IT_FOUND_RE = re.compile(r"^It\s+(?:also\s+)?(?:found|finds|concluded|estimated|showed|shows|counted)\b")
_IT_DOC_SUBJECT_RE = re.compile(
    r"^It\s+(?:also\s+)?(?:calls\s+for|sets|requires|gives|proposes|projects|estimates|finds|says|recommends|"
    r"allocates|directs|steers|targets|would|will|expects|predicts|forecasts|caps|limits|provides|"
    r"found|concluded|estimated|showed|shows|counted)\b"
)
_OF_PHRASE_RE = re.compile(r"\s+of\s+[^,;]*?(?=,|\s+(?:has|have|had|is|was|were|are|found|shows?|showed)\b)")
_NEGATED_RE = re.compile(r"\b(?:does|do|did|could|would)\s+not\b|n['\u2019]t\b", re.I)
_POLL_RESULT_RE = re.compile(
    r"\b(?:support|supported|oppose|opposed|approval|approve|favor|favorable|unfavorable|respondents|surveyed|polled|"
    r"unanimous|independents|Republicans|Democrats|voters|undecided|unsure|among)\b"
)


_UNDER_DOC_RE = re.compile(
    r"^(?:Under|In)\s+(?:(?P<owner>(?:the\s+)?[\w.'\u2019 -]{2,60}?)['\u2019]s?\s+(?:[\w-]+\s+){0,3}?"
    r"(?P<doc>request|plan|proposal|budget|forecast|projections?|estimates?|scenario)"
    # "Under a rate proposal from the Westmoor Board of Public Works,"
    r"|(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?P<doc2>request|plan|proposal|budget|forecast|projections?|estimates?|"
    r"scenario)\s+(?:from|by)\s+(?P<by>(?:the\s+)?[A-Z][^,;]{2,80}?))\s*,"
)
_IN_THE_DOC_RE = re.compile(
    r"^(?:In|From)\s+(?:the|that|this)\s+(?:same\s+|latest\s+|new\s+)?"
    r"(?P<doc>survey|poll|report|study|audit|analysis|review|assessment)\s*,"
)
_CONTINUING_RE = re.compile(r"^(?:Among|Of|At|In|For|From|Across)\s+(?:[\w-]+\s+){0,5}?(?:those|these|them)\b")
_PENDING_BILL_RE = re.compile(
    r"^(?:[A-Z][\w'\u2019 -]{0,40}:\s+)?"  # a newsletter's label: "The pitch: Senate Bill 47 ... would"
    r"(?:(?:In|At)\s+(?:the\s+)?[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*){0,3},\s+)?"  # "In Congress, a bill"
    r"(?:(?:[Aa]n?|One)\s+(?P<np>(?:[\w.'\u2019-]+\s+){0,4}?(?:bill|measure|proposal|amendment|ordinance|resolution|"
    r"legislation))|(?:The\s+)?(?P<name>(?:[A-Z][\w'\u2019-]*\s+){1,6}(?:Act|Bill)(?:\s+\d+)?))\b"
    r"(?:\s+(?:at|in|before)\s+the\s+[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*){0,3})?"  # "at the Legislature"
    r"(?:,[^,]{1,60}(?:,[^,]{1,40})?,)?\s+"  # "Senate Bill 47, filed last week by Sen. Mark Dillard, R-Bowling Green,"
    r"(?:would|will|could|aims\s+to|seeks\s+to|calls\s+for|proposes)\b"
)


def _org_named_doc(sent, ss, ctx: _Ctx, at_start: bool = False):
    """ "a Kansas State University study": (("study", the body), its start, its end), for a body's name only."""
    for dm in _ORG_DOC_SCAN_RE.finditer(sent):
        if at_start and dm.start() > 0:
            break
        words = dm.group("by").split()
        if not (_ACRONYM_RE.match(words[-1]) or any(_is_org_word(w) for w in words)):
            continue  # "a Minnesota study": a place, no issuer
        if _looks_personal_name(words) or _is_outlet(dm.group("by")):
            continue
        issuer = _clean_org(dm.group("by"), ctx, ss + dm.start("by"))
        if issuer and issuer[:1].isupper():
            return (dm.group("doc"), issuer), ss + dm.start("by"), ss + dm.end("by")
    return None


def _carried_anchor(sent, ss, se, mentions, ctx: _Ctx, since_poll: int, prev_anchors=()) -> _Anchor | None:
    """An attribution a sentence without one inherits: its subject is the document named earlier ("The audit
    examined 1,200 timesheets" after "A report by the City Auditor"), or it goes on with the results of the
    poll of the last few sentences ("Support among independents fell 6 points, to 41 percent"); or a pending
    bill is its subject ("A bipartisan Senate bill, S. 2187, would cap ...": the bill's figures, as written)."""
    if _CONTINUING_RE.match(sent) or _IT_DOC_SUBJECT_RE.match(sent) or _THAT_WAS_RE.match(sent):
        # "At those facilities, an average of 27 percent ...", "It also calls for adding 40 troopers": the document
        # of the sentence before goes on
        docs = [a for a in prev_anchors if a.speaker and a.cls in ("doc", "doc_outlet")]
        # "The order leans on a Kansas State University study. It found ...": what finds is the study named last;
        # "The plan, drafted with a consultant's report, ... It also calls for": what calls for is the subject
        doc = (docs[-1] if _IT_FOUND_RE.match(sent) else docs[0]) if docs else None
        if doc:
            return _Anchor(doc.speaker, doc.cls, False, -1, -1, ss, ss, se, True)
    bill = _pending_bill_anchor(sent, ss, se)
    if bill:
        return bill
    org_doc = _org_named_doc(sent, ss, ctx, at_start=True)
    if org_doc:  # "A Minnesota Library Association review released in October compared prices for 250 titles"
        ctx.speakers.append(org_doc[0])
        return _Anchor(org_doc[0][1], "doc", False, org_doc[1], org_doc[2], ss, ss, se, True)
    in_the = _IN_THE_DOC_RE.match(sent)
    if in_the:  # "In the survey, private companies charged a median of $1,890": the survey named earlier
        noun = in_the.group("doc").lower()
        issuer = ctx.last_poll[0] if noun in ("survey", "poll") and ctx.last_poll else _latest_issuer(ctx, noun)
        if issuer:
            return _Anchor(issuer, "doc", False, ss, ss + in_the.end(), ss, ss, se, True)
    under = _UNDER_DOC_RE.match(sent)
    if under:  # "Under the department's budget request, funding would rise to $1.3 billion": the request's
        if under.group("by"):
            owner = _clean_org(under.group("by"), ctx, ss + under.start("by"))
        else:
            owner = _resolve_alias(ctx, _strip_article(under.group("owner")), ss)
        if owner and owner[:1].isupper():
            ctx.speakers.append((under.group("doc") or under.group("doc2"), owner))
            return _Anchor(owner, "doc", False, ss, ss + under.end(), ss, ss, se, True)
    in_doc = _IN_DOC_BODY_RE.match(sent)
    if in_doc and in_doc.group("doc") in _DOC_NOUNS:
        # "In a secret-shopper study released in May, the Saint Louis University School of Public Health had callers
        # contact 150 dental offices": the study's, so its issuer's
        issuer = _clean_org(in_doc.group("by"), ctx, ss + in_doc.start("by"))
        if issuer and issuer[:1].isupper() and not _looks_personal_name(issuer.split()):
            ctx.speakers.append((in_doc.group("doc"), issuer))
            return _Anchor(issuer, "doc", False, ss + in_doc.start("by"), ss + in_doc.end("by"), ss, ss, se, True)
    new_doc = _NEW_DOC_SUBJECT_RE.match(sent) or _NEW_DOC_RELCL_SUBJECT_RE.match(sent)
    if new_doc and new_doc.group("doc").lower() in _DOC_NOUNS:
        # also "A budget request the Department of Social Services sent to lawmakers would raise fees by 25 percent"
        # "A rule finalized by the Environmental Protection Agency in October 2024 gives most systems 10 years":
        # what the document sets or says is its issuer's
        issuer = _clean_org(new_doc.group("by"), ctx, ss + new_doc.start("by"))
        if issuer:
            ctx.speakers.append((new_doc.group("doc").lower(), issuer))
            return _Anchor(issuer, "doc", False, ss, ss + new_doc.end("by"), ss, ss, se, True)
    return _doc_subject_anchor(sent, ss, se, ctx) or _poll_result_anchor(sent, ss, se, mentions, ctx, since_poll)


_IN_DOC_BODY_RE = re.compile(
    r"^In\s+(?:a|an|its|their|the)\s+(?:[\w-]+\s+){0,3}?(?P<doc>[a-z]+)(?![\w-])[^,;]{0,60},\s+"
    r"(?P<by>(?:the\s+)?[A-Z][\w&'\u2019.-]*(?:\s+(?:(?:of|for|and|on|the|&)\s+)*[A-Z][\w&'\u2019.-]*)*)\s+[a-z]"
)
_NEW_DOC_RELCL_SUBJECT_RE = re.compile(
    r"^(?:A|An|The)\s+(?:[\w-]+\s+){0,3}?(?P<doc>[a-z]+)\s+(?:that\s+)?"
    r"(?P<by>(?:the\s+)?(?:(?:state|city|county|federal)\s+)?[A-Z][\w&'\u2019.-]*(?:\s+(?:(?:of|for|and|on|the|&)\s+)*[A-Z][\w&'\u2019.-]*)*)\s+"
    r"(?:sent|released|submitted|published|issued|filed|delivered|presented|prepared|commissioned|drafted|unveiled|"
    r"posted|sends|releases|submits|publishes|issues|files)\b"
)
_NEW_DOC_SUBJECT_RE = re.compile(
    r"^(?:A|An|The)\s+(?:[\w-]+\s+){0,3}?(?P<doc>[a-z]+)\s+(?:[a-z]+ed\s+)?by\s+"
    r"(?P<by>(?:the\s+)?[A-Z][\w&'\u2019.-]*(?:\s+(?:(?:of|for|and|on|the|&)\s+)*[A-Z][\w&'\u2019.-]*)*)"
)


def _pending_bill_anchor(sent, ss, se) -> _Anchor | None:
    """ "A bipartisan Senate bill, S. 2187, would cap ...", "The Patient Safety Act would limit ...": the bill's
    figures, up to the end of the clause ("... by 15 cents \u2014 a change the CBO estimates would cost")."""
    bill = _PENDING_BILL_RE.match(sent)
    if not bill:
        return None
    group = "np" if bill.group("np") else "name"
    stop = _CLAUSE_STOP_RE.search(sent, bill.end())
    return _Anchor(
        _norm_ws(bill.group(group)),
        "doc",
        False,
        ss,
        ss + bill.end(group),
        ss,
        ss,
        ss + stop.start() if stop else se,
        False,
    )


_CLAUSE_STOP_RE = re.compile(r"\s[\u2014\u2013]\s|\s--\s|;")


def _doc_subject_anchor(sent, ss, se, ctx: _Ctx) -> _Anchor | None:
    om = _OWNED_DOC_SUBJECT_RE.match(sent)
    if om and om.group("doc").lower() in _DOC_NOUNS and not _NEGATED_RE.search(sent):
        owner = _resolve_alias(ctx, om.group("owner"), ss)
        # "Brandt's request, $38.6 million, is about 9 percent more": a person's request is described, not cited
        if owner[:1].isupper() and owner.lower() not in _PRONOUNS and owner not in ctx.people:
            ctx.speakers.append((om.group("doc").lower(), owner))
            return _Anchor(owner, "doc", False, ss, ss + om.end("doc"), ss, ss, se, True)
    dm = _DOC_SUBJECT_RE.match(sent)
    if dm and dm.group("doc") in _DOC_NOUNS:
        noun = dm.group("doc")
        issuer = next((res for raw, res in reversed(ctx.speakers) if raw.split() and raw.split()[-1] == noun), None)
        if issuer is None:  # "The audit" after "A report by the Office of the City Auditor": the latest document
            issuer = _latest_issuer(ctx, noun)
        if issuer and issuer.lower() != noun and not _NEGATED_RE.search(sent):
            # "The survey of 1,029 adults, ...": the sample in the subject describes the document, it is not its claim
            of = _OF_PHRASE_RE.match(sent, dm.end())
            np_end = ss + (of.end() if of else dm.end())
            return _Anchor(issuer, "doc", False, ss, np_end, ss, ss, se, True)
    return None


def _poll_result_anchor(sent, ss, se, mentions, ctx: _Ctx, since_poll: int) -> _Anchor | None:
    if (
        ctx.last_poll
        and since_poll <= 3
        and all(mm.unit in ("percent", "percentage_points") for mm in mentions)
        and _POLL_RESULT_RE.search(sent)
    ) or (ctx.last_poll and since_poll == 1 and not _PARAGRAPH_BREAK_RE.match(ctx.text, ctx.prev_end, ss)):
        # "..., the survey found. Nearly 4 in 10 now offer signing bonuses.": the next sentence goes on with it
        return _Anchor(ctx.last_poll[0], "doc", False, -1, -1, ss, ss, se, True)
    return None


def _remember(ctx: _Ctx, speaker: str) -> None:
    key = (speaker.lower(), speaker)
    if key not in ctx.speakers[-4:]:
        ctx.speakers.append(key)


def _in_quote(quotes, pos: int) -> bool:
    for qs, qe in quotes:
        if qs > pos:
            return False
        if qs < pos < qe:
            return True
    return False


def _quote_speaker(text, qs, qe, ss, anchors, prev_anchors, sentences, starts, si, ctx, last_quote):
    """(speaker, class) of the quotation [qs, qe)."""
    if qe - qs > 2:
        ci = bisect.bisect_right(starts, max(qs, qe - 1)) - 1
        ce = sentences[ci][1]
        after = text[qe:ce] if qe < ce else ""
        if not after.strip(" ,") and ci + 1 < len(sentences):
            ns, ne = sentences[ci + 1]
            if text[ns : ns + 1].islower():
                after = text[qe:ne]
        m = _QUOTE_AFTER_RE.match(after)
        if m:
            if m.group("v1"):
                np_raw = after[m.end() :].rstrip(' .!?;"\u201d')
                ok = True
            else:
                np_raw = m.group("np2").strip()
                ok = _acceptable_np(np_raw, "strong") and not (
                    _ANY_DIGIT_RE.search(np_raw) and not _ANON_DET.match(np_raw)
                )
            if ok:
                sp, cls = _speaker_from_np(np_raw, ctx, qe)
                if sp:
                    if cls == "person":
                        ctx.add_person(sp)
                    return sp, cls
    best = None
    for a in anchors:
        if a.speaker and a.pos < qs and a.scope_start <= qs <= a.scope_end:
            if best is None or a.pos > best.pos:
                best = a
    if best:
        return best.speaker, best.cls
    if si > 0 and qs - ss < 3:
        ps, pe = sentences[si - 1]
        if text[ps:pe].rstrip().endswith(":"):
            cand = [a for a in prev_anchors if a.speaker]
            if cand:
                return cand[-1].speaker, cand[-1].cls
    if last_quote and qs - ss < 3 and qs - last_quote[0] < 400:
        return last_quote[1], last_quote[2]
    return None, "none"


_KIND_OF_CLS = {
    "anon": "anonymous",
    "doc": "document",
    "doc_outlet": "reported",
    "outlet": "reported",
    "person": "paraphrase",
    "org": "paraphrase",
}


def _attribution(mm: _M, anchors: list[_Anchor], quotes, q_starts, quote_speakers) -> tuple[str | None, str]:
    pos = mm.start
    qi = bisect.bisect_right(q_starts, pos) - 1
    while qi >= 0:
        qs, qe = quotes[qi]
        if qs < pos < qe:
            sp, cls = quote_speakers.get(qi, (None, "none"))
            if sp:
                if cls in ("anon", "doc", "doc_outlet", "outlet"):
                    return sp, _KIND_OF_CLS[cls]
                return sp, "direct_quote"
            break
        qi -= 1
        if qi >= 0 and quotes[qi][1] < pos - 2000:
            break
    best = None
    best_rank = None
    for a in anchors:
        if not a.speaker or a.np_start <= pos < a.np_end or not (a.scope_start <= pos <= a.scope_end):
            continue
        if a.trailing:
            rank = (1, -abs(a.pos - pos))
        elif a.cls in ("doc", "doc_outlet") and a.pos < pos:
            rank = (2, a.pos)  # "A survey the group conducted found 3 in 10 ..., she said": the survey's figure
        else:
            rank = (0, a.pos)
        if best is None or rank > best_rank:
            best, best_rank = a, rank
    if best is None:
        return None, "own"
    kind = _KIND_OF_CLS.get(best.cls, "paraphrase")
    if best.reported and kind == "paraphrase":
        kind = "reported"
    return best.speaker, kind


_PARTITIVE_AFTER_RE = re.compile(
    r"\s+of\s+(?:them|those|these|(?:the\s+)?\d[\d,]*(?!\s*(?:%|percent)))\b"
)  # "nine of 58"
_SUBJECT_VERB_AFTER_RE = re.compile(
    r"\s+(?:failed|passed|died|closed|quit|left|were|was|had|have|remain|remained|did|received|got|lost|won)\b"
)
_COUNT_BEFORE_RE = re.compile(r"\b(?:of|Of)\s+(?:the\s+)?\d[\d,]*\s+[A-Za-z][\w\s-]{0,60},\s+$")


def _find_mentions(text: str, lower: str, masked: bytearray, cited: set[str]) -> list[_M]:
    out: list[_M] = []
    consumed = 0
    n = len(text)
    for c in _ATOM_START_RE.finditer(lower):
        if c.start() < consumed:
            continue
        m = _ATOM_RE.match(text, c.start())
        if m is None:
            continue
        s, e = m.span()
        g = m.lastgroup
        surf = m.group()
        if masked[s] or (g != "money" and any(masked[s:e])):
            continue
        if g == "money":
            core = _CURRENCY_RE.sub("", surf)
            neg = core.startswith("-")
            val = _parse_number(core.lstrip("-").replace("-", " "))
            if val is None:
                continue
            out.append(_M(s, e, -val if neg else val, "USD"))
            consumed = e
            continue
        if g == "halfa":
            val = _SCALES[surf.split()[-1].lower()] / 2
            suf = _SUFFIX_RE.match(text, e)
            if suf and suf.lastgroup == "usd":
                mm = _M(s, suf.end(), val, "USD")
            else:
                mm = _M(s, e, val, "count", _noun_after(text, e, min(n, e + 80)))
            out.append(mm)
            consumed = mm.end
            continue
        if g == "vague":
            low = surf.lower().split()
            if low[0] in ("tens", "hundreds") and len(low) == 3:
                val = (Decimal(10) if low[0] == "tens" else Decimal(100)) * _SCALES[low[2].rstrip("s")]
            else:
                val = _SCALES[low[0].rstrip("s")]
            of = _OF_NOUN_RE.match(text, e)
            noun, unit = "", "count"
            if of:
                nxt = _WORD_RE.match(text, of.end())
                if nxt and nxt.group(1).lower().rstrip(".,") == "dollars":
                    unit = "USD"
                else:
                    noun = _noun_after(text, of.end(), min(n, of.end() + 80))
            mm = _M(s, e, val, unit, noun, vague=True)
            mm.base_qual = "at_least"
            out.append(mm)
            consumed = e
            continue
        if g == "frac":
            a, b = re.split(r"[\s-]", surf.lower(), maxsplit=1)
            num = 1 if a in ("a", "one") else _SMALL[a]
            if not _frac_ok(text, s, e):
                continue
            out.append(_M(s, e, Decimal(100) * num / _DENOMS[b], "percent", frac=True))
            consumed = e
            continue
        if g == "inn":
            a_s, b_s = re.split(r"\s+(?:in|out\s+of)\s+", surf, flags=re.I)
            a = _parse_number(a_s)
            b = _parse_number(b_s)
            if a is None or b is None or b == 0 or a >= b or b > 1000 or masked[e - 1]:
                continue
            out.append(_M(s, e, Decimal(100) * a / b, "percent", frac=True))
            consumed = e
            continue
        if g == "half":
            if not _frac_ok(text, s, e, half=True):
                continue
            out.append(_M(s, e, Decimal(50), "percent", frac=True))
            consumed = e
            continue
        if g == "mult":
            if not (
                # "costs have tripled", "climbed sevenfold": a change stated as a multiple (but "the doubled dose")
                (surf.lower().endswith(("ed", "fold")) and not _ARTICLE_BEFORE_RE.search(text, max(0, s - 8), s))
                or _MULT_AFTER_RE.match(text, e)
                or _MULT_BEFORE_RE.search(text, max(0, s - 20), s)
            ):
                continue
            out.append(_M(s, e, Decimal(_MULT[surf.lower()]), "ratio"))
            consumed = e
            continue
        # a plain number, digits or words, with an optional scale
        low = surf.lower()
        spelled = not low[0].isdigit()
        first = low.split()[0].split("-")[0]
        val = _parse_number(surf)
        if val is None:
            continue
        has_scale = bool(_HAS_SCALE_RE.search(surf))
        suf = _SUFFIX_RE.match(text, e)
        sg = suf.lastgroup if suf else None
        if sg == "dur" and suf.group("old"):  # "a 34-year-old"
            consumed = suf.end()
            continue
        if (
            sg == "dur"
            and e < n
            and text[e] == "-"
            and (
                _DUR_ADJ_RE.match(text, suf.end() - 1)
                # "a 10-year, $18.6 million contract": one of the noun's descriptors
                or (text[suf.end() : suf.end() + 1] == "," and _ARTICLE_BEFORE_RE.search(text, max(0, s - 8), s))
            )
        ):
            consumed = suf.end()  # "the current two-year budget", "21-day assignments": descriptors
            continue
        if _SUBDAY_RE.match(text, e):
            consumed = e  # hours, minutes, seconds: not in the unit vocabulary
            continue
        tm = _TEMPERATURE_RE.match(text, e)
        if tm and (text[e : e + 1] == "\u00b0" or _TEMPERATURE_BEFORE_RE.search(text, max(0, s - 30), s)):
            consumed = tm.end()  # "a high of 105 degrees"
            continue
        if (
            e < n
            and text[e] == "-"
            and sg not in ("dur", "pct", "pp", "bp", "times")
            and _HYPHEN_WORD_RE.match(text, e)
        ):
            consumed = e  # a hyphenated descriptor: "a 24-page opinion", "a three-judge panel"
            continue
        if (
            spelled
            and first in ("one", "a", "an")
            and not has_scale
            and sg not in ("pct", "pp", "bp", "dur", "times", "usd", "cents")
        ):
            continue
        if spelled and sg is None and _TOP_BEFORE_RE.search(text, max(0, s - 12), s):
            continue
        if spelled and not has_scale and sg is None and _DEFINITE_BEFORE_RE.search(text, max(0, s - 8), s):
            continue  # "the two tallies", "both three": things already counted, no new figure
        if not spelled and not has_scale and "," not in surf and "." not in surf and surf in cited:
            continue  # the number of a section cited earlier ("more 1326 prosecutions")
        if sg == "pp":
            mm = _M(s, suf.end(), val, "percentage_points")
        elif sg == "bp":  # "25 basis points" is a quarter of a percentage point
            mm = _M(s, suf.end(), val / 100, "percentage_points")
        elif sg == "pct":
            mm = _M(s, suf.end(), val, "percent")
        elif sg == "pts":
            if val <= 100 and _PP_CONTEXT_RE.search(text, max(0, s - 300), min(n, e + 120)):
                mm = _M(s, suf.end(), val, "percentage_points")
            else:
                continue
        elif sg == "usd":
            mm = _M(s, suf.end(), val, "USD")
        elif sg == "cents":
            mm = _M(s, suf.end(), val / 100, "USD")
        elif sg == "dur":
            du = suf.group("du").lower()
            if _AGO_RE.match(text, suf.end()) and not (
                _AFTER_RE.match(text, suf.end()) and _DELAY_BEFORE_RE.search(text, max(0, s - 40), s)
            ):  # "two years ago", "Two years after the law passed": time references
                consumed = suf.end()
                continue
            if du.startswith("week"):
                mm = _M(s, suf.end(), val * 7, "days")
            elif du.startswith("decade"):
                mm = _M(s, suf.end(), val * 10, "years")
            else:
                mm = _M(s, suf.end(), val, du if du.endswith("s") else du + "s")
        elif sg == "times":
            mm = _M(s, suf.end(), val, "ratio")
        elif sg == "per":
            den_s = suf.group("per_den").lower()
            den = _parse_number(den_s)
            if not den:
                continue
            noun = suf.group("per_noun") or ""
            plural = _is_plural(noun)
            mm = _M(s, suf.end() if plural else suf.end("per_den"), val / den, "ratio", noun.lower() if plural else "")
            mm.den = den
        else:
            mm = _M(s, e, val, "count", spelled=spelled)
            noun = _noun_after(text, e, min(n, e + 80))
            if not noun and (spelled or val < 1000):
                of = _OF_NOUN_RE.match(text, e)
                if of:
                    noun = _noun_after(text, of.end(), min(n, of.end() + 80))
            mm.noun = noun
            mm.noun_direct = bool(noun)
            if spelled and not has_scale and not noun and not _RANGE_NEXT_RE.match(text, e):
                hm = _HEDGE_RE.search(text, max(0, s - 40), s)
                partitive = val > 1 and _PARTITIVE_AFTER_RE.match(text, e)
                # "Of the 38 properties inspected, nine failed": a part of the count just given
                counted_before = (
                    val > 1
                    and _SUBJECT_VERB_AFTER_RE.match(text, e)
                    and _COUNT_BEFORE_RE.search(text, max(0, s - 90), s)
                )
                # "three caseworkers, down from nine at the start of the year": the other side of a comparison
                compared = val > 1 and _FROM_BEFORE_RE.search(text, max(0, s - 30), s)
                if (not hm or hm.group("h").lower() in ("a", "an")) and not partitive and not counted_before:
                    if not compared:
                        continue  # a bare spelled-out number needs a noun or a hedge ("closer to six")
        out.append(mm)
        consumed = mm.end
    for m in _A_DECADE_RE.finditer(lower):
        if any(masked[m.start() : m.end()]) or _AGO_RE.match(text, m.end()):
            continue
        if any(x.start <= m.start() < x.end for x in out):
            continue
        out.append(_M(m.start(), m.end(), Decimal(10), "years"))
    out.sort(key=lambda x: x.start)
    out = _for_every(text, out)
    for i, mm in enumerate(out):
        if mm.unit == "count" and not mm.noun and _RATE_OF_RE.search(text, max(0, mm.start - 25), mm.start):
            rate = next((x for x in reversed(out[:i]) if x.den and mm.start - x.end < 200), None)
            if rate:
                mm.value, mm.unit, mm.noun, mm.den = mm.value / rate.den, "ratio", rate.noun, rate.den
    _ranges(text, out)
    return out


_RATE_OF_RE = re.compile(r"\brate\s+(?:of|was|is|at)\s+(?:about\s+|roughly\s+|nearly\s+)?$", re.I)
_OF_EVERY_RE = re.compile(r"\b(\w+)\s+(?:out\s+)?of\s+every\s+$", re.I)
_FOR_EVERY_RE = re.compile(r"\b(one|a|an|\d+(?:\.\d+)?)\s+(?:[a-z]+\s+){0,2}?for\s+(?:every|each)\s+$", re.I)


def _for_every(text: str, ms: list[_M]) -> list[_M]:
    """ "one voucher for every 25 applicants" is a ratio, 1/25 with the noun "applicants", as "N per 100,000"."""
    out: list[_M] = []
    for mm in ms:
        of = _OF_EVERY_RE.search(text, max(0, mm.start - 30), mm.start) if mm.unit in ("count", "USD") else None
        numerator = _parse_number(of.group(1)) if of else None
        denominator = _parse_number(text[mm.start : mm.end].split()[0].lstrip("$")) if of else None
        if numerator and denominator and numerator < denominator:
            while out and out[-1].end > of.start():
                out.pop()  # "four of every five dollars": a share, not four and five dollars
            share = _M(of.start(1), mm.end, Decimal(100) * numerator / denominator, "percent", frac=True)
            out.append(share)
            continue
        fm = _FOR_EVERY_RE.search(text, max(0, mm.start - 40), mm.start) if mm.unit == "count" else None
        if fm and mm.value:
            first = fm.group(1).lower()
            numerator = Decimal(1) if first in ("one", "a", "an") else Decimal(first)
            while out and out[-1].end > fm.start():
                out.pop()  # "2 officers for every 1,000 residents": the 2 is the ratio's, not a count
            ratio = _M(fm.start(1), mm.end, numerator / mm.value, "ratio", mm.noun)
            ratio.noun_direct = True
            out.append(ratio)
            continue
        out.append(mm)
    return out


_SUBDAY_RE = re.compile(r"[\s-](?:hours?|minutes?|seconds?|hrs?|mins?)\b", re.I)
# "a high of 105 degrees", "temperatures topped 100 degrees": temperatures, not in the unit vocabulary either
_TEMPERATURE_RE = re.compile(r"\s?(?:\u00b0|degrees?\b)(?:\s?(?:F|C|Fahrenheit|Celsius)\b)?")
_TEMPERATURE_BEFORE_RE = re.compile(r"\b(?:high|low|temperatures?|heat|hit|topped|reached|above|below|of)\s+$", re.I)
_CURRENCY_RE = re.compile(r"^(?:US\s?\$|\$|USD\s?)\s?", re.I)
_HAS_SCALE_RE = re.compile(r"(?i)\b(?:dozen|hundred|thousand|million|billion|trillion)\b")
_DEFINITE_BEFORE_RE = re.compile(r"(?i)\b(?:the|these|those|both)\s+$")
_TOP_BEFORE_RE = re.compile(r"(?i)\b(?:top|first|last)\s+$")
_MULT = {"twice": 2, "double": 2, "triple": 3, "quadruple": 4, "doubled": 2, "tripled": 3, "quadrupled": 4}
_MULT.update({w + "fold": n for n, w in enumerate("two three four five six seven eight nine ten".split(), start=2)})
_MULT_AFTER_RE = re.compile(r"\s+(?:as|the|that|than|what)\b", re.I)
_MULT_BEFORE_RE = re.compile(r"(?:more than|nearly|almost|about|roughly|over|at least|close to|than)\s+$", re.I)
_A_DECADE_RE = re.compile(r"\ba\s+decade\b")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ATOM_START_RE = re.compile(
    r"\$|\bus(?=\s?\$)|\busd\b|(?<![\w.,])\d|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|half|a (?:third|quarter|fifth|half|sixth|tenth|eighth|fourth|dozen|hundred|thousand|million|"
    r"billion|trillion)|tens|hundreds|thousands|millions|billions|dozens|twice|double|triple|quadruple|doubled|tripled|"
    r"quadrupled|twofold|threefold|fourfold|fivefold|sixfold|sevenfold|eightfold|ninefold|tenfold)\b"
)
_FRAC_BEFORE_OK_RE = re.compile(
    r"(?:about|around|roughly|nearly|almost|more\s+than|over|at\s+least|less\s+than|fewer\s+than|just\s+over|"
    r"just\s+under|under|by|than|estimated|some|only|barely|exactly|well\s+over|close\s+to|up\s+to|of|to|"
    r"is|was|are|were|accounted\s+for|account\s+for|makes?\s+up|made\s+up|represents?|represented|comprises?|"
    r"comprised)\s+$",
    re.I,
)
_HALF_BAD_BEFORE_RE = re.compile(r"(?i)(?:first|second|latter|other|back|front|top|bottom|in|one\s+and\s+a)\s+$")
_HALF_BAD_AFTER_RE = re.compile(r"(?i)\s+(?:an?|hour|day|year|century|time|mile|point|dozen|the\s+time)\b")
_FRAC_BAD_AFTER_RE = re.compile(
    r"(?i)\s+(?:century|mile|hour|point|term|time|party|country|round|quarter|of\s+a\s+century)\b"
)
_OF_THE_RE = re.compile(r"\s+(?:of|the)\b")


def _frac_ok(text: str, s: int, e: int, half: bool = False) -> bool:
    before = text[max(0, s - 30) : s]
    if half:
        if _HALF_BAD_BEFORE_RE.search(before) or _HALF_BAD_AFTER_RE.match(text, e):
            return False
        return bool(_OF_THE_RE.match(text, e) or _FRAC_BEFORE_OK_RE.search(before))
    if _FRAC_BAD_AFTER_RE.match(text, e):
        return False
    return bool(
        _OF_THE_RE.match(text, e)
        or _FRAC_BEFORE_OK_RE.search(before)
        or not text[s:e].lower().startswith(("a ", "one "))
    )


_RANGE_SEP_RE = re.compile(r"\s*(?:to|and|-|\u2013)\s*$", re.I)
_BETWEEN_RE = re.compile(r"(?i)between\s+(?:\$)?$")
_FROM_RE = re.compile(r"(?i)\bfrom\s+(?:\$)?$")
_SCALE_END_RE = re.compile(r"(?i)(?:dozen|hundred|thousand|million|billion|trillion|bn|mn|m|k|b)$")
_SCALE_TAIL_RE = re.compile(r"(?i)(thousand|million|billion|trillion|bn|mn|m|k|b)$")


def _ranges(text: str, ms: list[_M]) -> None:
    """'between 20 and 30 percent', '20 to 30 percent', '$2 to $3 billion': unit and scale carried back."""
    for i in range(len(ms) - 1):
        a, b = ms[i], ms[i + 1]
        gap = text[a.end : b.start]
        if len(gap) > 12 or not _RANGE_SEP_RE.fullmatch(gap):
            continue
        before = text[max(0, a.start - 25) : a.start]
        is_between = bool(_BETWEEN_RE.search(before))
        if gap.strip().lower() == "and" and not is_between:
            continue
        if _FROM_RE.search(before):
            continue
        if a.unit == "count" and not a.noun_direct and b.unit != "count":
            a.unit = b.unit
            b_surface = text[b.start : b.end].lower()
            if "week" in b_surface:
                a.value *= 7  # "two to three weeks": days, as the second number
            elif "decade" in b_surface:
                a.value *= 10
            elif "cent" in b_surface and "per" not in b_surface:
                a.value /= 100  # "between 18 and 27 cents"
        if a.unit == b.unit == "USD" and not _SCALE_END_RE.search(text[a.start : a.end]):
            sm = _SCALE_TAIL_RE.search(text[b.start : b.end])
            if sm:
                a.value = a.value * (_SCALES.get(sm.group(1).lower()) or _ABBR_SCALES[sm.group(1).lower()])
        if a.unit == b.unit:
            a.range_role = "low"
            b.range_role = "high"
            if a.unit == "count" and not a.noun and b.noun:
                a.noun = b.noun  # "between 150 and 200 deaths"


def _finish_sentence(text, ss, se, sent, mentions, anchors, quotes, q_starts, quote_speakers, published, out):
    last_noun = ""
    for mm in mentions:  # nouns carried over inside the sentence
        if mm.unit == "count":
            if mm.noun:
                last_noun = mm.noun
            elif last_noun:
                mm.noun = last_noun
            else:
                fronted = _FRONTED_OF_RE.match(sent)  # "Of last year's deaths, the report attributes 19 to suicide"
                mm.noun = (
                    _find_subject_noun(sent, mm.start - ss)
                    or _compared_noun(sent, mm.start - ss)
                    or (fronted.group(1) if fronted and _is_plural(fronted.group(1)) else "")
                )
    times = _times(sent)
    starts = [x.start for x in mentions]
    prev_change_sign = 0
    for idx, mm in enumerate(mentions):
        if mm.unit == "count" and any(a.cls == "anon" and a.np_start <= mm.start < a.np_end for a in anchors):
            continue  # "two DHS officials said": the source's description, not a claim
        before = text[max(ss, mm.start - 100) : mm.start]
        qual = _qualifier(text, mm, before)
        value = mm.value
        if _MINUS_RE.search(before) or (
            mm.start > 1 and text[mm.start - 1] in "-\u2212" and text[mm.start - 2] in " ("
        ):
            value = -abs(value)
        kind = "level"
        if mm.unit == "percent":
            sign = _change_sign(text, mm, before)
            if (
                not sign
                and idx
                and prev_change_sign
                and _LIST_GAP_RE.fullmatch(text, mentions[idx - 1].end, mm.start)
                and not _SHARE_OF_RE.match(text, mm.end)  # "..., and 40 percent of voters agreed": a share
            ):
                sign = prev_change_sign  # "... 9.5 percent on July 1, 8 percent the following July and 7.5 percent"
            if sign:
                kind = "change"
                value = abs(value) * sign
            prev_change_sign = sign
        # forecast: a cue before the figure in the same sentence, or "by <a future date>" right after it
        next_start = starts[idx + 1] - ss if idx + 1 < len(starts) else len(sent)
        future_by = False
        for tm in times:
            t0 = tm.start()
            if t0 < mm.end - ss or t0 > next_start or "," in sent[mm.end - ss : t0]:
                continue
            if _BY_BEFORE_RE.search(sent, max(0, t0 - 25), t0):
                d = _resolve_time(tm, published, future=True)
                if d and published and d > published:
                    future_by = True
        if kind == "level" and not _FROM_BEFORE_RE.search(before) and not _NOW_AFTER_RE.match(text, mm.end):
            if (
                future_by
                or _FORECAST_CUE_RE.search(text, _cue_window_start(text, max(ss, mm.start - 90), mm.start), mm.start)
                or _NEXT_PERIOD_RE.match(text, mm.end, se)  # "$38 million in the year that begins next July"
                or _PLANNED_AFTER_RE.match(text, mm.end, se)  # "1,950 vouchers the authority expects to issue"
                or (  # "A final bump, to $15, will follow on Jan. 1" (but "currently $2.25, will climb")
                    _WILL_AFTER_RE.match(text, mm.end)
                    and not _NOW_BEFORE_RE.search(text, max(ss, mm.start - 20), mm.start)
                )
            ):
                kind = "forecast"
        used: set[int] = set()
        baseline = due = None
        if kind == "change":
            for tm in times:
                if ss + tm.start() < mm.end:
                    continue
                prep = sent[max(0, tm.start() - 30) : tm.start()]
                if _BASELINE_PREP_RE.search(prep) or (tm.lastgroup == "yearago" and "over" in tm.group()):
                    baseline = _resolve_time(tm, published, future=False)
                    used.add(tm.start())
                    break
        if kind in ("forecast", "change"):
            for tm in times:
                if tm.start() in used:
                    continue
                prep = sent[max(0, tm.start() - 25) : tm.start()]
                if _DUE_BEFORE_RE.search(prep) or (tm.lastgroup == "rel" and tm.group().lower().startswith("next")):
                    d = _resolve_time(tm, published, future=True)
                    if d and (published is None or d >= published):
                        due = d
                        used.add(tm.start())
                        break
            if due is None and kind == "forecast":
                if mm.unit in ("years", "months", "days") and published and "within" in before[-12:].lower():
                    due = _due_from_units(published, int(mm.value), mm.unit)
                else:
                    for tm in times:
                        if tm.lastgroup in ("year", "season", "monyear", "endof", "fy"):
                            d = _resolve_time(tm, published, future=True)
                            if d and published and d > published:
                                due = d
                                used.add(tm.start())
                                break
                if due is None and published:
                    wm = _WITHIN_RE.search(sent)
                    if wm:
                        k = _parse_number(wm.group("n")) or Decimal(1)
                        due = _due_from_units(published, int(k), wm.group("u").lower())
        as_of = published
        if kind != "forecast":
            best_dist = None
            for tm in times:
                if tm.start() in used or tm.lastgroup == "asof":
                    continue
                t0 = ss + tm.start()
                if mm.start <= t0 < mm.end:
                    continue
                prep = sent[max(0, tm.start() - 30) : tm.start()]
                if kind == "change" and t0 > mm.start and _BASELINE_PREP_RE.search(prep):
                    continue
                if _SINCE_RE.search(sent, 0, tm.start()) or _DUE_BEFORE_RE.search(prep) and t0 > mm.start:
                    continue
                d = _resolve_time(tm, published, future=False)
                if d is None:
                    continue
                if published and d > published:
                    if tm.lastgroup in ("year", "monyear", "fy", "season", "endof", "midyear"):
                        continue
                    d = published
                dist = mm.start - t0 if t0 < mm.start else t0 - mm.end
                if best_dist is None or dist < best_dist:
                    as_of, best_dist = d, dist
        speaker, akind = _attribution(mm, anchors, quotes, q_starts, quote_speakers)
        if speaker and akind in ("paraphrase", "direct_quote") and not _in_quote(quotes, mm.start):
            desc = _DESCRIBED_PERSON_RE.search(sent, 0, mm.start - ss)
            if desc and "," not in sent[desc.end() : mm.start - ss] and _looks_personal_name(desc.group(1).split()):
                speaker, akind = None, "own"  # "Tom Reinholt, a grower who farms 640 acres, said": his description
        noun = mm.noun if mm.unit in ("count", "ratio") else ""
        value = _clean_value(value)
        out.append(
            Candidate(
                value=value,
                unit=mm.unit,
                counted_noun=noun,
                qualifier=qual,
                kind=kind,
                as_of=as_of,
                baseline_date=baseline if kind == "change" else None,
                due_date=due,
                surface=text[mm.start : mm.end],
                start=mm.start,
                end=mm.end,
                sentence=sent,
                speaker=speaker,
                attribution_kind=akind,
                score=_score(value, mm.unit, noun, qual, kind, speaker, akind, mm.vague),
                vague=mm.vague,
            )
        )


_MINUS_RE = re.compile(r"(?i)(?<!plus or )\bminus\s+$")
_BY_BEFORE_RE = re.compile(r"\b(?:by|until|through|before)\s+(?:the\s+)?$", re.I)
_DUE_BEFORE_RE = re.compile(r"\b(?:by|until|through|before|within)\s+(?:the\s+)?$", re.I)
_NOW_AFTER_RE = re.compile(r"\s+(?:now|currently|today)\b")
_TO_AT_END_RE = re.compile(r"\b(?:to|at)\s+(?:about\s+|roughly\s+|nearly\s+|almost\s+)?$", re.I)
_OF_TO_END_RE = re.compile(r"\b(?:of|to|at|from)\s+(?:about\s+|roughly\s+)?$", re.I)
_THAN_AFTER_RE = re.compile(r"\s*\w+(?:\s+[a-z]+){0,2}?\s+(?:than|over|above|below)\b")  # "37% more acreage than"
_SHARE_OF_RE = re.compile(r"\s+of\b")
_LIST_GAP_RE = re.compile(r"(?:\s+[\w.]+){0,4}?(?:,\s+|\s+and\s+|,\s+and\s+)", re.I)
_ABOVE_RE = re.compile(r"\s+(?:above|below|ahead\s+of|behind)\b")  # "running 14% above pre-pandemic pace"
_COMPARATIVE_RE = re.compile(
    r"\s*(?:larger|higher|bigger|greater|smaller|lower|fewer|more|less)\b"
)  # "18% fewer people"


def _qualifier(text: str, mm: _M, before: str) -> str:
    qual = mm.base_qual
    hm = _HEDGE_RE.search(before, max(0, len(before) - 30))
    if hm:
        h = _norm_ws(hm.group("h").lower())
        q = _HEDGE_MAP.get(h)
        if h == "over" and mm.unit in ("years", "months", "days") and not _OVER_PERIOD_RE.search(before):
            q = None  # "save $1 million over two years": a period, not a bound
        if q:
            qual = q
    if qual is None:
        pm = _POST_HEDGE_RE.match(text, mm.end)
        if pm:
            ph = pm.group("h").lower()
            qual = (
                "at_least"
                if ph.startswith(("or more", "plus", "and"))
                else ("approximate" if ph == "or so" else "at_most")
            )
    if qual is None and mm.range_role:
        qual = "at_least" if mm.range_role == "low" else "at_most"
    if qual is None:
        qual = "approximate" if mm.frac else "exact"
    return qual


def _change_sign(text: str, mm: _M, before: str) -> int:
    cm = _CHANGE_BEFORE_RE.search(before)
    if cm:
        tail = before[cm.start() :]
        if not (_TO_AT_END_RE.search(tail) and " by " not in tail):
            return -1 if cm.group("dec") else 1
    om = _CHANGE_OF_RE.search(before)
    if om:
        return -1 if om.group("dec") else 1
    rm = _RESTATED_CHANGE_RE.search(text, max(0, mm.start - 160), mm.start)
    if rm:
        return -1 if (rm.group("dec") or rm.group("dec2")) else 1
    if _OF_VALUE_AFTER_RE.match(text, mm.end):  # "have lost about 38% of their value"
        vm = _VALUE_VERB_BEFORE_RE.search(before)
        if vm:
            return -1 if vm.group("dec") else 1
    am = _CHANGE_AFTER_RE.match(text, mm.end)
    if am and not _OF_TO_END_RE.search(before[-25:]):
        if am.group("incn"):
            return 1
        if am.group("decn"):
            return -1
        if _THAN_AFTER_RE.match(text, mm.end) or _COMPARATIVE_RE.match(text, mm.end) or _ABOVE_RE.match(text, mm.end):
            return 1 if am.group("incc") else -1
    return 0


_WITHIN_RE = re.compile(
    r"\bwithin\s+(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen)\s+"
    r"(?P<u>years?|months?|weeks?|days?)\b",
    re.I,
)


def _due_from_units(pub: date, n: int, u: str) -> date:
    if u.startswith("year"):
        return _add_years(pub, n)
    if u.startswith("month"):
        return _add_months(pub, n)
    if u.startswith("week"):
        return pub + timedelta(days=7 * n)
    return pub + timedelta(days=n)


_POLICY_NOUNS = frozenset(
    "beds cases people migrants immigrants detainees deportations removals arrests apprehensions encounters "
    "crossings officers agents judges jobs students teachers residents patients deaths homicides shootings "
    "carjackings children voters workers employees troops prisoners inmates refugees asylum families doses "
    "vacancies applicants claims".split()
)


def _score(
    value: Decimal, unit: str, noun: str, qual: str, kind: str, speaker: str | None, akind: str, vague: bool
) -> float:
    """Check-worthiness in [0, 1]: money and shares first, attributed and hedged figures, changes and pledges,
    big numbers; vague quantities and small bare counts last."""
    s = 0.3 + _UNIT_SCORE.get(unit, -0.05)
    if unit == "count" and noun:
        s += 0.05 + (0.05 if noun.lower() in _POLICY_NOUNS else 0.0)
    if speaker:
        s += _AKIND_SCORE.get(akind, 0.0)
    if kind != "level":
        s += 0.1
    if qual != "exact":
        s += 0.03
    if unit in ("USD", "count"):
        av = abs(value)
        if av >= 1000:
            s += 0.05
        if av >= 1_000_000:
            s += 0.05
        if av < 10 and unit == "count":
            s -= 0.1
    if vague:
        s -= 0.2
    return round(max(0.0, min(1.0, s)), 3)


_UNIT_SCORE = {"USD": 0.25, "percent": 0.2, "percentage_points": 0.2, "count": 0.1, "ratio": 0.1}
_AKIND_SCORE = {"direct_quote": 0.15, "paraphrase": 0.15, "reported": 0.1, "anonymous": 0.08, "document": 0.12}
