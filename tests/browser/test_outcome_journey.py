"""A pledger answers the outcome follow-up from the email, on a phone, and publishes a sentence
that then shows on the page of what pledges changed. axe checks every page on the way."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mail.reminders import reminder_job, reminders_run
from pledges.models import PledgeOutcome
from tests.pledges.factories import CampaignFactory, PledgeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_pledger_answers_from_the_email_and_sees_their_sentence_on_the_impact_page(live_server, page, axe):
    page.set_viewport_size({"width": 390, "height": 844})
    CampaignFactory(name="Change Day 2027", slug="change-day-2027", is_current=True)
    long_ago = timezone.now() - timedelta(days=91)
    pledge = PledgeFactory(text="I will hand over at the bedside every shift.", published_at=long_ago, done_at=long_ago)
    assert len(reminders_run(reminder_job("pledge-outcome")).queued) == 1
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/pledges/outcome/\S+/)", message.body).group(1)

    page.goto(live_server.url + link)
    axe()
    assert page.get_by_role("heading", name="What did your pledge change?").is_visible()
    # Send with nothing chosen: the errors say what to do.
    page.get_by_role("button", name="Send my answers").click()
    axe()
    assert page.get_by_role("link", name="Select who benefited").is_visible()
    page.get_by_label("Patients or people who use services").check()
    page.get_by_label("Colleagues").check()
    page.get_by_label("My team").check()
    page.get_by_label("Yes").check()
    page.get_by_label("In one sentence, what changed? (optional)").fill("Families now hear the plan at handover.")
    page.get_by_label("Publish this sentence on the page of what pledges changed").check()
    page.get_by_role("button", name="Send my answers").click()
    axe()
    assert "Thank you. Your answers have been saved." in page.content()
    outcome = PledgeOutcome.objects.get(pledge=pledge)
    assert outcome.publish_change and outcome.benefit == ["colleagues", "patients"]

    page.get_by_role("link", name="what pledges changed").click()
    axe()
    assert page.get_by_text("Families now hear the plan at handover.").is_visible()
    # One answer: every cell is under 5, so none is shown as a number.
    assert page.get_by_role("row", name="My team fewer than 5").is_visible()
