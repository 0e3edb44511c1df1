"""schema.org ClaimReview for published verdicts: the document search engines and aggregators read.

One builder serves the JSON-LD endpoint, the feed, the public claim page (embedded) and the Google Fact Check
Tools-compatible API, so all of them say the same thing.
"""

import re
from urllib.parse import urljoin

from django.conf import settings

from .models import Claim, Rating, SpeakerKind, Verdict

CLAIM_REVIEWED_MAX = 74  # "under 75 characters" (Google's ClaimReview guidelines)
BEST_RATING, WORST_RATING = 6, 1


def site_url(path: str) -> str:
    return urljoin(settings.FACTCHECK_SITE_URL.rstrip("/") + "/", path.lstrip("/"))


def claim_page_url(claim: Claim) -> str:
    return site_url(claim.get_absolute_url())


def claim_reviewed(claim: Claim, verdict: Verdict) -> str:
    """The claim in under 75 characters, cut at a word, never containing the rating's label."""
    text = " ".join(claim.text.split())
    for label in {verdict.label, *(r.label for r in Rating)}:
        text = re.sub(rf"\b{re.escape(label)}\b", "", text, flags=re.IGNORECASE)
    text = " ".join(text.split()).strip(" ,;:")
    if len(text) <= CLAIM_REVIEWED_MAX:
        return text
    cut = text[: CLAIM_REVIEWED_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def _author(claim: Claim) -> dict:
    speaker = claim.speaker
    if speaker is None:
        first = next(iter(claim.appearances.all()), None)
        outlet = first.source.outlet if first and first.source.outlet else None
        name = outlet.name if outlet else settings.FACTCHECK_PUBLISHER_NAME
        return {"@type": "Organization", "name": name}
    author = {
        "@type": "Organization" if speaker.kind == SpeakerKind.ORGANIZATION else "Person",
        "name": speaker.name if speaker.kind != SpeakerKind.ANONYMOUS else f"{speaker.name} (anonymous source)",
    }
    if speaker.role and speaker.kind == SpeakerKind.PERSON:
        author["jobTitle"] = speaker.role
    if speaker.same_as:
        author["sameAs"] = speaker.same_as
    return author


def _creative_work(appearance) -> dict:
    source = appearance.source
    work = {"@type": "CreativeWork", "url": source.url}
    if source.title:
        work["headline"] = source.title
    if source.published_on:
        work["datePublished"] = source.published_on.isoformat()
    if source.outlet:
        work["publisher"] = {"@type": "Organization", "name": source.outlet.name}
    return work


def review_rating(verdict: Verdict) -> dict:
    rating = {
        "@type": "Rating",
        "bestRating": BEST_RATING,
        "worstRating": WORST_RATING,
        "alternateName": verdict.label,
        "ratingExplanation": verdict.explanation,
    }
    if verdict.rating_value is not None:  # unverifiable carries the label without a value
        rating["ratingValue"] = verdict.rating_value
    return rating


def claim_review(claim: Claim) -> dict:
    """ClaimReview of a claim's published verdict. Precondition: the claim has one (`published_verdict`)."""
    verdict = claim.published_verdict
    appearances = list(claim.appearances.all())
    item = {"@type": "Claim", "author": _author(claim)}
    if claim.stated_on:
        item["datePublished"] = claim.stated_on.isoformat()
    if appearances:
        first = next((a for a in appearances if a.is_first), appearances[0])
        item["firstAppearance"] = _creative_work(first)
        item["appearance"] = [_creative_work(a) for a in appearances]
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": claim_page_url(claim),
        "claimReviewed": claim_reviewed(claim, verdict),
        "datePublished": verdict.published_at.date().isoformat(),
        "author": {
            "@type": "Organization",
            "name": settings.FACTCHECK_PUBLISHER_NAME,
            "url": settings.FACTCHECK_PUBLISHER_URL,
        },
        "reviewRating": review_rating(verdict),
        "itemReviewed": item,
    }
