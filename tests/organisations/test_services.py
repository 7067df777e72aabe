from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from counters.services import counter_value, counter_values, counters_recount
from organisations import keys as organisation_keys
from organisations import services
from organisations.models import AccessRequest, Audience, Membership, Organisation
from organisations.selectors import organisation_representative_emails
from tests.factories import UserFactory

from .factories import commit, make_organisation, one_task_each, statements

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "name": "Birch House",
    "type": Organisation.Type.CARE_HOME,
    "cqc_provider_id": "1-123456789",
    "town": "Taunton",
    "region": "south-west",
    "size": "10-49",
}


def test_person_who_registers_becomes_its_representative_and_it_is_not_public(org_rep):
    organisation = services.organisation_register(user=org_rep, **REGISTRATION)
    assert Membership.objects.get(organisation=organisation).user == org_rep
    assert Membership.objects.get(organisation=organisation).role == Membership.Role.REPRESENTATIVE
    assert not organisation.is_verified
    assert organisation.slug == "birch-house"


def test_duplicate_cqc_id_is_refused_and_names_the_existing_organisation(org_rep, outsider):
    existing = services.organisation_register(user=org_rep, **REGISTRATION)
    with pytest.raises(services.DuplicateCQCId) as caught:
        services.organisation_register(user=outsider, **(REGISTRATION | {"name": "Birch House Ltd"}))
    assert caught.value.organisation == existing
    assert Organisation.objects.count() == 1


def test_verify_is_for_programme_admins_only(org_rep, moderator):
    organisation = services.organisation_register(user=org_rep, **REGISTRATION)
    with pytest.raises(PermissionDenied):
        services.organisation_verify(organisation=organisation, admin=moderator)


def test_verifying_tells_representatives_once(org_rep, programme_admin, mailoutbox, django_capture_on_commit_callbacks):
    organisation = services.organisation_register(user=org_rep, **REGISTRATION)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.organisation_verify(organisation=organisation, admin=programme_admin) is True
        assert services.organisation_verify(organisation=organisation, admin=programme_admin) is False
    assert [m.to for m in mailoutbox] == [[org_rep.email]]
    assert "Birch House is verified" in mailoutbox[0].subject
    organisation.refresh_from_db()
    assert organisation.verified_by == programme_admin


def test_access_request_goes_to_representatives_and_approval_adds_the_person(
    org_rep, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    organisation = services.organisation_register(user=org_rep, **REGISTRATION)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.access_request_create(organisation=organisation, user=outsider, job_title="Deputy manager")
        again = services.access_request_create(organisation=organisation, user=outsider, job_title="Deputy manager")
    assert again == request
    assert [m.to for m in mailoutbox] == [[org_rep.email]]
    services.access_request_approve(access_request=request, user=org_rep)
    assert request.status == AccessRequest.Status.APPROVED
    assert Membership.objects.filter(organisation=organisation, user=outsider).exists()


def test_access_request_without_representatives_goes_to_programme_admins(
    outsider, programme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    organisation = make_organisation()
    with django_capture_on_commit_callbacks(execute=True):
        services.access_request_create(organisation=organisation, user=outsider, job_title="Manager")
    assert [m.to for m in mailoutbox] == [[programme_admin.email]]


def test_a_representative_of_another_organisation_cannot_approve_a_request(org_rep, outsider, other_rep):
    organisation = make_organisation(rep=org_rep)
    request = services.access_request_create(organisation=organisation, user=outsider, job_title="Manager")
    with pytest.raises(PermissionDenied):
        services.access_request_approve(access_request=request, user=other_rep)


def test_employer_commit_keeps_wording_dates_and_counts(org_rep):
    organisation = make_organisation(rep=org_rep, region="london", type=Organisation.Type.HOME_CARE)
    commitment = commit(organisation, org_rep, today=date(2026, 3, 1), target=date(2026, 6, 1))
    assert commitment.renewal_due_on == date(2027, 3, 1)
    assert len(commitment.statements) == 7
    assert commitment.tasks.count() == 7
    assert counter_values(
        ["organisations:committed", "organisations:committed:region:london", "organisations:committed:type:home-care"]
    ) == {
        "organisations:committed": 1,
        "organisations:committed:region:london": 1,
        "organisations:committed:type:home-care": 1,
    }


def test_editing_live_wording_does_not_change_what_was_signed(committed):
    statement = statements()[0]
    task = statement.tasks.all()[0]
    signed_title = statement.title
    signed_task = task.text
    statement.title = "Changed later"
    statement.save()
    task.text = "Changed later too"
    task.save()
    commitment = committed.commitment
    assert commitment.statements[0]["title"] == signed_title
    assert commitment.tasks.get(statement_number=1).task_text == signed_task


def test_commit_refuses_a_statement_without_a_task_and_names_it(org_rep):
    organisation = make_organisation(rep=org_rep)
    chosen = [c for c in one_task_each() if c.task_id != statements()[2].tasks.all()[0].pk]
    with pytest.raises(services.CommitmentError) as caught:
        services.employer_commit(
            organisation=organisation, user=org_rep, chosen=chosen, signatory_name="R", signatory_job_title="M"
        )
    assert list(caught.value.statement_errors) == [3]
    assert not hasattr(Organisation.objects.get(pk=organisation.pk), "commitment")
    assert counter_value("organisations:committed") == 0


def test_commit_refuses_a_target_date_in_the_past(org_rep):
    organisation = make_organisation(rep=org_rep)
    chosen = one_task_each(target=timezone.localdate() - timedelta(days=1))
    with pytest.raises(services.CommitmentError) as caught:
        services.employer_commit(
            organisation=organisation, user=org_rep, chosen=chosen, signatory_name="R", signatory_job_title="M"
        )
    assert set(caught.value.statement_errors) == {1, 2, 3, 4, 5, 6, 7}


def test_unverified_organisation_cannot_commit(org_rep):
    organisation = make_organisation(rep=org_rep, verified=False)
    with pytest.raises(services.CommitmentError):
        commit(organisation, org_rep)


def test_representative_of_another_organisation_cannot_commit_for_this_one(organisation, other_rep):
    with pytest.raises(PermissionDenied):
        commit(organisation, other_rep)


def test_an_organisation_commits_only_once(committed, org_rep):
    with pytest.raises(services.CommitmentError):
        commit(committed, org_rep)
    assert counter_value("organisations:committed") == 1


def test_task_done_needs_evidence_and_counts_once(committed, org_rep):
    task = committed.commitment.tasks.first()
    with pytest.raises(ValidationError):
        services.commitment_task_done(task=task, user=org_rep, evidence="  ")
    assert services.commitment_task_done(task=task, user=org_rep, evidence="New interview questions in use") is True
    assert services.commitment_task_done(task=task, user=org_rep, evidence="again") is False
    task.refresh_from_db()
    assert task.evidence == "New interview questions in use"
    assert counter_value(organisation_keys.tasks_done(committed.pk)) == 1


def test_renewing_a_lapsed_commitment_makes_it_current_for_a_year_from_today(org_rep):
    organisation = make_organisation(rep=org_rep)
    commitment = commit(organisation, org_rep, today=date(2025, 1, 1))
    today = date(2026, 3, 1)
    assert commitment.status(today) == "lapsed"
    commitment = services.commitment_renew(commitment=commitment, user=org_rep, today=today)
    assert commitment.renewal_due_on == date(2027, 3, 1)
    assert commitment.status(today) == "current"


def test_invitation_token_finds_the_organisation_until_it_is_rotated(committed, org_rep):
    token = services.invitation_token(committed)
    assert services.invitation_organisation(token) == committed
    services.invitation_rotate(organisation=committed, user=org_rep)
    with pytest.raises(services.StaleInvitation):
        services.invitation_organisation(token)
    assert services.invitation_organisation(services.invitation_token(committed)) == committed


def test_tampered_invitation_is_refused(committed):
    with pytest.raises(services.StaleInvitation):
        services.invitation_organisation(services.invitation_token(committed) + "x")


def test_employee_commitment_counts_for_the_employer_and_only_once_per_person(committed, supporter):
    services.employee_commit(organisation=committed, user=supporter, chosen=one_task_each(Audience.EMPLOYEE))
    with pytest.raises(services.CommitmentError):
        services.employee_commit(organisation=committed, user=supporter, chosen=one_task_each(Audience.EMPLOYEE))
    assert counter_value(organisation_keys.staff_commitments(committed.pk)) == 1
    assert counter_value("organisations:staff-commitments") == 1


def test_champion_records_an_assisted_commitment_with_name_and_role_only(committed, org_rep):
    champion = UserFactory()
    Membership.objects.create(organisation=committed, user=champion, role=Membership.Role.CHAMPION)
    record = services.champion_record_commitment(
        organisation=committed, champion=champion, name="Marta K", job_role="care-worker"
    )
    assert record.user is None and record.assisted_by == champion and record.is_assisted
    assert counter_value(organisation_keys.staff_commitments(committed.pk)) == 1
    assert counter_value(organisation_keys.assisted(committed.pk)) == 1


def test_outsider_cannot_record_assisted_commitments(committed, outsider):
    with pytest.raises(PermissionDenied):
        services.champion_record_commitment(organisation=committed, champion=outsider, name="A", job_role="other")


def test_recount_finds_no_drift_after_the_services_and_repairs_drift(committed, org_rep, supporter):
    services.employee_commit(organisation=committed, user=supporter, chosen=one_task_each(Audience.EMPLOYEE))
    services.commitment_task_done(task=committed.commitment.tasks.first(), user=org_rep, evidence="done")
    assert counters_recount(prefixes=["organisations:"]) == {}
    from counters.services import counter_add

    counter_add(organisation_keys.staff_commitments(committed.pk), 5)
    assert counters_recount(prefixes=["organisations:"]) == {organisation_keys.staff_commitments(committed.pk): (6, 1)}
    assert counter_value(organisation_keys.staff_commitments(committed.pk)) == 1


def test_milestone_hook_returns_representative_emails_for_organisation_keys(committed, org_rep):
    champion = UserFactory()
    Membership.objects.create(organisation=committed, user=champion, role=Membership.Role.CHAMPION)
    assert organisation_representative_emails(organisation_keys.staff_commitments(committed.pk)) == [org_rep.email]
    assert organisation_representative_emails("organisations:committed") == []
    assert organisation_representative_emails("pledges:1:total") == []


def test_personal_data_export_lists_memberships_and_own_commitments(committed, org_rep, supporter):
    from accounts.data_rights import personal_data_export

    services.employee_commit(organisation=committed, user=supporter, chosen=one_task_each(Audience.EMPLOYEE))
    mine = personal_data_export(user=supporter)["social_care_commitment"]
    assert mine["your_commitments"][0]["organisation"] == "Oak Lodge Care Home"
    assert len(mine["your_commitments"][0]["tasks"]) == 7
    rep = personal_data_export(user=org_rep)["social_care_commitment"]
    assert rep["memberships"][0]["role"] == "Representative"
    assert rep["commitments_signed_for_employers"][0]["job_title"] == "Registered manager"


@pytest.mark.parametrize("keep,staff_after", [(True, 1), (False, 0)])
def test_erasing_an_employee_keeps_or_removes_their_commitment_and_counts_stay_true(
    committed, supporter, keep, staff_after
):
    from accounts.data_rights import personal_data_erase

    services.employee_commit(organisation=committed, user=supporter, chosen=one_task_each(Audience.EMPLOYEE))
    personal_data_erase(user=supporter, keep_contributions=keep)
    assert counter_value(organisation_keys.staff_commitments(committed.pk)) == staff_after
    assert counter_value(organisation_keys.assisted(committed.pk)) == 0
    assert counters_recount(prefixes=["organisations:"]) == {}
    if keep:
        record = committed.employee_commitments.get()
        assert record.user is None and record.name == services.ERASED_NAME


def test_erasing_a_representative_keeps_the_organisations_commitment_without_their_name(committed, org_rep):
    from accounts.data_rights import personal_data_erase

    personal_data_erase(user=org_rep, keep_contributions=True)
    committed.commitment.refresh_from_db()
    assert committed.commitment.signatory_name == services.ERASED_NAME
    assert counter_value("organisations:committed") == 1


def test_staff_cannot_commit_before_their_employer_has(organisation, supporter):
    with pytest.raises(services.CommitmentError):
        services.employee_commit(organisation=organisation, user=supporter, chosen=one_task_each(Audience.EMPLOYEE))


def test_a_half_written_new_version_is_not_offered_until_complete():
    from organisations.models import StatementSet

    StatementSet.objects.create(version=2, published_at=timezone.now())
    assert services.statement_set_current().version == 1


def test_new_commitments_sign_the_newest_complete_version(org_rep):
    from organisations.models import Statement, StatementSet, Task

    v2 = StatementSet.objects.create(version=2, published_at=timezone.now())
    for old in Statement.objects.filter(statement_set__version=1):
        new = Statement.objects.create(
            statement_set=v2, audience=old.audience, number=old.number, title=f"{old.title} (v2)", text=old.text
        )
        Task.objects.create(statement=new, text=f"v2 task for {old.number}")
    organisation = make_organisation(rep=org_rep)
    commitment = commit(organisation, org_rep)
    assert commitment.statement_set == v2
    assert commitment.statements[0]["title"].endswith("(v2)")


def test_representative_adds_a_champion_and_cannot_remove_the_last_representative(organisation, org_rep, outsider):
    membership = services.membership_invite(
        organisation=organisation, by=org_rep, email=outsider.email.upper(), role="champion"
    )
    assert membership.role == "champion"
    with pytest.raises(ValidationError):
        services.membership_invite(organisation=organisation, by=org_rep, email="nobody@example.org", role="champion")
    with pytest.raises(ValidationError):
        services.membership_remove(membership=Membership.objects.get(user=org_rep), by=org_rep)
    services.membership_remove(membership=membership, by=org_rep)
    assert not Membership.objects.filter(user=outsider).exists()


def test_champion_cannot_add_people(organisation, org_rep, outsider, supporter):
    services.membership_invite(organisation=organisation, by=org_rep, email=outsider.email, role="champion")
    with pytest.raises(PermissionDenied):
        services.membership_invite(organisation=organisation, by=outsider, email=supporter.email, role="representative")


def test_an_own_task_counts_for_its_statement_and_keeps_its_text(organisation, org_rep):
    target = timezone.localdate() + timedelta(days=30)
    chosen = one_task_each()[1:] + [
        services.ChosenTask(task_id=None, target_date=target, own_text=" Buddy scheme ", statement_number=1)
    ]
    commitment = services.employer_commit(
        organisation=organisation, user=org_rep, chosen=chosen, signatory_name="R", signatory_job_title="Manager"
    )
    own = commitment.tasks.get(own=True)
    assert (own.statement_number, own.task_text, own.task_id) == (1, "Buddy scheme", None)


@pytest.mark.parametrize("own_text", ["Ring 07700 900123", "", "x" * 201], ids=["personal data", "empty", "too long"])
def test_an_own_task_is_refused_when_it_breaks_a_rule(organisation, org_rep, own_text):
    chosen = one_task_each() + [
        services.ChosenTask(
            task_id=None, target_date=timezone.localdate() + timedelta(days=3), own_text=own_text, statement_number=2
        )
    ]
    with pytest.raises(services.CommitmentError):
        services.employer_commit(
            organisation=organisation, user=org_rep, chosen=chosen, signatory_name="R", signatory_job_title="M"
        )
    assert not hasattr(Organisation.objects.get(pk=organisation.pk), "commitment")
