"""A worker killed in the middle of an SMTP conversation, with a real worker, Redis and SMTP server.

The worker is SIGKILLed after the server has kept the message but before it answers, the
worst case: the row stays `sending`, and the message may already be on its way to the person.
The claim is a lease (MAIL_CLAIM_LEASE_SECONDS, shortened here); once it runs out, the sweep
puts the row back in the queue and another worker sends it, with the same Message-ID.
"""

import time

import pytest
from django.db import transaction

from mail import services
from mail.models import Email
from tests.mail.conftest import running_worker, wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]
LEASE = "2"  # seconds; production's is 30 (test_outbox checks lease + sweep interval <= 60 s)


def status_of(email):
    return Email.objects.values_list("status", flat=True).get(pk=email.pk)


def test_a_worker_killed_mid_send_leaves_nothing_undelivered_for_two_minutes(smtp_server, settings):
    settings.MAIL_CLAIM_LEASE_SECONDS = float(LEASE)  # the sweep in this process
    smtp_server.handler.data_stalls = [30]  # kept by the server; the answer comes too late
    with running_worker(smtp_server, MAIL_CLAIM_LEASE_SECONDS=LEASE) as first, first.publishing():
        with transaction.atomic():
            email = services.email_queue(
                kind="milestone-reached",
                to="admin@example.org",
                key="crash:1",
                context={"label": "pledges made", "threshold": 1000, "value": 1000, "key": "pledges:1:total"},
                category=Email.Category.STAFF,
            )
        wait_until(lambda: smtp_server.handler.messages, timeout=30, message="the first copy to reach the server")
        first.process.kill()
        first.process.wait()
        killed_at = time.monotonic()
    assert status_of(email) == Email.Status.SENDING

    with running_worker(smtp_server, MAIL_CLAIM_LEASE_SECONDS=LEASE) as second, second.publishing():

        def sent_after_a_sweep():
            services.outbox_sweep()  # beat runs it every 30 s; here every second
            return status_of(email) == Email.Status.SENT

        wait_until(sent_after_a_sweep, timeout=120, interval=1, message="the email to be sent again")
    delivered_after = time.monotonic() - killed_at

    assert delivered_after < 120
    email.refresh_from_db()
    assert email.attempts == 2  # the attempt the dead worker never finished counts
    first_copy, second_copy = smtp_server.messages
    assert first_copy["Message-ID"] == second_copy["Message-ID"] == email.message_id
    print(f"killed mid-send: delivered again {delivered_after:.1f} s after the kill (lease {LEASE} s)")


def test_a_slow_send_is_not_sent_twice_while_its_worker_lives(smtp_server, settings):
    settings.MAIL_CLAIM_LEASE_SECONDS = float(LEASE)
    smtp_server.handler.data_stalls = [3 * float(LEASE)]  # three leases long, but answered in time
    with running_worker(smtp_server, MAIL_CLAIM_LEASE_SECONDS=LEASE) as worker, worker.publishing():
        with transaction.atomic():
            email = services.email_queue(
                kind="milestone-reached",
                to="admin@example.org",
                key="slow:1",
                context={"label": "pledges made", "threshold": 1000, "value": 1000, "key": "pledges:1:total"},
                category=Email.Category.STAFF,
            )

        def sent_while_sweeping():
            services.outbox_sweep()
            return status_of(email) == Email.Status.SENT

        wait_until(sent_while_sweeping, timeout=60, interval=0.5, message="the slow email to be sent")
    email.refresh_from_db()
    assert email.attempts == 1
    assert len(smtp_server.messages) == 1
