import io

import pytest

from accounts import demo as accounts_demo
from counters.services import counters_recount
from pledges import demo
from pledges.models import Campaign, Pledge, PledgeOutcome
from pledges.selectors import home_summary

pytestmark = pytest.mark.django_db


def test_demo_loads_a_current_campaign_with_hundreds_of_pledges_once():
    accounts_demo.load(io.StringIO())
    demo.load(io.StringIO())
    first = Pledge.objects.count()
    demo.load(io.StringIO())
    assert Pledge.objects.count() == first
    current = Campaign.objects.get(is_current=True)
    assert current.name == "Change Day 2027" and current.is_open()
    assert Campaign.objects.filter(is_current=False).exists()
    assert Pledge.objects.filter(campaign=current).count() >= 300
    summary = home_summary()
    assert summary["pledges"] >= 300
    assert 0 < summary["people"] < summary["pledges"]
    assert counters_recount(dry_run=True) == {}


def test_demo_answers_outcome_follow_ups_once_with_some_published_sentences(client):
    accounts_demo.load(io.StringIO())
    demo.load(io.StringIO())
    answered = PledgeOutcome.objects.count()
    demo.load(io.StringIO())
    assert PledgeOutcome.objects.count() == answered >= 20
    assert PledgeOutcome.objects.filter(publish_change=True).count() >= 10
    assert counters_recount(dry_run=True) == {}
    page = client.get("/pledges/impact/").content.decode()
    assert "people told us what their pledge changed" in page and "<bdi>" in page


def test_the_whole_demo_gives_the_impact_reports_real_figures(client):
    """After make run's demo data, each impact report shows numbers, not only "fewer than 5"."""
    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    assert counters_recount(dry_run=True) == {}
    pledges = client.get("/pledges/impact/").content.decode()
    told = pledges.split('<span class="app-totals__number">', 4)[3].split("<", 1)[0]
    assert told.isdigit() and int(told) >= 5
    assert "Change Day 2027 against Change Day 2026" in pledges and "<bdi>" in pledges
    care_makers = client.get("/care-makers/impact/").content.decode()
    assert care_makers.split('id="impact-activities-total">', 1)[1].split("<", 1)[0].isdigit()
    from organisations.models import Organisation

    oak = Organisation.objects.get(name="Oak Lodge Care Home")
    assert "What pledges by people who work here changed" in client.get(oak.get_absolute_url()).content.decode()
