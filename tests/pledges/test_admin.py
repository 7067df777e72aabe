import pytest
from django.urls import reverse

from counters.services import counter_value
from pledges import keys as pledge_keys
from pledges import services
from pledges.models import Pledge, PledgeSettings

from .factories import PledgeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="boss@example.org", password="x-long-password-1")
    client.force_login(admin)
    return client


def test_pledge_admin_lists_and_filters(admin_client_, campaign):
    PledgeFactory(text="I will appear in the admin list")
    response = admin_client_.get(reverse("admin:pledges_pledge_changelist"), {"status__exact": "published"})
    assert response.status_code == 200
    assert "I will appear in the admin list" in response.content.decode()


def test_admin_action_publishes_held_pledges_through_the_service(admin_client_, campaign, supporter, service_data):
    held = services.pledge_submit(
        campaign=campaign, data={**service_data, "text": "Email me at jo@example.org please"}, user=supporter
    ).pledge
    admin_client_.post(
        reverse("admin:pledges_pledge_changelist"), {"action": "decide_publish", "_selected_action": [held.pk]}
    )
    held.refresh_from_db()
    assert held.status == Pledge.Status.PUBLISHED
    assert counter_value(pledge_keys.total(campaign.pk)) == 1


def test_pre_moderation_switch_is_editable_in_the_admin(admin_client_):
    settings_row = PledgeSettings.load()
    url = reverse("admin:pledges_pledgesettings_change", args=[settings_row.pk])
    assert admin_client_.get(url).status_code == 200
    admin_client_.post(url, {"pre_moderation": "on"})
    assert PledgeSettings.load().pre_moderation is True


def test_moderator_without_permissions_cannot_see_pledges_admin(client, moderator):
    client.force_login(moderator)
    response = client.get(reverse("admin:pledges_pledge_changelist"))
    assert response.status_code in {302, 403}


def test_admin_list_counts_no_more_than_the_cap(admin_client_, campaign, monkeypatch):
    from pledges.admin import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "CAP", 3)
    for _ in range(5):
        PledgeFactory()
    response = admin_client_.get(reverse("admin:pledges_pledge_changelist"))
    assert response.context["cl"].paginator.count == 3
