"""Pages are written in ASCII, their typographic marks as character references (&ldquo;,
&middot;, &ndash;, &nbsp;). A page holding one character past ASCII is stored by Python two
bytes a character, and its encoding for the response takes the slow path: 129 us for the
70 kB moderation queue against 2 us for the same page in ASCII (docs/performance.md). Words
people write (a pledge, a name) are shown as they wrote them, marks and all."""

from pathlib import Path

import pytest
from django.urls import reverse

from pledges.models import Pledge
from tests.pledges.factories import CampaignFactory, PledgeFactory

ROOT = Path(__file__).resolve().parents[2]
HTML_TEMPLATES = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]


def test_html_templates_write_their_marks_as_character_references():
    assert len(HTML_TEMPLATES) > 100
    written = {
        str(path.relative_to(ROOT)): sorted({char for char in path.read_text() if ord(char) > 127})
        for path in HTML_TEMPLATES
    }
    assert {path: chars for path, chars in written.items() if chars} == {}


@pytest.mark.django_db
def test_the_moderation_queue_is_ascii_for_ascii_words(client, moderator):
    campaign = CampaignFactory(is_current=True)
    pledges = [PledgeFactory(campaign=campaign, text=f"I will learn the name of porter number {n}.") for n in range(3)]
    Pledge.objects.filter(pk__in=[p.pk for p in pledges]).update(status=Pledge.Status.HELD, held_reason="A number")
    client.force_login(moderator)
    page = client.get(reverse("moderation:queue", args=["held-pledges"])).content
    assert b"porter number 2" in page and b"&middot;" in page and b"Waiting " in page
    assert page.isascii(), {char for char in page.decode() if ord(char) > 127}


@pytest.mark.django_db
def test_words_people_write_keep_their_marks(client, moderator):
    pledge = PledgeFactory(
        campaign=CampaignFactory(is_current=True), text="I\u2019ll say \u201cthank you\u201d to the night team."
    )
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.HELD)
    client.force_login(moderator)
    page = client.get(reverse("moderation:queue", args=["held-pledges"])).content.decode()
    assert "I\u2019ll say \u201cthank you\u201d to the night team." in page


@pytest.mark.django_db
def test_the_wall_and_its_search_are_ascii_for_ascii_words(client):
    campaign = CampaignFactory(is_current=True)
    for n in range(3):
        PledgeFactory(campaign=campaign, text=f"I will learn the name of every porter on my corridor, pledge {n}.")
    for query in ({}, {"q": "porter"}):
        page = client.get(reverse("pledges:index"), query).content
        # Each card's link names its pledge, cut short with an ellipsis.
        assert b"corridor, pledge 2." in page and b"&hellip;" in page
        assert page.isascii(), {char for char in page.decode() if ord(char) > 127}


@pytest.mark.django_db
def test_a_pledges_page_is_ascii_for_ascii_words(client):
    pledge = PledgeFactory(campaign=CampaignFactory(is_current=True), text="I will learn the name of every porter.")
    page = client.get(pledge.get_absolute_url()).content
    assert b'data-share-text="I saw this pledge for ' in page and b": &ldquo;I will learn" in page
    assert page.isascii(), {char for char in page.decode() if ord(char) > 127}
