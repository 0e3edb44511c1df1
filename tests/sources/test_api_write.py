"""The write side of the API for outlets, sources, series and observations (DESIGN.md, "The API contract")."""

from decimal import Decimal

import pytest
from django.utils import timezone

from sources.models import Observation, Outlet, ReferenceSeries, Source
from tests import factories

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data, format="json")


def assert_error(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    if field is not None:
        assert field in error["fields"], error
    return error


# --- series ----------------------------------------------------------------------------------------------------------


def test_create_series(editor_api_client):
    payload = {"slug": "eoir-pending", "name": "EOIR pending cases", "unit": "count"}
    response = post(editor_api_client, "/api/series/", payload)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slug"], body["name"], body["unit"]) == ("eoir-pending", "EOIR pending cases", "count")
    assert body["counted_noun"] == ""
    assert body["illustrative"] is False
    assert ReferenceSeries.objects.get().slug == "eoir-pending"


def test_duplicate_series_slug_is_409(editor_api_client):
    factories.ReferenceSeriesFactory(slug="eoir-pending", name="EOIR pending cases")

    response = post(editor_api_client, "/api/series/", {"slug": "eoir-pending", "name": "Other", "unit": "USD"})
    error = assert_error(response, 409, "slug")

    assert error["code"] == "series_exists"
    assert list(ReferenceSeries.objects.values_list("name", flat=True)) == ["EOIR pending cases"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"slug": "beds", "name": "Beds", "unit": "furlongs"}, "unit"),
        ({"slug": "not a slug!", "name": "Beds", "unit": "count"}, "slug"),
        ({"slug": "beds", "unit": "count"}, "name"),
        ({"slug": "beds", "name": "Beds", "unit": "count", "publisher": 999999}, "publisher"),
    ],
    ids=["unknown unit", "bad slug", "no name", "unknown publisher"],
)
def test_bad_series_is_400_and_writes_nothing(editor_api_client, payload, field):
    assert_error(post(editor_api_client, "/api/series/", payload), 400, field)

    assert ReferenceSeries.objects.count() == 0


# --- observations ----------------------------------------------------------------------------------------------------


@pytest.fixture
def series():
    return factories.ReferenceSeriesFactory(slug="ice-beds")


URL = "/api/series/ice-beds/observations/"


def test_observation_idempotency_and_conflict(editor_api_client, series):
    data = {"period_start": "2024-01-01", "period_end": "2024-01-31", "value": "38000.5", "vintage": "2024-02-10"}

    first = post(editor_api_client, URL, data)
    assert first.status_code == 201, first.content
    assert first.json() | {"id": None} == {
        "id": None,
        "period_start": "2024-01-01",
        "period_end": "2024-01-31",
        "value": "38000.5",
        "vintage": "2024-02-10",
        "note": "",
    }

    again = post(editor_api_client, URL, data | {"value": "38000.500"})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]

    error = assert_error(post(editor_api_client, URL, data | {"value": "38001"}), 409, "value")
    assert error["code"] == "observation_conflict"

    revision = post(editor_api_client, URL, data | {"value": "38001", "vintage": "2024-03-01"})
    assert revision.status_code == 201
    assert Observation.objects.count() == 2
    assert Observation.objects.get(pk=first.json()["id"]).value == Decimal("38000.5")


def test_observation_defaults(editor_api_client, series):
    response = post(editor_api_client, URL, {"period_end": "2024-01-31", "value": "1"})

    assert response.status_code == 201, response.content
    assert response.json()["period_start"] == "2024-01-31"
    assert response.json()["vintage"] == timezone.localdate().isoformat()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"period_start": "2024-02-01", "period_end": "2024-01-31", "value": "1"}, "period_start"),
        ({"period_end": "2024-01-31", "value": "lots"}, "value"),
        ({"period_end": "2024-01-31", "value": "NaN"}, "value"),
        ({"period_end": "2024-01-31", "value": "Infinity"}, "value"),
        ({"period_end": "2024-01-31", "value": "1.1234567"}, "value"),
        ({"period_end": "2024-13-45", "value": "1"}, "period_end"),
        ({"value": "1"}, "period_end"),
        ({"period_end": "2024-01-31"}, "value"),
    ],
    ids=[
        "period out of order", "not a number", "NaN", "Infinity", "too many places", "bad date", "no period", "no value"
    ],
)
def test_bad_observation_is_400_and_writes_nothing(editor_api_client, series, payload, field):
    assert_error(post(editor_api_client, URL, payload), 400, field)

    assert Observation.objects.count() == 0


def test_observation_of_an_unknown_series_is_404(editor_api_client):
    observation = {"period_end": "2024-01-31", "value": "1"}

    assert_error(post(editor_api_client, "/api/series/no-such-series/observations/", observation), 404)

    assert Observation.objects.count() == 0


# --- outlets and sources ----------------------------------------------------------------------------------------------


def test_create_outlet(editor_api_client):
    response = post(editor_api_client, "/api/outlets/", {"name": "The Washington Post", "domain": "washingtonpost.com"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["domain"], body["kind"]) == ("The Washington Post", "washingtonpost.com", "news")
    assert Outlet.objects.get().pk == body["id"]


def test_duplicate_outlet_is_409(editor_api_client):
    factories.OutletFactory(name="Pew Research Center", kind="pollster")

    assert_error(post(editor_api_client, "/api/outlets/", {"name": "Pew Research Center"}), 409, "name")

    assert Outlet.objects.count() == 1


def test_invalid_outlet_kind_is_400(editor_api_client):
    assert_error(post(editor_api_client, "/api/outlets/", {"name": "Somebody", "kind": "blog"}), 400, "kind")

    assert Outlet.objects.count() == 0


def test_create_source(editor_api_client):
    outlet = factories.OutletFactory()

    response = post(
        editor_api_client,
        "/api/sources/",
        {"url": "https://www.ice.gov/detain/statistics", "title": "Detention statistics", "outlet": outlet.pk,
         "published_on": "2024-02-14", "kind": "dataset"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"] == "https://www.ice.gov/detain/statistics"
    assert body["outlet"]["id"] == outlet.pk
    assert (body["published_on"], body["kind"], body["last_status"]) == ("2024-02-14", "dataset", "unchecked")
    minimal = post(editor_api_client, "/api/sources/", {"url": "https://news.example/a"})
    assert minimal.status_code == 201
    assert (minimal.json()["kind"], minimal.json()["outlet"]) == ("article", None)


def test_duplicate_source_url_is_409(editor_api_client):
    factories.SourceFactory(url="https://news.example/a", title="Original")

    response = post(editor_api_client, "/api/sources/", {"url": "https://news.example/a", "title": "Again"})
    error = assert_error(response, 409, "url")

    assert error["code"] == "source_exists"
    assert Source.objects.get().title == "Original"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "https://news.example/a", "kind": "tweet"}, "kind"),
        ({"url": "not a url"}, "url"),
        ({"title": "No URL"}, "url"),
        ({"url": "https://news.example/a", "outlet": 999999}, "outlet"),
        ({"url": "https://news.example/a", "published_on": "2024-02-30"}, "published_on"),
    ],
    ids=["invalid kind", "invalid url", "no url", "unknown outlet", "bad date"],
)
def test_bad_source_is_400_and_writes_nothing(editor_api_client, payload, field):
    assert_error(post(editor_api_client, "/api/sources/", payload), 400, field)

    assert Source.objects.count() == 0


# --- who may write ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("/api/series/", {"slug": "beds", "name": "Beds", "unit": "count"}),
        (URL, {"period_end": "2024-01-31", "value": "1"}),
        ("/api/outlets/", {"name": "An outlet"}),
        ("/api/sources/", {"url": "https://news.example/a"}),
    ],
    ids=["series", "observations", "outlets", "sources"],
)
def test_only_editors_write(api_client, non_editor_api_client, series, url, payload):
    before = [m.objects.count() for m in (ReferenceSeries, Observation, Outlet, Source)]

    assert_error(post(api_client, url, payload), 401)
    assert_error(post(non_editor_api_client, url, payload), 403)

    assert [m.objects.count() for m in (ReferenceSeries, Observation, Outlet, Source)] == before
