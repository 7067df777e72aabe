"""Pledges and Care Makers counted on an organisation's page, its dashboard and its milestones."""

import pytest
from django.urls import reverse

from counters import keys as linked_keys
from counters import milestones
from counters.models import Milestone, MilestoneRule
from mail.models import Email
from pledges import services as pledge_services
from tests.ambassadors.factories import CareMakerFactory
from tests.factories import UserFactory
from tests.pledges.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    from pledges.models import Theme

    campaign = CampaignFactory(name="Change Day 2027", slug="change-day-2027", is_current=True)
    campaign.theme = Theme.objects.get(slug="dementia")
    return campaign


def pledge_for(campaign, organisation, n: int, name: str = "Jo Bloggs"):
    data = {
        "text": f"I will learn one new thing about dementia each week, promise {n}.",
        "theme": campaign.theme,
        "kind": "me",
        "job_role": "care-worker",
        "sector": "adult-social-care",
        "region": "south-west",
        "organisation_name": organisation.name,
        "organisation": organisation,
        "show_name": "name",
        "name": name,
        "email": f"pledger{n}@example.org",
    }
    result = pledge_services.pledge_submit(campaign=campaign, data=data)
    return pledge_services.pledge_confirm(pledge_id=result.pledge.pk).pledge


def totals_in(html: str) -> list[str]:
    import re

    return re.findall(r'app-totals__number">([\d,]+)</span> ([^<]+)</li>', html)


def test_the_public_page_counts_pledges_and_care_makers_never_names(client, committed, campaign):
    pledge_for(campaign, committed, 1, name="Priya Pledger")
    pledge_for(campaign, committed, 2, name="Quentin Pledger")
    CareMakerFactory(listed_organisation=committed, display_name="Carla Caremaker")
    CareMakerFactory(listed_organisation=committed, active=False, display_name="Larry Lapsed")
    html = client.get(reverse("organisations:detail", args=[committed.slug])).content.decode()
    assert ("2", "pledges by people who work here") in totals_in(html)
    assert ("1", "Care Maker") in totals_in(html)
    for name in ("Priya", "Quentin", "Carla", "Larry", "pledger1@example.org"):
        assert name not in html
    assert "will appear here once" not in html
    assert f'href="{reverse("pledges:new")}?organisation={committed.slug}"' in html


def test_an_organisation_with_no_links_shows_zero(client, committed):
    html = client.get(reverse("organisations:detail", args=[committed.slug])).content.decode()
    assert ("0", "pledges by people who work here") in totals_in(html)
    assert ("0", "Care Makers") in totals_in(html)


def test_the_dashboard_counts_staff_pledges_and_care_makers_never_names(client, committed, campaign, org_rep):
    pledge_for(campaign, committed, 1, name="Priya Pledger")
    CareMakerFactory(listed_organisation=committed, display_name="Carla Caremaker")
    CareMakerFactory(listed_organisation=committed, display_name="Colin Caremaker")
    client.force_login(org_rep)
    html = client.get(reverse("organisations:dashboard", args=[committed.slug])).content.decode()
    assert ("1", "staff pledge") in totals_in(html)
    assert ("2", "Care Makers") in totals_in(html)
    for name in ("Priya", "Carla", "Colin"):
        assert name not in html
    assert "will be counted here when" not in html
    assert f"?organisation={committed.slug}" in html


def test_the_dashboard_is_still_for_representatives_only(client, committed, outsider):
    client.force_login(outsider)
    assert client.get(reverse("organisations:dashboard", args=[committed.slug])).status_code == 403


def test_a_default_rule_celebrates_staff_pledges_per_organisation():
    rule = MilestoneRule.objects.get(pattern="pledges:organisation:*")
    assert rule.thresholds == [10, 50, 100, 500]
    assert rule.audience == MilestoneRule.Audience.ORGANISATION


def test_the_tenth_staff_pledge_is_a_milestone_for_the_organisations_representatives(
    committed, campaign, org_rep, django_capture_on_commit_callbacks, mailoutbox
):
    deputy = UserFactory(email="deputy@oaklodge.example")
    committed.memberships.create(user=deputy, role="representative")
    champion = UserFactory(email="champion@oaklodge.example")
    committed.memberships.create(user=champion, role="champion")
    milestones.rules_cache_clear()
    key = linked_keys.organisation_pledges(committed.pk)
    for n in range(9):
        pledge_for(campaign, committed, n)
    assert not Milestone.objects.filter(key=key).exists()
    with django_capture_on_commit_callbacks(execute=True):
        pledge_for(campaign, committed, 9)
    milestone = Milestone.objects.get(key=key)
    assert (milestone.threshold, milestone.value_at_crossing) == (10, 10)
    name = f"{committed.name}, {committed.town}"
    assert milestone.label == f"pledges made by staff of {name}"
    sent_to = set(Email.objects.filter(kind__startswith="milestone").values_list("to", flat=True))
    assert {org_rep.email, deputy.email} <= sent_to
    assert champion.email not in sent_to
    to_rep = [m for m in mailoutbox if m.to == [org_rep.email]]
    assert to_rep and name in to_rep[0].subject and name in to_rep[0].body
    assert name in to_rep[0].alternatives[0][0]
    # The eleventh pledge crosses nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        pledge_for(campaign, committed, 10)
    assert Milestone.objects.filter(key=key).count() == 1


def test_demo_links_pledges_and_care_makers_to_organisations_once():
    from io import StringIO

    from accounts import demo as accounts_demo
    from ambassadors import demo as ambassadors_demo
    from ambassadors.models import CareMaker
    from counters.services import counter_value, counters_recount
    from organisations import demo
    from organisations.models import Organisation
    from pledges import demo as pledges_demo
    from pledges.models import Pledge

    accounts_demo.load(StringIO())
    UserFactory(email="root@demo.example", is_superuser=True, is_staff=True)
    demo.load(StringIO())
    pledges_demo.load(StringIO())
    ambassadors_demo.load(StringIO())
    oak = Organisation.objects.get(name="Oak Lodge Care Home")
    linked = (
        Pledge.objects.filter(organisation=oak).count(),
        CareMaker.objects.filter(listed_organisation=oak).count(),
    )
    assert linked == (12, 2)
    demo.load(StringIO())
    pledges_demo.load(StringIO())
    ambassadors_demo.load(StringIO())
    assert Pledge.objects.filter(organisation__isnull=False).count() == sum(pledges_demo.ORGANISATION_LINKS.values())
    assert counter_value(linked_keys.organisation_pledges(oak.pk)) == 12
    assert counter_value(linked_keys.organisation_care_makers(oak.pk)) == 2
    assert counters_recount(dry_run=True) == {}


def test_after_committing_through_the_invitation_an_employee_is_offered_to_pledge_as_staff(
    client, committed, supporter
):
    from organisations import services

    from .test_views import employee_data

    client.force_login(supporter)
    client.post(reverse("organisations:join-invite", args=[services.invitation_token(committed)]), employee_data())
    account = client.get(reverse("accounts:home")).content.decode()
    link = f'href="{reverse("pledges:new")}?organisation={committed.slug}">Make a pledge as part of Oak Lodge Care Home'
    assert link in account


def test_typed_words_match_by_cqc_id_ods_code_name_and_town_or_name_only():
    from organisations.models import Organisation
    from organisations.selectors import organisation_matches

    from .factories import make_organisation

    surgery = make_organisation(name="Castle Street Surgery", type=Organisation.Type.GP_PRACTICE, ods_code="M85001")
    home = make_organisation(name="Smith, Jones and Partners", town="Dudley", cqc_provider_id="1-987654321")
    assert organisation_matches("m85001") == [surgery]
    assert organisation_matches(" 1-987654321 ") == [home]
    assert organisation_matches("smith,  jones and partners") == [home]
    assert organisation_matches("Smith, Jones and Partners, Dudley") == [home]
    assert organisation_matches("Castle Street") == []
    assert organisation_matches("1-000000000") == []


def test_the_listed_name_index_exists_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'organisations_listed_name_idx'")
        (definition,) = cursor.fetchone()
    assert "upper" in definition and "text_pattern_ops" in definition and "verified_at IS NOT NULL" in definition
