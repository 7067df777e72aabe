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
            services.application_approve(application=application, decider=programme_admin)
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
