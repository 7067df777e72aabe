from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from accounts.choices import Region
from ambassadors import services as ambassador_services
from ambassadors.models import RegionalLead
from mail.links import preferences_token
from organisations import services as organisation_services
from organisations.models import AccessRequest
from pledges import services as pledge_services
from tests.ambassadors.factories import ApplicationFactory, CareMakerFactory, IntakeFactory, StoryFactory
from tests.factories import UserFactory
from tests.organisations.factories import commit, ensure_statements, make_organisation
from tests.pledges.factories import CampaignFactory, PledgeFactory


@dataclass
class World:
    """One of everything a URL can point at, with the people who may see it."""

    supporter: object
    moderator: object
    programme_admin: object
    org_rep: object
    ambassador: object
    lead: object
    campaign: object
    pledge: object
    held: object
    organisation: object
    care_maker: object
    story: object
    application: object
    access_request: object

    def tokens(self) -> dict[str, str]:
        return {
            "confirm": pledge_services.confirm_token(self.held),
            "manage": pledge_services.manage_token(self.pledge),
            "endorse": ambassador_services.endorse_token(self.application),
            "recommit": ambassador_services.recommit_token(self.care_maker),
            "preferences": preferences_token(self.supporter.email),
            "invite": organisation_services.invitation_token(self.organisation),
        }


@pytest.fixture
def world(db, supporter, moderator, programme_admin, org_rep, ambassador, outsider):
    ensure_statements()
    for name in ("Moderators", "Regional leads", "Programme admins"):
        Group.objects.get_or_create(name=name)
    campaign = CampaignFactory(name="Change Day 2027", slug="change-day-2027", is_current=True)
    organisation = make_organisation(rep=org_rep, name="Oak Lodge Care Home")
    commit(organisation, org_rep)
    lead = UserFactory(email="lead.sw@example.org", display_name="Sian Lead", region=Region.SOUTH_WEST)
    RegionalLead.objects.create(user=lead, region=Region.SOUTH_WEST)
    intake = IntakeFactory(name="Winter intake")
    care_maker = CareMakerFactory(user=ambassador, intake=intake, number=7, display_name="Alex Ambassador")
    return World(
        supporter=supporter,
        moderator=moderator,
        programme_admin=programme_admin,
        org_rep=org_rep,
        ambassador=ambassador,
        lead=lead,
        campaign=campaign,
        pledge=PledgeFactory(user=supporter, email=supporter.email),
        held=PledgeFactory(held=True),
        organisation=organisation,
        care_maker=care_maker,
        story=StoryFactory(care_maker=care_maker, published=True),
        application=ApplicationFactory(intake=intake, manager_name="Mo Manager", manager_email="mo@example.nhs.uk"),
        access_request=AccessRequest.objects.create(organisation=organisation, user=outsider, job_title="Nurse"),
    )
