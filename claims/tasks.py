"""Background work on claims: sweeps, checks and webhook deliveries. Each task takes ids and calls a service.

Every task is safe to run twice: checks are keyed (CheckRun's idempotency key), deliveries are leased and carry
an event id, and the sweep leases the claims it hands out. Transient failures (a locked or unreachable database,
a receiver that is down) are retried with exponential backoff and jitter; nothing else is.
"""

import logging

from celery import shared_task
from django.utils import timezone

from factcheck.celery import transient_retry

from . import services
from .models import Claim, WebhookDelivery

logger = logging.getLogger(__name__)

RETRY = transient_retry(base=15, cap=900)


@shared_task(acks_late=True, **RETRY)
def check_claim(claim_id: int) -> None:
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:
        logger.info("claim.check.skipped_missing", extra={"claim_id": claim_id})
        return
    try:
        services.claim_check_leased(claim=claim)
    except services.ClaimGone:
        logger.info("claim.check.skipped_missing", extra={"claim_id": claim_id})


@shared_task(acks_late=True, **RETRY)
def sweep_due_claims() -> int:
    """Hand every due claim to the workers; a claim already handed out (leased) is left alone."""
    claim_ids = services.claims_lease_due(now=timezone.now())
    for claim_id in claim_ids:
        services.claim_check_enqueue(claim_id)
    logger.info("claims.sweep.finished", extra={"enqueued": len(claim_ids)})
    return len(claim_ids)


@shared_task(bind=True, acks_late=True, **RETRY)
def deliver_webhook(self, delivery_id: int) -> None:
    delivery = WebhookDelivery.objects.filter(pk=delivery_id).select_related("subscription").first()
    if delivery is None:
        logger.info("webhook.delivery.skipped_missing", extra={"delivery_id": delivery_id})
        return
    retry_in = services.webhook_deliver(delivery=delivery)
    if retry_in is not None:
        raise self.retry(countdown=retry_in, max_retries=services.WEBHOOK_MAX_ATTEMPTS - 1)


@shared_task(acks_late=True, **RETRY)
def resend_pending_webhooks() -> int:
    """The safety net for webhooks: deliveries whose enqueue failed (broker down) or whose worker died."""
    delivery_ids = services.webhooks_pending_due(now=timezone.now())
    for delivery_id in delivery_ids:
        deliver_webhook.delay(delivery_id)
    return len(delivery_ids)
