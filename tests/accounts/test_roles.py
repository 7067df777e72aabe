import pytest
from django.contrib.auth.models import Group

from accounts.roles import MODERATORS, PROGRAMME_ADMINS, REGIONAL_LEADS, ROLE_PERMISSIONS, roles_sync

pytestmark = pytest.mark.django_db


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.parametrize("name", [MODERATORS, REGIONAL_LEADS])
def test_each_role_has_exactly_its_permissions(name):
    assert perms(name) == ROLE_PERMISSIONS[name]


def test_programme_admins_run_the_programmes_but_not_accounts():
    granted = perms(PROGRAMME_ADMINS)
    assert {
        "pledges.change_pledgesettings",
        "counters.change_milestonerule",
        "ambassadors.change_eligibility",
    } <= granted
    assert "organisations.change_organisation" in granted
    assert not any(p.startswith(("accounts.", "auth.")) for p in granted)


def test_a_permission_added_by_hand_is_taken_away_on_the_next_sync():
    from django.contrib.auth.models import Permission

    extra = Permission.objects.get(codename="delete_pledge")
    Group.objects.get(name=MODERATORS).permissions.add(extra)
    roles_sync()
    assert "pledges.delete_pledge" not in perms(MODERATORS)


def test_moderators_see_the_audit_log_in_the_admin_but_not_pledgers_details(client, moderator):
    client.force_login(moderator)
    assert client.get("/admin/moderation/decision/").status_code == 200
    assert client.get("/admin/pledges/pledge/").status_code == 403
    assert client.get("/admin/organisations/organisation/").status_code == 403


def test_regional_leads_see_applications_in_the_admin_but_not_pledges(client):
    from tests.factories import UserFactory

    lead = UserFactory(is_staff=True, groups=[REGIONAL_LEADS])
    client.force_login(lead)
    assert client.get("/admin/ambassadors/application/").status_code == 200
    assert client.get("/admin/pledges/pledge/").status_code == 403


def test_the_role_querysets_hold_exactly_the_active_people_the_predicates_admit(moderator, programme_admin, outsider):
    from accounts.roles import is_moderator, is_programme_admin, moderators, programme_admins
    from tests.factories import UserFactory

    people = [
        moderator,
        programme_admin,
        outsider,
        UserFactory(email="root@example.org", is_superuser=True),
        UserFactory(email="both@example.org", groups=[MODERATORS, PROGRAMME_ADMINS]),
        UserFactory(email="lead@example.org", groups=[REGIONAL_LEADS]),
        UserFactory(email="staff.flag@example.org", is_staff=True),
        UserFactory(email="former@example.org", groups=[MODERATORS], is_active=False),
    ]
    active = [person for person in people if person.is_active]
    assert list(moderators()) == sorted((p for p in active if is_moderator(p)), key=lambda p: p.pk)
    assert list(programme_admins()) == sorted((p for p in active if is_programme_admin(p)), key=lambda p: p.pk)
    assert len(moderators()) == 4  # no one twice for being in two groups
