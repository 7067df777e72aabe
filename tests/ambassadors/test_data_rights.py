import pytest

from accounts.data_rights import personal_data_erase, personal_data_export
from ambassadors.models import Application, CareMaker, Story
from counters.services import counter_values, counters_recount
from tests.ambassadors.factories import ApplicationFactory, CareMakerFactory, StoryFactory

pytestmark = pytest.mark.django_db


def test_export_includes_the_application_care_maker_record_and_stories(ambassador):
    ApplicationFactory(user=ambassador, statement="I want to help & listen " * 10)
    care_maker = CareMakerFactory(user=ambassador, bio="Night nurse")
    StoryFactory(care_maker=care_maker, title="My story")
    data = personal_data_export(user=ambassador)["care_makers"]
    assert data["applications"][0]["statement"].startswith("I want to help & listen")
    assert data["care_maker"]["bio"] == "Night nurse"
    assert data["stories"][0]["title"] == "My story"


def test_erasing_an_active_care_maker_removes_them_and_keeps_the_counts_right(ambassador):
    other = CareMakerFactory()
    care_maker = CareMakerFactory(user=ambassador)
    StoryFactory(care_maker=care_maker)
    ApplicationFactory(user=ambassador)
    assert counter_values(["ambassadors:active"])["ambassadors:active"] == 2
    personal_data_erase(user=ambassador)
    assert not CareMaker.objects.filter(pk=care_maker.pk).exists()
    assert not Story.objects.exists() and not Application.objects.exists()
    assert counter_values(["ambassadors:active"])["ambassadors:active"] == 1
    assert counters_recount(prefixes=["ambassadors:"]) == {}
    assert CareMaker.objects.get() == other
