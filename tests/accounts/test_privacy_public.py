"""An account's name and organisation are copied to public pages (a Care Maker profile, a
pledge form's answers), so personal data in them is refused with a clear error."""

import pytest

from tests.personal_data import MARKER, SAMPLES

pytestmark = pytest.mark.django_db

DETAILS = "/my-account/details/"
CLEAN = {
    "display_name": "Sam S",
    "job_role": "porter",
    "sector": "nhs-acute",
    "region": "london",
    "organisation_name": "",
}


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize(
    "field,message",
    [("display_name", "Your name must not include "), ("organisation_name", "Your organisation must not include ")],
)
def test_personal_data_in_account_details_is_refused(client, supporter, sample, field, message):
    client.force_login(supporter)
    response = client.post(DETAILS, {**CLEAN, field: f"{MARKER} {sample}"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and message in html and f'href="#id_{field}"' in html
    supporter.refresh_from_db()
    assert MARKER not in supporter.display_name + supporter.organisation_name


def test_clean_account_details_are_saved(client, supporter):
    client.force_login(supporter)
    assert client.post(DETAILS, {**CLEAN, "organisation_name": "Oak Lodge, 2nd floor"}).status_code == 302
    supporter.refresh_from_db()
    assert supporter.organisation_name == "Oak Lodge, 2nd floor"
