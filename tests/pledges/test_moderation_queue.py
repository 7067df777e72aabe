import pytest
from django.urls import reverse

from counters.services import counter_value, counters_recount
from mail.models import Email
from moderation.models import Decision, Reason
from pledges import services
from pledges.models import Pledge

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(campaign, service_data, supporter):
    return services.pledge_submit(
        campaign=campaign, data={**service_data, "text": "I will ring Mrs B on 07700 900123 each week"}, user=supporter
    ).pledge


def test_held_pledge_waits_in_the_pledges_queue_for_moderators(client, held, moderator):
    client.force_login(moderator)
    html = client.get(reverse("moderation:queue", args=["pledges"])).content.decode()
    assert "I will ring Mrs B" in html
    assert "May contain a phone number" in html


def test_supporter_cannot_see_the_queue(client, held, supporter):
    client.force_login(supporter)
    assert client.get(reverse("moderation:queue", args=["pledges"])).status_code == 403


def test_publishing_from_the_queue_counts_the_pledge_and_logs_it(client, campaign, held, moderator):
    client.force_login(moderator)
    client.post(reverse("moderation:queue", args=["pledges"]), {"items": [held.pk], "action": "publish"})
    held.refresh_from_db()
    assert held.status == Pledge.Status.PUBLISHED
    assert counter_value(f"pledges:{campaign.pk}:total") == 1
    assert Decision.objects.get().action == "publish"
    assert counters_recount(dry_run=True) == {}


def test_rejecting_with_a_reason_tells_the_author(
    client, held, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    reason = Reason.objects.filter(notify_author=True).first()
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("moderation:queue", args=["pledges"]),
            {"items": [held.pk], "action": "reject", "reason": reason.pk},
        )
    held.refresh_from_db()
    assert held.status == Pledge.Status.REJECTED
    [mail] = mailoutbox
    assert mail.subject == "Your pledge for Change Day 2027 was not published"
    assert reason.label in mail.body and reason.label in mail.alternatives[0][0]
    assert Email.objects.get().key == f"pledge-rejected:{held.pk}"
