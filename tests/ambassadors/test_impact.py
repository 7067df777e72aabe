"""The Care Makers impact report: activities by the year they were done, kept and recounted,
and the public page with its downloads, small numbers hidden."""

import json
from datetime import date

import pytest
from django.urls import reverse

from accounts.choices import Region
from ambassadors import keys as care_maker_keys
from ambassadors import services
from counters.services import counter_value, counters_recount
from tests.ambassadors.factories import CareMakerFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 29)


def log(care_maker, done_on, reach="11-50", kind="talk"):
    return services.activity_log(
        care_maker=care_maker,
        data={"kind": kind, "done_on": done_on, "cs": ["care"], "reach": reach, "description": ""},
        today=TODAY,
    )


def test_activities_are_counted_by_the_year_they_were_done_and_move_with_an_edit():
    counters_recount()
    care_maker = CareMakerFactory()
    activity = log(care_maker, date(2025, 6, 1), reach="51-200")
    log(care_maker, date(2026, 2, 1))
    assert counter_value(care_maker_keys.activities_in(2025)) == 1
    assert counter_value(care_maker_keys.activities_reach_in(2025)) == 51
    services.activity_update(
        activity=activity,
        care_maker=care_maker,
        data={"kind": "talk", "done_on": date(2026, 3, 1), "cs": ["care"], "reach": "1-10", "description": ""},
        today=TODAY,
    )
    assert counter_value(care_maker_keys.activities_in(2025)) == 0
    assert counter_value(care_maker_keys.activities_in(2026)) == 2
    assert counter_value(care_maker_keys.activities_reach_in(2026)) == 12
    assert counters_recount(dry_run=True) == {}
    services.activity_delete(activity=activity, care_maker=care_maker)
    assert counter_value(care_maker_keys.activities_in(2026)) == 1
    assert counters_recount(dry_run=True) == {}


def test_the_impact_page_compares_years_and_hides_a_cell_of_three(client, monkeypatch):
    counters_recount()
    london, leeds = CareMakerFactory(region=Region.LONDON), CareMakerFactory(region=Region.NORTH_WEST)
    for _ in range(6):
        log(london, date(2026, 5, 1))
    for _ in range(3):
        log(leeds, date(2025, 5, 1), kind="stall")
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    response = client.get(reverse("ambassadors:impact"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What Care Makers did" in page
    year = page.split("<caption", 1)[1].split("</table>", 1)[0]
    assert ">2026</th>" in year and ">6<" in year
    assert ">2025</th>" in year and "fewer than 5" in year
    kinds = page.split("Activities by kind</caption>", 1)[1].split("</table>", 1)[0]
    assert 'An event stall</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">fewer than 5' in kinds
    assert "any figure under 5 is shown as &ldquo;fewer than 5&rdquo;" in page
    assert page.split('id="impact-activities-total">', 1)[1].startswith("9<")


def test_the_care_makers_figures_download_as_the_page_shows_them(client):
    counters_recount()
    care_maker = CareMakerFactory(region=Region.LONDON)
    for _ in range(3):
        log(care_maker, date(2026, 5, 1))
    csv = b"".join(client.get(reverse("ambassadors:impact_csv")).streaming_content).decode()
    assert csv.startswith("section,answer,figure")
    assert "activities,Activities logged,fewer than 5" in csv
    body = json.loads(client.get(reverse("ambassadors:impact_json")).content)
    assert {"section": "activities", "answer": "Activities logged", "figure": "fewer than 5"} in body["figures"]


def test_the_impact_page_reads_kept_totals(client, django_assert_max_num_queries):
    CareMakerFactory()
    with django_assert_max_num_queries(1):
        assert client.get(reverse("ambassadors:impact")).status_code == 200


def test_one_prefix_read_gives_every_active_and_activity_total_and_no_other():
    from ambassadors import keys

    covered = [
        keys.ACTIVE,
        keys.active("region", "london"),
        keys.ACTIVITIES,
        keys.ACTIVITIES_REACH,
        keys.activities("c", "care"),
        keys.activities_in(2026),
        keys.activities_reach_in(2026),
    ]
    assert all(key.startswith(keys.ACTIVE_AND_ACTIVITIES) for key in covered)
    assert not keys.organisation(42).startswith(keys.ACTIVE_AND_ACTIVITIES)


@pytest.mark.parametrize("name", ["ambassadors:impact", "ambassadors:counts"])
def test_the_figures_pages_are_kept_per_set_of_totals_and_change_with_them(client, settings, name):
    """Rendered once per process for each set of kept totals (ambassadors/selectors.py):
    the same page as rendered every time, and a new total shows at once."""
    from core import fragments
    from counters.services import counter_add

    fragments.clear()
    counters_recount()
    for region in ("london", "london", "south-west", "london", "north-west", "london", "london"):
        CareMakerFactory(region=region)
    settings.CORE_FRAGMENTS_KEPT = False
    rendered = client.get(reverse(name)).content
    settings.CORE_FRAGMENTS_KEPT = True
    client.get(reverse(name))
    assert client.get(reverse(name)).content == rendered
    assert any(key[0] == "kept" for key in fragments._kept)
    counter_add(care_maker_keys.active("region", Region.LONDON), 1)
    counter_add(care_maker_keys.ACTIVE, 1)
    assert client.get(reverse(name)).content != rendered
    fragments.clear()
