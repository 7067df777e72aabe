"""The signed-in person is loaded on every request they make (Django's ModelBackend.get_user,
`User.objects.get(pk=<id from the session>)`): a kept query, with Django's answers."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models.sql.compiler import SQLCompiler

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def _columns(user):
    return {field.attname: getattr(user, field.attname) for field in User._meta.concrete_fields}


@pytest.mark.parametrize("as_given", [str, int])
def test_a_person_by_id_is_the_same_row_the_plain_query_reads(as_given):
    person = UserFactory(email="person@example.org", display_name="Priya Patel")
    loaded = User.objects.get(pk=as_given(person.pk))
    assert type(loaded) is User
    assert _columns(loaded) == _columns(User.objects.filter(pk=person.pk).get())


def test_the_load_compiles_no_sql_after_the_first(monkeypatch, django_assert_num_queries):
    person = UserFactory(email="person@example.org")
    backend = ModelBackend()
    backend.get_user(str(person.pk))  # compiled here
    compiles = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiles.append(1) or original(self, *a, **k))
    with django_assert_num_queries(1):
        assert backend.get_user(str(person.pk)) == person
    assert compiles == []


def test_no_such_person_and_people_who_may_not_sign_in_are_turned_down_as_before():
    person = UserFactory(email="person@example.org", is_active=False)
    backend = ModelBackend()
    assert backend.get_user(str(person.pk)) is None  # not active: Django's user_can_authenticate
    assert backend.get_user(str(person.pk + 1000)) is None
    with pytest.raises(User.DoesNotExist, match="User matching query does not exist"):
        User.objects.get(pk=person.pk + 1000)


@pytest.mark.parametrize("odd", ["abc", " 12", "1e3", "٣", "9" * 40])
def test_any_other_id_goes_the_usual_way_and_fails_as_it_did(odd):
    UserFactory(email="person@example.org")
    try:
        expected = type(User.objects.filter(pk=odd).get())
    except Exception as error:  # noqa: BLE001 - whatever the plain query raises
        expected = type(error)
    with pytest.raises(expected):
        User.objects.get(pk=odd)


def test_other_lookups_are_djangos_own():
    person = UserFactory(email="person@example.org")
    assert User.objects.get(email="person@example.org") == person
    assert User.objects.get(pk=person.pk, is_active=True) == person
    assert User.objects.using("default").get(pk=str(person.pk)) == person
