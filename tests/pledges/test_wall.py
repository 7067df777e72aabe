"""The wall, pledge pages, done/withdraw/report, counts, embeds and open data."""

import csv
import io
import json

import pytest
from django.core.cache import caches
from django.urls import reverse

from core.csv_stream import csv_safe
from counters.services import counters_add
from pledges import keys as pledge_keys
from pledges import services
from pledges.models import Pledge, Theme

from .factories import CampaignFactory, PledgeFactory

pytestmark = pytest.mark.django_db

WALL = reverse("pledges:index")


def test_wall_shows_newest_first_and_not_unpublished(client, campaign):
    older = PledgeFactory(text="I will be the older pledge on the wall")
    newer = PledgeFactory(text="I will be the newer pledge on the wall")
    PledgeFactory(text="I am waiting for confirmation", unconfirmed=True)
    PledgeFactory(text="I am held for a moderator", held=True)
    PledgeFactory(text="I was withdrawn by the pledger", status=Pledge.Status.WITHDRAWN)
    html = client.get(WALL).content.decode()
    assert html.index(newer.text) < html.index(older.text)
    for hidden in ("waiting for confirmation", "held for a moderator", "withdrawn by the pledger"):
        assert hidden not in html


def test_wall_pages_by_cursor_without_repeats(client, campaign):
    pledges = [PledgeFactory(text=f"I will keep promise number {n:03d} today") for n in range(45)]
    first = client.get(WALL)
    assert first.context["page"].older == pledges[25].pk
    second = client.get(WALL, {"before": first.context["page"].older})
    third = client.get(WALL, {"before": second.context["page"].older})
    seen = [p.pk for r in (first, second, third) for p in r.context["page"].pledges]
    assert seen == [p.pk for p in reversed(pledges)]
    assert third.context["page"].older is None
    back = client.get(WALL, {"after": second.context["page"].pledges[0].pk})
    assert [p.pk for p in back.context["page"].pledges] == [p.pk for p in first.context["page"].pledges]


@pytest.mark.parametrize("cursor", ["abc", "-5", "0", "99999999999"])
def test_nonsense_cursors_do_not_break_the_wall(client, campaign, cursor):
    assert client.get(WALL, {"before": cursor, "after": "x"}).status_code == 200


def test_wall_filters_by_theme_role_region_sector_and_kind(client, campaign):
    dementia = Theme.objects.get(slug="dementia")
    match = PledgeFactory(
        text="I will learn about dementia care",
        theme=dementia,
        job_role="porter",
        region="london",
        sector="nhs-acute",
        kind="team",
    )
    PledgeFactory(text="I will be the one that does not match")
    html = client.get(
        WALL, {"theme": "dementia", "role": "porter", "region": "london", "sector": "nhs-acute", "kind": "team"}
    ).content.decode()
    assert match.text in html
    assert "does not match" not in html
    assert "Matching pledges" in html


def test_unknown_filter_values_are_ignored(client, campaign):
    PledgeFactory(text="I will still be shown on the wall")
    response = client.get(WALL, {"theme": "no-such-theme", "region": "atlantis"})
    assert response.status_code == 200
    assert "I will still be shown on the wall" in response.content.decode()


def test_wall_search_finds_words(client, campaign):
    PledgeFactory(text="I will learn sign language for our deaf residents")
    PledgeFactory(text="I will take my breaks")
    html = client.get(WALL, {"q": "language"}).content.decode()
    assert "sign language" in html
    assert "take my breaks" not in html


@pytest.mark.needs_postgres
def test_search_on_postgres_matches_word_forms(client, campaign):
    PledgeFactory(text="I will be learning about residents' histories")
    assert "residents&#x27; histories" in client.get(WALL, {"q": "learn history"}).content.decode()


def test_past_campaign_is_browsable_from_the_archive(client, campaign, past_campaign):
    PledgeFactory(campaign=past_campaign, text="I pledged this in an earlier year")
    counters_add({pledge_keys.total(past_campaign.pk): 1})
    archive = client.get(reverse("pledges:archive")).content.decode()
    assert "Change Day 2026" in archive and "1 pledges" in archive
    html = client.get(WALL, {"campaign": past_campaign.slug}).content.decode()
    assert "I pledged this in an earlier year" in html
    assert "past campaign" in html
    assert "I pledged this in an earlier year" not in client.get(WALL).content.decode()


def test_wall_query_count_is_pinned(client, campaign, django_assert_max_num_queries):
    for n in range(30):
        PledgeFactory(text=f"I will keep promise number {n:03d} today")
    # Campaigns, themes, totals, one page of pledges (their themes named from the themes read).
    with django_assert_max_num_queries(4):
        response = client.get(WALL, {"theme": "culture-and-attitude", "region": "south-west", "before": "999999"})
    assert len(response.context["page"].pledges) == 20
    # Searching adds, on PostgreSQL, the planner's estimate for the words (and, at most every ten
    # minutes, for a word no pledge has) and the index probe (a savepoint, the planner switch,
    # the probe and the release), and the capped count of matches (a savepoint, the count with
    # its time limit, the rollback that lifts the limit and the release).
    with django_assert_max_num_queries(14):
        response = client.get(WALL, {"theme": "culture-and-attitude", "q": "promise"})
    assert len(response.context["page"].pledges) == 20


def test_a_card_names_a_theme_added_since_the_themes_were_read(campaign, django_assert_num_queries):
    from pledges.selectors import wall_page

    theme = Theme.objects.create(name="A theme added a moment ago", slug="added-a-moment-ago")
    older = PledgeFactory(text="I will stay with an old theme")
    PledgeFactory(text="I will try the newest theme", theme=theme)
    terms = {"campaign_id": campaign.pk, "theme_id": 0, "job_role": "", "sector": "", "region": "", "kind": ""}
    themes = list(Theme.objects.exclude(pk=theme.pk))
    with django_assert_num_queries(2):  # the page, and the one theme not among those given
        page = wall_page({**terms, "words": "", "ids": []}, themes=themes)
    assert "A theme added a moment ago" in page.pledges[0].html
    assert older.theme.name in page.pledges[1].html


def test_pledge_page_query_count_is_pinned(client, campaign, django_assert_max_num_queries):
    pledge = PledgeFactory()
    with django_assert_max_num_queries(3):
        assert client.get(pledge.get_absolute_url()).status_code == 200


def test_a_pledge_page_showing_everything_is_one_query(client, campaign, settings, django_assert_num_queries):
    """The page reads only DETAIL_FIELDS, and its campaign and theme from the kept lists: a
    column it shows but does not load costs a query."""
    from django.utils import timezone

    from pledges import cache
    from pledges.selectors import wall_choices
    from tests.organisations.factories import make_organisation

    settings.PLEDGES_CAMPAIGN_TTL = 5
    cache.clear_forms()

    first = PledgeFactory(text="I will learn the names of the porters")
    oak = make_organisation(name="Oak Lodge Care Home")
    pledge = PledgeFactory(text="I will learn the names of the porters too", joined_from=first, organisation=oak)
    Pledge.objects.filter(pk=pledge.pk).update(
        done_at=timezone.now(),
        done_story="Forty names learnt.",
        joins_count=2,
        show_name=Pledge.ShowName.NAME,
        name="Priya Shah",
    )
    wall_choices()  # the kept lists, as any page before this one leaves them
    with django_assert_num_queries(1):
        html = client.get(pledge.get_absolute_url()).content.decode()
    for shown in (
        "I will learn the names of the porters too",
        "Forty names learnt.",
        "Priya, ",
        oak.name,
        oak.get_absolute_url(),
        first.get_absolute_url(),
        campaign.name,
        pledge.theme.name,
    ):
        assert shown in html, shown


def test_a_pledge_in_a_campaign_and_theme_newer_than_the_kept_lists_is_shown(client, campaign, settings):
    from pledges import cache
    from pledges.selectors import wall_choices

    settings.PLEDGES_CAMPAIGN_TTL = 5
    cache.clear_forms()
    wall_choices()
    later = CampaignFactory(name="Change Day 2028", slug="change-day-2028")
    theme = Theme.objects.create(name="Hydration rounds", slug="hydration-rounds")
    pledge = PledgeFactory(campaign=later, theme=theme)
    html = client.get(pledge.get_absolute_url()).content.decode()
    assert "A pledge for Change Day 2028" in html and "Hydration rounds" in html


def test_wall_shows_totals_from_counters_with_role_status(client, campaign):
    counters_add({pledge_keys.total(campaign.pk): 1234, pledge_keys.people(campaign.pk): 1000})
    html = client.get(WALL).content.decode()
    assert 'role="status"' in html
    assert "1,234" in html and "1,000" in html


def test_shown_as_reads_like_a_sentence(campaign):
    assert PledgeFactory(job_role="care-worker", region="south-west").shown_as == "a care worker in the South West"
    named = PledgeFactory(job_role="nurse", region="london", show_name="name", name="Sam Jones")
    assert named.shown_as == "Sam, a nurse in London"


def test_pledge_page_has_share_links_open_graph_and_a_plain_copy_link(client, campaign):
    pledge = PledgeFactory(text="I will smile & say hello to everyone")
    html = client.get(pledge.get_absolute_url()).content.decode()
    for label in ("Share on X", "Share on Facebook", "Share on LinkedIn", "Share on WhatsApp", "Share by email"):
        assert label in html
    assert "https://wa.me/?text=" in html and "mailto:?subject=A%20pledge%20for%20Change%20Day%202027" in html
    assert 'property="og:title"' in html
    assert 'property="og:description" content="&ldquo;I will smile &amp; say hello to everyone&rdquo;' in html
    assert f'value="http://testserver/pledges/{pledge.pk}/" readonly' in html
    assert "I'll do this too" in html


def test_unpublished_pledge_pages_are_404(client, campaign):
    for status in (Pledge.Status.UNCONFIRMED, Pledge.Status.HELD, Pledge.Status.HIDDEN, Pledge.Status.WITHDRAWN):
        pledge = PledgeFactory(status=status)
        assert client.get(pledge.get_absolute_url()).status_code == 404


def test_home_page_shows_recent_pledges_and_totals(client, campaign):
    PledgeFactory(text="I will be on the home page")
    counters_add({pledge_keys.total(campaign.pk): 77})
    html = client.get("/").content.decode()
    assert "I will be on the home page" in html
    assert '<span class="app-totals__number">77</span> pledges this campaign' in html


# --- Done, withdraw, report -----------------------------------------------------------


def test_owner_marks_done_with_a_story_from_their_account(client, campaign, supporter, service_data):
    pledge = services.pledge_submit(campaign=campaign, data=service_data, user=supporter).pledge
    client.force_login(supporter)
    assert "Mark as done or withdraw" in client.get(reverse("accounts:home")).content.decode()
    response = client.post(
        reverse("pledges:manage", args=[pledge.pk]),
        {"action": "done", "story": "We ran <em>three</em> dementia sessions."},
    )
    assert response.url == pledge.get_absolute_url()
    html = client.get(pledge.get_absolute_url()).content.decode()
    assert "Done" in html
    assert "We ran &lt;em&gt;three&lt;/em&gt; dementia sessions." in html


def test_someone_else_cannot_manage_a_pledge(client, campaign, outsider):
    pledge = PledgeFactory()
    client.force_login(outsider)
    assert client.post(reverse("pledges:manage", args=[pledge.pk]), {"action": "withdraw"}).status_code == 403
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PUBLISHED


def test_manage_needs_sign_in(client, campaign):
    pledge = PledgeFactory()
    response = client.get(reverse("pledges:manage", args=[pledge.pk]))
    assert response.status_code == 302 and "/account/login/" in response.url


def test_signed_link_marks_done_without_an_account(client, campaign, service_data):
    pledge = services.pledge_submit(campaign=campaign, data=service_data).pledge
    services.pledge_confirm(pledge_id=pledge.pk)
    url = reverse("pledges:manage_signed", args=[services.manage_token(pledge)])
    assert "Mark it as done" in client.get(url).content.decode()
    pledge.refresh_from_db()
    assert pledge.done_at is None  # a GET changes nothing
    client.post(url, {"action": "done", "story": "It worked."})
    pledge.refresh_from_db()
    assert pledge.done_at is not None and pledge.done_story == "It worked."


def test_story_too_long_or_with_phone_number_gets_an_error(client, campaign, supporter, service_data):
    pledge = services.pledge_submit(campaign=campaign, data=service_data, user=supporter).pledge
    client.force_login(supporter)
    url = reverse("pledges:manage", args=[pledge.pk])
    html = client.post(url, {"action": "done", "story": "x" * 1001}).content.decode()
    assert "Your story must be 1,000 characters or fewer" in html
    html = client.post(url, {"action": "done", "story": "Call me on 07700 900123"}).content.decode()
    assert "Your story must not include a phone number" in html
    assert "<title>Error: " in html


def test_withdraw_takes_the_pledge_off_the_wall(client, campaign, supporter, service_data):
    pledge = services.pledge_submit(campaign=campaign, data=service_data, user=supporter).pledge
    client.force_login(supporter)
    client.post(reverse("pledges:withdraw", args=[pledge.pk]))
    assert client.get(pledge.get_absolute_url()).status_code == 404
    assert service_data["text"] not in client.get(WALL).content.decode()


def test_tampered_manage_link_is_404(client, campaign):
    assert client.get(reverse("pledges:manage_signed", args=["bad:token"])).status_code == 404


def test_report_form_errors_and_thanks(client, campaign):
    pledge = PledgeFactory()
    url = reverse("pledges:report", args=[pledge.pk])
    html = client.post(url, {}).content.decode()
    assert "Choose what is wrong with this pledge" in html
    response = client.post(url, {"reason": "spam"})
    assert "Thank you for your report" in response.content.decode()
    assert pledge.reports.count() == 1


def test_three_reporters_from_different_addresses_one_signed_in_hide_it(client, campaign, supporter):
    pledge = PledgeFactory()
    url = reverse("pledges:report", args=[pledge.pk])
    for ip in ("10.0.0.1", "10.0.0.1", "10.0.0.2"):
        client.post(url, {"reason": "offensive"}, REMOTE_ADDR=ip)
    pledge.refresh_from_db()
    assert pledge.reports.count() == 2 and pledge.status == Pledge.Status.PUBLISHED
    client.force_login(supporter)
    client.post(url, {"reason": "offensive"}, REMOTE_ADDR="10.0.0.1")
    pledge.refresh_from_db()
    assert pledge.reports.count() == 3
    assert pledge.status == Pledge.Status.HIDDEN


def test_report_rate_limit_per_ip(client, campaign):
    pledges = [PledgeFactory() for _ in range(21)]
    codes = [client.post(reverse("pledges:report", args=[p.pk]), {"reason": "spam"}).status_code for p in pledges]
    assert codes[-1] == 429 and codes[:20] == [200] * 20


# --- Counts, embeds and open data -----------------------------------------------------


def test_counts_json(client, campaign, supporter, service_data):
    services.pledge_submit(campaign=campaign, data=service_data, user=supporter)
    data = client.get(reverse("pledges:counts")).json()
    assert data["campaign"]["slug"] == "change-day-2027"
    assert data["pledges"] == 1 and data["people"] == 1 and data["done"] == 0
    assert data["by_theme"] == {"dementia": 1}
    assert data["by_region"] == {"london": 1}
    assert client.get(reverse("pledges:counts"))["Access-Control-Allow-Origin"] == "*"


def test_counter_svg_and_embed_snippet(client, campaign):
    counters_add({pledge_keys.total(campaign.pk): 4321})
    svg = client.get(reverse("pledges:counter_svg"))
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert "4,321" in svg.content.decode()
    embed = client.get(reverse("pledges:embed")).content.decode()
    assert (
        "&lt;img src=&quot;http://testserver/pledges/counter.svg&quot;" in embed
        or '&lt;img src="http://testserver/pledges/counter.svg"' in embed
    )


def test_csv_cells_that_look_like_formulas_are_neutralised():
    assert csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_safe("+1") == "'+1" and csv_safe("-1") == "'-1" and csv_safe("@x") == "'@x"
    assert csv_safe("I will") == "I will" and csv_safe(5) == 5


def test_open_data_csv_is_streamed_public_fields_only(client, campaign):
    PledgeFactory(text="=cmd|' /C calc'!A0 I will", email="secret@example.org", name="Secret Name")
    PledgeFactory(text="I am not published yet", unconfirmed=True)
    response = client.get(reverse("pledges:open_data_csv"))
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 1
    assert rows[0]["text"].startswith("'=cmd")
    assert "secret@example.org" not in body and "Secret Name" not in body


def test_open_data_json_is_streamed_and_valid(client, campaign):
    PledgeFactory(text="I will say “thank you” 🙂")
    response = client.get(reverse("pledges:open_data_json"))
    assert response.streaming
    data = json.loads(b"".join(response.streaming_content))
    assert data["pledges"][0]["text"] == "I will say “thank you” 🙂"
    assert "email" not in data["pledges"][0]


def test_atom_feed_lists_newest_pledges(client, campaign):
    PledgeFactory(text="I will be in the feed <soon>")
    response = client.get(reverse("pledges:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "I will be in the feed &lt;soon&gt;" in response.content.decode()


def test_atom_feed_summaries_are_the_pledge_text_as_plain_text(client, campaign):
    """A feed reader shows a type="text" summary as it is; type="html" would render the pledge as markup."""
    from xml.etree import ElementTree

    text = "I will <script>alert(1)</script> & <b>thank</b> my team ‮evil‬ 🙂 &amp; شكرا"
    pledge = PledgeFactory(text=text)
    response = client.get(reverse("pledges:feed"))
    atom = "{http://www.w3.org/2005/Atom}"
    (entry,) = ElementTree.fromstring(response.content).findall(f"{atom}entry")  # noqa: S314 (our own feed)
    summary = entry.find(f"{atom}summary")
    assert summary.get("type") == "text"
    assert summary.text == f"{text} ({pledge.shown_as}; {pledge.theme.name})"
    assert entry.find(f"{atom}title").get("type", "text") == "text"
    assert entry.find(f"{atom}title").text == text  # under 80 characters: whole


@pytest.mark.needs_postgres
def test_search_with_common_words_uses_the_full_text_filter(client, campaign, monkeypatch):
    from pledges import search

    monkeypatch.setattr(search, "SEARCH_PROBE_CAP", 1)  # every word now counts as common
    PledgeFactory(text="I will learn sign language")
    PledgeFactory(text="I will learn about sepsis")
    PledgeFactory(text="I will take my breaks")
    html = client.get(WALL, {"q": "learning"}).content.decode()
    assert "sign language" in html and "sepsis" in html
    assert "take my breaks" not in html


def test_an_unverified_account_cannot_manage_a_pledge_made_with_its_address(client, campaign):
    from tests.factories import UserFactory

    user = UserFactory(email="claimer@example.org", verified_email=False)
    pledge = PledgeFactory(email="claimer@example.org")
    client.force_login(user)
    assert client.get(reverse("pledges:manage", args=[pledge.pk])).status_code == 403


def test_a_verified_account_manages_a_pledge_made_before_signing_up(client, campaign):
    from tests.factories import UserFactory

    user = UserFactory(email="later@example.org")
    pledge = PledgeFactory(email="Later@example.org")
    client.force_login(user)
    assert client.get(reverse("pledges:manage", args=[pledge.pk])).status_code == 200


@pytest.mark.needs_postgres
def test_search_reads_the_stored_document_through_its_index(campaign):
    """The probe tests the stored tsvector (GIN-indexed), never recomputing to_tsvector per row."""
    from django.db import connection, transaction

    from pledges import search

    PledgeFactory(text="I will learn sign language")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        cursor.execute(
            f"EXPLAIN SELECT id FROM pledges_pledge WHERE status = %s AND {search._MATCH} LIMIT 10",
            ["published", "language"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'pledges_pledge_search_document'")
        assert "gin (search_document)" in cursor.fetchone()[0]
    assert "search_document @@" in plan
    assert "to_tsvector" not in plan
    assert search._search_probe("languages") != []


@pytest.mark.needs_postgres
def test_search_tells_common_words_from_rare_ones_by_the_column_statistics(campaign):
    from django.db import connection

    from pledges import search

    for i in range(150):
        PledgeFactory(text=f"I will learn one new thing a week, week {i}")
    PledgeFactory(text="I will learn sign language")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE pledges_pledge")
    caches["local"].clear()  # re-read the estimates after ANALYZE
    assert search._is_common("week")
    assert not search._is_common("language")
    assert not search._is_common("nothingmatchesthis")


@pytest.mark.needs_postgres
def test_whether_words_are_common_is_asked_once_per_words(campaign, django_assert_num_queries):
    from pledges import search

    caches["local"].clear()
    with django_assert_num_queries(2):  # the unseen word's estimate, then these words'
        first = search._is_common("porters")
    with django_assert_num_queries(0):
        assert search._is_common("porters") == first
    with django_assert_num_queries(1):
        search._is_common("night staff")


def test_the_kept_filter_selects_follow_what_was_chosen(client, campaign, theme):
    """The selects are kept a minute by what each is set to: one choice never shows on another page."""
    chosen = client.get(reverse("pledges:index") + "?theme=dementia&region=london&q=porters").content.decode()
    assert '<option value="dementia" selected>' in chosen and '<option value="london" selected>' in chosen
    searched = client.get(reverse("pledges:index") + "?q=tea").content.decode()
    assert '<option value="dementia" selected>' not in searched and '<option value="london" selected>' not in searched
    assert 'value="tea"' in searched
    again = client.get(reverse("pledges:index") + "?theme=dementia&q=names").content.decode()
    assert '<option value="dementia" selected>' in again and '<option value="london" selected>' not in again
    assert 'value="names"' in again
