import re

import pytest
from django.test import Client

from mail import links, services
from mail.models import Email, MailPreference

pytestmark = pytest.mark.django_db
CONTEXT = {"label": "pledges made <b>& more</b>", "threshold": 1000, "value": 1001, "key": "pledges:1:total"}


def send(django_capture_on_commit_callbacks, *, category, to="reader@example.org", key="k:1", kind="milestone-news"):
    with django_capture_on_commit_callbacks(execute=True):
        email = services.email_queue(kind=kind, to=to, key=key, context=CONTEXT, category=category)
    email.refresh_from_db()
    return email


@pytest.mark.parametrize("category", [Email.Category.NEWS, Email.Category.REMINDERS])
def test_optional_mail_carries_an_unsubscribe_link_in_both_parts_and_the_one_click_headers(
    category, django_capture_on_commit_callbacks, mailoutbox
):
    send(django_capture_on_commit_callbacks, category=category)
    (message,) = mailoutbox
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http://testserver/email/unsubscribe/") and header.endswith("/>")
    url = header[1:-1]
    assert links.read_unsubscribe_token(url.rstrip("/").rsplit("/", 1)[1]) == ("reader@example.org", category)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body
    html = message.alternatives[0][0]
    assert f'href="{url}"' in html
    assert html.count("Unsubscribe or choose what you get") == 1


@pytest.mark.parametrize("category", [Email.Category.TRANSACTIONAL, Email.Category.STAFF])
def test_essential_mail_has_no_unsubscribe_link(category, django_capture_on_commit_callbacks, mailoutbox):
    send(django_capture_on_commit_callbacks, category=category, kind="milestone-reached")
    (message,) = mailoutbox
    assert "List-Unsubscribe" not in message.extra_headers
    assert "unsubscribe" not in message.body.lower()
    assert "Unsubscribe" not in message.alternatives[0][0]


def test_user_text_is_escaped_in_html_and_kept_as_typed_in_text(django_capture_on_commit_callbacks, mailoutbox):
    send(django_capture_on_commit_callbacks, category=Email.Category.NEWS)
    (message,) = mailoutbox
    html = message.alternatives[0][0]
    assert "pledges made &lt;b&gt;&amp; more&lt;/b&gt;" in html
    assert "<b>& more</b>" not in html
    assert "pledges made <b>& more</b>" in message.body
    assert "&lt;" not in message.body and "&amp;" not in message.body


def test_unsubscribe_link_added_centrally_even_if_a_template_forgets_it():
    from mail.rendering import render_email

    rendered = render_email(
        "x",
        {"rendered": {"subject": "s", "text": "Hello\n", "html": "<html><body><p>Hello</p></body></html>"}},
        unsubscribe_url="http://testserver/email/unsubscribe/abc/?a=1&b=2",
        category_label="reminders",
    )
    assert "http://testserver/email/unsubscribe/abc/?a=1&b=2" in rendered.text
    assert 'href="http://testserver/email/unsubscribe/abc/?a=1&amp;b=2"' in rendered.html
    assert rendered.html.index("Unsubscribe") < rendered.html.index("</body>")


@pytest.mark.parametrize("category,field", [(Email.Category.NEWS, "news"), (Email.Category.REMINDERS, "reminders")])
def test_turned_off_category_is_recorded_as_suppressed_not_sent(
    category, field, django_capture_on_commit_callbacks, mailoutbox
):
    services.preference_set(email="Reader@Example.org", **{field: False})
    email = send(django_capture_on_commit_callbacks, category=category)
    assert email.status == Email.Status.SUPPRESSED
    assert mailoutbox == []


def test_transactional_mail_is_sent_whatever_the_choices(django_capture_on_commit_callbacks, mailoutbox):
    services.preference_set(email="reader@example.org", reminders=False, news=False)
    email = send(django_capture_on_commit_callbacks, category=Email.Category.TRANSACTIONAL, kind="milestone-reached")
    assert email.status == Email.Status.SENT and len(mailoutbox) == 1


def test_one_click_post_unsubscribes_without_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    token = links.unsubscribe_token("Reader@example.org", Email.Category.REMINDERS)
    response = client.post(f"/email/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You have unsubscribed" in response.content.decode()
    preference = MailPreference.objects.get(email="reader@example.org")
    assert preference.reminders is False and preference.news is True


def test_opening_the_unsubscribe_link_shows_a_button_and_changes_nothing(client):
    token = links.unsubscribe_token("reader@example.org", Email.Category.NEWS)
    response = client.get(f"/email/unsubscribe/{token}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post"' in html and ">Unsubscribe</button>" in html
    assert "campaign news and milestones" in html
    assert not MailPreference.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        links.preferences_token("reader@example.org"),  # signed for another purpose
        links.unsubscribe_token("reader@example.org", Email.Category.TRANSACTIONAL),
    ],
)
def test_a_bad_unsubscribe_link_explains_itself(client, token):
    response = client.post(f"/email/unsubscribe/{token}/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert not MailPreference.objects.exists()


def test_preferences_page_opens_from_a_signed_link_without_signing_in(client):
    response = client.get(links.preferences_url("reader@example.org").removeprefix("http://testserver"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "reader@example.org" in html
    assert 'name="reminders"' in html and 'name="campaign_news"' in html
    assert "<title>Choose the emails you get" in html


def test_saving_preferences_changes_what_the_person_gets(client):
    url = links.preferences_url("reader@example.org").removeprefix("http://testserver")
    response = client.post(url, {"news": "on", "campaign_news": "on"}, follow=True)
    assert "Your email choices have been saved." in response.content.decode()
    preference = MailPreference.objects.get(email="reader@example.org")
    assert (preference.reminders, preference.news, preference.campaign_news) == (False, True, True)


def test_preferences_link_for_someone_else_cannot_be_forged(client):
    token = links.preferences_token("reader@example.org")
    response = client.get(f"/email/preferences/{token[:-2]}xx/")
    assert response.status_code == 400


def test_turning_news_off_also_stops_milestone_announcements():
    services.campaign_news_opt_in(email="reader@example.org")
    preference = services.email_unsubscribe(email="reader@example.org", category=Email.Category.NEWS)
    assert preference.news is False and preference.campaign_news is False


def test_email_choices_are_part_of_a_data_export_and_erased_with_the_person():
    from accounts.data_rights import personal_data_erase, personal_data_export

    services.campaign_news_opt_in(email="reader@example.org")
    assert personal_data_export(email="reader@example.org")["email_choices"]["campaign_news"] is True
    personal_data_erase(email="reader@example.org")
    assert not MailPreference.objects.exists()


def test_subject_keeps_user_text_as_typed(django_capture_on_commit_callbacks, mailoutbox):
    send(django_capture_on_commit_callbacks, category=Email.Category.NEWS)
    assert mailoutbox[0].subject == "We have reached 1,000 pledges made <b>& more</b>"


def test_asking_for_milestone_emails_turns_news_on():
    preference = services.preference_set(email="reader@example.org", news=False, campaign_news=True)
    assert preference.news is True and preference.campaign_news is True


@pytest.mark.parametrize("kind", ["milestone-reached", "milestone-news"])
def test_milestone_emails_escape_the_label_in_html_only(kind):
    from mail.rendering import render_email

    rendered = render_email(kind, {**CONTEXT, "milestones_url": "http://testserver/milestones/"})
    assert "&lt;b&gt;&amp; more&lt;/b&gt;" in rendered.html and "<b>& more</b>" not in rendered.html
    assert "<b>& more</b>" in rendered.text and "<b>& more</b>" in rendered.subject
    assert "http://testserver/milestones/" in rendered.text and 'href="http://testserver/milestones/"' in rendered.html


def test_my_account_links_to_my_email_choices(client, supporter):
    client.force_login(supporter)
    html = client.get("/my-account/").content.decode()
    assert "Choose the emails you get" in html
    path = re.search(r'href="(/email/preferences/[^"]+/)"', html).group(1)
    assert "supporter@example.org" in client.get(path).content.decode()
