"""The staff digest: one email, at most each half day, of the waiting work that is each person's."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.choices import Region
from ambassadors.models import Application, RegionalLead
from mail import reminders
from mail.models import Email
from organisations.models import Organisation
from tests.ambassadors.factories import ApplicationFactory
from tests.factories import UserFactory
from tests.organisations.factories import ensure_statements, make_organisation
from tests.pledges.factories import CampaignFactory, PledgeFactory

pytestmark = pytest.mark.django_db


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


@pytest.fixture
def work(db, settings):
    """A held pledge and an organisation waiting two days; a London application waiting 8 days."""
    settings.MODERATION_ALERT_HOURS = 24
    settings.MODERATION_ALERT_SIZE = 50
    ensure_statements()
    CampaignFactory(name="Change Day 2027", slug="change-day-2027", is_current=True)
    PledgeFactory(status="held", published_at=None, created_at=ago(hours=30))
    organisation = make_organisation(verified=False, name="Waiting House")
    Organisation.objects.filter(pk=organisation.pk).update(created_at=ago(days=2))
    application = ApplicationFactory(region=Region.LONDON)
    Application.objects.filter(pk=application.pk).update(submitted_at=ago(days=8))
    ApplicationFactory(region=Region.SOUTH_WEST)  # only just in


@pytest.fixture
def london_lead(db):
    lead = UserFactory(email="lead.london@example.org")
    RegionalLead.objects.create(user=lead, region=Region.LONDON)
    return lead


@pytest.fixture
def south_west_lead(db):
    lead = UserFactory(email="lead.sw@example.org")
    RegionalLead.objects.create(user=lead, region=Region.SOUTH_WEST)
    return lead


def digest(capture, now=None):
    with capture(execute=True):
        return reminders.reminders_run(reminders.reminder_job("staff-digest"), now=now)


def by_person(mailoutbox):
    return {message.to[0]: message for message in mailoutbox}


def test_each_person_hears_only_of_the_work_that_is_theirs(
    work,
    moderator,
    programme_admin,
    london_lead,
    south_west_lead,
    supporter,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    digest(django_capture_on_commit_callbacks)
    sent = by_person(mailoutbox)
    assert sorted(sent) == sorted([moderator.email, programme_admin.email, london_lead.email])
    # Moderators: the moderation queues they may work, not organisations to verify.
    assert "Held pledges: 1 waiting, the oldest for 30 hours" in sent[moderator.email].body
    assert "Organisations to verify" not in sent[moderator.email].body
    assert "Care Maker application" not in sent[moderator.email].body
    # A regional lead: applications in their region only.
    assert "1 Care Maker application in London waiting more than 7 days" in sent[london_lead.email].body
    assert "Held pledges" not in sent[london_lead.email].body
    assert "http://testserver/care-makers/review/?region=london" in sent[london_lead.email].body
    # Programme admins run everything.
    admin = sent[programme_admin.email]
    assert admin.subject == "Waiting for you: 3 kinds of work"
    for line in ("Held pledges", "Organisations to verify: 1 waiting, the oldest for 48 hours", "in London"):
        assert line in admin.body and line in admin.alternatives[0][0]
    assert 'href="http://testserver/moderation/held-pledges/"' in admin.alternatives[0][0]
    assert "List-Unsubscribe" not in admin.extra_headers  # staff work is not news
    assert set(Email.objects.values_list("category", flat=True)) == {Email.Category.STAFF}


def test_at_most_one_digest_each_half_day(work, moderator, django_capture_on_commit_callbacks, mailoutbox):
    # Tomorrow, so the work is old enough whatever the hour the test runs.
    morning = (timezone.localtime() + timedelta(days=1)).replace(hour=8, minute=5)
    digest(django_capture_on_commit_callbacks, now=morning)
    digest(django_capture_on_commit_callbacks, now=morning + timedelta(hours=2))
    assert len(mailoutbox) == 1
    digest(django_capture_on_commit_callbacks, now=morning + timedelta(hours=5))  # 13:05
    assert len(mailoutbox) == 2


def test_nobody_hears_when_nothing_waits_too_long(db, moderator, programme_admin, capsys):
    CampaignFactory(name="Change Day 2027", slug="change-day-2027", is_current=True)
    PledgeFactory(status="held", published_at=None, created_at=ago(hours=2))
    call_command("send_reminders", "staff-digest", "--dry-run")
    assert "reminders staff-digest: would queue 0" in capsys.readouterr().out


def test_a_big_queue_is_reported_before_anything_is_old(
    db, settings, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    settings.MODERATION_ALERT_SIZE = 2
    CampaignFactory(name="Change Day 2027", slug="change-day-2027", is_current=True)
    PledgeFactory.create_batch(3, status="held", published_at=None)
    digest(django_capture_on_commit_callbacks)
    assert "Held pledges: more than 2 waiting" in mailoutbox[0].body


def test_inactive_staff_and_people_without_a_role_hear_nothing(work, django_capture_on_commit_callbacks, mailoutbox):
    UserFactory(email="former.mod@example.org", groups=["Moderators"], is_active=False)
    UserFactory(email="staff.flag.only@example.org", is_staff=True)
    superuser = UserFactory(email="root@example.org", is_superuser=True)
    digest(django_capture_on_commit_callbacks)
    assert sorted(by_person(mailoutbox)) == [superuser.email]


def test_descriptions_are_escaped_in_html(db, monkeypatch, moderator, django_capture_on_commit_callbacks, mailoutbox):
    monkeypatch.setattr(
        reminders,
        "_waiting_work",
        {"test": lambda now: [reminders.Waiting("Things <waiting> & more", "/x/", [moderator])]},
    )
    digest(django_capture_on_commit_callbacks)
    assert "Things <waiting> & more" in mailoutbox[0].body
    assert "Things &lt;waiting&gt; &amp; more" in mailoutbox[0].alternatives[0][0]
