"""ClaimReview JSON-LD, its feed, and the public claim page that is its `url`."""

import datetime
import json
import re
from decimal import Decimal

import pytest

from claims import services
from claims.claimreview import CLAIM_REVIEWED_MAX, claim_reviewed
from claims.models import Rating, SpeakerKind
from sources.models import Unit
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_claim(editor):
    series = factories.ReferenceSeriesFactory(slug="ice-beds", name="ICE detention, funded beds", unit=Unit.COUNT)
    factories.ObservationFactory(series=series, period_end=datetime.date(2024, 1, 31), value=Decimal("38000"))
    speaker = factories.SpeakerFactory(
        name="Alejandro Mayorkas", role="DHS Secretary", same_as="https://www.wikidata.org/wiki/Q4717341"
    )
    claim = factories.ClaimFactory(
        text="ICE detention stood at 38,000 beds when the proposal circulated in February 2024.",
        speaker=speaker,
        series=series,
        stated_on=datetime.date(2024, 2, 14),
    )
    first = factories.AppearanceFactory(
        claim=claim,
        source=factories.SourceFactory(url="https://www.washingtonpost.com/ice-releases", title="ICE plans releases"),
        is_first=True,
    )
    factories.AppearanceFactory(claim=claim, source=factories.SourceFactory(), is_first=False)
    services.claim_check(claim=claim)
    services.verdict_publish(claim=claim, user=editor)
    claim.refresh_from_db()
    claim.first_appearance = first
    return claim


def _review(client, claim):
    response = client.get(f"/api/claims/{claim.pk}/claimreview/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    return json.loads(response.content)


def test_claimreview_has_every_required_and_recommended_field(client, published_claim, settings):
    settings.FACTCHECK_SITE_URL = "https://factcheck.example.org/"
    settings.FACTCHECK_PUBLISHER_NAME = "Example Fact Desk"
    settings.FACTCHECK_PUBLISHER_URL = "https://example.org/"
    review = _review(client, published_claim)

    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"https://factcheck.example.org/claims/{published_claim.pk}/"
    assert review["datePublished"] == published_claim.published_verdict.published_at.date().isoformat()
    assert review["author"] == {"@type": "Organization", "name": "Example Fact Desk", "url": "https://example.org/"}

    assert 0 < len(review["claimReviewed"]) < 75
    assert "accurate" not in review["claimReviewed"].lower()

    rating = review["reviewRating"]
    assert rating["@type"] == "Rating"
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (6, 6, 1)
    assert rating["alternateName"] == "Accurate"
    assert rating["ratingExplanation"] == published_claim.published_verdict.explanation

    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {
        "@type": "Person",
        "name": "Alejandro Mayorkas",
        "jobTitle": "DHS Secretary",
        "sameAs": "https://www.wikidata.org/wiki/Q4717341",
    }
    assert item["datePublished"] == "2024-02-14"
    assert item["firstAppearance"]["url"] == "https://www.washingtonpost.com/ice-releases"
    assert item["firstAppearance"]["headline"] == "ICE plans releases"
    assert item["firstAppearance"]["@type"] == "CreativeWork"
    assert len(item["appearance"]) == 2
    assert {a["url"] for a in item["appearance"]} >= {"https://www.washingtonpost.com/ice-releases"}


def test_unverifiable_verdict_carries_the_label_without_a_value(client, editor):
    claim = factories.ClaimFactory(value=None, unit=None, qualifier=None, kind=None, counted_noun="")
    services.verdict_publish(claim=claim, user=editor, rating=Rating.UNVERIFIABLE, explanation="No data exists.")
    rating = _review(client, claim)["reviewRating"]
    assert "ratingValue" not in rating
    assert rating["alternateName"] == "Unverifiable"
    assert (rating["bestRating"], rating["worstRating"]) == (6, 1)


@pytest.mark.parametrize(
    "kind, expected_type, expected_name",
    [
        (SpeakerKind.PERSON, "Person", "Jane Doe"),
        (SpeakerKind.ORGANIZATION, "Organization", "Jane Doe"),
        (SpeakerKind.ANONYMOUS, "Person", "Jane Doe (anonymous source)"),
    ],
)
def test_claim_author_type_follows_the_speaker_kind(client, editor, kind, expected_type, expected_name):
    claim = factories.ClaimFactory(
        speaker=factories.SpeakerFactory(name="Jane Doe", kind=kind, role=""),
        value=None, unit=None, qualifier=None, kind=None, counted_noun="",
    )
    services.verdict_publish(claim=claim, user=editor, rating=Rating.ACCURATE, explanation="Matches the record.")
    author = _review(client, claim)["itemReviewed"]["author"]
    assert (author["@type"], author["name"]) == (expected_type, expected_name)


def test_claim_in_the_outlets_own_voice_is_attributed_to_the_outlet(client, editor):
    claim = factories.ClaimFactory(speaker=None, value=None, unit=None, qualifier=None, kind=None, counted_noun="")
    appearance = factories.AppearanceFactory(claim=claim)
    services.verdict_publish(claim=claim, user=editor, rating=Rating.ACCURATE, explanation="Matches the record.")
    author = _review(client, claim)["itemReviewed"]["author"]
    assert author == {"@type": "Organization", "name": appearance.source.outlet.name}


def test_claim_reviewed_is_short_cut_at_a_word_and_never_names_the_rating(published_claim):
    published_claim.text = (
        "The agency's own count, which critics called accurate, shows that mostly accurate numbers were "
        "used to justify 38,000 detention beds across the country"
    )
    text = claim_reviewed(published_claim, published_claim.published_verdict)
    assert len(text) <= CLAIM_REVIEWED_MAX and text.endswith("…")
    assert not re.search(r"\baccurate\b", text, flags=re.IGNORECASE)
    assert "  " not in text


def test_draft_and_unknown_claims_have_no_claimreview(client, editor_api_client):
    draft = factories.ClaimFactory()
    assert client.get(f"/api/claims/{draft.pk}/claimreview/").status_code == 404
    # Not even editors: a draft has no published verdict to review.
    assert editor_api_client.get(f"/api/claims/{draft.pk}/claimreview/").status_code == 404
    assert client.get("/api/claims/999999/claimreview/").status_code == 404


def test_feed_lists_every_published_verdict_and_pages(client, published_claim, editor):
    others = []
    for n in range(3):
        claim = factories.ClaimFactory(value=None, unit=None, qualifier=None, kind=None, counted_noun="")
        services.verdict_publish(claim=claim, user=editor, rating=Rating.INACCURATE, explanation=f"Wrong ({n}).")
        others.append(claim)
    factories.ClaimFactory()  # a draft, never in the feed

    urls, page = [], "/api/claimreview/?page_size=2"
    while page:
        response = client.get(page)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/ld+json")
        body = json.loads(response.content)
        assert body["@type"] == "DataFeed"
        urls += [element["url"] for element in body["dataFeedElement"]]
        assert all(element["@type"] == "ClaimReview" for element in body["dataFeedElement"])
        page = body["next"]
    expected = {f"/claims/{c.pk}/" for c in [published_claim, *others]}
    assert len(urls) == len(expected)
    assert {re.sub(r"^https?://[^/]+", "", url) for url in urls} == expected


def test_public_page_shows_the_verdict_numbers_sources_and_embeds_the_same_claimreview(client, published_claim):
    response = client.get(f"/claims/{published_claim.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html lang=\"en\">" in html
    assert published_claim.text in html
    assert "Alejandro Mayorkas" in html and "DHS Secretary" in html
    assert "Accurate" in html
    assert published_claim.published_verdict.explanation in html
    assert "38,000 beds" in html  # claimed and reference figures as readers write them
    assert "released 2024-02-10" in html  # the data release the verdict rests on
    assert "https://www.washingtonpost.com/ice-releases" in html

    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.DOTALL)
    assert embedded is not None
    assert json.loads(embedded.group(1)) == _review(client, published_claim)


def test_public_page_shows_the_correction_log(client, published_claim, editor):
    services.verdict_correct(
        claim=published_claim,
        user=editor,
        rating=Rating.MOSTLY_ACCURATE,
        explanation="The funded level was 38,500 beds.",
        note="We first compared against the wrong month.",
    )
    html = client.get(f"/claims/{published_claim.pk}/").content.decode()
    assert "Corrections" in html
    assert "rating changed from Accurate to Mostly accurate" in html
    assert "We first compared against the wrong month." in html


def test_public_page_marks_illustrative_reference_data(client, published_claim):
    series = published_claim.series
    series.illustrative = True
    series.save()
    html = client.get(f"/claims/{published_claim.pk}/").content.decode()
    assert "illustrative demo data, not an official figure" in html


def test_only_published_claims_have_a_page(client):
    draft = factories.ClaimFactory()
    assert client.get(f"/claims/{draft.pk}/").status_code == 404
    assert client.get("/claims/999999/").status_code == 404


def test_embedded_json_cannot_close_the_script_element(client, editor):
    claim = factories.ClaimFactory(
        text="A claim quoting </script><script>alert(1)</script> in its text",
        value=None, unit=None, qualifier=None, kind=None, counted_noun="",
    )
    services.verdict_publish(claim=claim, user=editor, rating=Rating.INACCURATE, explanation="Wrong.")
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
