"""The outbox with real parts: a Celery worker on Redis, PostgreSQL and an aiosmtpd server."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from counters.models import Milestone
from counters.services import counter_set, counters_add
from mail import services
from mail.models import Email
from pledges import keys as pledge_keys
from tests.factories import UserFactory
from tests.mail.conftest import celery_publishing, free_port, wait_until
from tests.pledges.factories import CampaignFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]
CONTEXT = {"label": "pledges made <i>today</i>", "threshold": 1000, "value": 1000, "key": "pledges:1:total"}


def queue(to="reader@example.org", key="it:1", category=Email.Category.NEWS, kind="milestone-news"):
    with transaction.atomic():
        return services.email_queue(kind=kind, to=to, key=key, context=CONTEXT, category=category)


def status_of(email):
    return Email.objects.values_list("status", flat=True).get(pk=email.pk)


def wait_for_status(email, status, timeout=30):
    wait_until(lambda: status_of(email) == status, timeout=timeout, message=f"email {email.pk} to be {status}")
    email.refresh_from_db()
    return email


def test_a_queued_email_arrives_by_smtp_with_both_parts_and_the_unsubscribe_header(celery_worker, smtp_server):
    email = queue()
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "reader@example.org"
    assert message["Subject"] == "We have reached 1,000 pledges made <i>today</i>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A long header is folded onto a new line; unfolded it is the one URL.
    assert message["List-Unsubscribe"].strip().startswith("<http://testserver/email/unsubscribe/")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "1,000 pledges made <i>today</i>" in text and "/email/unsubscribe/" in text
    assert "pledges made &lt;i&gt;today&lt;/i&gt;" in html and "/email/unsubscribe/" in html
    email = wait_for_status(email, Email.Status.SENT)
    assert email.attempts == 1


def test_sixteen_publishers_cross_a_milestone_once_and_each_recipient_gets_one_email(
    seeded_data, celery_worker, smtp_server
):
    UserFactory(email="lead@example.org", groups=["Programme admins"])
    UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    for n in range(3):
        services.campaign_news_opt_in(email=f"fan{n}@example.org")
    key = pledge_keys.total(CampaignFactory(name="Change Day 2027").pk)
    counter_set(key, 990)
    barrier, errors = threading.Barrier(16), []

    def publisher():
        try:
            barrier.wait()
            with transaction.atomic():
                counters_add({key: 1})
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=publisher) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    milestone = Milestone.objects.get()
    assert (milestone.key, milestone.threshold) == (key, 1000)
    expected = ["fan0@example.org", "fan1@example.org", "fan2@example.org", "lead@example.org", "root@example.org"]
    messages = smtp_server.wait_for(len(expected))
    time.sleep(1.5)  # a duplicate would arrive about now
    assert sorted(m["To"] for m in smtp_server.messages) == expected
    assert {m["Subject"] for m in messages} == {
        "Milestone reached: 1,000 pledges made in Change Day 2027",
        "We have reached 1,000 pledges made in Change Day 2027",
    }
    wait_until(lambda: Milestone.objects.filter(announced_at__isnull=False).exists(), message="the announcement")


def test_with_the_broker_down_the_page_answers_and_the_sweep_sends_the_mail_later(client, celery_worker, smtp_server):
    with celery_publishing(broker_url=f"redis://127.0.0.1:{free_port()}/0", queue=celery_worker.queue):
        started = time.monotonic()
        response = client.post(
            "/account/signup/",
            {"email": "newcomer@example.org", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"},
        )
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 3, f"sign-up took {elapsed:.2f}s with the broker down"
    email = Email.objects.get(to="newcomer@example.org")
    time.sleep(1)
    assert status_of(email) == Email.Status.QUEUED and smtp_server.messages == []
    # The broker is back; the minute's sweep runs.
    result = services.outbox_sweep(now=timezone.now() + timedelta(minutes=1))
    assert result["queued"] == 1
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "newcomer@example.org"
    assert message.get_body(("html",)) is not None and message.get_body(("plain",)) is not None
    wait_for_status(email, Email.Status.SENT)


def test_a_refusing_smtp_server_is_retried_until_it_accepts(celery_worker, smtp_server):
    smtp_server.handler.data_replies = ["451 4.3.0 Please try again later", "250 OK"]
    email = queue(category=Email.Category.TRANSACTIONAL, kind="milestone-reached")
    wait_until(lambda: Email.objects.get(pk=email.pk).attempts == 1, message="the first attempt")
    email.refresh_from_db()
    assert email.status == Email.Status.QUEUED and "451" in email.last_error and email.next_attempt_at
    assert smtp_server.messages == []
    # The back-off has passed: the sweep hands it to the worker again.
    Email.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    services.outbox_sweep(now=timezone.now() + timedelta(minutes=1))
    smtp_server.wait_for(1)
    email = wait_for_status(email, Email.Status.SENT)
    assert email.attempts == 2 and smtp_server.handler.data_commands == 2


def test_a_refused_recipient_is_recorded_as_failed_and_not_retried(celery_worker, smtp_server):
    smtp_server.handler.refuse["gone@example.org"] = "550 5.1.1 No such person here"
    email = queue(to="gone@example.org", category=Email.Category.TRANSACTIONAL, kind="milestone-reached")
    email = wait_for_status(email, Email.Status.FAILED)
    assert email.attempts == 1 and "550" in email.last_error and email.next_attempt_at is None
    assert services.outbox_sweep(now=timezone.now() + timedelta(hours=2))["due"] == 0
    time.sleep(1)
    assert smtp_server.messages == [] and status_of(email) == Email.Status.FAILED


def test_a_task_delivered_twice_and_a_sweep_send_one_email(celery_worker, smtp_server):
    email = queue()
    services.enqueue(email.pk)
    services.enqueue(email.pk)
    wait_for_status(email, Email.Status.SENT)
    services.outbox_sweep(now=timezone.now() + timedelta(hours=1))
    time.sleep(1.5)
    assert len(smtp_server.messages) == 1
    assert "outbox: sent email" in celery_worker.log()
