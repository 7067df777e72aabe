from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mail.models import Email
from mail.reminders import reminder_job, reminders_run

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


JOBS = ("pledge-nudge", "pledge-followup", "pledge-closing")


def run_pledge_jobs(**kwargs) -> dict:
    """What the hourly beat entries do, one job after another: how many each queued."""
    return {name: len(reminders_run(reminder_job(name), **kwargs).queued) for name in JOBS}


def test_reminders_go_once_even_when_the_job_runs_twice(due, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        first = run_pledge_jobs()
    with django_capture_on_commit_callbacks(execute=True):
        second = run_pledge_jobs()
    assert first == {"pledge-nudge": 1, "pledge-followup": 1, "pledge-closing": 0}
    assert second == {"pledge-nudge": 0, "pledge-followup": 0, "pledge-closing": 0}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([due["nudge"].email, due["followup"].email])
    assert set(Email.objects.values_list("category", flat=True)) == {Email.Category.REMINDERS}


def test_each_job_marks_what_it_sent_so_its_next_run_reads_only_new_pledges(
    due, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        run_pledge_jobs()
    due["nudge"].refresh_from_db()
    due["followup"].refresh_from_db()
    assert due["nudge"].nudge_sent_at and due["followup"].followup_sent_at
    assert due["too_new"].followup_sent_at is None
    # Nothing left due: each job is one query for who is due and one for the campaign.
    with django_assert_max_num_queries(4):
        assert run_pledge_jobs() == {"pledge-nudge": 0, "pledge-followup": 0, "pledge-closing": 0}


def test_a_pledge_marked_before_the_engine_is_not_reminded_again(due, mailoutbox):
    """Pledges reminded by the earlier per-app job carry its mark and an outbox key of another shape."""
    type(due["followup"]).objects.filter(pk=due["followup"].pk).update(followup_sent_at=timezone.now())
    assert run_pledge_jobs()["pledge-followup"] == 0


def test_a_run_takes_at_most_its_limit_and_the_next_run_goes_on(campaign, monkeypatch):
    monkeypatch.setattr(reminder_job("pledge-followup"), "limit", 2)
    PledgeFactory.create_batch(3, published_at=ago(31))
    assert run_pledge_jobs()["pledge-followup"] == 2
    assert run_pledge_jobs()["pledge-followup"] == 1


def test_followup_email_has_both_parts_a_done_link_and_escapes(due, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        run_pledge_jobs()
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
    for name in JOBS:
        call_command("send_reminders", name, "--dry-run")
    out = capsys.readouterr().out
    assert f"would send pledge-nudge to {due['nudge'].email} about pledge-{due['nudge'].pk}" in out
    assert f"would send pledge-followup to {due['followup'].email} about pledge-{due['followup'].pk}" in out
    assert "reminders pledge-nudge: would queue 1" in out
    assert "reminders pledge-closing: would queue 0" in out
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
    call_command("send_reminders", "pledge-closing", "--dry-run")
    assert Email.objects.filter(kind="pledge-closing").count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        first = run_pledge_jobs()
    with django_capture_on_commit_callbacks(execute=True):
        second = run_pledge_jobs()
    assert first["pledge-closing"] == 2 and second["pledge-closing"] == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["b@example.org", "jo@example.org"]
    assert mailoutbox[0].subject.startswith("One week left: Change Day 2027 closes on")
    assert "/pledges/" in mailoutbox[0].alternatives[0][0]


def test_no_closing_reminder_while_the_close_is_far_off(campaign, service_data):
    from pledges import services

    services.pledge_confirm(pledge_id=services.pledge_submit(campaign=campaign, data=service_data).pledge.pk)
    assert run_pledge_jobs()["pledge-closing"] == 0


@pytest.mark.parametrize(
    "kind", ["pledge-confirm", "pledge-nudge", "pledge-followup", "pledge-closing", "pledge-rejected"]
)
def test_every_pledge_email_has_a_preview_that_renders(kind):
    from mail.rendering import render_email
    from pledges.emails import PREVIEWS

    rendered = render_email(kind, PREVIEWS[kind]())
    assert rendered.subject and rendered.text.strip() and "<html" in rendered.html
