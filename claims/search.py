"""Full-text search over a claim's text, its speaker and the excerpts that carry it.

On PostgreSQL each claim keeps a weighted tsvector (text A, speaker B, excerpts and topics C) in
`Claim.search_vector`, indexed with GIN (migration 0005) and refreshed after every write that changes one of
those parts. SQLite has no full-text type here, so there every word of the query must occur in one of the parts.
"""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Value

from .models import Appearance, Claim

CONFIG = "english"
MAX_QUERY_LENGTH = 200


def _uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def claim_search_refresh(*, claim_ids) -> None:
    """Recompute the search documents of these claims (a no-op on SQLite)."""
    if not _uses_postgres():
        return
    claims = Claim.objects.filter(pk__in=list(claim_ids)).select_related("speaker").prefetch_related(
        "appearances", "topics"
    )
    for claim in claims:
        speaker = claim.speaker
        who = " ".join(filter(None, [speaker.name, speaker.role, speaker.organization])) if speaker else ""
        context = " ".join([*(a.excerpt for a in claim.appearances.all()), *(t.slug for t in claim.topics.all())])
        Claim.objects.filter(pk=claim.pk).update(
            search_vector=SearchVector(Value(claim.text), weight="A", config=CONFIG)
            + SearchVector(Value(who), weight="B", config=CONFIG)
            + SearchVector(Value(context), weight="C", config=CONFIG)
        )


def claim_search_refresh_on_commit(claim_ids) -> None:
    """Refresh after the surrounding transaction commits, so a rolled-back write leaves the index alone."""
    ids = list(claim_ids)
    if ids and _uses_postgres():
        transaction.on_commit(lambda: claim_search_refresh(claim_ids=ids))


def claim_search(queryset: QuerySet[Claim], query: str) -> QuerySet[Claim]:
    query = query.strip()[:MAX_QUERY_LENGTH]
    if not query:
        return queryset
    if _uses_postgres():
        # websearch syntax accepts anything a person types ("quoted phrases", -exclusions) without syntax errors.
        return queryset.filter(search_vector=SearchQuery(query, config=CONFIG, search_type="websearch"))
    for word in query.split():
        # The same parts as the PostgreSQL document: text, speaker (name, role, organisation), excerpts, topics.
        in_excerpt = Appearance.objects.filter(claim=OuterRef("pk"), excerpt__icontains=word)
        in_topics = Claim.topics.through.objects.filter(claim=OuterRef("pk"), topic__slug__icontains=word)
        queryset = queryset.filter(
            Q(text__icontains=word)
            | Q(speaker__name__icontains=word)
            | Q(speaker__role__icontains=word)
            | Q(speaker__organization__icontains=word)
            | Q(Exists(in_excerpt))
            | Q(Exists(in_topics))
        )
    return queryset
