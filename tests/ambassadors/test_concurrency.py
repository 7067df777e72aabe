"""Two leads approving at the same moment must not give two Care Makers the same number."""

import threading

import pytest
from django.db import connection

from ambassadors import services
from ambassadors.models import CareMaker
from tests.ambassadors.factories import ApplicationFactory, IntakeFactory


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_approvals_get_distinct_numbers(programme_admin):
    if connection.vendor != "postgresql":
        pytest.skip("the lock is PostgreSQL's")
    intake = IntakeFactory()
    applications = ApplicationFactory.create_batch(6, intake=intake)
    barrier = threading.Barrier(len(applications))
    errors = []

    def approve(application):
        from django.db import connections

        try:
            barrier.wait()
            services.application_decide(action="approve", applications=[application], decider=programme_admin)
        except Exception as exc:  # collected: a failure in a thread must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(CareMaker.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_activity_changes_leaves_the_totals_exact():
    """Eight Care Makers log, change and delete at once: the recount finds no drift."""
    from datetime import timedelta

    from django.utils import timezone

    from counters.services import counters_recount
    from tests.ambassadors.factories import CareMakerFactory

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions")
    care_makers = CareMakerFactory.create_batch(8)
    shared = services.activity_log(
        care_maker=care_makers[0],
        data={"kind": "talk", "done_on": timezone.localdate(), "cs": ["care"], "reach": "1-10", "description": ""},
    )
    barrier = threading.Barrier(len(care_makers))
    errors = []

    def work(index, care_maker):
        from django.db import connections

        try:
            barrier.wait()
            for step in range(5):
                activity = services.activity_log(
                    care_maker=care_maker,
                    data={
                        "kind": ["talk", "stall", "mentoring", "work", "other"][(index + step) % 5],
                        "done_on": timezone.localdate() - timedelta(days=step),
                        "cs": ["care", "courage"][: 1 + step % 2],
                        "reach": ["1-10", "11-50", "51-200", "201+"][step % 4],
                        "description": "",
                    },
                )
                if step % 2:
                    services.activity_update(
                        activity=activity,
                        care_maker=care_maker,
                        data={"kind": "other", "done_on": timezone.localdate(), "cs": ["compassion"], "reach": "201+"},
                    )
                if step == 4:
                    services.activity_delete(activity=activity, care_maker=care_maker)
            if index < 2:
                # The same activity changed by two requests at once: the row lock keeps the totals right.
                services.activity_update(
                    activity=shared,
                    care_maker=care_makers[0],
                    data={
                        "kind": ["stall", "mentoring"][index],
                        "done_on": timezone.localdate(),
                        "cs": [["courage"], ["care", "commitment"]][index],
                        "reach": ["11-50", "51-200"][index],
                    },
                )
        except Exception as exc:  # collected: a failure in a thread must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, cm)) for i, cm in enumerate(care_makers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert counters_recount(prefixes=["ambassadors:"], dry_run=True) == {}
    from counters.services import counter_value

    assert counter_value("ambassadors:activities") == 1 + 8 * 4
