"""The outbox: every email is a row first, then a task sends it.

Rows are written inside the caller's transaction; the send task is queued only after
commit, and a broker that is down never fails the request: the sweep sends it later.
"""

import logging
import smtplib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import Email
from .rendering import render_email

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A row claimed longer ago than this belonged to a worker that died.
STUCK_AFTER = timedelta(minutes=10)


def email_queue(
    *, kind: str, to: str, context: dict, key: str | None = None, category: str = Email.Category.TRANSACTIONAL
) -> Email:
    """Write the message to the outbox and send it after the surrounding transaction commits.

    `context` must be JSON-serialisable (ids, strings, numbers): the row is rendered when sent.
    With a `key`, queuing the same message again returns the existing row and sends nothing.
    """
    key = key or f"{kind}:{uuid.uuid4()}"
    with transaction.atomic():
        email, created = Email.objects.get_or_create(
            key=key, defaults={"kind": kind, "to": to, "context": context, "category": category}
        )
    if created:
        transaction.on_commit(lambda: enqueue(email.pk))
    return email


def email_queue_rendered(*, kind: str, to: str, subject: str, text: str, html: str, key: str | None = None) -> Email:
    return email_queue(
        kind=kind, to=to, key=key, context={"rendered": {"subject": subject, "text": text, "html": html}}
    )


def enqueue(email_id: int) -> None:
    """Hand the row to a worker. If the broker is unreachable, log it; the sweep retries."""
    from .tasks import send_email

    try:
        send_email.apply_async((email_id,), retry=False)
    except Exception as exc:  # the broker being down must never break the page
        logger.warning("outbox: could not queue email %s (%s); the sweep will send it", email_id, exc)


def email_claim(*, email_id: int) -> bool:
    """Only one worker wins: a conditional UPDATE moves the row from queued to sending."""
    now = timezone.now()
    claimed = (
        Email.objects.filter(pk=email_id, status=Email.Status.QUEUED)
        .exclude(next_attempt_at__gt=now)
        .update(status=Email.Status.SENDING, claimed_at=now, updated_at=now)
    )
    return claimed == 1


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def email_deliver(*, email_id: int) -> str:
    """Claim, render, send and record. Returns the row's status afterwards ('skipped' if not claimed)."""
    if not email_claim(email_id=email_id):
        return "skipped"
    email = Email.objects.get(pk=email_id)
    attempts = email.attempts + 1
    try:
        rendered = render_email(email.kind, email.context)
        message = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
            headers=email.context.get("headers") or {},
        )
        message.attach_alternative(rendered.html, "text/html")
        message.send()
    except Exception as exc:
        permanent = _is_permanent(exc) or attempts >= MAX_ATTEMPTS
        status = Email.Status.FAILED if permanent else Email.Status.QUEUED
        Email.objects.filter(pk=email_id).update(
            status=status,
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=None if permanent else timezone.now() + timedelta(minutes=2 ** (attempts - 1)),
            updated_at=timezone.now(),
        )
        logger.warning("outbox: email %s %s attempt %s failed: %s", email_id, email.kind, attempts, exc)
        return status
    now = timezone.now()
    Email.objects.filter(pk=email_id).update(
        status=Email.Status.SENT, attempts=attempts, sent_at=now, last_error="", updated_at=now
    )
    logger.info("outbox: sent email %s %s", email_id, email.kind)
    return Email.Status.SENT


def outbox_sweep(*, now=None) -> dict:
    """Send again what a dead worker or a down broker left behind."""
    now = now or timezone.now()
    stuck = Email.objects.filter(status=Email.Status.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        status=Email.Status.QUEUED, updated_at=now
    )
    # Give fresh rows a moment: their own on-commit task is normally already on its way.
    due = list(
        Email.objects.filter(status=Email.Status.QUEUED, created_at__lt=now - timedelta(seconds=30))
        .exclude(next_attempt_at__gt=now)
        .values_list("pk", flat=True)[:1000]
    )
    for email_id in due:
        enqueue(email_id)
    logger.info("outbox sweep: %s stuck rows released, %s due rows queued", stuck, len(due))
    return {"released": stuck, "queued": len(due)}
