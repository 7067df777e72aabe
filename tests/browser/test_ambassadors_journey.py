"""Care Makers in Chromium, axe-checked on every page: apply, approval, directory, stories."""

import importlib
import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from accounts.choices import Region
from ambassadors.models import Application, CareMaker, RegionalLead, Story
from tests.ambassadors.factories import IntakeFactory, words
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def seed():
    """Migration data that an earlier transactional test's flush may have removed."""
    from django.contrib.auth.models import Group

    importlib.import_module("ambassadors.migrations.0002_seed_eligibility").seed_eligibility(apps)
    importlib.import_module("ambassadors.migrations.0007_decisions_into_audit_log").application_reasons_seed(apps)
    for name in ("Moderators", "Programme admins"):
        Group.objects.get_or_create(name=name)


def sign_in(page, axe, live_server, email):
    """Sign in by session cookie: the sign-in form has its own journey test."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/my-account/")
    axe()


def sign_out(page, axe):
    page.context.clear_cookies()


def test_apply_approve_directory_story_journey(page, axe, live_server, mailoutbox):
    seed()
    IntakeFactory(name="Winter intake")
    applicant = UserFactory(email="nurse@example.org", display_name="Nia Nurse", region=Region.SOUTH_WEST)
    lead = UserFactory(email="lead@example.org", display_name="Lee Lead")
    RegionalLead.objects.create(user=lead, region=Region.SOUTH_WEST)
    UserFactory(email="mod@example.org", display_name="Mo Moderator", is_staff=True, groups=["Moderators"])

    # The applicant reads about the programme and applies.
    sign_in(page, axe, live_server, applicant.email)
    page.goto(f"{live_server.url}/care-makers/")
    axe()
    page.get_by_role("link", name="Apply to be a Care Maker").click()
    page.wait_for_load_state("load")
    axe()
    page.fill("#id_years_in_role", "3")
    page.fill("#id_statement", words(20))
    page.click("label[for=id_chosen_c_4]")
    page.click("label[for=id_agreed]")
    page.get_by_role("button", name="Send application").click()
    page.wait_for_load_state("load")
    axe()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("at least 40 words (it is 20)")
    page.fill("#id_statement", words(80))
    page.get_by_role("button", name="Send application").click()
    page.wait_for_load_state("load")
    axe()
    expect(page.locator("main")).to_contain_text("Waiting for a decision")
    sign_out(page, axe)

    # The regional lead approves it from the queue.
    sign_in(page, axe, live_server, lead.email)
    page.goto(f"{live_server.url}/care-makers/review/")
    axe()
    page.get_by_role("link", name="Nia Nurse").click()
    page.wait_for_load_state("load")
    axe()
    page.click("label[for=id_decision_0]")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state("load")
    axe()
    expect(page.locator("main")).to_contain_text("1 application approved")
    sign_out(page, axe)

    assert Application.objects.get(user=applicant).status == Application.Status.APPROVED
    outcome = [m for m in mailoutbox if m.to == [applicant.email]]
    assert len(outcome) == 1 and "you are now a Care Maker" in outcome[0].subject
    number = CareMaker.objects.get(user=applicant).number

    # The new Care Maker makes their profile public and posts a story.
    sign_in(page, axe, live_server, applicant.email)
    page.goto(f"{live_server.url}/care-makers/my-profile/")
    axe()
    page.click("label[for=id_public_profile]")
    page.fill("#id_bio", "Ward nurse who loves a good handover.")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_load_state("load")
    axe()
    page.goto(f"{live_server.url}/care-makers/directory/?region=south-west")
    axe()
    page.get_by_role("link", name="Nia Nurse").click()
    page.wait_for_load_state("load")
    axe()
    expect(page.locator("h1")).to_contain_text(f"Care Maker {number}")
    page.goto(f"{live_server.url}/care-makers/stories/new/")
    axe()
    page.click("label[for=id_c_4]")
    page.fill("#id_title", "Raising a concern at night")
    page.fill("#id_text", "I noticed a pattern of late medication rounds and spoke to the nurse in charge.")
    page.get_by_role("button", name="Send story for checking").click()
    page.wait_for_load_state("load")
    axe()
    expect(page.locator("main")).not_to_contain_text("Raising a concern at night")
    sign_out(page, axe)

    # A moderator publishes it; it appears on the stories page under its C.
    sign_in(page, axe, live_server, "mod@example.org")
    # The old story page leads to the audited queue's stories tab.
    page.goto(f"{live_server.url}/care-makers/stories/moderate/")
    axe()
    assert page.url.endswith("/moderation/care-maker-stories/")
    story = Story.objects.get()
    page.get_by_label(f"Select item {story.pk}").check()
    page.get_by_label("Publish").check()
    page.get_by_role("button", name="Apply to selected items").click()
    page.wait_for_load_state("load")
    axe()
    assert page.get_by_text("1 decided.").is_visible()
    assert Story.objects.get().status == Story.Status.PUBLISHED
    page.goto(f"{live_server.url}/care-makers/stories/?c=courage")
    axe()
    expect(page.locator("main")).to_contain_text("Raising a concern at night")
    page.get_by_role("link", name="Raising a concern at night", exact=True).click()
    page.wait_for_load_state("load")
    axe()
    expect(page.locator("h1")).to_have_text("Raising a concern at night")


def test_closed_role_asks_to_be_told_and_counts_page_is_accessible(page, axe, live_server):
    seed()
    IntakeFactory(name="Winter intake")
    doctor = UserFactory(email="doc@example.org", job_role="doctor")
    sign_in(page, axe, live_server, doctor.email)
    page.goto(f"{live_server.url}/care-makers/apply/")
    axe()
    expect(page.locator("#not-open")).to_contain_text("not open yet for your role and sector: Doctor")
    expect(page.locator("main")).to_contain_text("Who can apply")
    # No application to write before he can send it: only a check of role and sector.
    assert page.locator("#id_statement").count() == 0
    for select in ("#check_role", "#check_sector"):
        assert page.locator(select).evaluate("el => el.tagName === 'SELECT' && el.labels.length") == 1
    page.get_by_role("button", name="Email me when it opens").click()
    page.wait_for_load_state("load")
    axe()
    expect(page.locator("main")).to_contain_text("We will email you once")
    # His profile had the wrong role: checking another opens the application form.
    page.goto(f"{live_server.url}/care-makers/apply/")
    page.get_by_label("Your job role").select_option(label="Nurse")
    page.get_by_label("Where you work").select_option(label="NHS acute")
    page.get_by_role("button", name="Check if I can apply").click()
    page.wait_for_load_state("load")
    axe()
    expect(page.locator("#id_statement")).to_be_visible()
    # The notice's hidden inputs must not take the ids the application's selects are labelled by.
    for select in ("#id_role", "#id_sector"):
        assert page.locator(select).evaluate("el => el.tagName === 'SELECT' && el.labels.length") == 1
    page.goto(f"{live_server.url}/care-makers/counts/")
    axe()
    expect(page.get_by_role("img", name="Active Care Makers in each UK region")).to_be_visible()


def test_emailed_link_pages_and_status_pages_are_accessible(page, axe, live_server):
    from ambassadors import services
    from tests.ambassadors.factories import ApplicationFactory, CareMakerFactory

    seed()
    intake = IntakeFactory(name="Winter intake")
    application = ApplicationFactory(intake=intake, manager_name="Jo Boss", manager_email="jo@trust.example")
    page.goto(live_server.url + services.endorse_path(application))
    axe()
    page.get_by_role("button", name="Endorse this application").click()
    page.wait_for_load_state("load")
    axe()
    expect(page.locator("h1")).to_have_text("Thank you for your endorsement")

    care_maker = CareMakerFactory(intake=intake)
    services.caremaker_lapse(care_maker=care_maker)
    page.goto(live_server.url + services.recommit_path(care_maker))
    axe()
    page.get_by_role("button", name="Recommit for another year").click()
    page.wait_for_load_state("load")
    axe()
    expect(page.locator("h1")).to_contain_text("You have recommitted")

    page.goto(f"{live_server.url}/care-makers/recommit/tampered/")
    axe()
    expect(page.locator("h1")).to_have_text("This link does not work")

    sign_in(page, axe, live_server, application.user.email)
    page.goto(f"{live_server.url}/care-makers/my-application/")
    axe()
    expect(page.locator("main")).to_contain_text("endorsed on")


def test_lead_outside_the_region_gets_a_clear_accessible_refusal(page, axe, live_server):
    from tests.ambassadors.factories import ApplicationFactory

    seed()
    application = ApplicationFactory(intake=IntakeFactory(), region=Region.SOUTH_WEST)
    lead = UserFactory(email="london.lead@example.org")
    RegionalLead.objects.create(user=lead, region=Region.LONDON)
    sign_in(page, axe, live_server, lead.email)
    response = page.goto(f"{live_server.url}/care-makers/review/{application.pk}/")
    axe()
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("You do not have access to this page")
    expect(page.locator("main")).to_contain_text("This application is not in your region")
