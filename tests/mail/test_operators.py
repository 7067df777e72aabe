import pytest
from django.urls import reverse

from mail.models import Email

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_email(db):
    return Email.objects.create(
        kind="milestone-reached",
        to="gone@example.org",
        key="k:failed",
        status=Email.Status.FAILED,
        attempts=3,
        last_error="SMTPRecipientsRefused: 550 5.1.1 no such user",
        context={"label": "things", "threshold": 5, "value": 5, "key": "x"},
    )


@pytest.fixture
def superuser_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.org", password="a-long-test-password-42")
    client.force_login(admin)
    return client


def test_outbox_list_filters_by_status_and_shows_the_error(superuser_client, failed_email):
    Email.objects.create(kind="milestone-news", to="fine@example.org", key="k:ok")
    response = superuser_client.get(reverse("admin:mail_email_changelist"), {"status__exact": "failed"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "gone@example.org" in html and "550 5.1.1 no such user" in html
    assert "fine@example.org" not in html
    by_kind = superuser_client.get(reverse("admin:mail_email_changelist"), {"kind": "milestone-news"}).content.decode()
    assert "fine@example.org" in by_kind and "gone@example.org" not in by_kind


def test_retry_action_puts_failed_mail_back_and_sends_it(
    superuser_client, failed_email, django_capture_on_commit_callbacks, mailoutbox
):
    sent = Email.objects.create(
        kind="k", to="done@example.org", key="k:sent", status="sent", sent_at="2026-01-01T00:00Z"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            reverse("admin:mail_email_changelist"),
            {"action": "retry_failed", "_selected_action": [failed_email.pk, sent.pk]},
            follow=True,
        )
    html = response.content.decode()
    assert "1 failed emails put back in the queue." in html
    assert "1 selected emails had not failed and were left alone." in html
    failed_email.refresh_from_db()
    assert failed_email.status == Email.Status.SENT and failed_email.attempts == 1
    assert [m.to for m in mailoutbox] == [["gone@example.org"]]


def test_moderators_without_outbox_permission_cannot_see_it(client, moderator):
    client.force_login(moderator)
    assert client.get(reverse("admin:mail_email_changelist")).status_code == 403


def test_milestone_rule_admin_reads_thresholds_as_a_list(superuser_client):
    from counters.models import MilestoneRule

    url = reverse("admin:counters_milestonerule_add")
    bad = superuser_client.post(url, {"pattern": "x:*", "label": "x", "thresholds": "10, lots", "audience": "admins"})
    assert "Enter whole numbers separated by commas" in bad.content.decode()
    superuser_client.post(
        url, {"pattern": "x:*", "label": "x", "thresholds": "1000, 10, 10_000", "audience": "admins", "active": "on"}
    )
    assert MilestoneRule.objects.get(pattern="x:*").thresholds == [10, 1000, 10000]
