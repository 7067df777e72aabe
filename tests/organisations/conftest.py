import pytest

from tests.factories import UserFactory

from .factories import commit, ensure_statements, make_organisation


@pytest.fixture(autouse=True)
def _statements(db):
    """Data migrations' rows (statements, staff groups) may have been flushed by a transactional test."""
    from django.contrib.auth.models import Group

    ensure_statements()
    for name in ("Moderators", "Regional leads", "Programme admins"):
        Group.objects.get_or_create(name=name)


@pytest.fixture
def organisation(org_rep):
    """Oak Lodge: verified, not yet committed, with the org_rep persona as representative."""
    return make_organisation(rep=org_rep, name="Oak Lodge Care Home")


@pytest.fixture
def committed(organisation, org_rep):
    commit(organisation, org_rep)
    organisation.refresh_from_db()
    return organisation


@pytest.fixture
def other_rep(db):
    """A representative of a different organisation."""
    user = UserFactory(email="rep@elsewhere.example", display_name="Elsie Elsewhere")
    make_organisation(rep=user, name="Elsewhere House")
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
