"""Care Makers who name an organisation from the directory: the link and its active count."""

import pytest
from django.urls import reverse

from ambassadors import data_rights, services
from ambassadors import keys as ambassador_keys
from ambassadors.models import Application, CareMaker
from counters.services import counter_set, counter_value, counters_recount
from tests.ambassadors.factories import ApplicationFactory, CareMakerFactory
from tests.organisations.factories import make_organisation

from .test_views import apply_data

pytestmark = pytest.mark.django_db

APPLY = reverse("ambassadors:apply")


@pytest.fixture
def oak(db):
    return make_organisation(name="Oak Lodge Care Home", town="Exeter", cqc_provider_id="1-123456789")


def org_care_makers(organisation) -> int:
    return counter_value(ambassador_keys.organisation(organisation.pk))


@pytest.mark.parametrize("typed", ["Oak Lodge Care Home, Exeter", "1-123456789", "OAK LODGE CARE HOME"])
def test_an_application_naming_a_directory_organisation_is_linked(client, supporter, intake, oak, typed):
    client.force_login(supporter)
    response = client.post(APPLY, apply_data(organisation=typed))
    assert response.status_code == 302
    application = Application.objects.get(user=supporter)
    assert application.listed_organisation == oak
    assert application.organisation == "Oak Lodge Care Home"


def test_an_organisation_not_in_the_directory_stays_free_text(client, supporter, intake, oak):
    client.force_login(supporter)
    client.post(APPLY, apply_data(organisation="Exe Valley Hospital"))
    application = Application.objects.get(user=supporter)
    assert application.listed_organisation is None
    assert application.organisation == "Exe Valley Hospital"


def test_the_apply_form_offers_directory_suggestions(client, supporter, intake):
    client.force_login(supporter)
    html = client.get(APPLY).content.decode()
    assert 'list="organisation-options"' in html and "organisation-lookup.js" in html


def test_approval_keeps_the_link_and_counts_the_care_maker_for_the_organisation(
    supporter, intake, oak, south_west_lead
):
    application = ApplicationFactory(user=supporter, intake=intake, listed_organisation=oak)
    services.application_decide(action="approve", applications=[application], decider=south_west_lead)
    care_maker = CareMaker.objects.get(user=supporter)
    assert care_maker.listed_organisation == oak
    assert org_care_makers(oak) == 1
    assert counter_value("ambassadors:active") == 1
    assert counters_recount(dry_run=True) == {}


def test_a_declined_application_counts_nothing(supporter, intake, oak, south_west_lead, reason):
    application = ApplicationFactory(user=supporter, intake=intake, listed_organisation=oak)
    services.application_decide(action="decline", applications=[application], decider=south_west_lead, reason=reason)
    assert org_care_makers(oak) == 0


def test_lapse_and_recommit_move_the_organisation_count(oak):
    care_maker = CareMakerFactory(listed_organisation=oak)
    assert org_care_makers(oak) == 1
    services.caremaker_lapse(care_maker=care_maker)
    services.caremaker_lapse(care_maker=care_maker)
    assert org_care_makers(oak) == 0
    assert counters_recount(dry_run=True) == {}
    services.caremaker_recommit(care_maker=care_maker)
    services.caremaker_recommit(care_maker=care_maker)
    assert org_care_makers(oak) == 1
    assert counters_recount(dry_run=True) == {}


def test_erasure_takes_an_active_care_maker_off_the_organisation_count(oak):
    leaving = CareMakerFactory(listed_organisation=oak)
    CareMakerFactory(listed_organisation=oak)
    data_rights.erase(user=leaving.user, email=leaving.user.email, keep_contributions=False)
    assert org_care_makers(oak) == 1
    assert counters_recount(dry_run=True) == {}


def test_erasing_a_lapsed_care_maker_changes_nothing(oak):
    care_maker = CareMakerFactory(listed_organisation=oak)
    services.caremaker_lapse(care_maker=care_maker)
    data_rights.erase(user=care_maker.user, email=care_maker.user.email, keep_contributions=False)
    assert org_care_makers(oak) == 0
    assert counters_recount(dry_run=True) == {}


def test_the_care_makers_recount_owns_and_repairs_the_organisation_count(oak):
    CareMakerFactory(listed_organisation=oak)
    CareMakerFactory()
    key = ambassador_keys.organisation(oak.pk)
    assert key.startswith(ambassador_keys.PREFIX)
    assert services.recount_active()[key] == 1
    counter_set(key, 9)
    assert key not in counters_recount(prefixes=["organisations:"], dry_run=True)
    assert counters_recount(prefixes=["ambassadors:"]) == {key: (9, 1)}
    assert counters_recount(dry_run=True) == {}


def test_the_public_profile_links_the_organisation(client, oak):
    care_maker = CareMakerFactory(listed_organisation=oak, organisation="Oak Lodge Care Home")
    html = client.get(reverse("ambassadors:profile", args=[care_maker.number])).content.decode()
    assert f'<a href="{oak.get_absolute_url()}"><bdi>Oak Lodge Care Home</bdi></a>' in html
