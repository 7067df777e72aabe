"""Who may use each organisation page, over HTTP: signed out, someone else, the right person.

Every refusal is raised by a loader in organisations/views.py and shown by the one 403 page
(pages.views.permission_denied), with the reason and a next step.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations import services
from organisations.models import CommitmentTask, EmployerCommitment, Membership

pytestmark = pytest.mark.django_db

# (URL name, method, what else the URL takes besides the slug)
REPRESENTATIVE_PAGES = [
    ("dashboard", "get", None),
    ("poster", "get", None),
    ("certificate", "get", None),
    ("members", "get", None),
    ("member-remove", "post", "membership"),
    ("staff-invite", "get", None),
    ("invitation-rotate", "post", None),
    ("commit", "get", None),
    ("commit-sign", "get", None),
    ("task-done", "get", "task"),
    ("task-evidence", "get", "done task"),
    ("renew", "post", None),
]


def _url(name: str, extra: str | None, organisation, champion) -> str:
    args = [organisation.slug]
    if extra == "membership":
        args.append(Membership.objects.get(user=champion, organisation=organisation).pk)
    elif extra == "task":
        args.append(EmployerCommitment.objects.get(organisation=organisation).tasks.first().pk)
    elif extra == "done task":
        task = EmployerCommitment.objects.get(organisation=organisation).tasks.first()
        # Only a done task has evidence to publish.
        CommitmentTask.objects.filter(pk=task.pk).update(done_at=timezone.now(), evidence="Recorded in the minutes.")
        args.append(task.pk)
    return reverse("organisations:" + name, args=args)


@pytest.fixture
def champion(committed, outsider):
    Membership.objects.create(organisation=committed, user=outsider, role=Membership.Role.CHAMPION)
    return outsider


@pytest.mark.parametrize(("name", "method", "extra"), REPRESENTATIVE_PAGES)
def test_signed_out_people_are_sent_to_sign_in(client, committed, champion, name, method, extra):
    response = getattr(client, method)(_url(name, extra, committed, champion))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "method", "extra"), REPRESENTATIVE_PAGES)
def test_a_representative_of_another_organisation_gets_the_one_403_page(
    client, committed, champion, other_rep, name, method, extra
):
    client.force_login(other_rep)
    response = getattr(client, method)(_url(name, extra, committed, champion))
    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have access to this page" in html
    assert "Only the representatives of Oak Lodge Care Home can do this." in html
    # The next step: ask to join this organisation, or the programme's start page.
    assert "Ask to be added to Oak Lodge Care Home" in html or "Go to the Social Care Commitment" in html
    assert Membership.objects.filter(user=champion, organisation=committed).exists()  # nothing changed


@pytest.mark.parametrize(("name", "method", "extra"), REPRESENTATIVE_PAGES)
def test_a_champion_is_not_a_representative(client, committed, champion, name, method, extra):
    client.force_login(champion)
    assert getattr(client, method)(_url(name, extra, committed, champion)).status_code == 403


@pytest.mark.parametrize(("name", "method", "extra"), REPRESENTATIVE_PAGES)
def test_the_organisations_representative_gets_through(client, committed, champion, org_rep, name, method, extra):
    client.force_login(org_rep)
    response = getattr(client, method)(_url(name, extra, committed, champion))
    assert response.status_code in {200, 302}


def test_the_next_step_asks_to_be_added_when_the_organisation_has_a_cqc_id(client, committed, other_rep):
    committed.cqc_provider_id = "1-101010101"
    committed.save(update_fields=["cqc_provider_id"])
    client.force_login(other_rep)
    html = client.get(reverse("organisations:dashboard", args=[committed.slug])).content.decode()
    ask = reverse("organisations:request-access", args=["1-101010101"])
    assert f'<a href="{ask}">Ask to be added to Oak Lodge Care Home</a>' in html


# --- The champion form: representatives and champions --------------------------------


def test_champion_form_signed_out_is_sent_to_sign_in(client, committed):
    response = client.get(reverse("organisations:champion", args=[committed.slug]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_champion_form_refuses_people_outside_the_organisation(client, committed, other_rep):
    client.force_login(other_rep)
    response = client.get(reverse("organisations:champion", args=[committed.slug]))
    assert response.status_code == 403
    assert "Only the representatives and champions of Oak Lodge Care Home can do this." in response.content.decode()


@pytest.mark.parametrize("persona", ["org_rep", "champion"])
def test_champion_form_opens_for_members(client, committed, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("organisations:champion", args=[committed.slug])).status_code == 200


# --- A request to join: for those who may decide it ----------------------------------


@pytest.fixture
def access_request(committed, supporter):
    return services.access_request_create(organisation=committed, user=supporter, job_title="Carer")


def test_access_request_signed_out_is_sent_to_sign_in(client, access_request):
    response = client.get(reverse("organisations:access-request", args=[access_request.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_access_request_refuses_another_organisations_representative(client, access_request, other_rep):
    client.force_login(other_rep)
    url = reverse("organisations:access-request", args=[access_request.pk])
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 403
    assert "Only the representatives of Oak Lodge Care Home can do this." in response.content.decode()
    access_request.refresh_from_db()
    assert access_request.status == access_request.Status.PENDING


def test_access_request_opens_for_the_organisations_representative(client, access_request, org_rep):
    client.force_login(org_rep)
    response = client.get(reverse("organisations:access-request", args=[access_request.pk]))
    assert response.status_code == 200
