"""Public pages: one server-rendered page per published claim, the `url` of its ClaimReview."""

import json
from decimal import Decimal

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe

from . import selectors
from .claimreview import claim_review
from .models import ClaimKind, DeviationUnit
from .verdicts import format_quantity


def _json_for_script(data: dict) -> str:
    # Inside <script>, "</" would end the element early; escaping "<" keeps any excerpt text inert.
    return mark_safe(json.dumps(data, ensure_ascii=False, indent=2).replace("<", "\\u003c"))


def _figure(value, claim, change: bool = False) -> str:
    if value is None:
        return ""
    unit = "percent" if change else claim.unit or ""
    return format_quantity(value, unit, "" if change else claim.counted_noun)


def _deviation(verdict) -> str:
    if verdict.deviation is None:
        return ""
    if verdict.deviation_unit == DeviationUnit.POINTS:
        return format_quantity(verdict.deviation, "percentage_points") + " from the reference"
    percent = (verdict.deviation * 100).quantize(Decimal("0.01"))
    return f"{'+' if percent > 0 else ''}{format_quantity(percent, 'percent')} of the reference"


def claim_page(request, pk: int):
    claim = selectors.claim_get(pk=pk, editor=False)
    if claim is None:
        raise Http404("No published claim with this id.")
    verdict = claim.published_verdict
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            "verdict": verdict,
            "observation": verdict.observation,
            "baseline_observation": verdict.baseline_observation,
            "appearances": list(claim.appearances.all()),
            "corrections": selectors.claim_corrections(claim),
            "claim_review_json": _json_for_script(claim_review(claim)),
            "publisher_name": settings.FACTCHECK_PUBLISHER_NAME,
            "claimed": _figure(verdict.claimed_value, claim),
            "reference": _figure(verdict.reference_value, claim, change=claim.kind == ClaimKind.CHANGE),
            "deviation": _deviation(verdict),
        },
    )
