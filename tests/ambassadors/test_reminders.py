"""Care Maker reminder jobs (ambassadors/reminders.py) as the engine runs them. The checks every
job shares (once per person, dry run, preferences, both parts) are in tests/mail/test_reminder_jobs.py."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.choices import Region
from ambassadors.models import Application, CareMaker
from ambassadors.reminders import applications_waiting
from mail.models import Email
from mail.reminders import reminder_job, reminders_run
from tests.ambassadors.factories import ApplicationFactory, CareMakerFactory

pytestmark = pytest.mark.django_db


def run_twice(name, capture, **kwargs):
    job = reminder_job(name)
    with capture(execute=True):
        first = reminders_run(job, **kwargs)
    with capture(execute=True):
        second = reminders_run(job, **kwargs)
    return first.queued, second.queued


def test_yearly_recommit_request_is_sent_once_and_starts_the_lapse_clock(
    django_capture_on_commit_callbacks, mailoutbox
):
    due = CareMakerFactory(last_recommitted_at=timezone.now() - timedelta(days=366))
    CareMakerFactory(last_recommitted_at=timezone.now() - timedelta(days=300))
    first, second = run_twice("care-makers-recommit", django_capture_on_commit_callbacks)
    assert len(first) == 1 and second == []
    assert [m.to for m in mailoutbox] == [[due.user.email]]
    assert "/care-makers/recommit/" in mailoutbox[0].body
    # Always sent, even to someone who turned reminders off: lapsing follows from it.
    assert Email.objects.get(kind="care-makers-recommit").category == Email.Category.TRANSACTIONAL
    due.refresh_from_db()
    assert due.recommit_requested_at > due.last_recommitted_at


def test_asked_again_next_year_after_recommitting(django_capture_on_commit_callbacks, mailoutbox):
    now = timezone.now()
    care_maker = CareMakerFactory(last_recommitted_at=now - timedelta(days=366))
    CareMaker.objects.filter(pk=care_maker.pk).update(recommit_requested_at=now - timedelta(days=400))
    first, _ = run_twice("care-makers-recommit", django_capture_on_commit_callbacks)
    assert len(first) == 1  # last year's question is not this year's


def test_care_maker_who_does_not_recommit_within_30_days_lapses_once_and_is_told(
    django_capture_on_commit_callbacks, mailoutbox
):
    now = timezone.now()
    care_maker = CareMakerFactory(last_recommitted_at=now - timedelta(days=400))
    CareMaker.objects.filter(pk=care_maker.pk).update(recommit_requested_at=now - timedelta(days=31))
    too_soon = CareMakerFactory(last_recommitted_at=now - timedelta(days=400))
    CareMaker.objects.filter(pk=too_soon.pk).update(recommit_requested_at=now - timedelta(days=10))
    first, second = run_twice("care-makers-lapse", django_capture_on_commit_callbacks)
    assert len(first) == 1 and second == []
    care_maker.refresh_from_db()
    too_soon.refresh_from_db()
    assert not care_maker.active and care_maker.lapsed_at and too_soon.active
    assert [m.to for m in mailoutbox] == [[care_maker.user.email]]
    assert mailoutbox[0].subject == "Your Care Maker profile is hidden until you recommit"
    assert "/care-makers/recommit/" in mailoutbox[0].alternatives[0][0]


def test_care_maker_who_recommitted_after_the_request_does_not_lapse():
    now = timezone.now()
    care_maker = CareMakerFactory(last_recommitted_at=now - timedelta(days=5))
    CareMaker.objects.filter(pk=care_maker.pk).update(recommit_requested_at=now - timedelta(days=40))
    assert reminders_run(reminder_job("care-makers-lapse")).queued == []
    care_maker.refresh_from_db()
    assert care_maker.active


def test_lapse_dry_run_lists_and_lapses_nobody(capsys):
    care_maker = CareMakerFactory(last_recommitted_at=timezone.now() - timedelta(days=400))
    CareMaker.objects.filter(pk=care_maker.pk).update(recommit_requested_at=timezone.now() - timedelta(days=31))
    call_command("send_reminders", "care-makers-lapse", "--dry-run")
    assert f"would send care-makers-lapsed to {care_maker.user.email}" in capsys.readouterr().out
    care_maker.refresh_from_db()
    assert care_maker.active and not Email.objects.exists()


def test_unanswered_endorsement_gets_one_reminder_after_7_days(django_capture_on_commit_callbacks, mailoutbox):
    application = ApplicationFactory(manager_name="Jo", manager_email="jo@trust.example")
    ApplicationFactory(manager_name="Al", manager_email="al@trust.example", endorsed_at=timezone.now())
    type(application).objects.update(submitted_at=timezone.now() - timedelta(days=8))
    first, second = run_twice("care-makers-endorsement-reminder", django_capture_on_commit_callbacks)
    assert len(first) == 1 and second == []
    assert [m.to for m in mailoutbox] == [["jo@trust.example"]]
    assert mailoutbox[0].subject.startswith("Reminder:")
    application.refresh_from_db()
    assert application.endorsement_reminded_at is not None


def test_endorsement_reminded_before_the_engine_is_not_reminded_again():
    ApplicationFactory(manager_name="Jo", manager_email="jo@trust.example")
    Application.objects.update(
        submitted_at=timezone.now() - timedelta(days=8), endorsement_reminded_at=timezone.now() - timedelta(days=1)
    )
    assert reminders_run(reminder_job("care-makers-endorsement-reminder")).queued == []


def test_applications_waiting_over_7_days_go_to_whoever_reviews_their_region(
    london_lead, south_west_lead, programme_admin, moderator
):
    old = ApplicationFactory(region=Region.LONDON)
    Application.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=9))
    ApplicationFactory(region=Region.SOUTH_WEST)  # only a day old
    [waiting] = applications_waiting(timezone.now())
    assert waiting.path == "/care-makers/review/?region=london"
    assert "1 Care Maker application in London waiting more than 7 days" in waiting.description
    assert sorted(person.email for person in waiting.staff) == sorted([london_lead.email, programme_admin.email])
