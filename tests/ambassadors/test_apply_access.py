"""Who may open the Care Maker application, over HTTP: signed out, unconfirmed address, confirmed."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

APPLY = reverse("ambassadors:apply")


def test_signed_out_people_are_sent_to_sign_in(client, intake):
    response = client.get(APPLY)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_an_unconfirmed_address_gets_the_one_403_page_with_the_way_to_confirm(client, intake):
    client.force_login(UserFactory(verified_email=False))
    response = client.get(APPLY)
    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have access to this page" in html
    assert "Confirm your email address before you apply to be a Care Maker" in html
    assert f'<a href="{reverse("account_email")}">Send the confirmation email again</a>' in html


def test_an_unconfirmed_address_cannot_post_an_application(client, intake):
    user = UserFactory(verified_email=False)
    client.force_login(user)
    assert client.post(APPLY, {"role": "nurse"}).status_code == 403
    assert not user.care_maker_applications.exists()


def test_a_confirmed_address_sees_the_form(client, supporter, intake):
    client.force_login(supporter)
    response = client.get(APPLY)
    assert response.status_code == 200
    assert "<form" in response.content.decode()


# --- A Care Maker's own pages ---------------------------------------------------------


def test_my_profile_signed_out_is_sent_to_sign_in(client):
    response = client.get(reverse("ambassadors:my_profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_my_profile_refuses_someone_who_is_not_a_care_maker_and_says_how_to_become_one(client, supporter):
    client.force_login(supporter)
    response = client.get(reverse("ambassadors:my_profile"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "This page is for Care Makers." in html
    assert f'<a href="{reverse("ambassadors:index")}">Find out how to become a Care Maker</a>' in html


def test_my_profile_opens_for_the_care_maker(client, care_maker):
    client.force_login(care_maker.user)
    assert client.get(reverse("ambassadors:my_profile")).status_code == 200


def test_the_review_queue_says_who_it_is_for(client, supporter):
    client.force_login(supporter)
    response = client.get(reverse("ambassadors:review"))
    assert response.status_code == 403
    assert "Only regional leads and programme admins can review Care Maker applications." in response.content.decode()
