from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from accounts.choices import Region
from ambassadors import reminders
from ambassadors.models import CareMaker
from ambassadors.tasks import check_care_maker_reminders
from mail.models import Email
from tests.ambassadors.factories import ApplicationFactory, CareMakerFactory

pytestmark = pytest.mark.django_db


def run_twice(job, capture, **kwargs):
    with capture(execute=True):
        first = job(**kwargs)
    with capture(execute=True):
        second = job(**kwargs)
    return first, second


def test_yearly_recommit_request_is_sent_once(django_capture_on_commit_callbacks, mailoutbox):
    due = CareMakerFactory(last_recommitted_at=timezone.now() - timedelta(days=366))
    CareMakerFactory(last_recommitted_at=timezone.now() - timedelta(days=300))
    first, second = run_twice(reminders.send_recommit_requests, django_capture_on_commit_callbacks)
    assert len(first) == 1 and second == []
    assert [m.to for m in mailoutbox] == [[due.user.email]]
    assert "/care-makers/recommit/" in mailoutbox[0].body
    # Always sent, even to someone who turned reminders off: lapsing follows from it.
    assert Email.objects.get(kind="care-makers-recommit").category == Email.Category.TRANSACTIONAL


def test_care_maker_who_does_not_recommit_within_30_days_lapses_once(django_capture_on_commit_callbacks):
    now = timezone.now()
    care_maker = CareMakerFactory(last_recommitted_at=now - timedelta(days=400))
    CareMaker.objects.filter(pk=care_maker.pk).update(recommit_requested_at=now - timedelta(days=31))
    too_soon = CareMakerFactory(last_recommitted_at=now - timedelta(days=400))
    CareMaker.objects.filter(pk=too_soon.pk).update(recommit_requested_at=now - timedelta(days=10))
    first, second = run_twice(reminders.lapse_unrecommitted, django_capture_on_commit_callbacks)
    assert len(first) == 1 and second == []
    care_maker.refresh_from_db()
    too_soon.refresh_from_db()
    assert not care_maker.active and too_soon.active


def test_care_maker_who_recommitted_after_the_request_does_not_lapse():
    now = timezone.now()
    care_maker = CareMakerFactory(last_recommitted_at=now - timedelta(days=5))
    CareMaker.objects.filter(pk=care_maker.pk).update(recommit_requested_at=now - timedelta(days=40))
    assert reminders.lapse_unrecommitted() == []


def test_unanswered_endorsement_gets_one_reminder_after_7_days(django_capture_on_commit_callbacks, mailoutbox):
    application = ApplicationFactory(manager_name="Jo", manager_email="jo@trust.example")
    ApplicationFactory(manager_name="Al", manager_email="al@trust.example", endorsed_at=timezone.now())
    type(application).objects.update(submitted_at=timezone.now() - timedelta(days=8))
    first, second = run_twice(reminders.send_endorsement_reminders, django_capture_on_commit_callbacks)
    assert len(first) == 1 and second == []
    assert [m.to for m in mailoutbox] == [["jo@trust.example"]]
    assert mailoutbox[0].subject.startswith("Reminder:")


def test_leads_hear_about_applications_waiting_over_7_days_once_a_day(
    django_capture_on_commit_callbacks, mailoutbox, london_lead, south_west_lead
):
    old = ApplicationFactory(region=Region.LONDON)
    type(old).objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=8))
    ApplicationFactory(region=Region.SOUTH_WEST)  # only a day old
    first, second = run_twice(reminders.send_waiting_alerts, django_capture_on_commit_callbacks)
    assert len(first) == 1 and second == []
    assert [m.to for m in mailoutbox] == [[london_lead.email]]
    assert Email.objects.get(kind="care-makers-applications-waiting").category == Email.Category.STAFF


def test_task_runs_every_job_and_twice_sends_once(django_capture_on_commit_callbacks, mailoutbox):
    CareMakerFactory(last_recommitted_at=timezone.now() - timedelta(days=400))
    with django_capture_on_commit_callbacks(execute=True):
        assert check_care_maker_reminders.delay().get()["send_recommit_requests"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert check_care_maker_reminders.delay().get()["send_recommit_requests"] == 0
    assert len(mailoutbox) == 1


def test_command_dry_run_prints_and_sends_nothing(mailoutbox):
    care_maker = CareMakerFactory(last_recommitted_at=timezone.now() - timedelta(days=400))
    out = StringIO()
    call_command("care_maker_reminders", "--dry-run", stdout=out)
    assert f"Would do: recommit request to {care_maker.user.email}" in out.getvalue()
    assert not Email.objects.exists()
    care_maker.refresh_from_db()
    assert care_maker.recommit_requested_at is None


def test_reminders_are_in_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "ambassadors.tasks.check_care_maker_reminders" in tasks


def test_old_applications_feed_the_daily_staff_note():
    from mail.reminders import _staff_waiting

    old = ApplicationFactory()
    type(old).objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=9))
    ApplicationFactory()
    count, description, path = _staff_waiting["care-maker-applications"](timezone.now())
    assert (count, path) == (1, "/care-makers/review/")
    assert "7 days" in description
