"""One factory per model (factory_boy)."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from claims import models as claim_models
from sources import models as source_models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = source_models.Outlet

    name = factory.Sequence(lambda n: f"Outlet {n}")
    domain = factory.Sequence(lambda n: f"outlet{n}.example")
    kind = source_models.OutletKind.NEWS


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = source_models.Source

    url = factory.Sequence(lambda n: f"https://news.example/articles/{n}")
    title = factory.Sequence(lambda n: f"Article {n}")
    outlet = factory.SubFactory(OutletFactory)
    published_on = datetime.date(2024, 2, 14)
    kind = source_models.SourceKind.ARTICLE


class SourceCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = source_models.SourceCheck

    source = factory.SubFactory(SourceFactory)
    status_code = 200
    final_url = factory.LazyAttribute(lambda c: c.source.url)
    content_hash = "0" * 64


class ReferenceSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = source_models.ReferenceSeries

    slug = factory.Sequence(lambda n: f"series-{n}")
    name = factory.Sequence(lambda n: f"Series {n}")
    unit = source_models.Unit.COUNT
    counted_noun = "beds"


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = source_models.Observation

    series = factory.SubFactory(ReferenceSeriesFactory)
    period_start = factory.LazyAttribute(lambda o: o.period_end)
    period_end = datetime.date(2024, 1, 31)
    value = Decimal("38000")
    vintage = datetime.date(2024, 2, 10)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = claim_models.Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")
    kind = claim_models.SpeakerKind.PERSON
    role = "Spokesperson"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = claim_models.Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")


class ClaimFactory(factory.django.DjangoModelFactory):
    """A numeric level claim by default; pass value=None, unit=None, qualifier=None, kind=None for no figure."""

    class Meta:
        model = claim_models.Claim

    text = factory.Sequence(lambda n: f"ICE holds 38,000 detainees (claim {n})")
    speaker = factory.SubFactory(SpeakerFactory)
    attribution_kind = claim_models.AttributionKind.PARAPHRASE
    stated_on = datetime.date(2024, 2, 14)
    value = Decimal("38000")
    unit = source_models.Unit.COUNT
    counted_noun = "beds"
    qualifier = claim_models.Qualifier.EXACT
    kind = claim_models.ClaimKind.LEVEL
    as_of = factory.LazyAttribute(lambda c: c.stated_on if c.value is not None else None)


class AppearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = claim_models.Appearance

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    excerpt = "cutting detention levels from 38,000 beds to 22,000"
    is_first = True


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = claim_models.Verdict

    claim = factory.SubFactory(ClaimFactory)
    rating = claim_models.Rating.ACCURATE
    rating_value = 6
    made_by = claim_models.MadeBy.EDITOR
    explanation = "The figure matches the agency's published count."


class CheckRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = claim_models.CheckRun

    claim = factory.SubFactory(ClaimFactory)
    claim_version = factory.LazyAttribute(lambda r: r.claim.version)
    data_version = 0
    policy_version = 1
    state = claim_models.CheckState.DONE
    outcome = claim_models.CheckOutcome.UNCHANGED


class WebhookSubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = claim_models.WebhookSubscription

    name = factory.Sequence(lambda n: f"Newsroom CMS {n}")
    url = factory.Sequence(lambda n: f"https://cms.example/hooks/{n}")
    secret = "s3cret-for-tests"


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = claim_models.WebhookDelivery

    subscription = factory.SubFactory(WebhookSubscriptionFactory)
    event_id = factory.Faker("uuid4", cast_to=None)
    event = claim_models.WebhookEvent.VERDICT_PUBLISHED
    payload = factory.LazyAttribute(lambda d: {"id": str(d.event_id), "event": d.event})
