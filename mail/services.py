"""The outbox: every email is a row first, then a task sends it.

Rows are written inside the caller's transaction; the send task is queued only after
commit, and a broker that is down never fails the request: the sweep sends it later.
"""

import hashlib
import logging
import smtplib
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import links
from .models import Email, MailPreference, about_value
from .rendering import render_email

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A fresh row's own on-commit task is normally already on its way; the sweep leaves it be.
SWEEP_GRACE = timedelta(seconds=30)
SWEEP_BATCH = 1000
# How the footer names each category a person can turn off.
FOOTER_LABELS = {Email.Category.REMINDERS: "reminders", Email.Category.NEWS: "news emails"}


def email_key(*parts: object) -> str:
    """A key from its parts, hashed when it would not fit the column."""
    key = ":".join(str(part) for part in parts)
    if len(key) > 200:
        key = key[:150] + ":" + hashlib.sha256(key.encode()).hexdigest()[:40]
    return key


def email_queue(
    *,
    kind: str,
    to: str,
    context: dict,
    key: str | None = None,
    category: str = Email.Category.TRANSACTIONAL,
    about: models.Model | None = None,
    key_is_new: bool = False,
) -> Email:
    """Write the message to the outbox and send it after the surrounding transaction commits.

    `context` must be JSON-serialisable (ids, strings, numbers): the row is rendered when sent.
    With a `key`, queuing the same message again returns the existing row and sends nothing.
    `key_is_new`: the key names a row made in the caller's own transaction (a new pledge's
    first confirmation), so no email can have it yet: inserted without the savepoint a repeat
    needs (two round trips), and a clash would fail the caller's transaction like any other.
    `about`: the row the message is about (a pledge, an application), stored so retention and
    erasure find the mail about it by an index (`Email.objects.about(Pledge, ids)`).
    """
    fields = {"kind": kind, "to": to, "context": context, "category": category}
    if about is not None:
        fields["about"] = about_value(about, about.pk)
    if key is None or key_is_new:
        email = Email.objects.create(key=key or f"{kind}:{uuid.uuid4()}", **fields)
    else:
        # Most keys are new: try the INSERT first (the unique key decides), read only on a repeat.
        try:
            with transaction.atomic():
                email = Email.objects.create(key=key, **fields)
        except IntegrityError:
            return Email.objects.get(key=key)
    transaction.on_commit(lambda: enqueue(email.pk))
    return email


def email_queue_rendered(*, kind: str, to: str, subject: str, text: str, html: str, key: str | None = None) -> Email:
    return email_queue(
        kind=kind, to=to, key=key, context={"rendered": {"subject": subject, "text": text, "html": html}}
    )


# After the broker fails once, this process stops trying for a while: a page that queues
# five emails while Redis hangs waits for one timeout, not five. The sweep sends the rest.
BROKER_BACKOFF_SECONDS = 30.0
_broker_down_until = 0.0


def task_publish(task, args: tuple, *, what: str) -> bool:
    """Hand a task to the broker without ever failing or stalling the caller for long.

    The broker settings (connect timeout 1 s, no publish retries) bound one attempt; after a
    failure, attempts are skipped for BROKER_BACKOFF_SECONDS. Returns whether it was handed on.
    """
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        logger.warning("outbox: broker marked down; %s left for the sweep", what)
        return False
    try:
        task.apply_async(args, retry=False)
    except Exception as exc:  # the broker being down must never break the page
        if not task.app.conf.task_always_eager:
            _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.warning("outbox: could not queue %s (%s); the sweep will", what, exc)
        return False
    return True


def broker_backoff_reset() -> None:
    global _broker_down_until
    _broker_down_until = 0.0


def enqueue(email_id: int) -> bool:
    """Hand the row to a worker. If the broker is unreachable, log it; the sweep retries."""
    from .tasks import send_email

    return task_publish(send_email, (email_id,), what=f"email {email_id}")


def email_claim(*, email_id: int) -> bool:
    """Only one worker wins: a conditional UPDATE moves the row from queued to sending."""
    now = timezone.now()
    claimed = (
        Email.objects.filter(pk=email_id, status=Email.Status.QUEUED)
        .exclude(next_attempt_at__gt=now)
        .update(status=Email.Status.SENDING, claimed_at=now, updated_at=now)
    )
    return claimed == 1


def email_claim_read(*, email_id: int) -> Email | None:
    """Claim the row as `email_claim` does and return it, its Message-ID stored (None: not claimed).

    On PostgreSQL this is one UPDATE ... RETURNING: the worker's claim, read and Message-ID
    were three statements, about a third of its CPU for each email sent.
    """
    if connection.vendor != "postgresql":
        if not email_claim(email_id=email_id):
            return None
        email = Email.objects.get(pk=email_id)
        if not email.message_id:
            email.message_id = message_id_for(email)
            Email.objects.filter(pk=email_id).update(message_id=email.message_id)
        return email
    table = Email._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f.column) for f in Email._meta.concrete_fields)
    # The same Message-ID as message_id_for() builds (created_at in UTC, to the second).
    sql = f"""
        UPDATE {table} SET status = %(sending)s, claimed_at = %(now)s, updated_at = %(now)s,
            message_id = CASE WHEN message_id = '' THEN
                '<carepledge.' || id || '.' || to_char(created_at AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISS')
                || '@' || %(domain)s || '>'
            ELSE message_id END
        WHERE id = %(id)s AND status = %(queued)s AND (next_attempt_at IS NULL OR next_attempt_at <= %(now)s)
        RETURNING {columns}"""
    params = {
        "sending": Email.Status.SENDING,
        "queued": Email.Status.QUEUED,
        "now": timezone.now(),
        "domain": _message_id_domain(),
        "id": email_id,
    }
    claimed = list(Email.objects.raw(sql, params))
    return claimed[0] if claimed else None


def claim_lease() -> timedelta:
    """How long a worker's claim on a row lasts unless renewed (MAIL_CLAIM_LEASE_SECONDS).

    The worker renews it every third of that while the SMTP conversation lasts, so a slow
    send keeps its row; a worker that dies stops renewing, and the sweep (every 30 s) puts the
    row back in the queue once the lease has run out: within a minute of the crash.
    """
    return timedelta(seconds=settings.MAIL_CLAIM_LEASE_SECONDS)


@contextmanager
def claim_renewed(email_id: int):
    """Keep renewing this worker's claim on the row for as long as the block runs."""
    stop = threading.Event()
    every = claim_lease().total_seconds() / 3

    def renew():
        try:
            while not stop.wait(every):
                now = timezone.now()
                Email.objects.filter(pk=email_id, status=Email.Status.SENDING).update(claimed_at=now, updated_at=now)
        except Exception:
            logger.exception("outbox: could not renew the claim on email %s", email_id)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=renew, name=f"outbox-claim-{email_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def message_id_for(email: Email) -> str:
    """A Message-ID of the row's own: the same on every attempt, unique to the row."""
    return f"<carepledge.{email.pk}.{email.created_at:%Y%m%d%H%M%S}@{_message_id_domain()}>"


def _message_id_domain() -> str:
    return urlparse(settings.SITE_URL).hostname or "carepledge.localhost"


def is_permanent_failure(exc: Exception) -> bool:
    """5xx answers (bad address, refused recipient) will not change by trying again."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes, at most an hour: a flaky relay is not hammered."""
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def preference_for(email: str) -> MailPreference:
    """The person's choices, or the defaults (unsaved) when they have never chosen."""
    return MailPreference.objects.filter(email=email.lower()).first() or MailPreference(email=email.lower())


def email_build(email: Email) -> EmailMultiAlternatives:
    """The message as it goes out: rendered parts plus, for optional mail, the unsubscribe link and headers."""
    headers = dict(email.context.get("headers") or {})
    if email.message_id:
        headers["Message-ID"] = email.message_id
    unsubscribe_url = category_label = ""
    if email.category in Email.OPTIONAL_CATEGORIES:
        unsubscribe_url = links.unsubscribe_url(email.to, email.category)
        category_label = FOOTER_LABELS[email.category]
        headers.update(links.unsubscribe_headers(unsubscribe_url))
    rendered = render_email(email.kind, email.context, unsubscribe_url=unsubscribe_url, category_label=category_label)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=headers,
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


def email_deliver(*, email_id: int) -> str:
    """Claim, render, send and record. Returns the row's status afterwards ('skipped' if not claimed)."""
    started = time.monotonic()
    email = email_claim_read(email_id=email_id)
    if email is None:
        logger.info("outbox: email %s not claimed (already taken, sent or not due)", email_id)
        return "skipped"
    attempts = email.attempts + 1
    if email.category in Email.OPTIONAL_CATEGORIES and not preference_for(email.to).allows(email.category):
        # Checked when sending, not when queuing: a person who opted out in between is respected.
        Email.objects.filter(pk=email_id).update(status=Email.Status.SUPPRESSED, updated_at=timezone.now())
        logger.info(
            "outbox: email %s %s suppressed (%s turned off by the recipient)", email_id, email.kind, email.category
        )
        return Email.Status.SUPPRESSED
    # The Message-ID was stored with the claim, before the first attempt: a send that a
    # dying worker leaves unfinished may still have reached the recipient, and its repeat
    # must be recognisable as the same.
    try:
        with claim_renewed(email_id):
            email_build(email).send()
    except Exception as exc:
        permanent = is_permanent_failure(exc) or attempts >= MAX_ATTEMPTS
        status = Email.Status.FAILED if permanent else Email.Status.QUEUED
        now = timezone.now()
        Email.objects.filter(pk=email_id).update(
            status=status,
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=None if permanent else now + retry_delay(attempts),
            updated_at=now,
        )
        logger.warning(
            "outbox: email %s %s attempt %s %s: %s",
            email_id,
            email.kind,
            attempts,
            "failed for good" if permanent else "failed, will retry",
            exc,
        )
        return status
    now = timezone.now()
    Email.objects.filter(pk=email_id).update(
        status=Email.Status.SENT, attempts=attempts, sent_at=now, last_error="", next_attempt_at=None, updated_at=now
    )
    logger.info("outbox: sent email %s %s in %.0f ms", email_id, email.kind, (time.monotonic() - started) * 1000)
    return Email.Status.SENT


def outbox_due(*, now: datetime | None = None):
    """Rows the sweep would hand to a worker now."""
    now = now or timezone.now()
    # A row tried before has no task of its own on the way: only the sweep sends it again.
    return (
        Email.objects.filter(status=Email.Status.QUEUED)
        .filter(Q(created_at__lt=now - SWEEP_GRACE) | Q(attempts__gt=0))
        .exclude(next_attempt_at__gt=now)
        .order_by("created_at")
    )


def outbox_stuck(*, now: datetime | None = None):
    now = now or timezone.now()
    return Email.objects.filter(status=Email.Status.SENDING, claimed_at__lt=now - claim_lease())


def outbox_sweep(*, now: datetime | None = None, deliver_now: bool = False) -> dict:
    """Send again what a dead worker or a down broker left behind.

    `deliver_now` sends in this process instead of through the broker (the management
    command offers it for when no worker is running).
    """
    now = now or timezone.now()
    # A row that was being sent when its worker died counts as an attempt, so a message
    # that kills workers cannot loop for ever.
    given_up = (
        outbox_stuck(now=now)
        .filter(attempts__gte=MAX_ATTEMPTS - 1)
        .update(
            status=Email.Status.FAILED,
            attempts=F("attempts") + 1,
            last_error="The worker stopped while sending this email, too many times.",
            updated_at=now,
        )
    )
    released = outbox_stuck(now=now).update(
        status=Email.Status.QUEUED, attempts=F("attempts") + 1, next_attempt_at=None, updated_at=now
    )
    due = list(outbox_due(now=now).values_list("pk", flat=True)[:SWEEP_BATCH])
    broker_backoff_reset()  # the sweep is how mail recovers: it always tries the broker again
    handed = 0
    for email_id in due:
        if deliver_now:
            email_deliver(email_id=email_id)
            handed += 1
        elif enqueue(email_id):
            handed += 1
        else:
            break  # the broker is down: the next sweep tries again
    result = {"released": released, "due": len(due), "queued": handed}
    if given_up:
        result["given_up"] = given_up
    logger.info(
        "outbox sweep: %s stuck rows released, %s given up, %s due, %s handed on", released, given_up, len(due), handed
    )
    return result


def email_retry(*, email_ids) -> int:
    """An operator's retry: failed rows go back to the queue with a fresh set of attempts."""
    ids = list(Email.objects.filter(pk__in=list(email_ids), status=Email.Status.FAILED).values_list("pk", flat=True))
    with transaction.atomic():
        Email.objects.filter(pk__in=ids, status=Email.Status.FAILED).update(
            status=Email.Status.QUEUED, attempts=0, next_attempt_at=None, updated_at=timezone.now()
        )
        for email_id in ids:
            transaction.on_commit(lambda email_id=email_id: enqueue(email_id))
    logger.info("outbox: %s failed emails put back in the queue by an operator", len(ids))
    return len(ids)


# --- Preferences ----------------------------------------------------------------------


def preference_set(
    *,
    email: str,
    reminders: bool | None = None,
    news: bool | None = None,
    campaign_news: bool | None = None,
    region: str | None = None,
) -> MailPreference:
    """Change what an address receives. Only the choices given change."""
    with transaction.atomic():
        preference, _ = MailPreference.objects.select_for_update().get_or_create(email=email.lower())
        changes = {"reminders": reminders, "news": news, "campaign_news": campaign_news, "region": region}
        for field, value in changes.items():
            if value is not None:
                setattr(preference, field, value)
        if campaign_news:
            # Milestone announcements are news: asking for them asks for news too.
            preference.news = True
        elif news is False:
            # No news means no milestone announcements either.
            preference.campaign_news = False
        preference.save()
    logger.info("mail preferences: %s changed", preference.pk)
    return preference


def campaign_news_opt_in(*, email: str, opted_in: bool = True, region: str | None = None) -> MailPreference:
    """For the pledge form's "tell me about milestones" box; the pledge's region decides which
    regional milestones the person hears of (an empty region changes nothing)."""
    return preference_set(email=email, campaign_news=opted_in, region=region or None)


def email_unsubscribe(*, email: str, category: str) -> MailPreference:
    if category == Email.Category.REMINDERS:
        return preference_set(email=email, reminders=False)
    if category == Email.Category.NEWS:
        return preference_set(email=email, news=False)
    raise ValueError(f"{category} mail cannot be turned off")


def preference_export(*, user=None, email: str) -> dict:
    preference = MailPreference.objects.filter(email=email.lower()).first()
    if preference is None:
        return {}
    return {
        "reminders": preference.reminders,
        "news": preference.news,
        "campaign_news": preference.campaign_news,
        "updated_at": preference.updated_at.isoformat(),
    }


def preference_erase(*, user=None, email: str, keep_contributions: bool = True) -> None:
    MailPreference.objects.filter(email=email.lower()).delete()


def outbox_export(*, user=None, email: str) -> dict:
    rows = Email.objects.filter(to__iexact=email).order_by("created_at")
    return {
        "emails_sent_to_you": [
            {"kind": r.kind, "status": r.status, "created_at": r.created_at.isoformat()} for r in rows
        ]
    }


def outbox_erase(*, user=None, email: str, keep_contributions: bool = True) -> None:
    """Every email sent to the address, and to each address of the account."""
    addresses = {email}
    if user is not None:
        from allauth.account.models import EmailAddress

        addresses |= set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    for address in addresses:
        Email.objects.filter(to__iexact=address).delete()
