from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from organisations.models import CommitmentStatus, EmployerCommitment, Organisation, StatementSet, add_one_year

from .factories import commit, make_organisation

pytestmark = pytest.mark.django_db


def test_data_migration_loads_seven_statements_each_with_three_to_five_tasks():
    statement_set = StatementSet.objects.get(version=1)
    for audience in ("employer", "employee"):
        statements = list(statement_set.statements.filter(audience=audience))
        assert [s.number for s in statements] == [1, 2, 3, 4, 5, 6, 7]
        for statement in statements:
            assert 3 <= statement.tasks.count() <= 5


@pytest.mark.parametrize(
    "today,status",
    [
        (date(2026, 1, 10), CommitmentStatus.CURRENT),
        (date(2026, 12, 10), CommitmentStatus.CURRENT),
        (date(2026, 12, 11), CommitmentStatus.RENEWAL_DUE),
        (date(2027, 1, 10), CommitmentStatus.RENEWAL_DUE),
        (date(2027, 2, 9), CommitmentStatus.RENEWAL_DUE),
        (date(2027, 2, 10), CommitmentStatus.LAPSED),
    ],
)
def test_status_moves_from_current_to_renewal_due_to_lapsed_thirty_days_after_renewal(org_rep, today, status):
    organisation = make_organisation(rep=org_rep)
    commitment = commit(organisation, org_rep, today=date(2026, 1, 10))
    assert commitment.renewal_due_on == date(2027, 1, 10)
    assert commitment.status(today) == status


def test_lapsed_queryset_agrees_with_the_status_method(org_rep):
    organisation = make_organisation(rep=org_rep)
    commit(organisation, org_rep, today=date(2026, 1, 10))
    assert not EmployerCommitment.objects.lapsed(date(2027, 2, 9)).exists()
    assert EmployerCommitment.objects.lapsed(date(2027, 2, 10)).exists()


def test_renewal_date_of_a_leap_day_commitment_is_28_february():
    assert add_one_year(date(2028, 2, 29)) == date(2029, 2, 28)


def _create(**fields):
    base = {
        "name": "X",
        "slug": f"x-{len(fields)}-{fields.get('cqc_provider_id', '')}",
        "town": "Leeds",
        "region": "london",
        "size": "1-9",
    }
    with transaction.atomic():
        Organisation.objects.create(**(base | fields))


@pytest.mark.parametrize("cqc", ["1-12345678", "1-123456789012", "2-123456789", "1-12345678a", "123456789"])
def test_database_refuses_a_malformed_cqc_id(cqc):
    with pytest.raises(IntegrityError):
        _create(type="care-home", cqc_provider_id=cqc)


def test_database_refuses_a_care_home_without_a_cqc_id():
    with pytest.raises(IntegrityError):
        _create(type="care-home", cqc_provider_id="")


def test_database_allows_a_gp_practice_without_a_cqc_id():
    _create(type="gp-practice", cqc_provider_id="")
    _create(type="other", cqc_provider_id="", slug="other")
    assert Organisation.objects.count() == 2


def test_database_refuses_a_duplicate_cqc_id():
    _create(type="care-home", cqc_provider_id="1-123456789", slug="a")
    with pytest.raises(IntegrityError):
        _create(type="home-care", cqc_provider_id="1-123456789", slug="b")


@pytest.mark.parametrize("ods", ["R1", "AB CD", "rj1", "R-1"])
def test_database_refuses_a_malformed_ods_code(ods):
    with pytest.raises(IntegrityError):
        _create(type="nhs-trust", ods_code=ods)


def test_database_refuses_a_done_task_without_evidence(org_rep):
    organisation = make_organisation(rep=org_rep)
    task = commit(organisation, org_rep).tasks.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(task).objects.filter(pk=task.pk).update(done_at=timezone.now(), evidence="")


def test_database_refuses_a_cqc_id_outside_england():
    with pytest.raises(IntegrityError):
        _create(type="care-home", cqc_provider_id="1-123456789", nation="wales", region="wales")


def test_database_refuses_a_welsh_care_home_without_its_regulators_id():
    with pytest.raises(IntegrityError):
        _create(type="care-home", cqc_provider_id="", nation="wales", region="wales")
