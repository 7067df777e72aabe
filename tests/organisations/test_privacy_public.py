"""No NHS number, phone number, email address or postcode, however written, reaches the public
organisation directory: an organisation's name and town are refused with a clear error."""

import pytest

from organisations.models import Organisation
from tests.organisations.test_views import REGISTER, form_data
from tests.personal_data import MARKER, SAMPLES

pytestmark = pytest.mark.django_db


def test_the_form_says_the_town_is_public(client, org_rep):
    client.force_login(org_rep)
    assert "without the street or postcode" in client.get(REGISTER).content.decode()


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize(
    "field,message",
    [("name", "The organisation name must not include "), ("town", "The town or city must not include ")],
)
def test_personal_data_in_a_registration_is_refused(client, org_rep, sample, field, message):
    client.force_login(org_rep)
    response = client.post(REGISTER, form_data(**{field: f"{MARKER} {sample}"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and message in html and f'href="#id_{field}"' in html
    assert f'value="{MARKER}' in html  # what was typed is kept
    assert not Organisation.objects.exists()


def test_a_cqc_provider_id_in_the_name_is_not_personal_data(client, org_rep):
    """1-101234563 read as a number would pass the NHS number check digit."""
    client.force_login(org_rep)
    client.post(REGISTER, form_data(name="Birch House (1-101234563)"))
    assert Organisation.objects.get().name == "Birch House (1-101234563)"
