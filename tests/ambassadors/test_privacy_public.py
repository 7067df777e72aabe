"""No NHS number, phone number, email address or postcode, however written, reaches a public
Care Makers page: profile names and bios and the organisation on an application are refused
(a profile is public as soon as it is saved); stories are held for a closer check."""

import pytest
from django.urls import reverse

from ambassadors.models import Application, Story
from tests.ambassadors.test_views import APPLY, apply_data
from tests.personal_data import MARKER, SAMPLES, assert_not_shown

pytestmark = pytest.mark.django_db

PROFILE = {"public_profile": "on", "display_name": "Alex A", "bio": "Night nurse", "chosen_c": "care"}


def _public_pages(client, care_maker) -> list[str]:
    urls = [
        reverse("ambassadors:directory"),
        reverse("ambassadors:profile", args=[care_maker.number]),
        reverse("ambassadors:stories"),
    ]
    return [client.get(url).content.decode() for url in urls]


def test_the_pages_checked_do_show_a_clean_profile(client, ambassador, care_maker):
    client.force_login(ambassador)
    client.post(reverse("ambassadors:my_profile"), {**PROFILE, "display_name": MARKER, "bio": f"I am {MARKER}"})
    client.logout()
    pages = _public_pages(client, care_maker)
    assert MARKER in pages[0] and MARKER in pages[1]


def test_the_profile_form_says_personal_data_is_not_accepted(client, ambassador, care_maker):
    client.force_login(ambassador)
    html = client.get(reverse("ambassadors:my_profile")).content.decode()
    assert "we cannot accept those" in html


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize(
    "field,value,message",
    [
        ("bio", "Ring {marker} on {sample}", "Your bio must not include "),
        ("display_name", "{marker} {sample}", "The name to show must not include "),
    ],
)
def test_personal_data_in_a_profile_is_refused(client, ambassador, care_maker, sample, field, value, message):
    client.force_login(ambassador)
    response = client.post(
        reverse("ambassadors:my_profile"), {**PROFILE, field: value.format(marker=MARKER, sample=sample)}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and message in html and f'href="#id_{field}"' in html
    care_maker.refresh_from_db()
    assert MARKER not in care_maker.bio + care_maker.display_name
    client.logout()
    for content in _public_pages(client, care_maker):
        assert_not_shown(content, sample)


@pytest.mark.parametrize("sample", SAMPLES)
def test_personal_data_in_a_story_holds_it_for_a_closer_check(client, ambassador, care_maker, sample):
    client.force_login(ambassador)
    client.post(
        reverse("ambassadors:story_new"),
        {"c": "courage", "title": f"{MARKER} spoke up", "text": f"Mrs Jones, {sample}, told us."},
    )
    story = Story.objects.get()
    assert story.held and story.held_reasons
    assert story.status == Story.Status.SUBMITTED
    client.logout()
    for content in _public_pages(client, care_maker):
        assert_not_shown(content, sample)
    assert client.get(reverse("ambassadors:story", args=[story.pk])).status_code == 404


@pytest.mark.parametrize("sample", SAMPLES)
def test_personal_data_in_the_organisation_applied_from_is_refused(client, supporter, intake, sample):
    client.force_login(supporter)
    html = client.post(APPLY, apply_data(organisation=f"{MARKER} care home, {sample}")).content.decode()
    assert "Your organisation must not include " in html and 'href="#id_organisation"' in html
    assert not Application.objects.exists()
