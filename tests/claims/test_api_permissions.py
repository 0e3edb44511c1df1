"""Who sees what and who may write (DESIGN.md, "What the public sees"; the issue's "Who sees what").

1. A permission matrix: every endpoint and method against each caller (anonymous, a token outside the Editors group,
   an editor), each cell its own test with the expected status.
2. A draft (and a claim in review, and a retracted one) leaks nowhere: not in details, lists, searches, counts,
   nested objects or response bodies, for anonymous callers and for tokens outside the Editors group.
3. A published claim shows the public its published verdict and never the editor-only keys or an unpublished
   engine verdict.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from claims import services
from claims.models import CheckRun, Claim, ClaimStatus, Speaker, Verdict
from sources.models import Observation, Outlet, ReferenceSeries, Source, SourceCheck
from tests import factories

pytestmark = pytest.mark.django_db

EDITOR_ONLY_KEYS = {"computed_verdict", "drift", "notes"}


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content)
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]


def pages(client, url: str) -> list:
    """Every result across all pages, following `next`."""
    items = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        items.extend(response.json()["results"])
        url = response.json()["next"]
    return items


def bodies(client, url: str) -> list[str]:
    """The raw body of every page of a list."""
    texts = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        texts.append(response.content.decode())
        url = response.json().get("next")
    return texts


# --- the permission matrix -----------------------------------------------------------------------------------------


@pytest.fixture
def objects():
    """A published claim with everything it cites, and a draft claim the writes act on."""
    w = SimpleNamespace()
    outlet = factories.OutletFactory()
    w.source = factories.SourceFactory(outlet=outlet)
    w.outlet = outlet
    factories.SourceCheckFactory(source=w.source)
    w.series = factories.ReferenceSeriesFactory(slug="beds")
    factories.ObservationFactory(series=w.series, period_end=datetime.date(2024, 1, 31), value=Decimal("38000"))
    w.published = factories.ClaimFactory(series=w.series)
    factories.AppearanceFactory(claim=w.published, source=w.source)
    services.claim_check(claim=w.published)
    w.verdict = services.verdict_publish(claim=w.published)
    w.speaker = w.published.speaker
    w.draft = factories.ClaimFactory(series=w.series)
    return w


# (id, method, url template, body, expected status for anonymous, non-editor, editor)
MATRIX = [
    ("list claims", "get", "/api/claims/", None, 200, 200, 200),
    ("claim detail", "get", "/api/claims/{published}/", None, 200, 200, 200),
    ("claim claimreview", "get", "/api/claims/{published}/claimreview/", None, 200, 200, 200),
    ("list speakers", "get", "/api/speakers/", None, 200, 200, 200),
    ("speaker detail", "get", "/api/speakers/{speaker}/", None, 200, 200, 200),
    ("list outlets", "get", "/api/outlets/", None, 200, 200, 200),
    ("outlet detail", "get", "/api/outlets/{outlet}/", None, 200, 200, 200),
    ("list sources", "get", "/api/sources/", None, 200, 200, 200),
    ("source detail", "get", "/api/sources/{source}/", None, 200, 200, 200),
    ("source checks", "get", "/api/sources/{source}/checks/", None, 200, 200, 200),
    ("list series", "get", "/api/series/", None, 200, 200, 200),
    ("series detail", "get", "/api/series/beds/", None, 200, 200, 200),
    ("observations", "get", "/api/series/beds/observations/", None, 200, 200, 200),
    ("list verdicts", "get", "/api/verdicts/", None, 200, 200, 200),
    ("verdict detail", "get", "/api/verdicts/{verdict}/", None, 200, 200, 200),
    ("schema", "get", "/api/schema/", None, 200, 200, 200),
    ("docs", "get", "/api/docs/", None, 200, 200, 200),
    ("create claim", "post", "/api/claims/", {"text": "A claim", "stated_on": "2024-02-14"}, 401, 403, 201),
    ("edit claim", "patch", "/api/claims/{draft}/", {"version": 1, "text": "Edited"}, 401, 403, 200),
    ("edit claim stale", "patch", "/api/claims/{draft}/", {"version": 7, "text": "Edited"}, 401, 403, 409),
    ("check claim", "post", "/api/claims/{draft}/check/", {}, 401, 403, 200),
    (
        "publish own rating",
        "post",
        "/api/claims/{draft}/publish/",
        {"rating": "accurate", "explanation": "Because."},
        401,
        403,
        200,
    ),
    ("publish without engine verdict", "post", "/api/claims/{draft}/publish/", {}, 401, 403, 409),
    (
        "publish own rating over a published one",
        "post",
        "/api/claims/{published}/publish/",
        {"rating": "inaccurate", "explanation": "Because."},
        401,
        403,
        409,
    ),
    (
        "correct",
        "post",
        "/api/claims/{published}/correct/",
        {"rating": "inaccurate", "explanation": "Because.", "note": "Revised."},
        401,
        403,
        200,
    ),
    (
        "correct unpublished",
        "post",
        "/api/claims/{draft}/correct/",
        {"rating": "inaccurate", "explanation": "Because.", "note": "Revised."},
        401,
        403,
        409,
    ),
    ("create series", "post", "/api/series/", {"slug": "new-series", "name": "New", "unit": "count"}, 401, 403, 201),
    (
        "add observation",
        "post",
        "/api/series/beds/observations/",
        {"period_end": "2024-05-31", "value": "1"},
        401,
        403,
        201,
    ),
    (
        "repeat observation",
        "post",
        "/api/series/beds/observations/",
        {"period_end": "2024-01-31", "value": "38000", "vintage": "2024-02-10"},
        401,
        403,
        200,
    ),
    (
        "conflicting observation",
        "post",
        "/api/series/beds/observations/",
        {"period_end": "2024-01-31", "value": "1", "vintage": "2024-02-10"},
        401,
        403,
        409,
    ),
    ("create speaker", "post", "/api/speakers/", {"name": "Someone", "kind": "person"}, 401, 403, 201),
    ("create outlet", "post", "/api/outlets/", {"name": "A new outlet"}, 401, 403, 201),
    ("create source", "post", "/api/sources/", {"url": "https://example.org/new"}, 401, 403, 201),
    ("replace claim", "put", "/api/claims/{published}/", {"text": "x"}, 401, 403, 405),
    ("delete claim", "delete", "/api/claims/{published}/", None, 401, 403, 405),
    ("delete speaker", "delete", "/api/speakers/{speaker}/", None, 401, 403, 405),
    ("create verdict", "post", "/api/verdicts/", {"claim": 1}, 405, 405, 405),
    ("delete verdict", "delete", "/api/verdicts/{verdict}/", None, 405, 405, 405),
]

CALLERS = ["anonymous", "non_editor", "editor"]
CELLS = [
    pytest.param(method, url, body, caller, row[4 + i], id=f"{row[0]}-{caller}")
    for row in MATRIX
    for i, caller in enumerate(CALLERS)
    for method, url, body in [row[1:4]]
]


def _state():
    models = (Claim, Verdict, CheckRun, ReferenceSeries, Observation, Speaker, Outlet, Source, SourceCheck)
    return [model.objects.count() for model in models] + list(
        Claim.objects.order_by("pk").values_list("version", "status")
    )


@pytest.mark.parametrize(("method", "url", "body", "caller", "expected"), CELLS)
def test_permission_matrix(
    api_client, non_editor_api_client, editor_api_client, objects, method, url, body, caller, expected
):
    client = {"anonymous": api_client, "non_editor": non_editor_api_client, "editor": editor_api_client}[caller]
    url = url.format(
        published=objects.published.pk,
        draft=objects.draft.pk,
        speaker=objects.speaker.pk,
        outlet=objects.outlet.pk,
        source=objects.source.pk,
        verdict=objects.verdict.pk,
    )
    before = _state()

    if body is None:
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, body, format="json")

    assert response.status_code == expected, (caller, method, url, response.content[:300])
    if expected >= 400:
        error = assert_error(response, expected)
        if expected == 401:
            assert error["code"] == "not_authenticated"
            assert response.has_header("WWW-Authenticate")
        if expected == 403:
            assert error["code"] == "permission_denied"
        assert _state() == before, "a refused write changed something"


# --- a draft leaks nowhere -----------------------------------------------------------------------------------------

WORD = "xylophonic"
NOTES_WORD = "quibblesome"


@pytest.fixture
def hidden(django_capture_on_commit_callbacks):
    """A published claim (the baseline the public sees) and three it must not: a draft, a claim in review and a
    retracted one, each with its own speaker, outlet, source and series, all carrying WORD."""
    with django_capture_on_commit_callbacks(execute=True):
        w = SimpleNamespace()
        public_outlet = factories.OutletFactory(name="Public Outlet")
        w.public_source = factories.SourceFactory(outlet=public_outlet, title="Public article")
        factories.SourceCheckFactory(source=w.public_source)
        w.public_series = factories.ReferenceSeriesFactory(slug="public-beds", name="Public beds")
        factories.ObservationFactory(
            series=w.public_series, period_end=datetime.date(2024, 1, 31), value=Decimal("38000")
        )
        w.published = factories.ClaimFactory(
            text="ICE holds 38,000 beds",
            series=w.public_series,
            speaker=factories.SpeakerFactory(name="Public Speaker"),
            notes=f"internal: {NOTES_WORD}",
        )
        factories.AppearanceFactory(claim=w.published, source=w.public_source, excerpt="38,000 beds")
        services.claim_check(claim=w.published)
        w.published_verdict = services.verdict_publish(claim=w.published)
        # New data makes the engine disagree: an unpublished engine verdict on a published claim (drift).
        factories.ObservationFactory(
            series=w.public_series,
            period_end=datetime.date(2024, 1, 31),
            value=Decimal("20000"),
            vintage=datetime.date(2024, 3, 1),
        )
        w.drift_verdict = services.claim_check(claim=w.published).computed_verdict
        assert w.drift_verdict.rating != w.published_verdict.rating

        w.hidden = []
        for n, status in enumerate([ClaimStatus.DRAFT, ClaimStatus.IN_REVIEW, ClaimStatus.RETRACTED]):
            item = SimpleNamespace(status=status)
            item.speaker = factories.SpeakerFactory(name=f"{WORD.title()} Speaker {n}", role=f"{WORD} role")
            item.outlet = factories.OutletFactory(name=f"{WORD.title()} Times {n}", domain=f"{WORD}{n}.example")
            item.source = factories.SourceFactory(
                outlet=item.outlet, title=f"{WORD.title()} report {n}", url=f"https://{WORD}{n}.example/report"
            )
            item.check = factories.SourceCheckFactory(source=item.source)
            item.series = factories.ReferenceSeriesFactory(slug=f"{WORD}-beds-{n}", name=f"{WORD.title()} beds {n}")
            factories.ObservationFactory(
                series=item.series, period_end=datetime.date(2024, 1, 31), value=Decimal("38000")
            )
            item.claim = factories.ClaimFactory(
                text=f"The {WORD} claim number {n}",
                speaker=item.speaker,
                series=item.series,
                notes=f"{WORD} notes",
            )
            item.claim.topics.add(factories.TopicFactory(slug=f"{WORD}-topic-{n}"))
            factories.AppearanceFactory(claim=item.claim, source=item.source, excerpt=f"an excerpt, {WORD} indeed")
            # An engine verdict nobody published; its explanation names the series, so it carries WORD too.
            item.engine_verdict = services.claim_check(claim=item.claim).computed_verdict
            assert WORD in item.engine_verdict.explanation.lower()
            if status == ClaimStatus.RETRACTED:
                # Once published with an editor's verdict, then retracted: its verdicts stay out of public view.
                item.published_verdict = services.verdict_publish(
                    claim=item.claim, rating="accurate", explanation=f"A {WORD} explanation."
                )
                Claim.objects.filter(pk=item.claim.pk).update(status=ClaimStatus.RETRACTED)
            elif status == ClaimStatus.IN_REVIEW:
                Claim.objects.filter(pk=item.claim.pk).update(status=ClaimStatus.IN_REVIEW)
            w.hidden.append(item)
    for item in w.hidden:
        item.claim.refresh_from_db()
        assert item.claim.status == item.status
    return w


@pytest.fixture(params=["anonymous", "non_editor"])
def public_client(request, api_client, non_editor_api_client):
    return {"anonymous": api_client, "non_editor": non_editor_api_client}[request.param]


PUBLIC_LISTS = [
    "/api/claims/",
    f"/api/claims/?q={WORD}",
    "/api/claims/?has_verdict=false",
    "/api/claims/?status=draft",
    "/api/claims/?ordering=-published_at",
    "/api/claims/?ordering=value",
    "/api/speakers/",
    "/api/outlets/",
    "/api/sources/",
    "/api/series/",
    "/api/verdicts/",
    "/api/verdicts/?made_by=engine",
    "/api/claimreview/",
]


def test_the_setup_is_visible_to_editors(editor_api_client, hidden):
    """The hidden rows are there and findable: the public's empty answers below are about who asks."""
    claim_ids = {item.claim.pk for item in hidden.hidden}
    assert claim_ids <= {c["id"] for c in pages(editor_api_client, "/api/claims/")}
    assert claim_ids <= {c["id"] for c in pages(editor_api_client, f"/api/claims/?q={WORD}")}
    verdict_ids = {item.engine_verdict.pk for item in hidden.hidden} | {hidden.drift_verdict.pk}
    assert verdict_ids <= {v["id"] for v in pages(editor_api_client, "/api/verdicts/")}
    for item in hidden.hidden:
        assert editor_api_client.get(f"/api/claims/{item.claim.pk}/").status_code == 200
        assert editor_api_client.get(f"/api/speakers/{item.speaker.pk}/").status_code == 200
        assert editor_api_client.get(f"/api/series/{item.series.slug}/").status_code == 200
    assert any(WORD in body for body in bodies(editor_api_client, "/api/claims/"))


def test_hidden_claims_answer_404(public_client, hidden):
    for item in hidden.hidden:
        pk = item.claim.pk
        for url in (f"/api/claims/{pk}/", f"/api/claims/{pk}/claimreview/"):
            assert assert_error(public_client.get(url), 404)["code"] == "not_found", (item.status, url)


def test_what_hidden_claims_cite_answers_404(public_client, hidden):
    for item in hidden.hidden:
        for url in (
            f"/api/speakers/{item.speaker.pk}/",
            f"/api/outlets/{item.outlet.pk}/",
            f"/api/sources/{item.source.pk}/",
            f"/api/sources/{item.source.pk}/checks/",
            f"/api/series/{item.series.slug}/",
            f"/api/series/{item.series.slug}/observations/",
            f"/api/verdicts/{item.engine_verdict.pk}/",
        ):
            assert_error(public_client.get(url), 404)
        if item.status == ClaimStatus.RETRACTED:
            assert_error(public_client.get(f"/api/verdicts/{item.published_verdict.pk}/"), 404)


def test_hidden_claims_are_absent_from_lists_searches_and_counts(public_client, hidden):
    published = hidden.published
    assert [c["id"] for c in pages(public_client, "/api/claims/?page_size=1")] == [published.pk]
    assert pages(public_client, f"/api/claims/?q={WORD}") == []
    for item in hidden.hidden:
        assert pages(public_client, f"/api/claims/?speaker={item.speaker.pk}") == []
        assert pages(public_client, f"/api/claims/?outlet={item.outlet.pk}") == []
        assert pages(public_client, f"/api/claims/?topic={WORD}-topic-0") == []
        assert pages(public_client, f"/api/verdicts/?claim={item.claim.pk}") == []
        assert pages(public_client, f"/api/sources/?outlet={item.outlet.pk}") == []
    # Counts: exactly what the one published claim cites, whatever the page size.
    for page_size in (1, 2, 100):
        assert [s["id"] for s in pages(public_client, f"/api/speakers/?page_size={page_size}")] == [
            published.speaker_id
        ]
        assert [o["id"] for o in pages(public_client, f"/api/outlets/?page_size={page_size}")] == [
            hidden.public_source.outlet_id
        ]
        assert [s["id"] for s in pages(public_client, f"/api/sources/?page_size={page_size}")] == [
            hidden.public_source.pk
        ]
        assert [s["slug"] for s in pages(public_client, f"/api/series/?page_size={page_size}")] == ["public-beds"]
        assert [v["id"] for v in pages(public_client, f"/api/verdicts/?page_size={page_size}")] == [
            hidden.published_verdict.pk
        ]


@pytest.mark.parametrize("url", PUBLIC_LISTS)
def test_the_hidden_word_is_in_no_public_list(public_client, hidden, url):
    for body in bodies(public_client, url + ("&" if "?" in url else "?") + "page_size=100"):
        assert WORD not in body.lower(), url
        assert NOTES_WORD not in body.lower(), url


def test_the_hidden_word_is_in_no_public_detail_of_the_published_claim(public_client, hidden):
    published = hidden.published
    for url in (
        f"/api/claims/{published.pk}/",
        f"/api/claims/{published.pk}/claimreview/",
        f"/api/speakers/{published.speaker_id}/",
        f"/api/sources/{hidden.public_source.pk}/",
        f"/api/sources/{hidden.public_source.pk}/checks/",
        "/api/series/public-beds/",
        "/api/series/public-beds/observations/",
        f"/api/verdicts/{hidden.published_verdict.pk}/",
    ):
        response = public_client.get(url)
        assert response.status_code == 200, url
        assert WORD not in response.content.decode().lower(), url
        assert NOTES_WORD not in response.content.decode().lower(), url


def test_public_sees_the_published_verdict_and_no_editor_keys(public_client, hidden):
    published = hidden.published
    detail = public_client.get(f"/api/claims/{published.pk}/").json()
    listed = pages(public_client, "/api/claims/")

    for body in (detail, *listed):
        assert not EDITOR_ONLY_KEYS & set(body), sorted(body)
        assert body["verdict"]["id"] == hidden.published_verdict.pk
        assert body["verdict"]["rating"] == hidden.published_verdict.rating
    # The engine's newer, unpublished verdict (the drift) is nowhere for the public.
    assert_error(public_client.get(f"/api/verdicts/{hidden.drift_verdict.pk}/"), 404)
    assert [v["id"] for v in pages(public_client, f"/api/verdicts/?claim={published.pk}")] == [
        hidden.published_verdict.pk
    ]
    assert hidden.drift_verdict.pk not in {v["id"] for v in pages(public_client, "/api/verdicts/")}
    # Filtering by the drift's rating finds nothing: rating filters see only the published verdict.
    assert pages(public_client, f"/api/claims/?rating={hidden.drift_verdict.rating}") == []
    assert pages(public_client, "/api/claims/?drift=true") == listed  # ignored, not applied


def test_editors_see_the_drift(editor_api_client, hidden):
    body = editor_api_client.get(f"/api/claims/{hidden.published.pk}/").json()

    assert EDITOR_ONLY_KEYS <= set(body)
    assert body["drift"] is True
    assert body["computed_verdict"]["id"] == hidden.drift_verdict.pk
    assert body["verdict"]["id"] == hidden.published_verdict.pk
    assert NOTES_WORD in body["notes"]


def test_a_token_outside_the_editors_group_cannot_see_by_claiming_staff(api_client, hidden):
    """is_staff without the Editors group is still the public."""
    from rest_framework.authtoken.models import Token

    staff = factories.UserFactory(username="staff-not-editor", is_staff=True)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")

    assert_error(api_client.get(f"/api/claims/{hidden.hidden[0].claim.pk}/"), 404)
    assert [c["id"] for c in pages(api_client, "/api/claims/")] == [hidden.published.pk]
    assert_error(api_client.post("/api/speakers/", {"name": "x", "kind": "person"}, format="json"), 403)
