import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard.models import DailyTotal
from dashboard.services import campaign_series, daily_totals_backfill, daily_totals_snapshot
from pledges import keys as pledge_keys
from pledges import services
from pledges.models import Pledge
from tests.pledges.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # spreadsheet programs then read it as UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.fixture
def pledged(campaign, service_data, supporter):
    made = []
    for n, (region, text) in enumerate(
        [
            ("london", "I will thank the porters"),
            ("london", '=HYPERLINK("http://x")'),
            ("wales", "I will learn some Welsh"),
        ]
    ):
        data = {
            **service_data,
            "region": region,
            "text": f"{text} every week, number {n}",
            "email": f"p{n}@example.org",
        }
        made.append(services.pledge_submit(campaign=campaign, data=data, user=None).pledge)
        services.pledge_confirm(pledge_id=made[-1].pk)
    return made


def test_dashboard_is_for_programme_admins_only(client, moderator, outsider, programme_admin):
    for person in (moderator, outsider):
        client.force_login(person)
        assert client.get("/dashboard/").status_code == 403
        assert client.get("/dashboard/pledges.csv").status_code == 403
    client.force_login(programme_admin)
    assert client.get("/dashboard/").status_code == 200


def test_dashboard_shows_totals_breakdowns_and_charts_with_text_alternatives(
    client, programme_admin, campaign, pledged, django_assert_max_num_queries
):
    from pages.navigation import moderation_waiting, roles_of

    client.force_login(programme_admin)
    # The header's moderation count is kept for 30 s across pages: count it first, so the pin
    # measures the dashboard's own queries.
    moderation_waiting(programme_admin, roles_of(programme_admin))
    # Each block reads its kept totals by key (the impact and commitment blocks add four such
    # reads); none counts a big table.
    with django_assert_max_num_queries(24):
        html = client.get("/dashboard/").content.decode()
    assert "3</span> pledges in" in html
    assert "By region" in html and "London" in html and "Wales" in html
    # Per day, theme, role, sector, region, and the Social Care Commitment's tasks by statement.
    assert html.count('<svg class="app-chart"') == 6
    assert "<title" in html and "Pledges by day as a table" in html


def test_breakdown_csv_has_the_right_columns(client, programme_admin, campaign, pledged):
    client.force_login(programme_admin)
    rows = _csv(client.get("/dashboard/breakdown/region.csv"))
    assert rows[0] == ["Region", "Pledges"]
    assert ["London", "2"] in rows and ["Wales", "1"] in rows
    assert client.get("/dashboard/breakdown/nothing.csv").status_code == 404


def test_pledges_csv_streams_every_pledge_without_personal_details_and_neutralises_formulas(
    client, programme_admin, campaign, pledged
):
    client.force_login(programme_admin)
    response = client.get("/dashboard/pledges.csv")
    assert response.streaming
    rows = _csv(response)
    assert rows[0][:3] == ["id", "campaign", "status"]
    assert len(rows) == 4
    body = "\n".join(",".join(r) for r in rows)
    assert "p0@example.org" not in body and "Jo Bloggs" not in body
    formula = [r for r in rows if "HYPERLINK" in r[-1]][0][-1]
    assert formula.startswith("'=")


def test_daily_history_is_backfilled_and_the_series_fills_quiet_days(campaign, pledged):
    Pledge.objects.filter(pk=pledged[0].pk).update(published_at=campaign.opens_at + timedelta(days=1))
    assert daily_totals_backfill() >= 1
    series = campaign_series(campaign)
    assert series[-1] == 3
    assert series == sorted(series)  # cumulative: never goes down


def test_snapshot_records_each_total_once_a_day(campaign, pledged):
    daily_totals_snapshot()
    daily_totals_snapshot()
    assert DailyTotal.objects.filter(key=pledge_keys.total(campaign.pk), day=timezone.localdate()).get().value == 3


def test_previous_campaign_is_drawn_beside_the_current_one(client, programme_admin, campaign, pledged):
    CampaignFactory(
        name="Change Day 2026",
        slug="change-day-2026",
        is_current=False,
        opens_at=campaign.opens_at - timedelta(days=365),
        closes_at=campaign.closes_at - timedelta(days=365),
    )
    client.force_login(programme_admin)
    html = client.get("/dashboard/").content.decode()
    assert "against Change Day 2026" in html


def test_dashboard_signed_out_is_sent_to_sign_in_and_others_are_told_who_it_is_for(client, supporter):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    client.force_login(supporter)
    response = client.get("/dashboard/")
    assert response.status_code == 403
    assert "Only programme admins can see the counts dashboard" in response.content.decode()
