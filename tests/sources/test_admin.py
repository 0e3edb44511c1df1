"""The sources admin as an editor (Editors group, staff, not superuser) uses it."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from sources.models import Observation, Outlet, ReferenceSeries, Source, SourceCheck
from tests import factories

pytestmark = pytest.mark.django_db


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def admin_form_data(response) -> dict:
    """The POST data of the admin form a response rendered, as a browser would submit it unchanged:
    the main form's and every inline's fields with their current values, plus the management forms."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for bound in form:
            value = bound.field.prepare_value(bound.value())
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)
    return data


def make_observation():
    return factories.ObservationFactory(source=factories.SourceFactory())


# Every model this app registers in the admin: (model, how to make one, whether editors add them by hand).
ADMIN_MODELS = [
    (Outlet, factories.OutletFactory, True),
    (Source, factories.SourceFactory, True),
    (SourceCheck, factories.SourceCheckFactory, False),
    (ReferenceSeries, lambda: factories.ReferenceSeriesFactory(publisher=factories.OutletFactory()), True),
    (Observation, make_observation, True),
]
MODEL_IDS = [model.__name__ for model, _make, _add in ADMIN_MODELS]


def test_every_registered_sources_model_is_covered():
    registered = {model for model in admin.site._registry if model._meta.app_label == "sources"}
    assert registered == {model for model, _make, _add in ADMIN_MODELS}


@pytest.mark.parametrize(("model", "make", "editors_add"), ADMIN_MODELS, ids=MODEL_IDS)
def test_changelist_answers_editor(editor_client, model, make, editors_add):
    make()
    response = editor_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize(("model", "make", "editors_add"), ADMIN_MODELS, ids=MODEL_IDS)
def test_change_page_answers_editor(editor_client, model, make, editors_add):
    obj = make()
    response = editor_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize(("model", "make", "editors_add"), ADMIN_MODELS, ids=MODEL_IDS)
def test_add_page_only_for_what_editors_create(editor_client, model, make, editors_add):
    response = editor_client.get(admin_url(model, "add"))
    assert response.status_code == (200 if editors_add else 403)


@pytest.mark.parametrize(("model", "make", "editors_add"), ADMIN_MODELS, ids=MODEL_IDS)
def test_anonymous_is_sent_to_login(client, model, make, editors_add):
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(("model", "make", "editors_add"), ADMIN_MODELS, ids=MODEL_IDS)
def test_every_list_filter_choice_answers(editor_client, model, make, editors_add):
    make()
    make()
    url = admin_url(model, "changelist")
    response = editor_client.get(url)
    specs = response.context["cl"].filter_specs
    assert len(specs) == len(admin.site._registry[model].list_filter)
    for spec in specs:
        choices = [choice["query_string"] for choice in spec.choices(response.context["cl"])]
        assert len(choices) > 1, f"{spec.title} offers nothing to filter by"
        for query in choices:
            filtered = editor_client.get(url + query)
            assert filtered.status_code == 200, (spec.title, query)
    assert editor_client.get(url + "?_facets=True").status_code == 200


def test_searches_answer(editor_client):
    source = factories.SourceFactory(title="Detention beds report")
    factories.SourceFactory(title="Court backlog")
    response = editor_client.get(admin_url(Source, "changelist") + "?q=beds")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [source]
    for model in (Outlet, SourceCheck, ReferenceSeries, Observation):
        assert editor_client.get(admin_url(model, "changelist") + "?q=beds").status_code == 200


def test_source_checks_are_read_only_for_everyone(editor_client, admin_client):
    check = factories.SourceCheckFactory(status_code=200)
    for client in (editor_client, admin_client):
        page = client.get(admin_url(SourceCheck, "change", check.pk))
        assert page.status_code == 200
        assert b'name="_save"' not in page.content
        assert client.post(admin_url(SourceCheck, "change", check.pk), {"status_code": "500"}).status_code == 403
        assert client.get(admin_url(SourceCheck, "add")).status_code == 403
        assert client.post(admin_url(SourceCheck, "delete", check.pk), {"post": "yes"}).status_code == 403
    check.refresh_from_db()
    assert check.status_code == 200


def test_source_page_shows_only_the_newest_checks_read_only(editor_client):
    source = factories.SourceFactory()
    base = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    checks = [
        factories.SourceCheckFactory(source=source, checked_at=base + datetime.timedelta(hours=i)) for i in range(25)
    ]
    response = editor_client.get(admin_url(Source, "change", source.pk))
    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    shown = [form.original for form in inline]
    assert shown == checks[::-1][:20]
    assert b'name="checks-0-status_code"' not in response.content  # read-only, not an input


def test_editor_adds_a_source_with_outlet(editor_client):
    outlet = factories.OutletFactory()
    response = editor_client.get(admin_url(Source, "add"))
    data = admin_form_data(response) | {
        "url": "https://agency.example/release",
        "title": "Release",
        "outlet": str(outlet.pk),
        "kind": "press_release",
        "published_on": "2024-03-01",
    }
    response = editor_client.post(admin_url(Source, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    source = Source.objects.get(url="https://agency.example/release")
    assert source.outlet == outlet
    assert source.history.get().history_user.username == "editor"


# --- observations: added, never overwritten ---------------------------------------------------------------


def test_existing_observation_is_read_only_and_says_why(editor_client):
    observation = make_observation()
    url = admin_url(Observation, "change", observation.pk)
    response = editor_client.get(url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert b'name="value"' not in response.content
    assert b"never overwritten" in response.content
    assert editor_client.post(url, {"value": "1"}).status_code == 403
    observation.refresh_from_db()
    assert observation.value == Decimal("38000")


def test_observation_history_cannot_be_reverted(editor_client):
    observation = make_observation()
    record = observation.history.get()
    url = reverse("admin:sources_observation_simple_history", args=(observation.pk, record.history_id))
    assert editor_client.get(url).status_code == 200
    assert editor_client.post(url, {"value": "1"}).status_code == 403


def test_editor_adds_a_revision_as_a_new_observation(editor_client):
    observation = make_observation()
    response = editor_client.get(admin_url(Observation, "add"))
    assert b"never overwritten" in response.content
    data = admin_form_data(response) | {
        "series": str(observation.series_id),
        "period_end": "2024-01-31",
        "value": "38500",
        "vintage": "2024-03-10",
    }
    response = editor_client.post(admin_url(Observation, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    revision = Observation.objects.exclude(pk=observation.pk).get()
    assert revision.period_start == revision.period_end == datetime.date(2024, 1, 31)  # a single date
    assert revision.value == Decimal("38500")
    observation.refresh_from_db()
    assert observation.value == Decimal("38000")

    # The same release again is refused by the form, not by the database.
    response = editor_client.post(admin_url(Observation, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert Observation.objects.count() == 2


def test_series_page_adds_observations_and_keeps_existing_ones(editor_client):
    observation = make_observation()
    series = observation.series
    url = admin_url(ReferenceSeries, "change", series.pk)
    response = editor_client.get(url)
    assert response.status_code == 200
    assert b'name="observations-0-value"' not in response.content  # the existing row is read-only
    assert b'name="observations-1-value"' in response.content  # the empty row for a new one
    data = admin_form_data(response) | {
        "observations-0-value": "1",  # tampering with the read-only row changes nothing
        "observations-1-period_end": "2024-02-29",
        "observations-1-value": "39000",
        "observations-1-vintage": "2024-03-10",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert sorted(series.observations.values_list("value", flat=True)) == [Decimal("38000"), Decimal("39000")]


def test_series_list_labels_illustrative_data_and_counts_observations(editor_client):
    demo = factories.ReferenceSeriesFactory(name="Demo beds", illustrative=True)
    official = factories.ReferenceSeriesFactory(name="Official beds")
    for day in (1, 2, 3):
        factories.ObservationFactory(series=demo, period_end=datetime.date(2024, 1, day))
    url = admin_url(ReferenceSeries, "changelist")
    response = editor_client.get(url)
    assert b"Illustrative demo data" in response.content
    counts = {series.pk: series.observation_count for series in response.context["cl"].result_list}
    assert counts == {demo.pk: 3, official.pk: 0}
    assert list(editor_client.get(url + "?illustrative=yes").context["cl"].result_list) == [demo]
    assert list(editor_client.get(url + "?illustrative=no").context["cl"].result_list) == [official]


def test_view_only_user_cannot_revert_through_history(editor_client):
    """simple_history's revert view checks only the view permission; the admin refuses the POST."""
    outlet = factories.OutletFactory(name="Old name")
    outlet.name = "New name"
    outlet.save()
    viewer = factories.UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outlet"))
    client = Client()
    client.force_login(viewer)
    oldest = outlet.history.earliest()
    url = reverse("admin:sources_outlet_simple_history", args=(outlet.pk, oldest.history_id))
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Old name", "kind": "news"}).status_code == 403
    outlet.refresh_from_db()
    assert outlet.name == "New name"
    # An editor, who may change outlets, may still revert.
    response = editor_client.post(url, {"name": "Old name", "domain": outlet.domain, "kind": "news"})
    assert response.status_code == 302
    outlet.refresh_from_db()
    assert outlet.name == "Old name"


def test_links_from_lists_open_the_narrowed_lists(editor_client):
    source = factories.SourceFactory()
    checks = [factories.SourceCheckFactory(source=source) for _ in range(2)]
    factories.SourceCheckFactory()
    response = editor_client.get(admin_url(SourceCheck, "changelist") + f"?source__id__exact={source.pk}")
    assert set(response.context["cl"].result_list) == set(checks)
    response = editor_client.get(admin_url(Source, "changelist") + f"?outlet__id__exact={source.outlet_id}")
    assert list(response.context["cl"].result_list) == [source]
