import pytest

from accounts.choices import Region
from ambassadors.models import RegionalLead
from moderation.models import Reason
from tests.ambassadors.factories import CareMakerFactory, IntakeFactory
from tests.factories import UserFactory


@pytest.fixture
def intake(db):
    return IntakeFactory(name="Winter intake")


@pytest.fixture
def south_west_lead(db):
    lead = UserFactory(email="lead.sw@example.org", display_name="Sian Lead", region=Region.SOUTH_WEST)
    RegionalLead.objects.create(user=lead, region=Region.SOUTH_WEST)
    return lead


@pytest.fixture
def london_lead(db):
    lead = UserFactory(email="lead.london@example.org", display_name="Lena Lead", region=Region.LONDON)
    RegionalLead.objects.create(user=lead, region=Region.LONDON)
    return lead


@pytest.fixture
def reason(db):
    return Reason.objects.filter(applies_to=Reason.AppliesTo.APPLICATION).order_by("position").first()


@pytest.fixture
def care_maker(ambassador, intake):
    """The ambassador persona as an active Care Maker with a public profile."""
    return CareMakerFactory(user=ambassador, intake=intake, number=7, display_name="Alex Ambassador")


@pytest.fixture(autouse=True)
def seeded_eligibility(db):
    """The migration's starting eligibility and decline reasons (a flush by a browser test removes them)."""
    import importlib

    from django.apps import apps

    importlib.import_module("ambassadors.migrations.0002_seed_eligibility").seed_eligibility(apps)
    importlib.import_module("ambassadors.migrations.0007_decisions_into_audit_log").application_reasons_seed(apps)
