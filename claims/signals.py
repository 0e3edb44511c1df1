"""Keep each claim's search document current whatever wrote the change (services, admin forms, imports), and
react to what the sources app announces (new series data, a source that went missing or changed).

Only index upkeep and hand-offs to services live here; business rules stay in services.
"""

import logging

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from sources.signals import series_data_changed, source_link_changed

from .models import Appearance, Claim, Speaker
from .search import claim_search_refresh_on_commit

logger = logging.getLogger(__name__)

_SEARCHED_CLAIM_FIELDS = {"text", "speaker", "speaker_id"}


@receiver(post_save, sender=Claim)
def _claim_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or _SEARCHED_CLAIM_FIELDS & set(update_fields):
        claim_search_refresh_on_commit([instance.pk])


@receiver(post_save, sender=Appearance)
@receiver(post_delete, sender=Appearance)
def _appearance_changed(sender, instance, **kwargs):
    claim_search_refresh_on_commit([instance.claim_id])


@receiver(post_save, sender=Speaker)
def _speaker_saved(sender, instance, created, **kwargs):
    if not created:
        claim_search_refresh_on_commit(instance.claims.values_list("pk", flat=True))


@receiver(m2m_changed, sender=Claim.topics.through)
def _topics_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Claim):
        claim_search_refresh_on_commit([instance.pk])


@receiver(series_data_changed)
def _series_data_changed(sender, series, **kwargs):
    # New data: the claims that use the series are checked now, not at their staleness limit.
    from .services import claims_recheck_series

    claims_recheck_series(series_id=series.pk)


@receiver(source_link_changed)
def _source_link_changed(sender, source, check, **kwargs):
    # Nothing is stored: editors find these claims through `claims_with_source_problems` (admin filter); logged
    # here so the event is visible where it happened.
    logger.warning(
        "claims.source_problem",
        extra={"source_id": source.pk, "status_code": check.status_code, "changed": check.changed, "claims": list(source.appearances.values_list("claim_id", flat=True))},
    )
