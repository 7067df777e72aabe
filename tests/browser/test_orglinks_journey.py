"""A person pledges as part of an organisation from its page, and the page's count goes up.
Also checks the organisation box suggests directory entries when scripts run. Axe on every page."""

import re

import pytest
from django.test import Client

from pledges.models import Pledge
from tests.factories import UserFactory
from tests.organisations.factories import ensure_statements, make_organisation
from tests.pledges.factories import CampaignFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaign(transactional_db):
    ensure_statements()
    return CampaignFactory(name="Change Day 2027", slug="change-day-2027", is_current=True)


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def pledge_count(page) -> int:
    item = page.locator(".app-totals__item", has_text="pledge")
    return int(re.match(r"\s*(\d+)", item.inner_text()).group(1))


def test_pledging_as_part_of_an_organisation_adds_to_its_count(page, live_server, axe, campaign):
    oak = make_organisation(name="Oak Lodge Care Home", town="Exeter")
    make_organisation(name="Oakwood Court", town="Bath")
    user = UserFactory(job_role="care-worker", sector="adult-social-care", region="south-west", organisation_name="")
    sign_in(page, live_server, user)

    page.goto(live_server.url + oak.get_absolute_url())
    axe()
    assert pledge_count(page) == 0
    page.get_by_role("link", name="Make a pledge as part of Oak Lodge Care Home").click()
    axe()
    box = page.get_by_label("Organisation (optional)")
    assert box.input_value() == "Oak Lodge Care Home, Exeter"

    # With scripts, typing offers directory entries in the box's list.
    box.fill("")
    box.press_sequentially("Oak", delay=30)
    page.wait_for_function("document.querySelectorAll('#organisation-options option').length === 2")
    options = page.locator("#organisation-options option").evaluate_all("els => els.map(e => e.value)")
    assert sorted(options) == ["Oak Lodge Care Home, Exeter", "Oakwood Court, Bath"]
    box.fill("Oak Lodge Care Home, Exeter")

    page.get_by_label("Your pledge").fill("I will ask each resident what a good day looks like for them.")
    page.get_by_label("Theme").select_option(label="Dignity and respect")
    page.get_by_role("button", name="Continue").click()
    axe()
    assert page.get_by_text("in our directory: your pledge adds to its count").is_visible()
    page.get_by_role("button", name="Send my pledge").click()
    axe()
    assert Pledge.objects.get().organisation == oak
    page.get_by_role("main").get_by_role("link", name="Oak Lodge Care Home").click()
    axe()
    assert page.get_by_role("heading", name="Oak Lodge Care Home").is_visible()
    assert pledge_count(page) == 1
    assert user.display_name not in page.content()
