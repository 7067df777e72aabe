import pytest

from pledges.models import Pledge, Theme

from .factories import CampaignFactory


@pytest.fixture
def campaign(db):
    return CampaignFactory(name="Change Day 2027", slug="change-day-2027", is_current=True)


@pytest.fixture
def past_campaign(db):
    return CampaignFactory(name="Change Day 2026", slug="change-day-2026", closed=True)


@pytest.fixture
def theme(db):
    return Theme.objects.get(slug="dementia")


@pytest.fixture
def form_data(theme):
    """A complete make-a-pledge form from someone without an account."""
    return {
        "text": "I will learn more about dementia and share it with my team.",
        "theme": str(theme.pk),
        "kind": Pledge.Kind.TEAM,
        "job_role": "care-worker",
        "sector": "adult-social-care",
        "region": "south-west",
        "organisation_name": "Oak Lodge",
        "show_name": Pledge.ShowName.ROLE_AND_AREA,
        "name": "Jo Bloggs",
        "email": "Jo.Bloggs+cp@gmail.com",
        "consent": "on",
        "website": "",
    }


@pytest.fixture
def service_data(theme):
    return {
        "text": "I will learn more about dementia and share it with my team.",
        "theme": theme,
        "kind": Pledge.Kind.ME,
        "job_role": "nurse",
        "sector": "nhs-acute",
        "region": "london",
        "organisation_name": "",
        "show_name": Pledge.ShowName.ROLE_AND_AREA,
        "name": "Jo Bloggs",
        "email": "jo@example.org",
    }
