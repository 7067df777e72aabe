"""Care Maker activities: the services and their totals, the pages per persona, the public
figures with small numbers hidden, the opt-in on the public profile and the recommit summary."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Region
from ambassadors import keys as ambassador_keys
from ambassadors import services
from ambassadors.models import Activity
from counters.services import counter_set, counter_values, counter_values_with_prefix, counters_recount
from tests.ambassadors.factories import CareMakerFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW = reverse("ambassadors:activity_new")
MINE = reverse("ambassadors:my_activities")
COUNTS = reverse("ambassadors:counts")


def data(**overrides) -> dict:
    values = {
        "kind": Activity.Kind.TALK,
        "done_on": timezone.localdate() - timedelta(days=3),
        "cs": ["courage", "care"],
        "reach": Activity.Reach.UP_TO_50,
        "description": "A talk at our ward meeting about speaking up.",
    }
    return {**values, **overrides}


def form(**overrides) -> dict:
    values = data(**overrides)
    done_on = values.pop("done_on")
    if isinstance(done_on, str):
        done_on = date.fromisoformat(done_on)
    # The NHS.UK date input: three boxes.
    values |= {"done_on_day": done_on.day, "done_on_month": done_on.month, "done_on_year": done_on.year}
    return values


def kept() -> dict[str, int]:
    return {key: value for key, value in counter_values_with_prefix("ambassadors:activities").items() if value}


# --- Services -----------------------------------------------------------------------


def test_logging_an_activity_counts_it_by_kind_c_region_and_reach():
    care_maker = CareMakerFactory(region=Region.LONDON)
    activity = services.activity_log(care_maker=care_maker, data=data())
    assert activity.cs == ["care", "courage"]
    assert kept() == {
        "ambassadors:activities": 1,
        "ambassadors:activities:kind:talk": 1,
        "ambassadors:activities:c:care": 1,
        "ambassadors:activities:c:courage": 1,
        "ambassadors:activities:region:london": 1,
        "ambassadors:activities:reach": 11,
        ambassador_keys.activities_in(activity.done_on.year): 1,
        ambassador_keys.activities_reach_in(activity.done_on.year): 11,
    }


def test_updating_an_activity_moves_its_counts_from_the_old_to_the_new():
    care_maker = CareMakerFactory()
    activity = services.activity_log(care_maker=care_maker, data=data())
    services.activity_update(
        activity=activity,
        care_maker=care_maker,
        data=data(kind=Activity.Kind.MENTORING, cs=["care"], reach=Activity.Reach.OVER_200),
    )
    totals = kept()
    assert totals["ambassadors:activities"] == 1
    assert totals["ambassadors:activities:kind:mentoring"] == 1
    assert "ambassadors:activities:kind:talk" not in totals
    assert "ambassadors:activities:c:courage" not in totals
    assert totals["ambassadors:activities:reach"] == 201


def test_deleting_an_activity_takes_it_out_of_the_totals_once():
    care_maker = CareMakerFactory()
    activity = services.activity_log(care_maker=care_maker, data=data())
    assert services.activity_delete(activity=activity, care_maker=care_maker) is True
    assert services.activity_delete(activity=activity, care_maker=care_maker) is False
    assert kept() == {}
    assert not Activity.objects.exists()


def test_another_care_maker_cannot_update_or_delete_an_activity():
    owner, other = CareMakerFactory(), CareMakerFactory()
    activity = services.activity_log(care_maker=owner, data=data())
    with pytest.raises(PermissionDenied):
        services.activity_update(activity=activity, care_maker=other, data=data(kind=Activity.Kind.OTHER))
    assert services.activity_delete(activity=activity, care_maker=other) is False
    activity.refresh_from_db()
    assert activity.kind == Activity.Kind.TALK
    assert kept()["ambassadors:activities"] == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"done_on": timezone.localdate() + timedelta(days=1)}, "today or in the past"),
        ({"done_on": date(2011, 1, 1)}, "when Care Makers began"),
        ({"cs": []}, "at least one of the 6Cs"),
        ({"cs": ["kindness"]}, "at least one of the 6Cs"),
        ({"cs": None}, "at least one of the 6Cs"),
        ({"kind": "party"}, "Choose what you did"),
        ({"reach": "1000"}, "how many people"),
        ({"description": "x" * 281}, "280 characters or fewer"),
        ({"description": "Ring me on 07700 900123"}, "phone number"),
    ],
)
def test_log_refuses_what_breaks_a_rule_and_counts_nothing(overrides, message):
    care_maker = CareMakerFactory()
    with pytest.raises(ValidationError) as error:
        services.activity_log(care_maker=care_maker, data=data(**overrides))
    assert message in error.value.messages[0]
    assert not Activity.objects.exists() and kept() == {}


def test_a_lapsed_care_maker_cannot_log():
    care_maker = CareMakerFactory()
    services.caremaker_lapse(care_maker=care_maker)
    care_maker.refresh_from_db()
    with pytest.raises(ValidationError):
        services.activity_log(care_maker=care_maker, data=data())


def unchecked(care_maker, **overrides) -> Activity:
    """An activity saved behind the services' back, as a bug or a hand edit might."""
    fields = data(**overrides)
    activity = Activity(care_maker=care_maker, **{k: v for k, v in fields.items() if k != "cs"})
    activity.set_cs(fields["cs"])
    activity.save()
    return activity


@pytest.mark.parametrize(
    "field, value",
    [
        ("kind", "party"),
        ("reach", "1000"),
        ("cs", []),
        ("done_on", date(2011, 1, 1)),
        ("description", "x" * 281),
    ],
)
def test_the_database_refuses_an_activity_that_breaks_a_rule(field, value):
    care_maker = CareMakerFactory()
    unchecked(care_maker)  # the same with the rule kept is accepted
    with pytest.raises(IntegrityError), transaction.atomic():
        unchecked(care_maker, **{field: value})


def test_recount_finds_no_drift_after_the_services_and_repairs_drift():
    first, second = CareMakerFactory(region=Region.LONDON), CareMakerFactory(region=Region.WALES)
    one = services.activity_log(care_maker=first, data=data())
    services.activity_log(care_maker=second, data=data(cs=["care", "care", "compassion"]))
    two = services.activity_log(care_maker=second, data=data(kind=Activity.Kind.STALL))
    services.activity_update(activity=one, care_maker=first, data=data(reach=Activity.Reach.UP_TO_10))
    services.activity_delete(activity=two, care_maker=second)
    assert counters_recount(prefixes=["ambassadors:"]) == {}

    counter_set("ambassadors:activities:c:care", 9)
    unchecked(first, kind=Activity.Kind.OTHER)
    drift = counters_recount(prefixes=["ambassadors:"])
    assert drift["ambassadors:activities:c:care"] == (9, 3)
    assert drift["ambassadors:activities"] == (2, 3)
    assert drift["ambassadors:activities:kind:other"] == (0, 1)
    assert counter_values(["ambassadors:activities:c:care"])["ambassadors:activities:c:care"] == 3
    assert counters_recount(prefixes=["ambassadors:"]) == {}


def test_erasing_a_care_maker_takes_their_activities_out_of_the_totals():
    from ambassadors import data_rights

    care_maker = CareMakerFactory()
    services.activity_log(care_maker=care_maker, data=data())
    assert data_rights.export(user=care_maker.user, email="")["activities"][0]["kind"] == "talk"
    data_rights.erase(user=care_maker.user, email="", keep_contributions=False)
    assert kept() == {}
    assert counters_recount(prefixes=["ambassadors:"]) == {}


def test_activity_year_counts_the_past_12_months_by_kind_and_c():
    care_maker = CareMakerFactory()
    today = timezone.localdate()
    services.activity_log(care_maker=care_maker, data=data(cs=["care"]))
    services.activity_log(care_maker=care_maker, data=data(kind=Activity.Kind.STALL, cs=["care", "courage"]))
    services.activity_log(care_maker=care_maker, data=data(done_on=today - timedelta(days=400)))
    year = services.activity_year(care_maker=care_maker, today=today)
    assert year["total"] == 2
    assert {row["label"]: row["count"] for row in year["kinds"]} == {"A talk": 1, "An event stall": 1}
    assert {row["label"]: row["count"] for row in year["cs"]} == {"Care": 2, "Courage": 1}


# --- Pages, per persona -------------------------------------------------------------


def test_care_maker_logs_an_activity_and_sees_it_in_their_list(client, ambassador, care_maker):
    client.force_login(ambassador)
    assert "Log an activity" in client.get(reverse("ambassadors:my_profile")).content.decode()
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, form())
    assert response.status_code == 302 and response["Location"] == MINE
    html = client.get(MINE).content.decode()
    assert "A talk" in html and "Care, Courage" in html and "11 to 50 people" in html
    assert kept()["ambassadors:activities"] == 1


def test_form_errors_follow_the_nhs_pattern_and_keep_what_was_typed(client, ambassador, care_maker):
    client.force_login(ambassador)
    response = client.post(
        NEW,
        form(cs=[], done_on=(timezone.localdate() + timedelta(days=2)).isoformat(), description="Email me at a@b.com"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in html
    assert "Select at least one of the 6Cs it showed" in html
    assert "Date you did it must be today or in the past" in html
    assert "email address" in html
    assert "Email me at a@b.com" in html
    assert not Activity.objects.exists()


def test_care_maker_edits_and_deletes_their_activity(client, ambassador, care_maker):
    activity = services.activity_log(care_maker=care_maker, data=data())
    client.force_login(ambassador)
    edit = reverse("ambassadors:activity_edit", args=[activity.pk])
    html = client.get(edit).content.decode()
    assert "A talk at our ward meeting" in html
    assert 'value="courage" checked' in html and 'value="compassion" checked' not in html
    assert client.post(edit, form(kind=Activity.Kind.WORK)).status_code == 302
    activity.refresh_from_db()
    assert activity.kind == Activity.Kind.WORK
    delete = reverse("ambassadors:activity_delete", args=[activity.pk])
    assert "Delete this activity?" in client.get(delete).content.decode()
    assert client.post(delete).status_code == 302
    assert not Activity.objects.exists() and kept() == {}


def test_another_care_maker_cannot_see_edit_or_delete_an_activity(client, care_maker):
    activity = services.activity_log(care_maker=care_maker, data=data())
    other = CareMakerFactory()
    client.force_login(other.user)
    edit = reverse("ambassadors:activity_edit", args=[activity.pk])
    delete = reverse("ambassadors:activity_delete", args=[activity.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, form(kind=Activity.Kind.OTHER)).status_code == 404
    assert client.post(delete).status_code == 404
    assert "A talk at our ward" not in client.get(MINE).content.decode()
    activity.refresh_from_db()
    assert activity.kind == Activity.Kind.TALK


def test_signed_out_person_cannot_log(client):
    response = client.post(NEW, form())
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert client.get(MINE).status_code == 302
    assert not Activity.objects.exists()


def test_someone_who_is_not_a_care_maker_cannot_log(client, supporter):
    client.force_login(supporter)
    assert client.post(NEW, form()).status_code == 403
    assert not Activity.objects.exists()


def test_a_lapsed_care_maker_cannot_log_or_edit_but_can_delete(client, ambassador, care_maker):
    activity = services.activity_log(care_maker=care_maker, data=data())
    services.caremaker_lapse(care_maker=care_maker)
    client.force_login(ambassador)
    response = client.post(NEW, form(kind=Activity.Kind.OTHER))
    assert response.status_code == 302 and response["Location"] == reverse("ambassadors:my_profile")
    assert client.post(reverse("ambassadors:activity_edit", args=[activity.pk]), form(kind="other")).status_code == 302
    assert Activity.objects.get().kind == Activity.Kind.TALK
    assert "Log an activity" not in client.get(MINE).content.decode()
    client.post(reverse("ambassadors:activity_delete", args=[activity.pk]))
    assert not Activity.objects.exists()


# --- Public figures -----------------------------------------------------------------


def test_counts_page_shows_totals_and_hides_a_cell_of_3(client, django_assert_max_num_queries):
    london = [CareMakerFactory(region=Region.LONDON) for _ in range(2)]
    wales = CareMakerFactory(region=Region.WALES)
    for index in range(6):
        services.activity_log(care_maker=london[index % 2], data=data(reach=Activity.Reach.UP_TO_200))
    for _ in range(3):
        services.activity_log(care_maker=wales, data=data(kind=Activity.Kind.STALL, cs=["compassion"]))
    with django_assert_max_num_queries(12):
        html = client.get(COUNTS).content.decode()
    assert "What Care Makers did" in html
    assert 'id="activities-total" role="status">9</p>' in html
    assert ">339</p>" in html  # 6 x 51 + 3 x 11 people reached, at least
    assert "any number under 5 is shown as &ldquo;fewer than 5&rdquo;" in html
    region_rows = html.split("Activities by region")[1]
    assert '>Wales</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">fewer than 5<' in region_rows
    assert '>London</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">6<' in region_rows
    kinds = html.split("Activities by kind")[1].split("</table>")[0]
    assert 'An event stall</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">fewer than 5<' in kinds
    assert 'A talk</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">6<' in kinds


def test_counts_page_hides_the_total_and_reach_while_under_5(client):
    services.activity_log(care_maker=CareMakerFactory(), data=data(reach=Activity.Reach.OVER_200))
    html = client.get(COUNTS).content.decode()
    assert 'id="activities-total" role="status">fewer than 5</p>' in html
    assert ">201<" not in html


# --- Named only on an opted-in profile ----------------------------------------------


def test_public_profile_lists_activities_only_when_the_care_maker_opts_in(client, ambassador, care_maker):
    services.activity_log(care_maker=care_maker, data=data(description="Spoke at the nursing conference."))
    profile = reverse("ambassadors:profile", args=[care_maker.number])
    assert care_maker.show_activities is False
    assert "Spoke at the nursing conference." not in client.get(profile).content.decode()

    client.force_login(ambassador)
    html = client.get(reverse("ambassadors:my_profile")).content.decode()
    assert "List my activities on my public profile" in html
    response = client.post(
        reverse("ambassadors:my_profile"),
        {
            "public_profile": "on",
            "show_activities": "on",
            "display_name": "Alex Ambassador",
            "bio": "",
            "chosen_c": "courage",
        },
    )
    assert response.status_code == 302
    client.logout()
    html = client.get(profile).content.decode()
    assert "Activities" in html and "Spoke at the nursing conference." in html


# --- Recommitment -------------------------------------------------------------------


def test_recommit_page_shows_the_care_maker_their_year(client, care_maker):
    services.activity_log(care_maker=care_maker, data=data())
    services.activity_log(care_maker=care_maker, data=data(kind=Activity.Kind.MENTORING, cs=["care"]))
    html = client.get(services.recommit_path(care_maker)).content.decode()
    assert "Your year as a Care Maker" in html
    assert "you logged 2 activities" in html
    assert 'Mentoring</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">1<' in html
    assert 'Care</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">2<' in html


def test_recommit_page_says_so_when_nothing_was_logged(client):
    care_maker = CareMakerFactory(user=UserFactory())
    html = client.get(services.recommit_path(care_maker)).content.decode()
    assert "You have not logged any activities since" in html


# --- Demo data ----------------------------------------------------------------------


def test_demo_data_logs_activities_once_and_the_figures_show_them(client):
    from io import StringIO

    from accounts import demo as accounts_demo
    from ambassadors import demo

    accounts_demo.load(StringIO())
    demo.load(StringIO())
    logged = Activity.objects.count()
    demo.load(StringIO())
    assert Activity.objects.count() == logged >= 10
    assert counters_recount(prefixes=["ambassadors:"]) == {}
    html = client.get(COUNTS).content.decode()
    assert f'id="activities-total" role="status">{logged}</p>' in html
    assert "fewer than 5" in html.split("Activities by region")[1]


def test_a_lone_hidden_cell_in_a_column_that_adds_up_hides_a_second():
    from counters.suppression import shown_column

    assert shown_column([12, 3, 7, 40], adds_up=True) == ["12", "fewer than 5", "not shown", "40"]
    assert shown_column([12, 3, 7, 40], adds_up=False) == ["12", "fewer than 5", "7", "40"]
    assert shown_column([12, 3, 0, 40], adds_up=True) == ["12", "fewer than 5", "fewer than 5", "40"]
    assert shown_column([1200, 5], adds_up=True) == ["1,200", "5"]


def test_counts_page_hides_a_second_kind_when_only_one_is_under_5(client):
    care_maker = CareMakerFactory()
    for kind, times in (("talk", 9), ("stall", 6), ("mentoring", 7), ("work", 8), ("other", 2)):
        for _ in range(times):
            services.activity_log(care_maker=care_maker, data=data(kind=kind))
    kinds = client.get(COUNTS).content.decode().split("Activities by kind")[1].split("</table>")[0]
    assert 'Something else</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">fewer than 5<' in kinds
    assert 'An event stall</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">not shown<' in kinds
    assert ">9<" in kinds and ">7<" in kinds and ">8<" in kinds


def test_the_date_is_the_nhs_date_input_with_its_error_pattern(client, ambassador, care_maker):
    client.force_login(ambassador)
    html = client.get(NEW).content.decode()
    assert 'type="date"' not in html
    for part in ("day", "month", "year"):
        assert f'name="done_on_{part}"' in html
    values = form()
    values |= {"done_on_day": "31", "done_on_month": "2", "done_on_year": "2026"}
    html = client.post(NEW, values).content.decode()
    assert '<a href="#id_done_on_day">Date you did it must be a real date</a>' in html
    assert 'value="31"' in html  # what was typed is kept
    values |= {"done_on_day": "3", "done_on_month": "", "done_on_year": "2026"}
    assert "Date you did it must include a month" in client.post(NEW, values).content.decode()
    values |= {"done_on_day": "", "done_on_month": "", "done_on_year": ""}
    assert '<a href="#id_done_on_day">Enter the date you did it</a>' in client.post(NEW, values).content.decode()
    assert not Activity.objects.exists()
