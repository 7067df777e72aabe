"""Unconfirmed pledges are deleted after 30 days, with the personal details that came with
them and the emails sent about them (the published retention note says so)."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from mail.models import Email

from .models import Pledge

logger = logging.getLogger(__name__)

KEEP_UNCONFIRMED_FOR = timedelta(days=30)


def unconfirmed_pledges_purge(*, now=None, dry_run: bool = False, batch: int = 1000) -> int:
    """Delete unconfirmed pledges older than 30 days. Never counted, so no total moves."""
    cutoff = (now or timezone.now()) - KEEP_UNCONFIRMED_FOR
    expired = Pledge.objects.filter(status=Pledge.Status.UNCONFIRMED, created_at__lt=cutoff)
    if dry_run:
        count = expired.count()
        logger.info("retention: %s unconfirmed pledges would be deleted", count)
        return count
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(expired.values_list("pk", flat=True)[:batch])
            if not ids:
                break
            # The emails about them (confirmations, the nudge) carry the address and the text:
            # they go too, found by the outbox's about index.
            Email.objects.about(Pledge, ids).delete()
            deleted += (
                Pledge.objects.filter(pk__in=ids, status=Pledge.Status.UNCONFIRMED).delete()[1].get("pledges.Pledge", 0)
            )
    logger.info("retention: deleted %s unconfirmed pledges older than %s days", deleted, KEEP_UNCONFIRMED_FOR.days)
    return deleted
