"""The write side of the API contract (DESIGN.md, "The API contract"), called as an integration calls it:
JSON bodies, an editor's DRF token in `Authorization: Token <key>`, errors as {"error": {"code", "message", "fields"}}.
"""

import datetime
from decimal import Decimal

import pytest

from claims import services
from claims.models import CheckRun, Claim, ClaimKind, Speaker, Verdict
from sources.models import Observation, Outlet, ReferenceSeries, Source, Unit
from tests import factories

pytestmark = pytest.mark.django_db

EDITOR_ONLY_KEYS = {"computed_verdict", "drift", "notes"}
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


def post(client, url, data=None):
    return client.post(url, data if data is not None else {}, format="json")


def patch(client, url, data):
    return client.patch(url, data, format="json")


def assert_error(response, status: int, field: str | None = None) -> dict:
    """The uniform error shape; returns the error object."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    if field is not None:
        assert field in error["fields"], error
    return error


def no_figure_claim(**kwargs):
    return factories.ClaimFactory(value=None, unit=None, qualifier=None, kind=None, counted_noun="", **kwargs)


# --- the whole flow ----------------------------------------------------------------------------------------------


def test_full_flow_from_series_to_correction(editor_api_client, api_client):
    editor = editor_api_client

    series = {"slug": "ice-beds", "name": "ICE funded beds", "unit": "count", "counted_noun": "beds"}
    response = post(editor, "/api/series/", series)
    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "ice-beds"

    observation = {"period_end": "2024-01-31", "value": "38000", "vintage": "2024-02-10"}
    first = post(editor, "/api/series/ice-beds/observations/", observation)
    assert first.status_code == 201, first.content
    assert first.json()["period_start"] == "2024-01-31"  # defaults to period_end
    again = post(editor, "/api/series/ice-beds/observations/", observation)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    conflict = post(editor, "/api/series/ice-beds/observations/", observation | {"value": "37000"})
    assert assert_error(conflict, 409)["code"] == "observation_conflict"
    assert Observation.objects.count() == 1

    response = post(editor, "/api/speakers/", {"name": "Kristi Noem", "kind": "person", "role": "DHS Secretary"})
    assert response.status_code == 201, response.content
    speaker_id = response.json()["id"]

    response = post(
        editor,
        "/api/claims/",
        {
            "text": "ICE holds 38,000 beds",
            "speaker": speaker_id,
            "stated_on": "2024-02-14",
            "topics": ["detention"],
            "series": "ice-beds",
            "quantity": {"value": "38000", "unit": "count", "counted_noun": "beds"},
        },
    )
    assert response.status_code == 201, response.content
    claim = response.json()
    claim_id = claim["id"]
    assert claim["status"] == "draft"
    assert claim["version"] == 1
    assert claim["attribution_kind"] == "paraphrase"
    assert claim["speaker"]["id"] == speaker_id
    assert claim["series"] == "ice-beds"
    assert claim["topics"] == ["detention"]
    assert claim["quantity"] == {
        "value": "38000",
        "unit": "count",
        "counted_noun": "beds",
        "qualifier": "exact",
        "kind": "level",
        "as_of": "2024-02-14",
        "baseline_date": None,
        "due_date": None,
    }
    assert claim["verdict"] is None and claim["corrections"] == []
    assert claim["computed_verdict"] is None and claim["drift"] is False

    response = post(editor, f"/api/claims/{claim_id}/check/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"check_run", "computed_verdict"}
    run = body["check_run"]
    assert run["claim"] == claim_id and run["claim_version"] == 1 and run["policy_version"] == 1
    assert run["data_version"] == first.json()["id"]
    assert (run["state"], run["outcome"], run["attempts"]) == ("done", "changed", 1)
    computed = body["computed_verdict"]
    assert VERDICT_KEYS <= set(computed)
    assert computed["claim"] == claim_id
    assert (computed["rating"], computed["rating_value"], computed["label"]) == ("accurate", 6, "Accurate")
    assert computed["made_by"] == "engine"
    assert computed["claimed_value"] == "38000"
    assert computed["reference_value"] == "38000"
    assert Decimal(computed["deviation"]) == 0 and isinstance(computed["deviation"], str)
    assert computed["deviation_unit"] == "ratio"
    assert computed["rule"] == "bands_exact"
    assert computed["observation"] == {
        "period_start": "2024-01-31",
        "period_end": "2024-01-31",
        "value": "38000",
        "vintage": "2024-02-10",
    }
    assert computed["baseline_observation"] is None
    assert computed["policy_version"] == 1
    assert computed["explanation"].startswith("Claimed 38,000 beds")
    assert computed["created_at"] and computed["published_at"] is None
    assert computed["supersedes"] is None

    assert_error(api_client.get(f"/api/claims/{claim_id}/"), 404)

    response = post(editor, f"/api/claims/{claim_id}/publish/")
    assert response.status_code == 200, response.content
    published = response.json()
    assert published["status"] == "published"
    assert published["verdict"]["id"] == computed["id"]
    assert published["verdict"]["published_at"] is not None

    response = api_client.get(f"/api/claims/{claim_id}/")
    assert response.status_code == 200
    public = response.json()
    assert public["verdict"]["id"] == computed["id"]
    assert public["verdict"]["rating"] == "accurate"
    assert not EDITOR_ONLY_KEYS & set(public)

    revision = {"period_end": "2024-01-31", "value": "30000", "vintage": "2024-03-01"}
    response = post(editor, "/api/series/ice-beds/observations/", revision)
    assert response.status_code == 201
    response = post(editor, f"/api/claims/{claim_id}/check/")
    assert response.status_code == 200
    assert response.json()["check_run"]["outcome"] == "changed"
    recomputed = response.json()["computed_verdict"]
    assert recomputed["rating"] == "mostly-inaccurate"
    assert recomputed["observation"]["vintage"] == "2024-03-01"
    assert recomputed["published_at"] is None

    response = editor.get(f"/api/claims/{claim_id}/")
    drifted = response.json()
    assert drifted["drift"] is True
    assert drifted["verdict"]["id"] == computed["id"]
    assert drifted["verdict"]["rating"] == "accurate"
    assert drifted["computed_verdict"]["id"] == recomputed["id"]
    public = api_client.get(f"/api/claims/{claim_id}/").json()
    assert public["verdict"]["id"] == computed["id"]
    assert public["verdict"]["rating"] == "accurate"

    note = "The agency revised its count to 30,000 beds."
    response = post(
        editor,
        f"/api/claims/{claim_id}/correct/",
        {"rating": "mostly-inaccurate", "explanation": "The revised count is 30,000 beds.", "note": note},
    )
    assert response.status_code == 200, response.content
    corrected = response.json()
    correction = corrected["verdict"]
    assert correction["supersedes"] == computed["id"]
    assert correction["rating"] == "mostly-inaccurate" and correction["rating_value"] == 3
    assert correction["made_by"] == "editor"
    assert correction["note"] == note
    assert correction["published_at"] is not None
    assert [(c["verdict"], c["previous_rating"], c["rating"], c["note"]) for c in corrected["corrections"]] == [
        (correction["id"], "accurate", "mostly-inaccurate", note)
    ]
    # The correction is newer than the engine's latest verdict, so there is nothing left to review.
    assert corrected["drift"] is False
    assert corrected["computed_verdict"]["id"] == recomputed["id"]

    public = api_client.get(f"/api/claims/{claim_id}/").json()
    assert public["verdict"]["id"] == correction["id"]
    assert [c["note"] for c in public["corrections"]] == [note]
    assert not EDITOR_ONLY_KEYS & set(public)


def test_editor_verdict_on_a_claim_without_a_figure(editor_api_client, api_client):
    claim = no_figure_claim()

    response = post(
        editor_api_client,
        f"/api/claims/{claim.pk}/publish/",
        {"rating": "half-accurate", "explanation": "Right on the trend, wrong on the size."},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "published"
    assert body["quantity"] is None
    verdict = body["verdict"]
    assert (verdict["rating"], verdict["rating_value"], verdict["label"]) == ("half-accurate", 4, "Half accurate")
    assert verdict["made_by"] == "editor"
    assert verdict["claimed_value"] is None
    assert verdict["published_at"] is not None
    assert body["computed_verdict"] is None and body["drift"] is False
    assert api_client.get(f"/api/claims/{claim.pk}/").json()["verdict"]["id"] == verdict["id"]


def test_unverifiable_verdict_may_be_published(editor_api_client):
    claim = factories.ClaimFactory(series=None)  # a figure, but nothing to check it against
    check = post(editor_api_client, f"/api/claims/{claim.pk}/check/").json()
    assert check["check_run"]["outcome"] == "unverifiable"
    assert check["computed_verdict"]["rating"] == "unverifiable"

    response = post(editor_api_client, f"/api/claims/{claim.pk}/publish/")

    assert response.status_code == 200, response.content
    verdict = response.json()["verdict"]
    assert verdict["id"] == check["computed_verdict"]["id"]
    assert (verdict["rating"], verdict["rating_value"], verdict["label"]) == ("unverifiable", None, "Unverifiable")


def test_check_of_a_claim_without_a_figure_answers_without_a_verdict(editor_api_client):
    claim = no_figure_claim()

    response = post(editor_api_client, f"/api/claims/{claim.pk}/check/")

    assert response.status_code == 200
    assert response.json()["check_run"]["outcome"] == "unverifiable"
    assert response.json()["computed_verdict"] is None


def test_check_of_an_unknown_claim_is_404(editor_api_client):
    assert_error(post(editor_api_client, "/api/claims/999999/check/"), 404)
    assert CheckRun.objects.count() == 0


# --- conflicts -----------------------------------------------------------------------------------------------------


def test_publish_without_a_computed_verdict_is_409(editor_api_client):
    claim = factories.ClaimFactory()

    error = assert_error(post(editor_api_client, f"/api/claims/{claim.pk}/publish/"), 409)

    assert error["code"] == "no_computed_verdict"
    claim.refresh_from_db()
    assert claim.status == "draft" and claim.published_verdict_id is None


def test_publish_of_a_pending_forecast_is_409(editor_api_client):
    observation = factories.ObservationFactory(period_end=datetime.date(2024, 1, 31))
    claim = factories.ClaimFactory(
        series=observation.series, kind=ClaimKind.FORECAST, value=Decimal("22000"), due_date=datetime.date(2026, 9, 30)
    )
    response = post(editor_api_client, f"/api/claims/{claim.pk}/check/")
    assert response.json()["computed_verdict"]["rating"] == "pending"
    assert response.json()["computed_verdict"]["rating_value"] is None

    error = assert_error(post(editor_api_client, f"/api/claims/{claim.pk}/publish/"), 409)

    assert error["code"] == "verdict_pending"
    assert Verdict.objects.filter(published_at__isnull=False).count() == 0


def test_patch_with_a_stale_version_is_409_and_writes_nothing(editor_api_client):
    claim = factories.ClaimFactory(text="Original")
    assert patch(editor_api_client, f"/api/claims/{claim.pk}/", {"version": 1, "text": "First edit"}).status_code == 200

    response = patch(editor_api_client, f"/api/claims/{claim.pk}/", {"version": 1, "text": "Lost update"})
    error = assert_error(response, 409, "version")

    assert error["code"] == "stale_version"
    claim.refresh_from_db()
    assert (claim.text, claim.version) == ("First edit", 2)


def test_patch_without_a_version_is_400(editor_api_client):
    claim = factories.ClaimFactory(text="Original")

    assert_error(patch(editor_api_client, f"/api/claims/{claim.pk}/", {"text": "Blind edit"}), 400, "version")

    claim.refresh_from_db()
    assert (claim.text, claim.version) == ("Original", 1)


def test_patch_replaces_quantity_and_appearances_whole(editor_api_client):
    a, b = factories.SourceFactory(), factories.SourceFactory()
    claim = factories.ClaimFactory(qualifier="approximate", counted_noun="beds")
    factories.AppearanceFactory(claim=claim, source=a)

    response = patch(
        editor_api_client,
        f"/api/claims/{claim.pk}/",
        {
            "version": 1,
            "quantity": {"value": "22000", "unit": "count"},
            "appearances": [{"source": b.pk, "excerpt": "22,000"}],
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2
    assert body["quantity"]["value"] == "22000"
    assert body["quantity"]["qualifier"] == "exact"
    assert body["quantity"]["counted_noun"] == ""
    assert [(x["source"], x["excerpt"], x["is_first"]) for x in body["appearances"]] == [(b.pk, "22,000", True)]


@pytest.mark.parametrize("quantity", [{"unit": "count"}, {"value": "22000"}], ids=["no value", "no unit"])
def test_patch_with_an_incomplete_quantity_is_400(editor_api_client, quantity):
    editor_api_client.raise_request_exception = False
    claim = factories.ClaimFactory(value=Decimal("38000"))

    response = patch(editor_api_client, f"/api/claims/{claim.pk}/", {"version": 1, "quantity": quantity})

    assert_error(response, 400, "quantity")
    claim.refresh_from_db()
    assert (claim.value, claim.version) == (Decimal("38000"), 1)


# --- bad input: 400, the uniform shape, nothing written ---------------------------------------------------------------


@pytest.fixture
def series():
    return factories.ReferenceSeriesFactory(slug="ice-beds", unit=Unit.COUNT)


def valid_claim(**quantity):
    return {
        "text": "ICE holds 38,000 beds",
        "stated_on": "2024-02-14",
        "series": "ice-beds",
        "quantity": {"value": "38000", "unit": "count"} | quantity,
    }


def without(data: dict, key: str) -> dict:
    return {k: v for k, v in data.items() if k != key}


BAD_CLAIMS = [
    pytest.param(valid_claim(unit="furlongs"), "quantity", id="unknown unit"),
    pytest.param(valid_claim(value="-62", unit="percent", kind="change"), "quantity", id="change without baseline"),
    pytest.param(
        valid_claim(value="-62", unit="count", kind="change", baseline_date="2023-02-14"),
        "quantity",
        id="change not in percent",
    ),
    pytest.param(valid_claim(value="22000", kind="forecast"), "quantity", id="forecast without due date"),
    pytest.param(valid_claim(value="lots"), "quantity", id="non-numeric value"),
    pytest.param(valid_claim(value="NaN"), "quantity", id="NaN"),
    pytest.param(valid_claim(value="Infinity"), "quantity", id="Infinity"),
    pytest.param(valid_claim(value="-Infinity"), "quantity", id="-Infinity"),
    pytest.param(valid_claim(value="-5"), "quantity", id="negative level"),
    pytest.param(valid_claim(value="1.1234567"), "quantity", id="too many decimal places"),
    pytest.param(valid_claim(value="1" + "0" * 24), "quantity", id="too many digits"),
    pytest.param(valid_claim() | {"series": "no-such-series"}, "series", id="unknown series"),
    pytest.param(valid_claim(qualifier="roughly"), "quantity", id="unknown qualifier"),
    pytest.param(valid_claim(kind="trend"), "quantity", id="unknown kind"),
    pytest.param(without(valid_claim(), "stated_on"), "quantity", id="neither as_of nor stated_on"),
    pytest.param(valid_claim() | {"speaker": 999999}, "speaker", id="unknown speaker"),
    pytest.param(valid_claim() | {"stated_on": "2024-13-45"}, "stated_on", id="bad date"),
    pytest.param(valid_claim(as_of="2024-02-30"), "quantity", id="bad as_of"),
    pytest.param(valid_claim() | {"attribution_kind": "rumour"}, "attribution_kind", id="unknown attribution kind"),
    pytest.param(valid_claim() | {"text": ""}, "text", id="empty text"),
    pytest.param(without(valid_claim(), "text"), "text", id="no text"),
    pytest.param(valid_claim() | {"appearances": [{"source": 999999}]}, "appearances", id="unknown source"),
]


@pytest.mark.parametrize(("payload", "field"), BAD_CLAIMS)
def test_bad_claim_is_400_and_writes_nothing(editor_api_client, series, payload, field):
    claims, series_count, speakers = Claim.objects.count(), ReferenceSeries.objects.count(), Speaker.objects.count()

    assert_error(post(editor_api_client, "/api/claims/", payload), 400, field)

    assert Claim.objects.count() == claims
    assert Claim.history.count() == 0
    assert ReferenceSeries.objects.count() == series_count
    assert Speaker.objects.count() == speakers


def test_duplicate_appearance_is_400_and_writes_nothing(editor_api_client, series):
    source = factories.SourceFactory()
    payload = valid_claim() | {"appearances": [{"source": source.pk}, {"source": source.pk, "excerpt": "again"}]}

    assert_error(post(editor_api_client, "/api/claims/", payload), 400)

    assert Claim.objects.count() == 0
    assert Claim.history.count() == 0


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_json_number_is_400(editor_api_client, series, raw):
    body = '{"text": "x", "stated_on": "2024-02-14", "quantity": {"value": %s, "unit": "count"}}' % raw

    response = editor_api_client.post("/api/claims/", body, content_type="application/json")

    assert_error(response, 400)
    assert Claim.objects.count() == 0


def test_bad_patch_is_400_and_writes_nothing(editor_api_client):
    claim = factories.ClaimFactory(text="Original", value=Decimal("38000"))

    response = patch(
        editor_api_client,
        f"/api/claims/{claim.pk}/",
        {"version": 1, "text": "Edited", "quantity": {"value": "-5", "unit": "count"}},
    )

    assert_error(response, 400, "quantity")
    claim.refresh_from_db()
    assert (claim.text, claim.value, claim.version) == ("Original", Decimal("38000"), 1)
    assert claim.history.count() == 1


@pytest.fixture
def published_claim():
    """A claim whose engine verdict is published, so it can be corrected."""
    observation = factories.ObservationFactory(period_end=datetime.date(2024, 1, 31))
    claim = factories.ClaimFactory(series=observation.series)
    services.claim_check(claim=claim)
    services.verdict_publish(claim=claim)
    claim.refresh_from_db()
    return claim


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"rating": "mostly-true", "explanation": "Because."}, "rating"),
        ({"rating": "pending", "explanation": "Because."}, "rating"),
        ({"rating": "accurate"}, "explanation"),
        ({"rating": "accurate", "explanation": ""}, "explanation"),
        ({"explanation": "A reason without a rating."}, "rating"),
    ],
    ids=["unknown rating", "pending", "no explanation", "blank explanation", "no rating"],
)
def test_bad_publish_is_400_and_writes_nothing(editor_api_client, payload, field):
    claim = no_figure_claim()

    assert_error(post(editor_api_client, f"/api/claims/{claim.pk}/publish/", payload), 400, field)

    assert Verdict.objects.count() == 0
    claim.refresh_from_db()
    assert claim.status == "draft"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"rating": "mostly-true", "explanation": "Because.", "note": "Fixed."}, "rating"),
        ({"rating": "inaccurate", "explanation": "Because."}, "note"),
        ({"rating": "inaccurate", "explanation": "Because.", "note": ""}, "note"),
        ({"rating": "inaccurate", "note": "Fixed."}, "explanation"),
    ],
    ids=["unknown rating", "no note", "blank note", "no explanation"],
)
def test_bad_correction_is_400_and_writes_nothing(editor_api_client, published_claim, payload, field):
    verdicts = Verdict.objects.count()
    published = published_claim.published_verdict_id

    assert_error(post(editor_api_client, f"/api/claims/{published_claim.pk}/correct/", payload), 400, field)

    assert Verdict.objects.count() == verdicts
    published_claim.refresh_from_db()
    assert published_claim.published_verdict_id == published


def test_correcting_an_unpublished_claim_is_409(editor_api_client):
    claim = factories.ClaimFactory()

    correction = {"rating": "inaccurate", "explanation": "x", "note": "y"}

    error = assert_error(post(editor_api_client, f"/api/claims/{claim.pk}/correct/", correction), 409)

    assert error["code"] == "nothing_to_correct"
    assert Verdict.objects.count() == 0


# --- permissions ----------------------------------------------------------------------------------------------------


@pytest.fixture
def write_targets():
    """Every write endpoint, each with a body that an editor could send successfully."""
    claim = factories.ClaimFactory()
    observation = factories.ObservationFactory(series=factories.ReferenceSeriesFactory(slug="beds"))
    claim.series = observation.series
    claim.save()
    outlet = factories.OutletFactory()
    return [
        ("post", "/api/claims/", {"text": "A claim", "stated_on": "2024-02-14"}),
        ("patch", f"/api/claims/{claim.pk}/", {"version": 1, "text": "Edited"}),
        ("post", f"/api/claims/{claim.pk}/check/", {}),
        ("post", f"/api/claims/{claim.pk}/publish/", {"rating": "accurate", "explanation": "Because."}),
        ("post", f"/api/claims/{claim.pk}/correct/", {"rating": "accurate", "explanation": "Because.", "note": "n"}),
        ("post", "/api/series/", {"slug": "new-series", "name": "New", "unit": "count"}),
        ("post", "/api/series/beds/observations/", {"period_end": "2024-05-31", "value": "1"}),
        ("post", "/api/speakers/", {"name": "Someone", "kind": "person"}),
        ("post", "/api/outlets/", {"name": "A new outlet"}),
        ("post", "/api/sources/", {"url": "https://example.org/new", "outlet": outlet.pk}),
    ]


def _counts():
    models = (Claim, Verdict, CheckRun, ReferenceSeries, Observation, Speaker, Outlet, Source)
    return [model.objects.count() for model in models]


def test_anonymous_writes_are_401(api_client, write_targets):
    before = _counts()
    for method, url, data in write_targets:
        error = assert_error(getattr(api_client, method)(url, data, format="json"), 401)
        assert error["code"] == "not_authenticated", (method, url)
    assert _counts() == before
    assert Claim.objects.get().version == 1


def test_non_editor_writes_are_403(non_editor_api_client, write_targets):
    before = _counts()
    for method, url, data in write_targets:
        response = getattr(non_editor_api_client, method)(url, data, format="json")
        error = assert_error(response, 403)
        assert error["code"] == "permission_denied", (method, url)
    assert _counts() == before
    assert Claim.objects.get().version == 1


def test_editor_can_do_every_write(editor_api_client, write_targets):
    """The same requests succeed with an editor's token, so the 401s and 403s above are about who asks."""
    for method, url, data in write_targets:
        response = getattr(editor_api_client, method)(url, data, format="json")
        assert response.status_code in (200, 201), (method, url, response.content)


def test_invalid_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert_error(post(api_client, "/api/speakers/", {"name": "Someone", "kind": "person"}), 401)

    assert Speaker.objects.count() == 0


def test_non_editor_reads_like_the_public(non_editor_api_client, published_claim):
    draft = factories.ClaimFactory()

    assert_error(non_editor_api_client.get(f"/api/claims/{draft.pk}/"), 404)
    response = non_editor_api_client.get(f"/api/claims/{published_claim.pk}/")
    assert response.status_code == 200
    assert response.json()["verdict"]["id"] == published_claim.published_verdict_id
    assert not EDITOR_ONLY_KEYS & set(response.json())
    listed = [c["id"] for c in non_editor_api_client.get("/api/claims/").json()["results"]]
    assert listed == [published_claim.pk]
