"""The pledge journeys people take, in Chromium, checked with axe on every page."""

import re

import pytest
from django.test import Client

from pledges.models import Pledge, Theme
from tests.factories import UserFactory
from tests.pledges.factories import CampaignFactory, PledgeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaign(transactional_db):
    return CampaignFactory(name="Change Day 2027", slug="change-day-2027", is_current=True)


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def fill_pledge(page, text, *, anonymous=True):
    page.get_by_label("Your pledge").fill(text)
    page.get_by_label("Theme").select_option(label="Dementia")
    page.get_by_label("My team").check()
    page.get_by_label("Your role").select_option(label="Care worker")
    page.get_by_label("Where you work").select_option(label="Adult social care")
    page.get_by_label("Region").select_option(label="South West")
    if anonymous:
        page.get_by_label("Your name").fill("Jo Bloggs")
        page.get_by_label("Email address").fill("jo@example.org")
        page.get_by_label("I have read the privacy notice").check()


def test_pledge_without_an_account_through_the_email_link_to_the_wall(page, live_server, axe, campaign, mailoutbox):
    page.goto(f"{live_server.url}/pledges/")
    axe()
    page.get_by_role("link", name="Make a pledge").first.click()
    axe()
    # Errors first: too short, nothing chosen.
    page.get_by_label("Your pledge").fill("Too short")
    page.get_by_role("button", name="Continue").click()
    axe()
    assert page.title().startswith("Error: ")
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert page.get_by_label("Your pledge").input_value() == "Too short"
    fill_pledge(page, "I will learn more about dementia and teach my team one thing a week.")
    page.get_by_role("button", name="Continue").click()
    axe()
    assert page.get_by_role("heading", name="Check your pledge before you send it").is_visible()
    assert page.get_by_text("a care worker in the South West").is_visible()
    page.get_by_role("button", name="Send my pledge").click()
    axe()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    assert Pledge.objects.get().status == Pledge.Status.UNCONFIRMED

    [mail] = mailoutbox
    link = re.search(r"(http://\S+/pledges/confirm/\S+/)", mail.body).group(1)
    page.goto(link.replace("http://testserver", live_server.url))
    axe()
    assert Pledge.objects.get().status == Pledge.Status.UNCONFIRMED  # opening the link changes nothing
    page.get_by_role("button", name="Confirm my pledge").click()
    axe()
    assert "your pledge is confirmed and on the wall" in page.content()
    page.get_by_role("link", name="Back to the pledge wall").click()
    axe()
    assert page.get_by_text("I will learn more about dementia and teach my team one thing a week.").is_visible()


def test_signed_in_pledge_appears_at_once(page, live_server, axe, campaign):
    user = UserFactory(job_role="nurse", sector="nhs-acute", region="london", display_name="Sam Jones")
    sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/pledges/new/")
    axe()
    assert page.get_by_label("Your role").input_value() == "nurse"  # filled from the profile
    page.get_by_label("Your pledge").fill("I will thank the night team in person every week.")
    page.get_by_label("Theme").select_option(label="Staff wellbeing")
    page.get_by_label("First name, role and area").check()
    page.get_by_role("button", name="Continue").click()
    axe()
    assert page.get_by_text("Sam, a nurse in London").is_visible()
    page.get_by_role("button", name="Send my pledge").click()
    axe()
    assert page.get_by_role("heading", name="“I will thank the night team in person every week.”").is_visible()
    assert page.get_by_text("Sam, a nurse in London").is_visible()
    assert (
        page.get_by_label("Copy the link to this pledge").input_value().endswith(f"/pledges/{Pledge.objects.get().pk}/")
    )


def test_joining_a_pledge(page, live_server, axe, campaign):
    original = PledgeFactory(text="I will always knock and wait before going into a room.")
    joiner = UserFactory(job_role="porter", sector="nhs-acute", region="wales")
    sign_in(page, live_server, joiner)
    page.goto(f"{live_server.url}/pledges/{original.pk}/")
    axe()
    page.get_by_role("link", name="I'll do this too").click()
    axe()
    page.get_by_role("button", name="Join this pledge").click()
    axe()
    assert "your pledge is on the wall" in page.content()
    joined = Pledge.objects.get(joined_from=original)
    assert joined.status == Pledge.Status.PUBLISHED
    page.goto(f"{live_server.url}/pledges/{original.pk}/")
    axe()
    row = page.locator(".nhsuk-summary-list__row", has_text="People who joined")
    assert row.locator("dd").inner_text().strip() == "1"


def test_marking_a_pledge_done_with_a_story(page, live_server, axe, campaign):
    user = UserFactory()
    pledge = PledgeFactory(user=user, email=user.email, text="I will learn ten words of Polish for our residents.")
    sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/my-account/")
    axe()
    page.get_by_role("link", name=re.compile("Mark as done or withdraw")).click()
    axe()
    page.get_by_label("What changed? (optional)").fill("Two residents now greet me in Polish every morning.")
    page.get_by_role("button", name="Mark as done").click()
    axe()
    assert page.get_by_text("Two residents now greet me in Polish every morning.").is_visible()
    page.goto(f"{live_server.url}/pledges/")
    axe()
    card = page.locator(".app-pledge", has_text="ten words of Polish")
    assert card.locator(".nhsuk-tag", has_text="Done").is_visible()
    pledge.refresh_from_db()
    assert pledge.done_at is not None


def test_filtering_and_searching_the_wall(page, live_server, axe, campaign):
    dementia = Theme.objects.get(slug="dementia")
    PledgeFactory(text="I will read every resident's life story.", theme=dementia, region="london")
    PledgeFactory(text="I will take my breaks and make sure others do.", region="wales")
    page.goto(f"{live_server.url}/pledges/")
    axe()
    page.get_by_label("Theme").select_option(label="Dementia")
    page.get_by_role("button", name="Show pledges").click()
    axe()
    wall = page.locator(".app-wall")
    assert wall.locator(".app-pledge__text", has_text="life story").is_visible()
    assert wall.locator(".app-pledge__text", has_text="take my breaks").count() == 0
    page.get_by_role("link", name="Clear filters").click()
    axe()
    page.get_by_label("Search pledges").fill("breaks")
    page.get_by_role("button", name="Show pledges").click()
    axe()
    assert wall.locator(".app-pledge__text", has_text="take my breaks").is_visible()
    assert wall.locator(".app-pledge__text", has_text="life story").count() == 0


def test_pledge_with_an_nhs_number_is_held_back(page, live_server, axe, campaign):
    user = UserFactory()
    sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/pledges/new/")
    axe()
    fill_pledge(page, "I will visit Mr Jones (NHS 943 476 5919) every shift.", anonymous=False)
    page.get_by_role("button", name="Continue").click()
    axe()
    page.get_by_role("button", name="Send my pledge").click()
    axe()
    assert page.get_by_role("heading", name="Your pledge will be checked first").is_visible()
    assert page.get_by_text("an NHS number").is_visible()
    page.goto(f"{live_server.url}/pledges/")
    axe()
    assert page.get_by_text("Mr Jones").count() == 0
    assert Pledge.objects.get().status == Pledge.Status.HELD
