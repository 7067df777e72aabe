import pytest

from mail.previews import all_previews

pytestmark = pytest.mark.django_db


def test_previews_are_found_in_each_apps_emails_module():
    previews = all_previews()
    assert {"milestone-reached", "milestone-news", "account-email_confirmation_signup"} <= set(previews)
    assert previews["milestone-news"][0] == "mail"


def test_staff_see_every_email_in_the_list(client, moderator):
    client.force_login(moderator)
    response = client.get("/email/previews/")
    html = response.content.decode()
    assert response.status_code == 200
    for kind in all_previews():
        assert f'href="/email/previews/{kind}/"' in html


@pytest.mark.parametrize("kind", sorted(all_previews()))
def test_each_preview_shows_subject_text_and_html(client, moderator, kind):
    client.force_login(moderator)
    page = client.get(f"/email/previews/{kind}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Subject" in html and 'class="app-email-text"' in html
    frame = client.get(f"/email/previews/{kind}/html/")
    assert frame.status_code == 200
    assert "frame-ancestors 'self'" in frame["Content-Security-Policy"]
    assert frame["X-Frame-Options"] == "SAMEORIGIN"
    assert b"<html" in frame.content


def test_news_preview_shows_the_unsubscribe_footer(client, moderator):
    client.force_login(moderator)
    assert b"Unsubscribe or choose what you get" in client.get("/email/previews/milestone-news/html/").content


@pytest.mark.parametrize("persona", ["supporter", "outsider"])
def test_people_who_are_not_staff_cannot_preview(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/email/previews/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/email/previews/milestone-news/").status_code == 302


def test_unknown_kind_is_not_found(client, moderator):
    client.force_login(moderator)
    assert client.get("/email/previews/no-such-email/").status_code == 404
