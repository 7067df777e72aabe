"""Making, confirming and joining pledges through HTTP, per persona."""

import re

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mail.models import Email
from pledges import cache as pledge_cache
from pledges import services
from pledges.models import Pledge, Theme
from tests.factories import PASSWORD

from .factories import CampaignFactory, PledgeFactory

pytestmark = pytest.mark.django_db

NEW = reverse("pledges:new")
CHECK = reverse("pledges:check")


def confirm_url_from(mail) -> str:
    return re.search(r"http://testserver(/pledges/confirm/[^/\s]+/)", mail.body).group(1)


def test_form_shows_the_live_character_count_and_honeypot(client, campaign):
    html = client.get(NEW).content.decode()
    assert 'data-module="nhsuk-character-count"' in html
    assert 'data-maxlength="280"' in html
    assert 'name="website"' in html
    assert 'name="email"' in html


def test_signed_in_form_is_filled_from_the_profile_and_asks_no_email(client, campaign, org_rep):
    client.force_login(org_rep)
    html = client.get(NEW).content.decode()
    assert 'name="email"' not in html
    assert '<option value="registered-manager" selected>' in html
    assert 'value="Exe Valley Hospital"' in html


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"text": "Too short"}, "text", "Your pledge must be 10 characters or more"),
        ({"text": "x" * 281}, "text", "Your pledge must be 280 characters or fewer"),
        ({"theme": ""}, "theme", "Choose a theme"),
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"consent": ""}, "consent", "Confirm you have read the privacy notice"),
        ({"theme": "99999"}, "theme", "Choose a theme from the list"),
        ({"theme": "first"}, "theme", "Choose a theme from the list"),
        ({"theme": "9" * 30}, "theme", "Choose a theme from the list"),
    ],
)
def test_bad_input_gets_an_nhs_error_and_keeps_what_was_typed(client, campaign, form_data, change, field, message):
    response = client.post(NEW, {**form_data, **change})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "nhsuk-error-summary" in html
    assert message in html
    assert f'href="#id_{field}' in html
    assert 'value="Oak Lodge"' in html  # another field, kept
    assert Pledge.objects.count() == 0


def test_html_in_any_field_is_shown_escaped(client, campaign, form_data):
    client.post(NEW, {**form_data, "text": "<script>alert(1)</script> I will be kind", "name": "<b>Jo</b>"})
    html = client.get(CHECK).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Jo&lt;/b&gt;" in html


def test_check_your_answers_then_going_back_keeps_everything(client, campaign, form_data):
    response = client.post(NEW, form_data)
    assert response.status_code == 302 and response.url == CHECK
    check = client.get(CHECK).content.decode()
    assert "Check your pledge before you send it" in check
    assert "I will learn more about dementia" in check
    assert "a care worker in the South West" in check
    back = client.get(NEW).content.decode()
    assert "I will learn more about dementia and share it with my team." in back
    assert 'value="Jo.Bloggs+cp@gmail.com"' in back


def test_pledge_without_account_confirms_by_email_button(
    client, campaign, form_data, django_capture_on_commit_callbacks, mailoutbox
):
    client.post(NEW, form_data)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHECK)
    assert response.url == reverse("pledges:sent")
    assert "Check your email" in client.get(response.url).content.decode()
    [mail] = mailoutbox
    assert mail.to == ["Jo.Bloggs+cp@gmail.com"]
    html_part = mail.alternatives[0][0]
    url = confirm_url_from(mail)
    assert url in html_part
    # A mail scanner opening the link changes nothing.
    page = client.get(url)
    assert page.status_code == 200
    assert "Confirm my pledge" in page.content.decode()
    assert Pledge.objects.get().status == Pledge.Status.UNCONFIRMED
    response = client.post(url)
    pledge = Pledge.objects.get()
    assert pledge.status == Pledge.Status.PUBLISHED
    assert response.url == pledge.get_absolute_url()
    # Pressing it again is harmless.
    again = client.post(url)
    assert again.status_code == 302
    assert Pledge.objects.filter(status=Pledge.Status.PUBLISHED).count() == 1


def test_confirmation_email_has_both_parts_and_escapes_the_pledge(
    client, campaign, form_data, django_capture_on_commit_callbacks, mailoutbox
):
    client.post(NEW, {**form_data, "text": "I will <b>always</b> say thank you & mean it"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHECK)
    [mail] = mailoutbox
    assert "I will <b>always</b> say thank you & mean it" in mail.body
    html = mail.alternatives[0][0]
    assert "I will &lt;b&gt;always&lt;/b&gt; say thank you &amp; mean it" in html
    assert mail.subject == "Confirm your pledge for Change Day 2027"
    assert Email.objects.get().key.startswith("pledge-confirm:")


def test_double_submit_saves_one_pledge(client, campaign, form_data):
    client.post(NEW, form_data)
    client.post(CHECK)
    second = client.post(CHECK)
    assert second.status_code == 302
    assert Pledge.objects.count() == 1


def test_honeypot_filled_saves_nothing_but_looks_fine(client, campaign, form_data):
    response = client.post(NEW, {**form_data, "website": "http://spam.example"})
    assert response.url == reverse("pledges:sent")
    assert Pledge.objects.count() == 0


def test_signed_in_verified_pledge_appears_at_once(client, campaign, form_data, supporter):
    client.force_login(supporter)
    client.post(NEW, {**form_data, "name": ""})
    response = client.post(CHECK)
    pledge = Pledge.objects.get()
    assert response.url == pledge.get_absolute_url()
    assert pledge.status == Pledge.Status.PUBLISHED
    assert pledge.user == supporter
    assert "I will learn more about dementia" in client.get(reverse("pledges:index")).content.decode()


def test_signed_in_choosing_to_show_name_needs_a_name(client, campaign, form_data, supporter):
    client.force_login(supporter)
    response = client.post(NEW, {**form_data, "name": "", "show_name": Pledge.ShowName.NAME})
    assert "Enter your name, or choose to be shown by role and area only" in response.content.decode()


def test_pledge_with_nhs_number_is_held_and_the_person_is_told(client, campaign, form_data, supporter):
    client.force_login(supporter)
    client.post(NEW, {**form_data, "text": "I will check on Mrs Smith, NHS number 943 476 5919, every day"})
    response = client.post(CHECK, follow=True)
    html = response.content.decode()
    assert "Your pledge will be checked first" in html
    assert "an NHS number" in html
    assert Pledge.objects.get().status == Pledge.Status.HELD
    assert "Mrs Smith" not in client.get(reverse("pledges:index")).content.decode()


def test_duplicate_pledge_is_sent_kindly_to_the_existing_one(client, campaign, form_data, supporter):
    client.force_login(supporter)
    client.post(NEW, form_data)
    client.post(CHECK)
    client.post(NEW, {**form_data, "text": "I will learn more about DEMENTIA, and share it with my team!"})
    response = client.post(CHECK, follow=True)
    assert "You have already made this pledge" in response.content.decode()
    assert Pledge.objects.count() == 1


def test_form_before_the_window_opens_says_when_and_keeps_the_answers(client, form_data):
    CampaignFactory(is_current=True, not_open_yet=True, name="Change Day 2028")
    html = client.get(NEW).content.decode()
    assert "Pledging for Change Day 2028 opens on" in html
    response = client.post(NEW, form_data)
    html = response.content.decode()
    assert "Pledging for Change Day 2028 opens on" in html
    assert "nhsuk-error-summary" in html
    assert "I will learn more about dementia" in html
    assert Pledge.objects.count() == 0


def test_form_after_the_window_says_it_has_closed(client, form_data):
    CampaignFactory(is_current=True, closed=True, name="Change Day 2026")
    response = client.post(NEW, form_data)
    assert "Pledging for Change Day 2026 has closed." in response.content.decode()


def test_no_current_campaign_says_pledging_is_not_open(client, db):
    assert "Pledging is not open" in client.get(NEW).content.decode()


def test_tampered_confirm_token_is_a_friendly_404(client, campaign):
    response = client.get(reverse("pledges:confirm", args=["nonsense:abc"]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert client.post(reverse("pledges:confirm", args=["nonsense:abc"])).status_code == 404


def test_expired_confirm_token_offers_to_start_again(client, campaign, service_data, monkeypatch):
    pledge = services.pledge_submit(campaign=campaign, data=service_data).pledge
    token = services.confirm_token(pledge)
    real_loads = signing.loads
    monkeypatch.setattr(signing, "loads", lambda *a, **k: real_loads(*a, **{**k, "max_age": -1}))
    response = client.post(reverse("pledges:confirm", args=[token]))
    assert response.status_code == 410
    assert "Make your pledge again" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.UNCONFIRMED


def test_rate_limit_on_pledging_per_email(client, campaign, form_data, settings):
    settings.RATELIMIT_MULTIPLIER = 1
    responses = []
    for n in range(8):
        client.post(NEW, {**form_data, "text": f"I will do better thing number {n} for my team"})
        responses.append(client.post(CHECK))
    assert [r.status_code for r in responses] == [302] * 6 + [429, 429]
    assert "Too many attempts" in responses[-1].content.decode()
    assert Pledge.objects.count() == 6


def test_rate_limit_multiplier_raises_limits(client, campaign, form_data, settings):
    settings.RATELIMIT_MULTIPLIER = 10
    for n in range(8):
        client.post(NEW, {**form_data, "text": f"I will do better thing number {n} for my team"})
        assert client.post(CHECK).status_code == 302


def test_join_without_account_is_confirmed_by_email(
    client, campaign, form_data, django_capture_on_commit_callbacks, mailoutbox
):
    original = PledgeFactory()
    url = reverse("pledges:join", args=[original.pk])
    assert "Join this pledge" in client.get(url).content.decode()
    data = {k: v for k, v in form_data.items() if k not in {"text", "theme"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.url == reverse("pledges:sent")
    client.post(confirm_url_from(mailoutbox[0]))
    original.refresh_from_db()
    assert original.joins_count == 1
    joined = Pledge.objects.get(joined_from=original)
    assert joined.text == original.text and joined.status == Pledge.Status.PUBLISHED


def test_signed_in_join_twice_is_one_join(client, campaign, supporter, form_data):
    original = PledgeFactory()
    client.force_login(supporter)
    data = {"kind": "me", "job_role": "nurse", "sector": "nhs-acute", "region": "london", "show_name": "role-and-area"}
    client.post(reverse("pledges:join", args=[original.pk]), data)
    response = client.post(reverse("pledges:join", args=[original.pk]), data, follow=True)
    assert "You have already joined this pledge" in response.content.decode()
    assert Pledge.objects.filter(joined_from=original).count() == 1


def test_cannot_join_a_hidden_pledge(client, campaign):
    hidden = PledgeFactory(status=Pledge.Status.HIDDEN)
    assert client.get(reverse("pledges:join", args=[hidden.pk])).status_code == 404


def test_sign_in_then_password_login_works_for_the_journey(client, campaign, supporter):
    assert client.login(email=supporter.email, password=PASSWORD)
    assert client.get(NEW).status_code == 200


def test_confirmation_email_carries_a_link_to_mark_done_later(
    client, campaign, form_data, django_capture_on_commit_callbacks, mailoutbox
):
    client.post(NEW, form_data)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHECK)
    [mail] = mailoutbox
    manage = re.search(r"http://testserver(/pledges/manage/[^/\s]+/)", mail.body).group(1)
    assert manage in mail.alternatives[0][0]
    client.post(confirm_url_from(mail))
    client.post(manage, {"action": "done", "story": "Done and dusted."})
    assert Pledge.objects.get().done_story == "Done and dusted."


def test_milestone_box_records_a_news_preference_only_once_confirmed(
    client, campaign, form_data, mailoutbox, django_capture_on_commit_callbacks
):
    from mail.models import MailPreference

    client.post(NEW, {**form_data, "news_opt_in": "on"})
    assert "Milestone emails" in client.get(CHECK).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHECK)
    assert not MailPreference.objects.filter(campaign_news=True).exists()
    client.post(confirm_url_from(mailoutbox[0]))
    assert MailPreference.objects.get(email="jo.bloggs+cp@gmail.com").campaign_news is True


def test_held_pledges_feed_the_staff_digest_after_a_day(campaign, service_data, supporter, moderator):
    from datetime import timedelta

    from django.utils import timezone

    from moderation.waiting import queues_waiting

    held = services.pledge_submit(
        campaign=campaign, data={**service_data, "text": "Call me on 07700 900123 any time"}, user=supporter
    ).pledge
    assert queues_waiting(timezone.now()) == []
    Pledge.objects.filter(pk=held.pk).update(created_at=timezone.now() - timedelta(days=2))
    [waiting] = queues_waiting(timezone.now())
    assert waiting.path == "/moderation/held-pledges/"
    assert waiting.description == "Held pledges: 1 waiting, the oldest for 48 hours"
    assert [person.email for person in waiting.staff] == [moderator.email]


def test_a_retired_theme_is_refused_and_sending_the_form_asks_nothing_of_the_theme_table(
    client, campaign, form_data, settings
):
    settings.PLEDGES_CAMPAIGN_TTL = 5  # as in production: the themes come from the kept lists
    theme = Theme.objects.get(pk=form_data["theme"])
    client.post(NEW, form_data)  # the lists are read
    with CaptureQueriesContext(connection) as queries:
        assert client.post(NEW, form_data).status_code == 302
    assert not [q for q in queries.captured_queries if "pledges_theme" in q["sql"]]
    Theme.objects.filter(pk=theme.pk).update(is_active=False)
    pledge_cache._campaign.clear()  # as the lists are read again within PLEDGES_CAMPAIGN_TTL
    html = client.post(NEW, form_data).content.decode()
    assert "Choose a theme from the list" in html
