"""Someone active in every programme deletes their account: afterwards their email address
and name are nowhere in the database, and what they chose to keep stays in the totals."""

import pytest
from django.utils import timezone

from ambassadors.models import Application, CareMaker, Story
from counters.services import counters_recount
from mail.services import campaign_news_opt_in
from organisations.models import Audience, EmployeeCommitment, Membership
from organisations.services import employee_commit
from pledges import services as pledge_services
from pledges.models import Pledge
from tests.accounts.test_data_rights import rows_mentioning
from tests.ambassadors.factories import ApplicationFactory, CareMakerFactory, IntakeFactory, StoryFactory
from tests.factories import UserFactory
from tests.organisations.factories import commit, ensure_statements, make_organisation, one_task_each

# The pledges fixtures: a current campaign, a theme and valid pledge data.
from tests.pledges.conftest import campaign, service_data, theme  # noqa: F401

pytestmark = pytest.mark.django_db

EMAIL = "everywhere.person@example.org"
NAME = "Quentin Everywhere"


@pytest.fixture
def everywhere(campaign, service_data, org_rep, django_capture_on_commit_callbacks):  # noqa: F811
    ensure_statements()
    person = UserFactory(email=EMAIL, display_name=NAME, job_role="care-worker", sector="adult-social-care")
    with django_capture_on_commit_callbacks(execute=True):
        pledge = pledge_services.pledge_submit(
            campaign=campaign, data={**service_data, "email": EMAIL, "name": NAME}, user=person
        ).pledge
        campaign_news_opt_in(email=EMAIL)
        organisation = make_organisation(rep=org_rep)
        commit(organisation, org_rep)
        employee_commit(organisation=organisation, user=person, chosen=one_task_each(Audience.EMPLOYEE))
        Membership.objects.create(
            organisation=make_organisation(rep=None, name="Champion Care"), user=person, role=Membership.Role.CHAMPION
        )
        intake = IntakeFactory()
        ApplicationFactory(user=person, intake=intake, statement=f"I am {NAME} and I care. " * 8)
        care_maker = CareMakerFactory(user=person, intake=intake, display_name=NAME, bio=f"Hello, I am {NAME}.")
        StoryFactory(care_maker=care_maker, text=f"A story by {NAME}.")
    assert pledge.status == Pledge.Status.PUBLISHED
    assert rows_mentioning(EMAIL), "the person must be in the database before the deletion"
    return person


def test_deleting_keeping_contributions_leaves_no_email_or_name_and_keeps_the_pledge_counted(
    client, everywhere, campaign
):  # noqa: F811
    client.force_login(everywhere)
    response = client.post("/my-account/delete/", {"contributions": "keep", "confirm": "on"})
    assert response.status_code == 302
    assert rows_mentioning(EMAIL) == []
    assert rows_mentioning(NAME) == []
    assert rows_mentioning("everywhere.person") == []
    kept = Pledge.objects.get(campaign=campaign)
    assert kept.status == Pledge.Status.PUBLISHED and kept.user_id is None
    assert counters_recount(dry_run=True) == {}


def test_deleting_and_removing_contributions_takes_everything_out_of_the_totals(client, everywhere, campaign):  # noqa: F811
    client.force_login(everywhere)
    client.post("/my-account/delete/", {"contributions": "remove", "confirm": "on"})
    assert rows_mentioning(EMAIL) == []
    assert rows_mentioning(NAME) == []
    assert not Pledge.objects.filter(status=Pledge.Status.PUBLISHED).exists()
    assert not Application.objects.exists() and not Story.objects.exists() and not CareMaker.objects.exists()
    assert not EmployeeCommitment.objects.filter(user__isnull=False).exists()
    assert counters_recount(dry_run=True) == {}


def test_the_download_holds_every_programme(client, everywhere):
    client.force_login(everywhere)
    data = client.get("/my-account/your-data/").json()
    text = str(data)
    assert data["email"] == EMAIL
    for label in ("account", "mail", "pledges", "care_makers", "social_care_commitment"):
        assert label in data, f"{label} missing from the download"
    assert "A story by" in text and "I am Quentin" in text
    assert timezone.localdate().isoformat()[:4] in data["exported_at"]
