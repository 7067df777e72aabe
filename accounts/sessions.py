"""Database sessions that name their person, read with that person, and whose writes do
not wait for the disk.

Reading. A signed-in request needs its session and its person (with their roles). The
session row names its person (accounts.models.Session.user, written from the session's
`_auth_user_id` on every save), so one kept query reads the session, the person and their
roles together (its SQL compiled once per process and prepared on each connection:
core/queries.py). Django's own sign-in check then runs as always (auth.get_user: the
backend, the password's session hash, whether the account may sign in); it is handed that
person instead of asking the database again (AuthenticationMiddleware below, and
accounts.models.UserManager.get). A person the session does not name, or names wrongly,
is read by the usual query.

Writing. A session row is rewritten whenever what it keeps changes (a signed-in person's
pledge draft, a sign-in, a message). A signed-out person's pledge draft is kept in a signed
cookie instead (pledges/drafts.py). With PostgreSQL's default each of those commits waits
for its WAL flush (the commonest wait in the bench's pg_stat_activity). A session write is
worth less than that: `synchronous_commit = off` for its transaction alone lets it return
before the flush. Should PostgreSQL itself crash, the last fraction of a second of session
writes can be lost (a draft, or a sign-in to repeat); never a pledge or an email, whose
transactions keep the default.

What they save (docs/performance.md): one WAL flush per session write, 0.15 ms on the bench
machine's disk (`pg_test_fsync`, 23 November 2026); one round trip and one query per
signed-in request (30 November 2026). The plain path is `SESSION_ENGINE =
"django.contrib.sessions.backends.db"`; tests/accounts/test_sessions.py checks that
sessions behave the same either way.
"""

import logging
from contextvars import ContextVar
from datetime import datetime
from functools import partial

from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from core.queries import kept_query

from .models import Session, User, plain_id
from .roles import roles_from_rows, with_roles


@kept_query
def _live_session(*, session_key: str, now: datetime):
    """The live session with this key and its person (select_related), one row per group the
    person is in (one row when signed out, or in no group): accounts.roles.with_roles."""
    return with_roles(
        Session.objects.filter(session_key=session_key, expire_date__gt=now).select_related("user"), via="user"
    )


# The session whose person auth.get_user is reading, while it reads (AuthenticationMiddleware).
_reading = ContextVar("accounts_session_reading", default=None)


def person_read_with_session(pk) -> User | None:
    """The person with id `pk` as the session being read named them, when it did: for
    accounts.models.UserManager.get, as Django's ModelBackend loads the signed-in person."""
    person_named = getattr(_reading.get(), "person_named", None)  # not on Django's own stores
    return person_named(pk) if person_named is not None else None


def _user(request):
    if not hasattr(request, "_cached_user"):
        reading = _reading.set(request.session)
        try:
            request._cached_user = auth.get_user(request)
        finally:
            _reading.reset(reading)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with auth.get_user handed the person the session was read with."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(partial(_user, request))


class SessionStore(DatabaseSessionStore):
    _person = None

    @classmethod
    def get_model_class(cls):
        return Session

    def create_model_instance(self, data):
        """The row as Django writes it, naming the signed-in person (None when signed out)."""
        row = super().create_model_instance(data)
        row.user_id = plain_id(data.get(auth.SESSION_KEY))
        return row

    def _get_session_from_db(self):
        """As Django reads it (a live row with this key, or None and no key), by a kept query
        that reads the person it names with it."""
        self._person = None
        try:
            rows = _live_session(session_key=self.session_key or "", now=timezone.now())
        except SuspiciousOperation as error:
            logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            rows = []
        if not rows:
            self._session_key = None
            return None
        if rows[0].user is not None:
            self._person = roles_from_rows(rows, via="user")
        return rows[0]

    def person_named(self, pk) -> User | None:
        """The person this session's row named as it was read, if `pk` is theirs; taken once,
        so a second load of the same person (after a sign-in, say) reads the database."""
        person, wanted = self._person, plain_id(pk)
        if person is None or wanted is None or person.pk != wanted:
            return None
        self._person = None
        return person

    def save(self, must_create=False):
        using = router.db_for_write(self.model, instance=None)
        connection = connections[using]
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return super().save(must_create=must_create)
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            return super().save(must_create=must_create)
