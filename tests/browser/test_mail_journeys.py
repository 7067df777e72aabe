"""People reach their email choices from an email without signing in; staff preview every
email; anyone can see the milestones. axe checks every page on the way."""

import re

import pytest
from django.core import mail
from django.db import transaction

from counters.models import Milestone
from mail import services
from mail.models import Email, MailPreference

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_unsubscribes_from_the_email_and_then_chooses_what_they_get(live_server, page, axe):
    with transaction.atomic():
        services.email_queue(
            kind="milestone-news",
            to="reader@example.org",
            key="news:1",
            context={
                "label": "pledges made in this campaign",
                "threshold": 1000,
                "value": 1000,
                "key": "pledges:1:total",
            },
            category=Email.Category.NEWS,
        )
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/email/unsubscribe/\S+/)", message.body).group(1)
    page.goto(live_server.url + link)
    axe()
    assert MailPreference.objects.count() == 0  # opening the link changes nothing
    page.get_by_role("button", name="Unsubscribe").click()
    axe()
    assert page.get_by_role("heading", name="You have unsubscribed").is_visible()
    assert MailPreference.objects.get(email="reader@example.org").news is False

    page.get_by_role("link", name="Change which emails you get").click()
    axe()
    assert not page.get_by_label("News about the campaign").is_checked()
    page.get_by_label("Reminders and follow-ups").uncheck()
    page.get_by_label("An email when the campaign reaches a milestone").check()
    page.get_by_role("button", name="Save my choices").click()
    axe()
    assert "Your email choices have been saved." in page.content()
    preference = MailPreference.objects.get(email="reader@example.org")
    assert (preference.reminders, preference.news, preference.campaign_news) == (False, True, True)


def test_staff_preview_an_email_and_anyone_sees_the_milestones(live_server, page, axe, client, django_user_model):
    staff = django_user_model.objects.create_user(
        email="staff@example.org", password="x-long-password-1", is_staff=True, display_name="Sam Staff"
    )
    client.force_login(staff)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + "/email/previews/")
    axe()
    page.get_by_role("link", name="Milestone reached (to people who asked for news)").click()
    axe()
    assert page.get_by_role("heading", name="Milestone reached (to people who asked for news)").is_visible()
    assert "We have reached 10,000 pledges made in this campaign" in page.content()
    frame = page.frame_locator("iframe.app-email-preview")
    assert frame.get_by_role("link", name="Unsubscribe or choose what you get").is_visible()

    Milestone.objects.create(
        key="ambassadors:active", threshold=55, value_at_crossing=55, label="active Care Makers", audience="admins"
    )
    page.goto(live_server.url + "/milestones/")
    axe()
    assert page.get_by_role("cell", name="55 active Care Makers").is_visible()
    page.goto(live_server.url + "/")
    axe()
    assert "55 active Care Makers" in page.content()
