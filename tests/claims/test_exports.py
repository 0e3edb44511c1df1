"""Exports of claims (CSV, JSON Lines) and series (CSV) from the API and the admin: columns, visibility, streaming."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import exports, services
from claims.models import Claim, ClaimStatus, Rating
from sources.exports import SERIES_COLUMNS
from tests import factories

pytestmark = pytest.mark.django_db

# The documented column sets (README, "Exports and imports"). Changing them breaks integrations: pin them.
DOCUMENTED_CLAIM_COLUMNS = [
    "id", "text", "speaker", "speaker_kind", "speaker_role", "speaker_same_as", "attribution_kind", "stated_on",
    "topics", "status", "value", "unit", "counted_noun", "qualifier", "kind", "as_of", "baseline_date", "due_date",
    "series", "first_source_url", "first_source_title", "first_source_outlet", "first_source_published_on", "excerpt",
    "other_source_urls", "verdict_rating", "verdict_rating_value", "verdict_label", "verdict_explanation",
    "verdict_made_by", "verdict_claimed_value", "verdict_reference_value", "verdict_deviation",
    "verdict_deviation_unit", "verdict_rule", "verdict_policy_version", "verdict_observation_period_start",
    "verdict_observation_period_end", "verdict_observation_vintage", "verdict_published_at", "claim_url",
]  # fmt: skip
DOCUMENTED_SERIES_COLUMNS = [
    "series_slug", "series_name", "unit", "counted_noun", "publisher", "illustrative", "period_start", "period_end",
    "value", "vintage", "note",
]  # fmt: skip

T0 = datetime.datetime(2024, 3, 1, 12, 30, 15, 123456, tzinfo=datetime.UTC)


# --- a newsroom with every kind of claim and verdict (also used by the import tests) --------------------------------


def build_newsroom(editor) -> dict:
    """Series with revisions and an empty one; claims with and without figures, by every kind of speaker and by
    none, with several appearances and topics; engine-made, editor-made, corrected and retracted verdicts."""
    ledger = factories.OutletFactory(name="Daily Ledger", domain="ledger.example")
    wire = factories.OutletFactory(name="Wire Service", domain="wire.example")
    bureau = factories.OutletFactory(name="Bureau of Statistics", kind="government")

    beds = factories.ReferenceSeriesFactory(
        slug="ice-beds", name="ICE funded beds", unit="count", counted_noun="beds", publisher=bureau, illustrative=True
    )
    for start, end, value, vintage, note in [
        ("2023-12-31", "2023-12-31", "36000", "2024-01-15", ""),
        ("2024-01-01", "2024-01-31", "38000", "2024-02-10", "first release"),
        ("2024-01-01", "2024-01-31", "37500.5", "2024-03-10", "revised, with a, comma"),
    ]:
        factories.ObservationFactory(
            series=beds,
            period_start=datetime.date.fromisoformat(start),
            period_end=datetime.date.fromisoformat(end),
            value=Decimal(value),
            vintage=datetime.date.fromisoformat(vintage),
            note=note,
        )
    budget = factories.ReferenceSeriesFactory(slug="dhs-budget", name="DHS budget", unit="USD", counted_noun="")
    factories.ObservationFactory(
        series=budget,
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        value=Decimal("60000000000"),
        vintage=datetime.date(2024, 1, 20),
    )
    bookins = factories.ReferenceSeriesFactory(slug="book-ins", name="Book-ins", unit="count", counted_noun="book-ins")
    for end, value in [("2023-01-31", "10000"), ("2024-01-31", "3800")]:
        factories.ObservationFactory(
            series=bookins,
            period_end=datetime.date.fromisoformat(end),
            value=Decimal(value),
            vintage=datetime.date(2024, 2, 1),
        )
    factories.ReferenceSeriesFactory(slug="empty-series", name="Not yet published", unit="percent", counted_noun="")

    secretary = factories.SpeakerFactory(
        name="Jane Roe", kind="person", role="DHS Secretary", same_as="https://www.wikidata.org/wiki/Q1"
    )
    agency = factories.SpeakerFactory(name="Department of Budget", kind="organization", role="")
    officials = factories.SpeakerFactory(name="two DHS officials", kind="anonymous", role="")

    s1 = factories.SourceFactory(url="https://ledger.example/a/1", title="Beds cut", outlet=ledger)
    s2 = factories.SourceFactory(url="https://wire.example/b/2", title="Wire copy", outlet=wire)
    s3 = factories.SourceFactory(url="https://ledger.example/a/3", title="", outlet=None, published_on=None)
    s4 = factories.SourceFactory(
        url="https://wire.example/b/4",
        title='Budget "gap", explained',
        outlet=wire,
        published_on=datetime.date(2024, 1, 5),
    )

    def claim(text, speaker, *, appearances=(), topics=(), series=None, quantity=None, stated_on="2024-02-14", **kw):
        return services.claim_create(
            text=text,
            speaker=speaker,
            stated_on=datetime.date.fromisoformat(stated_on) if stated_on else None,
            topics=list(topics),
            appearances=[services.AppearanceInput(source=s, excerpt=e) for s, e in appearances],
            series=series,
            quantity=quantity,
            user=editor,
            **kw,
        )

    def engine_publish(c):
        services.claim_check(claim=c)
        return services.verdict_publish(claim=c, user=editor)

    claims = {}
    claims["level"] = claim(
        "ICE holds 38,000 beds, the secretary said",
        secretary,
        attribution_kind="direct_quote",
        appearances=[(s1, "cutting detention from 38,000 beds,\nto 22,000"), (s2, "wire excerpt"), (s3, "")],
        topics=["detention", "budget"],
        series=beds,
        quantity={"value": Decimal(38000), "unit": "count", "counted_noun": "beds",
                  "as_of": datetime.date(2024, 1, 31)},  # fmt: skip
    )
    engine_publish(claims["level"])

    claims["corrected"] = claim(
        "A $70 billion budget",
        agency,
        appearances=[(s4, "a $70 billion budget")],
        topics=["budget"],
        series=budget,
        quantity={"value": Decimal("70000000000"), "unit": "USD", "qualifier": "approximate",
                  "as_of": datetime.date(2023, 12, 31)},
    )  # fmt: skip
    engine_publish(claims["corrected"])
    services.verdict_correct(
        claim=claims["corrected"],
        rating=Rating.MOSTLY_ACCURATE,
        explanation="The enacted budget includes supplemental funding.",
        note="Counted the supplemental appropriation.",
        user=editor,
    )

    claims["change"] = claim(
        "Book-ins were cut by 62 percent",
        officials,
        appearances=[(s2, "cut book-ins by 62 percent")],
        topics=["detention"],
        series=bookins,
        quantity={"value": Decimal("-62"), "unit": "percent", "kind": "change", "qualifier": "at_least",
                  "as_of": datetime.date(2024, 1, 31), "baseline_date": datetime.date(2023, 1, 31)},
    )  # fmt: skip
    engine_publish(claims["change"])

    claims["own"] = claim(
        "The agency has no plan for the backlog",
        None,
        appearances=[(s1, "no plan, the paper found")],
        stated_on="2024-02-16",
    )
    services.verdict_publish(
        claim=claims["own"], user=editor, rating=Rating.UNVERIFIABLE, explanation="No document says either way."
    )

    claims["forecast"] = claim(
        "Beds will reach 50,000 by 2025",
        secretary,
        series=beds,
        topics=["detention"],
        quantity={"value": Decimal("50000"), "unit": "count", "counted_noun": "beds", "kind": "forecast",
                  "qualifier": "at_least", "due_date": datetime.date(2025, 1, 1)},
    )  # fmt: skip

    claims["review"] = claim("Nobody was released", secretary, stated_on=None)  # undated, no appearances
    services.claim_update(claim_id=claims["review"].pk, expected_version=1, status=ClaimStatus.IN_REVIEW, user=editor)

    claims["retracted"] = claim("A retracted story's claim", officials, appearances=[(s3, "")], stated_on="2024-02-21")
    services.verdict_publish(
        claim=claims["retracted"], user=editor, rating=Rating.INACCURATE, explanation="It did not happen."
    )
    claims["retracted"].refresh_from_db()
    services.claim_update(
        claim_id=claims["retracted"].pk, expected_version=claims["retracted"].version, status="retracted", user=editor
    )
    return {name: Claim.objects.get(pk=c.pk) for name, c in claims.items()}


def read_csv(response) -> list[dict]:
    content = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(content, newline="")))


def read_jsonl(response) -> list[dict]:
    content = b"".join(response.streaming_content).decode("utf-8")
    return [json.loads(line) for line in content.splitlines() if line]


@pytest.fixture
def newsroom(editor):
    return build_newsroom(editor)


# --- the claim export through the API --------------------------------------------------------------------------------


def test_claim_csv_header_is_exactly_the_documented_columns(editor_api_client, newsroom):
    assert list(exports.CLAIM_COLUMNS) == DOCUMENTED_CLAIM_COLUMNS
    response = editor_api_client.get("/api/claims/?format=csv")

    assert response.status_code == 200
    assert response.streaming
    content = b"".join(response.streaming_content).decode("utf-8")
    assert next(csv.reader(io.StringIO(content))) == DOCUMENTED_CLAIM_COLUMNS


def test_series_csv_header_is_exactly_the_documented_columns(editor_api_client, newsroom):
    assert list(SERIES_COLUMNS) == DOCUMENTED_SERIES_COLUMNS
    response = editor_api_client.get("/api/series/?format=csv")

    content = b"".join(response.streaming_content).decode("utf-8")
    assert next(csv.reader(io.StringIO(content))) == DOCUMENTED_SERIES_COLUMNS


def test_claim_csv_headers_and_content_type(editor_api_client, newsroom):
    response = editor_api_client.get("/api/claims/?format=csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = datetime.date.today().strftime("%Y%m%d")
    assert response["Content-Disposition"] == f'attachment; filename="claims-{today}.csv"'


def test_claim_jsonl_content_type_and_keys(editor_api_client, newsroom):
    response = editor_api_client.get("/api/claims/?format=jsonl")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    assert response["Content-Disposition"].endswith('.jsonl"')
    lines = read_jsonl(response)
    assert len(lines) == len(newsroom)
    assert all(list(line) == DOCUMENTED_CLAIM_COLUMNS for line in lines)


def test_accept_header_selects_the_export_too(editor_api_client, newsroom):
    response = editor_api_client.get("/api/claims/", HTTP_ACCEPT="text/csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(read_csv(response)) == len(newsroom)


def test_json_list_is_unchanged(editor_api_client, newsroom):
    response = editor_api_client.get("/api/claims/?page_size=3")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"next", "results"}
    assert len(response.json()["results"]) == 3


def test_csv_row_values(editor_api_client, newsroom):
    rows = {int(row["id"]): row for row in read_csv(editor_api_client.get("/api/claims/?format=csv"))}
    level = rows[newsroom["level"].pk]
    verdict = newsroom["level"].published_verdict

    assert level["text"] == "ICE holds 38,000 beds, the secretary said"
    assert (level["speaker"], level["speaker_kind"], level["speaker_role"]) == ("Jane Roe", "person", "DHS Secretary")
    assert level["speaker_same_as"] == "https://www.wikidata.org/wiki/Q1"
    assert level["attribution_kind"] == "direct_quote"
    assert level["topics"] == "budget;detention"
    assert (level["value"], level["unit"], level["counted_noun"]) == ("38000", "count", "beds")
    assert (level["qualifier"], level["kind"], level["as_of"]) == ("exact", "level", "2024-01-31")
    assert level["series"] == "ice-beds"
    assert level["first_source_url"] == "https://ledger.example/a/1"
    assert (level["first_source_title"], level["first_source_outlet"]) == ("Beds cut", "Daily Ledger")
    assert level["first_source_published_on"] == "2024-02-14"
    assert level["excerpt"] == "cutting detention from 38,000 beds,\nto 22,000"
    assert level["other_source_urls"] == "https://wire.example/b/2 https://ledger.example/a/3"
    assert level["verdict_rating"] == verdict.rating
    assert level["verdict_made_by"] == "engine"
    assert level["verdict_reference_value"] == "37500.5"  # the newest release of the period
    assert level["verdict_observation_vintage"] == "2024-03-10"
    assert level["verdict_policy_version"] == "1"
    assert level["verdict_deviation_unit"] == "ratio"
    assert level["claim_url"].endswith(f"/claims/{newsroom['level'].pk}/")

    change = rows[newsroom["change"].pk]
    assert change["value"] == "-62"
    assert change["baseline_date"] == "2023-01-31"

    own = rows[newsroom["own"].pk]
    assert own["speaker"] == own["speaker_kind"] == own["value"] == ""
    assert own["attribution_kind"] == "own"
    assert rows[newsroom["review"].pk]["stated_on"] == ""
    assert (own["verdict_rating"], own["verdict_rating_value"]) == ("unverifiable", "")

    forecast = rows[newsroom["forecast"].pk]
    assert forecast["status"] == "draft"
    assert forecast["verdict_rating"] == forecast["claim_url"] == ""
    assert forecast["due_date"] == "2025-01-01"


def test_corrected_claim_exports_its_current_public_verdict(editor_api_client, newsroom):
    rows = {int(row["id"]): row for row in read_csv(editor_api_client.get("/api/claims/?format=csv"))}
    corrected = rows[newsroom["corrected"].pk]

    assert corrected["verdict_rating"] == "mostly-accurate"
    assert corrected["verdict_made_by"] == "editor"
    assert corrected["verdict_explanation"] == "The enacted budget includes supplemental funding."


def test_jsonl_values_are_typed(editor_api_client, newsroom):
    lines = {line["id"]: line for line in read_jsonl(editor_api_client.get("/api/claims/?format=jsonl"))}
    level = lines[newsroom["level"].pk]
    own = lines[newsroom["own"].pk]

    assert level["value"] == "38000"  # decimals as strings
    assert level["verdict_rating_value"] == newsroom["level"].published_verdict.rating_value
    assert level["verdict_policy_version"] == 1
    assert level["topics"] == ["budget", "detention"]
    assert level["other_source_urls"] == ["https://wire.example/b/2", "https://ledger.example/a/3"]
    assert level["verdict_published_at"].endswith("Z")
    assert own["speaker"] is None and own["value"] is None and own["counted_noun"] is None
    assert own["other_source_urls"] == []


def test_public_export_has_no_drafts(api_client, newsroom):
    rows = read_csv(api_client.get("/api/claims/?format=csv"))
    ids = {int(row["id"]) for row in rows}

    public = {newsroom[name].pk for name in ("level", "corrected", "change", "own")}
    assert ids == public
    assert {row["status"] for row in rows} == {"published"}
    lines = read_jsonl(api_client.get("/api/claims/?format=jsonl"))
    assert {line["id"] for line in lines} == public


def test_non_editor_token_sees_what_the_public_sees(non_editor_api_client, newsroom):
    rows = read_csv(non_editor_api_client.get("/api/claims/?format=csv"))

    assert {row["status"] for row in rows} == {"published"}


def test_export_applies_the_list_filters(editor_api_client, newsroom):
    rows = read_csv(editor_api_client.get("/api/claims/?format=csv&topic=budget"))
    assert {int(row["id"]) for row in rows} == {newsroom["level"].pk, newsroom["corrected"].pk}

    rows = read_csv(editor_api_client.get("/api/claims/?format=csv&status=draft"))
    assert {int(row["id"]) for row in rows} == {newsroom["forecast"].pk}


def test_export_is_not_paginated(editor_api_client, newsroom):
    for n in range(25):
        factories.ClaimFactory(text=f"claim {n}")

    rows = read_csv(editor_api_client.get("/api/claims/?format=csv&page_size=5"))

    assert len(rows) == len(newsroom) + 25


def test_invalid_filter_answers_json_error(editor_api_client, newsroom):
    response = editor_api_client.get("/api/claims/?format=csv&rating=nonsense")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["fields"]["rating"]


def test_export_query_count_does_not_grow_with_rows(editor_api_client, newsroom):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = editor_api_client.get("/api/claims/?format=csv")
            rows = read_csv(response)
        return len(queries), len(rows)

    before, rows_before = count_queries()
    for n in range(30):
        claim = factories.ClaimFactory(text=f"extra {n}", speaker=factories.SpeakerFactory())
        claim.topics.add(factories.TopicFactory(slug=f"t{n}"))
        factories.AppearanceFactory(claim=claim)
        verdict = factories.VerdictFactory(claim=claim, created_at=T0, published_at=T0)
        Claim.objects.filter(pk=claim.pk).update(published_verdict=verdict, status="published")
    after, rows_after = count_queries()

    assert rows_after == rows_before + 30
    assert after == before


# --- the series export -----------------------------------------------------------------------------------------


def test_series_csv_has_one_row_per_observation(editor_api_client, newsroom):
    response = editor_api_client.get("/api/series/?format=csv")
    rows = read_csv(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="series-')
    beds = [row for row in rows if row["series_slug"] == "ice-beds"]
    assert [(r["period_start"], r["period_end"], r["value"], r["vintage"]) for r in beds] == [
        ("2023-12-31", "2023-12-31", "36000", "2024-01-15"),
        ("2024-01-01", "2024-01-31", "38000", "2024-02-10"),
        ("2024-01-01", "2024-01-31", "37500.5", "2024-03-10"),
    ]
    assert beds[0]["publisher"] == "Bureau of Statistics"
    assert beds[0]["illustrative"] == "true"
    assert beds[2]["note"] == "revised, with a, comma"
    empty = [row for row in rows if row["series_slug"] == "empty-series"]
    assert len(empty) == 1 and empty[0]["period_end"] == empty[0]["value"] == ""


def test_one_series_observations_as_csv(editor_api_client, newsroom):
    response = editor_api_client.get("/api/series/ice-beds/observations/?format=csv")

    assert response["Content-Disposition"].startswith('attachment; filename="series-ice-beds-')
    assert {row["series_slug"] for row in read_csv(response)} == {"ice-beds"}
    assert editor_api_client.get("/api/series/ice-beds/observations/").json()["results"]


def test_public_series_export_only_has_cited_series(api_client, newsroom):
    rows = read_csv(api_client.get("/api/series/?format=csv"))

    # The draft forecast cites ice-beds too, but the published level claim makes it public.
    assert {row["series_slug"] for row in rows} == {"ice-beds", "dhs-budget", "book-ins"}


# --- the admin action ------------------------------------------------------------------------------------------


def changelist_url():
    return reverse("admin:claims_claim_changelist")


@pytest.mark.parametrize(
    ("action", "content_type"), [("export_csv", "text/csv"), ("export_jsonl", "application/x-ndjson")]
)
def test_admin_export_action(editor_client, newsroom, action, content_type):
    selected = [newsroom["level"].pk, newsroom["forecast"].pk]
    response = editor_client.post(changelist_url(), {"action": action, "_selected_action": selected})

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    rows = read_csv(response) if action == "export_csv" else read_jsonl(response)
    assert sorted(int(row["id"]) for row in rows) == sorted(selected)


def test_admin_export_action_on_filtered_claims(editor_client, newsroom):
    response = editor_client.post(
        changelist_url() + "?status__exact=published",
        {"action": "export_csv", "select_across": "1", "_selected_action": [newsroom["level"].pk]},
    )

    rows = read_csv(response)
    assert {int(row["id"]) for row in rows} == {newsroom[n].pk for n in ("level", "corrected", "change", "own")}


def test_admin_changelist_links_to_the_import_page(editor_client, newsroom):
    response = editor_client.get(changelist_url())

    assert reverse("admin:claims_claim_import") in response.content.decode()
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert {"export_csv", "export_jsonl"} <= set(actions)
