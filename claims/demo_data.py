"""The demo data set: US immigration enforcement 2021-2024, as plain Python structures.

`manage.py load_demo` loads it (upserting on natural keys, so it can run any number of times). The claims,
speakers, attributions and figures come from five real articles of the period (the project's reading
corpus) and the original reports they cite; claim texts and excerpts are paraphrases written for the demo.

What is real and what is not:
- Outlets, speakers, source titles and the figures claimed are taken from the articles. URLs on
  washingtontimes.com, lawenforcementtoday.com, redstate.com and the Political Insider's newsletter were
  seen in public copies; the others are plausible canonical URLs on the outlets' domains. One republished
  article names no publisher; it has no outlet and a URL on a reserved `.example` domain.
- The reference series and every observation are INVENTED. They are marked `illustrative`, their
  descriptions say so first, every observation's note says so, and no observation points to a real
  release (`source` stays empty) so that an invented number is never attributed to an agency.
- Published verdicts on claims checked against those series say in their explanation that the reference
  figures are illustrative demo data.

Natural keys (what the loader matches on): outlet name, source url, speaker (name, kind), topic slug,
series slug, observation (series, period_start, period_end, vintage), claim text, appearance
(claim, source). Editing a claim's text here therefore adds a new claim on the next load; the old one stays.
"""

import calendar
import datetime

ILLUSTRATIVE_NOTE = "Illustrative demo data"
ILLUSTRATIVE_DESCRIPTION_PREFIX = "Illustrative demo data, not official figures."
# Said by every published verdict whose reference figures come from an illustrative series.
ILLUSTRATIVE_EXPLANATION_PHRASE = "illustrative demo data"

TOPICS = ["detention", "budget", "immigration-courts", "deportation", "sanctuary-cities", "border", "polling"]

# --- outlets ------------------------------------------------------------------------------------------------

WAPO = "The Washington Post"
WASHINGTON_TIMES = "The Washington Times"
EXAMINER = "Washington Examiner"
NBC = "NBC News"
REUTERS = "Reuters"
LET = "Law Enforcement Today"
REDSTATE = "RedState"
POLITICAL_INSIDER = "The Political Insider"
ICE = "U.S. Immigration and Customs Enforcement"
EOIR = "Executive Office for Immigration Review"
CBP = "U.S. Customs and Border Protection"
TRAC = "Transactional Records Access Clearinghouse"
REUTERS_IPSOS = "Reuters/Ipsos"

OUTLETS = [
    {"name": WAPO, "domain": "washingtonpost.com", "kind": "news"},
    {"name": WASHINGTON_TIMES, "domain": "washingtontimes.com", "kind": "news"},
    {"name": EXAMINER, "domain": "washingtonexaminer.com", "kind": "news"},
    {"name": NBC, "domain": "nbcnews.com", "kind": "news"},
    {"name": REUTERS, "domain": "reuters.com", "kind": "news"},
    {"name": LET, "domain": "lawenforcementtoday.com", "kind": "news"},
    {"name": REDSTATE, "domain": "redstate.com", "kind": "news"},
    {"name": POLITICAL_INSIDER, "domain": "thepoliticalinsider.com", "kind": "news"},
    {"name": ICE, "domain": "ice.gov", "kind": "government"},
    {"name": EOIR, "domain": "justice.gov", "kind": "government"},
    {"name": CBP, "domain": "cbp.gov", "kind": "government"},
    {"name": TRAC, "domain": "trac.syr.edu", "kind": "think_tank"},
    {"name": REUTERS_IPSOS, "domain": "ipsos.com", "kind": "pollster"},
]

# --- sources ------------------------------------------------------------------------------------------------

URL_WAPO_ICE_RELEASES = "https://www.washingtonpost.com/immigration/2024/02/14/ice-detention-release-budget-shortfall/"
URL_POLITICAL_INSIDER = (
    "https://newsletters.thepoliticalinsider.com/p/"
    "following-mayorkas-impeachment-ice-plotting-a-mass-release-of-illegal-immigrants-report"
)
URL_WAPO_SANCTUARY = (
    "https://www.washingtonpost.com/immigration/"
    "white-house-proposed-releasing-immigrant-detainees-in-sanctuary-cities-targeting-political-foes/2019/04/11/"
)
URL_REUTERS_SANCTUARY = (
    "https://www.reuters.com/world/us/"
    "white-house-considered-releasing-detained-migrants-sanctuary-cities-washington-post-2019-04-12/"
)
URL_WT_MAYORKAS = "https://www.washingtontimes.com/news/2021/apr/6/alejandro-mayorkas-joe-biden-dhs-chief-vows-defend/"
URL_LET_MAYORKAS = (
    "https://www.lawenforcementtoday.com/dhs-secretary-wont-abolish-ice-planning-action-against-sanctuary-cities/"
)
URL_EXAMINER_COURTS = (
    "https://www.washingtonexaminer.com/policy/immigration/"
    "biden-administration-quietly-erasing-immigration-court-caseload-de-facto-amnesty"
)
URL_REDSTATE_COURTS = (
    "https://www.redstate.com/kiradavis/2022/06/25/"
    "biden-administration-simply-erasing-immigration-court-cases-in-de-facto-amnesty-n584129"
)
URL_NBC_LECHLEITNER = (
    "https://www.nbcnews.com/politics/immigration/sanctuary-cities-quietly-cooperating-ice-acting-director-says"
)
URL_UNATTRIBUTED_COOPERATION = (
    "https://republished-article.example/2024/07/democratic-cities-quietly-cooperating-with-ice"
)
URL_ICE_DETENTION_STATS = "https://www.ice.gov/detain/detention-management"
URL_EOIR_STATS = "https://www.justice.gov/eoir/workload-and-adjudication-statistics"
URL_CBP_ENCOUNTERS = "https://www.cbp.gov/newsroom/stats/southwest-land-border-encounters"
URL_TRAC_QUICKFACTS = "https://trac.syr.edu/immigration/quickfacts/"

SOURCES = [
    {
        "url": URL_WAPO_ICE_RELEASES,
        "title": "After border bill failure, ICE considers mass releases to close budget gap",
        "outlet": WAPO,
        "published_on": "2024-02-14",
        "kind": "article",
    },
    {
        "url": URL_POLITICAL_INSIDER,
        "title": "Following Mayorkas Impeachment, ICE Plotting A Mass Release Of Illegal Immigrants: Report",
        "outlet": POLITICAL_INSIDER,
        "published_on": "2024-02-14",
        "kind": "article",
    },
    {
        "url": URL_WAPO_SANCTUARY,
        "title": "White House proposed releasing immigrant detainees in sanctuary cities, targeting political foes",
        "outlet": WAPO,
        "published_on": "2019-04-11",
        "kind": "article",
    },
    {
        "url": URL_REUTERS_SANCTUARY,
        "title": "White House considered releasing detained migrants in sanctuary cities: Washington Post",
        "outlet": REUTERS,
        "published_on": "2019-04-12",
        "kind": "article",
    },
    {
        "url": URL_WT_MAYORKAS,
        "title": "Biden's Department of Homeland Security chief vows to defend ICE, battle sanctuary cities",
        "outlet": WASHINGTON_TIMES,
        "published_on": "2021-04-06",
        "kind": "article",
    },
    {
        "url": URL_LET_MAYORKAS,
        "title": (
            "DHS secretary won't abolish ICE, now planning action against sanctuary cities that refuse to work "
            "with agency"
        ),
        "outlet": LET,
        "published_on": "2021-04-07",
        "kind": "article",
    },
    {
        "url": URL_EXAMINER_COURTS,
        "title": "Biden administration quietly erasing immigration court caseload: 'De facto amnesty'",
        "outlet": EXAMINER,
        "published_on": "2022-06-24",
        "kind": "article",
    },
    {
        "url": URL_REDSTATE_COURTS,
        "title": "Biden Administration Simply Erasing Immigration Court Cases in 'De Facto Amnesty'",
        "outlet": REDSTATE,
        "published_on": "2022-06-25",
        "kind": "article",
    },
    {
        "url": URL_NBC_LECHLEITNER,
        "title": "Some sanctuary cities are quietly cooperating with ICE, acting director says",
        "outlet": NBC,
        "published_on": "2024-07-19",
        "kind": "article",
    },
    {
        # The corpus copy names no publisher: no outlet, and a reserved domain rather than a guessed one.
        "url": URL_UNATTRIBUTED_COOPERATION,
        "title": "Democratic cities quietly begin cooperating with ICE (republished article, publisher unknown)",
        "outlet": None,
        "published_on": "2024-07-21",
        "kind": "article",
    },
    {
        "url": URL_ICE_DETENTION_STATS,
        "title": "ICE detention statistics (Detention Management)",
        "outlet": ICE,
        "published_on": None,
        "kind": "dataset",
    },
    {
        "url": URL_EOIR_STATS,
        "title": "EOIR workload and adjudication statistics",
        "outlet": EOIR,
        "published_on": None,
        "kind": "dataset",
    },
    {
        "url": URL_CBP_ENCOUNTERS,
        "title": "Southwest land border encounters",
        "outlet": CBP,
        "published_on": None,
        "kind": "dataset",
    },
    {
        "url": URL_TRAC_QUICKFACTS,
        "title": "TRAC Immigration: quick facts",
        "outlet": TRAC,
        "published_on": None,
        "kind": "report",
    },
]

# --- speakers -----------------------------------------------------------------------------------------------
# `same_as` stays empty: it is only filled where the Wikidata Q-id is known for certain.

MAYORKAS = "Alejandro Mayorkas"
JEAN_PIERRE = "Karine Jean-Pierre"
LECHLEITNER = "P.J. Lechleitner"
DOYLE = "Kerry Doyle"
FEERE = "Jon Feere"
MURPHY = "Chris Murphy"
MILLER = "Stephen Miller"
SPEAKER_ICE = ICE
SPEAKER_TRAC = TRAC
SPEAKER_REUTERS_IPSOS = REUTERS_IPSOS
ANON_ICE_DHS_SOURCES = "multiple sources at ICE and DHS"
ANON_TWO_DHS_OFFICIALS = "two DHS officials"
ANON_CONGRESSIONAL_INVESTIGATOR = "one congressional investigator"
ANON_ICE_PROSECUTOR = "an ICE federal prosecutor"

SPEAKERS = [
    {
        "name": MAYORKAS,
        "kind": "person",
        "role": "Secretary of Homeland Security",
        "organization": "U.S. Department of Homeland Security",
    },
    {"name": JEAN_PIERRE, "kind": "person", "role": "White House press secretary", "organization": "The White House"},
    {"name": LECHLEITNER, "kind": "person", "role": "Acting ICE Director", "organization": ICE},
    {"name": DOYLE, "kind": "person", "role": "ICE principal legal adviser", "organization": ICE},
    {
        "name": FEERE,
        "kind": "person",
        "role": "Former senior ICE official",
        "organization": "Center for Immigration Studies",
    },
    {"name": MURPHY, "kind": "person", "role": "U.S. Senator (D-Conn.)", "organization": "U.S. Senate"},
    {
        "name": MILLER,
        "kind": "person",
        "role": "White House senior adviser on immigration policy",
        "organization": "The White House",
    },
    {"name": SPEAKER_ICE, "kind": "organization", "role": "", "organization": ""},
    {"name": SPEAKER_TRAC, "kind": "organization", "role": "", "organization": "Syracuse University"},
    {"name": SPEAKER_REUTERS_IPSOS, "kind": "organization", "role": "Poll", "organization": ""},
    {
        "name": ANON_ICE_DHS_SOURCES,
        "kind": "anonymous",
        "role": "Officials speaking on condition of anonymity (four, per the Post)",
        "organization": "ICE and the Department of Homeland Security",
    },
    {
        "name": ANON_TWO_DHS_OFFICIALS,
        "kind": "anonymous",
        "role": "Officials speaking on condition of anonymity",
        "organization": "Department of Homeland Security",
    },
    {
        "name": ANON_CONGRESSIONAL_INVESTIGATOR,
        "kind": "anonymous",
        "role": "Investigator who spoke with one of the DHS whistleblowers",
        "organization": "U.S. Congress",
    },
    {
        "name": ANON_ICE_PROSECUTOR,
        "kind": "anonymous",
        "role": "Federal prosecutor speaking on condition of anonymity",
        "organization": ICE,
    },
]

# --- reference series (INVENTED numbers) ------------------------------------------------------------------


def _monthly(year: int, values: list[int]) -> list[dict]:
    """Twelve monthly observations of `year`, each first released on the 15th of the following month."""
    assert len(values) == 12, year
    rows = []
    for month, value in enumerate(values, start=1):
        last_day = calendar.monthrange(year, month)[1]
        release = datetime.date(year + (month == 12), month % 12 + 1, 15)
        rows.append(
            {
                "period_start": f"{year}-{month:02d}-01",
                "period_end": f"{year}-{month:02d}-{last_day:02d}",
                "value": str(value),
                "vintage": release.isoformat(),
            }
        )
    return rows


def _obs(period_start: str, period_end: str, value: int, vintage: str) -> dict:
    return {"period_start": period_start, "period_end": period_end, "value": str(value), "vintage": vintage}


SERIES_FUNDED_BEDS = "ice-detention-funded-beds"
SERIES_ADP = "ice-detention-average-daily-population"
SERIES_EOIR_PENDING = "eoir-pending-cases"
SERIES_BOOK_INS = "ice-book-ins"

SERIES = [
    {
        "slug": SERIES_FUNDED_BEDS,
        "name": "ICE detention, funded beds",
        "unit": "count",
        "counted_noun": "beds",
        "publisher": ICE,
        "description": (
            f"{ILLUSTRATIVE_DESCRIPTION_PREFIX} Invented fiscal-year values (October to September) in the shape "
            "of the detention capacity Congress funds for ICE, made up for trying out the tracker; never cite "
            "them. Fiscal 2024 has a first release under a continuing resolution and a revised one."
        ),
        "observations": [
            _obs("2019-10-01", "2020-09-30", 45274, "2020-01-15"),
            _obs("2020-10-01", "2021-09-30", 34000, "2021-01-15"),
            _obs("2021-10-01", "2022-09-30", 34000, "2022-03-20"),
            _obs("2022-10-01", "2023-09-30", 34000, "2023-01-10"),
            _obs("2023-10-01", "2024-09-30", 34000, "2023-10-15"),
            _obs("2023-10-01", "2024-09-30", 41500, "2024-03-25"),  # revision
        ],
    },
    {
        "slug": SERIES_ADP,
        "name": "ICE detention, average daily population",
        "unit": "count",
        "counted_noun": "detainees",
        "publisher": ICE,
        "description": (
            f"{ILLUSTRATIVE_DESCRIPTION_PREFIX} Invented monthly values in the shape of ICE's average daily "
            "detained population, made up for trying out the tracker; never cite them. December 2023 has a "
            "revised release."
        ),
        "observations": [
            *_monthly(2020, [39500, 38800, 35600, 29700, 25900, 23600, 22400, 21500, 20300, 19100, 17200, 16100]),
            *_monthly(2021, [15400, 14200, 15900, 18600, 20700, 24900, 26800, 27200, 25300, 22100, 21300, 20900]),
            *_monthly(2022, [21600, 22400, 24100, 26300, 28700, 30200, 29400, 27900, 25800, 26600, 28900, 28300]),
            *_monthly(2023, [26700, 25900, 24800, 25300, 28100, 29900, 30600, 32400, 35700, 37900, 38600, 38900]),
            *_monthly(2024, [38700, 38420, 37900, 37200, 36800, 36300, 36900, 37400, 37600, 38800, 39200, 39400]),
            _obs("2023-12-01", "2023-12-31", 39150, "2024-03-15"),  # revision
        ],
    },
    {
        "slug": SERIES_EOIR_PENDING,
        "name": "EOIR pending cases",
        "unit": "count",
        "counted_noun": "cases",
        "publisher": EOIR,
        "description": (
            f"{ILLUSTRATIVE_DESCRIPTION_PREFIX} Invented quarter-end counts in the shape of the immigration "
            "courts' pending caseload, made up for trying out the tracker; never cite them. The count at "
            "2022-03-31 has a revised release."
        ),
        "observations": [
            _obs("2020-03-31", "2020-03-31", 1130000, "2020-04-20"),
            _obs("2020-06-30", "2020-06-30", 1190000, "2020-07-20"),
            _obs("2020-09-30", "2020-09-30", 1262000, "2020-10-20"),
            _obs("2020-12-31", "2020-12-31", 1290000, "2021-01-20"),
            _obs("2021-03-31", "2021-03-31", 1338000, "2021-04-20"),
            _obs("2021-06-30", "2021-06-30", 1395000, "2021-07-20"),
            _obs("2021-09-30", "2021-09-30", 1460000, "2021-10-20"),
            _obs("2021-12-31", "2021-12-31", 1596000, "2022-01-20"),
            _obs("2022-03-31", "2022-03-31", 1712000, "2022-04-20"),
            _obs("2022-03-31", "2022-03-31", 1745000, "2022-07-15"),  # revision
            _obs("2022-06-30", "2022-06-30", 1830000, "2022-07-20"),
            _obs("2022-09-30", "2022-09-30", 1940000, "2022-10-20"),
            _obs("2022-12-31", "2022-12-31", 2120000, "2023-01-20"),
            _obs("2023-03-31", "2023-03-31", 2290000, "2023-04-20"),
            _obs("2023-06-30", "2023-06-30", 2450000, "2023-07-20"),
            _obs("2023-09-30", "2023-09-30", 2650000, "2023-10-20"),
            _obs("2023-12-31", "2023-12-31", 3000000, "2024-01-20"),
            _obs("2024-03-31", "2024-03-31", 3310000, "2024-04-20"),
            _obs("2024-06-30", "2024-06-30", 3560000, "2024-07-20"),
            _obs("2024-09-30", "2024-09-30", 3700000, "2024-10-20"),
        ],
    },
    {
        "slug": SERIES_BOOK_INS,
        "name": "ICE book-ins",
        "unit": "count",
        "counted_noun": "book-ins",
        "publisher": ICE,
        "description": (
            f"{ILLUSTRATIVE_DESCRIPTION_PREFIX} Invented monthly counts in the shape of ICE-initiated book-ins "
            "into detention, made up for trying out the tracker; never cite them. March 2021 has a revised "
            "release."
        ),
        "observations": [
            *_monthly(2020, [11200, 10900, 8400, 4100, 3900, 4600, 5300, 6100, 6400, 8700, 8900, 9150]),
            *_monthly(2021, [6900, 3850, 3480, 3520, 3700, 3950, 4100, 4050, 3900, 3600, 3750, 3800]),
            *_monthly(2022, [3900, 4000, 4300, 4450, 4600, 4700, 4550, 4500, 4400, 4350, 4500, 4600]),
            *_monthly(2023, [4700, 4650, 4900, 5100, 5400, 5600, 5500, 5700, 5900, 6100, 6000, 5900]),
            *_monthly(2024, [6000, 5950, 6100, 6200, 6300, 6250, 6150, 6300, 6400, 6500, 6450, 6600]),
            _obs("2021-03-01", "2021-03-31", 3660, "2021-07-15"),  # revision
        ],
    },
]

# --- claims -------------------------------------------------------------------------------------------------


def _quantity(value, unit, qualifier, kind, as_of, *, counted_noun="", baseline_date=None, due_date=None) -> dict:
    return {
        "value": str(value),
        "unit": unit,
        "counted_noun": counted_noun,
        "qualifier": qualifier,
        "kind": kind,
        "as_of": as_of,
        "baseline_date": baseline_date,
        "due_date": due_date,
    }


def _first(source: str, excerpt: str) -> dict:
    return {"source": source, "excerpt": excerpt, "is_first": True}


def _also(source: str, excerpt: str) -> dict:
    return {"source": source, "excerpt": excerpt, "is_first": False}


# Texts of the claims that carry a published verdict (see VERDICTS).
CLAIM_DETENTION_38000 = "ICE detention stood at 38,000 beds when the cost-cutting proposal circulated in February 2024."
CLAIM_BOOK_INS_62 = "The Biden administration's enforcement priorities have cut ICE book-ins by 62 percent."
CLAIM_BACKLOG_2M = "Immigration courts are carrying a backlog of 2 million cases."
CLAIM_BACKLOG_UP_TO_2M = "There are up to 2 million backlogged cases in U.S. immigration courts."
CLAIM_POLL_OVER_HALF = (
    "Over half of Americans support rounding up and deporting immigrants who are in the country illegally."
)

CLAIMS = [
    # --- ICE budget and detention, February 2024 (The Washington Post; The Political Insider) ---
    {
        "text": "ICE faces a $700 million budget shortfall that the failed Senate border bill would have closed.",
        "speaker": ANON_ICE_DHS_SOURCES,
        "attribution_kind": "anonymous",
        "stated_on": "2024-02-14",
        "topics": ["budget"],
        "status": "in_review",
        "quantity": _quantity(700000000, "USD", "exact", "level", "2024-02-14"),
        "series": None,
        "notes": "",
        "appearances": [
            _first(
                URL_WAPO_ICE_RELEASES,
                "Four ICE and DHS officials told the Post the agency drafted release plans after the border bill "
                "failed, leaving a $700 million shortfall.",
            ),
            _also(
                URL_POLITICAL_INSIDER,
                "Citing the Post and multiple sources at ICE and DHS, says the releases are meant to close a "
                "$700 million budget deficit.",
            ),
        ],
    },
    {
        "text": "An internal ICE cost-cutting proposal would reduce the agency's detention capacity to 22,000 beds.",
        "speaker": SPEAKER_ICE,
        "attribution_kind": "document",
        "stated_on": "2024-02-14",
        "topics": ["detention", "budget"],
        "status": "in_review",
        "quantity": _quantity(
            22000, "count", "exact", "forecast", "2024-02-14", counted_noun="beds", due_date="2024-09-30"
        ),
        "series": SERIES_FUNDED_BEDS,
        "notes": (
            "A proposal described to the Post, not adopted policy. Due date read as the end of fiscal 2024, the "
            "year whose budget gap it was meant to close."
        ),
        "appearances": [
            _first(
                URL_WAPO_ICE_RELEASES,
                "An internal proposal circulating at ICE would save money by releasing thousands of detainees and "
                "cutting detention from 38,000 beds to 22,000.",
            ),
            _also(
                URL_POLITICAL_INSIDER,
                "Quotes an internal proposal to release thousands of detainees and cut detention levels from "
                "38,000 beds to 22,000.",
            ),
        ],
    },
    {
        "text": CLAIM_DETENTION_38000,
        "speaker": SPEAKER_ICE,
        "attribution_kind": "document",
        "stated_on": "2024-02-14",
        "topics": ["detention"],
        "status": "published",
        "quantity": _quantity(38000, "count", "exact", "level", "2024-02-14", counted_noun="beds"),
        "series": SERIES_ADP,
        "notes": "The starting level of the proposal: 'cutting detention levels from 38,000 beds'.",
        "appearances": [
            _first(
                URL_WAPO_ICE_RELEASES,
                "The proposal would take ICE detention levels down from the current 38,000 beds, the Post reports.",
            ),
            _also(
                URL_POLITICAL_INSIDER,
                "Repeats the Post's account that detention levels would fall from 38,000 beds.",
            ),
        ],
    },
    {
        "text": "The Senate foreign aid package that failed in February 2024 was a $118 billion bill.",
        "speaker": None,
        "attribution_kind": "own",
        "stated_on": "2024-02-14",
        "topics": ["budget", "border"],
        "status": "draft",
        "quantity": _quantity(118000000000, "USD", "exact", "level", "2024-02-07"),
        "series": None,
        "notes": "as_of is the Senate vote that sank the package (2024-02-07). Check the total against the bill text.",
        "appearances": [
            _first(
                URL_POLITICAL_INSIDER,
                "Calls the planned releases a direct response to the Senate's failure to pass a $118 billion "
                "foreign aid bill.",
            ),
        ],
    },
    {
        "text": (
            "The failed Senate bill would have given ICE $6 billion in supplemental funding for enforcement "
            "operations."
        ),
        "speaker": None,
        "attribution_kind": "own",
        "stated_on": "2024-02-14",
        "topics": ["budget"],
        "status": "in_review",
        "quantity": _quantity(6000000000, "USD", "exact", "level", "2024-02-14"),
        "series": None,
        "notes": "",
        "appearances": [
            _first(
                URL_WAPO_ICE_RELEASES,
                "The bipartisan border bill Republicans opposed would have provided $6 billion in supplemental "
                "funding for ICE enforcement, the Post reports.",
            ),
            _also(
                URL_POLITICAL_INSIDER,
                "Says the bill would have provided $6 billion in supplemental ICE funding, enough to cover the "
                "$700 million deficit.",
            ),
        ],
    },
    {
        "text": "Over the coming weeks, ICE will be forced to reduce operations because of budget shortfalls.",
        "speaker": JEAN_PIERRE,
        "attribution_kind": "direct_quote",
        "stated_on": None,
        "topics": ["budget"],
        "status": "in_review",
        "quantity": None,
        "series": None,
        "notes": "Said before the Senate vote of 2024-02-07; the articles give no exact date.",
        "appearances": [
            _first(
                URL_POLITICAL_INSIDER,
                "Quotes Jean-Pierre, before the bill collapsed, warning that ICE would be forced to reduce "
                "operations within weeks for lack of money.",
            ),
        ],
    },
    {
        "text": (
            "Democrats' immigration strategy \"has failed to deliver for the people we care about most, the "
            "undocumented Americans that are in this country.\""
        ),
        "speaker": MURPHY,
        "attribution_kind": "direct_quote",
        "stated_on": None,
        "topics": ["border"],
        "status": "draft",
        "quantity": None,
        "series": None,
        "notes": "Said in an MSNBC interview the week before 2024-02-14; the exact date is not in the article.",
        "appearances": [
            _first(
                URL_POLITICAL_INSIDER,
                "Cites Sen. Chris Murphy telling MSNBC that Democrats' immigration strategy failed the undocumented "
                "people they care about most.",
            ),
        ],
    },
    {
        "text": "Mayorkas is the first cabinet secretary to be impeached in nearly 150 years.",
        "speaker": None,
        "attribution_kind": "own",
        "stated_on": "2024-02-14",
        "topics": ["border"],
        "status": "in_review",
        "quantity": _quantity(150, "years", "nearly", "level", "2024-02-13"),
        "series": None,
        "notes": (
            "The House impeached Mayorkas on 2024-02-13. The previous cabinet secretary impeached was War "
            "Secretary William Belknap, in 1876. No reference series: an editor's call."
        ),
        "appearances": [
            _first(
                URL_POLITICAL_INSIDER,
                "Notes the House impeached Mayorkas the day before, the first cabinet secretary impeached in "
                "nearly 150 years.",
            ),
        ],
    },
    # --- The 2019 sanctuary-city release proposal (The Washington Post; Reuters) ---
    {
        "text": (
            "White House adviser Stephen Miller pressed ICE to release detainees in sanctuary cities to "
            "retaliate against Democratic opponents."
        ),
        "speaker": ANON_TWO_DHS_OFFICIALS,
        "attribution_kind": "anonymous",
        "stated_on": "2019-04-11",
        "topics": ["sanctuary-cities", "detention"],
        "status": "in_review",
        "quantity": None,
        "series": None,
        "notes": "Reported in April 2019, before the 2021-2024 period of the rest of the set.",
        "appearances": [
            _first(
                URL_WAPO_SANCTUARY,
                "Two DHS officials said Miller discussed the plan with ICE; his name was on none of the documents, "
                "but ICE officials understood he was pressing it.",
            ),
            _also(
                URL_REUTERS_SANCTUARY,
                "Reuters, citing the Post, reports White House pressure on ICE to release detained migrants into "
                "sanctuary cities such as San Francisco.",
            ),
        ],
    },
    {
        "text": "\"It was basically an idea that Miller wanted that nobody else wanted to carry out.\"",
        "speaker": ANON_CONGRESSIONAL_INVESTIGATOR,
        "attribution_kind": "anonymous",
        "stated_on": "2019-04-11",
        "topics": ["sanctuary-cities"],
        "status": "draft",
        "quantity": None,
        "series": None,
        "notes": "",
        "appearances": [
            _first(
                URL_WAPO_SANCTUARY,
                "A congressional investigator who spoke with one of the whistleblowers said no one but Miller "
                "wanted to carry the idea out.",
            ),
        ],
    },
    {
        "text": (
            "If Congress cuts ICE funding, the agency should make sure it releases detainees in Pelosi's district "
            "and other congressional districts."
        ),
        "speaker": MILLER,
        "attribution_kind": "anonymous",
        "stated_on": None,
        "topics": ["sanctuary-cities", "detention"],
        "status": "draft",
        "quantity": None,
        "series": None,
        "notes": "Miller's words as relayed by one congressional investigator; when he said them is not reported.",
        "appearances": [
            _first(
                URL_WAPO_SANCTUARY,
                "The investigator said Miller called ICE officials and told them to release people in Pelosi's "
                "and other districts if funding was cut.",
            ),
        ],
    },
    # --- Mayorkas's forum with ICE employees, spring 2021 (The Washington Times; Law Enforcement Today) ---
    {
        "text": "\"I'm 100 percent opposed to the abolition of ICE.\"",
        "speaker": MAYORKAS,
        "attribution_kind": "direct_quote",
        "stated_on": None,
        "topics": ["deportation"],
        "status": "in_review",
        "quantity": None,
        "series": None,
        "notes": (
            "'100 percent' is emphasis, not a measurable figure: recorded without a quantity. Said at a virtual "
            "forum with ICE employees in the week before 2021-04-06."
        ),
        "appearances": [
            _first(
                URL_WT_MAYORKAS,
                "Mayorkas told ICE employees at a virtual town hall that he is 100% opposed to abolishing the "
                "agency, according to notes the Times reviewed.",
            ),
            _also(
                URL_LET_MAYORKAS,
                "Quotes Mayorkas telling ICE staff he is 100 percent opposed to abolishing ICE and wants to "
                "strengthen its practices.",
            ),
        ],
    },
    {
        "text": "Mayorkas plans to take action against sanctuary cities that refuse to work with ICE.",
        "speaker": MAYORKAS,
        "attribution_kind": "paraphrase",
        "stated_on": None,
        "topics": ["sanctuary-cities"],
        "status": "in_review",
        "quantity": None,
        "series": None,
        "notes": "From the same forum with ICE employees, the week before 2021-04-06.",
        "appearances": [
            _first(
                URL_WT_MAYORKAS,
                "Mayorkas said he is preparing to take on sanctuary cities that refuse to work with ICE, calling it "
                "one of his significant priorities.",
            ),
            _also(
                URL_LET_MAYORKAS,
                "Reports, citing the Times, that Mayorkas plans action against sanctuary jurisdictions that will "
                "not cooperate with ICE.",
            ),
        ],
    },
    {
        "text": "More people who cross the border illegally should be prosecuted criminally, not only removed.",
        "speaker": MAYORKAS,
        "attribution_kind": "paraphrase",
        "stated_on": None,
        "topics": ["deportation", "border"],
        "status": "draft",
        "quantity": None,
        "series": None,
        "notes": "From the same forum; he named illegal re-entry cases under 8 U.S.C. 1326.",
        "appearances": [
            _first(
                URL_WT_MAYORKAS,
                "Mayorkas said he sees removals of people he thinks should be prosecuted criminally and will work "
                "with the Justice Department on it.",
            ),
            _also(
                URL_LET_MAYORKAS,
                "Says Mayorkas wants more illegal immigrants to face criminal prosecution for crossing the border.",
            ),
        ],
    },
    {
        "text": CLAIM_BOOK_INS_62,
        "speaker": SPEAKER_TRAC,
        "attribution_kind": "reported",
        "stated_on": "2021-04-07",
        "topics": ["detention", "deportation"],
        "status": "published",
        "quantity": _quantity(
            -62, "percent", "exact", "change", "2021-03-31", baseline_date="2020-12-31"
        ),
        "series": SERIES_BOOK_INS,
        "notes": "The article gives no comparison period; read as December 2020 against March 2021.",
        "appearances": [
            _first(
                URL_LET_MAYORKAS,
                "Citing the Transactional Records Access Clearinghouse, says the new priorities have cut ICE "
                "book-ins by 62 percent.",
            ),
        ],
    },
    {
        "text": "\"Biden's DHS is allowing thousands of criminal aliens to run free via its own policies.\"",
        "speaker": FEERE,
        "attribution_kind": "direct_quote",
        "stated_on": "2021-04-06",
        "topics": ["deportation", "sanctuary-cities"],
        "status": "draft",
        "quantity": None,
        "series": None,
        "notes": "'Thousands' is too vague to record as a figure.",
        "appearances": [
            _first(
                URL_WT_MAYORKAS,
                "Jon Feere, a former ICE official now at the Center for Immigration Studies, told the Times narrow "
                "priorities let thousands of criminal aliens go free.",
            ),
            _also(
                URL_LET_MAYORKAS,
                "Quotes Feere saying Mayorkas's sanctuary-city promise rings hollow under a narrow enforcement "
                "scheme.",
            ),
        ],
    },
    # --- Immigration court dismissals, 2022 (Washington Examiner; RedState) ---
    {
        "text": CLAIM_BACKLOG_2M,
        "speaker": None,
        "attribution_kind": "own",
        "stated_on": "2022-06-24",
        "topics": ["immigration-courts"],
        "status": "published",
        "quantity": _quantity(2000000, "count", "exact", "level", "2022-06-24", counted_noun="cases"),
        "series": SERIES_EOIR_PENDING,
        "notes": "",
        "appearances": [
            _first(
                URL_EXAMINER_COURTS,
                "ICE attorneys have begun discarding tens of thousands of the 2 million cases backlogged in "
                "immigration court, the Examiner reports.",
            ),
        ],
    },
    {
        "text": CLAIM_BACKLOG_UP_TO_2M,
        "speaker": None,
        "attribution_kind": "reported",
        "stated_on": "2022-06-25",
        "topics": ["immigration-courts"],
        "status": "published",
        "quantity": _quantity(2000000, "count", "at_most", "level", "2022-06-25", counted_noun="cases"),
        "series": SERIES_EOIR_PENDING,
        "notes": "RedState's rendering of the Examiner's figure adds 'up to'.",
        "appearances": [
            _first(
                URL_REDSTATE_COURTS,
                "Citing the Washington Examiner, says there are up to 2 million backlogged cases in the "
                "immigration courts.",
            ),
        ],
    },
    {
        "text": "ICE attorneys have begun throwing out tens of thousands of backlogged immigration court cases.",
        "speaker": None,
        "attribution_kind": "own",
        "stated_on": "2022-06-24",
        "topics": ["immigration-courts"],
        "status": "in_review",
        "quantity": _quantity(20000, "count", "at_least", "level", "2022-06-24", counted_noun="cases"),
        "series": None,
        "notes": "'Tens of thousands' recorded as at least 20,000.",
        "appearances": [
            _first(
                URL_EXAMINER_COURTS,
                "Attorneys for ICE have started throwing out tens of thousands of backlogged cases after a "
                "political appointee's order, the Examiner says.",
            ),
            _also(
                URL_REDSTATE_COURTS,
                "Repeats that ICE attorneys are throwing out tens of thousands of the backlogged cases.",
            ),
        ],
    },
    {
        "text": "ICE is on track to dismiss up to 1 million immigration cases by the summer of 2024.",
        "speaker": None,
        "attribution_kind": "own",
        "stated_on": "2022-06-24",
        "topics": ["immigration-courts", "deportation"],
        "status": "in_review",
        "quantity": _quantity(
            1000000, "count", "at_most", "forecast", "2022-06-24", counted_noun="cases", due_date="2024-08-31"
        ),
        "series": None,
        "notes": "'Summer of 2024' read as due 2024-08-31. The demo set has no series of dismissals.",
        "appearances": [
            _first(
                URL_EXAMINER_COURTS,
                "The Examiner says the dismissal mandate could be on pace to effectively pardon 1 million people "
                "by 2024.",
            ),
            _also(
                URL_REDSTATE_COURTS,
                "At this rate, RedState writes, ICE is on track to dismiss up to 1 million cases by summer 2024.",
            ),
        ],
    },
    {
        "text": "\"This is a de facto amnesty.\"",
        "speaker": ANON_ICE_PROSECUTOR,
        "attribution_kind": "anonymous",
        "stated_on": "2022-06-24",
        "topics": ["immigration-courts"],
        "status": "in_review",
        "quantity": None,
        "series": None,
        "notes": "",
        "appearances": [
            _first(
                URL_EXAMINER_COURTS,
                "An ICE federal prosecutor, speaking to the Examiner on condition of anonymity, called the "
                "dismissals a de facto amnesty.",
            ),
            _also(URL_REDSTATE_COURTS, "Quotes the anonymous ICE prosecutor's 'de facto amnesty' line."),
        ],
    },
    {
        "text": "\"We've put our thumb sort of heavily in favor of dismissal and durable solutions.\"",
        "speaker": DOYLE,
        "attribution_kind": "direct_quote",
        "stated_on": "2022-04-14",
        "topics": ["immigration-courts"],
        "status": "in_review",
        "quantity": None,
        "series": None,
        "notes": "Said at a private town hall with ICE attorneys; known from leaked recordings.",
        "appearances": [
            _first(
                URL_EXAMINER_COURTS,
                "At a private town hall on April 14, Doyle told ICE attorneys the memo weighs heavily in favor of "
                "dismissal, per leaked recordings.",
            ),
            _also(URL_REDSTATE_COURTS, "Quotes Doyle's town-hall remark favoring dismissal of nonpriority cases."),
        ],
    },
    {
        "text": (
            "ICE prosecutors are to pursue only national security and public safety threats and people who crossed "
            "the border after Nov. 1, 2020; other cases are to be dropped."
        ),
        "speaker": DOYLE,
        "attribution_kind": "document",
        "stated_on": None,
        "topics": ["immigration-courts", "deportation"],
        "status": "draft",
        "quantity": None,
        "series": None,
        "notes": "From the Examiner's account of Doyle's memo and recordings; the memo's date is not in the articles.",
        "appearances": [
            _first(
                URL_EXAMINER_COURTS,
                "Recordings show Doyle explaining that only security threats and people who crossed after "
                "Nov. 1, 2020 would be pursued; the rest dropped.",
            ),
            _also(
                URL_REDSTATE_COURTS,
                "Summarizes the rule: security threats and post-Nov. 1, 2020 crossers pursued, all others dropped.",
            ),
        ],
    },
    # --- Sanctuary jurisdictions and ICE, July 2024 (NBC News; an unattributed republication) ---
    {
        "text": (
            "Some cities and counties that refused to tell ICE when they released immigrants from jail are now "
            "discussing closer coordination with the agency."
        ),
        "speaker": LECHLEITNER,
        "attribution_kind": "paraphrase",
        "stated_on": "2024-07-19",
        "topics": ["sanctuary-cities"],
        "status": "in_review",
        "quantity": None,
        "series": None,
        "notes": "",
        "appearances": [
            _first(
                URL_NBC_LECHLEITNER,
                "Acting ICE Director P.J. Lechleitner told NBC News some jurisdictions that withheld jail-release "
                "notices now discuss coordinating with ICE.",
            ),
            _also(
                URL_UNATTRIBUTED_COOPERATION,
                "Citing NBC News, says several Democratic cities now tell ICE about jail releases and consider "
                "broader cooperation.",
            ),
        ],
    },
    {
        "text": "An estimated 10 million undocumented immigrants have crossed the southern border since 2021.",
        "speaker": None,
        "attribution_kind": "own",
        "stated_on": "2024-07-21",
        "topics": ["border"],
        "status": "in_review",
        "quantity": _quantity(10000000, "count", "approximate", "level", "2024-07-21", counted_noun="crossings"),
        "series": None,
        "notes": (
            "Compare with CBP's southwest border encounters since fiscal 2021: encounters count events, not "
            "people, and include repeat crossers."
        ),
        "appearances": [
            _first(
                URL_UNATTRIBUTED_COOPERATION,
                "States that an estimated 10 million undocumented immigrants have crossed the southern border since "
                "Biden took office in 2021.",
            ),
        ],
    },
    {
        "text": CLAIM_POLL_OVER_HALF,
        "speaker": SPEAKER_REUTERS_IPSOS,
        "attribution_kind": "reported",
        "stated_on": "2024-07-21",
        "topics": ["polling", "deportation"],
        "status": "published",
        "quantity": _quantity(50, "percent", "at_least", "level", "2024-07-21"),
        "series": None,
        "notes": "The article names neither the poll's dates nor its question.",
        "appearances": [
            _first(
                URL_UNATTRIBUTED_COOPERATION,
                "Says a Reuters and Ipsos poll found over half of Americans support rounding up and deporting "
                "illegal immigrants.",
            ),
        ],
    },
]

# --- published verdicts (by an editor) ---------------------------------------------------------------------
# The ratings on series-linked claims are the ones policy v1 gives against the illustrative series, so the
# demo does not start with drift.

VERDICTS = [
    {
        "claim": CLAIM_DETENTION_38000,
        "rating": "accurate",
        "explanation": (
            "Claimed 38,000 in detention; the reference series, which is illustrative demo data, shows an average "
            "daily population of 38,420 for February 2024 (release of 2024-03-15), 1% above the claim: accurate."
        ),
    },
    {
        "claim": CLAIM_BOOK_INS_62,
        "rating": "mostly-accurate",
        "explanation": (
            "Claimed a 62 percent cut in book-ins; the reference series, which is illustrative demo data, falls "
            "from 9,150 in December 2020 to 3,660 in March 2021 (release of 2021-07-15), a 60.0 percent cut, "
            "so the claim is 2.0 points off: mostly accurate."
        ),
    },
    {
        "claim": CLAIM_BACKLOG_2M,
        "rating": "half-accurate",
        "explanation": (
            "Claimed 2,000,000 backlogged cases; the reference series, which is illustrative demo data, shows "
            "1,745,000 EOIR pending cases on 2022-03-31 (release of 2022-07-15), so the claim is 15% too high: "
            "half accurate."
        ),
    },
    {
        "claim": CLAIM_BACKLOG_UP_TO_2M,
        "rating": "accurate",
        "explanation": (
            "Claimed up to 2,000,000 backlogged cases; the reference series, which is illustrative demo data, "
            "shows 1,745,000 EOIR pending cases on 2022-03-31 (release of 2022-07-15), under the ceiling and "
            "above half of it: accurate."
        ),
    },
    {
        "claim": CLAIM_POLL_OVER_HALF,
        "rating": "unverifiable",
        "explanation": (
            "Claimed over half (at least 50 percent) of Americans; the article gives no date, question or sample "
            "for the Reuters/Ipsos poll it cites, so the figure cannot be matched to a published result: "
            "unverifiable."
        ),
    },
]
