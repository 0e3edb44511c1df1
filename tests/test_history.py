"""Every change to the editorial records is kept (django-simple-history): who, when, what, old and new value."""

import datetime
from decimal import Decimal

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return factories.UserFactory(username="history-editor")


def change(obj, user, **fields):
    """Save `fields` on `obj` as `user`, the way the admin and services do (simple_history reads _history_user)."""
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj.save()
    return obj


def assert_recorded(obj, user, field, old, new):
    latest, previous = obj.history.all()[:2]
    assert latest.history_type == "~"
    assert latest.history_user == user
    assert getattr(latest, field) == new
    assert getattr(previous, field) == old
    delta = latest.diff_against(previous)
    assert field in delta.changed_fields
    (entry,) = [c for c in delta.changes if c.field == field]
    assert (entry.old, entry.new) == (old, new)


CASES = {
    "claim text": (factories.ClaimFactory, "text", "ICE holds 38,000 people", "ICE holds 41,500 people"),
    "claim value": (factories.ClaimFactory, "value", Decimal("38000"), Decimal("41500")),
    "claim status": (factories.ClaimFactory, "status", "draft", "in_review"),
    "speaker role": (factories.SpeakerFactory, "role", "Spokesperson", "DHS Secretary"),
    "source title": (factories.SourceFactory, "title", "Old headline", "Corrected headline"),
    "source last status": (factories.SourceFactory, "last_status", "unchecked", "missing"),
    "series name": (factories.ReferenceSeriesFactory, "name", "ICE beds", "ICE detention, funded beds"),
    "observation value": (factories.ObservationFactory, "value", Decimal("38000"), Decimal("38125.5")),
    "outlet name": (factories.OutletFactory, "name", "The Daily", "The Daily Record"),
}


@pytest.mark.parametrize("make, field, old, new", CASES.values(), ids=CASES.keys())
def test_a_change_is_recorded_with_user_type_and_diff(user, make, field, old, new):
    obj = make(**{field: old})
    assert obj.history.count() == 1
    assert obj.history.get().history_type == "+"

    change(obj, user, **{field: new})

    assert obj.history.count() == 2
    assert_recorded(obj, user, field, old, new)


def test_a_change_without_a_user_is_still_recorded():
    series = factories.ReferenceSeriesFactory(name="Before")
    series.name = "After"
    series.save()
    latest = series.history.first()
    assert (latest.history_type, latest.history_user, latest.name) == ("~", None, "After")


def test_history_keeps_each_value_of_a_claim_in_order(user):
    claim = factories.ClaimFactory(value=Decimal("38000"))
    for value in (Decimal("39000"), Decimal("40000")):
        change(claim, user, value=value)
    assert [h.value for h in claim.history.order_by("history_date", "history_id")] == [
        Decimal("38000"),
        Decimal("39000"),
        Decimal("40000"),
    ]
    # Each historical row restores the claim as it was.
    assert claim.history.earliest("history_date").instance.value == Decimal("38000")


def test_several_fields_changed_at_once_are_all_in_the_diff(user):
    claim = factories.ClaimFactory()
    change(claim, user, as_of=datetime.date(2024, 1, 1), qualifier="approximate")
    latest, previous = claim.history.all()[:2]
    delta = latest.diff_against(previous)
    assert {"as_of", "qualifier"} <= set(delta.changed_fields)
    assert "text" not in delta.changed_fields


def test_source_history_leaves_out_the_text_snapshot():
    source = factories.SourceFactory()
    historical_fields = {f.name for f in source.history.model._meta.get_fields()}
    assert "title" in historical_fields
    assert "text_snapshot" not in historical_fields


def test_claim_topic_changes_are_recorded(user):
    claim = factories.ClaimFactory()
    detention = factories.TopicFactory(slug="detention")
    budget = factories.TopicFactory(slug="budget")
    assert claim.history.count() == 1

    claim._history_user = user
    claim.topics.add(detention, budget)

    latest, previous = claim.history.all()[:2]
    assert latest.history_type == "~"
    assert latest.history_user == user
    assert {t.topic_id for t in latest.topics.all()} == {detention.id, budget.id}
    assert not previous.topics.exists()
    delta = latest.diff_against(previous)
    assert "topics" in delta.changed_fields
    (entry,) = [c for c in delta.changes if c.field == "topics"]
    assert entry.old == []
    assert {row["topic"] for row in entry.new} == {detention.id, budget.id}

    claim.topics.remove(budget)
    latest, previous = claim.history.all()[:2]
    assert {t.topic_id for t in latest.topics.all()} == {detention.id}
    (entry,) = [c for c in latest.diff_against(previous).changes if c.field == "topics"]
    assert {row["topic"] for row in entry.old} == {detention.id, budget.id}
    assert {row["topic"] for row in entry.new} == {detention.id}
