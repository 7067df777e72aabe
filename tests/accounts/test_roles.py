import ast
import re

import pytest
from django.contrib.auth.models import Group

from accounts.roles import MODERATORS, PROGRAMME_ADMINS, REGIONAL_LEADS, ROLE_PERMISSIONS, roles_sync
from tests.contracts.source import app_sources, keyword_uses, relative

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


def test_regional_leads_are_the_people_with_that_region_and_the_programme_admins(programme_admin, outsider):
    from accounts.choices import Region
    from accounts.roles import emails, is_regional_lead, regional_leads
    from tests.factories import UserFactory

    lead = UserFactory(email="lead.sw@example.org")
    lead.care_maker_regions.create(region=Region.SOUTH_WEST)
    elsewhere = UserFactory(email="lead.london@example.org")
    elsewhere.care_maker_regions.create(region=Region.LONDON)
    gone = UserFactory(email="former.lead@example.org", is_active=False)
    gone.care_maker_regions.create(region=Region.SOUTH_WEST)
    group_only = UserFactory(email="group.only@example.org", groups=[REGIONAL_LEADS])
    assert list(regional_leads(Region.SOUTH_WEST)) == sorted([lead, programme_admin], key=lambda p: p.pk)
    assert emails(regional_leads(Region.LONDON)) == sorted([elsewhere.email, programme_admin.email])
    assert [is_regional_lead(p) for p in (lead, programme_admin, group_only, outsider)] == [True, True, False, False]


def test_milestone_and_verification_emails_go_to_the_programme_admins_the_roles_define(programme_admin, moderator):
    from accounts.roles import emails, programme_admins
    from counters.milestones import programme_admin_emails
    from organisations.selectors import admin_emails
    from tests.factories import UserFactory

    root = UserFactory(email="root@example.org", is_superuser=True)
    UserFactory(email="staff.flag.only@example.org", is_staff=True)
    UserFactory(email="retired.admin@example.org", groups=[PROGRAMME_ADMINS], is_active=False)
    expected = sorted([programme_admin.email, root.email])
    assert programme_admin_emails() == admin_emails() == emails(programme_admins()) == expected


def test_an_unverified_organisation_page_is_for_its_members_and_programme_admins_not_the_staff_flag(
    client, programme_admin
):
    from tests.factories import UserFactory
    from tests.organisations.factories import make_organisation

    organisation = make_organisation(verified=False)
    client.force_login(UserFactory(email="staff.flag.only@example.org", is_staff=True))
    assert client.get(organisation.get_absolute_url()).status_code == 404
    client.force_login(programme_admin)
    assert client.get(organisation.get_absolute_url()).status_code == 200


# --- One definition of each role --------------------------------------------------------

ROLE_FILTER = re.compile(r"(groups__name(__in)?|is_superuser|is_staff|care_maker_regions__region)")


def role_filters(source: str) -> list[int]:
    return keyword_uses(ast.parse(source), ROLE_FILTER)


def test_no_one_defines_a_role_outside_accounts_roles():
    found = []
    for path in app_sources():
        # Demo and bench data make their people with these flags; they ask nothing of them.
        if relative(path) == "accounts/roles.py" or path.name == "demo.py" or relative(path).startswith("bench/"):
            continue
        found += [f"{relative(path)}:{line}" for line in role_filters(path.read_text())]
    assert found == [], "ask accounts.roles for staff (programme_admins(), moderators(), regional_leads())"


def test_the_role_check_finds_a_second_definition():
    assert role_filters("User.objects.filter(Q(is_superuser=True) | Q(groups__name=ADMINS))") == [1, 1]
    assert role_filters("x = User.objects.filter(is_staff=True)") == [1]
    assert role_filters("User.objects.filter(memberships__organisation=o)") == []


def test_a_verified_email_is_the_sign_in_address_verified_in_allauth():
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from tests.factories import UserFactory

    verified = UserFactory(email="jo@example.org")
    EmailAddress.objects.filter(user=verified).update(email="JO@example.org")  # case aside, the same
    unverified = UserFactory(email="sam@example.org", verified_email=False)
    other_address = UserFactory(email="ali@example.org", verified_email=False)
    EmailAddress.objects.filter(user=other_address).delete()
    EmailAddress.objects.create(user=other_address, email="ali.old@example.org", verified=True)
    assert [verified.has_verified_email(), unverified.has_verified_email(), other_address.has_verified_email()] == [
        True,
        False,
        False,
    ]
    assert list(User.objects.with_verified_email()) == [verified]


def test_each_page_reads_roles_without_compiling_their_sql(monkeypatch, moderator, django_assert_num_queries):
    """Read on every signed-in page: one query for the groups and the regions together, its
    SQL compiled once per process (core/queries.py)."""
    from django.db.models.sql.compiler import SQLCompiler

    from accounts.choices import Region
    from accounts.roles import is_moderator, is_regional_lead, role_names
    from tests.factories import UserFactory

    lead = UserFactory(email="lead.north@example.org")
    lead.care_maker_regions.create(region=Region.NORTH_WEST)
    nobody = UserFactory(email="nobody@example.org")
    role_names(nobody), is_regional_lead(nobody)  # compiled here
    compiles = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiles.append(1) or original(self, *a, **k))
    User = type(lead)
    for person, roles, leads in ((moderator, {MODERATORS}, False), (lead, set(), True), (nobody, set(), False)):
        loaded = User.objects.filter(pk=person.pk).get()  # a person loaded any other way
        compiles.clear()
        with django_assert_num_queries(1):
            assert (role_names(loaded), is_moderator(loaded), is_regional_lead(loaded)) == (roles, bool(roles), leads)
            assert is_regional_lead(loaded) == leads and role_names(loaded) == roles  # read once per user object
        assert compiles == []
        # As each request loads its user (ModelBackend, by id): the person and their roles
        # in one query together.
        User.objects.get(pk=person.pk)  # compiled here
        compiles.clear()
        with django_assert_num_queries(1):
            fresh = User.objects.get(pk=str(person.pk))
            assert (role_names(fresh), is_moderator(fresh), is_regional_lead(fresh)) == (roles, bool(roles), leads)
        assert compiles == []
        assert "role_group_name" not in vars(fresh) and "role_leads" not in vars(fresh)


def test_a_person_in_several_groups_is_one_person_with_every_role():
    from django.contrib.auth.models import Group

    from accounts.choices import Region
    from accounts.roles import PROGRAMME_ADMINS, REGIONAL_LEADS, is_regional_lead, role_names
    from tests.factories import UserFactory

    person = UserFactory(email="many.hats@example.org")
    for name in (MODERATORS, REGIONAL_LEADS, PROGRAMME_ADMINS):
        person.groups.add(Group.objects.get_or_create(name=name)[0])
    person.care_maker_regions.create(region=Region.LONDON)
    person.care_maker_regions.create(region=Region.NORTH_WEST)
    User = type(person)
    loaded = User.objects.get(pk=person.pk)
    assert loaded == person and loaded.email == person.email
    assert role_names(loaded) == {MODERATORS, REGIONAL_LEADS, PROGRAMME_ADMINS}
    assert is_regional_lead(loaded) is True
