"""Fixed cases for claims.extraction (pure Python; runs without Django).

    .venv/bin/python -m pytest -p no:django -p no:cacheprovider --noconftest tests/claims/test_extraction.py -q
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from claims.extraction import (
    ATTRIBUTION_KINDS,
    KINDS,
    QUALIFIERS,
    UNITS,
    Candidate,
    extract,
    split_sentences,
)

PUB = date(2024, 3, 15)


def one(text: str, surface: str, published: date | None = PUB) -> Candidate:
    """The candidate whose surface contains ``surface`` (exactly one must)."""
    found = [c for c in extract(text, published) if surface in c.surface or c.surface in surface]
    found = [c for c in found if text.find(surface) < c.end and c.start < text.find(surface) + len(surface)]
    assert len(found) == 1, (surface, [c.surface for c in extract(text, published)])
    return found[0]


def norm(s: str | None) -> str | None:
    if s is None:
        return None
    s = s.replace("\u2019", "'").lower()
    return s[4:] if s.startswith("the ") else s


# --------------------------------------------------------------------------------------------- value and unit

VALUE_UNIT_CASES = [
    # money
    ("The agency must close a $700 million budget deficit.", "$700 million", "700000000", "USD"),
    ("The state closed a deficit of $1.2bn last year.", "$1.2bn", "1200000000", "USD"),
    ("The plan sets aside USD 34.6 million for a crisis line.", "USD 34.6 million", "34600000", "USD"),
    ("Hospitals statewide lost about 6 billion dollars.", "6 billion dollars", "6000000000", "USD"),
    ("Overtime averaged $4.7k per employee.", "$4.7k", "4700", "USD"),
    ("Staff put the gap at $312m a year.", "$312m", "312000000", "USD"),
    ("The cuts would save half a billion dollars.", "half a billion dollars", "500000000", "USD"),
    ("The bill raises the reimbursement by 15 cents.", "15 cents", "0.15", "USD"),
    ("A dose costs $21.", "$21", "21", "USD"),
    # counts with their noun
    ("There are up to 2 million backlogged cases in immigration court.", "2 million", "2000000", "count"),
    ("The agency funds 38,000 beds.", "38,000", "38000", "count"),
    # percent, per cent, percentage points
    ("Support stood at 54 percent in the poll.", "54 percent", "54", "percent"),
    ("Some 28 per cent of Americans want more immigration.", "28 per cent", "28", "percent"),
    ("Republicans were at 89% in the survey.", "89%", "89", "percent"),
    ("The poll has a margin of error of 3.5 percentage points.", "3.5 percentage points", "3.5", "percentage_points"),
    ("In the poll, support among independents fell 6 points.", "6 points", "6", "percentage_points"),
    # durations
    ("The contract runs for three years.", "three years", "3", "years"),
    ("The money could run out within 18 months.", "18 months", "18", "months"),
    ("Sponsors were lined up within 90 days.", "90 days", "90", "days"),
    ("Permits took two weeks to arrive.", "two weeks", "14", "days"),
    ("It was the highest number in nearly a decade.", "a decade", "10", "years"),
    ("The court upheld the 87-month prison sentence.", "87-month", "87", "months"),
    # spelled-out numbers and fractions
    ("The system runs nine hospitals.", "nine", "9", "count"),
    ("Roughly a third of those paroled had a sponsor.", "a third", "33.333333", "percent"),
    ("Nearly two-thirds of those held had no conviction.", "two-thirds", "66.666667", "percent"),
    ("Fewer than one in five applicants won protection.", "one in five", "20", "percent"),
    ("Half of the new spending goes to Medicaid.", "Half", "50", "percent"),
    ("Nine out of 10 of them would have been released.", "Nine out of 10", "90", "percent"),
    ("Three-quarters of the seizures came from citizens.", "Three-quarters", "75", "percent"),
    ("Attorneys dropped tens of thousands of cases.", "tens of thousands", "10000", "count"),
    ("Dozens of landowners signed agreements.", "Dozens", "12", "count"),
    ("The rate is more than twice the national average.", "twice", "2", "ratio"),
    ("The homicide rate was 11.4 per 100,000 residents.", "11.4 per 100,000 residents", "0.000114", "ratio"),
]


@pytest.mark.parametrize("text,surface,value,unit", VALUE_UNIT_CASES, ids=[c[1] for c in VALUE_UNIT_CASES])
def test_value_and_unit(text, surface, value, unit):
    c = one(text, surface)
    assert (c.value, c.unit) == (Decimal(value), unit)
    assert c.unit in UNITS


def test_counts_carry_their_noun():
    assert one("There are up to 2 million backlogged cases in court.", "2 million").counted_noun == "cases"
    assert one("The agency hired 1,300 more Border Patrol agents.", "1,300").counted_noun == "agents"
    assert one("Officials confirmed 23 measles cases.", "23").counted_noun == "cases"


def test_noun_carried_over_from_38000_beds_to_22000():
    text = ("An internal proposal suggests releasing thousands of detainees and cutting detention levels "
            "from 38,000 beds to 22,000.")
    beds = [c for c in extract(text, PUB) if c.unit == "count" and not c.vague]
    assert [(c.surface, c.value, c.counted_noun) for c in beds] == [
        ("38,000", Decimal(38000), "beds"), ("22,000", Decimal(22000), "beds")]


def test_noun_carried_over_from_the_subject():
    c = one("Shootings fell from 702 to 561.", "561")
    assert c.counted_noun == "shootings"


def test_percentage_points_are_not_percent():
    text = "Support rose to 41 percent, an increase of 3 percentage points."
    units = {c.surface: c.unit for c in extract(text, PUB)}
    assert units == {"41 percent": "percent", "3 percentage points": "percentage_points"}


def test_points_outside_a_rate_context_are_not_quantities():
    assert extract("The guard scored 30 points in the game.", PUB) == []


def test_vague_quantities():
    c = one("Attorneys have begun to throw out tens of thousands of cases.", "tens of thousands")
    assert (c.value, c.qualifier, c.vague, c.counted_noun) == (Decimal(10000), "at_least", True, "cases")
    assert one("The agency released thousands of detainees.", "thousands").vague


def test_fractions_are_approximate_unless_hedged():
    assert one("A third of voters agree.", "A third").qualifier == "approximate"
    c = one("A Reuters and Ipsos poll revealed that over half of Americans support it.", "half")
    assert (c.value, c.unit, c.qualifier) == (Decimal(50), "percent", "at_least")


def test_ranges():
    cs = extract("Officials expect between 20 and 30 percent of cases to close.", PUB)
    assert [(c.value, c.unit, c.qualifier) for c in cs] == [
        (Decimal(20), "percent", "at_least"), (Decimal(30), "percent", "at_most")]
    cs = extract("The repairs will cost $2 to $3 billion.", PUB)
    assert [(c.value, c.qualifier) for c in cs] == [(Decimal(2000000000), "at_least"), (Decimal(3000000000), "at_most")]


# --------------------------------------------------------------------------------------------- qualifiers

HEDGE_CASES = [
    ("about", "approximate"),
    ("roughly", "approximate"),
    ("an estimated", "approximate"),
    ("nearly", "nearly"),
    ("almost", "nearly"),
    ("more than", "at_least"),
    ("over", "at_least"),
    ("at least", "at_least"),
    ("up to", "at_most"),
    ("as many as", "at_most"),
    ("no more than", "at_most"),
    ("fewer than", "at_most"),
    ("", "exact"),
]


@pytest.mark.parametrize("hedge,qualifier", HEDGE_CASES, ids=[h or "none" for h, _ in HEDGE_CASES])
def test_hedge_word_sets_the_qualifier(hedge, qualifier):
    text = f"The agency detained {hedge} 4,000 migrants." if hedge else "The agency detained 4,000 migrants."
    c = one(text, "4,000")
    assert c.qualifier == qualifier
    assert c.qualifier in QUALIFIERS


def test_over_a_period_is_not_a_bound():
    assert one("The cuts would save $5 million over two years.", "two years").qualifier == "exact"


# --------------------------------------------------------------------------------------------- kinds and dates

def test_cut_by_62_percent_is_a_negative_change():
    c = one("The priorities have cut ICE book-ins by 62 percent.", "62 percent")
    assert (c.value, c.unit, c.kind, c.baseline_date) == (Decimal(-62), "percent", "change", None)


def test_up_18_percent_from_a_year_earlier():
    c = one("Arrests were up 18% from a year earlier.", "18%")
    assert (c.value, c.kind, c.as_of, c.baseline_date) == (Decimal(18), "change", PUB, date(2023, 3, 15))


def test_change_nouns_and_comparatives():
    assert one("It was a 50% drop from December.", "50%").value == Decimal(-50)
    assert one("It marks a 12 percent increase over 2021.", "12 percent").baseline_date == date(2021, 12, 31)
    assert one("The budget is 2.4% larger than the current one.", "2.4%").kind == "change"
    assert one("Ridership recovered to 62 percent of normal.", "62 percent").kind == "level"
    assert one("Medicaid patients make up 31 per cent of admissions.", "31 per cent").kind == "level"


@pytest.mark.parametrize("text,surface,due", [
    ("The mandate could pardon 1 million people by 2024.", "1 million", date(2024, 12, 31)),
    ("The bureau projects the fund will reach $2 billion by 2026.", "$2 billion", date(2026, 12, 31)),
    ("The department plans to add another 75 judges by the end of next year.", "75", date(2025, 12, 31)),
    ("The company would cut no more than 300 jobs.", "300", None),
])
def test_forecasts_and_pledges(text, surface, due):
    c = one(text, surface)
    assert c.kind == "forecast"
    assert c.due_date == due
    assert c.kind in KINDS


def test_counterfactual_is_not_a_forecast():
    assert one("We could have hired 4,000 teachers.", "4,000").kind == "level"
    assert one("The fund will reach $2 billion, up from $1.35 billion now.", "$1.35 billion").kind == "level"


@pytest.mark.parametrize("text,surface,published,as_of", [
    ("The department removed 142,580 people last year.", "142,580", date(2024, 3, 15), date(2023, 12, 31)),
    ("Detention rose to 39,214 people in March.", "39,214", date(2024, 6, 10), date(2024, 3, 31)),
    ("Detention rose to 39,214 people in March.", "39,214", date(2024, 2, 10), date(2023, 3, 31)),
    ("ICE removed 142,580 people in fiscal 2023.", "142,580", date(2024, 3, 15), date(2023, 9, 30)),
    ("The Border Patrol lists 31,402 agents as of Sept. 30.", "31,402", date(2024, 2, 22), date(2023, 9, 30)),
    ("Enrollment is 48,300 students.", "48,300", date(2024, 3, 15), date(2024, 3, 15)),
    ("Enrollment is 48,300 students.", "48,300", None, None),
])
def test_as_of_from_the_sentence_and_the_published_date(text, surface, published, as_of):
    assert one(text, surface, published).as_of == as_of


def test_by_2024_is_a_due_date_not_an_as_of():
    c = one("The mandate could pardon 1 million people by 2024.", "1 million", date(2022, 6, 24))
    assert (c.kind, c.as_of, c.due_date) == ("forecast", date(2022, 6, 24), date(2024, 12, 31))


# --------------------------------------------------------------------------------------------- attribution

ATTRIBUTION_CASES = [
    # X said
    ("Homeland Security Secretary Alejandro Mayorkas said the agency removed 142,580 people.", "142,580",
     "Alejandro Mayorkas", "paraphrase"),
    # said X
    ("The backlog grew to 3 million cases, said Judge Mimi Tsankov, who leads the judges' union.", "3 million",
     "Mimi Tsankov", "paraphrase"),
    # according to X (a person or organisation)
    ("Book-ins fell 62 percent, according to the Transactional Records Access Clearinghouse.", "62 percent",
     "Transactional Records Access Clearinghouse", "paraphrase"),
    # X told reporters
    ("Mayor Janelle Ruiz told reporters the city hired 250 officers.", "250", "Janelle Ruiz", "paraphrase"),
    # X reported / outlet reporting another outlet
    ("The Washington Examiner reports that there are up to 2 million backlogged cases.", "2 million",
     "Washington Examiner", "reported"),
    ("The Washington Post is reporting a plan. According to the Post, the move would close a $700 million deficit.",
     "$700 million", "Washington Post", "reported"),
    ("Agents recorded 250,000 encounters in December, CBS News reported.", "250,000", "CBS News", "reported"),
    # inside a quotation attributed to X
    ("Police Chief Samuel Ortega spoke on Monday. \u201cWe cleared more than half of our homicides,\u201d "
     "Ortega told reporters.", "half", "Samuel Ortega", "direct_quote"),
    ('"We have about 1,200 children who are not protected," said Dr. Anita Raman, the health officer.', "1,200",
     "Anita Raman", "direct_quote"),
    # a quotation continued in the next sentence
    ('"We are competing for the same people," said Superintendent Maria Delgado. "We had 40 applicants for '
     'every opening."', "40", "Maria Delgado", "direct_quote"),
    # anonymous descriptions
    ("Apprehensions fell to about 124,000 in January, two DHS officials told The Associated Press.", "124,000",
     "two DHS officials", "anonymous"),
    ("\u201cWe are looking at a gap of more than $700 million,\u201d a senior ICE official told reporters.",
     "$700 million", "senior ICE official", "anonymous"),
    ("The plan would admit up to 30,000 migrants a month, according to three people familiar with the talks.",
     "30,000", "three people familiar with the talks", "anonymous"),
    # documents
    ("An internal proposal suggests cutting detention levels from 38,000 beds to 22,000.", "22,000",
     "internal proposal", "document"),
    ("The department has 3,150 sworn officers, city payroll records show.", "3,150", "city payroll records",
     "document"),
    ("A report by the state auditor found the agency paid $4.7k per employee.", "$4.7k", "state auditor",
     "document"),
    ("The Border Patrol's annual report lists 31,402 agents.", "31,402", "Border Patrol", "document"),
    # pronouns resolve to the last person named
    ("Hollis's lawyer, Marion Tate, said her client repaid $180,000. She said he served close to two years.",
     "two years", "Marion Tate", "paraphrase"),
    # none: the article's own voice
    ("The agency currently funds about 38,500 detention beds.", "38,500", None, "own"),
    # attribution verbs beyond "said": credited, recommended
    ("Police Chief Samuel Ortega credited a unit of 60 detectives assigned to gun cases.", "60",
     "Samuel Ortega", "paraphrase"),
    # an appositive between a document's issuer and its verb
    ("A report last month by the Legislative Fiscal Office, the Legislature's nonpartisan budget analyst, found that "
     "the state paid out USD 412 million last season.", "USD 412 million", "Legislative Fiscal Office", "document"),
    ("An analysis by Tom\u00e1s Herrera, a labor economist at the University of Nebraska Omaha, projects that the "
     "increase could eliminate 6,500 jobs.", "6,500", "Tom\u00e1s Herrera", "document"),
    ("A 46-page report released Aug. 22 by the Minnesota Opioid Research Collaborative, based at the University of "
     "Minnesota, found that deaths rose 10 percent.", "10 percent", "Minnesota Opioid Research Collaborative",
     "document"),
    # a figure "the city had added" is not a remark of the city's
    ("Council member Ruth Abernathy said the city had added 160 shelter beds.", "160", "Ruth Abernathy",
     "paraphrase"),
    # "said a city official, who spoke on condition of anonymity"
    ("The council is likely to pare the increase to about $2 million, said a city official, who spoke on condition "
     "of anonymity because budget talks are continuing.", "$2 million", "city official", "anonymous"),
    # "by the agency's count", "per the agency's own data" after the agency was named
    ("Deaths fell, according to data from the Centers for Disease Control and Prevention. By the agency's count, "
     "that is a rate of 22.1 per 100,000 residents.", "22.1", "Centers for Disease Control and Prevention",
     "document"),
    ("Harborview Regional Transit Authority trains ran late. Ridership reached 41 million, per the agency's own data.",
     "41 million", "Harborview Regional Transit Authority", "document"),
    # "City budget documents" names no issuer
    ("City budget documents show Port Alder spent $9.2 million on shelter.", "$9.2 million",
     "city budget documents", "document"),
    # "the results the X released"
    ("Volunteers counted 1,486 people, according to results the Kessler County Continuum of Care released Tuesday.",
     "1,486", "Kessler County Continuum of Care", "document"),
    # a pronoun speaker after a clause with "and"
    ("Commissioner Alana Whitcomb testified. Under a 2021 agreement, three-quarters of the money goes to counties "
     "and cities, she said.", "three-quarters", "Alana Whitcomb", "paraphrase"),
]


# --------------------------------------------------------------------------------------------- name resolution

RESOLUTION_CASES = [
    # an acronym given after the full name, or the full name's initials
    ("Applications at U.S. Citizenship and Immigration Services, or USCIS, piled up. The median wait runs 14.5 "
     "months, USCIS figures show.", "14.5 months", "U.S. Citizenship and Immigration Services"),
    ("Deaths fell 9%, according to the Centers for Disease Control and Prevention. The CDC figures show 1,267 "
     "deaths.", "1,267", "Centers for Disease Control and Prevention"),
    # a distinctive word of the organisation's name
    ("The Kessler County Continuum of Care released its count. The Continuum's report found that 611 people slept "
     "outside.", "611", "Kessler County Continuum of Care"),
    # "the fiscal office" is the Legislative Fiscal Office, not the budget office quoted last
    ("The Legislative Fiscal Office published a review. Costs rose, said a spokesman for the governor's budget "
     "office. The fiscal office's report estimated the state will need $1.5 billion.", "$1.5 billion",
     "Legislative Fiscal Office"),
    # "the department" is the latest department named, with its "of Labor"
    ("The Nebraska Department of Labor announced the raise. About 150,000 workers earn less, according to the "
     "department.", "150,000", "Nebraska Department of Labor"),
    # "the agency" is the latest government body named
    ("The pile at U.S. Citizenship and Immigration Services reached 11.3 million cases, according to data the "
     "agency posted Tuesday.", "11.3 million", "U.S. Citizenship and Immigration Services"),
    # "the report" / "the analysis" are the issuer's, however the document was first described
    ("A 46-page report released Aug. 22 by the Minnesota Opioid Research Collaborative found a rise. Nearly two in "
     "five deaths occurred in Hennepin County, the report found.", "two in five",
     "Minnesota Opioid Research Collaborative"),
    ("The Center for Migration Economics estimated in a 38-page analysis that 1.2 million applicants wait. An "
     "engineer would wait about 50 years, the analysis projected.", "50 years", "Center for Migration Economics"),
    # two organisations stay two
    ("The Texas Tribune obtained records. A review by the Tribune and ProPublica found that three-quarters of "
     "seizures came from citizens.", "three-quarters", "Texas Tribune and ProPublica"),
]


@pytest.mark.parametrize("text,surface,speaker", RESOLUTION_CASES, ids=[c[2] for c in RESOLUTION_CASES])
def test_short_names_resolve_to_the_full_name_first_given(text, surface, speaker):
    assert norm(one(text, surface).speaker) == norm(speaker)


def test_a_sentence_about_the_document_named_before_inherits_its_issuer():
    text = (
        "A report by the Office of the City Auditor found gaps. The audit examined 1,200 timesheets and flagged "
        "six officers. The memo does not say how many of the 38,500 beds are filled."
    )
    assert norm(one(text, "1,200").speaker) == norm("Office of the City Auditor")
    assert one(text, "six").attribution_kind == "document"
    assert one(text, "38,500").speaker is None  # "does not say" attributes nothing


def test_a_poll_sample_in_the_subject_is_not_the_polls_claim():
    text = "A new Reuters/Ipsos poll finds that 54 percent back it. The survey of 1,029 adults, conducted in May, ended."
    assert one(text, "1,029").speaker is None


def test_poll_results_in_later_sentences_stay_the_polls():
    text = (
        "A new Reuters/Ipsos poll finds that 54 percent of voters support the plan. "
        "Support among independents fell 6 points, to 41 percent, while Republicans were nearly unanimous at 89%. "
        "Unemployment rose to 3.9 percent."
    )
    for surface in ("6 points", "41 percent", "89%"):
        assert (one(text, surface).speaker, one(text, surface).attribution_kind) == ("Reuters/Ipsos", "document")
    assert one(text, "3.9 percent").speaker is None  # no poll word: the article's own figure


@pytest.mark.parametrize("text,surface,speaker,kind", ATTRIBUTION_CASES,
                         ids=[f"{c[3]}:{c[1]}" for c in ATTRIBUTION_CASES])
def test_attribution(text, surface, speaker, kind):
    c = one(text, surface)
    assert (norm(c.speaker), c.attribution_kind) == (norm(speaker), kind)
    assert c.attribution_kind in ATTRIBUTION_KINDS


def test_the_number_in_an_anonymous_source_is_not_a_claim():
    text = "Stephen Miller discussed the proposal with ICE, according to 2 DHS officials."
    assert extract(text, PUB) == []
    text = "Two DHS officials said 5,000 detainees could be released."
    assert [c.surface for c in extract(text, PUB)] == ["5,000"]


def test_attribution_at_the_end_covers_the_sentence_but_not_a_relative_clause():
    text = "The poll revealed that over half of Americans support a measure that Donald Trump has promised."
    c = one(text, "half")
    assert c.attribution_kind == "document"
    text = "Average detention rose to 39,214 people in February, according to agency data."
    assert one(text, "39,214").speaker == "agency data"


def test_negated_saying_is_not_an_attribution():
    text = "The memo does not say how many of the 38,500 beds are filled."
    c = one(text, "38,500")
    assert (c.speaker, c.attribution_kind) == (None, "own")


# --------------------------------------------------------------------------------------------- false positives

NON_CLAIMS = [
    "The election was held in 2024.",
    "Those who crossed after Nov. 1, 2020, would be prosecuted.",
    "The hearing is set for April 14 at 6 p.m.",
    "The case went to the 5th Circuit, and she finished 2nd.",
    "Reentering the country is a felony under Section 1326.",
    "Entering without permission is a misdemeanor under Title 8.",
    "The House passed H.R. 2 last May.",
    "Parole is allowed under Section 212(d)(5) of the act.",
    "The 1990s saw fewer prosecutions under 8 U.S.C. 1229a and 87 FR 18078.",
    "Some rules date to the COVID-19 emergency.",
    "The report is at https://example.org/reports/2024/detention-42.",
    "Follow @CBP2024 and #Border2024 for updates.",
    "Call (202) 555-0187 or 1-800-555-0199 for information.",
    "The figures appear on page 14 and on pp. 211-214.",
    "A 34-year-old man was arrested two years ago on Route 66.",
    "The state Senate voted 39-19 to pass Senate Bill 251.",
    "Enrollment data for the 2023-24 school year, case No. 21-2874, are sealed.",
    "Derek Hollis, 51, appeared in a 24-page filing before a three-judge panel.",
    "Voters under 30 were surveyed; one of the officials declined to comment.",
    "Crews work 14-hour shifts and 16 hours straight.",
    "Text 847411 or visit 1400 Market St. for help.",
    "State law (Minn. Stat. 256.043) limits the money; HF 4532 and Neb. Rev. Stat. 48-1203 say more.",
    "Initiative 433 passed in November.",
    "Costs are tracked in the current two-year budget, and crews work 21-day assignments.",
    "The doubled dose was given to patients.",
]


@pytest.mark.parametrize("text", NON_CLAIMS)
def test_no_candidate_for_non_claims(text):
    assert extract(text, PUB) == []


def test_a_section_number_cited_earlier_is_not_a_count():
    text = "The statute is Section 1326. Nobody should be advocating for more 1326 prosecutions."
    assert extract(text, PUB) == []


# --------------------------------------------------------------------------------------------- offsets, API

ALL_TEXTS = [c[0] for c in VALUE_UNIT_CASES] + [c[0] for c in ATTRIBUTION_CASES]


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_offsets_give_back_the_surface(text):
    cands = extract(text, PUB)
    assert cands
    for c in cands:
        assert text[c.start:c.end] == c.surface
        assert c.sentence in text
        assert 0.0 <= c.score <= 1.0
    assert [c.start for c in cands] == sorted(c.start for c in cands)


def test_to_dict_is_json_ready():
    c = one("Arrests were up 18% from a year earlier, Mayor Janelle Ruiz said.", "18%")
    d = c.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["value"] == "18" and d["unit"] == "percent" and d["as_of"] == "2024-03-15"
    assert d["baseline_date"] == "2023-03-15" and d["due_date"] is None
    assert set(d) == {"value", "unit", "counted_noun", "qualifier", "kind", "as_of", "baseline_date", "due_date",
                      "surface", "start", "end", "sentence", "speaker", "attribution_kind", "score", "vague"}
    assert one("a $700 million deficit", "$700 million").to_dict()["value"] == "700000000"


def test_score_ranks_attributed_money_above_a_vague_count():
    text = ("Dozens of landowners signed agreements. The governor said the operation cost more than "
            "$11 billion.")
    cands = sorted(extract(text, PUB), key=lambda c: c.score, reverse=True)
    assert cands[0].surface == "$11 billion"
    assert cands[-1].surface == "Dozens"


def test_empty_and_numberless_texts():
    assert extract("", PUB) == []
    assert extract("No figures here at all.", PUB) == []


def test_split_sentences_handles_abbreviations_and_quotes():
    text = ('Gov. Hal Benton said the U.S. Border Patrol needs help. "We cannot wait," he said. '
            "The state spent $11 billion.\n\nSt. Brigid Health lost $86.2 million.")
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Gov. Hal Benton said the U.S. Border Patrol needs help.",
        '"We cannot wait," he said.',
        "The state spent $11 billion.",
        "St. Brigid Health lost $86.2 million.",
    ]


# --------------------------------------------------------------------------------------------- later additions


def test_a_penalty_or_delay_with_a_hyphen_is_still_a_duration():
    c = one("A federal appeals court upheld the 87-month prison sentence.", "87-month")
    assert (c.value, c.unit) == (Decimal(87), "months")


def test_a_delay_after_an_event_is_a_duration_and_a_time_after_one_is_not():
    text = "Reimbursements now arrive 18 to 24 months after a fire is out. Two years after the law passed, crime fell."
    assert [(c.surface, c.value, c.unit, c.qualifier) for c in extract(text, PUB)] == [
        ("18", Decimal(18), "months", "at_least"),
        ("24 months", Decimal(24), "months", "at_most"),
    ]


def test_a_range_of_spelled_out_numbers():
    found = extract("Renewals now take seven to nine months.", PUB)
    assert [(c.surface, c.value, c.unit, c.qualifier) for c in found] == [
        ("seven", Decimal(7), "months", "at_least"),
        ("nine months", Decimal(9), "months", "at_most"),
    ]


def test_multiplied_is_a_ratio():
    c = one("Suppression costs have roughly tripled since 2014.", "tripled")
    assert (c.value, c.unit, c.qualifier) == (Decimal(3), "ratio", "approximate")


def test_percent_more_than_is_a_change():
    c = one("That is 37% more acreage than had burned by this point last summer.", "37%")
    assert (c.kind, c.value) == ("change", Decimal(37))


@pytest.mark.parametrize("text,surface", [
    ("The council is likely to pare the increase to about $2 million.", "$2 million"),
    ("The department is on pace to spend about $13 million this fiscal year.", "$13 million"),
    ("A final bump, to $15, will follow on Jan. 1, 2026.", "$15"),
])
def test_more_forecast_cues(text, surface):
    assert one(text, surface).kind == "forecast"


@pytest.mark.parametrize("text,surface,noun", [
    ("Data show the number of schools offering free meals rose from 37,000 in 2019.", "37,000", "schools"),
    ("The plan would prevent between 150 and 200 deaths a year.", "150", "deaths"),
    ('The agency was releasing fewer migrants, "somewhere around 2,000 a day."', "2,000", "migrants"),
    ("She said each of the roughly 700 judges carries an average caseload.", "700", "judges"),
])
def test_more_counted_nouns(text, surface, noun):
    assert one(text, surface).counted_noun == noun


def test_basis_points_are_hundredths_of_a_percentage_point():
    c = one("The Fed raised its benchmark rate by 25 basis points.", "25 basis points")
    assert (c.value, c.unit) == (Decimal("0.25"), "percentage_points")


@pytest.mark.parametrize("text,surface,speaker,kind", [
    ("Officials estimate that the agency faces a deficit of $38 million in the fiscal year that begins next July.",
     "$38 million", "officials", "anonymous"),
    ("Data released by the Education Department in June show the average borrower owes $37,853.", "$37,853",
     "Education Department", "document"),
    ("The Office of Inspector General (OIG) reviewed clinics. In a report released Monday, the OIG said some were "
     "late. At those sites, the report said, the typical wait was 41 days.", "41 days",
     "Office of Inspector General", "document"),
    ("Marlene Ostrander, the secretary of the Department of Veterans Affairs (VA), pledged to bring the average wait "
     "down to 20 days.", "20 days", "Marlene Ostrander", "paraphrase"),
    ("About 60 people rallied at 1240 Lakeside Ave. The Harborview Transit Riders Union said in a statement that the "
     "increase would cost a commuter roughly $250 a year.", "$250", "Harborview Transit Riders Union", "paraphrase"),
    ("Buses carried 28.6 million trips, compared with 35.3 million in the last year before the pandemic, Federal "
     "Transit Administration data show.", "35.3 million", "Federal Transit Administration", "document"),
    ("Daniel Reyes, the institute's research director and the analysis's lead author, estimated that it takes a "
     "household about eight years to repay.", "eight years", "Daniel Reyes", "paraphrase"),
])
def test_more_attribution_shapes(text, surface, speaker, kind):
    c = one(text, surface)
    assert (norm(c.speaker), c.attribution_kind) == (norm(speaker), kind)


def test_figures_of_round_two():
    text = "Veterans can reach the line by dialing 988. Nearly 1 in 3 refugees admitted last year were under 18."
    assert [c.surface for c in extract(text, PUB)] == ["1 in 3"]
    found = extract("Members wait two to three weeks for approval.", PUB)
    assert [(c.value, c.unit) for c in found] == [(Decimal(14), "days"), (Decimal(21), "days")]
    fares = extract("The base fare, currently $2.25, will climb to $2.75 on Jan. 5.", PUB)
    assert [(c.surface, c.kind) for c in fares] == [("$2.25", "level"), ("$2.75", "forecast")]
    deficit = one("The agency faces a deficit of $38 million in the fiscal year that begins next July.", "$38 million")
    assert deficit.kind == "forecast"
    text = ("The union said the increase would cost a commuter $250 a year, and that nearly 2 in 5 riders do not own "
            "a car.")
    assert (one(text, "$250").kind, one(text, "2 in 5").kind) == ("forecast", "level")


def test_a_title_case_headline_is_no_organisation_name():
    text = (
        "ICE Threatened This Release If Republicans Didn't Cave On Senate Foreign Aid Bill\n\n"
        "The Washington Post report indicates the move responds to the failure of a $118 billion aid bill. "
        "The report comes just one day after the vote."
    )
    found = extract(text, PUB)
    assert [(c.surface, c.speaker) for c in found] == [("$118 billion", "Washington Post")]


@pytest.mark.parametrize("text,surface,speaker", [
    # an acronym in parentheses, a possessive before a named bureau
    ("The Labor Department said prices rose. On a year-over-year basis, the index was up 3.1%, according to the "
     "department's Bureau of Labor Statistics (BLS).", "3.1%", "Bureau of Labor Statistics"),
    # a capitalised department is itself, not the department quoted before
    ("The Labor Department said prices rose 0.4%. Retail sales rose 1.4% in March, Commerce Department figures "
     "released Wednesday showed.", "1.4%", "Commerce Department"),
    # "the company" is the latest company named; a bare name its full form
    ("At Calder Home Furnishings, an Ohio-based chain, the squeeze is showing. Revenue rose 5.2%, the company said. "
     "Calder now expects earnings of $2.10 a share, it said.", "5.2%", "Calder Home Furnishings"),
    ("At Calder Home Furnishings, an Ohio-based chain, the squeeze is showing. Calder now expects earnings of $2.10 "
     "a share.", "$2.10", "Calder Home Furnishings"),
    # a participle after the document, an acronym after the issuer
    ("A survey of member companies by the National Association of Home Retailers (NAHR), published Tuesday in a "
     "22-page report, found that 71% had raised prices.", "71%", "National Association of Home Retailers"),
    # a tracker is a document; a subordinate clause's "found" is no attribution
    ("At least 20.4 million people have been disenrolled, according to KFF's unwinding tracker. Roughly 69% of them "
     "lost coverage for procedural reasons, rather than because a state found them ineligible, the tracker shows.",
     "69%", "KFF"),
    # "told the newsletter" after the subject, with an age in between
    ("Uncompensated care reached $18.7 million, Tom Albrecht, 58, the hospital's chief financial officer, told the "
     "newsletter.", "$18.7 million", "Tom Albrecht"),
    # emphatic "do", a possessive document, rosters a department provided
    ("Crime data published by the Port Alden Police Department show 1,184 crimes. The department's figures do show "
     "612 violent crimes in that stretch.", "612", "Port Alden Police Department"),
    ("The Port Alden Police Department was asked. Personnel rosters the police department provided to the Ledger "
     "show 548 sworn officers.", "548", "Port Alden Police Department"),
    # the pronoun is the one who acts in the sentence
    ("Renee Calloway spoke first. Budget Director Alan Pruitt told the Ledger he expects a gap of $44.8 million.",
     "$44.8 million", "Alan Pruitt"),
    ("Council member Renee Calloway said crime rose. Budget Director Alan Pruitt said the city is short. Calloway has "
     "cited a different figure before: she wrote in a June op-ed that the city faced a $38 million deficit.",
     "$38 million", "Renee Calloway"),
    ('"It is a lottery," said Rachel Okafor, an immigration attorney. Some who drew Judge Dennis Whitlock, she said, '
     "waited more than four years.", "four years", "Rachel Okafor"),
    # a coordinated verb takes the sentence's subject
    ("A Justice Department spokesperson declined to comment on the findings but said in an emailed statement that "
     "the department has hired more than 200 immigration judges.", "200", "Justice Department spokesperson"),
    # a document's complement, "for next fiscal year"
    ("The Justice Department runs the courts. The department's budget request for next fiscal year projects that "
     "the hires will shrink the backlog by 15 percent.", "15 percent", "Justice Department"),
])
def test_attribution_shapes_of_round_three(text, surface, speaker):
    c = one(text, surface)
    assert norm(c.speaker) == norm(speaker)


def test_figures_of_round_three():
    c = one("That works out to about one voucher for every 25 applicants.", "one voucher for every 25")
    assert (c.value, c.unit, c.counted_noun) == (Decimal("0.04"), "ratio", "applicants")
    c = one("48,612 households applied for the roughly 1,950 vouchers the authority expects to issue this year.", "1,950")
    assert c.kind == "forecast"
    c = one("The fair market rent, which caps what a voucher will cover, is $1,684 this fiscal year.", "$1,684")
    assert c.kind == "level"
    c = one("Enrollment fell. That amounts to a net drop of roughly 13.4 million enrollees, or about 14 percent.",
            "14 percent")
    assert (c.kind, c.value) == ("change", Decimal(-14))
    assert [x.surface for x in extract("By the time it closed Monday, 48,612 households had applied.", PUB)] == [
        "48,612"
    ]
    assert extract("The gap between the two tallies reflects people who were reinstated.", PUB) == []
    assert one("Emergency visits topped 410,000 across its nine hospitals.", "nine").counted_noun == "hospitals"
    assert one("We were expected to close 700 cases every year.", "700").kind == "level"


@pytest.mark.parametrize("text,surface,speaker", [
    # a passive with its agent
    ("Employers pocket roughly $15 billion a year by paying less than the minimum wage, it was estimated by the "
     "Economic Policy Institute, a research group.", "$15 billion", "Economic Policy Institute"),
    # "by her count": the person the pronoun stands for
    ("The company is charged $250 a call, according to authority spokeswoman Carla Brandt. By her count, Keystone "
     "has paid $186,500 in penalties since January.", "$186,500", "Carla Brandt"),
    # a report or a place between a subject and its verb
    ("The Government Accountability Office, in a 68-page report released Thursday, found that the agency had spent "
     "41% of the money.", "41%", "Government Accountability Office"),
    ("Sheriff Tomas Villarreal, 58, of Rio Seco County said crossings in his county fell 60 percent.", "60 percent",
     "Tomas Villarreal"),
    # a parenthetical attribution, a trailing one after a clause
    ("A report by the State Commission of Correction came out. The Pell County jail, the report said, had 31.4 "
     "deaths per 10,000 inmates.", "31.4", "State Commission of Correction"),
    ("The top 10% of recipients collected 79 percent of commodity and disaster payments last year, an analysis by "
     "the Environmental Working Group of its farm subsidy database found.", "79 percent",
     "Environmental Working Group"),
    # a dashboard the authority posted; "her office"
    ("The Marlow County Emergency Medical Services Authority posted its monthly dashboard this morning. Ambulances "
     "reached 73.8% of calls in time, the dashboard shows.", "73.8%",
     "Marlow County Emergency Medical Services Authority"),
    # an analysis whose own figures sit in its description
    ("A Sentinel analysis of autopsy reports for 58 of last year's 71 deaths found that in 23, the medical examiner "
     "listed a treatable condition.", "23", "Sentinel"),
    # the sentence's subject says it although the clause is inverted and holds "half"
    ("In Tolliver County, fewer than half of the roughly 7,900 households have a wired connection, said Earl "
     "Haskins, who chairs the county commission.", "7,900", "Earl Haskins"),
    # an organisation described as one is no person
    ("Rio Bravo Constructors, the joint venture that won the award, said in a statement that prices rose. Steel has "
     "climbed 34 percent since the firm bid, the company said.", "34 percent", "Rio Bravo Constructors"),
])
def test_attribution_shapes_of_round_four(text, surface, speaker):
    assert norm(one(text, surface).speaker) == norm(speaker)


def test_figures_of_round_four():
    text = "Broadband director pledges rural build-out as $1.07 billion nears\n\nThe state expects 240 applications."
    assert one(text, "$1.07 billion").speaker is None  # a headline is the paper's own summary
    text = "Spread evenly, that is about $18,300 a household, though Ortega cautioned that costs vary."
    assert one(text, "$18,300").speaker is None
    c = one("They took home nearly four of every five dollars we paid out.", "four of every five")
    assert (c.value, c.unit) == (Decimal(80), "percent")
    text = "The jail had 31.4 deaths per 10,000 inmates, more than double the statewide rate of 13.8."
    assert [(c.surface, c.value, c.unit) for c in extract(text, PUB) if c.unit == "ratio" and c.value < 1] == [
        ("31.4 deaths per 10,000 inmates", Decimal("0.00314"), "ratio"),
        ("13.8", Decimal("0.00138"), "ratio"),
    ]
    assert one("Corn futures have lost about 38% of their value since 2022.", "38%").value == Decimal(-38)
    assert extract("Ambulances answered Priority 1 calls; she dialed 911.", PUB) == []
    assert one("Another 31,000 or so households have slow service.", "31,000").counted_noun == "households"
    assert one("He farms 2,600 acres near Redwood Falls.", "2,600").counted_noun == "acres"


@pytest.mark.parametrize("text,surface,speaker", [
    # an acronym of a name without an organisation word
    ("Immigration and Customs Enforcement removed 1,180 people a day, according to ICE statistics released Monday.",
     "1,180", "Immigration and Customs Enforcement"),
    # a level of government before a named body, and generic words that need not match
    ("Roughly 1 in 12 bridges is rated poor, according to new figures from the state Department of Transportation.",
     "1 in 12", "state Department of Transportation"),
    ("The Ohio Department of Health tracks cases. In Ohio, six cases were reported last year, the state health "
     "department said.", "six", "Ohio Department of Health"),
    ("Nearly 1 in 4 teachers had left, according to state Department of Education data presented to the committee.",
     "1 in 4", "state Department of Education"),
    # issuers named in sentences without figures
    ("Bell said the increase grew out of a rate study by the consulting firm Carver & Lowe. The study found the "
     "utility will need $312 million.", "$312 million", "Carver & Lowe"),
    ("The state ranked 44th in the National Education Association's most recent report. Teachers earned an average "
     "of $53,870, the report found.", "$53,870", "National Education Association"),
    ("A 12-page fiscal note from the Legislative Fiscal Office came out. The state pays about 85% of salaries, the "
     "note says.", "85%", "Legislative Fiscal Office"),
])
def test_attribution_shapes_of_round_five(text, surface, speaker):
    assert norm(one(text, surface).speaker) == norm(speaker)


def test_figures_of_round_five():
    c = one("A bill giving teachers an 8% raise cleared the committee.", "8%")
    assert (c.kind, c.value) == ("change", Decimal(8))
    assert one("Filings are running 14% above the pre-pandemic pace.", "14%").kind == "change"
    assert one("Cedar Bluff lost 19.4% of the water it pumped last year to leaks.", "19.4%").kind == "level"
    c = one("Arrests climbed more than sevenfold between January and June.", "sevenfold")
    assert (c.value, c.unit, c.qualifier) == (Decimal(7), "ratio", "at_least")
    assert one("Field offices have been told to aim for 3,000 arrests a day.", "3,000").kind == "forecast"
    assert one("Filings have averaged roughly 1,870 a month since January.", "1,870").counted_noun == "filings"
    assert extract("The clinic is at 1420 County Road 17.", PUB) == []
    text = "Rates would rise 9.5 percent on July 1, 8 percent the following July and 7.5 percent the year after."
    assert [(c.surface, c.kind) for c in extract(text, PUB)] == [
        ("9.5 percent", "change"), ("8 percent", "change"), ("7.5 percent", "change")
    ]
    assert one("Support rose 5 percent, and 40 percent of voters agreed.", "40 percent").kind == "level"


@pytest.mark.parametrize("text,surface,speaker", [
    ("Encounters fell, U.S. Customs and Border Protection said. The sector logged 34,212 encounters, according to CBP "
     "data.", "34,212", "U.S. Customs and Border Protection"),
    ("Border Patrol Agent Gloria Benavides said agents recorded 2,400 evasions.", "2,400", "Gloria Benavides"),
    ("Ridgeport Public Schools enrolled 41,236 students, according to figures the district released Friday.",
     "41,236", "Ridgeport Public Schools"),
    ("Officials released 4,210 migrants in October, according to the city of El Paso's migrant data dashboard.",
     "4,210", "city of El Paso"),
    ("The average benefit was $183.29 in December, according to the latest figures from the U.S. Department of "
     "Agriculture, down from $234.43 in February 2023.", "$234.43", "U.S. Department of Agriculture"),
    ("Rural hospitals struggle. In a report released in July, the Rural Health Center classified 432 rural "
     "hospitals as at risk of closing.", "432", "Rural Health Center"),
])
def test_attribution_shapes_of_round_six(text, surface, speaker):
    assert norm(one(text, surface).speaker) == norm(speaker)


def test_ages_of_round_six():
    assert [c.surface for c in extract('"Why would I stay?" said Greene, 36. Nearly one in three members is over 80.',
                                       PUB)] == ["one in three"]


def test_figures_of_round_seven():
    text = "The airport has recorded 47 days this year with a high of 105 degrees or more."
    assert [c.surface for c in extract(text, PUB)] == ["47 days"]
    assert one("The toll is running roughly 31% ahead of last year's pace.", "31%").kind == "change"
    text = "More than half of this year's victims were 65 or older."
    assert [c.surface for c in extract(text, PUB)] == ["half"]
    text = ("Priya Natarajan, a researcher, said her work suggests death certificates capture only about a third of "
            "heat deaths.")
    assert one(text, "a third").speaker == "Priya Natarajan"
    text = ("The report came out. The report classified most of them as simple assaults, such as shoving, but found "
            "that 29 of last year's attacks involved a weapon.")
    assert one(text, "29").attribution_kind == "document"


@pytest.mark.parametrize("text,surface", [
    ("The bill's cost is over 50 billion dollars.", "50 billion dollars"),
    ("Turnout was over 60 pct.", "60 pct"),
    ("Prosecutors called 120 witnesses.", "120"),
    ("The university awarded 4,000 degrees.", "4,000"),
])
def test_figures_the_new_masks_must_not_swallow(text, surface):
    assert [c.surface for c in extract(text, PUB)] == [surface]


def test_false_cues_and_speakers_found_in_review():
    assert one("Repairs due to flooding cost $5 million.", "$5 million").kind == "level"
    assert one("The Fed raised rates by 25 basis points.", "25 basis points").speaker is None
    assert one("Some 30 percent want more police than last year.", "30 percent").kind == "level"
    text = "Sheriff Dana Cole, the county's sheriff, said the jail holds 412 people."
    assert one(text, "412").speaker == "Dana Cole"
    text = "About 60 people rallied at 1240 Lakeside Ave. The company said 3,500 riders would pay more."
    assert one(text, "3,500").speaker != "Lakeside Ave"


def test_attribution_shapes_of_round_eight():
    text = ('Yelitza, a 31-year-old from Venezuela, asked that her last name not be used. "Now they tell me to wait '
            'almost four years," she said.')
    assert one(text, "four years").speaker == "Yelitza"
    text = ("Laura Whitfield, the court administrator, said in an emailed statement that the court added four judges "
            "in January, bringing its total to 11.")
    assert one(text, "four").speaker == "Laura Whitfield"
    text = ("The backlog reached 81,412 cases, according to the Transactional Records Access Clearinghouse at "
            "Syracuse University.")
    assert one(text, "81,412").speaker == "Transactional Records Access Clearinghouse"


def test_figures_and_speakers_of_round_nine():
    c = one("The plan would cut the library's share of the fund by $840,000, or 11.5 percent.", "11.5 percent")
    assert (c.kind, c.value) == ("change", Decimal("-11.5"))
    assert [x.surface for x in extract("Crew shortages now account for fewer than 1 in 5. Or call 511.", PUB)] == [
        "1 in 5"
    ]
    text = "Four people died in custody, according to the Texas Justice Initiative, a nonprofit that tracks deaths."
    assert one(text, "Four").speaker == "Texas Justice Initiative"
    text = ("The census missed 4.99% of Hispanic residents, according to revised estimates from the Census Bureau's "
            "post-enumeration survey released Monday.")
    assert one(text, "4.99%").speaker == "Census Bureau"
    text = ("Washington State Ferries published its report. The system canceled 2,300 sailings, its reliability "
            "report shows.")
    assert one(text, "2,300").speaker == "Washington State Ferries"
    text = "The Census Bureau released its survey. A separate bureau analysis found $2.8 trillion is tied to counts."
    assert one(text, "$2.8 trillion").speaker == "Census Bureau"


def test_speakers_of_round_ten():
    text = "County Assessor Denise Okafor said the median value rose to $318,400."
    assert one(text, "$318,400").speaker == "Denise Okafor"
    text = "Nationwide, officers seized 21,800 pounds, U.S. Customs and Border Protection data show."
    assert one(text, "21,800").speaker == "U.S. Customs and Border Protection"
    text = "United Nurses of Pennsylvania polled members. The union said it surveyed 2,140 nurses."
    assert one(text, "2,140").speaker == "United Nurses of Pennsylvania"


def test_a_later_reference_names_the_body_as_the_text_first_named_it():
    # "the agency" for a body whose name has no government word, named as a document's issuer before
    text = (
        "Figures from U.S. Customs and Border Protection show 9,870 encounters in October. "
        "The agency said about 1,100 people a day crossed in 2023."
    )
    assert one(text, "1,100").speaker == "U.S. Customs and Border Protection"
    # an acronym that the text spells out only later
    text = (
        "The NFIP paid out $1.4 billion in claims this year, the NFIP said Monday. "
        "The National Flood Insurance Program covers most coastal homes."
    )
    assert one(text, "$1.4 billion").speaker == "National Flood Insurance Program"
    # "the annual report" after a report whose issuer was named
    text = (
        "A report by the Harbor Transit Authority found 187 assaults on buses last year. "
        "Ridership fell 12 percent, the annual report said."
    )
    assert one(text, "12 percent").speaker == "Harbor Transit Authority"


def test_a_described_body_the_text_never_named_stays_as_described():
    text = "Marlow County had 12 new cases last week, the county health department said."
    assert norm(one(text, "12").speaker) == "county health department"
    text = "The Police Executive Forum met Monday. City payroll records show 3,150 officers were paid overtime."
    assert norm(one(text, "3,150").speaker) == "city payroll records"


def test_attribution_shapes_blind10_revealed():
    # a person introduced with a long appositive in a sentence without figures is who "she" is later
    text = (
        "Tom Ruiz said the plan works. Maria Lopez, an economist at the University of Texas who studies wages in "
        "border towns, said the data are noisy. Wages rose 4% last year, she said."
    )
    assert one(text, "4%").speaker == "Maria Lopez"
    # "the group's policy director" is a person's role, not an organisation
    text = '"Nobody is served by waiting," said Ana Ruiz, the group\'s policy director. She estimated that 1,200 families wait.'
    assert one(text, "1,200").speaker == "Ana Ruiz"
    # "the group said" after a body's review: that body, though another was named before it
    text = (
        "The Indiana Department of Health counted 61 deaths. A review by Recovery Advocates of Indiana found that "
        "counties had spent 41% of their funds. The city's rate, at about 23%, was among the lowest in the region, "
        "the group said."
    )
    assert one(text, "23%").speaker == "Recovery Advocates of Indiana"
    # a shorter form of a name given in full before
    text = (
        "Oregon Judicial Department data show 2,314 postponed hearings. The Judicial Department said it needs "
        "$6.8 million more."
    )
    assert one(text, "$6.8 million").speaker == "Oregon Judicial Department"
    # "put ... at" with a long object
    text = (
        "The Rivermont Housing Authority owns 112 buildings. The authority's latest assessment, completed in March, "
        "put the cost of the repairs it has deferred at $1.4 billion."
    )
    assert one(text, "$1.4 billion").speaker == "Rivermont Housing Authority"
    # a document described by who publishes it
    text = (
        "The Department of Housing and Urban Development inspects public housing. Of the 38 properties it "
        "inspected, most passed, according to inspection scores the department publishes online."
    )
    assert one(text, "38").speaker == "Department of Housing and Urban Development"
    # a pending bill's figures are the bill's, as written
    text = "A bipartisan Senate bill, S. 2187, would cap premiums for households earning less than 80% of the median."
    assert (one(text, "80%").speaker, one(text, "80%").attribution_kind) == ("bipartisan Senate bill", "document")


def test_a_report_carried_through_its_findings():
    text = (
        "Detainees waited weeks for care, the Office of Inspector General said in a report released Monday.\n\n"
        "The 61-page report found that staffing fell short at most centers. At those facilities, an average of "
        "27 percent of medical positions were vacant. Inspectors reviewed 340 files. In about 1 in 3 of those "
        "cases, the detainee was not seen within two days, it found."
    )
    for surface in ("27 percent", "1 in 3"):
        assert one(text, surface).speaker == "Office of Inspector General", surface


def test_a_request_that_was_made_is_not_a_claim_of_the_requester():
    text = "Sheriff Dale Pruitt had asked for $1.2 million to stand up a narcotics unit."
    assert one(text, "$1.2 million").speaker is None
    text = "The board voted against the contract after the only bidder asked for $3.8 million a year."
    assert one(text, "$3.8 million").speaker is None
    text = "The Judicial Department is asking lawmakers for $6.8 million, its budget request shows."
    assert one(text, "$6.8 million").speaker is not None


def test_clock_times_statutes_and_versions_are_not_quantities():
    text = "I leave at 6:45, and the bus comes at 7:35. Under ORS 45.275, courts must act. Its Risk Rating 2.0 pricing began."
    assert extract(text, PUB) == []
    text = "Premiums rose 2.0 percent, and roughly a third of districts had cut routes."
    found = {c.surface: c for c in extract(text, PUB)}
    assert set(found) == {"2.0 percent", "a third"}
    assert (found["a third"].value, found["a third"].kind) == (Decimal("33.333333"), "level")


@pytest.mark.parametrize(
    "letters, name, spelled",
    [
        ("FHWA", "Federal Highway Administration", True),  # two letters from one word
        ("HUD", "Department of Housing and Urban Development", True),  # a leading department left out
        ("DOT", "Department of Transportation", True),  # a connective taken
        ("USDA", "U.S. Department of Agriculture", True),
        ("CBP", "U.S. Customs and Border Protection", True),
        ("NFIP", "National Flood Insurance Program", True),
        ("ABC", "Federal Highway Administration", False),
        ("DOE", "Department of Housing and Urban Development", False),
        ("FH", "Federal Highway Administration", False),  # too short to tell
    ],
)
def test_acronyms_are_spelled_from_a_names_words(letters, name, spelled):
    from claims.extraction import _spells_acronym

    assert _spells_acronym(letters, name) is spelled


def test_short_forms_and_asides_of_names_seen_after_blind10():
    text = (
        "The Federal Highway Administration published the figures Monday. States have signed contracts worth "
        "$1.3 billion, FHWA data show."
    )
    assert one(text, "$1.3 billion").speaker == "Federal Highway Administration"
    text = (
        "The figures come from the Census Bureau's survey released Monday. Nearly $2.8 trillion flowed through "
        "353 programs, according to a separate bureau analysis."
    )
    assert one(text, "353").speaker == "Census Bureau"
    text = (
        "For Tom Brennan, 71, a retired machinist, the notice was a shock. \"Two houses on my street sold for "
        'less," Brennan said.'
    )
    assert one(text, "Two").speaker == "Tom Brennan"
    text = "Hughes filed 14 requests before he was taken to a hospital, said his lawyer, Megan Castillo of Austin."
    assert one(text, "14").speaker == "Megan Castillo"


def test_the_sentence_after_a_surveys_finding_goes_on_with_it_in_its_paragraph():
    text = (
        "A survey released Tuesday by the National Council of Police Executives found that hiring rose 11.6% last "
        "year. Resignations fell 6.2% over the same period.\n\nMillbrook hired 40 officers last year."
    )
    assert one(text, "6.2%").speaker == "National Council of Police Executives"
    assert one(text, "40").speaker is None


def test_he_said_after_a_sentence_about_a_described_person():
    text = (
        "Jon Marquardt said labor costs rose. Tom Reinholt, a third-generation grower who farms cherries on 640 "
        "acres near Wapato, brought in 85 workers last season, he said."
    )
    assert one(text, "85").speaker == "Tom Reinholt"
    assert one(text, "640").speaker is None  # his description, in the paper's voice
    # a company described by its appositive is no person the pronoun could stand for
    text = (
        "Carla Brandt, the authority's spokeswoman, said the contract is under review. Keystone Medical Transport, "
        "the private company that runs "
        "ambulances, has paid $186,500 in penalties, she said."
    )
    assert one(text, "$186,500").speaker == "Carla Brandt"


def test_a_survey_named_after_according_to_keeps_its_respondents():
    text = (
        "Nearly two-thirds of nurses say they are overloaded, according to a survey released Monday by United "
        "Nurses of Pennsylvania. The union said it surveyed 2,140 nurses. Of those, 41% said they plan to leave."
    )
    assert one(text, "41%").speaker == "United Nurses of Pennsylvania"


def test_estimates_before_an_unmarked_clause_is_a_speech_verb():
    text = (
        "The Hospital Association of Pennsylvania opposes the bill. The association estimates hospitals would "
        "have to hire about 5,300 more nurses."
    )
    assert one(text, "5,300").speaker == "Hospital Association of Pennsylvania"
    text = "Its estimates of costs would rise 12% next year."
    assert one(text, "12%").speaker is None


def test_a_bills_figures_end_with_its_clause():
    text = (
        "A bipartisan bill, H.R. 5181, would raise the reimbursement by 15 cents \u2014 a change the Congressional "
        "Budget Office estimates would cost $1.1 billion."
    )
    assert one(text, "15 cents").speaker == "bipartisan bill"
    assert one(text, "$1.1 billion").speaker == "Congressional Budget Office"
    text = "The Patient Safety Act would limit a nurse to no more than four patients."
    assert (one(text, "four").speaker, one(text, "four").attribution_kind) == ("Patient Safety Act", "document")


def test_object_relatives_meaning_clauses_and_names_with_at():
    text = (
        "In the county, 81.3% of kindergartners were vaccinated, according to state data, well below the 95% the "
        "Centers for Disease Control and Prevention says is needed."
    )
    assert one(text, "95%").speaker == "Centers for Disease Control and Prevention"
    assert one(text, "81.3%").speaker == "state data"
    text = (
        "The sector logged 34,212 encounters in October 2023, according to CBP data, meaning this October's total "
        "was 71 percent lower."
    )
    assert one(text, "71 percent").speaker == "CBP"
    text = "ICE ran 1,412 flights, according to figures compiled by Witness at the Border, an advocacy group."
    assert one(text, "1,412").speaker == "Witness at the Border"
    text = "The court has 81,412 pending cases, according to the Transactional Records Access Clearinghouse at Syracuse University."
    assert one(text, "81,412").speaker == "Transactional Records Access Clearinghouse"


def test_it_for_the_body_or_document_given_figures_before_but_not_after_said():
    text = (
        "Ridgeport Public Schools enrolled 41,236 students, according to figures the district released Friday. "
        "It shows enrollment has fallen 14.6% over five years."
    )
    assert one(text, "14.6%").speaker == "Ridgeport Public Schools"
    text = (
        "The department's figures show waits of 27 days. In a report, the OIG said it had reviewed records at 30 "
        "medical centers."
    )
    assert one(text, "30").speaker == "OIG"


def test_a_spelled_number_that_is_a_part_of_a_count():
    text = "Of the 38 properties HUD inspected last year, nine failed. Staffing fell short at seven of them."
    assert {c.surface: (c.value, c.counted_noun) for c in extract(text, PUB)} == {
        "38": (Decimal(38), "properties"),
        "nine": (Decimal(9), "properties"),
        "seven": (Decimal(7), ""),
    }
    assert extract("One of them said so. She had two of her own, and nine failed to show.", PUB) == []


def test_attribution_shapes_blind11_revealed():
    text = "At least nine districts applied for a share of the $5 million program, the Tri-City Herald reported this month."
    assert one(text, "$5 million").speaker == "Tri-City Herald"
    text = (
        "At least 11 of the awards had not been signed, said a state official familiar with the talks who was not "
        "authorized to discuss them."
    )
    assert (one(text, "11").speaker, one(text, "11").attribution_kind) == (
        "state official familiar with the talks",
        "anonymous",
    )
    text = "A district administrator who was not authorized to speak publicly said filters will cost $60,000 a year."
    assert one(text, "$60,000").speaker == "district administrator"
    text = (
        "A study by the Washington State Department of Health backs the plan. The Columbia Basin Education "
        "Association, which represents about 1,700 teachers, surveyed its members in May. According to the survey, "
        "71% said smoke made teaching hard."
    )
    assert one(text, "71%").speaker == "Columbia Basin Education Association"
    text = (
        "Satellites will serve 27% of the locations, the Big Sky Dispatch reported. The newspaper found that the "
        "subsidy dropped to $6,900."
    )
    assert one(text, "$6,900").speaker == "Big Sky Dispatch"
    text = "Mercy Westside Hospital opened a unit in June. The hospital said waits fell 18%."
    assert one(text, "18%").speaker == "Mercy Westside Hospital"
    text = (
        "The Missouri Department of Corrections lists 1,900 vacancies. Nearly half of the posts at Potosi were "
        "unfilled, according to a department staffing report. Department records show 312 lockdowns."
    )
    assert one(text, "half").speaker == "Missouri Department of Corrections"
    assert one(text, "312").speaker == "Missouri Department of Corrections"
    text = (
        "A study released Tuesday by the Oregon Health Authority backs the plan. Researchers who tracked 212 "
        "classrooms found that a purifier removed 58% of fine particles."
    )
    assert one(text, "58%").speaker == "Oregon Health Authority"
    assert one(text, "212").speaker is None


def test_documents_and_groups_referred_back_to_after_blind11():
    text = (
        "Moody's Ratings, which rates the city's debt Aa2, said in a report last week that the bonds are neutral. "
        "But the report warned that fixed costs already take 27 percent of spending."
    )
    assert one(text, "27 percent").speaker == "Moody's Ratings"
    text = (
        "The Justice Department's Executive Office for Immigration Review now has 19 judges in Atlanta and at the "
        "Stewart Detention Center, according to figures the agency provided to NPR."
    )
    assert "Stewart" not in one(text, "19").speaker
    text = "The bench lost more than 100 judges to firings, buyouts and retirements, an agency spokeswoman said."
    assert one(text, "100").speaker == "agency spokeswoman"
    text = (
        "Judges granted asylum in 9.8% of cases, TRAC found. Each judge completed 1,040 cases, the agency's "
        "figures show. Nearly 61,000 cases were added, according to the same data."
    )
    assert one(text, "61,000").speaker == one(text, "1,040").speaker
    text = (
        "The Justice Department testified on Tuesday. Under the department's budget request, funding would rise to "
        "$1.3 billion next year."
    )
    assert (one(text, "$1.3 billion").speaker, one(text, "$1.3 billion").attribution_kind) == (
        "Justice Department",
        "document",
    )
    text = (
        "The Wisconsin Hospital Association said nursing homes in Milwaukee County have cut 900 beds. About 12 "
        "percent of jobs remain vacant, the group said."
    )
    assert one(text, "12").speaker == "Wisconsin Hospital Association"
    text = (
        "A state report found 41% of patients waited. In a survey last fall by the American College of Emergency "
        "Physicians, nearly 90% of emergency doctors said boarding had worsened."
    )
    assert one(text, "90%").speaker == "American College of Emergency Physicians"


def test_attribution_shapes_blind12_revealed():
    text = (
        "Bus Riders Alliance, which speaks for riders in four counties, polled its members in March, and 61% of the "
        "2,310 members who answered said their bus was late."
    )
    assert one(text, "61%").speaker == "Bus Riders Alliance"
    assert one(text, "2,310").speaker == "Bus Riders Alliance"
    text = (
        "Many nurses belong to the Ohio Nurses Guild. In a survey the guild conducted in May, about three in four of "
        "the 840 members who responded said they had skipped breaks."
    )
    assert one(text, "three in four").speaker == "Ohio Nurses Guild"
    text = (
        "A report by the Office of the County Auditor faulted the plan. Overtime cost $9 million more than budgeted, "
        "the auditors estimated."
    )
    assert one(text, "$9 million").speaker == "Office of the County Auditor"
    text = (
        "The Grain Belt Budget Project, a nonpartisan think tank, argued in a 30-page analysis released Monday that "
        "the gap is structural. The analysis projected the shortfall will reach $2.1 billion by 2029."
    )
    assert one(text, "$2.1 billion").speaker == "Grain Belt Budget Project"
    text = (
        "A rule finalized by the Department of Energy in March gives manufacturers five years to comply and "
        "requires a 20 percent cut in standby power."
    )
    assert one(text, "20 percent").speaker == "Department of Energy"
    text = (
        "The Department of Veterans Affairs hired 400 nurses. Department guidelines say a ward should hold no more "
        "than 12 patients."
    )
    assert one(text, "12").speaker == "Department of Veterans Affairs"
    text = (
        "The federal prosecutor's office tallied the cases, according to figures the U.S. Attorney's Office for the "
        "District of Utah released. The U.S. attorney's office said it expects about 900 cases next year."
    )
    assert one(text, "900").speaker == "U.S. Attorney's Office for the District of Utah"


def test_a_coordinated_clause_with_its_own_speaker_does_not_take_the_figures_before_it():
    text = "The county spent $48 million on motels since 2022, and the county's budget watchdog says it is too much."
    assert one(text, "$48 million").speaker is None
    text = "The county has spent $48 million on motels since 2022, and the watchdog says 30% of it was wasted."
    assert one(text, "$48 million").speaker is None
    assert one(text, "30%").speaker == "watchdog"
    text = "The county has spent $48 million on motels since 2022, the watchdog says."
    assert one(text, "$48 million").speaker == "watchdog"


def test_the_audit_is_the_auditors_when_other_documents_came_between():
    text = (
        "The 40-page report by the Legislative Audit Bureau found that turnover reached 38%. Agency guidelines set a "
        "limit of 15 cases, according to the Department of Health. The average worker carried 27 cases, the audit "
        "found."
    )
    assert one(text, "27").speaker == "Legislative Audit Bureau"
    text = "Inspectors reviewed 200 files, the report said, after the Office of Inspector General opened an inquiry."
    assert one(text, "200").speaker != "Inspectors"


def test_anonymous_sources_named_for_their_work_are_people_and_their_number_no_claim():
    text = "The agency would lose about $90 million, according to two legislative budget staffers."
    c = one(text, "$90 million")
    assert (c.speaker, c.attribution_kind) == ("two legislative budget staffers", "anonymous")
    assert [x.surface for x in extract(text, published=PUB)] == ["$90 million"]


def test_addresses_and_hours_of_the_day_are_not_quantities():
    text = (
        "The shelter at 1500 Industrial Parkway and the clinic at 40 Mill Court take calls at 2 in the morning and "
        "at 11 at night; the shelter holds 300 beds."
    )
    assert [(x.surface, x.counted_noun) for x in extract(text, published=PUB)] == [("300", "beds")]


def test_documents_as_subjects_after_blind13():
    text = (
        "In a mystery-caller study released in June, the Brown University School of Public Health had callers "
        "contact 200 clinics; just 31 offered a visit. Callers waited 19 days on average, the 20-page study found."
    )
    for surface in ("200", "31", "19 days"):
        assert one(text, surface).speaker == "Brown University School of Public Health"
    text = "A budget request the Department of Human Services sent to lawmakers would raise fees by 12 percent."
    assert (one(text, "12 percent").speaker, one(text, "12 percent").attribution_kind) == (
        "Department of Human Services",
        "document",
    )
    text = (
        "The Kansas Department of Transportation released a plan. The department's new Vision Zero Plan, a 60-page "
        "document approved in May, sets a goal of cutting deaths by 40% by 2032. To pay for it, the plan would "
        "steer $30 million to crosswalks. It also calls for adding 25 troopers."
    )
    for surface in ("40%", "$30 million", "25"):
        assert one(text, surface).speaker == "Kansas Department of Transportation"
    text = (
        "The Illinois Department of Higher Education runs the grant. Of those who enrolled in 2023, 44% finished "
        "within two years, according to the department's annual report to lawmakers."
    )
    assert one(text, "44%").speaker == "Illinois Department of Higher Education"


def test_a_persons_request_is_described_and_a_bill_has_co_sponsors_of_its_own():
    text = "Sheriff Teresa Brandt asked for more. Brandt's request, $12.1 million, is about 6 percent more than now."
    assert one(text, "6 percent").speaker is None
    text = "A bipartisan House bill would cut the wait to 30 days. It has 42 co-sponsors but no hearing."
    assert one(text, "30 days").speaker == "bipartisan House bill"
    assert one(text, "42").speaker is None


def test_the_figure_of_an_expectation_goes_to_the_one_who_reported_it():
    text = (
        "Dana Ruiz is a spokeswoman for the Department of Social Services. Ruiz said the agency expects the increase "
        "to draw roughly 300 dentists into the program."
    )
    assert one(text, "300").speaker == "Dana Ruiz"
    text = "Ruiz works for the Department of Social Services. Ruiz said the agency expects to reach 90 percent by 2027."
    assert one(text, "90 percent").speaker == "Ruiz"
    text = "One official described the plan. Another said the State Department expects it to cost $2 billion."
    assert one(text, "$2 billion").speaker == "State Department"


def test_the_company_is_no_public_body():
    text = (
        "Vertex Prison Services holds the contract. The state Controlling Board approved a new deal with the "
        "Ohio Department of Corrections. The company handled 8.1 million calls last year, according to its filing."
    )
    assert one(text, "8.1 million").speaker == "Vertex Prison Services"


def test_hedges_and_non_quantities_after_blind13():
    text = "Fees ran as high as $7.95 a deposit, and the bill is expected to top $120 million."
    assert one(text, "$7.95").qualifier == "at_most"
    assert one(text, "$120 million").qualifier == "at_least"
    text = (
        "The grant is open to adults 25 and older. Families can meet at 215 E. Third St. Permits under category "
        "(c)(8) are 38% of 9,000 cases."
    )
    assert [x.surface for x in extract(text, published=PUB)] == ["38%", "9,000"]


def test_attribution_shapes_blind14_revealed():
    text = "Chief Public Defender Ana Ruiz said 14 percent were rearrested. Town Engineer Li Wei put it at $9 million."
    assert one(text, "14 percent").speaker == "Ana Ruiz"
    assert one(text, "$9 million").speaker == "Li Wei"
    text = (
        "Under a rate proposal from the Eastfield Board of Public Works, the typical bill would go from $640 to $910. "
        "The plan calls for a 12 percent increase on July 1."
    )
    for surface in ("$640", "$910", "12 percent"):
        assert one(text, surface).speaker == "Eastfield Board of Public Works"
    text = "The consent order the state Department of Ecology issued against the city lists 31 violations."
    assert one(text, "31").speaker == "state Department of Ecology"
    text = "The White House budget request sent to Congress in March asks for $3.4 billion for detention."
    assert one(text, "$3.4 billion").speaker != "request"
    text = "Dana Cole, whose family runs an oyster house on Tilghman Island, said her company requested 36 workers."
    assert one(text, "36").speaker == "Dana Cole"
    text = "Last year DHS made up to 20,000 extra visas available, according to a DHS notice in the Federal Register."
    text = "The Department of Homeland Security sets the cap. " + text
    assert one(text, "20,000").speaker == "Department of Homeland Security"


def test_documents_named_after_blind14():
    text = (
        "The fund is short $9.1 billion, according to the annual valuation by the system's actuary, Cobalt Actuarial "
        "Group, and the gap is growing. The 70-page report puts the funded ratio at 61.2 percent. In a letter, its "
        "actuaries wrote that the rate would rise to 18.3% of payroll."
    )
    for surface in ("$9.1 billion", "61.2 percent", "18.3%"):
        assert one(text, surface).speaker == "Cobalt Actuarial Group"
    text = (
        "The pitch: House Bill 210, filed last week by Rep. Ana Soto, D-Tucson, would cap class sizes. "
        "The bill would limit kindergarten classes to 18 students."
    )
    assert one(text, "18").speaker == "House Bill 210"
    text = (
        "The audit, which examined 26 facilities the FAA rates as critical, found that 17 were understaffed. "
        "The measure would pay bonuses of up to $25,000, according to a summary from the committee."
    )
    assert one(text, "26").speaker is None
    assert one(text, "17").speaker is not None
    assert one(text, "$25,000").attribution_kind == "document"


def test_ages_and_small_anonymous_groups_after_blind14():
    text = (
        "When Kayla Brooks turned 18, she left the group home. Brooks, now 20, is among 1,000 youths who age out "
        "each year. Vouchers serve people ages 18 to 24. Three caseworkers said referrals sit for 90 days. In a "
        "letter sent Friday, 23 senators urged the agency to act."
    )
    found = {c.surface: c for c in extract(text, published=PUB)}
    assert sorted(found) == ["1,000", "23", "90 days"]
    assert (found["90 days"].speaker, found["90 days"].attribution_kind) == ("Three caseworkers", "anonymous")


def test_documents_named_after_blind15():
    text = (
        "A new survey from the consumer group Riders for Fair Fares found that 38% of riders paid twice. "
        "In the survey, private operators charged a median of $1,890, compared with $1,120 for public ones."
    )
    for surface in ("$1,890", "$1,120"):
        assert one(text, surface).speaker == "Riders for Fair Fares"
    text = (
        "A Minnesota bill would change the rules. A Minnesota Library Association review released in October "
        "compared prices for 250 titles. Libraries paid an average of 3.8 times the consumer price, the review "
        "found. For about one in four titles, it found, the library price was more than five times higher."
    )
    for surface in ("250", "3.8 times", "one in four", "five times"):
        assert one(text, surface).speaker == "Minnesota Library Association"
    text = (
        "The order leans heavily on a Kansas State University study released in January. It found that the "
        "aquifer has fallen 31% since the 1950s."
    )
    assert one(text, "31%").speaker == "Kansas State University"
    text = (
        "Wells are run by the state Division of Water Resources, part of the Kansas Department of Agriculture. "
        "There are 6,418 active wells in the area, the division said."
    )
    assert one(text, "6,418").speaker.endswith("Division of Water Resources")


def test_speakers_after_a_comma_and_pronouns_after_blind15():
    text = "Insurers will have to pay 325% of the Medicare rate, said state Sen. Dana Whitcomb, a Democrat."
    assert one(text, "325%").speaker == "Dana Whitcomb"
    text = (
        "Trucks make up about 14% of turnpike traffic but a far larger share of toll revenue, said Lorraine "
        "Becerra, the authority's chief financial officer."
    )
    assert one(text, "14%").speaker == "Lorraine Becerra"
    text = (
        "Jenna Morales, 38, of Mesa, said she was billed $14,200. A CMS spokeswoman said in an email that the "
        "agency has sent warning notices to more than 1,400 hospitals. She said CMS plans to review 500 more."
    )
    assert one(text, "$14,200").speaker == "Jenna Morales"
    assert (one(text, "500").speaker, one(text, "500").attribution_kind) == ("CMS spokeswoman", "anonymous")
    text = "A CMS spokesman said 1,400 hospitals were warned. Jenna Morales said she was billed $14,200."
    text = "Jenna Morales paid. " + text + " She said she paid $900 more."
    assert one(text, "$900").speaker == "Jenna Morales"


def test_bodies_behind_documents_after_blind15():
    text = (
        "The Centers for Medicare & Medicaid Services, which enforces the rule, has fined 31 hospitals, according to "
        "penalty notices posted on the agency's website."
    )
    assert one(text, "31").speaker == "Centers for Medicare & Medicaid Services"
    text = (
        "WASHINGTON (AP) \u2014 Thirty-one people died in the custody of the Federal Bureau of Prisons, agency records "
        "show."
    )
    assert one(text, "Thirty-one").speaker == "Federal Bureau of Prisons"
    # with no body named in the sentence, which agency is meant stays the editor's call
    text = "House Republicans want more beds. Average daily detention rose to 39,214 people, according to agency data."
    assert one(text, "39,214").speaker == "agency data"
    text = (
        "An Associated Press review of ICE's website found that the agency had posted reports for only 11 of the "
        "31 deaths."
    )
    assert (one(text, "11").speaker, one(text, "11").attribution_kind) == ("Associated Press", "reported")
    text = (
        "The Ohio Department of Rehabilitation and Correction runs 28 prisons; the U.S. Education Department pays. "
        "The rate was 9 percent, according to a 52-page analysis the corrections department published in March."
    )
    assert one(text, "9 percent").speaker == "Ohio Department of Rehabilitation and Correction"
    text = "A widely cited RAND Corporation study estimated that each dollar saves $4 to $5."
    assert one(text, "$4").speaker == "RAND Corporation"
    text = (
        "The Ohio Department of Natural Resources runs the parks. A department engineering assessment completed last "
        "fall put the backlog at $418 million."
    )
    assert one(text, "$418 million").speaker == "Ohio Department of Natural Resources"
    text = (
        "Just 18.3% of files were complete, according to the Patient Price Project's 46-page report. That was down "
        "from 21.1% in the group's third review."
    )
    assert one(text, "21.1%").speaker == "Patient Price Project"


def test_clauses_and_bills_after_blind15():
    text = (
        "The Kansas Turnpike Authority plans to spend $1.9 billion, according to its capital plan, including "
        "replacing 31 bridges. Trucks will pay $41.20, according to the authority's new rate schedule."
    )
    assert one(text, "31").speaker == "Kansas Turnpike Authority"
    assert one(text, "$41.20").speaker == "Kansas Turnpike Authority"
    text = "The Ohio Outdoor Access Coalition wants a free day. The coalition surveyed 1,150 campers last summer."
    assert one(text, "1,150").speaker == "Ohio Outdoor Access Coalition"
    text = "As the Atlanta Journal-Constitution reported in June, at least three other hospitals may end deliveries."
    assert (one(text, "three").speaker, one(text, "three").attribution_kind) == (
        "Atlanta Journal-Constitution",
        "reported",
    )
    text = "In Congress, a bipartisan Senate bill, S. 2201, would fine hospitals up to $10 million a year."
    assert one(text, "$10 million").speaker == "bipartisan Senate bill"
    text = (
        "A bipartisan bill at the Legislature, S.F. 1290, would require licenses lasting at least five years. "
        "The order was issued under K.S.A. 82a-1036."
    )
    assert [x.surface for x in extract(text, published=PUB)] == ["five years"]
    assert one(text, "five years").speaker == "bipartisan bill"
    text = "In the U.S. 40 percent did."
    assert one(text, "40 percent").value == 40


def test_not_mentions_and_missed_counts_after_blind15():
    text = (
        "Under a federal rule codified at 45 CFR Part 180, hospitals post prices. The report, which 7 News obtained, "
        "examined 1,312 incidents. The city signed a 10-year, $18.6 million contract. Call the 7 News team."
    )
    assert [x.surface for x in extract(text, published=PUB)] == ["1,312", "$18.6 million"]
    # a year is no denominator: "from 612 in 2024 to 883" is two counts, "1 in 8" a share
    text = "Deliveries rose from 612 in 2024 to 883 last year. About 1 in 8 topped $3,000."
    found = {c.surface: c for c in extract(text, published=PUB)}
    assert sorted(found) == ["$3,000", "1 in 8", "612", "883"]
    assert found["1 in 8"].value == Decimal("12.5")
    text = "Teens were suspects in 19 of 64 shootings, the department said, compared with nine of 58 last year."
    assert one(text, "nine").value == 9


def test_referents_and_relative_clauses_while_blind16_was_written():
    text = (
        "The committee approved House Bill 1147. The state ranked 44th in the National Education Association's most "
        "recent report. Teachers here earned an average of $53,870, the report found."
    )
    assert one(text, "$53,870").speaker == "National Education Association"
    text = (
        "Danielle Okafor, executive director of the Equal Count Project, a civil-rights group, spoke. In a letter to "
        "House and Senate appropriators on Friday, the group said the request of $1.5 billion falls short."
    )
    assert one(text, "$1.5 billion").speaker == "Equal Count Project"
    text = (
        "At the Allegheny Valley Food Bank, which supplies 310 pantries across the region, the number of households "
        "served climbed to roughly 46,000 in February, said Marcus Oyelaran, the food bank's executive director."
    )
    assert one(text, "46,000").speaker == "Marcus Oyelaran"
    assert one(text, "310").speaker is None
    text = (
        "Paul Lindqvist, who spent 11 years as a judge in Arlington, Va., before retiring in 2021, said judges must "
        "close 700 cases a year."
    )
    assert one(text, "700").speaker == "Paul Lindqvist"


def test_not_mentions_and_changes_after_blind16():
    text = (
        '"My rent went up $275 last year. I\'m 67. Where do I go?" she asked. Maria Delgado, who has Type 1 '
        "diabetes, pays $35. Under 725 ILCS 5/110-6.1, judges may hold people. The county 911 center answered 88% "
        "of calls, NewsChannel 7 found."
    )
    assert [x.surface for x in extract(text, published=PUB)] == ["$275", "$35", "88%"]
    text = "Illinois jails held 18% fewer people. It trimmed the list of services requiring authorization by about 10%."
    assert one(text, "18%").value == -18 and one(text, "18%").kind == "change"
    assert one(text, "10%").value == -10 and one(text, "10%").kind == "change"
    text = "The credit returned between 18 and 27 cents in revenue for each dollar."
    assert one(text, "18").value == Decimal("0.18") and one(text, "18").unit == "USD"


def test_attribution_shapes_blind16_revealed():
    text = (
        "Tenants packed City Hall, landlords warned of ruin, and in the end the council voted to cap rent increases "
        "at 4%. Enforcing the cap will cost $1.8 million a year, the city's Office of Budget and Management "
        "projected in a memo to council members."
    )
    assert one(text, "4%").speaker is None
    assert one(text, "$1.8 million").speaker == "Office of Budget and Management"
    text = (
        "State Sen. Ruth Abernathy, the Montgomery County Democrat who wrote the law, said she plans to cap supplies "
        "at $100. UnitedHealthcare, the largest carrier with roughly 8.4 million enrollees, said it had trimmed the "
        "list by about 10%."
    )
    assert one(text, "$100").speaker == "Ruth Abernathy"
    assert one(text, "8.4 million").speaker is None
    assert one(text, "10%").speaker == "UnitedHealthcare"
    text = (
        "Kelsey Marr, a dispatcher for nine years and a steward with AFSCME Local 2148, said pay is $19.85 an hour. "
        "The Marlow County board voted to set aside up to 150 beds, a deal Sheriff Dale Pruitt says could bring in "
        "more than $6 million a year."
    )
    assert one(text, "$19.85").speaker == "Kelsey Marr"
    assert one(text, "150").speaker is None
    assert one(text, "$6 million").speaker == "Dale Pruitt"


def test_documents_and_bodies_after_blind16():
    text = (
        "The Prairie Ledger reviewed the weekly head counts. Jail populations fell from 18,947 to 15,522, the review "
        "found."
    )
    assert (one(text, "15,522").speaker, one(text, "15,522").attribution_kind) == ("Prairie Ledger", "reported")
    text = (
        "The HHS Office of Inspector General said in a report released Tuesday that 14% of denials broke the rules. "
        "Extrapolating to the full program, the report estimated that plans issued 3.2 million denials."
    )
    assert one(text, "3.2 million").speaker == "HHS Office of Inspector General"
    text = (
        "That number comes from the Independent Fiscal Office. Its most recent review found the credit returned 18 "
        "cents on the dollar. The Pennsylvania Film Industry Association released its own study in the fall that "
        "pegged the return at $1.84 for every dollar."
    )
    assert one(text, "18 cents").speaker == "Independent Fiscal Office"
    assert one(text, "$1.84").speaker == "Pennsylvania Film Industry Association"
    text = (
        "New filings fell to roughly 61,000, the Transactional Records Access Clearinghouse at Syracuse University "
        "found. The backlog stood at about 3.4 million, the group said. It covers roughly 61,000 apartments, or "
        "about 58 percent, according to the Housing and Community Development Department."
    )
    assert one(text, "3.4 million").speaker == "Transactional Records Access Clearinghouse"
    assert one(text, "58 percent").speaker == "Housing and Community Development Department"
    text = (
        "U.S. Immigration and Customs Enforcement runs the program. ICE was holding roughly 61,000 people as of "
        "May 31, according to agency data. ConnectPath Correctional Services paid the Ohio Department of "
        "Rehabilitation and Correction a commission of 48 percent, according to department records. The Education "
        "Department's annual report card put the rate at 24.3 percent."
    )
    assert one(text, "61,000").speaker == "U.S. Immigration and Customs Enforcement"
    assert one(text, "48 percent").speaker == "Ohio Department of Rehabilitation and Correction"
    assert one(text, "24.3 percent").speaker == "Education Department"
    text = "Records from the Ohio 911 Program Office show the center met that mark on 71.4% of calls."
    assert one(text, "71.4%").speaker == "Ohio 911 Program Office"


def test_bodies_and_titles_after_blind16():
    text = (
        "National guidelines from the National Emergency Number Association call for 90% of calls to be answered "
        "within 15 seconds."
    )
    assert one(text, "90%").speaker == "National Emergency Number Association"
    text = (
        "The Northland State University System Board of Regents voted Thursday. Tuition remains $9,870 a year, "
        "according to the fee schedule the regents approved. Enrollment hit 142,300 students, according to census "
        "figures the system released Monday. Regent Thomas Albrecht warned that the backlog has grown to $870 million."
    )
    assert one(text, "$9,870").speaker == "Northland State University System Board of Regents"
    assert one(text, "142,300").speaker == "Northland State University System"
    assert one(text, "$870 million").speaker == "Thomas Albrecht"
    text = (
        "Support per student stands at $10,940, according to the Legislative Fiscal Bureau, still below the $11,800 "
        "it reached in fiscal 2008."
    )
    assert one(text, "$11,800").speaker == "Legislative Fiscal Bureau"


def test_attribution_shapes_blind17_revealed():
    text = (
        "The programs drew scrutiny last week when the Office of the State Auditor released a 64-page review. The "
        "review found that 27 municipalities collected $58.3 million. The missing report would be filed by the end "
        "of March. Trustee Karen Liu, who voted against the contract, said the audit confirmed her fears. "
        '"The budget assumes we\'ll take in $1.8 million," she said.'
    )
    assert one(text, "$58.3 million").speaker == "Office of the State Auditor"
    assert one(text, "$1.8 million").speaker == "Karen Liu"
    text = (
        "To pay for the work, the Riverton Water Utility has proposed raising rates 9.5% next year, said Keisha "
        "Randall, a utility spokeswoman. A utility supervisor, speaking on condition of anonymity because he was not "
        "authorized to discuss staffing, said crews had a backlog of about 130 repairs."
    )
    assert one(text, "9.5%").speaker == "Keisha Randall"
    assert (one(text, "130").speaker, one(text, "130").attribution_kind) == ("utility supervisor", "anonymous")
    text = "Supporters point to a survey by Rutgers University that found 42% of drivers lost their jobs."
    assert one(text, "42%").speaker == "Rutgers University"
    text = (
        "Five area districts together have 38 counselor and psychologist positions paid for by the U.S. Department "
        "of Education's School-Based Mental Health Services Grant, KVFN found after contacting each district."
    )
    assert (one(text, "38").speaker, one(text, "38").attribution_kind) == ("KVFN", "reported")
    text = (
        "The Centers for Medicare & Medicaid Services finalized the rule. CMS estimated it would cost about $43 "
        "billion. The American Health Care Association has argued the price is far higher: it estimates the rule "
        "would cost $6.8 billion a year."
    )
    assert one(text, "$43 billion").speaker == "Centers for Medicare & Medicaid Services"
    assert one(text, "$6.8 billion").speaker == "American Health Care Association"
    text = (
        "The Lansing State Journal reported that roughly 40% of applications were sent back, a problem the department "
        "says it has fixed."
    )
    assert one(text, "40%").speaker == "Lansing State Journal"
    text = (
        "The Kentucky Office for Refugees, which passes money from the Office of Refugee Resettlement to local "
        "agencies, received $18.6 million, according to a budget summary posted on its website. Bluegrass Refugee "
        "Services laid off staff. The agency's federal revenue fell 71%, according to its annual report."
    )
    assert one(text, "$18.6 million").speaker == "Kentucky Office for Refugees"
    assert one(text, "71%").speaker == "Bluegrass Refugee Services"


def test_not_mentions_and_comparisons_after_blind17():
    text = (
        "The court sits at 1623 E. J St. In Matter of Yajure Hurtado, 29 I&N Dec. 216, the board ruled. The group "
        "now has three caseworkers, down from nine at the start of the year."
    )
    assert [x.surface for x in extract(text, published=PUB)] == ["three", "nine"]


def test_judges_after_blind17():
    text = (
        "A district judge in western Kansas, who spoke on condition of anonymity because judges may not weigh in, "
        "said his court had postponed at least 40 trials. U.S. District Judge Maria Lopez ruled Monday. The judge "
        "said 30 people were held too long."
    )
    assert (one(text, "40").speaker, one(text, "40").attribution_kind) == (
        "district judge in western Kansas",
        "anonymous",
    )
    assert one(text, "30").speaker == "Maria Lopez"


def test_attribution_shapes_blind18_revealed():
    text = (
        "U.S. Citizenship and Immigration Services runs the program. As of Dec. 31, about 310,000 applications were "
        "pending, according to agency figures cited in the order."
    )
    assert one(text, "310,000").speaker == "U.S. Citizenship and Immigration Services"
    text = "City payroll records I obtained through a public records request show a captain collected $187,400."
    assert one(text, "$187,400").speaker == "City payroll records"
    text = (
        "Its elections office had filled about 62% of its slots, according to a staffing report the Northampton "
        "County Division of Elections presented to County Council last week."
    )
    assert one(text, "62%").speaker == "Northampton County Division of Elections"
    text = (
        "A report released in June by the Kentucky Addiction Policy Institute found problems. The busiest 250 "
        "prescribers, the report found, wrote more than half of the prescriptions. Deaths fell to 1,410, according "
        "to the annual Drug Overdose Fatality Report from the Office of Drug Control Policy. The report found "
        "fentanyl was involved in roughly seven of every 10 deaths."
    )
    assert one(text, "half").speaker == "Kentucky Addiction Policy Institute"
    assert (one(text, "1,410").speaker, one(text, "1,410").attribution_kind) == (
        "Office of Drug Control Policy",
        "document",
    )
    assert one(text, "seven of every 10").speaker == "Office of Drug Control Policy"


def test_not_mentions_after_blind18():
    text = (
        "Marisol Greene, whose son, 34, is held there, said 40 died. A captain at Station 9 collected $187,400. A "
        "bill, Senate File 2191, cleared. It pays $600 for each child under 6. The crew came from a station 9 miles "
        "away. They plan to file 12 lawsuits."
    )
    assert [x.surface for x in extract(text, published=PUB)] == ["40", "$187,400", "$600", "9", "12"]


def test_the_same_unnamed_speaker_after_blind18():
    text = (
        "A mayoral aide, who asked not to be named because the budget isn't final, told me the class will have 80 "
        "recruits. But it takes about 18 months before a new hire can work alone, the aide said."
    )
    assert (one(text, "18 months").speaker, one(text, "18 months").attribution_kind) == ("mayoral aide", "anonymous")


def test_call_letters_are_outlets_but_three_letter_acronyms_are_not():
    text = "Five districts have 38 positions, KVFN found. An analysis by KFF found that 19 percent meet the rule."
    assert (one(text, "38").speaker, one(text, "38").attribution_kind) == ("KVFN", "reported")
    assert (one(text, "19 percent").speaker, one(text, "19 percent").attribution_kind) == ("KFF", "document")
