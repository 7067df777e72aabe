from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mail.models import Email
from pledges.reminders import pledge_reminders_send
from pledges.tasks import send_pledge_reminders

from .factories import PledgeFactory

pytestmark = pytest.mark.django_db


def ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def due(campaign):
    return {
        "nudge": PledgeFactory(unconfirmed=True, created_at=ago(3), text="I will <b>confirm</b> this soon, honestly"),
        "followup": PledgeFactory(published_at=ago(31), text="I will say thank you & mean it every day"),
        "too_new": PledgeFactory(published_at=ago(5)),
        "done": PledgeFactory(published_at=ago(40), done_at=ago(1)),
        "expired": PledgeFactory(unconfirmed=True, created_at=ago(10)),
        "withdrawn": PledgeFactory(status="withdrawn", published_at=ago(40)),
    }


def test_reminders_go_once_even_when_the_job_runs_twice(due, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        first = send_pledge_reminders()
    with django_capture_on_commit_callbacks(execute=True):
        second = send_pledge_reminders()
    assert first == {"nudges": 1, "followups": 1, "closing": 0}
    assert second == {"nudges": 0, "followups": 0, "closing": 0}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([due["nudge"].email, due["followup"].email])
    assert set(Email.objects.values_list("category", flat=True)) == {Email.Category.REMINDERS}


def test_followup_email_has_both_parts_a_done_link_and_escapes(due, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        pledge_reminders_send()
    followup = next(m for m in mailoutbox if m.to == [due["followup"].email])
    assert followup.subject == "Did you do it? Your pledge for Change Day 2027"
    assert "I will say thank you & mean it every day" in followup.body
    html = followup.alternatives[0][0]
    assert "I will say thank you &amp; mean it every day" in html
    assert "/pledges/manage/" in followup.body and "/pledges/manage/" in html
    nudge = next(m for m in mailoutbox if m.to == [due["nudge"].email])
    assert "&lt;b&gt;confirm&lt;/b&gt;" in nudge.alternatives[0][0]
    assert "/pledges/confirm/" in nudge.body


def test_dry_run_prints_and_sends_nothing(due, capsys, mailoutbox):
    call_command("send_pledge_reminders", "--dry-run")
    out = capsys.readouterr().out
    assert f"would send nudge to {due['nudge'].email}" in out
    assert f"would send follow-up to {due['followup'].email}" in out
    assert "1 nudges, 1 follow-ups, 0 closing reminders (dry run)." in out
    assert Email.objects.count() == 0
    due["followup"].refresh_from_db()
    assert due["followup"].followup_sent_at is None


def test_closing_reminder_goes_once_per_person_a_week_before_close(
    campaign, service_data, django_capture_on_commit_callbacks, mailoutbox
):
    from pledges import services

    campaign.closes_at = timezone.now() + timedelta(days=6)
    campaign.save()
    for text in ("I will learn more about dementia care", "I will take my full break every shift"):
        services.pledge_confirm(
            pledge_id=services.pledge_submit(campaign=campaign, data={**service_data, "text": text}).pledge.pk
        )
    services.pledge_confirm(
        pledge_id=services.pledge_submit(campaign=campaign, data={**service_data, "email": "b@example.org"}).pledge.pk
    )
    mailoutbox.clear()
    call_command("send_pledge_reminders", "--dry-run")
    assert Email.objects.filter(kind="pledge-closing").count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        first = send_pledge_reminders()
    with django_capture_on_commit_callbacks(execute=True):
        second = send_pledge_reminders()
    assert first["closing"] == 2 and second["closing"] == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["b@example.org", "jo@example.org"]
    assert mailoutbox[0].subject.startswith("One week left: Change Day 2027 closes on")
    assert "/pledges/" in mailoutbox[0].alternatives[0][0]


def test_no_closing_reminder_while_the_close_is_far_off(campaign, service_data):
    from pledges import services

    services.pledge_confirm(pledge_id=services.pledge_submit(campaign=campaign, data=service_data).pledge.pk)
    assert send_pledge_reminders()["closing"] == 0


@pytest.mark.parametrize(
    "kind", ["pledge-confirm", "pledge-nudge", "pledge-followup", "pledge-closing", "pledge-rejected"]
)
def test_every_pledge_email_has_a_preview_that_renders(kind):
    from mail.rendering import render_email
    from pledges.emails import PREVIEWS

    rendered = render_email(kind, PREVIEWS[kind]())
    assert rendered.subject and rendered.text.strip() and "<html" in rendered.html
