"""Full-text claim search on PostgreSQL: the planner uses the GIN index, and the search finds what it should.

"The search on PostgreSQL uses its index (a test checks the query plan on PostgreSQL in CI, on enough rows, or with
sequential scans disabled for the test, that the planner's choice means something)." Both are here: the plan of the
exact query `claims.search.claim_search` builds, once with sequential scans disabled on a few hundred claims, once
with the planner free on 5,000 analysed claims and a selective term. These tests skip on SQLite on a laptop and fail
in CI (`require_postgres`), where a skip would hide that the index was never checked.
"""

import contextlib
import datetime

import pytest
from django.db import connection, transaction
from django.db.models import F

from claims import selectors, services
from claims.models import AttributionKind, Claim, ClaimStatus
from claims.search import claim_search, claim_search_refresh
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

INDEX = "claims_claim_search_gin"
WORDS = ("budget", "deficit", "tariffs", "wages", "housing", "court", "schools", "pensions", "asylum", "vaccines")


@contextlib.contextmanager
def planner_settings(**values):
    """SET LOCAL inside a savepoint that is rolled back, so the settings end with the block."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            for name, value in values.items():
                cursor.execute(f"SET LOCAL {name} = {value}")
        yield
        transaction.set_rollback(True)


def uses_search_index(plan: str) -> bool:
    return f"Bitmap Index Scan on {INDEX}" in plan  # GIN has no plain index scans: always through a bitmap


def bulk_claims(count: int, text_for) -> list[int]:
    """Claims without a figure, inserted in bulk (no signals, no history): ids in insertion order."""
    speaker = factories.SpeakerFactory(name="Bulk Speaker")
    Claim.objects.bulk_create(
        [
            Claim(
                text=text_for(i), speaker=speaker, attribution_kind=AttributionKind.PARAPHRASE, status=ClaimStatus.DRAFT
            )
            for i in range(count)
        ],
        batch_size=1000,
    )
    return list(Claim.objects.order_by("pk").values_list("pk", flat=True))


@pytest.fixture
def search_index(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'claims_claim' AND indexname = %s", [INDEX])
        row = cursor.fetchone()
    assert row is not None, f"{INDEX} is missing: migration claims 0005 did not run"
    assert "USING gin (search_vector)" in row[0], row[0]
    return INDEX


# --- the plan ----------------------------------------------------------------------------------------------------


def test_search_plan_uses_the_gin_index_with_sequential_scans_disabled(search_index):
    ids = bulk_claims(
        300,
        lambda i: (
            f"ICE cut detention beds to {22000 + i} in the latest budget"
            if i % 50 == 0
            else f"Spending on {WORDS[i % len(WORDS)]} rose by {i} percent"
        ),
    )
    claim_search_refresh(claim_ids=ids)
    assert not Claim.objects.filter(search_vector__isnull=True).exists()
    queryset = claim_search(Claim.objects.all(), "detention beds")
    assert queryset.count() == 6

    with planner_settings(enable_seqscan="off"):
        plan = queryset.explain()

    assert uses_search_index(plan), plan
    assert "Seq Scan on claims_claim" not in plan, plan


def test_search_plan_uses_the_gin_index_on_enough_rows(search_index):
    """No planner settings: on 5,000 analysed claims a term in a handful of them is found through the index, for the
    bare search and for the editors' list query the API runs (joins, keyset order, page size)."""
    bulk_claims(
        5000,
        lambda i: (
            f"The gerrymandering case reached the court in week {i}"
            if i % 1000 == 7
            else f"{WORDS[i % len(WORDS)].capitalize()} spending rose by {i % 97} percent in district {i}"
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claim SET search_vector = to_tsvector('english', text)")
        # Rows written in this (never committed) transaction sit in the GIN index's fast-update pending list, which
        # the planner rightly prices as a linear scan; in production autovacuum or the list's size limit merges it
        # into the index. Merge it here, so the plan is the one a live table gets.
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [INDEX])
        cursor.execute("ANALYZE claims_claim")

    queryset = claim_search(Claim.objects.all(), "gerrymandering")
    assert queryset.count() == 5
    plan = queryset.explain()
    assert uses_search_index(plan), plan
    assert "Seq Scan on claims_claim" not in plan, plan

    # The editors' list as the API pages it (factcheck.pagination: nulls-last key, id tie-break, page size + 1).
    api_list = (
        claim_search(selectors.claim_queryset(editor=True), "gerrymandering")
        .annotate(_sort_key=F("id"))
        .order_by(F("_sort_key").desc(nulls_last=True), "-id")[:21]
    )
    api_plan = api_list.explain()
    assert uses_search_index(api_plan), api_plan


# --- what the search finds ---------------------------------------------------------------------------------------


def test_search_finds_text_speaker_excerpt_stems_phrases_and_edits(
    require_postgres, django_capture_on_commit_callbacks
):
    noem = factories.SpeakerFactory(name="Kristi Noem", role="DHS Secretary", organization="DHS")
    source = factories.SourceFactory(url="https://ledger.example/proposal")
    said = datetime.date(2024, 2, 14)
    with django_capture_on_commit_callbacks(execute=True):  # the signals' on_commit refreshes run at the block's end
        beds = services.claim_create(
            text="ICE cut detention beds from 38,000 to 22,000",
            speaker=noem,
            stated_on=said,
            topics=["immigration-detention"],
            appearances=[services.AppearanceInput(source=source, excerpt="according to an internal proposal")],
        )
        bed = services.claim_create(text="The bed count at the facility rose", stated_on=said)
        reversed_words = services.claim_create(text="More beds for detention centres", stated_on=said)
        other = services.claim_create(text="The budget deficit reached $700 million", stated_on=said)

    def found(query: str) -> set[int]:
        return set(claim_search(Claim.objects.all(), query).values_list("pk", flat=True))

    assert not Claim.objects.filter(search_vector__isnull=True).exists()  # signals refreshed every document
    assert found("detention") == {beds.pk, reversed_words.pk}  # a word of the text
    assert found("Noem") == {beds.pk}  # the speaker's name
    assert found("DHS secretary") == {beds.pk}  # the speaker's role and organisation
    assert found("proposal") == {beds.pk}  # a word of an appearance's excerpt
    assert found("beds") == {beds.pk, bed.pk, reversed_words.pk}  # stemming: "beds" finds "bed"
    assert found("detention beds") == {beds.pk, reversed_words.pk}  # every word, any order
    assert found('"detention beds"') == {beds.pk}  # a quoted phrase: those words, in that order
    assert found("deficit -budget") == set()  # websearch syntax: exclusion
    assert found("deficits") == {other.pk}
    assert found("   ") == {beds.pk, bed.pk, reversed_words.pk, other.pk}  # an empty query does not filter

    with django_capture_on_commit_callbacks(execute=True):
        services.claim_update(claim_id=other.pk, expected_version=other.version, text="Tariffs raised $80 billion")
    assert found("tariff") == {other.pk}  # findable by its new word (the on_commit refresh ran)
    assert found("deficit") == set()  # and no longer by the old one

    with django_capture_on_commit_callbacks(execute=True):
        noem.name = "Kristi L. Noem-Arnold"
        noem.save()
    assert found("Arnold") == {beds.pk}  # a renamed speaker's claims are re-indexed
