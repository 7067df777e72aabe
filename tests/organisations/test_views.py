import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from counters.services import counter_value
from organisations import keys as organisation_keys
from organisations import services
from organisations.models import AccessRequest, Audience, EmployeeCommitment, Membership, Organisation
from tests.factories import UserFactory

from .factories import commit, make_organisation, one_task_each, statements

pytestmark = pytest.mark.django_db

REGISTER = reverse("organisations:register")


def form_data(**overrides):
    return {
        "name": "Birch House",
        "type": "care-home",
        "regulator_id": "1-123456789",
        "ods_code": "",
        "town": "Taunton",
        "region": "south-west",
        "size": "10-49",
        "website": "",
    } | overrides


def commit_data(skip_statement: int | None = None, target: date | None = None, **extra):
    target = target or timezone.localdate() + timedelta(days=30)
    data = {}
    for statement in statements():
        data[f"agree_{statement.number}"] = "on"
        if statement.number == skip_statement:
            continue
        task = statement.tasks.all()[0]
        data[f"task_{task.pk}"] = "on"
        data |= date_parts(f"date_{task.pk}", target)
    return data | extra


def date_parts(name: str, value: date) -> dict:
    """The three boxes of the NHS.UK date input."""
    return {f"{name}_day": str(value.day), f"{name}_month": str(value.month), f"{name}_year": str(value.year)}


def employee_data():
    data = {f"agree_{n}": "on" for n in range(1, 8)}
    target = timezone.localdate() + timedelta(days=20)
    for statement in statements(Audience.EMPLOYEE):
        task = statement.tasks.all()[0]
        data[f"task_{task.pk}"] = "on"
        data |= date_parts(f"date_{task.pk}", target)
    return data


# --- landing and registration -------------------------------------------------------


def test_landing_page_explains_the_programme_to_anyone(client):
    response = client.get(reverse("organisations:index"))
    assert response.status_code == 200
    assert "Register your organisation" in response.content.decode()


def test_registration_needs_sign_in(client):
    response = client.get(REGISTER)
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_signed_in_person_registers_and_lands_on_their_dashboard(client, org_rep):
    client.force_login(org_rep)
    response = client.post(REGISTER, form_data())
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:dashboard", args=[organisation.slug])
    page = client.get(response["Location"]).content.decode()
    assert "We are checking <bdi>Birch House</bdi>" in page


@pytest.mark.parametrize("cqc", ["1-12345", "123456789", "1-1234567890123", "X-123456789"])
def test_malformed_cqc_id_is_a_clear_error_that_keeps_what_was_typed(client, org_rep, cqc):
    client.force_login(org_rep)
    response = client.post(REGISTER, form_data(regulator_id=cqc, name="Birch & Co"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert 'href="#id_regulator_id"' in html
    assert "1- followed by 9 to 11 digits" in html
    assert f'value="{cqc}"' in html
    assert 'value="Birch &amp; Co"' in html
    assert not Organisation.objects.exists()


def test_cqc_registered_type_without_a_cqc_id_is_refused(client, org_rep):
    client.force_login(org_rep)
    html = client.post(REGISTER, form_data(regulator_id="", type="home-care")).content.decode()
    assert (
        "Enter the CQC provider ID: every home care agency in England is registered with the Care Quality Commission"
        in html
    )


def test_gp_practice_registers_with_an_ods_code_and_no_cqc_id(client, org_rep):
    client.force_login(org_rep)
    client.post(REGISTER, form_data(regulator_id="", type="gp-practice", ods_code="m85001"))
    assert Organisation.objects.get().ods_code == "M85001"


def test_malformed_ods_code_is_refused(client, org_rep):
    client.force_login(org_rep)
    html = client.post(REGISTER, form_data(ods_code="R1")).content.decode()
    assert "Enter an ODS code of 3 to 6 letters and numbers" in html


def test_duplicate_cqc_id_offers_a_way_to_ask_to_be_added(
    client, org_rep, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    existing = make_organisation(rep=org_rep, cqc_provider_id="1-123456789", name="Birch House")
    client.force_login(outsider)
    html = client.post(REGISTER, form_data()).content.decode()
    assert "already registered" in html
    ask = reverse("organisations:request-access", args=["1-123456789"])
    assert f'href="{ask}"' in html
    assert Organisation.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ask, {"job_title": "Deputy manager", "message": "I run training"})
    assert response.status_code == 302
    request = AccessRequest.objects.get()
    assert request.organisation == existing
    assert mailoutbox[0].to == [org_rep.email]


def test_representative_approves_an_access_request_from_the_review_page(client, org_rep, outsider, other_rep):
    organisation = make_organisation(rep=org_rep)
    request = services.access_request_create(organisation=organisation, user=outsider, job_title="Manager")
    url = reverse("organisations:access-request", args=[request.pk])
    client.force_login(other_rep)
    assert client.post(url, {"decision": "approve"}).status_code == 403
    client.force_login(org_rep)
    assert outsider.email in client.get(url).content.decode()
    client.post(url, {"decision": "approve"})
    assert Membership.objects.filter(organisation=organisation, user=outsider).exists()


# --- permissions ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dashboard", "commit", "poster", "renew", "invitation-rotate"])
def test_representative_of_another_organisation_gets_a_clear_403(client, committed, other_rep, name):
    client.force_login(other_rep)
    url = reverse("organisations:" + name, args=[committed.slug])
    response = client.post(url) if name in {"renew", "invitation-rotate"} else client.get(url)
    assert response.status_code == 403
    assert "Only the representatives of Oak Lodge Care Home can do this" in response.content.decode()


def test_other_representative_cannot_mark_a_task_done(client, committed, other_rep):
    task = committed.commitment.tasks.first()
    client.force_login(other_rep)
    url = reverse("organisations:task-done", args=[committed.slug, task.pk])
    assert client.post(url, {"evidence": "sneaky"}).status_code == 403
    task.refresh_from_db()
    assert task.done_at is None


@pytest.mark.parametrize("persona", ["supporter", "moderator", "outsider"])
def test_people_without_a_role_cannot_see_the_dashboard(client, committed, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("organisations:dashboard", args=[committed.slug])).status_code == 403


def test_dashboard_needs_sign_in(client, committed):
    response = client.get(reverse("organisations:dashboard", args=[committed.slug]))
    assert response.status_code == 302


# --- employer commitment -------------------------------------------------------------


def test_representative_commits_in_two_steps(client, organisation, org_rep):
    client.force_login(org_rep)
    url = reverse("organisations:commit", args=[organisation.slug])
    response = client.post(url, commit_data())
    assert response["Location"] == reverse("organisations:commit-sign", args=[organisation.slug])
    sign_page = client.get(response["Location"]).content.decode()
    assert "Check and sign" in sign_page
    response = client.post(
        response["Location"], {"signatory_name": "Robin Rep", "signatory_job_title": "Manager", "confirm": "on"}
    )
    assert response.status_code == 302
    commitment = Organisation.objects.get(pk=organisation.pk).commitment
    assert commitment.signatory_job_title == "Manager"
    assert commitment.tasks.count() == 7
    assert counter_value("organisations:committed") == 1


def test_missing_task_error_points_at_that_statement_and_keeps_everything_typed(client, organisation, org_rep):
    client.force_login(org_rep)
    target = timezone.localdate() + timedelta(days=45)
    response = client.post(
        reverse("organisations:commit", args=[organisation.slug]), commit_data(skip_statement=4, target=target)
    )
    html = response.content.decode()
    first_task_4 = statements()[3].tasks.all()[0]
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert f'<a href="#id_task_{first_task_4.pk}">Choose at least one task under statement 4,' in html
    assert f'id="id_task_{first_task_4.pk}-error"' in html
    assert html.count(f'value="{target.year}"') == 6
    assert html.count("checked") == 7 + 6
    assert not hasattr(Organisation.objects.get(pk=organisation.pk), "commitment")


def test_past_target_date_error_is_on_that_date(client, organisation, org_rep):
    client.force_login(org_rep)
    data = commit_data()
    task_2 = statements()[1].tasks.all()[0]
    data |= date_parts(f"date_{task_2.pk}", timezone.localdate() - timedelta(days=1))
    html = client.post(reverse("organisations:commit", args=[organisation.slug]), data).content.decode()
    assert f'<a href="#id_date_{task_2.pk}_day">Target date must be in the future</a>' in html
    assert f'id="id_date_{task_2.pk}-error"' in html


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2030", "Target date must be a real date"),
        ("aa", "1", "2030", "Target date must be a real date"),
        ("12", "", "2030", "Target date must include a month"),
        ("", "", "99", "Target date must include a day and month"),
    ],
)
def test_target_date_errors_follow_the_nhs_pattern_and_keep_what_was_typed(
    client, organisation, org_rep, day, month, year, message
):
    client.force_login(org_rep)
    data = commit_data()
    task_3 = statements()[2].tasks.all()[0]
    data |= {f"date_{task_3.pk}_day": day, f"date_{task_3.pk}_month": month, f"date_{task_3.pk}_year": year}
    html = client.post(reverse("organisations:commit", args=[organisation.slug]), data).content.decode()
    assert f'<a href="#id_date_{task_3.pk}_day">{message}</a>' in html
    assert f'name="date_{task_3.pk}_day" type="text" inputmode="numeric"' in html
    if day:
        assert f'id="id_date_{task_3.pk}_day" name="date_{task_3.pk}_day"' in html
        assert f'value="{day}"' in html
    assert 'type="date"' not in html


def test_unverified_organisation_cannot_reach_the_commitment_form(client, org_rep):
    organisation = make_organisation(rep=org_rep, verified=False)
    client.force_login(org_rep)
    response = client.get(reverse("organisations:commit", args=[organisation.slug]))
    assert response.status_code == 302


def test_sign_step_without_chosen_tasks_goes_back_to_the_form(client, organisation, org_rep):
    client.force_login(org_rep)
    response = client.get(reverse("organisations:commit-sign", args=[organisation.slug]))
    assert response["Location"] == reverse("organisations:commit", args=[organisation.slug])


def test_dashboard_shows_tasks_overdue_and_counts(client, org_rep):
    organisation = make_organisation(rep=org_rep)
    commit(
        organisation,
        org_rep,
        today=timezone.localdate() - timedelta(days=40),
        target=timezone.localdate() - timedelta(days=3),
    )
    client.force_login(org_rep)
    html = client.get(reverse("organisations:dashboard", args=[organisation.slug])).content.decode()
    assert "7 overdue" in html
    assert "<svg" in html and 'aria-label="QR code for the invitation link"' in html
    assert "staff commitments" in html


def test_marking_a_task_done_records_evidence(client, committed, org_rep):
    task = committed.commitment.tasks.first()
    client.force_login(org_rep)
    url = reverse("organisations:task-done", args=[committed.slug, task.pk])
    html = client.post(url, {"evidence": ""}).content.decode()
    assert "Describe what was done" in html
    client.post(url, {"evidence": "Supervision log in the office"})
    task.refresh_from_db()
    assert task.evidence == "Supervision log in the office"
    assert (
        "1</span> tasks done" in client.get(reverse("organisations:dashboard", args=[committed.slug])).content.decode()
    )


def test_poster_has_the_qr_code_and_print_styles(client, committed, org_rep):
    client.force_login(org_rep)
    html = client.get(reverse("organisations:poster", args=[committed.slug])).content.decode()
    assert 'class="app-qr"' in html
    # The short code replaces the 100-character link in print; the QR code still carries the link.
    assert f'<p class="app-join-code app-poster__code">{committed.join_code}</p>' in html
    assert reverse("organisations:join-code") in html
    assert services.invitation_token(committed) not in html


# --- employees ------------------------------------------------------------------------


def test_employee_commits_through_the_invitation_link_privately(client, committed, supporter, org_rep):
    url = reverse("organisations:join-invite", args=[services.invitation_token(committed)])
    assert "Sign in or create an account" in client.get(url).content.decode()
    client.force_login(supporter)
    response = client.post(url, employee_data())
    assert response["Location"] == reverse("accounts:home")
    account = client.get(reverse("accounts:home")).content.decode()
    assert "Your commitment with Oak Lodge Care Home" in account
    client.force_login(org_rep)
    dashboard = client.get(reverse("organisations:dashboard", args=[committed.slug])).content.decode()
    assert supporter.display_name not in dashboard
    assert supporter.email not in dashboard
    assert re.search(r">1</span> staff commitments", dashboard)


def test_employee_commits_from_the_directory_page(client, committed, supporter):
    client.force_login(supporter)
    client.post(reverse("organisations:join", args=[committed.slug]), employee_data())
    assert EmployeeCommitment.objects.get().user == supporter


def test_employee_commitment_with_no_agreement_is_refused(client, committed, supporter):
    client.force_login(supporter)
    html = client.post(reverse("organisations:join", args=[committed.slug]), {}).content.decode()
    assert "Agree to statement 1" in html
    assert not EmployeeCommitment.objects.exists()


def test_stale_invitation_link_is_refused_with_a_clear_message(client, committed, org_rep, supporter):
    old = reverse("organisations:join-invite", args=[services.invitation_token(committed)])
    client.force_login(org_rep)
    client.post(reverse("organisations:invitation-rotate", args=[committed.slug]))
    client.force_login(supporter)
    response = client.get(old)
    assert response.status_code == 410
    assert "This invitation link no longer works" in response.content.decode()
    assert client.post(old, employee_data()).status_code == 410
    assert not EmployeeCommitment.objects.exists()


def test_garbage_invitation_link_is_refused(client):
    response = client.get(reverse("organisations:join-invite", args=["not-a-token"]))
    assert response.status_code == 410


def test_champion_records_a_colleague_without_email(client, committed):
    champion = UserFactory()
    Membership.objects.create(organisation=committed, user=champion, role=Membership.Role.CHAMPION)
    client.force_login(champion)
    url = reverse("organisations:champion", args=[committed.slug])
    html = client.post(url, {"person-name": "", "person-job_role": "care-worker"}).content.decode()
    assert "<title>Error: " in html and "Enter the name of the person" in html
    assert html.count("There is a problem") == 1
    client.post(url, {"person-name": "Marta K", "person-job_role": "care-worker", **employee_data()})
    record = EmployeeCommitment.objects.get()
    assert record.name == "Marta K" and record.user is None
    assert counter_value(organisation_keys.assisted(committed.pk)) == 1


def test_outsider_cannot_use_the_champion_form(client, committed, outsider):
    client.force_login(outsider)
    assert client.get(reverse("organisations:champion", args=[committed.slug])).status_code == 403


# --- public directory, page and badge ------------------------------------------------


def test_directory_lists_verified_organisations_only(client, committed):
    make_organisation(verified=False, name="Hidden House")
    html = client.get(reverse("organisations:directory")).content.decode()
    assert "Oak Lodge Care Home" in html
    assert "Hidden House" not in html


def test_unverified_organisation_page_is_not_public(client, org_rep):
    organisation = make_organisation(verified=False)
    assert client.get(organisation.get_absolute_url()).status_code == 404
    client.force_login(org_rep)
    assert client.get(reverse("organisations:badge", args=[organisation.slug])).status_code == 404


@pytest.mark.parametrize(
    "query,found",
    [
        ({"q": "oak"}, True),
        ({"q": "Exeter"}, True),
        ({"q": "nowhere"}, False),
        ({"region": "south-west"}, True),
        ({"region": "london"}, False),
        ({"type": "care-home"}, True),
        ({"type": "nhs-trust"}, False),
    ],
)
def test_directory_search_and_filters(client, committed, query, found):
    html = client.get(reverse("organisations:directory"), query).content.decode()
    assert ("Oak Lodge Care Home" in html) is found


def test_directory_finds_by_cqc_id(client, committed):
    html = client.get(reverse("organisations:directory"), {"q": committed.cqc_provider_id}).content.decode()
    assert "Oak Lodge Care Home" in html


def test_directory_is_paginated_with_filters_kept(client):
    for n in range(23):
        make_organisation(name=f"Home {n:02d}", region="london")
    html = client.get(reverse("organisations:directory"), {"region": "london"}).content.decode()
    assert "23 organisations found" in html
    assert "region=london&amp;page=2" in html
    page_2 = client.get(reverse("organisations:directory"), {"region": "london", "page": 2}).content.decode()
    assert "Home 22" in page_2 and "Home 00" not in page_2


def test_directory_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, org_rep):
    for n in range(10):
        organisation = make_organisation(rep=org_rep, name=f"Home {n}")
        commit(organisation, org_rep)
    with django_assert_max_num_queries(6):
        client.get(reverse("organisations:directory"))


def test_directory_counts_its_entries_once_then_reads_only_the_page(client, committed, django_assert_num_queries):
    make_organisation(name="Birch House")
    client.get(reverse("organisations:directory"))
    with django_assert_num_queries(1):
        html = client.get(reverse("organisations:directory")).content.decode()
    assert "2 organisations found" in html and "Birch House" in html


def test_an_organisation_verified_is_counted_in_the_directory_at_once(
    client, committed, programme_admin, django_capture_on_commit_callbacks
):
    assert "1 organisation found" in client.get(reverse("organisations:directory")).content.decode()
    waiting = make_organisation(verified=False, name="Ash Court")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.organisation_verify(organisation=waiting, admin=programme_admin)
    html = client.get(reverse("organisations:directory")).content.decode()
    assert "2 organisations found" in html and "Ash Court" in html


def test_directory_is_the_same_page_with_its_count_and_cards_kept_or_not(client, committed, settings):
    for n in range(22):
        make_organisation(name=f"Home {n:02d}", type="nhs-trust" if n % 2 else "care-home")
    pages = [{}, {"page": 2}, {"q": "home"}, {"region": "south-west", "page": 2}]
    kept = [client.get(reverse("organisations:directory"), query).content for query in pages * 2]
    settings.ORGANISATIONS_DIRECTORY_COUNT_SECONDS = 0
    settings.CORE_FRAGMENTS_KEPT = False
    plain = [client.get(reverse("organisations:directory"), query).content for query in pages]
    assert kept == plain * 2
    assert b"23 organisations found" in plain[0] and b"Committed since" in plain[1]


def test_organisation_page_shows_status_statements_and_counts_never_names(client, committed, supporter):
    services.employee_commit(organisation=committed, user=supporter, chosen=one_task_each(Audience.EMPLOYEE))
    html = client.get(committed.get_absolute_url()).content.decode()
    assert "Committed since" in html
    assert "nhsuk-tag--green" in html
    assert statements()[0].title in html
    assert ">1</span> staff commitments" in html
    assert supporter.display_name not in html
    assert "embed-code" not in html  # the embed snippet is for representatives


def test_representative_sees_the_badge_embed_code(client, committed, org_rep):
    client.force_login(org_rep)
    html = client.get(committed.get_absolute_url()).content.decode()
    assert 'id="embed-code"' in html
    assert reverse("organisations:badge", args=[committed.slug]) in html


def test_badge_links_back_and_shows_committed_since(client, committed):
    response = client.get(reverse("organisations:badge", args=[committed.slug]))
    svg = response.content.decode()
    assert response["Content-Type"].startswith("image/svg+xml")
    assert f'href="http://testserver{committed.get_absolute_url()}"' in svg
    assert "Committed since" in svg
    assert "LAPSED" not in svg


def test_badge_escapes_the_organisation_name(client, org_rep):
    organisation = make_organisation(rep=org_rep, name="<script>alert(1)</script> & Sons")
    svg = client.get(reverse("organisations:badge", args=[organisation.slug])).content.decode()
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_lapsed_status_shows_on_badge_page_and_directory_with_a_moved_clock(client, committed, monkeypatch):
    renewal = committed.commitment.renewal_due_on
    monkeypatch.setattr("organisations.views._today", lambda: renewal + timedelta(days=30))
    assert "LAPSED" not in client.get(reverse("organisations:badge", args=[committed.slug])).content.decode()
    monkeypatch.setattr("organisations.views._today", lambda: renewal + timedelta(days=31))
    assert "LAPSED" in client.get(reverse("organisations:badge", args=[committed.slug])).content.decode()
    page = client.get(committed.get_absolute_url()).content.decode()
    assert ">Lapsed</strong>" in page
    assert "has not been made" in page
    directory = client.get(reverse("organisations:directory")).content.decode()
    assert ">Lapsed</strong>" in directory
    assert "Oak Lodge Care Home" in directory  # still visible, clearly marked


def test_renewing_from_the_dashboard_makes_a_lapsed_commitment_current(client, org_rep):
    organisation = make_organisation(rep=org_rep)
    commit(organisation, org_rep, today=timezone.localdate() - timedelta(days=400))
    client.force_login(org_rep)
    assert (
        ">Lapsed</strong>" in client.get(reverse("organisations:dashboard", args=[organisation.slug])).content.decode()
    )
    client.post(reverse("organisations:renew", args=[organisation.slug]))
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert ">Current</strong>" in html


def test_home_page_counts_committed_employers(client, committed):
    html = client.get("/").content.decode()
    assert re.search(r'app-totals__number">1</span> employers committed', html)


def test_admin_verify_action_verifies_and_emails_the_representative(
    client, org_rep, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    organisation = make_organisation(rep=org_rep, verified=False)
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:organisations_organisation_changelist"),
            {"action": "decide_verify", "_selected_action": [organisation.pk]},
        )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.verified_by == superuser
    assert [m.to for m in mailoutbox] == [[org_rep.email]]


def test_moderator_without_programme_admin_rights_cannot_verify_in_the_admin(client, org_rep, moderator):
    organisation = make_organisation(rep=org_rep, verified=False)
    client.force_login(moderator)
    client.post(
        reverse("admin:organisations_organisation_changelist"),
        {"action": "decide_verify", "_selected_action": [organisation.pk]},
    )
    organisation.refresh_from_db()
    assert not organisation.is_verified


def test_representative_of_another_organisation_cannot_use_the_champion_form(client, committed, other_rep):
    client.force_login(other_rep)
    assert client.get(reverse("organisations:champion", args=[committed.slug])).status_code == 403


def test_dashboard_query_count_is_bounded(client, committed, org_rep, django_assert_max_num_queries):
    client.force_login(org_rep)
    with django_assert_max_num_queries(14):
        client.get(reverse("organisations:dashboard", args=[committed.slug]))


def test_demo_data_loads_twice_without_duplicates():
    from io import StringIO

    from accounts import demo as accounts_demo
    from organisations import demo

    accounts_demo.load(StringIO())
    UserFactory(email="root@demo.example", is_superuser=True, is_staff=True)
    out = StringIO()
    demo.load(out)
    counts = (Organisation.objects.count(), EmployeeCommitment.objects.count())
    demo.load(StringIO())
    assert (Organisation.objects.count(), EmployeeCommitment.objects.count()) == counts
    assert Organisation.objects.filter(verified_at__isnull=True).exists()
    today = timezone.localdate()
    statuses = {o.commitment.status(today) for o in Organisation.objects.exclude(commitment=None)}
    assert {"current", "lapsed"} <= statuses
    assert EmployeeCommitment.objects.filter(assisted=True).exists()
    assert "Demo representative" in out.getvalue()


def test_join_page_of_an_uncommitted_employer_explains_and_records_nothing(client, organisation, supporter):
    client.force_login(supporter)
    response = client.post(reverse("organisations:join", args=[organisation.slug]), employee_data(), follow=True)
    assert "has not signed the Social Care Commitment yet" in response.content.decode()
    assert not EmployeeCommitment.objects.exists()


def test_people_page_adds_a_champion_and_explains_an_unknown_email(client, organisation, org_rep, outsider, other_rep):
    url = reverse("organisations:members", args=[organisation.slug])
    client.force_login(other_rep)
    assert client.get(url).status_code == 403
    client.force_login(org_rep)
    html = client.post(url, {"email": "nobody@example.org", "role": "champion"}).content.decode()
    assert "There is no Care Pledge account with that email address" in html
    assert 'value="nobody@example.org"' in html
    client.post(url, {"email": outsider.email, "role": "champion"})
    assert Membership.objects.get(user=outsider).role == "champion"
    assert outsider.email in client.get(url).content.decode()


def test_programme_admin_approves_a_request_for_an_organisation_without_representatives(
    client, programme_admin, outsider
):
    organisation = make_organisation()
    request = services.access_request_create(organisation=organisation, user=outsider, job_title="Manager")
    client.force_login(programme_admin)
    client.post(reverse("organisations:access-request", args=[request.pk]), {"decision": "approve"})
    assert Membership.objects.get(organisation=organisation, user=outsider).role == "representative"


def test_going_back_from_the_sign_step_keeps_the_chosen_tasks_and_dates(client, organisation, org_rep):
    client.force_login(org_rep)
    target = timezone.localdate() + timedelta(days=50)
    client.post(reverse("organisations:commit", args=[organisation.slug]), commit_data(target=target))
    html = client.get(reverse("organisations:commit", args=[organisation.slug])).content.decode()
    assert html.count(f'value="{target.year}"') == 7
    assert html.count(f'value="{target.day}"') >= 7
    assert html.count("checked") == 14  # seven agreements and seven tasks


# --- tasks of the organisation's own -------------------------------------------------


def test_representative_adds_a_task_of_her_own_with_a_date(client, organisation, org_rep):
    client.force_login(org_rep)
    url = reverse("organisations:commit", args=[organisation.slug])
    target = timezone.localdate() + timedelta(days=60)
    data = commit_data(skip_statement=5, own_5="Run a monthly tea and talk for night staff")
    data |= date_parts("own_date_5", target)
    response = client.post(url, data)
    assert response.status_code == 302
    sign_page = client.get(response["Location"]).content.decode()
    assert f"Run a monthly tea and talk for night staff: by {target:%-d %B %Y}" in sign_page
    # Going back keeps it.
    assert 'value="Run a monthly tea and talk for night staff"' in client.get(url).content.decode()
    client.post(
        response["Location"], {"signatory_name": "Robin Rep", "signatory_job_title": "Manager", "confirm": "on"}
    )
    task = Organisation.objects.get(pk=organisation.pk).commitment.tasks.get(own=True)
    assert (task.statement_number, task.task_text, task.target_date, task.task) == (
        5,
        "Run a monthly tea and talk for night staff",
        target,
        None,
    )


@pytest.mark.parametrize(
    ("own", "with_date", "field", "message"),
    [
        ("Call Sam on 07700 900123 about rotas", True, "own_2", "Your own task"),
        ("x" * 201, True, "own_2", "Your own task must be 200 characters or fewer"),
        ("Weekly huddle", False, "own_date_2_day", "Enter a target date for your own task under statement 2"),
        ("", True, "own_2", "Enter your own task, or clear its target date"),
    ],
)
def test_own_task_errors_are_on_the_field_with_the_text_kept(
    client, organisation, org_rep, own, with_date, field, message
):
    client.force_login(org_rep)
    data = commit_data(own_2=own)
    if with_date:
        data |= date_parts("own_date_2", timezone.localdate() + timedelta(days=9))
    response = client.post(reverse("organisations:commit", args=[organisation.slug]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#id_{field}">{message}' in html
    if own:
        assert own[:50] in html
    assert not hasattr(Organisation.objects.get(pk=organisation.pk), "commitment")


# --- confirmation, certificate, join code, email invitations ----------------------------


def test_committing_emails_each_representative_a_confirmation_with_the_certificate_and_code(
    client, organisation, org_rep, mailoutbox, django_capture_on_commit_callbacks
):
    from mail.models import Email

    client.force_login(org_rep)
    response = client.post(reverse("organisations:commit", args=[organisation.slug]), commit_data())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            response["Location"], {"signatory_name": "Robin Rep", "signatory_job_title": "Manager", "confirm": "on"}
        )
    organisation.refresh_from_db()
    emails = Email.objects.filter(kind="organisation-committed")
    assert [e.to for e in emails] == [org_rep.email]
    sent = [m for m in mailoutbox if "has signed the Social Care Commitment" in m.subject]
    assert len(sent) == 1
    body = sent[0].body
    certificate = reverse("organisations:certificate", args=[organisation.slug])
    assert certificate in body and organisation.join_code in body
    assert certificate in sent[0].alternatives[0][0]
    page = client.get(certificate)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Oak Lodge Care Home" in html and "app-certificate" in html
    assert timezone.localdate().strftime("%-d %B %Y") in html
    for statement in statements():
        assert statement.title in html


def test_certificate_is_for_representatives_only(client, committed, other_rep, supporter):
    url = reverse("organisations:certificate", args=[committed.slug])
    client.force_login(other_rep)
    assert client.get(url).status_code == 403
    client.force_login(supporter)
    assert client.get(url).status_code == 403


def test_staff_member_joins_by_typing_the_code(client, committed, org_rep, supporter):
    client.force_login(org_rep)
    dashboard = client.get(reverse("organisations:dashboard", args=[committed.slug])).content.decode()
    assert committed.join_code in dashboard
    poster = client.get(reverse("organisations:poster", args=[committed.slug])).content.decode()
    assert committed.join_code in poster
    client.force_login(supporter)
    typed = f" {committed.join_code[:4].lower()} {committed.join_code[4:]} "
    response = client.get(reverse("organisations:join-code"), {"code": typed})
    assert response["Location"] == reverse("organisations:join", args=[committed.slug])


def test_a_wrong_code_is_an_error_with_the_text_kept(client, committed):
    response = client.get(reverse("organisations:join-code"), {"code": "BBBBBBBB"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_code">We cannot find that code' in html
    assert 'value="BBBBBBBB"' in html


def test_replacing_the_link_replaces_the_code(client, committed, org_rep):
    old = committed.join_code
    client.force_login(org_rep)
    client.post(reverse("organisations:invitation-rotate", args=[committed.slug]))
    committed.refresh_from_db()
    assert committed.join_code != old
    assert "Location" not in client.get(reverse("organisations:join-code"), {"code": old})


def test_join_code_of_an_organisation_not_yet_committed_is_not_found(client, organisation):
    response = client.get(reverse("organisations:join-code"), {"code": organisation.join_code})
    assert "We cannot find that code" in response.content.decode()


def test_representative_invites_staff_by_email_once_each(
    client, committed, org_rep, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(org_rep)
    url = reverse("organisations:staff-invite", args=[committed.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"emails": "amy@example.org, Ben@Example.org\namy@example.org"})
    assert response.status_code == 302
    invitations = [m for m in mailoutbox if "invites you" in m.subject]
    assert sorted(m.to[0] for m in invitations) == ["amy@example.org", "ben@example.org"]
    assert committed.join_code in invitations[0].body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"emails": "ben@example.org\ncat@example.org"}, follow=True)
    assert "1 invitation sent. 1 person was already invited" in response.content.decode()
    assert len([m for m in mailoutbox if "invites you" in m.subject]) == 3


def test_invalid_addresses_are_reported_with_the_text_kept(client, committed, org_rep, mailoutbox):
    client.force_login(org_rep)
    typed = "amy@example.org\nnot-an-address\nbob@, a b@example.org"
    response = client.post(reverse("organisations:staff-invite", args=[committed.slug]), {"emails": typed})
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<a href="#id_emails">Enter each email address in the correct format, like name@example.org. '
        "Check: not-an-address, bob@, a b@example.org</a>"
    ) in html
    assert "amy@example.org\nnot-an-address\nbob@, a b@example.org</textarea>" in html
    assert not [m for m in mailoutbox if "invites you" in m.subject]


def test_email_invitations_are_rate_limited(client, committed, org_rep, settings):
    client.force_login(org_rep)
    url = reverse("organisations:staff-invite", args=[committed.slug])
    for n in range(10):
        assert client.post(url, {"emails": f"person{n}@example.org"}).status_code == 302
    response = client.post(url, {"emails": "one-more@example.org"})
    assert response.status_code == 200
    assert "You have sent a lot of invitations" in response.content.decode()


def test_only_representatives_invite_staff(client, committed, other_rep):
    client.force_login(other_rep)
    response = client.post(reverse("organisations:staff-invite", args=[committed.slug]), {"emails": "a@example.org"})
    assert response.status_code == 403


# --- staff tasks: dates, done, and the profile ------------------------------------------


def test_staff_task_dates_done_and_organisation_on_the_profile(client, committed, supporter):
    supporter.organisation_name = ""
    supporter.save()
    client.force_login(supporter)
    client.post(reverse("organisations:join", args=[committed.slug]), employee_data())
    commitment = EmployeeCommitment.objects.get(user=supporter)
    task = commitment.tasks.first()
    assert task.target_date == timezone.localdate() + timedelta(days=20)
    home = client.get(reverse("accounts:home")).content.decode()
    assert "Organisation: Not given" not in home
    assert committed.name in home
    assert f"By {task.target_date:%-d %B %Y}" in home
    supporter.refresh_from_db()
    assert supporter.organisation_name == committed.name
    response = client.post(reverse("organisations:employee-task-done", args=[task.pk]), follow=True)
    task.refresh_from_db()
    assert task.done_at is not None
    assert "is marked as done" in response.content.decode()


def test_staff_task_needs_a_date(client, committed, supporter):
    client.force_login(supporter)
    data = employee_data()
    first = statements(Audience.EMPLOYEE)[0].tasks.all()[0]
    data[f"date_{first.pk}_day"] = ""
    html = client.post(reverse("organisations:join", args=[committed.slug]), data).content.decode()
    assert "Target date must include a day" in html
    assert not EmployeeCommitment.objects.filter(user=supporter).exists()


def test_an_organisation_already_on_the_profile_is_kept(client, committed, supporter):
    supporter.organisation_name = "Agency work, Bristol"
    supporter.save()
    client.force_login(supporter)
    client.post(reverse("organisations:join", args=[committed.slug]), employee_data())
    supporter.refresh_from_db()
    assert supporter.organisation_name == "Agency work, Bristol"


def test_nobody_else_can_mark_a_staff_task_done(client, committed, supporter, outsider):
    commitment = services.employee_commit(
        organisation=committed, user=supporter, chosen=one_task_each(Audience.EMPLOYEE)
    )
    task = commitment.tasks.first()
    client.force_login(outsider)
    assert client.post(reverse("organisations:employee-task-done", args=[task.pk])).status_code == 404
    task.refresh_from_db()
    assert task.done_at is None
    with pytest.raises(PermissionDenied):
        services.employee_task_done(task=task, user=outsider)
    assert services.employee_task_done(task=task, user=supporter) is True
    assert services.employee_task_done(task=task, user=supporter) is False


def test_badge_has_no_text_smaller_than_12px(client, committed):
    svg = client.get(reverse("organisations:badge", args=[committed.slug])).content.decode()
    sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', svg)]
    assert len(sizes) == 3 and min(sizes) >= 12


def test_badge_downloads_as_svg_and_png(client, committed, org_rep):
    from io import BytesIO

    from PIL import Image

    client.force_login(org_rep)
    page = client.get(committed.get_absolute_url()).content.decode()
    png_url = reverse("organisations:badge-png", args=[committed.slug])
    assert f'href="{png_url}?download" download' in page
    client.logout()
    svg = client.get(reverse("organisations:badge", args=[committed.slug]), {"download": ""})
    assert svg["Content-Disposition"] == f'attachment; filename="social-care-commitment-{committed.slug}.svg"'
    png = client.get(png_url, {"download": ""})
    assert png["Content-Type"] == "image/png"
    assert png["Content-Disposition"].endswith('.png"')
    image = Image.open(BytesIO(png.content))
    assert image.size == (480, 160)
    # The blue of a current commitment, and white text drawn on it.
    assert image.convert("RGB").getpixel((4, 80)) == (0, 94, 184)
    assert (255, 255, 255) in {colour for _, colour in image.convert("RGB").getcolors(100000)}
    assert client.get(png_url).get("Content-Disposition") is None


# --- the regulator follows the nation -------------------------------------------------


@pytest.mark.parametrize(
    ("region", "typed", "nation", "stored"),
    [
        ("wales", "sin-00012345-abcd", "wales", "SIN-00012345-ABCD"),
        ("scotland", "CS2003001025", "scotland", "CS2003001025"),
        ("northern-ireland", " 11049 ", "northern-ireland", "11049"),
    ],
)
def test_homes_outside_england_give_their_own_regulators_id(client, org_rep, region, typed, nation, stored):
    client.force_login(org_rep)
    response = client.post(REGISTER, form_data(region=region, regulator_id=typed, name=f"Home in {region}"))
    assert response.status_code == 302
    organisation = Organisation.objects.get(name=f"Home in {region}")
    assert (organisation.nation, organisation.regulator_id, organisation.cqc_provider_id) == (nation, stored, "")
    assert organisation.registration_id == stored


@pytest.mark.parametrize(
    ("region", "typed", "message"),
    [
        (
            "wales",
            "",
            "Enter the Care Inspectorate Wales registration number: every care home without nursing in Wales",
        ),
        ("scotland", "1-123456789", "Enter the Care Inspectorate service or provider number in the right format: CS"),
        ("northern-ireland", "CS2003001025", "Enter the RQIA service ID in the right format: 3 to 8 digits"),
        ("london", "11049", "Enter the CQC provider ID in the right format: 1- followed by 9 to 11 digits"),
    ],
)
def test_each_nation_checks_its_regulators_format(client, org_rep, region, typed, message):
    client.force_login(org_rep)
    html = client.post(REGISTER, form_data(region=region, regulator_id=typed)).content.decode()
    assert f'<a href="#id_regulator_id">{message}' in html
    if typed:
        assert f'value="{typed}"' in html
    assert "CQC provider ID" not in html.split("<form")[0] or region == "london"


def test_existing_organisations_are_cqc_registered_in_england(committed):
    assert committed.nation == "england"
    assert committed.regulator.short == "CQC"
    assert committed.registration_id == committed.cqc_provider_id
