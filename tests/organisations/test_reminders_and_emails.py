from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from mail.models import Email
from mail.reminders import reminder_job, reminders_run
from mail.rendering import render_email
from organisations import keys as organisation_keys
from organisations.emails import PREVIEWS
from organisations.models import Organisation
from organisations.reminders import JOBS

from .factories import commit, make_organisation

pytestmark = pytest.mark.django_db


def reminders_send() -> dict[str, int]:
    """What the daily beat entries do, one job after another: how many each queued, where any."""
    counts = {}
    for job in JOBS:
        queued = reminders_run(reminder_job(job.name)).queued
        if queued:
            counts[job.name] = len(queued)
    return counts


def test_task_due_in_seven_days_is_reminded_once(org_rep, mailoutbox, django_capture_on_commit_callbacks):
    organisation = make_organisation(rep=org_rep)
    commit(organisation, org_rep, target=timezone.localdate() + timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send()
        second = reminders_send()
    assert first == {"organisation-task-due": 7}
    assert second == {}
    assert len(mailoutbox) == 7
    assert all(m.to == [org_rep.email] for m in mailoutbox)
    assert "is due on" in mailoutbox[0].subject


def test_task_due_in_eight_days_is_not_reminded_yet(org_rep):
    organisation = make_organisation(rep=org_rep)
    commit(organisation, org_rep, target=timezone.localdate() + timedelta(days=8))
    assert reminders_send() == {}


def test_overdue_task_is_reminded_once_and_done_tasks_never(org_rep, mailoutbox, django_capture_on_commit_callbacks):
    organisation = make_organisation(rep=org_rep)
    today = timezone.localdate()
    commitment = commit(organisation, org_rep, today=today - timedelta(days=30), target=today - timedelta(days=1))
    done = commitment.tasks.first()
    done.done_at, done.evidence = timezone.now(), "done"
    done.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send() == {"organisation-task-overdue": 6}
        assert reminders_send() == {}
    assert "overdue" in mailoutbox[0].subject


def test_renewal_due_in_thirty_days_is_reminded_once(org_rep, django_capture_on_commit_callbacks, mailoutbox):
    organisation = make_organisation(rep=org_rep)
    today = timezone.localdate()
    commit(organisation, org_rep, today=today - timedelta(days=340), target=today + timedelta(days=100))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send() == {"organisation-renewal-due": 1}
        assert reminders_send() == {}
    assert mailoutbox[0].subject.startswith(f"Renew {organisation.name}")


def test_unverified_organisation_waiting_over_three_days_alerts_programme_admins_once(
    org_rep, programme_admin, moderator, superuser, django_capture_on_commit_callbacks, mailoutbox
):
    waiting = make_organisation(rep=org_rep, verified=False, name="Waiting House")
    fresh = make_organisation(rep=org_rep, verified=False, name="Fresh House")
    Organisation.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(days=3, hours=1))
    Organisation.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send() == {"organisation-unverified": 2}
        assert reminders_send() == {}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([programme_admin.email, superuser.email])
    assert all("Waiting House" in m.subject for m in mailoutbox)
    assert Email.objects.filter(kind="organisation-unverified").first().category == Email.Category.STAFF


def test_representative_who_turned_reminders_off_gets_none(org_rep):
    from mail.models import MailPreference

    MailPreference.objects.create(email=org_rep.email, reminders=False)
    organisation = make_organisation(rep=org_rep)
    commit(organisation, org_rep, target=timezone.localdate() + timedelta(days=2))
    assert reminders_send() == {}
    assert not Email.objects.filter(kind="organisation-task-due").exists()


def test_organisation_milestones_go_to_its_representatives(committed, org_rep):
    from counters.milestones import milestone_recipients_for

    assert milestone_recipients_for(organisation_keys.staff_commitments(committed.pk)) == [org_rep.email]


def test_dry_run_prints_and_queues_nothing(org_rep):
    organisation = make_organisation(rep=org_rep)
    commit(organisation, org_rep, target=timezone.localdate() + timedelta(days=3))
    out = StringIO()
    names = [job.name for job in JOBS]
    reminders = Email.objects.filter(kind__startswith="organisation-task")
    call_command("send_reminders", *names, "--dry-run", stdout=out)
    assert f"would send organisation-task-due to {org_rep.email}" in out.getvalue()
    assert "reminders organisation-task-due: would queue 7, 0 already sent" in out.getvalue()
    assert not reminders.exists()
    call_command("send_reminders", *names, stdout=StringIO())
    assert reminders.count() == 7


def test_keys_keep_the_shape_the_outbox_already_holds(org_rep, django_capture_on_commit_callbacks):
    """Moving these jobs into the apps' ready() kept their names and occasions: nothing is sent again."""
    organisation = make_organisation(rep=org_rep)
    commitment = commit(organisation, org_rep, target=timezone.localdate() + timedelta(days=3))
    task = commitment.tasks.order_by("pk").first()
    reminders_send()
    key = f"reminder:organisation-task-due:task-{task.pk}-{task.target_date.isoformat()}:{org_rep.email}"
    assert Email.objects.filter(key=key).exists()


@pytest.mark.parametrize("kind", sorted(PREVIEWS))
def test_every_email_renders_both_parts_with_absolute_links(kind):
    rendered = render_email(kind, PREVIEWS[kind]())
    assert rendered.subject and "\n" not in rendered.subject
    assert "http://testserver/" in rendered.text
    assert 'href="http://testserver/' in rendered.html
    assert "{{" not in rendered.text + rendered.html


@pytest.mark.parametrize("kind", sorted(PREVIEWS))
def test_every_email_escapes_names_in_html_but_not_in_text(kind):
    context = PREVIEWS[kind]() | {"organisation": "O'Hara & <Sons>"}
    rendered = render_email(kind, context)
    assert "O&#x27;Hara &amp; &lt;Sons&gt;" in rendered.html
    assert "<Sons>" not in rendered.html
    assert "O'Hara & <Sons>" in rendered.text
    assert "&amp;" not in rendered.subject


def test_access_request_message_is_escaped():
    context = PREVIEWS["organisation-access-request"]() | {"message": "<b>hi</b>"}
    rendered = render_email("organisation-access-request", context)
    assert "&lt;b&gt;hi&lt;/b&gt;" in rendered.html
    assert "<b>hi</b>" in rendered.text
