"""Django's PostgreSQL backend, with a health check that asks the server only when it spoke.

Connections live across requests (CONN_MAX_AGE) and are checked at the start of each
request that uses one (CONN_HEALTH_CHECKS), so a connection PostgreSQL has dropped (a
restart, a terminated backend) is opened again instead of failing the request. Django
checks with a `SELECT 1` round trip on every such request: on a search page under load it
was the second longest wait after the search itself, and it costs both processes a
context switch.

Between requests nothing is owed by the server, so a connection with nothing to read on
its socket is as usable as a round trip can tell. PostgreSQL closing a connection (a
restart, pg_terminate_backend, a crash) leaves its last message or the end of the stream
to read: then, and for anything else it sent (a notice), the round trip decides as
Django's does. A server that vanished without a word is found by neither check until
the query times out.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        raw = self.connection
        if raw is None or raw.closed:
            return False
        try:
            poller = select.poll()
            poller.register(raw.fileno(), select.POLLIN | select.POLLPRI)
            if not poller.poll(0):
                return True
        except (OSError, ValueError, base.Database.Error):
            return False
        return super().is_usable()
