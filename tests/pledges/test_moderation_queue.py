import pytest
from django.urls import reverse

from counters.services import counter_value, counters_recount
from mail.models import Email
from moderation.models import Decision, Reason
from pledges import keys as pledge_keys
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
    html = client.get(reverse("moderation:queue", args=["held-pledges"])).content.decode()
    assert "I will ring Mrs B" in html
    assert "May contain a phone number" in html


def test_supporter_cannot_see_the_queue(client, held, supporter):
    client.force_login(supporter)
    assert client.get(reverse("moderation:queue", args=["held-pledges"])).status_code == 403


def test_publishing_from_the_queue_counts_the_pledge_and_logs_it(client, campaign, held, moderator):
    client.force_login(moderator)
    client.post(reverse("moderation:queue", args=["held-pledges"]), {"items": [held.pk], "action": "publish"})
    held.refresh_from_db()
    assert held.status == Pledge.Status.PUBLISHED
    assert counter_value(pledge_keys.total(campaign.pk)) == 1
    assert Decision.objects.get().action == "publish"
    assert counters_recount(dry_run=True) == {}


def test_rejecting_with_a_reason_tells_the_author(
    client, held, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    reason = Reason.objects.filter(notify_author=True).first()
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("moderation:queue", args=["held-pledges"]),
            {"items": [held.pk], "action": "reject", "reason": reason.pk},
        )
    held.refresh_from_db()
    assert held.status == Pledge.Status.REJECTED
    [mail] = mailoutbox
    assert mail.subject == "Your pledge for Change Day 2027 was not published"
    assert reason.label in mail.body and reason.label in mail.alternatives[0][0]
    assert Email.objects.get().key == f"pledge-rejected:{held.pk}"


@pytest.fixture
def reported_pledge(campaign, service_data, supporter):
    pledge = services.pledge_submit(campaign=campaign, data=service_data, user=supporter).pledge
    for n, reporter in enumerate(["ip:0", "ip:1", "user:1"]):
        services.pledge_report(pledge=pledge, reporter=reporter, reason="offensive", detail=f"report {n}")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.HIDDEN
    return pledge


def test_held_and_reported_pledges_wait_in_their_own_tabs(client, held, reported_pledge, moderator):
    client.force_login(moderator)
    held_html = client.get(reverse("moderation:queue", args=["held-pledges"])).content.decode()
    reported_html = client.get(reverse("moderation:queue", args=["reported-pledges"])).content.decode()
    assert "I will ring Mrs B" in held_html and reported_pledge.text not in held_html
    assert reported_pledge.text in reported_html and "I will ring Mrs B" not in reported_html
    assert "report 2" in reported_html  # what the reporters said is shown to the moderator


def test_a_reported_pledge_restored_by_a_moderator_is_back_on_the_wall_and_in_the_totals(
    client, campaign, reported_pledge, moderator
):
    assert counter_value(pledge_keys.total(campaign.pk)) == 0
    client.force_login(moderator)
    client.post(
        reverse("moderation:queue", args=["reported-pledges"]), {"items": [reported_pledge.pk], "action": "keep"}
    )
    reported_pledge.refresh_from_db()
    assert reported_pledge.status == Pledge.Status.PUBLISHED
    assert counter_value(pledge_keys.total(campaign.pk)) == 1
    assert reported_pledge.text in client.get(reverse("pledges:index")).content.decode()
    assert Decision.objects.get(item_id=reported_pledge.pk).action == "keep"


def test_a_quiet_reason_hides_the_pledge_without_emailing_the_author(
    client, held, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    quiet = Reason.objects.get(code="advertising")
    assert not quiet.notify_author
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("moderation:queue", args=["held-pledges"]),
            {"items": [held.pk], "action": "reject", "reason": quiet.pk},
        )
    held.refresh_from_db()
    assert held.status == Pledge.Status.REJECTED
    assert mailoutbox == []
    assert Decision.objects.get().reason_label == quiet.label


def test_a_bulk_action_on_pledges_already_decided_says_so(client, held, moderator):
    services.pledge_decide(action="publish", pledge=held)
    client.force_login(moderator)
    response = client.post(
        reverse("moderation:queue", args=["held-pledges"]), {"items": [held.pk], "action": "publish"}, follow=True
    )
    assert "Already decided by someone else" in response.content.decode()
    assert Decision.objects.get().actor is None  # the first decision only, not the queue's


def test_moderators_do_not_see_email_addresses_unless_they_ask(client, held, moderator):
    client.force_login(moderator)
    url = reverse("moderation:item", args=["held-pledges", held.pk])
    assert held.email not in client.get(url).content.decode()
    response = client.post(url, {"intent": "contact", "why": "to check the phone number is not a patient's"})
    assert held.email in response.content.decode()


@pytest.mark.parametrize("key", ["held-pledges", "reported-pledges"])
def test_the_pledges_queues_show_each_rows_theme_and_campaign_in_the_same_few_queries(
    client, campaign, theme, held, reported_pledge, moderator, django_assert_num_queries, key
):
    """Each row reads only its own columns, its campaign and theme from the kept lists: no
    query per row, however many wait."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.pledges.factories import PledgeFactory

    url = reverse("moderation:queue", args=[key])
    client.force_login(moderator)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        html = client.get(url).content.decode()
    assert f"{theme.name} &middot; {campaign.name}" in html
    more = [PledgeFactory(campaign=campaign, theme=theme, text=f"Waiting pledge {n}") for n in range(30)]
    more = Pledge.objects.filter(pk__in=[p.pk for p in more])
    if key == "held-pledges":
        more.update(status=Pledge.Status.HELD)
    else:
        more.update(status=Pledge.Status.HIDDEN, reported_at=reported_pledge.reported_at)
    with django_assert_num_queries(len(one)):
        html = client.get(url).content.decode()
    assert html.count(f"{theme.name} &middot; {campaign.name}") == 31
