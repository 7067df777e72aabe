"""Who may manage a pledge from their account, over HTTP: signed out, someone else, its author."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

from .factories import PledgeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(db):
    return UserFactory(email="author@example.org")


@pytest.fixture
def pledge(campaign, author):
    return PledgeFactory(user=author, email=author.email)


@pytest.mark.parametrize("name", ["manage", "withdraw"])
def test_signed_out_people_are_sent_to_sign_in(client, pledge, name):
    response = client.get(reverse("pledges:" + name, args=[pledge.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["manage", "withdraw"])
def test_someone_else_gets_the_one_403_page_with_the_way_to_their_own_pledges(client, pledge, supporter, name):
    client.force_login(supporter)
    response = client.get(reverse("pledges:" + name, args=[pledge.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "This pledge was made by someone else" in html
    assert f'<a href="{reverse("pledges:links")}">Email me links to my pledges</a>' in html


def test_someone_else_cannot_withdraw_it(client, pledge, supporter):
    client.force_login(supporter)
    assert client.post(reverse("pledges:withdraw", args=[pledge.pk])).status_code == 403
    pledge.refresh_from_db()
    assert pledge.is_public


@pytest.mark.parametrize("name", ["manage", "withdraw"])
def test_its_author_gets_through(client, pledge, author, name):
    client.force_login(author)
    assert client.get(reverse("pledges:" + name, args=[pledge.pk])).status_code == 200
