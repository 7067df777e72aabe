"""No NHS number, phone number, email address or postcode, however written, reaches a public
pledge page: the pledge is held for a moderator, a done story is refused."""

import pytest
from django.urls import reverse

from pledges import services
from pledges.models import Pledge
from tests.personal_data import MARKER, SAMPLES, assert_not_shown

pytestmark = pytest.mark.django_db

NEW = reverse("pledges:new")
CHECK = reverse("pledges:check")


def _public_pages(client, pledge: Pledge) -> list[str]:
    pages = [
        reverse("pledges:index"),
        reverse("pledges:feed"),
        reverse("pledges:open_data_csv"),
        reverse("pledges:open_data_json"),
        pledge.get_absolute_url(),
    ]
    return [client.get(url).getvalue().decode() for url in pages]


def test_the_form_says_such_a_pledge_waits_for_a_moderator(client, campaign):
    html = client.get(NEW).content.decode()
    assert "is checked by a moderator before it is shown" in html


def test_the_pages_checked_do_show_a_clean_pledge(client, campaign, form_data, supporter):
    """The control: without personal data, the same words are on every page checked."""
    client.force_login(supporter)
    client.post(NEW, {**form_data, "text": f"I will thank {MARKER} every week"})
    client.post(CHECK)
    pledge = Pledge.objects.get()
    assert pledge.status == Pledge.Status.PUBLISHED
    client.logout()
    assert all(MARKER in content for content in _public_pages(client, pledge))


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("field", ["text", "name", "organisation_name"])
def test_personal_data_in_any_pledge_field_holds_the_pledge(client, campaign, form_data, supporter, field, sample):
    values = {
        "text": f"I will phone {MARKER} on {sample} every week",
        "name": f"{sample} {MARKER}",
        "organisation_name": f"{MARKER} care, {sample}",
    }
    client.force_login(supporter)
    client.post(
        NEW,
        {
            **form_data,
            "show_name": Pledge.ShowName.NAME,
            "text": f"I will thank {MARKER} every week",
            field: values[field],
        },
    )
    client.post(CHECK)
    pledge = Pledge.objects.get()
    assert pledge.status == Pledge.Status.HELD
    assert pledge.held_reason.startswith("May contain ")
    client.logout()
    for content in _public_pages(client, pledge):
        assert_not_shown(content, sample)


@pytest.mark.parametrize("sample", SAMPLES)
def test_personal_data_in_a_done_story_is_refused_with_a_clear_error(client, campaign, service_data, supporter, sample):
    pledge = services.pledge_submit(campaign=campaign, data=service_data, user=supporter).pledge
    assert pledge.status == Pledge.Status.PUBLISHED
    client.force_login(supporter)
    response = client.post(
        reverse("pledges:manage", args=[pledge.pk]), {"action": "done", "story": f"{MARKER} rang me on {sample}"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and "Your story must not include " in html
    assert 'href="#id_story"' in html
    pledge.refresh_from_db()
    assert pledge.done_at is None and pledge.done_story == ""
    client.logout()
    for content in _public_pages(client, pledge):
        assert_not_shown(content, sample)


def test_done_story_hint_says_personal_data_is_not_accepted(client, campaign, service_data, supporter):
    pledge = services.pledge_submit(campaign=campaign, data=service_data, user=supporter).pledge
    client.force_login(supporter)
    html = client.get(reverse("pledges:manage", args=[pledge.pk])).content.decode()
    assert "email address or postcode is not accepted" in html
