"""Keep each claim's search document current whatever wrote the change (services, admin forms, imports).

Only index upkeep lives here; business rules stay in services.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Appearance, Claim, Speaker
from .search import claim_search_refresh_on_commit

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
