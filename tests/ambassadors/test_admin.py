import pytest
from django.urls import reverse

from accounts.choices import JobRole, Sector
from ambassadors import services
from ambassadors.models import Eligibility, EligibilityWaitlist
from tests.ambassadors.factories import ApplicationFactory, CareMakerFactory, StoryFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.org", is_staff=True, is_superuser=True)


def test_admin_widens_eligibility_and_a_waiting_person_is_emailed_exactly_once(
    client, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    doctor = UserFactory(email="doc@example.org", job_role=JobRole.DOCTOR)
    services.eligibility_wait(user=doctor, role=JobRole.DOCTOR, sector=Sector.NHS_ACUTE)
    row = Eligibility.objects.get(kind="role", value=JobRole.DOCTOR)
    client.force_login(superuser)
    url = reverse("admin:ambassadors_eligibility_changelist")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"action": "open_selected", "_selected_action": [row.pk]}, follow=True)
        assert response.status_code == 200
    row.refresh_from_db()
    assert row.is_open
    assert [m.to for m in mailoutbox] == [["doc@example.org"]]
    assert "now open to you" in mailoutbox[0].subject
    assert EligibilityWaitlist.objects.get(user=doctor).notified_at is not None


def test_admin_closes_a_role_again(client, superuser):
    row = Eligibility.objects.get(kind="role", value=JobRole.STUDENT)
    client.force_login(superuser)
    client.post(
        reverse("admin:ambassadors_eligibility_changelist"),
        {"action": "close_selected", "_selected_action": [row.pk]},
    )
    assert not services.is_eligible(role=JobRole.STUDENT, sector=Sector.EDUCATION)


@pytest.mark.parametrize(
    "model",
    [
        "eligibility",
        "eligibilitywaitlist",
        "intake",
        "regionallead",
        "application",
        "caremaker",
        "story",
    ],
)
def test_every_admin_list_opens_with_its_filters(client, superuser, model):
    ApplicationFactory()
    StoryFactory(care_maker=CareMakerFactory())
    client.force_login(superuser)
    response = client.get(reverse(f"admin:ambassadors_{model}_changelist"))
    assert response.status_code == 200


def test_programme_admin_widens_eligibility_in_the_admin_without_being_a_superuser(
    client, programme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    waiting = UserFactory(email="porter@example.org")
    services.eligibility_wait(user=waiting, role=JobRole.PORTER, sector=Sector.NHS_ACUTE)
    row = Eligibility.objects.get(kind="role", value=JobRole.PORTER)
    client.force_login(programme_admin)
    url = reverse("admin:ambassadors_eligibility_changelist")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "open_selected", "_selected_action": [row.pk]})
    assert [m.to for m in mailoutbox] == [["porter@example.org"]]


def test_moderators_cannot_use_the_care_makers_admin(client, moderator):
    client.force_login(moderator)
    assert client.get(reverse("admin:ambassadors_eligibility_changelist")).status_code == 403
