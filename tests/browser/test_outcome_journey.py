"""A pledger answers the outcome follow-up from the email, on a phone, and publishes a sentence
that then shows on the page of what pledges changed. axe checks every page on the way."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from counters.services import counters_recount
from mail.reminders import reminder_job, reminders_run
from pledges.models import PledgeOutcome
from pledges.outcomes import outcome_question_set, outcome_record
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

    # Five more answer: six reached their team, three of them say it is still going.
    for n in range(5):
        other = PledgeFactory(published_at=long_ago, done_at=long_ago)
        outcome_record(
            pledge=other,
            question_set=outcome_question_set(other.campaign),
            answers={
                "benefit": ["patients"],
                "reach": "team",
                "ongoing": ["yes", "no"][n % 2],
                "change": "",
                "publish": False,
            },
        )
    counters_recount()
    page.goto(live_server.url + "/")
    axe()
    page.get_by_role("link", name="What changed because people pledged").click()
    axe()
    page.get_by_role("link", name="What pledges changed").click()
    axe()
    assert page.get_by_role("row", name="My team 6").is_visible()
    # Three said "yes" (their own and two more): a cell of 3, hidden, and no bar drawn for it.
    still_going = page.locator("table", has_text="Is it still going?")
    assert still_going.get_by_role("row", name="Yes fewer than 5").is_visible()
    assert "fewer than 5" in page.get_by_role("img", name="Is it still going?").inner_html()
    assert page.get_by_text("any figure under 5 is shown as “fewer than 5”").is_visible()
    # Searching the sentences finds theirs.
    page.get_by_label("Search what changed").fill("handover")
    page.get_by_role("button", name="Show sentences").click()
    axe()
    assert page.get_by_text("Families now hear the plan at handover.").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
