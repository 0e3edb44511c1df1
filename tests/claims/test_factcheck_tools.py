"""Google Fact Check Tools API v1alpha1, read side: the real google-api-python-client (Google's discovery document
shipped in the package, only the host changed) against the live test server, and the shapes, parameters and errors
with Django's test client."""

import datetime
import json

import httplib2
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from claims import factcheck_tools, services
from claims.models import Claim, ClaimStatus, Rating, SpeakerKind
from claims.search import claim_search_refresh
from tests import factories

SITE = "https://factcheck.example.org/"
PUBLISHER = "Example Fact Desk"
UTC = datetime.timezone.utc
SEARCH, PAGES = "/v1alpha1/claims:search", "/v1alpha1/pages"

live = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def site(settings):
    settings.FACTCHECK_SITE_URL = SITE
    settings.FACTCHECK_PUBLISHER_URL = "https://example.org/"
    settings.FACTCHECK_PUBLISHER_NAME = PUBLISHER
    settings.FACTCHECK_LANGUAGE_CODE = "en"


def publish(
    text,
    *,
    reviewed=None,
    rating=Rating.ACCURATE,
    explanation="It matches the agency's count.",
    first_url=None,
    **fields,
):
    """A claim with one appearance, published with an editor's rating at `reviewed` (default now)."""
    claim = factories.ClaimFactory(text=text, **fields)
    source = factories.SourceFactory(**({"url": first_url} if first_url else {}))
    factories.AppearanceFactory(claim=claim, source=source, is_first=True)
    services.verdict_publish(claim=claim, rating=rating, explanation=explanation, now=reviewed or timezone.now())
    claim_search_refresh(claim_ids=[claim.pk])  # on PostgreSQL the index is refreshed on commit; tests may not commit
    claim.refresh_from_db()
    return claim


def unpublished_claims(word: str) -> list[Claim]:
    """A draft, a claim in review with an unpublished engine verdict, and a retracted one, all containing `word`."""
    draft = factories.ClaimFactory(text=f"A draft about {word} that is not public")
    in_review = factories.ClaimFactory(text=f"A claim in review about {word}", status=ClaimStatus.IN_REVIEW)
    verdict = factories.VerdictFactory(claim=in_review, made_by="engine", policy_version=1)
    Claim.objects.filter(pk=in_review.pk).update(computed_verdict=verdict)
    retracted = publish(f"A retracted claim about {word}")
    Claim.objects.filter(pk=retracted.pk).update(status=ClaimStatus.RETRACTED)
    claim_search_refresh(claim_ids=[draft.pk, in_review.pk])
    return [draft, in_review, retracted]


def page_url(claim) -> str:
    return f"{SITE}claims/{claim.pk}/"


@pytest.fixture
def service(live_server):
    """Google's own client, built from the discovery document it ships, pointed at the live test server."""
    http = httplib2.Http(timeout=30)
    yield build(
        "factchecktools",
        "v1alpha1",
        developerKey="test-key",
        static_discovery=True,
        client_options={"api_endpoint": live_server.url + "/"},
        http=http,
    )
    # Close the kept-alive sockets now: a server thread still serving one when the session's live server stops
    # would close its (shared, in-memory SQLite) connection after the sharing is switched off.
    http.close()


def google_error(exc: HttpError) -> dict:
    return json.loads(exc.content)["error"]


# --- the real client against the live server -------------------------------------------------------------------


@live
def test_client_searches_the_test_server_and_finds_published_claims_only(service, live_server):
    speaker = factories.SpeakerFactory(name="Alejandro Mayorkas", role="DHS Secretary")
    claim = publish(
        "ICE holds 38,000 detention beds, the secretary said.",
        speaker=speaker,
        stated_on=datetime.date(2024, 2, 14),
        reviewed=datetime.datetime(2024, 3, 1, 12, 30, 15, 123456, tzinfo=UTC),
        rating=Rating.MOSTLY_ACCURATE,
    )
    unpublished_claims("detention")

    request = service.claims().search(query="detention")
    # The client joins api_endpoint and the method's path: the request reaches this site's root.
    assert request.uri.startswith(live_server.url + "/v1alpha1/claims:search?")
    assert "key=test-key" in request.uri and "alt=json" in request.uri
    response = request.execute()

    assert response == {
        "claims": [
            {
                "text": "ICE holds 38,000 detention beds, the secretary said.",
                "claimant": "Alejandro Mayorkas",
                "claimDate": "2024-02-14T00:00:00Z",
                "claimReview": [
                    {
                        "publisher": {"name": PUBLISHER, "site": "factcheck.example.org"},
                        "url": page_url(claim),
                        "title": "Fact check: ICE holds 38,000 detention beds, the secretary said.",
                        "reviewDate": "2024-03-01T12:30:15Z",
                        "textualRating": "Mostly accurate",
                        "languageCode": "en",
                    }
                ],
            }
        ]
    }
    assert service.claims().search(query="draft").execute() == {"claims": []}
    assert service.claims().search(query="retracted").execute() == {"claims": []}


@live
def test_client_pages_through_results_with_page_token(service):
    base = timezone.now() - datetime.timedelta(hours=1)
    texts = [f"The budget gap is {700 + i} million dollars" for i in range(7)]
    for i, text in enumerate(texts):
        publish(text, reviewed=base - datetime.timedelta(minutes=i))  # the first is the newest review
    unpublished_claims("budget")

    request = service.claims().search(query="budget", pageSize=3)
    seen, sizes, tokens = [], [], []
    while request is not None:
        response = request.execute()
        sizes.append(len(response["claims"]))
        seen += [c["text"] for c in response["claims"]]
        tokens.append(response.get("nextPageToken"))
        request = service.claims().search_next(request, response)  # sets pageToken from nextPageToken
    assert sizes == [3, 3, 1]
    assert seen == texts  # each exactly once, newest review first
    assert tokens[-1] is None and all(tokens[:-1])

    # The same, passing pageToken by hand.
    second = service.claims().search(query="budget", pageSize=3, pageToken=tokens[0]).execute()
    assert [c["text"] for c in second["claims"]] == texts[3:6]
    assert second["nextPageToken"] == tokens[1]


@live
def test_client_filters_by_language_age_and_review_publisher_site(service):
    recent = publish(
        "Detention costs rose to $3 billion",
        stated_on=timezone.now().date() - datetime.timedelta(days=10),
        reviewed=timezone.now() - datetime.timedelta(days=1),
    )
    old = publish(
        "Detention costs fell to $2 billion",
        stated_on=timezone.now().date() - datetime.timedelta(days=500),
        reviewed=timezone.now() - datetime.timedelta(days=400),
    )
    unpublished_claims("detention")

    def texts(**params):
        return [c["text"] for c in service.claims().search(**params).execute()["claims"]]

    both = [recent.text, old.text]
    for code in ("en", "en-US", "EN-gb"):
        assert texts(query="detention", languageCode=code) == both
    for code in ("de", "sr-Latn", "fr-CA"):
        assert texts(query="detention", languageCode=code) == []

    assert texts(query="detention", maxAgeDays=30) == [recent.text]
    assert texts(query="detention", maxAgeDays=450) == both  # the claim date is older, the review date is not
    assert texts(query="detention", maxAgeDays=0) == both  # 0 is "not set", as in proto3

    for site in ("factcheck.example.org", "www.factcheck.example.org", "example.org", "https://factcheck.example.org/"):
        assert texts(reviewPublisherSiteFilter=site) == both  # the filter alone is enough, as at Google
    assert texts(query="detention", reviewPublisherSiteFilter="factcheck.example.org") == both
    assert texts(reviewPublisherSiteFilter="nytimes.com") == []
    assert texts(query="detention", reviewPublisherSiteFilter="nytimes.com") == []


@live
def test_client_gets_google_errors_for_invalid_arguments(service):
    publish("The budget gap is $700 million")

    with pytest.raises(HttpError) as invalid_size:
        service.claims().search(query="budget", pageSize=-1).execute()
    assert invalid_size.value.status_code == 400
    error = google_error(invalid_size.value)
    assert (error["code"], error["status"]) == (400, "INVALID_ARGUMENT")
    assert "pageSize" in invalid_size.value.reason

    with pytest.raises(HttpError) as neither:
        service.claims().search().execute()
    assert neither.value.status_code == 400
    assert "query or reviewPublisherSiteFilter" in neither.value.reason

    with pytest.raises(HttpError) as garbage:
        service.claims().search(query="budget", pageToken="not-a-token").execute()
    assert garbage.value.status_code == 400

    token = factcheck_tools.encode_page_token(1, factcheck_tools._fingerprint("factchecktools.claims.search", {}))
    with pytest.raises(HttpError) as foreign:
        service.claims().search(query="budget", pageToken=token).execute()
    assert foreign.value.status_code == 400


@pytest.fixture
def markup_claim():
    speaker = factories.SpeakerFactory(
        name="Alejandro Mayorkas", role="DHS Secretary", same_as="https://www.wikidata.org/wiki/Q4717341"
    )
    claim = publish(
        "ICE detention stood at 38,000 beds when the proposal circulated in February 2024.",
        speaker=speaker,
        stated_on=datetime.date(2024, 2, 14),
        reviewed=datetime.datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
        rating=Rating.MOSTLY_ACCURATE,
        explanation="Claimed 38,000 beds; the funded level was 34,000.",
        first_url="https://www.washingtonpost.com/ice-releases",
    )
    factories.AppearanceFactory(
        claim=claim, source=factories.SourceFactory(url="https://news.example/second"), is_first=False
    )
    return claim


def expected_page(claim) -> dict:
    return {
        "name": f"pages/{claim.pk}",
        "pageUrl": page_url(claim),
        "publishDate": "2024-03-01",
        "claimReviewAuthor": {"name": PUBLISHER},
        "claimReviewMarkups": [
            {
                "claimReviewed": "ICE detention stood at 38,000 beds when the proposal circulated in…",
                "claimDate": "2024-02-14",
                "claimFirstAppearance": "https://www.washingtonpost.com/ice-releases",
                "claimAppearances": ["https://news.example/second"],  # "aside from the first appearance"
                "claimAuthor": {
                    "name": "Alejandro Mayorkas",
                    "jobTitle": "DHS Secretary",
                    "sameAs": "https://www.wikidata.org/wiki/Q4717341",
                },
                "rating": {
                    "textualRating": "Mostly accurate",
                    "ratingValue": 5,
                    "bestRating": 6,
                    "worstRating": 1,
                    "ratingExplanation": "Claimed 38,000 beds; the funded level was 34,000.",
                },
                "url": page_url(claim),
            }
        ],
        "versionId": str(claim.published_verdict_id),
    }


@live
def test_client_lists_and_gets_claim_review_markup_pages(service, markup_claim, live_server):
    hidden = unpublished_claims("beds")
    page = expected_page(markup_claim)

    assert service.pages().list().execute() == {"claimReviewMarkupPages": [page]}
    request = service.pages().get(name=f"pages/{markup_claim.pk}")
    assert request.uri.startswith(f"{live_server.url}/v1alpha1/pages/{markup_claim.pk}?")
    assert request.execute() == page
    assert service.pages().list(url=page_url(markup_claim)).execute() == {"claimReviewMarkupPages": [page]}
    assert service.pages().list(organization="factcheck.example.org").execute() == {"claimReviewMarkupPages": [page]}
    assert service.pages().list(organization="other.example").execute() == {"claimReviewMarkupPages": []}

    for name in [*(f"pages/{claim.pk}" for claim in hidden), "pages/999999", "pages/not-a-number"]:
        with pytest.raises(HttpError) as missing:
            service.pages().get(name=name).execute()
        assert missing.value.status_code == 404, name
        assert google_error(missing.value) == {
            "code": 404,
            "message": "Requested entity was not found.",
            "status": "NOT_FOUND",
        }


@live
def test_client_pages_through_markup_pages(service):
    base = timezone.now()
    claims = [publish(f"Claim number {i} about beds", reviewed=base - datetime.timedelta(minutes=i)) for i in range(5)]
    unpublished_claims("beds")
    request, names = service.pages().list(pageSize=2), []
    while request is not None:
        response = request.execute()
        names += [p["name"] for p in response["claimReviewMarkupPages"]]
        request = service.pages().list_next(request, response)
    assert names == [f"pages/{c.pk}" for c in claims]


# --- shapes, parameters and errors with Django's test client ---------------------------------------------------


with_db = pytest.mark.django_db


def get(client, path, **params):
    response = client.get(path, params)
    assert response["Content-Type"].startswith("application/json"), response.content
    return response, json.loads(response.content)


@with_db
def test_key_and_alt_json_are_accepted_and_google_standard_parameters_ignored(client):
    claim = publish("The deficit is $700 million")
    response, body = get(client, SEARCH, query="deficit", key="any-key", alt="json")
    assert response.status_code == 200
    assert [c["claimReview"][0]["url"] for c in body["claims"]] == [page_url(claim)]

    standard = {
        "key": "k",
        "alt": "json",
        "prettyPrint": "false",
        "fields": "claims(text)",
        "quotaUser": "someone",
        "$.xgafv": "2",
        "access_token": "t",
        "callback": "cb",
        "oauth_token": "t",
        "upload_protocol": "raw",
        "uploadType": "media",
    }
    for path in (SEARCH, PAGES, f"{PAGES}/{claim.pk}"):
        params = standard | ({"query": "deficit"} if path == SEARCH else {})
        response = client.get(path, params)
        assert response.status_code == 200, (path, response.content)
        assert b"\n" not in response.content  # prettyPrint=false: compact
    assert b'\n  "claims"' in client.get(SEARCH, {"query": "deficit"}).content  # prettyPrint defaults to true


@with_db
@pytest.mark.parametrize("alt", ["media", "proto", "xml", ""])
def test_alt_other_than_json_is_invalid(client, alt):
    response, body = get(client, SEARCH, query="deficit", alt=alt)
    assert response.status_code == 400
    assert body["error"]["code"] == 400 and body["error"]["status"] == "INVALID_ARGUMENT"
    assert body["error"]["details"][0]["fieldViolations"][0]["field"] == "alt"


@with_db
@pytest.mark.parametrize(
    "params",
    [
        {"query": "x", "pageSize": "abc"},
        {"query": "x", "pageSize": "-1"},
        {"query": "x", "pageSize": "2147483648"},
        {"query": "x", "pageSize": "1.5"},
        {"query": "x", "offset": "-1"},
        {"query": "x", "offset": "ten"},
        {"query": "x", "maxAgeDays": "-1"},
        {"query": "x", "maxAgeDays": "99999999999999999999"},
        {"query": "x", "pageToken": "%%%"},
        {"query": "x", "pageToken": "eyJvIjotMSwiZiI6IngifQ"},  # {"o":-1,"f":"x"}
        {"query": "x", "languageCode": "e n!"},
        {"query": "x", "prettyPrint": "maybe"},
        {"query": "x", "$.xgafv": "3"},
        {"query": "x", "unknown": "1"},
        {"query": " "},
        {},
    ],
)
def test_invalid_arguments_are_400_in_googles_shape(client, params):
    response, body = get(client, SEARCH, **params)
    assert response.status_code == 400, params
    assert set(body["error"]) >= {"code", "message", "status"}
    assert (body["error"]["code"], body["error"]["status"]) == (400, "INVALID_ARGUMENT")


@with_db
def test_a_repeated_parameter_is_invalid_and_proto_names_are_aliases(client):
    publish("The deficit is $700 million")
    response = client.get(f"{SEARCH}?query=deficit&query=beds")
    assert response.status_code == 400
    response = client.get(f"{SEARCH}?query=deficit&page_size=1&pageSize=1")
    assert response.status_code == 400
    response, body = get(client, SEARCH, query="deficit", page_size="1", language_code="en")
    assert response.status_code == 200 and len(body["claims"]) == 1


@with_db
def test_largest_max_age_days_is_no_limit(client):
    publish("The deficit is $700 million", reviewed=timezone.now() - datetime.timedelta(days=3000))
    response, body = get(client, SEARCH, query="deficit", maxAgeDays=str(2**31 - 1))
    assert response.status_code == 200 and len(body["claims"]) == 1


@with_db
def test_page_size_defaults_to_ten_and_is_capped(client, monkeypatch):
    base = timezone.now()
    for i in range(12):
        publish(f"Deficit figure {i}", reviewed=base - datetime.timedelta(minutes=i))
    _, body = get(client, SEARCH, query="deficit")
    assert len(body["claims"]) == 10 and body["nextPageToken"]
    _, body = get(client, SEARCH, query="deficit", pageSize="0")  # 0 is "not set"
    assert len(body["claims"]) == 10
    _, body = get(client, SEARCH, query="deficit", pageSize="1000")  # capped at 100
    assert len(body["claims"]) == 12 and "nextPageToken" not in body
    monkeypatch.setattr(factcheck_tools, "MAX_PAGE_SIZE", 5)
    _, body = get(client, SEARCH, query="deficit", pageSize="1000")
    assert len(body["claims"]) == 5


@with_db
def test_offset_skips_and_is_ignored_with_a_page_token_and_page_size_may_change(client):
    base = timezone.now()
    claims = [publish(f"Deficit figure {i}", reviewed=base - datetime.timedelta(minutes=i)) for i in range(6)]
    urls = [page_url(c) for c in claims]

    def page(**params):
        _, body = get(client, SEARCH, query="deficit", **params)
        return [c["claimReview"][0]["url"] for c in body["claims"]], body.get("nextPageToken")

    found, token = page(offset="2", pageSize="2")
    assert found == urls[2:4] and token
    found, last = page(offset="0", pageSize="2", pageToken=token)  # offset only counts without a token
    assert found == urls[4:6] and last is None
    _, token = page(pageSize="1")
    found, token = page(pageSize="3", pageToken=token)  # the page size may change from page to page
    assert found == urls[1:4] and token
    assert page(pageToken=token) == (urls[4:6], None)
    assert page(offset="6") == ([], None)
    assert page(offset=str(2**31 - 1)) == ([], None)


@with_db
def test_a_page_token_belongs_to_its_filters_and_its_method(client):
    for i in range(3):
        publish(f"Deficit figure {i}")
    _, body = get(client, SEARCH, query="deficit", pageSize="1")
    token = body["nextPageToken"]
    for other in (
        {"query": "deficit figure"},
        {"query": "deficit", "languageCode": "en"},
        {"query": "deficit", "maxAgeDays": "9"},
    ):
        response, error = get(client, SEARCH, pageSize="1", pageToken=token, **other)
        assert response.status_code == 400, other
        assert error["error"]["status"] == "INVALID_ARGUMENT"
    response, _ = get(client, PAGES, pageToken=token)
    assert response.status_code == 400

    _, pages = get(client, PAGES, pageSize="1")
    response, _ = get(client, SEARCH, query="deficit", pageToken=pages["nextPageToken"])
    assert response.status_code == 400


@with_db
def test_claimant_of_an_anonymous_source_and_of_the_outlets_own_voice(client):
    anonymous = factories.SpeakerFactory(name="two DHS officials", kind=SpeakerKind.ANONYMOUS, role="")
    publish("Officials say 22,000 beds remain", speaker=anonymous)
    own = publish(
        "The agency now funds 22,000 beds",
        speaker=None,
        attribution_kind="own",
        stated_on=None,
        **{"value": None, "unit": None, "qualifier": None, "kind": None},  # no figure, so no as_of needed
    )
    _, body = get(client, SEARCH, query="beds")
    by_text = {c["text"]: c for c in body["claims"]}
    assert by_text["Officials say 22,000 beds remain"]["claimant"] == "two DHS officials (anonymous source)"
    outlet = own.appearances.get().source.outlet.name
    assert by_text["The agency now funds 22,000 beds"]["claimant"] == outlet
    assert "claimDate" not in by_text["The agency now funds 22,000 beds"]  # no stated date: omitted, not null

    _, page = get(client, f"{PAGES}/{own.pk}")
    assert page["claimReviewMarkups"][0]["claimAuthor"] == {"name": outlet}
    assert "claimDate" not in page["claimReviewMarkups"][0]
    assert "claimAppearances" not in page["claimReviewMarkups"][0]  # only the first appearance


@with_db
def test_unverifiable_has_no_rating_value(client):
    claim = publish("The backlog is 2 million cases", rating=Rating.UNVERIFIABLE, explanation="No reference data.")
    _, page = get(client, f"{PAGES}/{claim.pk}")
    assert page["claimReviewMarkups"][0]["rating"] == {
        "textualRating": "Unverifiable",
        "bestRating": 6,
        "worstRating": 1,
        "ratingExplanation": "No reference data.",
    }
    _, body = get(client, SEARCH, query="backlog")
    assert body["claims"][0]["claimReview"][0]["textualRating"] == "Unverifiable"


@with_db
def test_a_correction_changes_the_review_and_the_version_id(client):
    claim = publish("The backlog is 2 million cases", reviewed=timezone.now() - datetime.timedelta(days=2))
    _, before = get(client, f"{PAGES}/{claim.pk}")
    corrected_at = timezone.now().replace(microsecond=0)
    correction = services.verdict_correct(
        claim=claim,
        rating=Rating.HALF_ACCURATE,
        explanation="The backlog was 1.65 million.",
        note="New EOIR data.",
        now=corrected_at,
    )
    _, after = get(client, f"{PAGES}/{claim.pk}")
    assert before["versionId"] != after["versionId"] == str(correction.pk)
    assert after["claimReviewMarkups"][0]["rating"]["textualRating"] == "Half accurate"

    _, body = get(client, SEARCH, query="backlog")
    (review,) = body["claims"][0]["claimReview"]  # one review: the current public verdict
    assert review["textualRating"] == "Half accurate"
    assert review["reviewDate"] == corrected_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@with_db
def test_unpublished_claims_appear_nowhere(client):
    visible = publish("The public claim about beds")
    hidden = unpublished_claims("beds")
    _, body = get(client, SEARCH, query="beds")
    assert [c["text"] for c in body["claims"]] == [visible.text]
    _, body = get(client, SEARCH, reviewPublisherSiteFilter="factcheck.example.org")
    assert [c["text"] for c in body["claims"]] == [visible.text]
    _, pages = get(client, PAGES)
    assert [p["name"] for p in pages["claimReviewMarkupPages"]] == [f"pages/{visible.pk}"]
    for claim in hidden:
        response, error = get(client, f"{PAGES}/{claim.pk}")
        assert response.status_code == 404
        assert error == {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}
        _, listed = get(client, PAGES, url=page_url(claim))
        assert listed == {"claimReviewMarkupPages": []}
    for pk in ("0", "99999999999999999999", "abc"):
        response, _ = get(client, f"{PAGES}/{pk}")
        assert response.status_code == 404


@with_db
def test_pages_list_by_url_accepts_equivalent_forms_of_the_page_url(client):
    claim = publish("The public claim about beds")
    for url in (
        page_url(claim),
        f"http://factcheck.example.org/claims/{claim.pk}/",
        f"https://www.factcheck.example.org/claims/{claim.pk}",
        f"https://factcheck.example.org:443/claims/{claim.pk}/?utm=x#verdict",
        f"factcheck.example.org/claims/{claim.pk}/",
    ):
        _, body = get(client, PAGES, url=url)
        assert [p["name"] for p in body["claimReviewMarkupPages"]] == [f"pages/{claim.pk}"], url
    for url in (
        f"https://other.example/claims/{claim.pk}/",
        f"https://factcheck.example.org:8443/claims/{claim.pk}/",
        f"https://factcheck.example.org/claims/{claim.pk}/extra/",
        "https://[bad/claims/1/",
        "not a url",
    ):
        response, body = get(client, PAGES, url=url)
        assert response.status_code == 200 and body == {"claimReviewMarkupPages": []}, url
    response, body = get(client, PAGES, url=page_url(claim), organization="factcheck.example.org")
    assert response.status_code == 400 and body["error"]["status"] == "INVALID_ARGUMENT"


@with_db
def test_the_mirror_is_read_only(client):
    claim = publish("The public claim about beds")
    for method, path in (
        ("post", PAGES),
        ("put", f"{PAGES}/{claim.pk}"),
        ("delete", f"{PAGES}/{claim.pk}"),
        ("post", SEARCH),
    ):
        response = getattr(client, method)(path, data="{}", content_type="application/json")
        assert response.status_code == 405, (method, path)
        assert json.loads(response.content)["error"]["code"] == 405
    assert client.head(SEARCH, {"query": "beds"}).status_code == 200


@with_db
def test_throttled_and_unauthenticated_requests_answer_in_googles_shape(client, settings):
    settings.FACTCHECK_API_ANON_RATE = "1/min"
    cache.clear()
    try:
        assert client.get(SEARCH, {"query": "beds"}).status_code == 200
        response = client.get(SEARCH, {"query": "beds"})
        assert response.status_code == 429 and int(response["Retry-After"]) > 0
        assert json.loads(response.content)["error"]["status"] == "RESOURCE_EXHAUSTED"
    finally:
        cache.clear()
    response = client.get(SEARCH, {"query": "beds"}, HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert json.loads(response.content)["error"]["status"] == "UNAUTHENTICATED"


@with_db
def test_a_page_of_results_takes_a_fixed_number_of_queries(client):
    def queries(page_size):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(SEARCH, {"query": "beds", "pageSize": page_size})
        assert response.status_code == 200
        return len(captured)

    base = timezone.now()
    for i in range(8):
        claim = publish(f"Claim {i} about beds", reviewed=base - datetime.timedelta(minutes=i))
        factories.AppearanceFactory(claim=claim, is_first=False)
    assert queries(2) == queries(8)


@with_db
def test_not_in_the_openapi_schema(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert not [path for path in json.loads(response.content)["paths"] if path.startswith("/v1alpha1")]
