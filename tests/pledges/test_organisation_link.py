"""Pledges that name an organisation from the directory: the link, its counter and the form."""

import pytest
from django.urls import reverse

from counters.services import counter_set, counter_value, counters_recount
from organisations.models import Organisation
from pledges import data_rights, services
from pledges import keys as pledge_keys
from pledges.models import Pledge
from tests.organisations.factories import make_organisation

pytestmark = pytest.mark.django_db

NEW = reverse("pledges:new")
CHECK = reverse("pledges:check")


@pytest.fixture
def oak(db):
    return make_organisation(name="Oak Lodge Care Home", town="Exeter", cqc_provider_id="1-123456789")


def org_pledges(organisation: Organisation) -> int:
    return counter_value(pledge_keys.organisation(organisation.pk))


def published(campaign, service_data, organisation, **overrides) -> Pledge:
    result = services.pledge_submit(campaign=campaign, data={**service_data, "organisation": organisation, **overrides})
    return services.pledge_confirm(pledge_id=result.pledge.pk).pledge


# --- Counting --------------------------------------------------------------------------


def test_a_pledge_counts_for_its_organisation_only_once_published(campaign, service_data, oak):
    result = services.pledge_submit(campaign=campaign, data={**service_data, "organisation": oak})
    assert result.pledge.organisation == oak
    assert org_pledges(oak) == 0
    services.pledge_confirm(pledge_id=result.pledge.pk)
    assert org_pledges(oak) == 1
    assert counters_recount(dry_run=True) == {}


def test_the_organisation_total_follows_every_status_change(campaign, service_data, oak, moderator):
    pledge = published(campaign, service_data, oak)
    steps = [("hide", 0), ("publish", 1), ("reject", 0)]
    for action, expected in steps:
        assert services.pledge_decide(pledge=pledge, action=action, moderator=moderator)
        assert org_pledges(oak) == expected, action
        assert counters_recount(dry_run=True) == {}
    other = published(campaign, service_data, oak, text="I will ask every new starter how they are doing.")
    assert org_pledges(oak) == 1
    services.pledge_withdraw(pledge=other)
    assert org_pledges(oak) == 0
    assert counters_recount(dry_run=True) == {}


def test_a_held_pledge_does_not_count_until_a_moderator_publishes_it(campaign, service_data, oak, moderator):
    pledge = published(campaign, service_data, oak, text="I will call Mrs Jones on 07700 900123 every week.")
    assert pledge.status == Pledge.Status.HELD
    assert org_pledges(oak) == 0
    services.pledge_decide(action="publish", pledge=pledge, moderator=moderator)
    assert org_pledges(oak) == 1


def test_pledges_of_every_campaign_add_up_for_the_organisation(campaign, service_data, oak):
    published(campaign, service_data, oak)
    published(campaign, service_data, oak, email="colleague@example.org")
    published(campaign, service_data, None, email="elsewhere@example.org")
    assert org_pledges(oak) == 2
    assert counter_value(pledge_keys.total(campaign.pk)) == 3


def test_erasing_a_person_takes_their_pledges_off_the_organisation_total(campaign, service_data, oak):
    published(campaign, service_data, oak)
    published(campaign, service_data, oak, email="stays@example.org")
    data_rights.erase(user=None, email=service_data["email"], keep_contributions=False)
    assert org_pledges(oak) == 1
    assert counters_recount(dry_run=True) == {}


def test_an_erasure_that_keeps_contributions_keeps_the_count(campaign, service_data, oak):
    published(campaign, service_data, oak)
    data_rights.erase(user=None, email=service_data["email"], keep_contributions=True)
    assert org_pledges(oak) == 1
    assert counters_recount(dry_run=True) == {}


def test_the_pledges_recount_owns_and_repairs_the_organisation_total(campaign, service_data, oak):
    published(campaign, service_data, oak)
    key = pledge_keys.organisation(oak.pk)
    counter_set(key, 40)
    # Kept under the pledges prefix: the pledges recount owns it, the organisations one never sees it.
    assert key not in counters_recount(prefixes=["organisations:"], dry_run=True)
    assert counters_recount(prefixes=["pledges:"]) == {key: (40, 1)}
    assert org_pledges(oak) == 1
    assert counters_recount(dry_run=True) == {}


# --- The form ------------------------------------------------------------------------


def send(client, form_data, **overrides):
    response = client.post(NEW, {**form_data, **overrides})
    assert response.status_code == 302, response.content.decode()[:3000]
    check = client.get(CHECK).content.decode()
    client.post(CHECK)
    return check, Pledge.objects.get(email=form_data["email"])


@pytest.mark.parametrize("typed", ["Oak Lodge Care Home, Exeter", "oak lodge care home", " 1-123456789 "])
def test_naming_a_directory_organisation_links_the_pledge(client, campaign, form_data, oak, typed):
    check, pledge = send(client, form_data, organisation_name=typed)
    assert "Oak Lodge Care Home, Exeter (in our directory: your pledge adds to its count)" in check
    assert pledge.organisation == oak
    assert pledge.organisation_name == "Oak Lodge Care Home"


def test_an_organisation_not_in_the_directory_stays_free_text(client, campaign, form_data, oak):
    check, pledge = send(client, form_data, organisation_name="Moorside Day Centre")
    assert "Moorside Day Centre (not in our directory, so kept private)" in check
    assert pledge.organisation is None
    assert pledge.organisation_name == "Moorside Day Centre"


def test_an_unverified_organisation_is_not_linked(client, campaign, form_data):
    make_organisation(name="Hidden House", verified=False)
    _, pledge = send(client, form_data, organisation_name="Hidden House")
    assert pledge.organisation is None and pledge.organisation_name == "Hidden House"


def test_a_name_shared_by_two_organisations_asks_for_the_town(client, campaign, form_data, oak):
    make_organisation(name="Oak Lodge Care Home", town="Leeds")
    check, pledge = send(client, form_data, organisation_name="Oak Lodge Care Home")
    assert "more than one organisation in our directory has this name" in check
    assert pledge.organisation is None
    # With the town it is one again.
    client.post(NEW, {**form_data, "organisation_name": "Oak Lodge Care Home, Leeds", "text": "I will learn Makaton."})
    client.post(CHECK)
    assert Pledge.objects.get(text="I will learn Makaton.").organisation.town == "Leeds"


def test_the_form_offers_directory_suggestions_on_a_plain_text_box(client, campaign):
    html = client.get(NEW).content.decode()
    assert 'list="organisation-options"' in html
    assert f'data-lookup-url="{reverse("organisations:lookup")}"' in html
    assert "organisation-lookup.js" in html


def test_a_link_from_the_organisation_page_fills_in_the_organisation(client, campaign, form_data, oak):
    html = client.get(f"{NEW}?organisation={oak.slug}").content.decode()
    assert 'value="Oak Lodge Care Home, Exeter"' in html
    assert "Your pledge will count towards" in html
    form_data.pop("organisation_name")
    _, pledge = send(client, form_data, organisation_name="Oak Lodge Care Home, Exeter")
    assert pledge.organisation == oak


@pytest.mark.parametrize("slug", ["no-such-place", "x" * 300])
def test_an_unknown_organisation_in_the_link_is_ignored(client, campaign, slug):
    response = client.get(f"{NEW}?organisation={slug}")
    assert response.status_code == 200
    assert "Your pledge will count towards" not in response.content.decode()


def test_an_unverified_organisation_in_the_link_is_ignored(client, campaign):
    hidden = make_organisation(name="Hidden House", verified=False)
    html = client.get(f"{NEW}?organisation={hidden.slug}").content.decode()
    assert "Hidden House" not in html


def test_the_pledge_page_links_its_organisation(client, campaign, service_data, oak):
    pledge = published(campaign, service_data, oak)
    html = client.get(pledge.get_absolute_url()).content.decode()
    assert f'<a href="{oak.get_absolute_url()}"><bdi>Oak Lodge Care Home</bdi></a>' in html


def test_a_free_text_organisation_is_not_shown_on_the_pledge_page(client, campaign, service_data):
    pledge = published(campaign, service_data, None, organisation_name="Moorside Day Centre")
    assert "Moorside" not in client.get(pledge.get_absolute_url()).content.decode()


def test_the_lookup_suggests_verified_organisations_only(client, oak):
    make_organisation(name="Oakwood Hidden", verified=False)
    make_organisation(name="Great Oaks Home", town="Truro")
    data = client.get(reverse("organisations:lookup"), {"q": "oak"}).json()
    assert data["suggestions"] == ["Oak Lodge Care Home, Exeter", "Great Oaks Home, Truro"]
    assert client.get(reverse("organisations:lookup"), {"q": "o"}).json() == {"suggestions": []}


def test_joining_a_pledge_can_name_an_organisation_too(client, campaign, service_data, oak):
    original = published(campaign, service_data, None)
    url = reverse("pledges:join", args=[original.pk])
    html = client.get(url).content.decode()
    assert 'id="organisation-options"' in html
    data = {
        "kind": "me",
        "job_role": "care-worker",
        "sector": "adult-social-care",
        "region": "south-west",
        "organisation_name": "1-123456789",
        "show_name": Pledge.ShowName.ROLE_AND_AREA,
        "name": "Kim Joiner",
        "email": "kim@example.org",
        "consent": "on",
        "website": "",
    }
    client.post(url, data)
    join = Pledge.objects.get(email="kim@example.org")
    assert join.joined_from == original and join.organisation == oak


def test_the_admin_shows_the_organisation_but_cannot_change_it(admin_client, campaign, service_data, oak):
    pledge = published(campaign, service_data, oak)
    html = admin_client.get(reverse("admin:pledges_pledge_change", args=[pledge.pk])).content.decode()
    assert "Oak Lodge Care Home" in html
    assert 'name="organisation"' not in html
