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
    monkeypatch.setattr(reminders, "_discovered", True)
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


@pytest.fixture
def waiting(monkeypatch):
    monkeypatch.setattr(reminders, "_staff_waiting", {})
    reminders.register_staff_waiting(
        "applications", lambda now: (3, "Care Maker applications waiting <more> than 7 days", "/care-makers/")
    )
    reminders.register_staff_waiting("verification", lambda now: (0, "organisations to verify", "/x/"))


def test_staff_get_one_daily_note_of_work_waiting(
    waiting, moderator, programme_admin, supporter, django_capture_on_commit_callbacks, mailoutbox
):
    job = reminders.reminder_job("staff-waiting")
    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminders_run(job)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.reminders_run(job).queued == []  # once a day
    assert sorted(m.to[0] for m in mailoutbox) == ["moderator@example.org", "programme.admin@example.org"]
    message = mailoutbox[0]
    assert message.subject == "Waiting for staff: 1 kind of work"
    assert "3 Care Maker applications waiting <more> than 7 days" in message.body
    assert "http://testserver/care-makers/" in message.body
    html = message.alternatives[0][0]
    assert "waiting &lt;more&gt; than 7 days" in html
    assert "organisations to verify" not in message.body
    assert "List-Unsubscribe" not in message.extra_headers  # staff alerts are work, not news


def test_no_note_when_nothing_waits(monkeypatch, moderator, capsys):
    monkeypatch.setattr(reminders, "_staff_waiting", {"x": lambda now: (0, "things", "/")})
    call_command("send_reminders", "staff-waiting", "--dry-run")
    assert "would queue 0" in capsys.readouterr().out
