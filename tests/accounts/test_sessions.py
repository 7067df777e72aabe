"""accounts.sessions: database sessions that name their person and whose own commits do not
wait for the WAL flush."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Session
from accounts.sessions import SessionStore


@pytest.mark.django_db(transaction=True)
@pytest.mark.needs_postgres
def test_a_session_write_is_its_own_transaction_without_a_synchronous_commit():
    store = SessionStore()
    store["pledge_draft"] = {"text": "I will learn Makaton"}
    with CaptureQueriesContext(connection) as queries:
        store.save(must_create=True)
    sql = [q["sql"] for q in queries.captured_queries]
    assert "SET LOCAL synchronous_commit TO OFF" in sql
    assert sql.index("SET LOCAL synchronous_commit TO OFF") < next(i for i, s in enumerate(sql) if "INSERT" in s)
    # It went no further than its own transaction.
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert SessionStore(store.session_key)["pledge_draft"] == {"text": "I will learn Makaton"}
    store["pledge_draft"] = {"text": "I will learn Makaton signs"}
    store.save()
    assert Session.objects.count() == 1
    assert SessionStore(store.session_key)["pledge_draft"]["text"] == "I will learn Makaton signs"


@pytest.mark.django_db
def test_inside_a_wider_transaction_a_session_write_leaves_its_settings_alone():
    store = SessionStore()
    store["x"] = 1
    with CaptureQueriesContext(connection) as queries:
        store.create()
    assert not any("synchronous_commit" in q["sql"] for q in queries.captured_queries)
    assert SessionStore(store.session_key)["x"] == 1


# --- The plain path: Django's database sessions behave the same -----------------------

PLAIN = "django.contrib.sessions.backends.db"
OURS = "accounts.sessions"


def _lifecycle(store_class) -> list:
    """What a session shows at each step of its life: created, read, changed, cycled, ended."""
    seen = []
    store = store_class()
    store["pledge_draft"] = {"text": "I will learn Makaton", "region": "london"}
    store.save(must_create=True)
    key = store.session_key
    seen.append(dict(store_class(key).items()))
    store["pledge_draft"]["text"] = "I will learn Makaton signs"
    store.modified = True
    store["pledges_managed"] = [1, 2]
    store.save()
    seen.append(dict(store_class(key).items()))
    store.cycle_key()
    seen.append((store_class(key).exists(key), dict(store_class(store.session_key).items())))
    store.flush()
    seen.append((store_class().exists(store.session_key or ""), store_class.get_model_class().objects.count()))
    return seen


@pytest.mark.django_db(transaction=True)
@pytest.mark.needs_postgres
def test_a_session_lives_the_same_life_with_and_without_the_setting():
    from django.contrib.sessions.backends.db import SessionStore as PlainStore

    with CaptureQueriesContext(connection) as queries:
        ours = _lifecycle(SessionStore)
    assert any("synchronous_commit" in q["sql"] for q in queries.captured_queries)  # the setting was used
    Session.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        plain = _lifecycle(PlainStore)
    assert not any("synchronous_commit" in q["sql"] for q in queries.captured_queries)
    assert ours == plain


@pytest.mark.django_db(transaction=True)
@pytest.mark.needs_postgres
def test_a_pledge_draft_reaches_check_your_answers_the_same_either_way(settings, pledge_form):
    """Over HTTP: the draft kept between the form and check-your-answers, with each engine. A
    signed-in person's draft is kept in the session (a signed-out one's is in a signed cookie)."""
    import re

    from django.test import Client
    from django.urls import reverse

    from tests.factories import UserFactory
    from tests.pledges.factories import CampaignFactory

    CampaignFactory(name="Change Day 2027", slug="change-day-2027", is_current=True)
    pages, writes = {}, {}
    for engine in (PLAIN, OURS):
        settings.SESSION_ENGINE = engine
        client = Client()  # a new client loads the session middleware with this engine
        client.force_login(UserFactory())
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("pledges:new"), pledge_form)
        assert response.status_code == 302 and response["Location"] == reverse("pledges:check")
        writes[engine] = any("synchronous_commit" in q["sql"] for q in queries.captured_queries)
        html = client.get(reverse("pledges:check")).content.decode()
        pages[engine] = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    assert writes == {PLAIN: False, OURS: True}
    assert "I will learn more about dementia" in pages[OURS]
    assert pages[PLAIN] == pages[OURS]


# --- The session names its person, read in the same query ------------------------------


def _signed_in_request(client, path="/"):
    """A request carrying `client`'s session cookie, through the session and sign-in middleware."""
    from django.conf import settings
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.test import RequestFactory

    from accounts.sessions import AuthenticationMiddleware

    request = RequestFactory().get(path)
    request.COOKIES[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    SessionMiddleware(lambda r: None).process_request(request)
    AuthenticationMiddleware(lambda r: None).process_request(request)
    return request


@pytest.mark.django_db
def test_a_signed_in_request_reads_its_session_person_and_roles_in_one_query(client, moderator):
    from accounts.roles import MODERATORS, is_moderator, role_names

    client.force_login(moderator)
    assert Session.objects.get().user_id == moderator.pk
    request = _signed_in_request(client)
    with CaptureQueriesContext(connection) as queries:
        assert request.user.pk == moderator.pk
        assert role_names(request.user) == frozenset({MODERATORS})
        assert is_moderator(request.user)
    assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]
    sql = queries.captured_queries[0]["sql"]
    assert "accounts_session" in sql and "accounts_user" in sql


@pytest.mark.django_db
def test_a_person_in_two_groups_keeps_both_roles_and_a_signed_out_session_names_nobody(client):
    from accounts.roles import MODERATORS, PROGRAMME_ADMINS, role_names
    from tests.factories import UserFactory

    person = UserFactory(groups=[MODERATORS, PROGRAMME_ADMINS])
    client.force_login(person)
    request = _signed_in_request(client)
    assert role_names(request.user) == frozenset({MODERATORS, PROGRAMME_ADMINS})
    client.logout()
    store = SessionStore()
    store["x"] = 1
    store.save(must_create=True)
    assert Session.objects.get(session_key=store.session_key).user_id is None
    assert SessionStore(store.session_key)["x"] == 1


@pytest.mark.django_db
def test_djangos_sign_in_checks_still_run_on_the_person_read_with_the_session(client):
    from django.contrib.auth import get_user_model

    from tests.factories import UserFactory

    person = UserFactory()
    client.force_login(person)
    assert _signed_in_request(client).user.pk == person.pk
    # A new password ends every other session (the session's hash no longer matches).
    person.set_password("another-long-password-7")
    person.save()
    assert not _signed_in_request(client).user.is_authenticated
    client.force_login(person)
    get_user_model().objects.filter(pk=person.pk).update(is_active=False)
    assert not _signed_in_request(client).user.is_authenticated


@pytest.mark.django_db
def test_the_person_read_is_handed_over_once_and_only_for_their_own_id(moderator, client):
    from tests.factories import UserFactory

    client.force_login(moderator)
    from django.conf import settings

    store = SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)
    store.load()
    other = UserFactory()
    assert store.person_named(other.pk) is None
    assert store.person_named("not a number") is None
    assert store.person_named(str(moderator.pk)) == moderator
    assert store.person_named(str(moderator.pk)) is None  # taken


@pytest.mark.django_db
def test_erasing_an_account_ends_its_sessions_by_the_person_they_name(client):
    from accounts.data_rights import erase_account
    from tests.factories import UserFactory

    person, other = UserFactory(), UserFactory()
    client.force_login(person)
    from django.test import Client

    Client().force_login(other)
    erase_account(user=person, email=person.email, keep_contributions=False)
    assert list(Session.objects.values_list("user_id", flat=True)) == [other.pk]


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_live_sessions_over_so_nobody_is_signed_out():
    from datetime import timedelta

    from django.contrib.sessions.backends.db import SessionStore as PlainStore
    from django.contrib.sessions.models import Session as OldSession
    from django.core.management import call_command
    from django.utils import timezone

    from tests.factories import UserFactory

    person = UserFactory()
    call_command("migrate", "accounts", "0002", verbosity=0)
    try:
        signed_in = PlainStore()
        signed_in.update({"_auth_user_id": str(person.pk), "_auth_user_backend": "x", "n": 1})
        signed_in.create()
        signed_out = PlainStore()
        signed_out.update({"n": 2})
        signed_out.create()
        OldSession.objects.create(
            session_key="ended", session_data=signed_in.encode({"n": 3}), expire_date=timezone.now() - timedelta(days=1)
        )
    finally:
        call_command("migrate", "accounts", verbosity=0)
    carried = {row.session_key: row for row in Session.objects.all()}
    assert set(carried) == {signed_in.session_key, signed_out.session_key}
    assert carried[signed_in.session_key].user_id == person.pk
    assert carried[signed_out.session_key].user_id is None
    assert SessionStore(signed_in.session_key)["n"] == 1
