import pytest

from ambassadors.emails import PREVIEWS
from mail.rendering import render_email

KINDS = [
    "care-makers-endorsement",
    "care-makers-outcome",
    "care-makers-eligibility-opened",
    "care-makers-recommit",
    "care-makers-story-published",
    "care-makers-lapsed",
    "care-makers-story-rejected",
]


def test_every_email_kind_has_a_preview():
    assert sorted(PREVIEWS) == sorted(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_email_renders_both_parts_with_absolute_links(kind, settings):
    settings.SITE_URL = "https://carepledge.example"
    email = render_email(kind, PREVIEWS[kind]())
    assert email.subject and "\n" not in email.subject
    assert "https://carepledge.example/care-makers/" in email.text
    assert 'href="https://carepledge.example/care-makers/' in email.html
    assert "<html" in email.html and "<html" not in email.text
    assert "{{" not in email.text + email.html and "{%" not in email.text + email.html


def test_endorsement_email_escapes_the_statement_in_html_only():
    email = render_email("care-makers-endorsement", PREVIEWS["care-makers-endorsement"]())
    assert "<b>every</b>" not in email.html
    assert "&lt;b&gt;every&lt;/b&gt;" in email.html
    assert "6Cs & share" in email.text and "&amp;" not in email.text


def test_outcome_email_escapes_the_leads_note_and_names_the_reason():
    context = {
        **PREVIEWS["care-makers-outcome"](),
        "approved": False,
        "reason": "Places are full",
        "note": "<script>alert(1)</script>",
        "number": None,
    }
    email = render_email("care-makers-outcome", context)
    assert "Places are full" in email.text and "Places are full" in email.html
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert "<script>alert(1)</script>" in email.text
    assert email.subject == "Your Care Maker application"


def test_approved_outcome_email_gives_the_number():
    email = render_email("care-makers-outcome", PREVIEWS["care-makers-outcome"]())
    assert "Care Maker number 1024" in email.text and "Care Maker number 1024" in email.html
    assert email.subject == "Welcome: you are now a Care Maker"


def test_story_title_is_escaped_in_the_published_email():
    context = {**PREVIEWS["care-makers-story-published"](), "title": "Tea & <biscuits>"}
    email = render_email("care-makers-story-published", context)
    assert "Tea &amp; &lt;biscuits&gt;" in email.html
    assert '"Tea & <biscuits>"' in email.text


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_staff_preview_shows_each_care_maker_email(client, programme_admin, kind):
    client.force_login(programme_admin)
    assert client.get(f"/email/previews/{kind}/").status_code == 200
    assert client.get(f"/email/previews/{kind}/html/").status_code == 200
