"""Database sessions whose writes do not wait for the disk.

A session row is rewritten whenever what it keeps changes (a signed-in person's pledge
draft, a sign-in, a message). A signed-out person's pledge draft is kept in a signed
cookie instead (pledges/drafts.py). With PostgreSQL's default each of those commits waits
for its WAL flush (the commonest wait in the bench's pg_stat_activity). A session write is
worth less than that: `synchronous_commit = off` for its transaction alone lets it return
before the flush. Should PostgreSQL itself crash, the last fraction of a second of session
writes can be lost (a draft, or a sign-in to repeat); never a pledge or an email, whose
transactions keep the default. The read on every signed-in request is a kept query (its SQL
compiled once per process and prepared on each connection: core/queries.py); everything
else is Django's database sessions.

What it saves (docs/performance.md, 23 November 2026): one WAL flush per session write,
0.15 ms on the bench machine's disk (`pg_test_fsync`), more on a slower one. Session saves
were 19% of the busy samples of the pledge journey under load before this change; on that
machine the gain was within the noise (`synchronous_commit = off` for the whole database gave
38 submissions a second against 40). The plain path is `SESSION_ENGINE =
"django.contrib.sessions.backends.db"`; tests/pages/test_sessions.py checks that sessions
behave the same either way.
"""

import logging
from datetime import datetime

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import SuspiciousOperation
from django.db import connections, router, transaction
from django.utils import timezone

from .queries import kept_query


@kept_query
def _live_session(*, session_key: str, now: datetime):
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)[:1]


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        """As Django reads it (a live row with this key, or None and no key), by a kept query."""
        try:
            found = _live_session.first(session_key=self.session_key or "", now=timezone.now())
        except SuspiciousOperation as error:
            logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            found = None
        if found is None:
            self._session_key = None
        return found

    def save(self, must_create=False):
        using = router.db_for_write(self.model, instance=None)
        connection = connections[using]
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return super().save(must_create=must_create)
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            return super().save(must_create=must_create)
