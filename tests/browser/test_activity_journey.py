"""A Care Maker logs an activity on a phone-width screen and sees it counted, axe-checked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.choices import Region
from ambassadors import services
from ambassadors.models import Activity
from tests.ambassadors.factories import CareMakerFactory
from tests.browser.helpers import fill_date, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_care_maker_logs_an_activity_and_sees_it_counted(live_server, page, axe):
    base = live_server.url
    today = timezone.localdate()
    others = CareMakerFactory(region=Region.LONDON)
    for kind in ("talk", "talk", "talk", "mentoring"):
        services.activity_log(
            care_maker=others,
            data={"kind": kind, "done_on": today, "cs": ["care"], "reach": "11-50", "description": ""},
        )
    user = UserFactory(email="nia@example.org", display_name="Nia Nurse")
    CareMakerFactory(user=user, region=Region.SOUTH_WEST)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(base + "/care-makers/counts/")
    axe()
    assert page.locator("#activities-total").inner_text().strip() == "fewer than 5"

    sign_in(page, axe, base, user.email)
    page.goto(base + "/care-makers/my-profile/")
    axe()
    page.get_by_role("link", name="Log an activity").click()
    axe()
    page.get_by_role("button", name="Log activity").click()
    axe()
    summary = page.locator(".nhsuk-error-summary").inner_text()
    assert "Choose what you did" in summary and "Select at least one of the 6Cs it showed" in summary

    page.get_by_role("radio", name="An event stall").check()
    # The NHS.UK date input: a wrong date is an error in the pattern, and what was typed stays.
    page.locator("input[name=done_on_day]").fill("31")
    page.locator("input[name=done_on_month]").fill("2")
    page.locator("input[name=done_on_year]").fill(str(today.year))
    page.get_by_role("button", name="Log activity").click()
    axe()
    assert page.get_by_role("link", name="Date you did it must be a real date").is_visible()
    assert page.locator("input[name=done_on_day]").input_value() == "31"
    fill_date(page, today - timedelta(days=2), name="done_on")
    page.get_by_role("checkbox", name="Courage", exact=True).check()
    page.get_by_role("checkbox", name="Communication", exact=True).check()
    page.get_by_role("radio", name="51 to 200 people").check()
    page.get_by_label("A few words about it (optional)").fill("Ran a stall at the hospital open day.")
    page.get_by_role("button", name="Log activity").click()
    axe()
    assert "Your activity has been logged" in page.content()
    assert page.get_by_role("heading", name="An event stall").is_visible()
    assert Activity.objects.filter(care_maker__user=user).count() == 1

    page.goto(base + "/care-makers/counts/")
    axe()
    assert page.locator("#activities-total").inner_text().strip() == "5"
    assert "fewer than 5" in page.locator("table", has_text="Activities by kind").inner_text()
    # Readable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The impact report, from the hub: the activity is counted with the other four, and the
    # three talks are a cell of 3, shown as "fewer than 5" in the table and drawn with no bar.
    page.goto(base + "/impact/")
    axe()
    page.get_by_role("link", name="What Care Makers did").click()
    axe()
    assert page.locator("#impact-activities-total").inner_text().strip() == "5"
    kinds = page.locator("table", has_text="Activities by kind")
    assert kinds.get_by_role("row", name="A talk fewer than 5").is_visible()
    assert kinds.get_by_role("row", name="An event stall fewer than 5").is_visible()
    assert "fewer than 5" in page.get_by_role("img", name="Activities by kind").inner_html()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
