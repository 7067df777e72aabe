"""The dashboard's today, this week, target and next milestone, from kept totals and history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from counters.models import Milestone, MilestoneRule
from counters.services import counter_set
from dashboard.models import DailyTotal
from dashboard.selectors import campaign_progress
from pledges import keys as pledge_keys
from pledges import services

pytestmark = pytest.mark.django_db


def _history(campaign, **values_by_days_ago):
    today = timezone.localdate()
    for name, value in values_by_days_ago.items():
        days = int(name.removeprefix("d"))
        DailyTotal.objects.create(key=pledge_keys.total(campaign.pk), day=today - timedelta(days=days), value=value)


def test_today_and_this_week_are_the_live_total_less_the_recorded_ones(campaign):
    _history(campaign, d8=100, d7=150, d3=300, d1=400)
    progress = campaign_progress(campaign, 430)
    assert progress.today == 30  # 430 now, 400 at the end of yesterday
    assert progress.this_week == 280  # 430 now, 150 at the end of the day a week ago


def test_quiet_days_use_the_last_recorded_total(campaign):
    _history(campaign, d9=50, d4=80)
    progress = campaign_progress(campaign, 90)
    assert progress.today == 10  # nothing recorded yesterday: the last record is four days ago
    assert progress.this_week == 40


def test_progress_to_target_and_next_milestone_with_a_projected_date(campaign):
    campaign.target = 2000
    campaign.save()
    MilestoneRule.objects.update_or_create(
        pattern="pledges:*:total", defaults={"label": "pledges made in {1}", "thresholds": [500, 1000, 5000]}
    )
    _history(campaign, d7=300)
    progress = campaign_progress(campaign, 650)  # 350 in 7 days: 50 a day
    assert progress.target_percent == 32 and progress.to_target == 1350
    assert progress.next_threshold == 1000
    assert progress.projected_on == timezone.localdate() + timedelta(days=7)  # 350 more at 50 a day


def test_no_projection_when_the_pace_would_miss_the_close(campaign):
    MilestoneRule.objects.update_or_create(
        pattern="pledges:*:total", defaults={"label": "pledges made in {1}", "thresholds": [1_000_000]}
    )
    _history(campaign, d7=0)
    progress = campaign_progress(campaign, 7)
    assert progress.next_threshold == 1_000_000
    assert progress.projected_on is None
    assert progress.target is None and progress.target_percent is None


def test_dashboard_shows_today_target_next_milestone_and_numbered_milestones(client, programme_admin, campaign):
    campaign.target = 1000
    campaign.save()
    counter_set(pledge_keys.total(campaign.pk), 250)
    Milestone.objects.create(
        key="organisations:7:pledges",
        threshold=10,
        value_at_crossing=10,
        label="pledges made by staff of Oak Lodge",
        audience="organisation",
    )
    client.force_login(programme_admin)
    html = client.get("/dashboard/").content.decode()
    assert "pledges made today" in html and "pledges made in the last 7 days" in html
    assert "250 of 1,000 pledges (25%)" in html
    assert "Next milestone" in html and "1,000 pledges" in html
    assert "10 pledges made by staff of Oak Lodge" in html
    assert "data-open-when-narrow" in html


def test_campaign_milestones_name_the_campaign(campaign, service_data, django_capture_on_commit_callbacks):
    """The seeded rule, relabelled by pledges 0006, fills in the campaign's name."""
    rule = MilestoneRule.objects.get(pattern="pledges:*:total")
    assert rule.label == "pledges made in {1}"
    rule.thresholds = [1]
    rule.save()
    from counters.milestones import rules_cache_clear

    rules_cache_clear()
    with django_capture_on_commit_callbacks(execute=True):
        made = services.pledge_submit(campaign=campaign, data=service_data, user=None).pledge
        services.pledge_confirm(pledge_id=made.pk)
    milestone = Milestone.objects.get(key=pledge_keys.total(campaign.pk), threshold=1)
    assert str(milestone) == "1 pledges made in Change Day 2027"


def test_milestones_page_lists_what_we_celebrate(client):
    html = client.get("/milestones/").content.decode()
    assert "What we celebrate" in html
    assert "Pledges made in the campaign" in html
    assert "1,000, 10,000, 100,000" in html
    assert "Pledges made in a region in the campaign" in html
    assert "{1}" not in html and "{2}" not in html
