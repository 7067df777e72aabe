import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from mail.models import Email
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "Kettle-Harbour-Lantern-71"


def signup(client, **overrides):
    data = {"email": "new.person@example.org", "password1": STRONG, "password2": STRONG, **overrides}
    return client.post("/account/signup/", data)


def error_summary_links(html: str) -> list[tuple[str, str]]:
    summary = html.split('class="nhsuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def test_sign_up_sends_a_verification_email_through_the_outbox(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    row = Email.objects.get(to="new.person@example.org")
    assert row.kind == "account-email_confirmation_signup"
    assert row.status == Email.Status.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Care Pledge: Confirm your email address"
    assert "/account/confirm-email/" in message.body
    html = message.alternatives[0][0]
    assert "/account/confirm-email/" in html


def _sent_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


@pytest.mark.parametrize("typed", ["taken@example.org", "Taken@Example.org"])
def test_sign_up_with_a_taken_email_looks_like_any_sign_up_and_tells_the_owner_by_email(
    client, django_capture_on_commit_callbacks, typed
):
    """Nobody can learn from the page whether an address has an account: the page is the one
    every sign-up sees, and only the address's owner reads that it is taken."""
    UserFactory(email="taken@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        fresh = signup(client, email="fresh@example.org")
    client.cookies.clear()
    with django_capture_on_commit_callbacks(execute=True):
        taken = signup(client, email=typed)
    assert (
        (taken.status_code, taken["Location"])
        == (fresh.status_code, fresh["Location"])
        == (
            302,
            "/account/confirm-email/",
        )
    )
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    (message,) = _sent_to("taken@example.org") or _sent_to(typed)
    assert message.subject == "Care Pledge: You already have an account"
    assert "already have an account" in message.body
    assert "/account/password/reset/" in message.body


def test_password_reset_answers_the_same_for_an_unknown_address(client, django_capture_on_commit_callbacks):
    UserFactory(email="known@example.org")
    pages = []
    for address in ("known@example.org", "nobody@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/account/password/reset/", {"email": address})
        pages.append((response.status_code, response.get("Location")))
    assert pages[0] == pages[1] == (302, "/account/password/reset/done/")
    assert "not assigned" not in client.get("/account/password/reset/done/").content.decode()
    (reset,) = _sent_to("known@example.org")
    assert "/account/password/reset/key/" in reset.body
    (unknown,) = _sent_to("nobody@example.org")
    assert unknown.subject == "Care Pledge: Resetting your password"
    assert "There is no account with this address" in unknown.body


def test_sign_up_with_a_weak_password_explains_why_and_keeps_the_email(client):
    response = signup(client, password1="password", password2="password")
    html = response.content.decode()
    assert response.status_code == 200
    links = error_summary_links(html)
    assert ("id_password1", "This password is too short. It must contain at least 10 characters.") in links
    assert 'class="nhsuk-error-message" id="id_password1-error"' in html
    assert 'value="new.person@example.org"' in html
    assert not User.objects.exists()


def test_sign_up_with_a_malformed_email_shows_the_nhs_error_pattern(client):
    response = signup(client, email="not-an-email")
    html = response.content.decode()
    assert ("id_email", "Enter an email address in the correct format, like name@example.com") in error_summary_links(
        html
    )
    assert "nhsuk-form-group--error" in html
    assert 'aria-describedby="id_email-hint id_email-error"' in html
    assert 'value="not-an-email"' in html


def test_sign_up_with_script_in_the_email_is_escaped(client):
    response = signup(client, email='<script>alert("x")</script>')
    html = response.content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_unverified_person_cannot_sign_in_until_they_confirm(client):
    UserFactory(email="waiting@example.org", verified_email=False)
    response = client.post("/account/login/", {"login": "waiting@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/account/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_an_error_not_a_crash(client, supporter):
    response = client.post("/account/login/", {"login": supporter.email, "password": "wrong"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_my_account_needs_sign_in(client):
    response = client.get("/my-account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_my_account_shows_the_persons_details(client, supporter):
    client.force_login(supporter)
    response = client.get("/my-account/")
    html = response.content.decode()
    assert response.status_code == 200
    assert supporter.email in html
    assert "a nurse in the South West" in html


def test_details_can_be_changed_and_bad_choices_are_refused(client, supporter):
    client.force_login(supporter)
    response = client.post(
        "/my-account/details/",
        {
            "display_name": "Sam S",
            "job_role": "porter",
            "sector": "nhs-acute",
            "region": "made-up",
            "organisation_name": "",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    supporter.refresh_from_db()
    assert supporter.job_role == "nurse"
    response = client.post(
        "/my-account/details/",
        {
            "display_name": "Sam S",
            "job_role": "porter",
            "sector": "nhs-acute",
            "region": "london",
            "organisation_name": "",
        },
    )
    assert response.status_code == 302
    supporter.refresh_from_db()
    assert (supporter.job_role, supporter.region) == ("porter", "london")


@pytest.mark.parametrize(
    "url",
    [
        "/account/login/",
        "/account/signup/",
        "/account/password/reset/",
        "/account/confirm-email/",
    ],
)
def test_allauth_pages_use_the_site_look(client, url):
    html = client.get(url).content.decode()
    assert 'class="nhsuk-header"' in html
    assert 'class="nhsuk-heading-xl"' in html


@pytest.mark.parametrize("url", ["/account/email/", "/account/password/change/"])
def test_signed_in_allauth_pages_use_the_site_look(client, supporter, url):
    client.force_login(supporter)
    html = client.get(url).content.decode()
    assert 'class="nhsuk-header"' in html
    assert "nhsuk-button" in html


def test_role_and_area_phrases_read_naturally():
    assert UserFactory.build(job_role="administrator", region="london").role_and_area == "an administrator in London"
    assert (
        UserFactory.build(job_role="care-worker", region="north-west").role_and_area
        == "a care worker in the North West"
    )
    assert UserFactory.build(job_role="nurse", region="midlands").role_and_area == "a nurse in the Midlands"
