"""Words in the NHS.UK content style, a contact page linked from everywhere people need it."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from mail.previews import all_previews
from tests.pledges.conftest import campaign  # noqa: F401

pytestmark = pytest.mark.django_db

AMERICAN_OR_TITLE_CASE = re.compile(
    r"finaliz|authoriz|organiz|Verify Your|Email Address\b|Password Reset|Sign Out|Sign In\b|Sign Up|"
    r"Make Primary|Re-send|Remember Me|Forgot Password|Change Password|Set Password|Please contact us"
)


@override_settings(CONTACT_EMAIL="team@carepledge.test")
def test_contact_page_gives_the_programme_teams_address_and_every_footer_links_to_it(client):
    html = client.get(reverse("contact")).content.decode()
    assert "<h1" in html and "Contact and help" in html
    assert 'href="mailto:team@carepledge.test"' in html
    for url in ("/", reverse("pledges:index"), reverse("account_login")):
        footer = client.get(url).content.decode().split('<footer class="nhsuk-footer"', 1)[1]
        assert 'href="/contact/"' in footer


def test_pages_that_say_ask_the_programme_team_link_to_the_contact_page(client):
    for url in (reverse("accessibility"), reverse("retention")):
        html = client.get(url).content.decode()
        assert '<a href="/contact/">' in html, url


@pytest.mark.parametrize(
    "url",
    [
        "/account/login/",
        "/account/signup/",
        "/account/password/reset/",
        "/account/password/reset/done/",
        "/account/confirm-email/",
        "/account/confirm-email/not-a-key/",
        "/account/password/reset/key/1-bad/",
    ],
)
def test_account_pages_signed_out_speak_british_english_in_sentence_case(client, url):
    html = client.get(url).content.decode()
    main = html.split('id="maincontent"', 1)[1].split("</main>", 1)[0]
    assert not AMERICAN_OR_TITLE_CASE.search(main), AMERICAN_OR_TITLE_CASE.search(main).group(0)


@pytest.mark.parametrize("url", ["/account/email/", "/account/password/change/", "/account/logout/"])
def test_account_pages_signed_in_speak_british_english_in_sentence_case(client, supporter, url):
    client.force_login(supporter)
    html = client.get(url).content.decode()
    main = html.split('id="maincontent"', 1)[1].split("</main>", 1)[0]
    assert not AMERICAN_OR_TITLE_CASE.search(main), AMERICAN_OR_TITLE_CASE.search(main).group(0)


def test_verification_page_says_what_to_do_and_links_to_contact(client):
    html = client.get("/account/confirm-email/").content.decode()
    assert "Confirm your email address" in html and '<a href="/contact/">contact us</a>' in html


def test_email_previews_are_listed_by_what_they_are_not_by_slug(client, moderator):
    client.force_login(moderator)
    html = client.get(reverse("mail:preview_list")).content.decode()
    for kind in all_previews():
        link = re.search(rf'href="/email/previews/{kind}/">([^<]+)</a>', html).group(1)
        assert link != kind and "-" not in link.split(" ")[0], link
    assert "Milestone reached (to people who asked for news)" in html
    assert ">mail<" not in html
    detail = client.get(reverse("mail:preview_detail", args=["milestone-news"])).content.decode()
    assert "Milestone reached (to people who asked for news)" in detail and "Whole site" in detail


def test_employer_directory_is_not_titled_committed_when_it_lists_every_checked_employer(client):
    html = client.get(reverse("organisations:directory")).content.decode()
    assert "Committed employers" not in html and "<title>Find an employer" in html


def test_totals_explain_why_there_are_more_pledges_than_people(client, campaign):  # noqa: F811
    html = client.get(reverse("pledges:index")).content.decode()
    assert "people pledging" in html and "One person can make several pledges" in html


def test_dashboard_explains_people_pledging(client, programme_admin, campaign):  # noqa: F811
    client.force_login(programme_admin)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert "People pledging counts each person once" in html
