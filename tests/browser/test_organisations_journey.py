"""The Social Care Commitment end to end in Chromium, with axe on every page: a manager
registers a care home, an admin verifies it, the manager signs with tasks, the home is in
the directory with its badge, a care worker commits through the invitation link, the
dashboard counts them and the manager marks a task done."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from organisations.models import Organisation
from tests.browser.helpers import fill_date, sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_out(page, axe, base):
    page.goto(base + "/")
    axe()
    page.get_by_role("button", name="Sign out").click()
    axe()
    if page.get_by_role("main").get_by_role("button", name="Sign out").count():
        page.get_by_role("main").get_by_role("button", name="Sign out").click()
        axe()


def test_register_verify_commit_list_invite_count_and_mark_done(live_server, page, axe):
    base = live_server.url
    manager = UserFactory(email="isla@birchhouse.example", display_name="Isla Thompson")
    UserFactory(email="admin@carepledge.example", is_staff=True, is_superuser=True)
    UserFactory(email="grace@birchhouse.example", display_name="Grace O'Neill")

    # 1. The manager registers Birch House, correcting a malformed CQC ID.
    sign_in(page, axe, base, manager.email)
    page.goto(base + "/social-care-commitment/")
    axe()
    page.get_by_role("link", name="Register your organisation").click()
    axe()
    page.get_by_label("Organisation name").fill("Birch House")
    page.get_by_label("Care home without nursing").check()
    page.get_by_label("Registration number with your care regulator").fill("1-1234")
    page.get_by_label("Town or city").fill("Taunton")
    page.get_by_label("Region").select_option("south-west")
    page.get_by_label("10 to 49 staff").check()
    page.get_by_role("button", name="Register organisation").click()
    axe()
    assert page.title().startswith("Error: ")
    assert page.get_by_label("Town or city").input_value() == "Taunton"
    page.get_by_label("Registration number with your care regulator").fill("1-123456789")
    page.get_by_role("button", name="Register organisation").click()
    axe()
    assert "We are checking Birch House" in page.locator("main").inner_text()
    organisation = Organisation.objects.get(name="Birch House")
    assert page.url.endswith(f"/organisations/{organisation.slug}/dashboard/")

    # Not public until verified.
    page.goto(base + "/social-care-commitment/organisations/")
    axe()
    assert "Birch House" not in page.content()
    sign_out(page, axe, base)

    # 2. An admin verifies it with the admin action.
    sign_in(page, axe, base, "admin@carepledge.example")
    page.goto(base + "/admin/organisations/organisation/")
    axe()
    page.locator(f"input[name=_selected_action][value='{organisation.pk}']").check()
    page.locator("select[name=action]").select_option("decide_verify")
    page.get_by_role("button", name="Go").click()
    axe()
    assert "1 organisation(s) verified" in page.content()
    organisation.refresh_from_db()
    assert organisation.is_verified
    sign_out(page, axe, base)

    # 3. The manager signs with one task under each statement; a past date is caught first.
    sign_in(page, axe, base, manager.email)
    page.goto(base + f"/social-care-commitment/organisations/{organisation.slug}/dashboard/")
    axe()
    page.get_by_role("link", name="Sign the commitment").click()
    axe()
    target = timezone.localdate() + timedelta(days=21)
    yesterday = timezone.localdate() - timedelta(days=1)
    for n in range(1, 8):
        block = page.locator(f"#statement-{n}")
        block.get_by_label(f"We agree to statement {n}").check()
        block.locator("input[name^=task_]").first.check()
        fill_date(block, yesterday if n == 5 else target)
    page.get_by_role("button", name="Continue to sign").click()
    axe()
    assert page.title().startswith("Error: ")
    summary = page.locator(".nhsuk-error-summary")
    assert "Target date must be in the future" in summary.inner_text()
    fill_date(page.locator("#statement-5"), target)
    page.get_by_role("button", name="Continue to sign").click()
    axe()
    page.get_by_label("Full name").fill("Isla Thompson")
    page.get_by_label("Job title").fill("Registered manager")
    page.get_by_label("I confirm I have authority").check()
    page.get_by_role("button", name="Sign the commitment").click()
    axe()
    assert "has signed the Social Care Commitment" in page.content()
    invite_url = page.locator(".app-invite-url a").first.get_attribute("href")

    # 4. It is in the directory, with its badge, linking back to its page.
    page.goto(base + "/social-care-commitment/organisations/?q=Taunton")
    axe()
    page.get_by_role("link", name="Birch House").click()
    axe()
    assert "Committed since" in page.content()
    badge = page.get_by_role("img", name="Social Care Commitment badge for Birch House")
    assert badge.is_visible()
    svg = page.request.get(base + badge.get_attribute("src")).text()
    assert f"/social-care-commitment/organisations/{organisation.slug}/" in svg
    sign_out(page, axe, base)

    # 5. A care worker commits through the invitation link.
    page.goto(invite_url)
    axe()
    assert "Sign in or create an account" in page.content()
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    axe()
    page.get_by_label("Email").fill("grace@birchhouse.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    axe()
    assert page.url == invite_url
    for n in range(1, 8):
        page.locator(f"#statement-{n}").get_by_label(f"I agree to statement {n}").check()
    page.locator("#statement-6 input[name^=task_]").first.check()
    fill_date(page.locator("#statement-6"), target)
    page.get_by_role("button", name="Make my commitment").click()
    axe()
    assert page.url.endswith("/my-account/")
    assert "Your commitment with Birch House" in page.content()
    sign_out(page, axe, base)

    # 6. The dashboard counts Grace (as a number only) and 7. the manager marks a task done.
    sign_in(page, axe, base, manager.email)
    page.goto(base + f"/social-care-commitment/organisations/{organisation.slug}/dashboard/")
    axe()
    totals = page.locator(".app-totals").inner_text()
    assert re.search(r"1\s+staff commitments", totals)
    assert "Grace" not in page.content()
    page.get_by_role("link", name=re.compile("Mark done")).first.click()
    axe()
    page.get_by_label("What was done").fill("Values questions added to our interview pack")
    page.get_by_role("button", name="Mark as done").click()
    axe()
    assert re.search(r"1\s+tasks done", page.locator(".app-totals").inner_text())
    assert "Values questions added to our interview pack" in page.content()
