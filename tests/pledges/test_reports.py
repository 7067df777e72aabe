"""Reports that one person cannot weaponise (pledges.services.pledge_report says the rules):
three different reporters, one of them signed in, hide a pledge until a moderator decides;
anonymous reports alone only reach the queue; a reporter counts towards hiding five pledges
a day; once a moderator keeps a pledge, reports never hide it again."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from moderation.models import Decision, Reason
from pledges import keys as pledge_keys
from pledges import services
from pledges.models import Pledge, PledgeReport
from pledges.moderation import reported

from .factories import PledgeFactory

pytestmark = pytest.mark.django_db


def _report(pledge, *reporters):
    for reporter in reporters:
        services.pledge_report(pledge=pledge, reporter=reporter, reason="offensive")
    pledge.refresh_from_db()
    return pledge.status


def test_anonymous_reports_alone_never_hide_but_reach_the_queue(campaign):
    pledge = PledgeFactory()
    assert _report(pledge, *[f"ip:{n}" for n in range(10)]) == Pledge.Status.PUBLISHED
    assert list(reported()) == [pledge]
    assert _report(pledge, "user:1") == Pledge.Status.HIDDEN


def test_signed_in_reporters_alone_hide_at_three(campaign):
    pledge = PledgeFactory()
    assert _report(pledge, "user:1", "user:2") == Pledge.Status.PUBLISHED
    assert _report(pledge, "user:3") == Pledge.Status.HIDDEN


def test_one_reporter_counts_towards_hiding_five_pledges_a_day(campaign):
    pledges = [PledgeFactory() for _ in range(7)]
    for n, pledge in enumerate(pledges):
        _report(pledge, f"ip:a{n}", f"ip:b{n}")
    # Past five pledges, "user:1" still reports, but no longer tips a pledge over.
    statuses = [_report(pledge, "user:1") for pledge in pledges]
    assert statuses == [Pledge.Status.HIDDEN] * 5 + [Pledge.Status.PUBLISHED] * 2
    assert PledgeReport.objects.filter(reporter="user:1", counted=False).count() == 2
    assert set(reported()) == set(pledges)  # every report still reaches a moderator
    # A day later the reporter counts again.
    PledgeReport.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    assert _report(PledgeFactory(), "ip:a", "ip:b", "user:1") == Pledge.Status.HIDDEN


def test_a_kept_pledge_is_never_hidden_by_reports_again_but_they_reach_the_queue(campaign, moderator):
    pledge = PledgeFactory()
    assert _report(pledge, "ip:a", "ip:b", "user:1") == Pledge.Status.HIDDEN
    assert services.pledge_decide(action="keep", pledge=pledge, moderator=moderator)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PUBLISHED and pledge.reports_reviewed_at is not None
    assert pledge not in reported()
    assert not services.pledge_decide(action="keep", pledge=pledge, moderator=moderator)  # nothing new to read

    assert _report(pledge, "ip:c", "user:2", "user:3", "user:4") == Pledge.Status.PUBLISHED
    assert list(reported()) == [pledge]
    assert services.pledge_decide(action="keep", pledge=pledge, moderator=moderator)
    assert pledge not in reported()


def test_publishing_a_hidden_pledge_from_the_admin_is_keeping_it(campaign, moderator):
    pledge = PledgeFactory()
    _report(pledge, "ip:a", "ip:b", "user:1")
    assert services.pledge_decide(action="publish", pledge=pledge, moderator=moderator)
    assert _report(pledge, "user:2", "user:3", "user:4") == Pledge.Status.PUBLISHED


def test_a_rejected_reported_pledge_leaves_the_queue(campaign, moderator):
    pledge = PledgeFactory()
    _report(pledge, "ip:a")
    assert services.pledge_decide(action="reject", pledge=pledge, moderator=moderator)
    assert pledge not in reported()


# --- Through the queue, as a moderator -------------------------------------------------


def test_moderator_keeps_a_hidden_pledge_and_later_reports_wait_without_hiding_it(
    client, campaign, moderator, supporter
):
    pledge = PledgeFactory()
    _report(pledge, "ip:a", "ip:b", "user:1")
    client.force_login(moderator)
    queue = reverse("moderation:queue", args=["reported-pledges"])
    assert pledge.text in client.get(queue).content.decode()
    client.post(queue, {"items": [pledge.pk], "action": "keep"})
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PUBLISHED
    assert Decision.objects.get(item_id=pledge.pk).action == "keep"
    assert pledge.text not in client.get(queue).content.decode()

    # Three new reporters, one signed in, through the site: the pledge stays, the queue shows it.
    client.logout()
    url = reverse("pledges:report", args=[pledge.pk])
    client.post(url, {"reason": "spam", "detail": "second wave"}, REMOTE_ADDR="198.51.100.1")
    client.post(url, {"reason": "spam"}, REMOTE_ADDR="198.51.100.2")
    client.force_login(supporter)
    client.post(url, {"reason": "spam"}, REMOTE_ADDR="198.51.100.3")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PUBLISHED
    assert pledge.text in client.get(reverse("pledges:index")).content.decode()
    client.force_login(moderator)
    html = client.get(queue).content.decode()
    assert pledge.text in html and "second wave" in html
    assert "Kept on the wall by a moderator" in html
    assert html.count("(read before it was kept)") == 3  # the first three, not the new ones
    # The moderator can still take it down.
    reason = Reason.objects.filter(notify_author=False).first()
    client.post(queue, {"items": [pledge.pk], "action": "reject", "reason": reason.pk})
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.REJECTED


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_reports_sent_at_the_same_moment_still_hide_the_pledge_once(campaign, monkeypatch):
    """Each report locks its pledge, so the count that decides sees every report before it:
    three reporters at once hide it, and the totals move once. A pause between recording a
    report and counting widens the race (without the lock, each would count only itself)."""
    import threading
    import time

    from django.db import connection

    count = services._reports_hide
    monkeypatch.setattr(services, "_reports_hide", lambda pledge: time.sleep(0.2) or count(pledge))

    pledges = [services.pledge_submit(campaign=campaign, data=_data(n)).pledge for n in range(5)]
    for pledge in pledges:
        services.pledge_confirm(pledge_id=pledge.pk)
    reporters = ["ip:a", "ip:b", "user:1"]
    barrier = threading.Barrier(len(reporters))
    errors = []

    def work(reporter):
        try:
            for pledge in pledges:
                barrier.wait(timeout=30)
                services.pledge_report(pledge=pledge, reporter=reporter, reason="spam")
        except Exception as exc:  # surfaced below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(reporter,)) for reporter in reporters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert set(Pledge.objects.filter(pk__in=[p.pk for p in pledges]).values_list("status", flat=True)) == {
        Pledge.Status.HIDDEN
    }
    from counters.services import counter_value, counters_recount

    assert counter_value(pledge_keys.total(campaign.pk)) == 0
    assert counters_recount(dry_run=True) == {}


def _data(n):
    from pledges.models import Theme

    return {
        "text": f"I will keep promise number {n} for my whole team",
        "theme": Theme.objects.first(),
        "kind": "me",
        "job_role": "nurse",
        "sector": "nhs-acute",
        "region": "london",
        "organisation_name": "",
        "show_name": "role-and-area",
        "name": "Sam",
        "email": f"person{n}@example.org",
    }


def test_the_migration_gives_pledges_reported_before_it_their_latest_report(campaign):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("pledges.migrations.0007_report_review_and_counting")
    pledge, quiet = PledgeFactory(), PledgeFactory()
    _report(pledge, "ip:a", "ip:b")
    latest = PledgeReport.objects.filter(pledge=pledge).latest("created_at").created_at
    Pledge.objects.update(reported_at=None)
    migration.reported_at_from_reports(apps, None)
    pledge.refresh_from_db()
    quiet.refresh_from_db()
    assert pledge.reported_at == latest and quiet.reported_at is None
    assert list(reported()) == [pledge]
