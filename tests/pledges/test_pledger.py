"""The public pledger's journey: the privacy warning before sending, her own pledge page,
sharing and its picture, the mobile wall, withdrawing, lost links and her data, by HTTP."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.core import signing
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.urls import reverse
from PIL import Image

from accounts import data_rights
from mail.models import Email
from mail.previews import all_previews
from pledges import images, selectors, services
from pledges import keys as pledge_keys
from pledges.models import Pledge

from .factories import PledgeFactory

pytestmark = pytest.mark.django_db

NEW = reverse("pledges:new")
CHECK = reverse("pledges:check")
WALL = reverse("pledges:index")
LINKS = reverse("pledges:links")


# --- 1. The privacy warning on the check page --------------------------------------------


def test_check_page_warns_of_personal_data_before_sending_and_keeps_the_draft(client, campaign, form_data):
    text = "I will ring Mrs Khan on 07700 900123 every week after discharge."
    client.post(NEW, {**form_data, "text": text})
    html = client.get(CHECK).content.decode()
    assert "nhsuk-warning-callout" in html
    assert "A moderator will check your pledge first" in html
    assert "seem to contain a phone number" in html
    assert f'href="{NEW}#id_text"' in html
    assert Pledge.objects.count() == 0  # nothing sent yet
    # "Change" goes back to the form with everything she typed.
    assert text in client.get(NEW).content.decode()


def test_check_page_has_no_warning_when_nothing_is_found(client, campaign, form_data):
    client.post(NEW, form_data)
    html = client.get(CHECK).content.decode()
    assert "nhsuk-warning-callout" not in html
    assert "when you open it and press" in html


def test_the_warning_and_the_hold_agree(client, campaign, form_data, django_capture_on_commit_callbacks):
    client.post(NEW, {**form_data, "text": "I will learn more about dementia, call me on 07700 900123."})
    assert "A moderator will check your pledge first" in client.get(CHECK).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHECK)
    pledge = Pledge.objects.get()
    assert services.pledge_confirm(pledge_id=pledge.pk).outcome == "held"


# --- 2. Her own pledge ------------------------------------------------------------------------


def test_author_signed_in_is_not_offered_to_join_and_shares_as_the_author(client, campaign, supporter):
    pledge = PledgeFactory(user=supporter, email=supporter.email)
    client.force_login(supporter)
    html = client.get(pledge.get_absolute_url()).content.decode()
    assert "I&#x27;ll do this too" not in html and "I'll do this too" not in html
    assert "This is your pledge" in html
    assert "I+pledged+for+Change+Day+2027" in html  # the X share text
    assert "I+saw+this+pledge" not in html
    assert reverse("pledges:manage", args=[pledge.pk]) in html


def test_visitor_is_offered_to_join_and_shares_what_they_saw(client, campaign):
    pledge = PledgeFactory()
    html = client.get(pledge.get_absolute_url()).content.decode()
    assert "I&#x27;ll do this too" in html or "I'll do this too" in html
    assert "I+saw+this+pledge" in html
    assert "This is your pledge" not in html


def test_arriving_by_the_manage_link_makes_the_pledge_page_hers_only_in_her_browser(client, campaign):
    pledge = PledgeFactory()
    from django.test import Client

    stranger = Client()
    stranger.get(pledge.get_absolute_url())  # the public page, cached for anyone signed out
    client.get(reverse("pledges:manage_signed", args=[services.manage_token(pledge)]))
    html = client.get(pledge.get_absolute_url()).content.decode()
    assert "This is your pledge" in html
    assert "I+pledged+for" in html
    link = re.search(r'href="(/pledges/manage/[^"]+/)"', html).group(1)
    assert client.get(link).status_code == 200
    assert "This is your pledge" not in Client().get(pledge.get_absolute_url()).content.decode()


# --- 3. Sharing and the picture ---------------------------------------------------------------


def test_pledge_page_offers_copy_and_share_buttons_over_plain_links(client, campaign):
    pledge = PledgeFactory()
    html = client.get(pledge.get_absolute_url()).content.decode()
    # Hidden until app.js finds the browser can do them; the plain links are always there.
    assert re.search(
        r'<div class="app-share-actions" data-share-url="http://testserver/pledges/\d+/"[^>]* hidden>', html
    )
    assert "data-share-copy hidden>Copy link</button>" in html
    assert "data-share-native hidden>Share</button>" in html
    assert "Share by email" in html and 'id="share-link"' in html


def test_pledge_page_has_open_graph_tags_with_a_picture(client, campaign):
    pledge = PledgeFactory(text="I will <learn> more & share it")
    html = client.get(pledge.get_absolute_url()).content.decode()
    version = images.image_version(pledge)
    assert f'<meta property="og:image" content="http://testserver/pledges/{pledge.pk}/image.png?v={version}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert f'<meta property="og:url" content="http://testserver/pledges/{pledge.pk}/">' in html
    assert '<meta property="og:title"' in html
    assert "I will &lt;learn&gt; more &amp; share it" in html  # escaped in og:description


def test_picture_is_a_png_of_the_pledge_and_is_drawn_once(client, campaign, monkeypatch):
    pledge = PledgeFactory(text=("I will learn the names of everyone on my ward, " * 6)[:280])
    drawn = []
    draw = images.pledge_image_draw
    monkeypatch.setattr(images, "pledge_image_draw", lambda p: drawn.append(p.pk) or draw(p))
    url = reverse("pledges:image", args=[pledge.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
    assert client.get(url).content == response.content
    assert drawn == [pledge.pk]
    # New words, new picture (and a new address in og:image).
    Pledge.objects.filter(pk=pledge.pk).update(text="I will say thank you at the end of each shift.")
    client.get(url)
    assert drawn == [pledge.pk, pledge.pk]


def test_picture_is_drawn_with_pillows_own_font_when_dejavu_is_missing(campaign, monkeypatch, tmp_path):
    monkeypatch.setattr(images, "FONT_DIR", tmp_path)
    images._font.cache_clear()
    try:
        png = images.pledge_image_draw(PledgeFactory())
    finally:
        images._font.cache_clear()
    assert Image.open(io.BytesIO(png)).size == (1200, 630)


@pytest.mark.parametrize("status", [Pledge.Status.HELD, Pledge.Status.HIDDEN, Pledge.Status.WITHDRAWN])
def test_no_picture_for_a_pledge_that_is_not_published(client, campaign, status):
    pledge = PledgeFactory(status=status)
    assert client.get(reverse("pledges:image", args=[pledge.pk])).status_code == 404


# --- 4 and 8. The wall on a phone, counts, closing date and target ----------------------------


def test_wall_folds_its_filters_until_some_are_used(client, campaign):
    PledgeFactory()
    html = client.get(WALL).content.decode()
    assert '<details class="nhsuk-details app-filters-details" data-open-wide>' in html
    assert "Filter pledges" in html
    # Results come before the "More" links and the breakdown.
    assert html.index("Newest pledges") < html.index("Past campaigns")
    filtered = client.get(WALL, {"region": "london"}).content.decode()
    assert '<details class="nhsuk-details app-filters-details" data-open-wide open>' in filtered


def test_search_says_how_many_pledges_match(client, campaign):
    for n in range(3):
        PledgeFactory(text=f"I will practise hand hygiene, promise {n}")
    PledgeFactory(text="I will take my breaks")
    html = client.get(WALL, {"q": "hygiene"}).content.decode()
    assert "3 pledges match &lsquo;hygiene&rsquo;" in html
    html = client.get(WALL, {"q": "breaks"}).content.decode()
    assert "1 pledge matches &lsquo;breaks&rsquo;" in html
    html = client.get(WALL, {"q": "hygiene", "region": "london"}).content.decode()
    assert "pledges match &lsquo;" not in html and "No pledges match" in html


def test_match_count_stops_at_the_cap(client, campaign, monkeypatch):
    monkeypatch.setattr(selectors, "MATCH_COUNT_CAP", 2)
    for n in range(4):
        PledgeFactory(text=f"I will practise hand hygiene, promise {n}")
    assert selectors.match_count(selectors.public_pledges(), cap=2) == 3
    html = client.get(WALL, {"q": "hygiene"}).content.decode()
    assert "More than 2 pledges match &lsquo;hygiene&rsquo;" in html


@pytest.mark.needs_postgres
def test_match_count_gives_up_rather_than_hold_up_the_page(campaign, monkeypatch):
    PledgeFactory()
    monkeypatch.setattr(selectors, "MATCH_COUNT_TIMEOUT_MS", 20)
    slow = Pledge.objects.filter(
        RawSQL("(SELECT true FROM pg_sleep(0.2))", [], output_field=BooleanField())  # noqa: S611
    )
    assert selectors.match_count(slow) is None
    # The time limit went with the count: the next query may take its time.
    assert Pledge.objects.filter(RawSQL("(SELECT true FROM pg_sleep(0.05))", [], output_field=BooleanField())).exists()


@pytest.mark.needs_postgres
def test_a_count_that_gave_up_is_not_waited_for_again_at_once(campaign, monkeypatch, django_assert_num_queries):
    PledgeFactory()
    monkeypatch.setattr(selectors, "MATCH_COUNT_TIMEOUT_MS", 20)
    slow = Pledge.objects.filter(
        RawSQL("(SELECT true FROM pg_sleep(0.2))", [], output_field=BooleanField())  # noqa: S611
    )
    assert selectors.match_count(slow) is None
    with django_assert_num_queries(0):
        assert selectors.match_count(slow) is None


def test_wall_shows_closing_date_and_progress_to_target(client, campaign):
    campaign.target = 10000
    campaign.save()
    from counters.services import counters_add

    counters_add({pledge_keys.total(campaign.pk): 2500})
    html = client.get(WALL).content.decode()
    assert f"Pledging closes on {campaign.closes_at:%-d %B %Y}." in html
    assert "The target is 10,000 pledges: 25% of the way there." in html
    assert '<progress class="app-progress" max="10000" value="2500"' in html


# --- 5. Withdraw with a confirmation page -----------------------------------------------------


def test_withdraw_asks_first_and_changes_nothing_until_yes(client, campaign, service_data):
    pledge = services.pledge_submit(campaign=campaign, data=service_data).pledge
    services.pledge_confirm(pledge_id=pledge.pk)
    token = services.manage_token(pledge)
    manage_html = client.get(reverse("pledges:manage_signed", args=[token])).content.decode()
    withdraw_url = reverse("pledges:withdraw_signed", args=[token])
    assert f'href="{withdraw_url}"' in manage_html
    page = client.get(withdraw_url).content.decode()
    assert "Are you sure you want to withdraw your pledge?" in page
    assert "No, keep my pledge" in page
    # An old page's one-click form only leads to the question.
    assert client.post(reverse("pledges:manage_signed", args=[token]), {"action": "withdraw"}).url == withdraw_url
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PUBLISHED
    response = client.post(withdraw_url)
    assert response.url == WALL
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.WITHDRAWN
    assert client.get(withdraw_url).status_code == 404


def test_withdraw_from_the_account_and_not_someone_elses(client, campaign, supporter, outsider, service_data):
    pledge = services.pledge_submit(campaign=campaign, data=service_data, user=supporter).pledge
    url = reverse("pledges:withdraw", args=[pledge.pk])
    client.force_login(outsider)
    assert client.post(url).status_code == 403
    client.force_login(supporter)
    assert "Are you sure" in client.get(url).content.decode()
    assert client.post(url).url == reverse("accounts:home")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.WITHDRAWN


# --- 6. Email me links to my pledges ----------------------------------------------------------


def test_links_email_lists_each_pledge_with_its_manage_link(
    client, campaign, django_capture_on_commit_callbacks, mailoutbox
):
    mine = [
        PledgeFactory(email="Jo.Bloggs@gmail.com", name="Jo Bloggs", text="I will <always> thank the night team."),
        PledgeFactory(
            email="jobloggs+cp@gmail.com", name="Jo Bloggs", text="I will learn more about dementia.", unconfirmed=True
        ),
    ]
    PledgeFactory(email="jobloggs@gmail.com", status=Pledge.Status.WITHDRAWN, text="I withdrew this one.")
    PledgeFactory(email="someone.else@example.org", text="Not hers at all.")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LINKS, {"email": "jo.bloggs@gmail.com"})
    assert response.url == reverse("pledges:links_sent")
    sent_page = client.get(response.url).content.decode()
    assert "create an account" in sent_page and "appear on your account page" in sent_page
    [mail] = mailoutbox
    assert mail.to == ["jobloggs+cp@gmail.com"]  # the newest pledge's own spelling
    assert mail.subject == "Links to your pledges"
    assert "Hello Jo," in mail.body
    html = mail.alternatives[0][0]
    for pledge in mine:
        link = "http://testserver" + reverse("pledges:manage_signed", args=[services.manage_token(pledge)])
        assert link in mail.body and link in html
    assert "I will <always> thank the night team." in mail.body
    assert "I will &lt;always&gt; thank the night team." in html
    assert "withdrew" not in mail.body and "Not hers" not in mail.body
    assert "if you create an account with this email address and confirm it" in mail.body
    data_link = re.search(r"http://testserver(/my-account/your-data/[^/\s]+/)", mail.body).group(1)
    assert data_link in html
    assert client.get(data_link).status_code == 200


def test_links_answer_the_same_for_an_unknown_address_and_send_nothing(
    client, campaign, django_capture_on_commit_callbacks, mailoutbox
):
    PledgeFactory(email="jo@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(LINKS, {"email": "jo@example.org"})
        unknown = client.post(LINKS, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert [m.to for m in mailoutbox] == [["jo@example.org"]]


def test_asking_twice_in_a_few_minutes_sends_one_email(client, campaign, django_capture_on_commit_callbacks):
    PledgeFactory(email="jo@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(LINKS, {"email": "jo@example.org"})
        client.post(LINKS, {"email": "JO@example.org"})
    assert Email.objects.filter(kind="pledge-links").count() == 1


def test_links_are_rate_limited_per_address(client, campaign):
    PledgeFactory(email="jo@example.org")
    for _ in range(3):
        assert client.post(LINKS, {"email": "jo@example.org"}).status_code == 302
    assert client.post(LINKS, {"email": "jo@example.org"}).status_code == 429


def test_links_form_errors_keep_what_was_typed(client, campaign):
    html = client.post(LINKS, {"email": "jo at example"}).content.decode()
    assert "Enter an email address in the correct format" in html
    assert 'value="jo at example"' in html
    assert "<title>Error: " in html


def test_links_email_has_a_staff_preview():
    assert all_previews()["pledge-links"][0] == "pledges"


# --- 7. Download and delete by emailed link ---------------------------------------------------


def _data_url(email: str, name: str = "data_by_link") -> str:
    return reverse(f"accounts:{name}", args=[data_rights.data_link_token(email)])


def test_manage_page_links_to_her_data(client, campaign):
    pledge = PledgeFactory(email="jo@example.org")
    html = client.get(reverse("pledges:manage_signed", args=[services.manage_token(pledge)])).content.decode()
    assert re.search(r'href="/my-account/your-data/[^"]+/">Download or delete your data', html)


def test_download_her_pledges_and_joins_as_json_and_csv(client, campaign):
    original = PledgeFactory(email="other@example.org")
    PledgeFactory(email="jo@example.org", text="=HYPERLINK(bad) I will be kind.")
    PledgeFactory(email="jo@example.org", text=original.text, joined_from=original)
    page = client.get(_data_url("jo@example.org")).content.decode()
    assert "Download your data" in page and "Delete my data" in page
    data = json.loads(client.get(_data_url("jo@example.org", "data_by_link_json")).content)
    assert len(data["pledges"]["pledges"]) == 2
    assert data["email"] == "jo@example.org"
    response = client.get(_data_url("jo@example.org", "data_by_link_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 2
    assert {r["joined"] for r in rows} == {"", f"http://testserver/pledges/{original.pk}/"}
    assert "'=HYPERLINK(bad) I will be kind." in {r["text"] for r in rows}


@pytest.mark.parametrize("choice", ["keep", "remove"])
def test_delete_her_data_by_link(client, campaign, service_data, choice):
    pledge = services.pledge_submit(campaign=campaign, data=service_data).pledge
    services.pledge_confirm(pledge_id=pledge.pk)
    url = _data_url("jo@example.org", "data_by_link_delete")
    html = client.post(url, {"contributions": choice}).content.decode()
    assert "Confirm that you want your details deleted" in html  # nothing happens without it
    assert Pledge.objects.filter(email="jo@example.org").exists()
    response = client.post(url, {"contributions": choice, "confirm": "on"})
    assert response.status_code == 302
    assert not Pledge.objects.filter(email_normalised="jo@example.org").exists()
    assert Pledge.objects.filter(pk=pledge.pk).exists() == (choice == "keep")
    assert not Email.objects.filter(to__iexact="jo@example.org").exists()


def test_data_links_that_are_bad_or_old_or_for_an_account(client, campaign, supporter, monkeypatch):
    assert client.get(reverse("accounts:data_by_link", args=["bad:token"])).status_code == 404
    old = data_rights.data_link_token("jo@example.org")
    monkeypatch.setattr(data_rights, "LINK_MAX_AGE", timedelta(seconds=-1))
    response = client.get(reverse("accounts:data_by_link", args=[old]))
    assert response.status_code == 410 and "ask for a new link" in response.content.decode()
    monkeypatch.undo()
    html = client.get(_data_url(supporter.email.upper(), "data_by_link_delete")).content.decode()
    assert "Use your account" in html
    with pytest.raises(signing.BadSignature):
        data_rights.data_link_read(services.manage_token(PledgeFactory()))


def test_confirming_by_the_email_link_makes_the_pledge_page_hers(client, campaign, service_data):
    pledge = services.pledge_submit(campaign=campaign, data=service_data).pledge
    client.post(reverse("pledges:confirm", args=[services.confirm_token(pledge)]))
    html = client.get(pledge.get_absolute_url()).content.decode()
    assert "This is your pledge" in html
    assert "I'll do this too" not in html and "I&#x27;ll do this too" not in html


def test_an_expired_manage_link_offers_new_links(client, campaign, monkeypatch):
    token = services.manage_token(PledgeFactory())
    monkeypatch.setattr(services, "MANAGE_MAX_AGE", timedelta(seconds=-1))
    response = client.get(reverse("pledges:manage_signed", args=[token]))
    assert response.status_code == 410
    assert f'href="{LINKS}"' in response.content.decode()


@pytest.mark.needs_postgres
def test_a_count_is_reused_for_a_short_while(campaign):
    """The same query within MATCH_COUNT_KEPT seconds reuses the count already made; any
    other query (other words, filters, or a rare word whose matching ids changed) is counted."""
    from django.core.cache import caches

    for n in range(3):
        PledgeFactory(text=f"I will practise hand hygiene, promise {n}", region="london")
    london = selectors.public_pledges().filter(region="london")
    assert selectors.match_count(london) == 3
    PledgeFactory(text="I will practise hand hygiene, promise 4", region="london")
    assert selectors.match_count(london) == 3
    assert selectors.match_count(london.filter(kind=Pledge.Kind.ME)) == Pledge.objects.filter(kind="me").count()
    caches["local"].clear()  # as MATCH_COUNT_KEPT seconds passing would
    assert selectors.match_count(london) == 4
