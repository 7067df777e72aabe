"""Moderators at work, in Chromium with axe on every page: a pledge held for an NHS number
is claimed and rejected with a reason (the author is told; the audit log shows it), and a
pledge hidden after three reports is restored to the wall."""

import pytest

from mail.models import Email
from pledges import services
from pledges.models import Pledge
from tests.browser.test_pledges_journeys import campaign, fill_pledge, sign_in  # noqa: F401 (fixture)
from tests.factories import UserFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def switch_to(page, live_server, user):
    page.context.clear_cookies()
    sign_in(page, live_server, user)


def test_held_pledge_is_claimed_rejected_with_a_reason_and_logged(page, live_server, axe, campaign, mailoutbox):  # noqa: F811
    author = UserFactory(email="author@example.org", display_name="Ada Author")
    moderator = UserFactory(
        email="mod@example.org", display_name="Morgan Moderator", is_staff=True, groups=["Moderators"]
    )

    sign_in(page, live_server, author)
    page.goto(f"{live_server.url}/pledges/new/")
    axe()
    fill_pledge(page, "I will check on Mrs Khan (NHS 943 476 5919) at every handover.", anonymous=False)
    page.get_by_role("button", name="Continue").click()
    axe()
    page.get_by_role("button", name="Send my pledge").click()
    axe()
    assert page.get_by_role("heading", name="Your pledge will be checked first").is_visible()
    pledge = Pledge.objects.get()
    assert pledge.status == Pledge.Status.HELD

    switch_to(page, live_server, moderator)
    page.goto(f"{live_server.url}/moderation/")
    axe()
    assert page.get_by_role("heading", name="Held pledges").is_visible()
    assert page.get_by_text("Mrs Khan").is_visible()
    assert "author@example.org" not in page.content()
    page.get_by_role("link", name=f"Open item {pledge.pk}").click()
    axe()
    page.get_by_role("button", name="Claim this item").click()
    axe()
    assert page.get_by_text("You have claimed this").first.is_visible()
    # Submitting without a reason is refused with the NHS.UK error pattern.
    page.get_by_label("Reject or hide").check()
    page.get_by_role("button", name="Save decision").click()
    axe()
    assert page.locator(".nhsuk-error-summary").get_by_text("Select a reason for this decision").is_visible()
    page.get_by_label("Reject or hide").check()
    page.get_by_label("Reason").select_option(label="Contains patient information")
    page.get_by_label("Note for the record (optional)").fill("Named a patient with her NHS number")
    page.get_by_role("button", name="Save decision").click()
    axe()
    assert page.get_by_text("1 decided.").is_visible()

    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.REJECTED
    rejection = [m for m in mailoutbox if m.to == ["author@example.org"] and "not published" in m.subject]
    assert len(rejection) == 1
    assert "Contains patient information" in rejection[0].body
    assert Email.objects.filter(kind="pledge-rejected", to="author@example.org").count() == 1

    page.get_by_role("link", name="Audit log").click()
    axe()
    page.get_by_label("Search the log").fill("NHS number")
    page.get_by_role("button", name="Search").click()
    axe()
    row = page.locator("tbody tr").first
    assert "Morgan Moderator" in row.inner_text()
    assert "Contains patient information" in row.inner_text()
    assert "Named a patient with her NHS number" in row.inner_text()


def test_reported_pledge_is_hidden_after_three_reports_and_kept_by_a_moderator(page, live_server, axe, campaign):  # noqa: F811
    pledge = PledgeFactory(text="I will bring biscuits to every night shift in December.")
    services.pledge_report(pledge=pledge, reporter="ip:first", reason="spam")
    services.pledge_report(pledge=pledge, reporter=f"user:{UserFactory().pk}", reason="spam")
    moderator = UserFactory(display_name="Morgan Moderator", is_staff=True, groups=["Moderators"])

    page.goto(f"{live_server.url}/pledges/{pledge.pk}/")
    axe()
    page.get_by_role("link", name="Report this pledge").click()
    axe()
    page.get_by_label("It is spam or advertising").check()
    page.get_by_label("Anything else we should know? (optional)").fill("Looks like an advert to me")
    page.get_by_role("button", name="Send report").click()
    axe()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.HIDDEN
    page.goto(f"{live_server.url}/pledges/")
    axe()
    assert page.get_by_text("bring biscuits").count() == 0

    sign_in(page, live_server, moderator)
    page.goto(f"{live_server.url}/moderation/reported-pledges/")
    axe()
    assert page.get_by_text("Looks like an advert to me").is_visible()
    page.get_by_label(f"Select item {pledge.pk}").check()
    page.get_by_label("Keep on the wall").check()
    page.get_by_role("button", name="Apply to selected items").click()
    axe()
    assert page.get_by_text("1 decided.").is_visible()
    page.goto(f"{live_server.url}/pledges/")
    axe()
    assert page.locator(".app-pledge__text", has_text="I will bring biscuits to every night shift").is_visible()


def test_dashboard_passes_axe_with_its_charts(page, live_server, axe, campaign):  # noqa: F811
    for n in range(3):
        PledgeFactory(region=["london", "wales", "london"][n])
    from counters.services import counters_recount
    from dashboard.services import daily_totals_backfill

    counters_recount()
    daily_totals_backfill()
    admin = UserFactory(is_staff=True, groups=["Programme admins"])
    sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/dashboard/")
    axe()
    assert page.get_by_role("img", name="Pledges by region: Change Day 2027").is_visible()
    page.get_by_text("Pledges by region as a table").click()
    assert page.get_by_role("cell", name="Wales").is_visible()


def test_moderator_on_a_phone_selects_all_keeps_ticks_after_an_error_and_filters_overdue(
    page,
    live_server,
    axe,
    campaign,  # noqa: F811
):
    from datetime import timedelta

    from django.utils import timezone

    page.set_viewport_size({"width": 390, "height": 844})
    held = [PledgeFactory(held=True, text=f"I will learn the names of every cleaner on ward {n}.") for n in range(3)]
    Pledge.objects.filter(pk=held[0].pk).update(created_at=timezone.now() - timedelta(days=3))
    moderator = UserFactory(display_name="Morgan Moderator", is_staff=True, groups=["Moderators"])

    sign_in(page, live_server, moderator)
    page.goto(f"{live_server.url}/moderation/held-pledges/")
    axe()
    page.get_by_label("Select all 3 on this page").check()
    for pledge in held:
        assert page.get_by_label(f"Select item {pledge.pk}").is_checked()
    page.get_by_label("Reject or hide").check()
    page.get_by_role("button", name="Apply to selected items").click()
    axe()
    assert page.locator(".nhsuk-error-summary").get_by_text("Select a reason for this decision").is_visible()
    for pledge in held:  # nothing ticked is lost to the error
        assert page.get_by_label(f"Select item {pledge.pk}").is_checked()

    page.get_by_role("link", name="Show only overdue items").click()
    axe()
    assert page.get_by_label(f"Select item {held[0].pk}").is_visible()
    assert page.get_by_label(f"Select item {held[1].pk}").count() == 0
    page.get_by_label(f"Select item {held[0].pk}").check()
    page.get_by_label("Publish").check()
    page.get_by_role("button", name="Apply to selected items").click()
    axe()
    assert page.get_by_text("1 decided.").is_visible()
    assert Pledge.objects.get(pk=held[0].pk).status == Pledge.Status.PUBLISHED
