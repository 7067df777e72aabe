"""The health care assistant pledging on her phone without an account, at 390 px, with axe
on every page: the privacy warning before sending, her own pledge page and its share
buttons, the folded wall, lost links, withdrawing and her data."""

import re

import pytest

from pledges.models import Pledge
from tests.pledges.factories import CampaignFactory, PledgeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaign(transactional_db):
    return CampaignFactory(name="Change Day 2027", slug="change-day-2027", is_current=True, target=5000)


def link_in(mail, path: str, live_server) -> str:
    return re.search(rf"http://testserver({path}[^\s\"]+/)", mail.body).group(1).join([live_server.url, ""])


def test_pledger_on_her_phone(page, live_server, axe, campaign, mailoutbox):
    page.set_viewport_size({"width": 390, "height": 844})
    for n in range(25):
        PledgeFactory(text=f"I will thank a colleague by name every shift, number {n}.")

    # The wall: totals, closing date and target, folded filters, then pledges.
    page.goto(f"{live_server.url}/pledges/")
    axe()
    assert page.get_by_text("The target is 5,000 pledges").is_visible()
    assert not page.get_by_label("Search pledges").is_visible()
    first = page.locator(".app-pledge").first.bounding_box()
    assert first["y"] < 1000, first
    page.get_by_text("Filter pledges").click()
    page.get_by_label("Search pledges").fill("colleague")
    page.get_by_role("button", name="Show pledges").click()
    axe()
    assert page.get_by_text("25 pledges match ‘colleague’").is_visible()

    # Her pledge, with a phone number in it: warned before sending, and back to change it.
    page.goto(f"{live_server.url}/pledges/new/")
    axe()
    page.get_by_label("Your pledge").fill("I will learn more about dementia, ring me on 07700 900123.")
    page.get_by_label("Theme").select_option(label="Dementia")
    page.get_by_label("Your role").select_option(label="Health care assistant")
    page.get_by_label("Where you work").select_option(label="NHS acute")
    page.get_by_label("Region").select_option(label="North West")
    page.get_by_label("Your name").fill("Amara Okafor")
    page.get_by_label("Email address").fill("amara@example.org")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Continue").click()
    axe()
    assert page.get_by_role("heading", name="A moderator will check your pledge first").is_visible()
    page.get_by_role("link", name="change your pledge", exact=True).click()
    axe()
    assert page.get_by_label("Email address").input_value() == "amara@example.org"  # kept
    page.get_by_label("Your pledge").fill("I will learn more about dementia and share one thing a week.")
    page.get_by_role("button", name="Continue").click()
    axe()
    assert page.locator(".nhsuk-warning-callout").count() == 0
    page.get_by_role("button", name="Send my pledge").click()
    axe()

    # Confirmed from her email: her own pledge page, to share, not to join.
    [confirm_mail] = mailoutbox
    page.goto(link_in(confirm_mail, "/pledges/confirm/", live_server))
    axe()
    page.get_by_role("button", name="Confirm my pledge").click()
    axe()
    assert page.get_by_text("This is your pledge").is_visible()
    assert page.get_by_role("link", name="I'll do this too").count() == 0
    assert page.get_by_role("heading", name="Share your pledge").is_visible()
    assert "I+pledged+for+Change+Day+2027" in page.get_by_role("link", name=re.compile("Share on X")).get_attribute(
        "href"
    )
    copy = page.get_by_role("button", name="Copy link")
    assert copy.is_visible()  # localhost is a secure context, so the clipboard is offered
    copy.click()
    page.wait_for_function("document.querySelector('[data-share-status]').textContent.length > 0")

    # She loses the email: a new one with links to her pledges.
    page.goto(f"{live_server.url}/pledges/")
    page.get_by_role("link", name="Email me links to my pledges").click()
    axe()
    page.get_by_label("Email address").fill("amara@example.org")
    page.get_by_role("button", name="Send me the links").click()
    axe()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    links_mail = mailoutbox[-1]
    assert links_mail.subject == "Links to your pledges"

    # Withdraw, asked first.
    page.goto(link_in(links_mail, "/pledges/manage/", live_server))
    axe()
    page.get_by_role("link", name="Withdraw my pledge").click()
    axe()
    assert page.get_by_role("heading", name="Are you sure you want to withdraw your pledge?").is_visible()
    page.get_by_role("button", name="Yes, withdraw my pledge").click()
    axe()
    assert Pledge.objects.get(email="amara@example.org").status == Pledge.Status.WITHDRAWN

    # Her data, by the link in the same email: delete it.
    page.goto(link_in(links_mail, "/my-account/your-data/", live_server))
    axe()
    page.get_by_role("link", name="Delete my data").click()
    axe()
    page.get_by_role("button", name="Delete my data").click()
    axe()
    assert page.locator(".nhsuk-error-summary").is_visible()
    page.get_by_label("Remove them completely").check()
    page.get_by_label("I understand my details will be deleted").check()
    page.get_by_role("button", name="Delete my data").click()
    axe()
    assert not Pledge.objects.filter(email_normalised="amara@example.org").exists()


def test_wall_filters_start_open_on_a_wide_screen(page, live_server, axe, campaign):
    PledgeFactory()
    page.goto(f"{live_server.url}/pledges/")
    axe()
    assert page.get_by_label("Search pledges").is_visible()
