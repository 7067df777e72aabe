"""The organisation rules as queryset methods: listed, awaiting verification, open to staff,
and who represents an organisation."""

import pytest
from django.utils import timezone

from organisations.models import Membership, Organisation
from organisations.selectors import is_representative, representatives
from tests.factories import UserFactory

from .factories import make_organisation

pytestmark = pytest.mark.django_db


def test_listed_awaiting_and_open_to_staff_say_where_each_organisation_is(committed):
    listed_only = make_organisation(name="Listed Only")
    waiting = make_organisation(name="Waiting", verified=False)
    refused = make_organisation(name="Refused", verified=False, verification_refused_at=timezone.now())
    assert set(Organisation.objects.listed()) == {committed, listed_only}
    assert set(Organisation.objects.awaiting_verification()) == {waiting}
    assert set(Organisation.objects.open_to_staff()) == {committed}
    # The one-organisation form agrees with the queryset, fetched either way.
    for organisation in (committed, listed_only, waiting, refused):
        fresh = Organisation.objects.select_related("commitment").get(pk=organisation.pk)
        expected = Organisation.objects.open_to_staff().filter(pk=organisation.pk).exists()
        assert fresh.is_open_to_staff is Organisation.objects.get(pk=organisation.pk).is_open_to_staff is expected


def test_representatives_are_the_active_people_with_the_representative_role(organisation, org_rep):
    champion = UserFactory(email="champion@oaklodge.example")
    organisation.memberships.create(user=champion, role=Membership.Role.CHAMPION)
    gone = UserFactory(email="gone@oaklodge.example", is_active=False)
    organisation.memberships.create(user=gone, role=Membership.Role.REPRESENTATIVE)
    other = make_organisation(rep=UserFactory(email="rep@elsewhere.example"))
    assert list(representatives(organisation)) == [org_rep]
    assert list(representatives(organisation.pk)) == [org_rep]
    assert is_representative(org_rep, organisation) and not is_representative(champion, organisation)
    assert not is_representative(org_rep, other)
    assert set(Membership.objects.representing(organisation.pk).values_list("user", flat=True)) == {org_rep.pk, gone.pk}
