"""Every reminder job of every programme, through the one engine.

Each scenario makes one situation in which the job has someone to remind (and someone it must
not), and says who should hear and which link both parts of the email carry. The same checks then
run on every job: a dry run sends and changes nothing, a run sends each due person one email with
both parts, a second run sends nothing more, and someone who turned the category off hears nothing.
A test below checks that every registered job has a scenario here, so a new job cannot skip them.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from accounts.choices import Region
from ambassadors.models import Application, CareMaker, RegionalLead
from mail import reminders, services
from mail.models import Email
from organisations.models import Organisation
from pledges.models import Campaign, PledgerCampaign
from tests.ambassadors.factories import ApplicationFactory, CareMakerFactory
from tests.factories import UserFactory
from tests.organisations.factories import commit, ensure_statements, make_organisation
from tests.pledges.factories import CampaignFactory, PledgeFactory

pytestmark = pytest.mark.django_db


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


@dataclass
class Expected:
    to: list[str]  # one entry per email: a representative hears once about each task
    link: str  # in both parts of each email


def _current_campaign(**extra) -> Campaign:
    return CampaignFactory(name="Change Day 2027", slug="change-day-2027", is_current=True, **extra)


def pledge_nudge():
    _current_campaign()
    due = PledgeFactory(unconfirmed=True, created_at=ago(days=3))
    PledgeFactory(unconfirmed=True, created_at=ago(days=1))  # too soon
    PledgeFactory(unconfirmed=True, created_at=ago(days=10))  # its link has run out
    return Expected([due.email], "/pledges/confirm/")


def pledge_followup():
    _current_campaign()
    due = PledgeFactory(published_at=ago(days=31))
    PledgeFactory(published_at=ago(days=5))
    PledgeFactory(published_at=ago(days=40), done_at=ago(days=1))
    PledgeFactory(status="withdrawn", published_at=ago(days=40))
    return Expected([due.email], "/pledges/manage/")


def pledge_outcome():
    _current_campaign()
    due = PledgeFactory(published_at=ago(days=120), done_at=ago(days=91))
    PledgeFactory(published_at=ago(days=120), done_at=ago(days=30))  # too soon
    closed = CampaignFactory(closed=True)
    Campaign.objects.filter(pk=closed.pk).update(closes_at=ago(days=15))
    never_done = PledgeFactory(campaign=closed, published_at=ago(days=100))
    return Expected([due.email, never_done.email], "/pledges/outcome/")


def pledge_closing():
    campaign = _current_campaign(closes_at=timezone.now() + timedelta(days=6))
    for email, pledges in (("a@example.org", 2), ("b@example.org", 1), ("gone@example.org", 0)):
        PledgerCampaign.objects.create(campaign=campaign, email_normalised=email, pledges=pledges)
    PledgerCampaign.objects.create(campaign=campaign, email_normalised="erased:123", pledges=1)
    return Expected(["a@example.org", "b@example.org"], "/pledges/")


def care_makers_recommit():
    due = CareMakerFactory(last_recommitted_at=ago(days=366))
    CareMakerFactory(last_recommitted_at=ago(days=300))
    return Expected([due.user.email], "/care-makers/recommit/")


def care_makers_lapse():
    due = CareMakerFactory(last_recommitted_at=ago(days=400))
    CareMaker.objects.filter(pk=due.pk).update(recommit_requested_at=ago(days=31))
    too_soon = CareMakerFactory(last_recommitted_at=ago(days=400))
    CareMaker.objects.filter(pk=too_soon.pk).update(recommit_requested_at=ago(days=10))
    return Expected([due.user.email], "/care-makers/recommit/")


def care_makers_endorsement_reminder():
    due = ApplicationFactory(manager_name="Jo", manager_email="jo@trust.example")
    ApplicationFactory(manager_name="Al", manager_email="al@trust.example", endorsed_at=timezone.now())
    ApplicationFactory(manager_name="Cy", manager_email="cy@trust.example")  # submitted today
    Application.objects.exclude(manager_email="cy@trust.example").update(submitted_at=ago(days=8))
    return Expected([due.manager_email], "/care-makers/endorse/")


def _groups():
    # A transactional test's flush may have removed the groups the data migration made.
    for name in ("Moderators", "Regional leads", "Programme admins"):
        Group.objects.get_or_create(name=name)


def _rep(email="rep@oak.example"):
    ensure_statements()
    _groups()
    return UserFactory(email=email, display_name="Robin Rep")


def organisation_task_due():
    rep = _rep()
    commit(make_organisation(rep=rep), rep, target=timezone.localdate() + timedelta(days=7))
    later = _rep("later@elm.example")
    commit(make_organisation(rep=later), later, target=timezone.localdate() + timedelta(days=8))
    return Expected([rep.email] * 7, "/social-care-commitment/")  # one task under each statement


def organisation_task_overdue():
    rep = _rep()
    today = timezone.localdate()
    commitment = commit(make_organisation(rep=rep), rep, today=today - timedelta(days=30), target=today - timedelta(1))
    commitment.tasks.filter(pk=commitment.tasks.first().pk).update(done_at=timezone.now(), evidence="done")
    return Expected([rep.email] * 6, "/social-care-commitment/")


def organisation_renewal_due():
    rep = _rep()
    today = timezone.localdate()
    commit(make_organisation(rep=rep), rep, today=today - timedelta(days=340), target=today + timedelta(days=100))
    return Expected([rep.email], "/social-care-commitment/")


def organisation_unverified():
    rep = _rep()
    admin = UserFactory(email="admin@example.org", groups=["Programme admins"])
    UserFactory(email="mod@example.org", groups=["Moderators"])
    waiting = make_organisation(rep=rep, verified=False, name="Waiting House")
    fresh = make_organisation(rep=rep, verified=False, name="Fresh House")
    Organisation.objects.filter(pk=waiting.pk).update(created_at=ago(days=3, hours=1))
    Organisation.objects.filter(pk=fresh.pk).update(created_at=ago(days=2))
    return Expected([admin.email], "/admin/organisations/organisation/")


def staff_digest():
    _groups()
    _current_campaign()
    moderator = UserFactory(email="mod@example.org", groups=["Moderators"])
    lead = UserFactory(email="lead@example.org")
    RegionalLead.objects.create(user=lead, region=Region.LONDON)
    UserFactory(email="lead.sw@example.org").care_maker_regions.create(region=Region.SOUTH_WEST)
    UserFactory(email="nobody@example.org")
    PledgeFactory(status="held", published_at=None, created_at=ago(hours=30))
    application = ApplicationFactory(region=Region.LONDON)
    Application.objects.filter(pk=application.pk).update(submitted_at=ago(days=8))
    # The moderator hears of the held pledge, the London lead of the application.
    return Expected([moderator.email, lead.email], "/")


SCENARIOS = {
    "pledge-nudge": pledge_nudge,
    "pledge-followup": pledge_followup,
    "pledge-outcome": pledge_outcome,
    "pledge-closing": pledge_closing,
    "care-makers-recommit": care_makers_recommit,
    "care-makers-lapse": care_makers_lapse,
    "care-makers-endorsement-reminder": care_makers_endorsement_reminder,
    "organisation-task-due": organisation_task_due,
    "organisation-task-overdue": organisation_task_overdue,
    "organisation-renewal-due": organisation_renewal_due,
    "organisation-unverified": organisation_unverified,
    "staff-digest": staff_digest,
}


def test_every_registered_job_has_a_scenario():
    assert sorted(SCENARIOS) == sorted(reminders.reminder_jobs())


def run(name, capture, **kwargs):
    with capture(execute=True):
        return reminders.reminders_run(reminders.reminder_job(name), **kwargs)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_due_people_get_one_email_with_both_parts_however_often_the_job_runs(
    name, django_capture_on_commit_callbacks, mailoutbox
):
    expected = SCENARIOS[name]()
    first = run(name, django_capture_on_commit_callbacks)
    second = run(name, django_capture_on_commit_callbacks)
    assert sorted(r.to for r in first.queued) == sorted(expected.to)
    assert second.queued == []
    assert sorted(m.to[0] for m in mailoutbox) == sorted(expected.to)
    job = reminders.reminder_job(name)
    assert Email.objects.filter(kind=job.email_kind).count() == len(expected.to)
    # Signing a commitment in the setup queued its confirmation: not a reminder.
    assert set(Email.objects.exclude(kind="organisation-committed").values_list("category", flat=True)) == {
        job.category
    }
    for message in mailoutbox:
        html = message.alternatives[0][0]
        assert message.subject and "\n" not in message.subject
        assert expected.link in message.body and expected.link in html
        assert "{{" not in message.body + html
        # Optional mail carries its unsubscribe link and headers; the rest does not pretend to.
        optional = job.category in Email.OPTIONAL_CATEGORIES
        assert ("List-Unsubscribe" in message.extra_headers) is optional
        assert ("/email/unsubscribe/" in message.body) is optional


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_dry_run_lists_who_would_hear_and_sends_and_changes_nothing(name, mailoutbox):
    expected = SCENARIOS[name]()
    before = _state()
    dry = reminders.reminders_run(reminders.reminder_job(name), dry_run=True)
    assert dry.dry_run and sorted(r.to for r in dry.queued) == sorted(expected.to)
    assert not Email.objects.exclude(kind="organisation-committed").exists() and mailoutbox == []
    assert _state() == before


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_someone_who_turned_the_category_off_hears_nothing(name, django_capture_on_commit_callbacks, mailoutbox):
    expected = SCENARIOS[name]()
    turned_off = expected.to[0]
    services.preference_set(email=turned_off, reminders=False, news=False)
    result = run(name, django_capture_on_commit_callbacks)
    job = reminders.reminder_job(name)
    if job.category in Email.OPTIONAL_CATEGORIES:
        assert turned_off not in [m.to[0] for m in mailoutbox]
        assert result.opted_out == expected.to.count(turned_off)
    else:
        # Transactional and staff mail cannot be turned off: recommitting, endorsing and
        # staff work are not news.
        assert turned_off in [m.to[0] for m in mailoutbox]


def _state():
    """What a job may change besides the outbox: its own marks and the Care Makers' status."""
    from pledges.models import Pledge

    return (
        list(Pledge.objects.values_list("pk", "nudge_sent_at", "followup_sent_at").order_by("pk")),
        list(PledgerCampaign.objects.values_list("pk", "closing_reminded_at").order_by("pk")),
        list(CareMaker.objects.values_list("pk", "active", "recommit_requested_at").order_by("pk")),
        list(Application.objects.values_list("pk", "endorsement_reminded_at").order_by("pk")),
    )


def test_command_runs_one_job_and_says_what_it_did(django_capture_on_commit_callbacks, capsys, mailoutbox):
    expected = care_makers_recommit()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "care-makers-recommit")
    out = capsys.readouterr().out
    assert f"queued care-makers-recommit to {expected.to[0]} about care-maker-" in out
    assert "reminders care-makers-recommit: queued 1, 0 already sent, 0 turned off by the recipient" in out
    assert [m.to for m in mailoutbox] == [expected.to]


def test_command_dry_run_lists_and_sends_nothing(capsys):
    expected = pledge_followup()
    call_command("send_reminders", "pledge-followup", "--dry-run")
    out = capsys.readouterr().out
    assert f"would send pledge-followup to {expected.to[0]} about pledge-" in out
    assert "reminders pledge-followup: would queue 1, 0 already sent" in out
    assert not Email.objects.exclude(kind="organisation-committed").exists()


@pytest.mark.parametrize("args", [[], ["--all"]])
def test_command_without_a_job_or_with_all_runs_every_job(args, capsys):
    call_command("send_reminders", *args, "--dry-run")
    summaries = [line for line in capsys.readouterr().out.splitlines() if line.startswith("reminders ")]
    assert [line.split(":")[0].removeprefix("reminders ") for line in summaries] == list(reminders.reminder_jobs())


def test_command_lists_every_job_with_what_it_does(capsys):
    call_command("send_reminders", "--list")
    out = capsys.readouterr().out
    for name, job in reminders.reminder_jobs().items():
        assert f"{name}: {job.help}" in out


def test_command_refuses_an_unknown_job_or_a_name_with_all():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown reminder jobs: nope; known: care-makers-endorsement-reminder"):
        call_command("send_reminders", "nope")
    with pytest.raises(CommandError, match="not both"):
        call_command("send_reminders", "pledge-nudge", "--all")


def test_beat_runs_every_job_once_through_the_one_task(settings):
    named = [
        entry["args"][0]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "mail.tasks.run_reminder_job"
    ]
    assert sorted(named) == sorted(reminders.reminder_jobs())
    from celery import current_app

    current_app.loader.import_default_modules()
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks <= set(current_app.tasks), tasks - set(current_app.tasks)


def test_the_task_runs_the_named_job_and_twice_sends_once(django_capture_on_commit_callbacks, mailoutbox):
    from mail.tasks import run_reminder_job

    pledge_followup()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_reminder_job.delay("pledge-followup").get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert run_reminder_job.delay("pledge-followup").get() == 0
    assert len(mailoutbox) == 1


def test_the_mail_readme_and_the_readme_name_every_job_and_no_other():
    import re
    from pathlib import Path

    from django.conf import settings

    mail_readme = (Path(settings.BASE_DIR) / "mail" / "README.md").read_text()
    table = re.findall(r"^\| `([a-z-]+)` \|", mail_readme, flags=re.MULTILINE)
    assert sorted(table) == sorted(reminders.reminder_jobs())
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme.split("### Email and periodic jobs", 1)[1].split("\n### ", 1)[0]
    assert set(reminders.reminder_jobs()) <= set(re.findall(r"`([a-z]+(?:-[a-z]+)+)`", section))
