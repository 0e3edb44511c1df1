"""Schemathesis against /api/schema/: generated requests for every operation, as the public and as an editor.

The issue: "A schemathesis run against /api/schema/ in the test suite: at least 500 generated requests, no server
errors, responses conform to the schema." The schema is loaded from the app in-process (WSGI), the requests go to the
same app, and every response is checked: no 5xx, a documented status code, a documented content type, and a body
valid under the schema documented for that status (the `{"error": {...}}` shape for the 4xx).

Everything generated runs in ONE test function that loops over the operations with Hypothesis' `@given`, so the
request count is exact and its assertion holds however pytest-xdist distributes the tests. Generation is
derandomized: the same requests on every run and machine. The data lives in the test's transaction (rolled back at
the end); the in-process requests share its connection, as with Django's test client.

The `test_bug_*` tests pin schema bugs this run once found (now fixed), so they cannot come back unnoticed.
"""

import collections
import contextlib
import datetime
from decimal import Decimal

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import DataError, close_old_connections, connection
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from claims import services
from claims.models import Rating
from sources.models import Unit
from tests import factories

pytestmark = pytest.mark.django_db

SCHEMA_PATH = "/api/schema/?format=json"  # drf-spectacular answers YAML unless asked for JSON
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MIN_GENERATED_REQUESTS = 500
# Generated cases per operation run: valid data as each audience, invalid data for the editor's writes.
POSITIVE_EXAMPLES = 25
NEGATIVE_EXAMPLES = 15
INT64_MAX = 2**63 - 1


# --- the app, in-process ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def _shared_test_connection():
    """Keep the test's database connection across in-process requests, as django.test.Client does.

    Django's WSGI handler closes "old" connections when a request starts and ends; inside the test's transaction that
    would close the connection the data lives in (the test client disconnects the same receiver for this reason).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def wsgi_app(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # the Host schemathesis' WSGI client sends
    with _shared_test_connection():
        yield get_wsgi_application()


@pytest.fixture
def api_schema(wsgi_app):
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, wsgi_app)
    # Each audience sets its own Authorization; generated junk there would only exercise DRF's token parsing.
    schema.config.generation.update(with_security_parameters=False)
    return schema


# --- the data ---------------------------------------------------------------------------------------------------


@pytest.fixture
def fuzz_data(db):
    """Rows for the requests to hit: published claims (engine and editor verdicts, a correction, a drift, a change, a
    figure without a series, a claim without a figure), drafts with engine verdicts (one pending), series with
    observations (one without a publisher, one nobody cites), speakers of each kind, outlets, sources with link checks
    (one without an outlet or date). Returns the tokens and the ids per resource."""
    editor = factories.UserFactory(username="fuzz-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    reader = factories.UserFactory(username="fuzz-reader")
    day = datetime.date

    gov = factories.OutletFactory(name="Immigration and Customs Enforcement", domain="ice.gov", kind="government")
    paper = factories.OutletFactory(name="The Daily Ledger", domain="ledger.example")
    factories.OutletFactory(name="Uncited Outlet", domain="")
    beds = factories.ReferenceSeriesFactory(slug="ice-detention-beds", name="ICE detention beds", publisher=gov)
    backlog = factories.ReferenceSeriesFactory(slug="eoir-pending-cases", name="EOIR pending", counted_noun="cases")
    rate = factories.ReferenceSeriesFactory(
        slug="unemployment-rate", name="Unemployment rate", unit=Unit.PERCENT, counted_noun="", illustrative=True
    )
    uncited = factories.ReferenceSeriesFactory(slug="uncited-series", name="Nobody cites this", publisher=paper)
    for month, value in ((1, "38000"), (6, "41500"), (12, "22000")):
        end = day(2023, month, 28)
        factories.ObservationFactory(
            series=beds, period_end=end, value=Decimal(value), vintage=end + datetime.timedelta(days=10)
        )
    factories.ObservationFactory(series=beds, period_end=day(2024, 1, 31), value=Decimal("39000"))
    factories.ObservationFactory(
        series=backlog, period_start=day(2024, 1, 1), period_end=day(2024, 3, 31), value=Decimal("1650000"),
        vintage=day(2024, 4, 15), note="quarterly",
    )
    for month, value in ((1, "3.7"), (2, "3.9")):
        factories.ObservationFactory(series=rate, period_end=day(2024, month, 1), value=Decimal(value))
    factories.ObservationFactory(series=uncited, period_end=day(2024, 1, 31))

    secretary = factories.SpeakerFactory(
        name="Alejandro Mayorkas", role="DHS Secretary", organization="DHS",
        same_as="https://www.wikidata.org/wiki/Q4717013",
    )
    officials = factories.SpeakerFactory(name="two DHS officials", kind="anonymous", role="")
    agency = factories.SpeakerFactory(name="Department of Homeland Security", kind="organization", role="")
    draft_speaker = factories.SpeakerFactory(name="A draft-only speaker")

    article = factories.SourceFactory(url="https://ledger.example/2024/02/beds", title="Beds", outlet=paper)
    report = factories.SourceFactory(url="https://ice.gov/report.pdf", title="Report", outlet=gov, kind="report")
    transcript = factories.SourceFactory(url="https://example.org/hearing", outlet=None, published_on=None)
    draft_source = factories.SourceFactory(url="https://ledger.example/draft", outlet=paper)
    factories.SourceCheckFactory(source=article)
    factories.SourceCheckFactory(source=article, status_code=None, final_url="", content_hash="", error_code="timeout")
    factories.SourceCheckFactory(source=report, status_code=404, changed=True)

    def create(text, speaker, *, series=None, quantity=None, appearances=(), topics=("detention",)):
        return services.claim_create(
            text=text, speaker=speaker, series=series, quantity=quantity, topics=list(topics), user=editor,
            stated_on=day(2024, 2, 14),
            appearances=[services.AppearanceInput(source=source, excerpt=excerpt) for source, excerpt in appearances],
        )

    def check_and_publish(claim):
        services.claim_check(claim=claim)
        services.verdict_publish(claim=claim, user=editor)

    level = create(
        "ICE is holding 38,000 people in detention beds", secretary, series=beds,
        quantity={"value": Decimal("38000"), "unit": "count", "counted_noun": "beds", "as_of": day(2024, 1, 31)},
        appearances=[(article, "cutting detention levels from 38,000 beds to 22,000"), (report, "38,000 beds")],
    )
    check_and_publish(level)
    services.verdict_correct(
        claim=level, rating=Rating.MOSTLY_ACCURATE, explanation="The agency revised the count.",
        note="The agency revised its January figure.", user=editor,
    )
    change = create(
        "Detention fell by 42 percent", officials, series=beds, appearances=[(article, "fell by 42 percent")],
        quantity={"value": Decimal("-42"), "unit": "percent", "kind": "change", "qualifier": "approximate",
                  "as_of": day(2023, 12, 28), "baseline_date": day(2023, 6, 28)},
    )
    check_and_publish(change)
    cases = create(
        "up to 2 million backlogged cases", agency, series=backlog, topics=("immigration-courts",),
        quantity={"value": Decimal("2000000"), "unit": "count", "counted_noun": "cases", "qualifier": "at_most",
                  "as_of": day(2024, 3, 31)},
        appearances=[(report, "up to 2 million backlogged cases"), (transcript, "two million cases")],
    )
    check_and_publish(cases)
    # A revision of the quarter: the engine now disagrees with the published verdict (drift).
    factories.ObservationFactory(
        series=backlog, period_start=day(2024, 1, 1), period_end=day(2024, 3, 31), value=Decimal("4000000"),
        vintage=day(2024, 6, 1),
    )
    services.claim_check(claim=cases)
    percent = create(
        "Unemployment is at 3.9 percent", secretary, series=rate,
        quantity={"value": Decimal("3.9"), "unit": "percent", "as_of": day(2024, 2, 1)},
    )
    check_and_publish(percent)
    no_figure = create("The border is secure", secretary, topics=("border",))
    services.verdict_publish(claim=no_figure, user=editor, rating=Rating.UNVERIFIABLE, explanation="No data says.")
    own_voice = create(
        "Over half of Americans support the plan", None,
        quantity={"value": Decimal("50"), "unit": "percent", "qualifier": "at_least"},
    )
    services.verdict_publish(claim=own_voice, user=editor, rating=Rating.HALF_ACCURATE, explanation="Polls split.")
    forecast = create(
        "Beds will reach 50,000 by 2030", draft_speaker, series=beds, appearances=[(draft_source, "50,000 by 2030")],
        quantity={"value": Decimal("50000"), "unit": "count", "counted_noun": "beds", "kind": "forecast",
                  "due_date": day(2030, 1, 1)},
    )
    services.claim_check(claim=forecast)  # pending: a draft whose engine verdict cannot be published
    draft = create("A draft claim about 12 beds", draft_speaker, quantity={"value": Decimal("12"), "unit": "count"})
    services.claim_check(claim=draft)  # no series: an unverifiable engine verdict, never published

    cases.refresh_from_db()
    assert cases.drift
    claims = [level, change, cases, percent, no_figure, own_voice, forecast, draft]
    return {
        "token": Token.objects.create(user=editor).key,
        "reader_token": Token.objects.create(user=reader).key,
        "ids": {
            "claims": [claim.pk for claim in claims],
            "speakers": [secretary.pk, officials.pk, agency.pk, draft_speaker.pk],
            "outlets": [gov.pk, paper.pk],
            "sources": [article.pk, report.pk, transcript.pk, draft_source.pk],
            "verdicts": [pk for claim in claims for pk in claim.verdicts.values_list("pk", flat=True)],
        },
        "slugs": [beds.slug, backlog.slug, rate.slug, uncited.slug],
        "draft_claim": draft.pk,
        "pending_claim": forecast.pk,
    }


# --- known bugs: the schema as it should be, and input steered around a known crash -----------------------------

# Filters that take a row id (integers in the schema; anything else a 400).
ID_FILTERS = {"/api/claims/": ("speaker", "outlet"), "/api/verdicts/": ("claim",), "/api/sources/": ("outlet",)}
# Nested objects of nullable foreign keys, documented as never null.
NULLABLE_NESTED = (("Series", "publisher"), ("Source", "outlet"))
# Create operations whose 201 is documented with the write serializer but answers the read shape.
CREATED_SHAPES = {"/api/outlets/": "Outlet", "/api/sources/": "Source", "/api/series/": "Series"}
# Detail actions that document the list's filters but never apply them.
UNFILTERED_ACTIONS = {"/api/sources/{id}/checks/": "outlet", "/api/series/{slug}/observations/": "unit"}


def _operations(raw: dict):
    for path, item in raw["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def _format_choices(operation: dict) -> set[str]:
    return {
        choice
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "format"
        for choice in parameter["schema"].get("enum", [])
    }


# --- the generated run ------------------------------------------------------------------------------------------


def _hypothesis_settings(max_examples: int):
    return hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,  # the same cases on every run and machine
        database=None,  # no .hypothesis/ directory in the repository
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )


def _cases(operation, data: dict, mode: GenerationMode):
    """The operation's generated cases; for a detail path, about half of them aimed at rows that exist."""
    generated = operation.as_strategy(generation_mode=mode)
    path_names = {parameter.name for parameter in operation.path_parameters}
    resource = operation.path.strip("/").split("/")[1]
    if "id" in path_names and resource in data["ids"]:
        known, name = st.sampled_from(data["ids"][resource]), "id"
    elif "slug" in path_names:
        known, name = st.sampled_from(data["slugs"]), "slug"
    else:
        return generated
    aimed = known.flatmap(lambda value: operation.as_strategy(generation_mode=mode, path_parameters={name: value}))
    return st.one_of(aimed, generated)


def test_generated_requests_get_no_server_errors_and_conform_to_the_schema(api_schema, fuzz_data):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 20, [operation.label for operation in operations]
    audiences = {"public": {}, "editor": {"Authorization": f"Token {fuzz_data['token']}"}}
    runs = [
        (operation, audience, GenerationMode.POSITIVE, POSITIVE_EXAMPLES)
        for audience in audiences
        for operation in operations
    ] + [
        (operation, "editor", GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES)
        for operation in operations
        if operation.method.upper() != "GET"
    ]
    sent = {}
    statuses = collections.Counter()
    failures = []
    for operation, audience, mode, examples in runs:
        headers = audiences[audience]
        key = (operation.label, audience, mode.value)
        sent[key] = 0

        @_hypothesis_settings(examples)
        @given(case=_cases(operation, fuzz_data, mode))
        def run(case):
            sent[key] += 1
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses[response.status_code] += 1

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup is a BaseExceptionGroup
            failures.append(f"{operation.label} as {audience} ({mode.value} data):\n{exc}")

    total = sum(sent.values())
    print(f"schemathesis: {total} generated requests in {len(runs)} runs, statuses {dict(sorted(statuses.items()))}")
    assert not failures, f"{len(failures)} of {len(runs)} operation runs failed:\n\n" + "\n\n".join(failures)
    assert total >= MIN_GENERATED_REQUESTS, sent
    assert all(sent.values()), [key for key, count in sent.items() if not count]


# --- written requests: what generated data seldom reaches, through the same checks --------------------------------


def test_written_requests_conform_to_the_schema(api_schema, fuzz_data):
    """Successful writes, conflicts, refusals, an unparsed body and bad tokens, validated by the same checks against
    the same schema as the generated requests."""
    editor = {"Authorization": f"Token {fuzz_data['token']}"}
    reader = {"Authorization": f"Token {fuzz_data['reader_token']}"}
    ids = fuzz_data["ids"]
    gov, paper = ids["outlets"]

    def call(method, path, status, *, headers=editor, body=None, **path_parameters):
        case = api_schema[path][method].Case(
            path_parameters=path_parameters or None,
            **({"body": body, "media_type": "application/json"} if body is not None else {}),
        )
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        assert response.status_code == status, (method, path, path_parameters, response.text)
        return response.json()

    observations = "/api/series/{slug}/observations/"
    call("POST", "/api/outlets/", 201, body={"name": "Border Report", "domain": "border.example", "kind": "ngo"})
    call("POST", "/api/outlets/", 409, body={"name": "Border Report"})
    source = call("POST", "/api/sources/", 201, body={"url": "https://border.example/a", "outlet": gov})
    call("POST", "/api/sources/", 409, body={"url": "https://border.example/a"})
    series = {"slug": "book-ins", "name": "Book-ins", "unit": "count", "publisher": paper}
    call("POST", "/api/series/", 201, body=series)
    call("POST", "/api/series/", 409, body={"slug": "book-ins", "name": "Again", "unit": "count"})
    observation = {"period_end": "2024-02-29", "value": "40000", "vintage": "2024-03-10"}
    call("POST", observations, 201, body=observation, slug="ice-detention-beds")
    call("POST", observations, 200, body=observation, slug="ice-detention-beds")
    call("POST", observations, 409, body={**observation, "value": "40001"}, slug="ice-detention-beds")
    call("POST", observations, 404, body=observation, slug="no-such-series")
    speaker = call("POST", "/api/speakers/", 201, body={"name": "Tom Homan", "kind": "person", "role": "Border czar"})
    claim = call(
        "POST", "/api/claims/", 201,
        body={
            "text": "ICE will hold 40,000 people", "speaker": speaker["id"], "series": "ice-detention-beds",
            "stated_on": "2024-03-01", "topics": ["detention"],
            "appearances": [{"source": source["id"], "excerpt": "40,000 people"}],
            "quantity": {"value": "40000", "unit": "count", "counted_noun": "beds", "qualifier": "approximate"},
        },
    )
    claim_id, version = claim["id"], claim["version"]
    call("POST", "/api/claims/", 400, body={"text": "No date", "quantity": {"value": "1", "unit": "count"}})
    call("POST", "/api/claims/{id}/publish/", 409, id=claim_id, body={})  # the engine has said nothing yet
    call("PATCH", "/api/claims/{id}/", 400, id=claim_id, body={"text": "No version"})
    call("PATCH", "/api/claims/{id}/", 409, id=claim_id, body={"text": "Stale", "version": version + 5})
    edited = call("PATCH", "/api/claims/{id}/", 200, id=claim_id, body={"notes": "Checked.", "version": version})
    assert edited["version"] == version + 1
    call("POST", "/api/claims/{id}/check/", 200, id=claim_id)
    call("POST", "/api/claims/{id}/publish/", 200, id=claim_id, body={})
    correction = {"rating": "half-accurate", "explanation": "Recounted.", "note": "We recounted."}
    call("POST", "/api/claims/{id}/correct/", 200, id=claim_id, body=correction)
    call("POST", "/api/claims/{id}/correct/", 409, id=fuzz_data["draft_claim"], body=correction)  # nothing published
    call("POST", "/api/claims/{id}/publish/", 409, id=fuzz_data["pending_claim"], body={})  # a pending forecast
    call("POST", "/api/claims/{id}/check/", 404, id=10**9)

    # The public sees what is published; writes are 401 without a token and 403 with a non-editor's.
    call("GET", "/api/claims/{id}/", 200, headers={}, id=claim_id)
    call("GET", "/api/claims/{id}/", 200, headers=reader, id=claim_id)
    call("GET", "/api/claims/{id}/", 404, headers={}, id=fuzz_data["draft_claim"])
    call("GET", "/api/speakers/{id}/", 404, headers={}, id=ids["speakers"][-1])
    call("GET", "/api/series/{slug}/", 404, headers={}, slug="uncited-series")
    call("GET", observations, 200, headers={}, slug="eoir-pending-cases")
    call("GET", "/api/sources/{id}/checks/", 200, headers={}, id=ids["sources"][0])
    call("POST", "/api/speakers/", 401, headers={}, body={"name": "Anyone", "kind": "person"})
    call("POST", "/api/speakers/", 403, headers=reader, body={"name": "Anyone", "kind": "person"})
    call("POST", "/api/claims/{id}/check/", 403, headers=reader, id=claim_id)
    unparsed = api_schema["/api/speakers/"]["POST"].Case(body="name=Anyone", media_type="text/plain")
    assert unparsed.call_and_validate(headers=editor, checks=CHECKS).status_code == 415

    # An invalid token is refused on every operation, reads included.
    bad_token = {"Authorization": "Token " + "0" * 40}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        parameters = {"id": ids["claims"][0]} if "{id}" in operation.path else {}
        if "{slug}" in operation.path:
            parameters = {"slug": "ice-detention-beds"}
        response = operation.Case(path_parameters=parameters).call_and_validate(headers=bad_token, checks=CHECKS)
        assert response.status_code == 401, (operation.label, response.text)


# --- bugs the run once found, pinned -----------------------------------------------------------------------------


def _served(wsgi_app) -> dict:
    return schemathesis.openapi.from_wsgi(SCHEMA_PATH, wsgi_app).raw_schema


def test_bug_nullable_nested_objects_are_documented_nullable(wsgi_app):
    components = _served(wsgi_app)["components"]["schemas"]
    assert all(components[component]["properties"][field].get("nullable") for component, field in NULLABLE_NESTED)


def test_bug_reads_document_401(wsgi_app):
    missing = [f"{m.upper()} {p}" for p, m, op in _operations(_served(wsgi_app)) if "401" not in op["responses"]]
    assert not missing


def test_bug_writes_document_415(editor_api_client, wsgi_app):
    assert editor_api_client.post("/api/speakers/", "name=x", content_type="text/plain").status_code == 415
    served = _served(wsgi_app)
    missing = [
        f"{m.upper()} {p}" for p, m, op in _operations(served) if "requestBody" in op and "415" not in op["responses"]
    ]
    assert not missing


def test_bug_create_responses_document_the_read_shape(wsgi_app):
    paths = _served(wsgi_app)["paths"]
    created = {path: paths[path]["post"]["responses"]["201"] for path in CREATED_SHAPES}
    documented = {path: response["content"]["application/json"]["schema"] for path, response in created.items()}
    assert documented == {path: {"$ref": f"#/components/schemas/{name}"} for path, name in CREATED_SHAPES.items()}


def _documented_filter_types(wsgi_app) -> dict:
    paths = _served(wsgi_app)["paths"]
    return {
        (path, parameter["name"]): parameter["schema"].get("type")
        for path in ID_FILTERS
        for parameter in paths[path]["get"]["parameters"]
    }


def test_id_filters_refuse_what_is_not_an_id(api_client, wsgi_app):
    """Once `?speaker=1.5` meant speaker 1 and `?speaker=1e300` was a 500 on SQLite; found by this module."""
    for path, names in ID_FILTERS.items():
        for name in names:
            for value in ("1.5", "1e300", str(INT64_MAX + 1), "abc"):
                response = api_client.get(path, {name: value})
                assert response.status_code == 400, (path, name, value, response.status_code)
    documented = _documented_filter_types(wsgi_app)
    assert documented[("/api/claims/", "speaker")] == documented[("/api/verdicts/", "claim")] == "integer"


def test_bug_every_id_filter_is_documented_as_an_integer(wsgi_app):
    documented = _documented_filter_types(wsgi_app)
    assert {(path, name): documented[(path, name)] for path, names in ID_FILTERS.items() for name in names} == {
        (path, name): "integer" for path, names in ID_FILTERS.items() for name in names
    }


def test_claim_actions_answer_404_to_a_non_numeric_id(editor_api_client):
    """Once a 500 (ValueError: Field 'id' expected a number); found by this module."""
    for method, path in (
        ("patch", "/api/claims/abc/"),
        ("post", "/api/claims/abc/check/"),
        ("post", "/api/claims/1e-05/publish/"),
        ("post", "/api/claims/false/correct/"),
    ):
        response = getattr(editor_api_client, method)(path, {"version": 1}, format="json")
        assert response.status_code == 404, (method, path, response.status_code)
        assert response.json()["error"]["code"] == "not_found"


def test_bug_claim_series_slug_with_nul_is_a_400(editor_api_client):
    response = editor_api_client.post("/api/claims/", {"text": "A claim", "series": "beds\x00"}, format="json")
    assert response.status_code == 400


def test_bug_claimreview_documents_the_json_it_answers(wsgi_app):
    served = _served(wsgi_app)
    undocumented = [
        f"{m.upper()} {p}"
        for p, m, op in _operations(served)
        if "json" in _format_choices(op) and "application/json" not in op["responses"].get("200", {}).get("content", {})
    ]
    assert undocumented == []


def test_bug_detail_actions_document_no_filters_they_ignore(wsgi_app):
    paths = _served(wsgi_app)["paths"]
    documented = {path: {p["name"] for p in paths[path]["get"]["parameters"]} for path in UNFILTERED_ACTIONS}
    assert not [path for path, name in UNFILTERED_ACTIONS.items() if name in documented[path]]
