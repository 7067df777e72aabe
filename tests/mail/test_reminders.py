import pytest
from django.core.management import call_command

from mail import reminders, services
from mail.models import Email
from mail.reminders import Reminder, ReminderJob

pytestmark = pytest.mark.django_db


class NudgeJob(ReminderJob):
    name = "test-nudge"
    kind = "milestone-news"  # any existing template does for the framework
    help = "A test job"
    people = ["a@example.org", "b@example.org", "c@example.org"]

    def due(self, now):
        for n, to in enumerate(self.people):
            yield Reminder(to=to, about=f"thing-{n}", context={"label": "things", "threshold": n, "value": n})


@pytest.fixture
def job(monkeypatch):
    monkeypatch.setattr(reminders, "_jobs", {})
    return reminders.register(NudgeJob())


def test_dry_run_says_what_it_would_send_and_sends_nothing(job, capsys, mailoutbox):
    call_command("send_reminders", "test-nudge", "--dry-run")
    out = capsys.readouterr().out
    assert "would send milestone-news to a@example.org about thing-0" in out
    assert "reminders test-nudge: would queue 3, 0 already sent, 0 turned off by the recipient" in out
    assert not Email.objects.exists() and mailoutbox == []


def test_running_a_job_twice_sends_each_reminder_once(job, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.reminders_run(job)
    with django_capture_on_commit_callbacks(execute=True):
        second = reminders.reminders_run(job)
    assert len(first.queued) == 3 and second.queued == [] and second.already_sent == 3
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "b@example.org", "c@example.org"]
    assert all("List-Unsubscribe" in m.extra_headers for m in mailoutbox)
    assert set(Email.objects.values_list("category", flat=True)) == {Email.Category.REMINDERS}


def test_people_who_turned_reminders_off_are_left_out(job, django_capture_on_commit_callbacks, mailoutbox):
    services.preference_set(email="B@example.org", reminders=False)
    with django_capture_on_commit_callbacks(execute=True):
        run = reminders.reminders_run(job)
    assert run.opted_out == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "c@example.org"]


def test_the_task_runs_a_named_job(job, django_capture_on_commit_callbacks, mailoutbox):
    from mail.tasks import run_reminder_job

    with django_capture_on_commit_callbacks(execute=True):
        assert run_reminder_job("test-nudge") == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert run_reminder_job("test-nudge") == 0
    assert len(mailoutbox) == 3


def test_unknown_job_is_a_clear_command_error(job):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown reminder jobs: nope; known: test-nudge"):
        call_command("send_reminders", "nope")


def test_long_keys_still_fit_and_stay_distinct():
    key_a = services.email_key("reminder", "x" * 300, "a")
    key_b = services.email_key("reminder", "x" * 300, "b")
    assert len(key_a) <= 200 and key_a != key_b


class Marking(NudgeJob):
    """Like the pledge jobs: marks what it settled so its due() stops offering it."""

    name = "test-marking"
    limit = 2

    def __init__(self):
        self.marked = set()

    def due(self, now):
        for reminder in super().due(now):
            if reminder.about not in self.marked:
                yield reminder

    def settle(self, reminders, now):
        self.marked |= {reminder.about for reminder in reminders}


def test_a_limited_job_goes_on_next_run_past_people_who_turned_it_off(
    monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    monkeypatch.setattr(reminders, "_jobs", {})
    job = reminders.register(Marking())
    services.preference_set(email="a@example.org", reminders=False)
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.reminders_run(job)
    with django_capture_on_commit_callbacks(execute=True):
        second = reminders.reminders_run(job)
    assert (len(first.queued), first.opted_out) == (1, 1)
    assert [r.to for r in second.queued] == ["c@example.org"]
    assert sorted(m.to[0] for m in mailoutbox) == ["b@example.org", "c@example.org"]


def test_dry_run_does_not_settle(monkeypatch):
    monkeypatch.setattr(reminders, "_jobs", {})
    job = reminders.register(Marking())
    reminders.reminders_run(job, dry_run=True)
    assert job.marked == set()


def test_big_runs_are_checked_and_queued_in_batches(job, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(reminders, "BATCH", 2)
    with django_assert_max_num_queries(40):
        run = reminders.reminders_run(job)
    assert len(run.queued) == 3 and Email.objects.count() == 3
