"""A burst of concurrent pledges on PostgreSQL leaves no drift for the recount to find."""

import threading

import pytest
from django.db import connection

from counters.services import counter_values, counters_recount
from pledges import keys as pledge_keys
from pledges import services
from pledges.models import Pledge, Theme

from .factories import CampaignFactory

THREADS = 16
PER_THREAD = 4


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_pledges_confirms_and_withdrawals_leave_no_drift():
    campaign = CampaignFactory(is_current=True)
    themes = list(Theme.objects.all()[:4])
    barrier = threading.Barrier(THREADS)
    errors = []

    def work(n: int):
        try:
            barrier.wait(timeout=30)
            for i in range(PER_THREAD):
                # Four people share each address, so `people` must count each of them once.
                data = {
                    "text": f"I will keep promise {n}-{i} for my whole team",
                    "theme": themes[(n + i) % len(themes)],
                    "kind": "me",
                    "job_role": ["nurse", "porter", "care-worker"][i % 3],
                    "sector": "nhs-acute",
                    "region": ["london", "wales", "south-west"][n % 3],
                    "organisation_name": "",
                    "show_name": "role-and-area",
                    "name": "Sam",
                    "email": f"person{n % 4}@example.org",
                }
                result = services.pledge_submit(campaign=campaign, data=data)
                # Two presses at once, as from two tabs: one publishes, one finds it done.
                services.pledge_confirm(pledge_id=result.pledge.pk)
                services.pledge_confirm(pledge_id=result.pledge.pk)
                if i == 0:
                    services.pledge_mark_done(pledge=result.pledge, story="Done it.")
                if i == 1 and n % 2:
                    services.pledge_withdraw(pledge=result.pledge)
        except Exception as exc:  # surfaced below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    published = THREADS * PER_THREAD - THREADS // 2
    assert Pledge.objects.filter(status=Pledge.Status.PUBLISHED).count() == published
    base = pledge_keys.campaign(campaign.pk)
    kept = counter_values([f"{base}total", f"{base}people", f"{base}done"])
    assert kept == {f"{base}total": published, f"{base}people": 4, f"{base}done": THREADS}
    assert counters_recount(dry_run=True) == {}
