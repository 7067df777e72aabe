"""A newcomer signs up, confirms their email from the message, lands signed in, signs
out and signs in again; axe checks every page on the way."""

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD as FACTORY_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Kettle-Harbour-Lantern-71"


def test_sign_up_verify_sign_out_and_sign_in_again(live_server, page, axe):
    page.goto(live_server.url + "/")
    axe()
    page.get_by_role("link", name="Create an account").click()
    axe()
    page.get_by_label("Your name").fill("Nia Roberts")
    page.get_by_label("Email address").fill("nia.roberts@example.org")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Type your password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    axe()
    assert "Verify" in page.content() or "verify" in page.content() or "Confirm" in page.content()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/account/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    axe()
    # Opening the link changes nothing (mail scanners open links): the button does.
    page.get_by_role("button", name="Confirm").click()
    axe()
    assert page.url.endswith("/my-account/")
    assert page.get_by_role("heading", name="My account").is_visible()
    assert "nia.roberts@example.org" in page.content() and "Nia Roberts" in page.content()

    page.get_by_role("button", name="Sign out").click()
    axe()
    if page.get_by_role("button", name="Sign out").count():  # allauth's confirm-sign-out page
        page.get_by_role("main").get_by_role("button", name="Sign out").click()
        axe()
    assert page.get_by_role("link", name="Sign in").is_visible()

    page.get_by_role("link", name="Sign in").click()
    axe()
    page.get_by_label("Email").fill("nia.roberts@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    axe()
    assert page.url.endswith("/my-account/")


def test_sign_up_errors_keep_what_was_typed_and_pass_axe(live_server, page, axe):
    page.goto(live_server.url + "/account/signup/")
    axe()
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_label("Create a password").fill("short")
    page.get_by_label("Type your password again").fill("short")
    page.get_by_role("button", name="Create account").click()
    axe()
    assert page.title().startswith("Error: ")
    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible()
    assert page.get_by_label("Email address").input_value() == "not-an-email"
    summary.get_by_role("link", name=re.compile("correct format")).click()
    assert page.evaluate("document.activeElement.id") == "id_email"


def test_an_account_without_a_name_is_asked_for_one_on_a_phone(live_server, page, axe):
    from tests.factories import UserFactory

    UserFactory(email="kwesi.boateng@example.net", display_name="")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/account/login/")
    axe()
    page.get_by_label("Email").fill("kwesi.boateng@example.net")
    page.get_by_label("Password").fill(FACTORY_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="What should we call you?").is_visible()
    axe()
    page.get_by_role("button", name="Save and continue").click()
    axe()
    assert page.get_by_text("Enter your name").first.is_visible()
    page.get_by_label("Your name").fill("Kwesi Boateng")
    page.get_by_role("button", name="Save and continue").click()
    axe()
    assert page.url.endswith("/my-account/")
    assert "Kwesi Boateng" in page.content()


def test_a_moderator_finds_the_queue_from_the_header_on_a_phone(live_server, page, axe):
    from tests.ambassadors.factories import StoryFactory
    from tests.factories import UserFactory

    UserFactory(email="mod@example.org", display_name="Morgan Moderator", is_staff=True, groups=["Moderators"])
    StoryFactory(title="Ten minutes that changed a discharge")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/account/login/")
    axe()
    page.get_by_label("Email").fill("mod@example.org")
    page.get_by_label("Password").fill(FACTORY_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    axe()
    page.goto(live_server.url + "/pledges/")
    axe()
    staff = page.get_by_role("banner").get_by_role("link", name=re.compile(r"Staff tools\s*1\s*waiting for moderation"))
    assert staff.is_visible()
    staff.click()
    axe()
    page.get_by_role("link", name="Moderation queue").click()
    axe()
    assert page.get_by_role("heading", name="Moderation", exact=True).is_visible()
    page.get_by_role("link", name=re.compile("Care Maker stories")).click()
    axe()
    assert page.get_by_text("Ten minutes that changed a discharge").is_visible()
