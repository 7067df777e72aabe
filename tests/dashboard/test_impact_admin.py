"""The dashboard's follow-up response rates and impact figures, and the evaluation dataset:
programme admins only, with no names, addresses, pledges or unpublished words."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ambassadors import services as care_maker_services
from counters.services import counters_recount
from mail.reminders import reminder_job, reminders_run
from pledges.outcomes import outcome_question_set, outcome_record
from tests.ambassadors.factories import CareMakerFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db

URLS = [
    reverse("dashboard:impact_outcomes_csv"),
    reverse("dashboard:impact_activities_csv"),
    reverse("dashboard:impact_json"),
]


def _body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")


@pytest.fixture
def dataset(campaign):
    """Two pledgers asked, one answered with a published sentence and a private one not published,
    and a Care Maker's activity with words of its own."""
    long_ago = timezone.now() - timedelta(days=91)
    published = PledgeFactory(
        name="Zelda Quartermain",
        email="zelda@example.org",
        organisation_name="Quartermain House",
        text="I will learn the names of the night team.",
        done_at=long_ago,
    )
    private = PledgeFactory(name="Yusuf Private", email="yusuf@example.org", done_at=long_ago)
    counters_recount()
    reminders_run(reminder_job("pledge-outcome"))
    question_set = outcome_question_set(campaign)
    outcome_record(
        pledge=published,
        question_set=question_set,
        answers={
            "benefit": ["patients"],
            "reach": "team",
            "ongoing": "yes",
            "change": "Handover is calm now.",
            "publish": True,
        },
    )
    outcome_record(
        pledge=private,
        question_set=question_set,
        answers={
            "benefit": ["me"],
            "reach": "me",
            "ongoing": "no",
            "change": "A private Zanzibar note.",
            "publish": False,
        },
    )
    care_maker = CareMakerFactory(display_name="Wilhelmina Carer")
    care_maker_services.activity_log(
        care_maker=care_maker,
        data={
            "kind": "talk",
            "done_on": date(2026, 5, 1),
            "cs": ["care", "courage"],
            "reach": "11-50",
            "description": "Spoke at Zanzibar Ward with Wilhelmina.",
        },
        today=date(2026, 11, 29),
    )
    return published, private


def test_the_dashboard_shows_response_rates_and_impact_figures(client, programme_admin, dataset, campaign):
    client.force_login(programme_admin)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "Outcome follow-up response rates" in page
    table = page.split("Outcome follow-up response rates</caption>", 1)[1].split("</table>", 1)[0]
    assert f">{campaign.name}</a></th>" in table
    cells = {
        label: table.split(f">{label}</th>", 1)[1].split("</td>", 1)[0].rsplit(">", 1)[1]
        for label in ("Sent", "Answered", "Response rate", "Still going", "Sentences published")
    }
    assert cells == {
        "Sent": "2",
        "Answered": "2",
        "Response rate": "100%",
        "Still going": "1",
        "Sentences published": "1",
    }
    assert "Care Maker activities logged" in page
    for url in URLS:
        assert url in page


@pytest.mark.parametrize("persona", ["supporter", "moderator", "ambassador", "org_rep", "outsider"])
def test_only_programme_admins_can_export_the_dataset(client, persona, request, dataset):
    client.force_login(request.getfixturevalue(persona))
    for url in URLS:
        assert client.get(url).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, dataset):
    for url in URLS:
        assert client.get(url).status_code == 302


def test_the_dataset_has_the_answers_and_no_personal_details(client, programme_admin, dataset):
    client.force_login(programme_admin)
    outcomes = list(csv.DictReader(io.StringIO(_body(client.get(URLS[0])))))
    assert len(outcomes) == 2
    assert {row["published_sentence"] for row in outcomes} == {"Handover is calm now.", ""}
    assert {row["who_benefited"] for row in outcomes} == {"patients", "me"}
    activities = list(csv.DictReader(io.StringIO(_body(client.get(URLS[1])))))
    assert activities == [
        {
            "kind": "talk",
            "done_month": "2026-05",
            "cs": "care;courage",
            "reach": "11-50",
            "region": activities[0]["region"],
            "role": activities[0]["role"],
            "sector": activities[0]["sector"],
        }
    ]
    everything = json.loads(_body(client.get(URLS[2])))
    assert len(everything["outcomes"]) == 2 and len(everything["activities"]) == 1
    for body in (_body(client.get(url)) for url in URLS):
        for personal in (
            "Zelda",
            "Quartermain",
            "zelda@example.org",
            "Yusuf",
            "yusuf@",
            "Wilhelmina",
            "Zanzibar",
            "I will learn the names of the night team.",
        ):
            assert personal not in body


def test_a_withdrawn_pledges_answers_are_not_in_the_dataset(client, programme_admin, dataset):
    from pledges.services import pledge_withdraw

    pledge_withdraw(pledge=dataset[0])
    client.force_login(programme_admin)
    outcomes = list(csv.DictReader(io.StringIO(_body(client.get(URLS[0])))))
    assert [row["who_benefited"] for row in outcomes] == ["me"]
