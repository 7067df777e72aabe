"""The impact report: kept totals by theme, role, sector, region and organisation, a withdrawn
pledge's answers leaving the figures, and the pages (per campaign, per organisation, the hub)."""

import json

import pytest
from django.urls import reverse

from counters.services import counter_value, counters_recount
from mail.reminders import reminder_job, reminders_run
from pledges import keys as pledge_keys
from pledges import services
from pledges.models import Pledge, Theme
from pledges.outcomes import outcome_question_set, outcome_record, outcome_withdraw
from tests.organisations.factories import make_organisation

from .factories import PledgeFactory

pytestmark = pytest.mark.django_db


def record(pledge, **answers):
    answers = {"benefit": ["patients"], "reach": "team", "ongoing": "yes", "change": "", "publish": False, **answers}
    return outcome_record(pledge=pledge, question_set=outcome_question_set(pledge.campaign), answers=answers)


def counted(*pledges):
    """Factory pledges skip the services: bring the totals in line, so any drift after is the code's."""
    services.pledgers_rebuild()
    counters_recount()
    return pledges


def answered(campaign) -> int:
    return counter_value(pledge_keys.outcomes_answered(campaign.pk))


# --- Services and the recount ------------------------------------------------------


def test_a_withdrawn_pledges_answers_leave_every_figure_and_the_recount_agrees(campaign):
    pledge, other = counted(PledgeFactory(), PledgeFactory())
    record(pledge, change="Handover is calmer.", publish=True)
    record(other)
    assert answered(campaign) == 2
    assert services.pledge_withdraw(pledge=pledge)
    assert answered(campaign) == 1
    assert counter_value(pledge_keys.outcomes_published(campaign.pk)) == 0
    key = pledge_keys.outcome_facet(campaign.pk, "theme", "culture-and-attitude", pledge_keys.ANSWERED)
    assert counter_value(key) == 1
    assert counters_recount(dry_run=True) == {}


def test_a_hidden_pledges_answers_leave_and_come_back_when_it_is_published_again(campaign):
    (pledge,) = counted(PledgeFactory())
    record(pledge, benefit=["carers"])
    services.pledge_decide(pledge=pledge, action="hide")
    assert answered(campaign) == 0 and counters_recount(dry_run=True) == {}
    # Changing the answers while it is hidden keeps them out of the figures.
    record(pledge, benefit=["colleagues"])
    assert answered(campaign) == 0 and counters_recount(dry_run=True) == {}
    services.pledge_decide(pledge=pledge, action="publish")
    assert answered(campaign) == 1
    assert counter_value(pledge_keys.outcome_choice(campaign.pk, "benefit", "colleagues")) == 1
    assert counters_recount(dry_run=True) == {}
    # Withdrawing answers of a counted pledge takes them out once.
    assert outcome_withdraw(pledge=pledge)
    assert answered(campaign) == 0 and counters_recount(dry_run=True) == {}


def test_done_and_answers_are_kept_by_theme_role_sector_region_and_organisation(campaign):
    organisation = make_organisation()
    dementia = Theme.objects.get(slug="dementia")
    pledge, plain = counted(
        PledgeFactory(theme=dementia, job_role="nurse", region="london", organisation=organisation), PledgeFactory()
    )
    services.pledge_mark_done(pledge=pledge)
    record(pledge, benefit=["patients", "carers"], reach="beyond", ongoing="yes")
    record(plain, ongoing="no")
    c = campaign.pk
    assert counter_value(pledge_keys.done_facet(c, "theme", "dementia")) == 1
    assert counter_value(pledge_keys.done_facet(c, "role", "nurse")) == 1
    assert counter_value(pledge_keys.outcome_facet(c, "region", "london", pledge_keys.STILL_GOING)) == 1
    assert counter_value(pledge_keys.outcome_facet(c, "region", "south-west", pledge_keys.ANSWERED)) == 1
    assert counter_value(pledge_keys.outcome_facet(c, "region", "south-west", pledge_keys.STILL_GOING)) == 0
    assert counter_value(pledge_keys.organisation_done(organisation.pk)) == 1
    assert counter_value(pledge_keys.organisation_outcomes_answered(organisation.pk)) == 1
    assert counter_value(pledge_keys.organisation_outcome_choice(organisation.pk, "benefit", "carers")) == 1
    assert counters_recount(dry_run=True) == {}
    services.pledge_withdraw(pledge=pledge)
    assert counter_value(pledge_keys.organisation_done(organisation.pk)) == 0
    assert counter_value(pledge_keys.organisation_outcomes_answered(organisation.pk)) == 0
    assert counters_recount(dry_run=True) == {}


def test_impact_figures_are_exact_after_a_burst(campaign):
    """Many pledges confirmed, done, answered, changed, hidden and withdrawn in turn: the kept
    totals end where a full recount puts them."""
    pledges = [PledgeFactory(unconfirmed=True, job_role=role) for role in ["nurse", "porter", "care-worker"] * 20]
    for pledge in pledges:
        services.pledge_confirm(pledge_id=pledge.pk)
    for n, pledge in enumerate(pledges):
        pledge.refresh_from_db()
        if n % 2:
            services.pledge_mark_done(pledge=pledge)
        if n % 3:
            record(pledge, benefit=["patients", "me"] if n % 4 else ["colleagues"], ongoing=["yes", "partly"][n % 2])
        if n % 5 == 0:
            record(pledge, reach="beyond", change="It spread.", publish=True)
        if n % 7 == 0:
            services.pledge_withdraw(pledge=pledge)
        elif n % 11 == 0:
            services.pledge_decide(pledge=pledge, action="hide")
    assert counter_value(pledge_keys.outcomes_answered(campaign.pk)) > 20
    assert counters_recount(dry_run=True) == {}


def test_the_follow_up_counts_who_was_asked_once_however_often_the_job_runs(campaign):
    from datetime import timedelta

    from django.utils import timezone

    long_ago = timezone.now() - timedelta(days=91)
    counted(PledgeFactory(done_at=long_ago, published_at=long_ago), PledgeFactory(done_at=long_ago))
    PledgeFactory(done_at=long_ago, held=True)  # not on the wall: not asked
    reminders_run(reminder_job("pledge-outcome"))
    reminders_run(reminder_job("pledge-outcome"))
    assert counter_value(pledge_keys.outcomes_asked(campaign.pk)) == 2
    assert counters_recount(dry_run=True) == {}


# --- The campaign report ------------------------------------------------------------


@pytest.fixture
def answers(campaign, past_campaign):
    """Eight answers this campaign (three reached beyond), six in the last."""
    pledges = counted(*PledgeFactory.create_batch(8))
    for pledge in pledges[:5]:
        record(pledge, benefit=["patients", "colleagues"], reach="team", change="Our ward is calmer.", publish=True)
    for pledge in pledges[5:]:
        record(pledge, benefit=["patients"], reach="beyond", change="Three wards copied us.", publish=True)
    for pledge in counted(*PledgeFactory.create_batch(6, campaign=past_campaign)):
        record(pledge, benefit=["carers"], reach="organisation")
    return pledges


def _cell(page: str, label: str) -> str:
    return page.split(f">{label}</th>", 1)[1].split("</td>", 1)[0].rsplit(">", 1)[1]


def test_the_report_compares_with_the_last_campaign_and_hides_a_cell_of_three(client, answers):
    response = client.get(reverse("pledges:impact"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Change Day 2027 against Change Day 2026" in page
    row = page.split(">Told us what changed, a few months on</th>", 1)[1].split("</tr>", 1)[0]
    assert ">8<" in row and ">6<" in row
    assert _cell(page, "Beyond my organisation") == "fewer than 5"
    assert "any figure under 5 is shown as &ldquo;fewer than 5&rdquo;" in page
    # The charts draw no bar for a hidden cell, so its length cannot give it away.
    assert 'aria-labelledby="bars-howfardiditreach-title' in page
    chart = page.split('<title id="bars-howfardiditreach-title">', 1)[1].split("</svg>", 1)[0]
    assert chart.count("<rect") == 1  # "My team", 5; the rest are under 5


def test_the_breakdowns_show_made_done_told_us_and_still_going(client, campaign):
    nurses = counted(*PledgeFactory.create_batch(6, job_role="nurse"))
    for pledge in nurses:
        services.pledge_mark_done(pledge=pledge)
        record(pledge, ongoing="yes")
    # Two groups under 5, so no third cell has to be hidden to protect a lone one.
    counted(*PledgeFactory.create_batch(3, job_role="porter"), *PledgeFactory.create_batch(2, job_role="cleaner"))
    page = client.get(reverse("pledges:impact")).content.decode()
    table = page.split('id="by-role"', 1)[1].split("</table>", 1)[0]
    nurse = table.split(">Nurse</th>", 1)[1].split("</tr>", 1)[0]
    assert nurse.count(">6<") == 4
    porter = table.split(">Porter</th>", 1)[1].split("</tr>", 1)[0]
    assert porter.count("fewer than 5") == 4


def test_a_past_campaign_has_its_own_report_and_an_unknown_one_is_not_found(client, answers, past_campaign):
    page = client.get(reverse("pledges:impact_campaign", args=[past_campaign.slug])).content.decode()
    assert "What pledges changed" in page and "Change Day 2026 in figures" in page
    assert client.get(reverse("pledges:impact_campaign", args=["no-such-day"])).status_code == 404


def test_sentences_can_be_searched_and_filtered(client, answers, campaign):
    dementia = Theme.objects.get(slug="dementia")
    (pledge,) = counted(PledgeFactory(theme=dementia))
    record(pledge, benefit=["carers"], reach="organisation", change="Relatives join our dementia cafe.", publish=True)
    url = reverse("pledges:impact")
    page = client.get(url, {"q": "dementia cafe"}).content.decode()
    assert "Relatives join our dementia cafe." in page and "Our ward is calmer." not in page
    page = client.get(url, {"theme": "dementia"}).content.decode()
    assert "Relatives join our dementia cafe." in page and "Three wards copied us." not in page
    page = client.get(url, {"benefit": "carers"}).content.decode()
    assert "Relatives join our dementia cafe." in page and "Our ward is calmer." not in page
    page = client.get(url, {"reach": "beyond"}).content.decode()
    assert "Three wards copied us." in page and "Our ward is calmer." not in page
    page = client.get(url, {"reach": "nonsense", "q": "nothing like it"}).content.decode()
    assert "No published sentence matches" in page


def test_a_withdrawn_pledges_sentence_is_not_shown(client, campaign):
    (pledge,) = counted(PledgeFactory())
    record(pledge, change="A sentence to take back.", publish=True)
    services.pledge_withdraw(pledge=pledge)
    assert "A sentence to take back." not in client.get(reverse("pledges:impact")).content.decode()


def test_the_report_reads_kept_totals_not_rows(client, answers, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        assert client.get(reverse("pledges:impact")).status_code == 200


def test_the_figures_download_as_csv_and_json_as_the_page_shows_them(client, answers, campaign):
    csv = b"".join(client.get(reverse("pledges:impact_csv")).streaming_content).decode()
    assert csv.startswith("section,group,answer,campaign,figure")
    assert "reach,How far did it reach?,Beyond my organisation,change-day-2027,fewer than 5" in csv
    assert ",3\r\n" not in csv
    body = json.loads(client.get(reverse("pledges:impact_campaign_json", args=[campaign.slug])).content)
    assert body["campaign"] == "change-day-2027"
    beyond = [f for f in body["figures"] if f["answer"] == "Beyond my organisation" and f["campaign"] == campaign.slug]
    assert beyond[0]["figure"] == "fewer than 5"
    assert "Our ward is calmer." not in json.dumps(body)
    assert (
        reverse("pledges:impact_campaign_csv", args=[campaign.slug])
        in client.get(reverse("pledges:impact")).content.decode()
    )


# --- Each organisation's page -------------------------------------------------------


def test_an_organisations_page_shows_its_staffs_figures_and_no_breakdown_below_five(client, campaign):
    organisation = make_organisation()
    staff = counted(*PledgeFactory.create_batch(3, organisation=organisation))
    for pledge in staff:
        record(pledge, benefit=["carers"])
    url = organisation.get_absolute_url()
    page = client.get(url).content.decode()
    assert "What pledges by people who work here changed" in page
    assert _cell(page, "Told us what changed, a few months on") == "fewer than 5"
    assert "Who benefited from what you did?" not in page
    more = counted(*PledgeFactory.create_batch(3, organisation=organisation))
    for pledge in more:
        services.pledge_mark_done(pledge=pledge)
        record(pledge, benefit=["carers", "me"])
    page = client.get(url).content.decode()
    assert _cell(page, "Told us what changed, a few months on") == "6"
    assert _cell(page, "Carers") == "6" and _cell(page, "Me") == "fewer than 5"
    assert _cell(page, "Done") == "fewer than 5"


def test_an_organisation_with_no_staff_pledges_shows_no_impact_section(client, campaign):
    organisation = make_organisation()
    assert (
        "What pledges by people who work here changed"
        not in client.get(organisation.get_absolute_url()).content.decode()
    )


# --- The hub ------------------------------------------------------------------------


def test_the_hub_links_each_report_and_is_linked_from_home_and_footer(client, campaign):
    page = client.get(reverse("impact")).content.decode()
    assert reverse("pledges:impact") in page and reverse("ambassadors:impact") in page
    # The Social Care Commitment's report is linked once its page exists.
    from django.urls import Resolver404, resolve

    try:
        resolve("/social-care-commitment/impact/")
        assert "/social-care-commitment/impact/" in page
    except Resolver404:
        assert "/social-care-commitment/impact/" not in page
    home = client.get(reverse("home")).content.decode()
    assert home.count(f'href="{reverse("impact")}"') == 2  # in the page and in the footer


def test_unconfirmed_pledges_cannot_be_answered(campaign):
    from pledges.outcomes import OutcomeError

    pledge = PledgeFactory(unconfirmed=True)
    with pytest.raises(OutcomeError):
        record(pledge)
    assert not Pledge.objects.get(pk=pledge.pk).outcome_asked_at
