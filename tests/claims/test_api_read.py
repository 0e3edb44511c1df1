"""The read side of the API contract (DESIGN.md, "The API contract" and "What the public sees"), called as an
integration calls it, through DRF's APIClient: the shape of every resource, every filter of every list with a
matching and a non-matching case, and the 400 in the uniform error shape for every invalid filter value.

One small world (`world` below) serves every test: four published claims the public sees, a draft and a claim in
review it does not, with speakers, outlets, sources, series, engine and editor verdicts, a correction and a drift.
"""

import base64
import datetime
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection

from claims import services
from claims.models import ClaimStatus, SpeakerKind
from sources.models import LinkStatus, OutletKind, SourceKind, Unit
from tests import factories

pytestmark = pytest.mark.django_db

ON_SQLITE = connection.vendor == "sqlite"

CLAIM_KEYS = {
    "id",
    "text",
    "speaker",
    "attribution_kind",
    "stated_on",
    "topics",
    "status",
    "version",
    "quantity",
    "series",
    "appearances",
    "verdict",
    "corrections",
    "last_checked_at",
    "next_check_due",
}
EDITOR_ONLY_KEYS = {"computed_verdict", "drift", "notes"}
QUANTITY_KEYS = {"value", "unit", "counted_noun", "qualifier", "kind", "as_of", "baseline_date", "due_date"}
APPEARANCE_KEYS = {"source", "url", "title", "outlet", "published_on", "excerpt", "is_first"}
VERDICT_KEYS = {
    "id",
    "claim",
    "rating",
    "rating_value",
    "label",
    "explanation",
    "made_by",
    "claimed_value",
    "reference_value",
    "deviation",
    "deviation_unit",
    "rule",
    "observation",
    "baseline_observation",
    "policy_version",
    "created_at",
    "published_at",
    "supersedes",
    "note",
}
OBSERVATION_REF_KEYS = {"period_start", "period_end", "value", "vintage"}
CORRECTION_KEYS = {"verdict", "corrected_at", "previous_rating", "rating", "note"}
SPEAKER_KEYS = {"id", "name", "kind", "role", "organization", "same_as"}
OUTLET_KEYS = {"id", "name", "domain", "kind"}
SOURCE_KEYS = {"id", "url", "title", "outlet", "published_on", "kind", "last_status", "last_checked_at"}
SOURCE_CHECK_KEYS = {"id", "checked_at", "status_code", "final_url", "content_hash", "changed", "error", "duration_ms"}
SERIES_KEYS = {
    "slug",
    "name",
    "unit",
    "counted_noun",
    "publisher",
    "description",
    "illustrative",
    "feed_url",
    "last_refreshed_at",
}
OBSERVATION_KEYS = {"id", "period_start", "period_end", "value", "vintage", "note"}


# --- helpers -------------------------------------------------------------------------------------------------------


def assert_error(response, status: int, field: str | None = None) -> dict:
    """The uniform error shape; returns the error object."""
    assert response.status_code == status, (response.status_code, response.content)
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    if field is not None:
        assert field in error["fields"], error
    return error


def has(body: dict, expected: dict) -> None:
    """`body` has every key of `expected` with its value (keys added later do not break the contract)."""
    assert {key: body.get(key, "<absent>") for key in expected} == expected


def keys_of(body: dict, documented: set, *, editor: bool = False) -> None:
    """Every documented key is there; the editor-only keys are there for editors and absent (not null) otherwise."""
    assert documented <= set(body), sorted(documented - set(body))
    if editor:
        assert EDITOR_ONLY_KEYS <= set(body)
    else:
        assert not EDITOR_ONLY_KEYS & set(body), sorted(EDITOR_ONLY_KEYS & set(body))


def results(client, url: str) -> list[dict]:
    """Every result of a list, across all pages (following `next`)."""
    items, seen_urls = [], set()
    while url:
        assert url not in seen_urls, f"pagination loops at {url}"
        seen_urls.add(url)
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        body = response.json()
        assert set(body) == {"next", "results"}, body
        items.extend(body["results"])
        url = body["next"]
    return items


def ids(client, url: str) -> set:
    found = [item["id"] for item in results(client, url)]
    assert len(found) == len(set(found)), f"duplicates in {url}: {found}"
    return set(found)


def slugs(client, url: str) -> set:
    return {item["slug"] for item in results(client, url)}


def is_iso_date(value: str) -> bool:
    return isinstance(value, str) and datetime.date.fromisoformat(value).isoformat() == value


def is_iso_datetime(value: str) -> bool:
    if not isinstance(value, str):
        return False
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.tzinfo is not None


def at(day: str, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=datetime.UTC)


def cursor(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.fixture
def anon(api_client):
    api_client.raise_request_exception = False
    return api_client


@pytest.fixture
def editor_api(editor_api_client):
    editor_api_client.raise_request_exception = False
    return editor_api_client


@pytest.fixture
def callers(anon, non_editor_api_client, editor_api):
    non_editor_api_client.raise_request_exception = False
    return {"anonymous": anon, "non_editor": non_editor_api_client, "editor": editor_api}


# --- the world -----------------------------------------------------------------------------------------------------


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """Public: claims a, b, c, d. Hidden: e (draft, with an unpublished engine verdict) and f (in review).

    a  alice  38000 count beds   as_of 2024-01-31  detention          s1/o1 "...kumquat"  editor accurate 2024-03-01
    b  bob    62.5 percent       as_of 2023-06-30  budget             s2/o2   editor accurate 2024-05-10, corrected
                                                                              to inaccurate 2024-05-20
    c  alice  no figure                            budget, detention  s2/o2   editor mostly-accurate 2024-04-01
    d  carol  700000000 USD      as_of 2024-02-29  -                  -       engine accurate, published now; then
                                                                              engine inaccurate, unpublished (drift)
    e  bob    22000 count Beds   as_of 2024-06-30  detention          s1, s3  engine mostly-inaccurate, unpublished
    f  eve    5 percent          as_of 2024-01-31  -                  -       none
    """
    # On PostgreSQL the search document is refreshed on commit; run those callbacks (SQLite searches columns).
    with django_capture_on_commit_callbacks(execute=True):
        w = SimpleNamespace()
        w.alice = factories.SpeakerFactory(name="Alice Quimby", kind=SpeakerKind.PERSON, role="Senator")
        w.bob = factories.SpeakerFactory(
            name="Bob Okafor", kind=SpeakerKind.ORGANIZATION, role="Statistician", organization="Nimbus Institute"
        )
        w.carol = factories.SpeakerFactory(name="two DHS officials", kind=SpeakerKind.ANONYMOUS, role="")
        w.eve = factories.SpeakerFactory(name="Eve Hiddenstone", kind=SpeakerKind.PERSON, role="Mayor")
        w.nobody = factories.SpeakerFactory(name="Nobody Spoke", kind=SpeakerKind.PERSON)

        w.o1 = factories.OutletFactory(name="Daily Ledger", kind=OutletKind.NEWS, domain="ledger.example")
        w.o2 = factories.OutletFactory(name="Agency Gazette", kind=OutletKind.GOVERNMENT)
        w.o3 = factories.OutletFactory(name="Pollsters Inc", kind=OutletKind.POLLSTER)
        w.o4 = factories.OutletFactory(name="Budget Think Tank", kind=OutletKind.THINK_TANK)

        w.s1 = factories.SourceFactory(
            outlet=w.o1, kind=SourceKind.ARTICLE, published_on=datetime.date(2024, 2, 14), last_status=LinkStatus.OK
        )
        w.s2 = factories.SourceFactory(outlet=w.o2, kind=SourceKind.REPORT, published_on=datetime.date(2024, 3, 1))
        w.s3 = factories.SourceFactory(outlet=w.o3, kind=SourceKind.DATASET, published_on=None)
        w.check_old = factories.SourceCheckFactory(source=w.s1, checked_at=at("2024-03-01"), duration_ms=120)
        w.check_new = factories.SourceCheckFactory(
            source=w.s1, checked_at=at("2024-04-01"), status_code=404, error_code="http_404", changed=True
        )

        w.beds = factories.ReferenceSeriesFactory(slug="ice-beds", name="ICE funded beds", unit=Unit.COUNT)
        w.budget = factories.ReferenceSeriesFactory(
            slug="budget-usd", name="Budget", unit=Unit.USD, counted_noun="", publisher=w.o4
        )
        w.hidden_series = factories.ReferenceSeriesFactory(slug="hidden-share", name="Share", unit=Unit.PERCENT)
        w.beds_obs = factories.ObservationFactory(
            series=w.beds,
            period_end=datetime.date(2024, 1, 31),
            value=Decimal("38000"),
            vintage=datetime.date(2024, 2, 10),
        )
        w.beds_obs_range = factories.ObservationFactory(
            series=w.beds,
            period_start=datetime.date(2023, 10, 1),
            period_end=datetime.date(2023, 12, 31),
            value=Decimal("36500.5"),
            vintage=datetime.date(2024, 1, 15),
        )
        budget_obs = factories.ObservationFactory(
            series=w.budget,
            period_end=datetime.date(2024, 2, 29),
            value=Decimal("700000000"),
            vintage=datetime.date(2024, 3, 5),
        )
        detention, budget = factories.TopicFactory(slug="detention"), factories.TopicFactory(slug="budget")

        w.a = factories.ClaimFactory(
            text="ICE holds 38,000 detention beds",
            speaker=w.alice,
            value=Decimal("38000"),
            unit=Unit.COUNT,
            counted_noun="beds",
            as_of=datetime.date(2024, 1, 31),
            series=w.beds,
            notes="editors only: marzipan",
        )
        w.a.topics.add(detention)
        factories.AppearanceFactory(claim=w.a, source=w.s1, excerpt="from 38,000 beds, a kumquat of a number")
        services.verdict_publish(claim=w.a, rating="accurate", explanation="Matches.", now=at("2024-03-01"))

        w.b = factories.ClaimFactory(
            text="Book-ins were cut by 62.5 percent under the quorndale plan",
            speaker=w.bob,
            value=Decimal("62.5"),
            unit=Unit.PERCENT,
            counted_noun="",
            as_of=datetime.date(2023, 6, 30),
        )
        w.b.topics.add(budget)
        factories.AppearanceFactory(claim=w.b, source=w.s2, excerpt="book-ins fell sharply")
        w.vb1 = services.verdict_publish(claim=w.b, rating="accurate", explanation="At first.", now=at("2024-05-10"))
        w.vb2 = services.verdict_correct(
            claim=w.b, rating="inaccurate", explanation="Revised.", note="The agency revised it.", now=at("2024-05-20")
        )

        w.c = factories.ClaimFactory(
            text="Detention spending doubled",
            speaker=w.alice,
            value=None,
            unit=None,
            qualifier=None,
            kind=None,
            counted_noun="",
            as_of=None,
        )
        w.c.topics.add(budget, detention)
        factories.AppearanceFactory(claim=w.c, source=w.s2, excerpt="spending doubled")
        w.vc = services.verdict_publish(
            claim=w.c, rating="mostly-accurate", explanation="Nearly.", now=at("2024-04-01")
        )

        w.d = factories.ClaimFactory(
            text="A $700 million deficit",
            speaker=w.carol,
            attribution_kind="anonymous",
            value=Decimal("700000000"),
            unit=Unit.USD,
            counted_noun="",
            as_of=datetime.date(2024, 2, 29),
            series=w.budget,
        )
        w.vd1 = services.claim_check(claim=w.d).computed_verdict
        services.verdict_publish(claim=w.d)
        factories.ObservationFactory(
            series=w.budget,
            period_end=budget_obs.period_end,
            value=Decimal("350000000"),
            vintage=datetime.date(2024, 6, 1),
        )
        w.vd2 = services.claim_check(claim=w.d).computed_verdict
        assert (w.vd1.rating, w.vd2.rating) == ("accurate", "inaccurate")

        w.e = factories.ClaimFactory(
            text="Detention will fall to 22,000 beds",
            speaker=w.bob,
            value=Decimal("22000"),
            unit=Unit.COUNT,
            counted_noun="Beds",
            as_of=datetime.date(2024, 6, 30),
            series=w.beds,
        )
        w.e.topics.add(detention)
        factories.AppearanceFactory(claim=w.e, source=w.s1, excerpt="another kumquat")
        factories.AppearanceFactory(claim=w.e, source=w.s3, excerpt="draft excerpt", is_first=False)
        w.ve = services.claim_check(claim=w.e).computed_verdict

        w.f = factories.ClaimFactory(
            text="Five percent of cases",
            speaker=w.eve,
            value=Decimal("5"),
            unit=Unit.PERCENT,
            counted_noun="",
            as_of=datetime.date(2024, 1, 31),
            series=w.hidden_series,
            status=ClaimStatus.IN_REVIEW,
        )
    for claim in (w.a, w.b, w.c, w.d, w.e, w.f):
        claim.refresh_from_db()
    assert {x.status for x in (w.a, w.b, w.c, w.d)} == {"published"}
    assert w.e.status == "draft"
    return w


def public_claims(w):
    return {w.a.pk, w.b.pk, w.c.pk, w.d.pk}


def all_claims(w):
    return public_claims(w) | {w.e.pk, w.f.pk}


# --- shapes --------------------------------------------------------------------------------------------------------


def test_claim_detail_has_every_key_of_a_claim_as_read(anon, world):
    body = anon.get(f"/api/claims/{world.a.pk}/").json()

    keys_of(body, CLAIM_KEYS)
    assert body["id"] == world.a.pk
    assert body["text"] == "ICE holds 38,000 detention beds"
    has(
        body["speaker"],
        {
            "id": world.alice.pk,
            "name": "Alice Quimby",
            "kind": "person",
            "role": "Senator",
            "organization": "",
            "same_as": "",
        },
    )
    assert body["attribution_kind"] == "paraphrase"
    assert body["stated_on"] == "2024-02-14"
    assert body["topics"] == ["detention"]
    assert body["status"] == "published"
    assert body["version"] == world.a.version
    assert body["quantity"] == {
        "value": "38000",
        "unit": "count",
        "counted_noun": "beds",
        "qualifier": "exact",
        "kind": "level",
        "as_of": "2024-01-31",
        "baseline_date": None,
        "due_date": None,
    }
    assert body["series"] == "ice-beds"
    assert len(body["appearances"]) == 1
    has(
        body["appearances"][0],
        {
            "source": world.s1.pk,
            "url": world.s1.url,
            "title": world.s1.title,
            "outlet": "Daily Ledger",
            "published_on": "2024-02-14",
            "excerpt": "from 38,000 beds, a kumquat of a number",
            "is_first": True,
        },
    )
    verdict = body["verdict"]
    assert VERDICT_KEYS <= set(verdict)
    assert (verdict["rating"], verdict["rating_value"], verdict["label"], verdict["made_by"]) == (
        "accurate",
        6,
        "Accurate",
        "editor",
    )
    assert verdict["explanation"] == "Matches."
    assert verdict["claimed_value"] == "38000"
    assert verdict["published_at"] == "2024-03-01T12:00:00Z"
    assert is_iso_datetime(verdict["created_at"])
    assert body["corrections"] == []
    assert body["last_checked_at"] is None
    # A claim with a figure and a series that was never checked is due (a date-time, at the latest now).
    due = datetime.datetime.fromisoformat(body["next_check_due"].replace("Z", "+00:00"))
    assert due <= datetime.datetime.now(datetime.UTC)


def test_claim_detail_for_editors_adds_the_editor_keys(editor_api, world):
    body = editor_api.get(f"/api/claims/{world.d.pk}/").json()

    keys_of(body, CLAIM_KEYS, editor=True)
    assert body["drift"] is True
    assert body["notes"] == ""
    assert body["verdict"]["id"] == world.vd1.pk
    assert body["computed_verdict"]["id"] == world.vd2.pk
    assert set(body["computed_verdict"]) >= VERDICT_KEYS
    assert body["computed_verdict"]["published_at"] is None
    assert is_iso_datetime(body["last_checked_at"])
    due = datetime.datetime.fromisoformat(body["next_check_due"].replace("Z", "+00:00"))
    checked = datetime.datetime.fromisoformat(body["last_checked_at"].replace("Z", "+00:00"))
    assert due == checked + datetime.timedelta(days=7)
    assert editor_api.get(f"/api/claims/{world.a.pk}/").json()["notes"] == "editors only: marzipan"


def test_claim_list_items_have_the_detail_shape(callers, world):
    for name, client in callers.items():
        items = results(client, "/api/claims/")
        assert items, name
        for item in items:
            keys_of(item, CLAIM_KEYS, editor=name == "editor")
        detail = client.get(f"/api/claims/{world.b.pk}/").json()
        assert [item for item in items if item["id"] == world.b.pk] == [detail], name


def test_engine_verdict_shape_decimals_and_dates(anon, world):
    body = anon.get(f"/api/claims/{world.d.pk}/").json()

    assert body["quantity"]["value"] == "700000000"
    verdict = body["verdict"]
    assert VERDICT_KEYS <= set(verdict)
    assert verdict["id"] == world.vd1.pk and verdict["claim"] == world.d.pk
    assert (verdict["rating"], verdict["rating_value"], verdict["made_by"]) == ("accurate", 6, "engine")
    assert verdict["claimed_value"] == "700000000"
    assert verdict["reference_value"] == "700000000"
    assert verdict["deviation"] == "0"
    assert verdict["deviation_unit"] == "ratio"
    assert verdict["rule"]
    assert verdict["policy_version"] == 1
    has(
        verdict["observation"],
        {
            "period_start": "2024-02-29",
            "period_end": "2024-02-29",
            "value": "700000000",
            "vintage": "2024-03-05",
        },
    )
    assert verdict["baseline_observation"] is None
    assert verdict["supersedes"] is None and verdict["note"] == ""
    assert is_iso_datetime(verdict["created_at"]) and is_iso_datetime(verdict["published_at"])


def test_percent_value_and_correction_log(anon, world):
    body = anon.get(f"/api/claims/{world.b.pk}/").json()

    assert body["quantity"]["value"] == "62.5"
    assert body["quantity"]["unit"] == "percent"
    assert body["verdict"]["id"] == world.vb2.pk
    assert body["verdict"]["supersedes"] == world.vb1.pk
    assert body["verdict"]["note"] == "The agency revised it."
    assert body["verdict"]["claimed_value"] == "62.5"
    assert len(body["corrections"]) == 1
    assert CORRECTION_KEYS <= set(body["corrections"][0])
    has(
        body["corrections"][0],
        {
            "verdict": world.vb2.pk,
            "corrected_at": "2024-05-20T12:00:00Z",
            "previous_rating": "accurate",
            "rating": "inaccurate",
            "note": "The agency revised it.",
        },
    )


def test_claim_without_a_figure_has_null_quantity(anon, world):
    body = anon.get(f"/api/claims/{world.c.pk}/").json()

    assert body["quantity"] is None
    assert body["series"] is None
    assert body["next_check_due"] is None
    assert sorted(body["topics"]) == ["budget", "detention"]
    assert body["verdict"]["rating_value"] == 5


def test_verdict_list_and_detail_shape(callers, world):
    for name, client in callers.items():
        items = results(client, "/api/verdicts/")
        assert items and all(VERDICT_KEYS <= set(item) for item in items), name
        detail = client.get(f"/api/verdicts/{world.vb2.pk}/")
        assert detail.status_code == 200
        body = detail.json()
        assert VERDICT_KEYS <= set(body)
        assert (body["claim"], body["rating"], body["rating_value"], body["label"]) == (
            world.b.pk,
            "inaccurate",
            2,
            "Inaccurate",
        )
        assert body["supersedes"] == world.vb1.pk
        assert body["published_at"] == "2024-05-20T12:00:00Z"
        assert [item for item in items if item["id"] == world.vb2.pk] == [body]


def test_unverifiable_verdict_has_a_null_rating_value(anon):
    claim = factories.ClaimFactory(text="Unverifiable", value=None, unit=None, qualifier=None, kind=None, as_of=None)
    verdict = services.verdict_publish(claim=claim, rating="unverifiable", explanation="No data.")

    body = anon.get(f"/api/verdicts/{verdict.pk}/").json()

    assert (body["rating"], body["rating_value"], body["label"]) == ("unverifiable", None, "Unverifiable")
    assert body["claimed_value"] is None and body["reference_value"] is None and body["deviation"] is None


def test_speaker_shape(anon, world):
    body = anon.get(f"/api/speakers/{world.bob.pk}/").json()

    has(
        body,
        {
            "id": world.bob.pk,
            "name": "Bob Okafor",
            "kind": "organization",
            "role": "Statistician",
            "organization": "Nimbus Institute",
            "same_as": "",
        },
    )
    assert all(SPEAKER_KEYS <= set(item) for item in results(anon, "/api/speakers/"))


def test_outlet_shape(anon, world):
    body = anon.get(f"/api/outlets/{world.o1.pk}/").json()

    has(body, {"id": world.o1.pk, "name": "Daily Ledger", "domain": "ledger.example", "kind": "news"})
    assert all(OUTLET_KEYS <= set(item) for item in results(anon, "/api/outlets/"))


def test_source_shape(anon, world):
    body = anon.get(f"/api/sources/{world.s1.pk}/").json()

    assert SOURCE_KEYS <= set(body)
    assert body["id"] == world.s1.pk
    assert body["url"] == world.s1.url
    assert body["title"] == world.s1.title
    has(body["outlet"], {"id": world.o1.pk, "name": "Daily Ledger", "domain": "ledger.example", "kind": "news"})
    assert body["published_on"] == "2024-02-14"
    assert body["kind"] == "article"
    assert body["last_status"] == "ok"
    assert body["last_checked_at"] is None
    assert all(SOURCE_KEYS <= set(item) for item in results(anon, "/api/sources/"))


def test_source_checks_history(anon, world):
    items = results(anon, f"/api/sources/{world.s1.pk}/checks/")

    assert all(SOURCE_CHECK_KEYS <= set(item) for item in items)
    by_id = {item["id"]: item for item in items}
    assert set(by_id) == {world.check_old.pk, world.check_new.pk}
    new = by_id[world.check_new.pk]
    assert new["checked_at"] == "2024-04-01T12:00:00Z"
    assert (new["status_code"], new["changed"], new["error"]) == (404, True, "http_404")
    assert new["final_url"] == world.s1.url
    old = by_id[world.check_old.pk]
    assert (old["status_code"], old["changed"], old["error"], old["duration_ms"]) == (200, False, "", 120)
    # The newest check comes first.
    assert [item["id"] for item in items] == [world.check_new.pk, world.check_old.pk]
    assert results(anon, f"/api/sources/{world.s2.pk}/checks/") == []


def test_series_shape(anon, world):
    body = anon.get("/api/series/budget-usd/").json()

    assert SERIES_KEYS <= set(body)
    assert body["slug"] == "budget-usd"
    assert body["name"] == "Budget"
    assert body["unit"] == "USD"
    assert body["counted_noun"] == ""
    has(
        body["publisher"],
        {"id": world.o4.pk, "name": "Budget Think Tank", "domain": world.o4.domain, "kind": "think_tank"},
    )
    assert body["illustrative"] is False
    assert body["last_refreshed_at"] is None
    assert all(SERIES_KEYS <= set(item) for item in results(anon, "/api/series/"))


def test_series_observations(anon, world):
    items = results(anon, "/api/series/ice-beds/observations/")

    assert all(OBSERVATION_KEYS <= set(item) for item in items)
    by_id = {item["id"]: item for item in items}
    assert set(by_id) == {world.beds_obs.pk, world.beds_obs_range.pk}
    has(
        by_id[world.beds_obs.pk],
        {
            "id": world.beds_obs.pk,
            "period_start": "2024-01-31",
            "period_end": "2024-01-31",
            "value": "38000",
            "vintage": "2024-02-10",
            "note": "",
        },
    )
    assert by_id[world.beds_obs_range.pk]["value"] == "36500.5"
    assert by_id[world.beds_obs_range.pk]["period_start"] == "2023-10-01"


def test_unknown_ids_are_404_in_the_uniform_shape(callers, world):
    for client in callers.values():
        for url in (
            "/api/claims/999999/",
            "/api/verdicts/999999/",
            "/api/speakers/999999/",
            "/api/outlets/999999/",
            "/api/sources/999999/",
            "/api/sources/999999/checks/",
            "/api/series/no-such-series/",
            "/api/series/no-such-series/observations/",
        ):
            assert assert_error(client.get(url), 404)["code"] == "not_found", url


# --- claim filters -------------------------------------------------------------------------------------------------

# (query string, expected public claims, expected editor claims) as names of world claims.
CLAIM_FILTERS = [
    ("speaker={alice}", "a c", "a c"),
    ("speaker={bob}", "b", "b e"),
    ("speaker={eve}", "", "f"),
    ("speaker={nobody}", "", ""),
    ("outlet={o1}", "a", "a e"),
    ("outlet={o2}", "b c", "b c"),
    ("outlet={o3}", "", "e"),
    ("outlet={o4}", "", ""),
    ("topic=detention", "a c", "a c e"),
    ("topic=budget", "b c", "b c"),
    ("topic=no-such-topic", "", ""),
    ("rating=accurate", "a d", "a d"),
    # b was first rated accurate, then corrected; d's engine says inaccurate, unpublished: neither counts.
    ("rating=inaccurate", "b", "b"),
    ("rating=mostly-accurate", "c", "c"),
    ("rating=mostly-inaccurate", "", ""),
    ("unit=percent", "b", "b f"),
    ("unit=USD", "d", "d"),
    ("unit=count", "a", "a e"),
    ("unit=days", "", ""),
    ("counted_noun=beds", "a", "a e"),
    ("counted_noun=BEDS", "a", "a e"),
    ("counted_noun=cases", "", ""),
    ("value_min=30000", "a d", "a d"),
    ("value_min=62.5", "a b d", "a b d e"),
    ("value_max=100", "b", "b f"),
    ("value_max=62.4", "", "f"),
    ("value_min=100&value_max=40000", "a", "a e"),
    ("value_min=1e12", "", ""),
    ("as_of_after=2024-01-31", "a d", "a d e f"),
    ("as_of_after=2024-02-01", "d", "d e"),
    ("as_of_before=2023-12-31", "b", "b"),
    ("as_of_after=2024-01-01&as_of_before=2024-02-01", "a", "a f"),
    ("as_of_after=2030-01-01", "", ""),
    ("published_after=2024-04-01", "b c d", "b c d"),
    ("published_before=2024-03-31", "a", "a"),
    ("published_after=2024-03-01&published_before=2024-04-30", "a c", "a c"),
    ("published_before=2024-02-29", "", ""),
    ("has_verdict=true", "a b c d", "a b c d"),
    ("has_verdict=false", "", "e f"),
    ("q=kumquat", "a", "a e"),
    ("q=quorndale", "b", "b"),
    ("q=Quimby", "a c", "a c"),
    ("q=statistician", "b", "b e"),
    ("q=quimby kumquat", "a", "a"),
    ("q=zzyzx", "", ""),
    ("q=marzipan", "", ""),  # editors' notes are not searched
    ("speaker={alice}&topic=budget", "c", "c"),
    ("topic=detention&has_verdict=true&unit=count", "a", "a"),
]


def _expected(world, names: str) -> set:
    return {getattr(world, name).pk for name in names.split()}


def _query(world, template: str) -> str:
    return template.format(
        **{name: getattr(world, name).pk for name in ("alice", "bob", "eve", "nobody", "o1", "o2", "o3", "o4")}
    )


@pytest.mark.parametrize(("query", "public", "editors"), CLAIM_FILTERS, ids=[f[0] for f in CLAIM_FILTERS])
def test_claim_filter(callers, world, query, public, editors):
    url = "/api/claims/?" + _query(world, query)

    assert ids(callers["editor"], url) == _expected(world, editors)
    assert ids(callers["anonymous"], url) == _expected(world, public)
    assert ids(callers["non_editor"], url) == _expected(world, public)


def test_claim_list_without_filters(callers, world):
    assert ids(callers["anonymous"], "/api/claims/") == public_claims(world)
    assert ids(callers["non_editor"], "/api/claims/") == public_claims(world)
    assert ids(callers["editor"], "/api/claims/") == all_claims(world)


def test_q_matches_the_speaker_organization_on_every_database(callers, world):
    assert ids(callers["anonymous"], "/api/claims/?q=nimbus") == {world.b.pk}
    assert ids(callers["editor"], "/api/claims/?q=nimbus") == {world.b.pk, world.e.pk}


EDITOR_FILTERS = [
    ("status=draft", "e"),
    ("status=in_review", "f"),
    ("status=published", "a b c d"),
    ("status=retracted", ""),
    ("drift=true", "d"),
    ("drift=false", "a b c e f"),
    ("status=published&drift=false", "a b c"),
]


@pytest.mark.parametrize(("query", "expected"), EDITOR_FILTERS, ids=[f[0] for f in EDITOR_FILTERS])
def test_editor_only_filters(callers, world, query, expected):
    url = f"/api/claims/?{query}"

    assert ids(callers["editor"], url) == _expected(world, expected)
    # For anyone else they are ignored: the same results as without them, so they probe nothing.
    assert ids(callers["anonymous"], url) == public_claims(world)
    assert ids(callers["non_editor"], url) == public_claims(world)


def test_claim_filters_apply_to_the_detail_too(anon, world):
    # A filter on the detail narrows what get_object may find, never what it reveals.
    assert anon.get(f"/api/claims/{world.a.pk}/?status=draft").status_code == 200
    assert_error(anon.get(f"/api/claims/{world.e.pk}/?status=draft"), 404)


INVALID_CLAIM_QUERIES = [
    ("value_min=abc", "value_min"),
    ("value_max=abc", "value_max"),
    ("value_min=NaN", "value_min"),
    ("value_max=Infinity", "value_max"),
    ("as_of_after=2024-13-01", "as_of_after"),
    ("as_of_before=2024-02-30", "as_of_before"),
    ("published_after=yesterday", "published_after"),
    ("published_before=2024-13-01", "published_before"),
    ("rating=great", "rating"),
    ("unit=furlongs", "unit"),
    ("has_verdict=maybe", "has_verdict"),
    ("has_verdict=1", "has_verdict"),
    ("speaker=x", "speaker"),
    ("outlet=x", "outlet"),
    ("topic=" + "t" * 101, "topic"),
    ("counted_noun=" + "n" * 101, "counted_noun"),
    ("q=" + "w" * 201, "q"),
    ("ordering=bogus", "ordering"),
    ("ordering=-stated_on", "ordering"),
    ("page_size=0", "page_size"),
    ("page_size=-5", "page_size"),
    ("page_size=abc", "page_size"),
    ("cursor=garbage", "cursor"),
    ("cursor=" + cursor([1, 2]), "cursor"),
    ("cursor=" + cursor({"o": "-id", "v": None}), "cursor"),
    ("cursor=" + cursor({"o": "as_of", "v": None, "id": 1}), "cursor"),  # another ordering's cursor
]


@pytest.mark.parametrize(("query", "field"), INVALID_CLAIM_QUERIES, ids=[q[0][:40] for q in INVALID_CLAIM_QUERIES])
def test_invalid_claim_filter_is_400(callers, world, query, field):
    for name, client in callers.items():
        error = assert_error(client.get(f"/api/claims/?{query}"), 400, field)
        assert error["code"], name


@pytest.mark.parametrize("query", ["status=bogus", "drift=maybe"])
def test_invalid_editor_filter_is_400_for_editors(editor_api, world, query):
    assert_error(editor_api.get(f"/api/claims/?{query}"), 400, query.split("=")[0])


@pytest.mark.parametrize("ordering", ["published_at", "-as_of", "value", "-value"])
def test_forged_cursor_with_a_bad_value_is_400(anon, world, ordering):
    url = f"/api/claims/?ordering={ordering}&cursor=" + cursor({"o": ordering, "v": "abc", "id": 1})

    assert_error(anon.get(url), 400)


@pytest.mark.parametrize(
    ("ordering", "value"),
    [("id", "abc"), ("-id", "abc"), ("rating_value", "abc"), ("-rating_value", "1.5"), ("value", "1e999999")],
)
def test_forged_cursor_with_a_bad_value_on_an_integer_ordering_is_400(anon, world, ordering, value):
    url = f"/api/claims/?ordering={ordering}&cursor=" + cursor({"o": ordering, "v": value, "id": 1})

    assert_error(anon.get(url), 400)


@pytest.mark.parametrize(
    "url",
    [
        "/api/claims/?speaker={alice}.5",
        "/api/claims/?outlet={o1}.5",
        "/api/verdicts/?claim={a}.5",
        "/api/sources/?outlet={o1}.5",
    ],
)
def test_fractional_id_filter_is_400(anon, world, url):
    url = url.format(alice=world.alice.pk, o1=world.o1.pk, a=world.a.pk)

    assert_error(anon.get(url), 400)


@pytest.mark.parametrize(
    "url",
    [
        "/api/claims/?speaker=99999999999999999999999",
        "/api/claims/?outlet=99999999999999999999999",
        "/api/verdicts/?claim=99999999999999999999999",
        "/api/sources/?outlet=99999999999999999999999",
    ],
)
def test_huge_id_filter_is_never_a_500(anon, world, url):
    response = anon.get(url)

    if response.status_code == 200:
        assert response.json()["results"] == []
    else:
        assert_error(response, 400)


@pytest.mark.parametrize("query", ["value_min=1e-999999", "value_max=-1e-999999"])
def test_value_filter_with_an_extreme_exponent_is_never_a_500(anon, world, query):
    response = anon.get(f"/api/claims/?{query}")

    if response.status_code != 200:
        assert_error(response, 400, query.split("=")[0])


def test_invalid_illustrative_filter_is_400(anon, world):
    assert_error(anon.get("/api/series/?illustrative=maybe"), 400, "illustrative")


def test_illustrative_filter(editor_api, world):
    factories.ReferenceSeriesFactory(slug="demo", illustrative=True)

    assert slugs(editor_api, "/api/series/?illustrative=true") == {"demo"}
    assert "demo" not in slugs(editor_api, "/api/series/?illustrative=false")


def test_observations_are_listed_in_period_order(anon, world):
    series = world.beds
    march = factories.ObservationFactory(series=series, period_end=datetime.date(2024, 3, 31), value=Decimal("3"))
    february = factories.ObservationFactory(series=series, period_end=datetime.date(2024, 2, 29), value=Decimal("2"))

    found = [item["id"] for item in results(anon, "/api/series/ice-beds/observations/")]

    assert found == [world.beds_obs_range.pk, world.beds_obs.pk, february.pk, march.pk]


# --- verdict filters -----------------------------------------------------------------------------------------------

VERDICT_FILTERS = [
    ("", "va vb1 vb2 vc vd1", "va vb1 vb2 vc vd1 vd2 ve"),
    ("claim={a}", "va", "va"),
    ("claim={b}", "vb1 vb2", "vb1 vb2"),
    ("claim={d}", "vd1", "vd1 vd2"),
    ("claim={e}", "", "ve"),
    ("rating=accurate", "va vb1 vd1", "va vb1 vd1"),
    ("rating=inaccurate", "vb2", "vb2 vd2"),
    ("rating=mostly-inaccurate", "", "ve"),
    ("rating=pending", "", ""),
    ("made_by=engine", "vd1", "vd1 vd2 ve"),
    ("made_by=editor", "va vb1 vb2 vc", "va vb1 vb2 vc"),
    ("published_after=2024-05-01", "vb1 vb2 vd1", "vb1 vb2 vd1"),
    ("published_before=2024-04-01", "va vc", "va vc"),
    ("published_after=2024-03-02&published_before=2024-05-10", "vc vb1", "vc vb1"),
    ("published_before=2024-01-01", "", ""),
    ("is_correction=true", "vb2", "vb2"),
    ("is_correction=false", "va vb1 vc vd1", "va vb1 vc vd1 vd2 ve"),
]


@pytest.fixture
def verdicts(world):
    world.va = world.a.published_verdict
    return world


@pytest.mark.parametrize(("query", "public", "editors"), VERDICT_FILTERS, ids=[f[0] or "none" for f in VERDICT_FILTERS])
def test_verdict_filter(callers, verdicts, query, public, editors):
    w = verdicts
    url = "/api/verdicts/?" + query.format(a=w.a.pk, b=w.b.pk, d=w.d.pk, e=w.e.pk)

    assert ids(callers["editor"], url) == _expected(w, editors)
    assert ids(callers["anonymous"], url) == _expected(w, public)
    assert ids(callers["non_editor"], url) == _expected(w, public)


INVALID_VERDICT_QUERIES = [
    ("claim=x", "claim"),
    ("rating=great", "rating"),
    ("made_by=robot", "made_by"),
    ("published_after=2024-13-01", "published_after"),
    ("published_before=soon", "published_before"),
    ("is_correction=maybe", "is_correction"),
    ("ordering=as_of", "ordering"),
    ("page_size=0", "page_size"),
    ("cursor=garbage", "cursor"),
]


@pytest.mark.parametrize(("query", "field"), INVALID_VERDICT_QUERIES, ids=[q[0] for q in INVALID_VERDICT_QUERIES])
def test_invalid_verdict_filter_is_400(callers, world, query, field):
    for client in callers.values():
        assert_error(client.get(f"/api/verdicts/?{query}"), 400, field)


# --- speakers, outlets, sources, series --------------------------------------------------------------------------

OTHER_FILTERS = [
    # (list, query, public, editor): names of world objects
    ("speakers", "", "alice bob carol", "alice bob carol eve nobody"),
    ("speakers", "kind=person", "alice", "alice eve nobody"),
    ("speakers", "kind=organization", "bob", "bob"),
    ("speakers", "kind=anonymous", "carol", "carol"),
    ("outlets", "", "o1 o2 o4", "o1 o2 o3 o4"),
    ("outlets", "kind=news", "o1", "o1"),
    ("outlets", "kind=think_tank", "o4", "o4"),
    ("outlets", "kind=pollster", "", "o3"),
    ("outlets", "kind=ngo", "", ""),
    ("sources", "", "s1 s2", "s1 s2 s3"),
    ("sources", "outlet={o1}", "s1", "s1"),
    ("sources", "outlet={o3}", "", "s3"),
    ("sources", "kind=report", "s2", "s2"),
    ("sources", "kind=dataset", "", "s3"),
    ("sources", "last_status=ok", "s1", "s1"),
    ("sources", "last_status=unchecked", "s2", "s2 s3"),
    ("sources", "last_status=missing", "", ""),
]


@pytest.mark.parametrize(
    ("resource", "query", "public", "editors"), OTHER_FILTERS, ids=[f"{f[0]}?{f[1]}" for f in OTHER_FILTERS]
)
def test_other_list_filters(callers, world, resource, query, public, editors):
    url = f"/api/{resource}/?" + query.format(o1=world.o1.pk, o3=world.o3.pk)

    assert ids(callers["editor"], url) == _expected(world, editors)
    assert ids(callers["anonymous"], url) == _expected(world, public)
    assert ids(callers["non_editor"], url) == _expected(world, public)


SERIES_FILTERS = [
    ("", {"ice-beds", "budget-usd"}, {"ice-beds", "budget-usd", "hidden-share"}),
    ("unit=count", {"ice-beds"}, {"ice-beds"}),
    ("unit=USD", {"budget-usd"}, {"budget-usd"}),
    ("unit=percent", set(), {"hidden-share"}),
    ("unit=days", set(), set()),
]


@pytest.mark.parametrize(("query", "public", "editors"), SERIES_FILTERS, ids=[f[0] or "none" for f in SERIES_FILTERS])
def test_series_filter(callers, world, query, public, editors):
    url = f"/api/series/?{query}"

    assert slugs(callers["editor"], url) == editors
    assert slugs(callers["anonymous"], url) == public
    assert slugs(callers["non_editor"], url) == public


INVALID_OTHER_QUERIES = [
    ("speakers", "kind=robot", "kind"),
    ("outlets", "kind=tabloid", "kind"),
    ("sources", "outlet=x", "outlet"),
    ("sources", "kind=podcast", "kind"),
    ("sources", "last_status=fine", "last_status"),
    ("series", "unit=furlongs", "unit"),
    ("speakers", "ordering=name", "ordering"),
    ("outlets", "page_size=abc", "page_size"),
    ("series", "cursor=garbage", "cursor"),
]


@pytest.mark.parametrize(
    ("resource", "query", "field"), INVALID_OTHER_QUERIES, ids=[f"{q[0]}?{q[1]}" for q in INVALID_OTHER_QUERIES]
)
def test_invalid_other_filter_is_400(callers, world, resource, query, field):
    for client in callers.values():
        assert_error(client.get(f"/api/{resource}/?{query}"), 400, field)
