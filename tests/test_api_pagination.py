"""Cursor pagination of the API lists (DESIGN.md: "Lists are paginated by cursor (`cursor`, `page_size` up to 100)
over a stable ordering with an id tie-break that never drops rows with null sort keys").

Every ordering is walked page by page following `next` over claims where every sortable field is null for some
and tied for others; every claim must come exactly once, in the expected order: nulls last in both directions,
ties broken by id in the direction of the sort. A list's number of queries does not depend on its page size.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import services
from claims.models import Claim, ClaimStatus, Verdict
from tests import factories

pytestmark = pytest.mark.django_db

CLAIM_ORDERINGS = ["published_at", "as_of", "rating_value", "value", "id"]


def at(day: str, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=datetime.UTC)


def walk(client, url: str, page_size: int) -> list[int]:
    """The ids of every page in order, following `next`; each page at most `page_size` long."""
    url = url + ("&" if "?" in url else "?") + f"page_size={page_size}"
    found, visited = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        body = response.json()
        assert len(body["results"]) <= page_size
        if body["next"] is not None:
            assert len(body["results"]) == page_size, "a page before the last is short"
        found.extend(item.get("id") for item in body["results"])
        url = body["next"]
        visited += 1
        assert visited < 1000, "the cursor never ends"
    return found


def expected_order(rows: list[dict], key: str, descending: bool) -> list[int]:
    """Nulls last in both directions; ties (and the nulls) by id in the direction of the sort."""
    present = sorted((r for r in rows if r[key] is not None), key=lambda r: (r[key], r["id"]), reverse=descending)
    nulls = sorted((r for r in rows if r[key] is None), key=lambda r: r["id"], reverse=descending)
    return [r["id"] for r in present + nulls]


def claim_rows(public_only: bool) -> list[dict]:
    rows = []
    for claim in Claim.objects.select_related("published_verdict").order_by("id"):
        published = claim.published_verdict
        if public_only and not (claim.status == ClaimStatus.PUBLISHED and published is not None):
            continue
        rows.append(
            {
                "id": claim.pk,
                "published_at": published.published_at if published else None,
                "rating_value": published.rating_value if published else None,
                "value": claim.value,
                "as_of": claim.as_of,
            }
        )
    return rows


def no_figure(**kwargs):
    return factories.ClaimFactory(
        value=None, unit=None, qualifier=None, kind=None, as_of=None, counted_noun="", **kwargs
    )


def publish(claim, rating: str, when: datetime.datetime):
    return services.verdict_publish(claim=claim, rating=rating, explanation="Because.", now=when)


@pytest.fixture
def nine_claims():
    """Each sortable field is null for some claims, and tied for others.

    n  value   as_of       published verdict
    0  100     2024-01-01  accurate (6)            2024-03-01 10:00
    1  -       -           inaccurate (2)          2024-03-01 10:00   (published_at tie with 0, 5)
    2  50      2024-01-01  none (draft)                               (as_of tie)
    3  100     2023-06-01  unverifiable (null)     2024-02-01         (value tie; null rating_value while published)
    4  -       -           none (draft)                               (all null)
    5  62.5    2024-05-01  accurate (6)            2024-03-01 10:00   (rating tie with 0)
    6  100     2024-01-01  inaccurate (2)          2024-04-01         (value, as_of, rating ties)
    7  -       -           mostly-accurate (5)     2024-01-15
    8  0       2025-01-01  none (in review)
    """
    c = [
        factories.ClaimFactory(value=Decimal("100"), as_of=datetime.date(2024, 1, 1)),
        no_figure(),
        factories.ClaimFactory(value=Decimal("50"), as_of=datetime.date(2024, 1, 1)),
        factories.ClaimFactory(value=Decimal("100"), as_of=datetime.date(2023, 6, 1)),
        no_figure(),
        factories.ClaimFactory(value=Decimal("62.5"), unit="percent", as_of=datetime.date(2024, 5, 1)),
        factories.ClaimFactory(value=Decimal("100"), as_of=datetime.date(2024, 1, 1)),
        no_figure(),
        factories.ClaimFactory(value=Decimal("0"), as_of=datetime.date(2025, 1, 1), status=ClaimStatus.IN_REVIEW),
    ]
    publish(c[0], "accurate", at("2024-03-01", 10))
    publish(c[1], "inaccurate", at("2024-03-01", 10))
    publish(c[3], "unverifiable", at("2024-02-01"))
    publish(c[5], "accurate", at("2024-03-01", 10))
    publish(c[6], "inaccurate", at("2024-04-01"))
    publish(c[7], "mostly-accurate", at("2024-01-15"))
    rows = claim_rows(public_only=False)
    for key in ("published_at", "rating_value", "value", "as_of"):
        # A public claim always has a published verdict, so null published_at is an editor's view only.
        assert any(r[key] is None for r in claim_rows(public_only=key != "published_at")), f"no null {key}"
        values = [r[key] for r in rows if r[key] is not None]
        assert len(values) > len(set(values)), f"no tie in {key}"
    return c


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("ordering", CLAIM_ORDERINGS)
@pytest.mark.parametrize("page_size", [1, 2, 3])
def test_editor_walks_every_ordering(editor_api_client, nine_claims, ordering, descending, page_size):
    param = ("-" if descending else "") + ordering

    found = walk(editor_api_client, f"/api/claims/?ordering={param}", page_size)

    assert sorted(found) == sorted(c.pk for c in nine_claims), "a claim is missing or repeated"
    assert found == expected_order(claim_rows(public_only=False), ordering, descending)


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("ordering", CLAIM_ORDERINGS)
def test_public_walks_every_ordering(api_client, nine_claims, ordering, descending):
    param = ("-" if descending else "") + ordering

    found = walk(api_client, f"/api/claims/?ordering={param}", 2)

    rows = claim_rows(public_only=True)
    assert len(rows) == 6
    assert found == expected_order(rows, ordering, descending)


def test_default_ordering_is_newest_first(api_client, editor_api_client, nine_claims):
    assert walk(editor_api_client, "/api/claims/", 2) == sorted((c.pk for c in nine_claims), reverse=True)
    assert walk(api_client, "/api/claims/", 4) == [r["id"] for r in reversed(claim_rows(public_only=True))]


def test_next_keeps_filters_and_ordering(editor_api_client, nine_claims):
    found = walk(editor_api_client, "/api/claims/?ordering=-value&unit=count", 1)

    rows = [r for r in claim_rows(public_only=False) if r["value"] is not None and r["id"] != nine_claims[5].pk]
    assert found == expected_order(rows, "value", True)
    response = editor_api_client.get("/api/claims/?ordering=-value&unit=count&page_size=1")
    assert "ordering=-value" in response.json()["next"] and "unit=count" in response.json()["next"]


def test_a_cursor_is_bound_to_its_ordering(editor_api_client, nine_claims):
    next_link = editor_api_client.get("/api/claims/?ordering=as_of&page_size=2").json()["next"]
    swapped = next_link.replace("ordering=as_of", "ordering=-as_of")

    response = editor_api_client.get(swapped)

    assert response.status_code == 400
    assert "cursor" in response.json()["error"]["fields"]


# --- verdicts ------------------------------------------------------------------------------------------------------


@pytest.fixture
def verdict_mix():
    """Engine verdicts nobody published (null published_at), published ones with a tied published_at, an unverifiable
    one (null rating_value), and a correction."""
    series = factories.ReferenceSeriesFactory(slug="beds")
    factories.ObservationFactory(series=series, period_end=datetime.date(2024, 1, 31), value=Decimal("38000"))
    for value in ("38000", "30000", "1000"):
        services.claim_check(
            claim=factories.ClaimFactory(series=series, value=Decimal(value), as_of=datetime.date(2024, 1, 31))
        )
    a, b, c, d = (no_figure() for _ in range(4))
    publish(a, "accurate", at("2024-03-01"))
    publish(b, "inaccurate", at("2024-03-01"))
    publish(c, "unverifiable", at("2024-02-01"))
    publish(d, "accurate", at("2024-05-01"))
    services.verdict_correct(claim=d, rating="half-accurate", explanation="Revised.", note="n", now=at("2024-06-01"))
    assert Verdict.objects.filter(published_at__isnull=True).count() == 3
    return Verdict.objects.order_by("id")


def verdict_rows(public_only: bool) -> list[dict]:
    qs = Verdict.objects.order_by("id")
    if public_only:
        qs = qs.filter(published_at__isnull=False)
    return [
        {"id": v.pk, "published_at": v.published_at, "created_at": v.created_at, "rating_value": v.rating_value}
        for v in qs
    ]


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("ordering", ["published_at", "created_at", "rating_value", "id"])
def test_verdict_list_walks_every_ordering(api_client, editor_api_client, verdict_mix, ordering, descending):
    param = ("-" if descending else "") + ordering

    editor_found = walk(editor_api_client, f"/api/verdicts/?ordering={param}", 2)
    public_found = walk(api_client, f"/api/verdicts/?ordering={param}", 2)

    assert editor_found == expected_order(verdict_rows(public_only=False), ordering, descending)
    assert len(editor_found) == 8
    assert public_found == expected_order(verdict_rows(public_only=True), ordering, descending)
    assert len(public_found) == 5


# --- page size and the number of queries ---------------------------------------------------------------------------


@pytest.fixture
def bare_claims():
    """105 published claims, nothing more."""
    claims = factories.ClaimFactory.create_batch(105)
    for claim in claims:
        publish(claim, "accurate", at("2024-03-01"))
    return claims


def test_page_size_is_capped_at_100(api_client, editor_api_client, bare_claims):
    for client in (api_client, editor_api_client):
        for size in (100, 101, 1000, 10**30):
            response = client.get(f"/api/claims/?page_size={size}")
            assert response.status_code == 200
            assert len(response.json()["results"]) == 100, size
            assert response.json()["next"] is not None
        assert len(walk(client, "/api/claims/", 100)) == 105
        response = client.get("/api/claims/")
        assert 0 < len(response.json()["results"]) <= 100
        assert len(client.get("/api/verdicts/?page_size=1000").json()["results"]) == 100


def _rich_published_claims(count: int, *, engine_republished: bool = False) -> list[Claim]:
    """Published claims with everything a claim shows: a speaker, two appearances in sources of outlets, topics, a
    series, an engine verdict, a published verdict and a correction (an editor's; with `engine_republished`, every
    other claim's public rating changes instead by the engine's newer verdict being published)."""
    series = factories.ReferenceSeriesFactory(slug="beds")
    first = factories.ObservationFactory(series=series, period_end=datetime.date(2024, 1, 31), value=Decimal("38000"))
    shared_topic = factories.TopicFactory(slug="detention")
    claims = []
    for n in range(count):
        claim = factories.ClaimFactory(series=series, as_of=datetime.date(2024, 1, 31), value=Decimal(38000 + n))
        factories.AppearanceFactory(claim=claim)
        factories.AppearanceFactory(claim=claim, is_first=False, excerpt=f"excerpt {n}")
        claim.topics.add(shared_topic, factories.TopicFactory(slug=f"topic-{n}"))
        services.claim_check(claim=claim)
        services.verdict_publish(claim=claim)
        if engine_republished and n % 2 == 0:
            factories.ObservationFactory(
                series=series,
                period_end=first.period_end,
                value=Decimal(30000 + n),
                vintage=datetime.date(2024, 3, 1) + datetime.timedelta(days=n),
            )
            services.claim_check(claim=claim)
            services.verdict_publish(claim=claim)
        else:
            services.verdict_correct(claim=claim, rating="mostly-accurate", explanation="Revised.", note=f"Note {n}.")
        claims.append(claim)
    return claims


def _queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), len(response.json()["results"])


CLAIM_LIST_QUERIES = ["", "ordering=-published_at&", "ordering=value&topic=detention&has_verdict=true&"]
OTHER_LISTS = ["/api/verdicts/", "/api/sources/", "/api/speakers/", "/api/outlets/", "/api/series/"]


def test_list_queries_do_not_depend_on_page_size(api_client, editor_api_client, django_assert_num_queries):
    _rich_published_claims(105)

    for caller, client in (("anonymous", api_client), ("editor", editor_api_client)):
        for query in CLAIM_LIST_QUERIES:
            one, size = _queries(client, f"/api/claims/?{query}page_size=1")
            assert size == 1
            with django_assert_num_queries(one):  # the count measured at page size 1
                response = client.get(f"/api/claims/?{query}page_size=100")
            items = response.json()["results"]
            assert len(items) == 100, (caller, query)
            assert all(item["verdict"] and len(item["appearances"]) == 2 and item["corrections"] for item in items)
        for url in OTHER_LISTS:
            one, _ = _queries(client, f"{url}?page_size=1")
            many, size = _queries(client, f"{url}?page_size=100")
            assert size > 1 or url == "/api/series/"
            assert many == one, (caller, url)


@pytest.mark.parametrize("caller", ["anonymous", "editor"])
def test_claim_list_queries_with_engine_republished_verdicts(
    api_client, editor_api_client, django_assert_num_queries, caller
):
    client = {"anonymous": api_client, "editor": editor_api_client}[caller]
    _rich_published_claims(6, engine_republished=True)
    one, size = _queries(client, "/api/claims/?page_size=1")
    assert size == 1

    with django_assert_num_queries(one):
        response = client.get("/api/claims/?page_size=100")

    assert len(response.json()["results"]) == 6
