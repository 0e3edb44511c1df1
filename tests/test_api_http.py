"""HTTP behaviour of the API: conditional requests (ETag, 304), Vary, throttling of anonymous clients (429 with
Retry-After), JSON errors in the uniform shape for unknown paths, malformed bodies and wrong content types, the
OpenAPI schema, the interactive docs and the browsable API."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache

from claims import services
from tests import factories

pytestmark = pytest.mark.django_db


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return error


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


@pytest.fixture
def checked_claim():
    """A claim checked by the engine, its verdict published (so its next check is a fixed time)."""
    observation = factories.ObservationFactory(period_end=datetime.date(2024, 1, 31), value=Decimal("38000"))
    claim = factories.ClaimFactory(series=observation.series)
    services.claim_check(claim=claim)
    services.verdict_publish(claim=claim)
    claim.refresh_from_db()
    return claim


# --- conditional requests ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("caller", ["anonymous", "editor"])
def test_claim_detail_has_an_etag_and_answers_304(api_client, editor_api_client, checked_claim, caller):
    client = {"anonymous": api_client, "editor": editor_api_client}[caller]
    url = f"/api/claims/{checked_claim.pk}/"

    first = client.get(url)
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert first.status_code == 200 and etag
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert "authorization" in vary(again)
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_verdict_detail_has_an_etag_and_answers_304(api_client, checked_claim):
    url = f"/api/verdicts/{checked_claim.published_verdict_id}/"

    first = api_client.get(url)
    again = api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and first["ETag"]
    assert again.status_code == 304 and again.content == b""


def test_a_correction_changes_the_claim_etag(api_client, editor_api_client, checked_claim):
    url = f"/api/claims/{checked_claim.pk}/"
    old = api_client.get(url)["ETag"]

    response = editor_api_client.post(
        f"{url}correct/", {"rating": "inaccurate", "explanation": "Revised.", "note": "Revised."}, format="json"
    )
    assert response.status_code == 200, response.content

    fresh = api_client.get(url, HTTP_IF_NONE_MATCH=old)
    assert fresh.status_code == 200
    assert fresh["ETag"] != old
    assert fresh.json()["verdict"]["rating"] == "inaccurate"
    assert api_client.get(url, HTTP_IF_NONE_MATCH=fresh["ETag"]).status_code == 304


def test_publishing_changes_the_verdict_etag(editor_api_client):
    observation = factories.ObservationFactory(period_end=datetime.date(2024, 1, 31), value=Decimal("38000"))
    claim = factories.ClaimFactory(series=observation.series)
    verdict = services.claim_check(claim=claim).computed_verdict
    url = f"/api/verdicts/{verdict.pk}/"
    old = editor_api_client.get(url)
    assert old.status_code == 200 and old.json()["published_at"] is None

    assert editor_api_client.post(f"/api/claims/{claim.pk}/publish/", {}, format="json").status_code == 200

    fresh = editor_api_client.get(url, HTTP_IF_NONE_MATCH=old["ETag"])
    assert fresh.status_code == 200
    assert fresh["ETag"] != old["ETag"]
    assert fresh.json()["published_at"] is not None


def test_the_public_and_editors_get_different_etags(api_client, editor_api_client, checked_claim):
    url = f"/api/claims/{checked_claim.pk}/"
    public, editor = api_client.get(url), editor_api_client.get(url)

    assert public["ETag"] != editor["ETag"]  # the editor's body has computed_verdict, drift and notes
    assert "authorization" in vary(public) and "authorization" in vary(editor)
    # An editor's ETag never turns a public request into a 304 for the editor's body, and the other way round.
    assert api_client.get(url, HTTP_IF_NONE_MATCH=editor["ETag"]).status_code == 200
    assert editor_api_client.get(url, HTTP_IF_NONE_MATCH=public["ETag"]).status_code == 200


def test_etag_is_stable_for_a_claim_never_checked(api_client):
    series = factories.ReferenceSeriesFactory()
    claim = factories.ClaimFactory(series=series)
    services.verdict_publish(claim=claim, rating="accurate", explanation="An editor's rating.")
    url = f"/api/claims/{claim.pk}/"

    first = api_client.get(url)
    second = api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.json()["last_checked_at"] is None
    assert second.status_code == 304


@pytest.mark.parametrize(
    "url", ["/api/claims/", "/api/verdicts/", "/api/speakers/", "/api/nope/", "/api/claims/999999/"]
)
def test_vary_includes_authorization(api_client, checked_claim, url):
    assert "authorization" in vary(api_client.get(url))


# --- throttling ----------------------------------------------------------------------------------------------------


@pytest.fixture
def low_anon_rate(settings):
    cache.clear()
    settings.FACTCHECK_API_ANON_RATE = "3/min"
    yield
    cache.clear()


def test_anonymous_clients_are_throttled(api_client, checked_claim, low_anon_rate):
    for _ in range(3):
        assert api_client.get("/api/claims/").status_code == 200

    response = api_client.get(f"/api/claims/{checked_claim.pk}/")

    error = assert_error(response, 429)
    assert error["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    assert "authorization" in vary(response)


def test_editors_are_not_throttled(api_client, editor_api_client, checked_claim, low_anon_rate):
    for _ in range(4):
        api_client.get("/api/claims/")
    assert api_client.get("/api/claims/").status_code == 429

    for _ in range(10):
        assert editor_api_client.get("/api/claims/").status_code == 200


def test_the_rate_is_read_from_settings(api_client, settings, checked_claim):
    cache.clear()
    try:
        settings.FACTCHECK_API_ANON_RATE = "1/min"
        assert api_client.get("/api/claims/").status_code == 200
        assert api_client.get("/api/claims/").status_code == 429
        settings.FACTCHECK_API_ANON_RATE = "100000/min"
        assert api_client.get("/api/claims/").status_code == 200
    finally:
        cache.clear()


# --- errors --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/nope/", "/api/nope", "/api/claims/abc/", "/api/claims/1/nope/", "/api/series/no/"]
)
def test_unknown_api_path_is_a_json_404(api_client, url):
    error = assert_error(api_client.get(url), 404)

    assert error["code"] == "not_found"


def test_malformed_json_is_400(editor_api_client):
    response = editor_api_client.post("/api/speakers/", '{"name": "x", ', content_type="application/json")

    assert assert_error(response, 400)["code"] == "parse_error"


def test_wrong_content_type_is_415(editor_api_client):
    response = editor_api_client.post("/api/speakers/", "name=x&kind=person", content_type="text/plain")

    assert assert_error(response, 415)["code"] == "unsupported_media_type"


def test_method_not_allowed_is_405_in_the_uniform_shape(api_client, checked_claim):
    response = api_client.post(f"/api/verdicts/{checked_claim.published_verdict_id}/", {}, format="json")

    assert assert_error(response, 405)["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/claims/abc/check/", {}),
        ("post", "/api/claims/abc/publish/", {"rating": "accurate", "explanation": "x"}),
        ("post", "/api/claims/abc/correct/", {"rating": "accurate", "explanation": "x", "note": "y"}),
        ("patch", "/api/claims/abc/", {"version": 1, "text": "x"}),
    ],
)
def test_a_non_numeric_claim_id_in_a_write_is_404(editor_api_client, method, url, body):
    editor_api_client.raise_request_exception = False

    assert_error(getattr(editor_api_client, method)(url, body, format="json"), 404)


# --- schema, docs, browsable API ------------------------------------------------------------------------------------


def test_schema_answers_200(api_client):
    response = api_client.get("/api/schema/")

    assert response.status_code == 200
    assert b"openapi" in response.content
    assert b"/api/claims/" in response.content


def test_schema_as_json(api_client):
    response = api_client.get("/api/schema/?format=json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/claims/{id}/" in schema["paths"]


def test_docs_answer_html(api_client):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"swagger" in response.content.lower()


@pytest.mark.parametrize("caller", ["anonymous", "editor"])
@pytest.mark.parametrize("path", ["/api/claims/", "/api/claims/{pk}/", "/api/verdicts/", "/api/series/"])
def test_browsable_api_answers_html(api_client, editor_api_client, checked_claim, caller, path):
    client = {"anonymous": api_client, "editor": editor_api_client}[caller]

    response = client.get(path.format(pk=checked_claim.pk), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
