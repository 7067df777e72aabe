"""Settings for the test suite: the main settings, pointed at PostgreSQL and Redis.

When PostgreSQL or Redis does not answer, the suite says so; tests that need the missing
service are skipped, unless REQUIRE_SERVICES=1, when they fail instead (CI).
"""

import os
import socket
from urllib.parse import urlparse

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carepledge")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("CACHE_URL", os.environ["REDIS_URL"])

from .settings import *  # noqa: E402,F403
from .settings import DATABASE_URL, REDIS_URL, env_bool  # noqa: E402


def _answers(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


REQUIRE_SERVICES = env_bool("REQUIRE_SERVICES", False)
POSTGRES_AVAILABLE = DATABASE_URL.startswith("postgres") and _answers(DATABASE_URL, 5432)
REDIS_AVAILABLE = _answers(REDIS_URL, 6379)

if not POSTGRES_AVAILABLE and not REQUIRE_SERVICES:
    # Keep the rest of the suite useful; tests marked needs_postgres are skipped.
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}  # noqa: F811
if not REDIS_AVAILABLE and not REQUIRE_SERVICES:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # noqa: F811
else:
    # Each test run gets its own key space so runs side by side do not share rate limits.
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"  # noqa: F405

# The bench app (its scale data and probes are tested) and a throwaway app for tests of shared
# mechanisms; production installs neither.
INSTALLED_APPS = [*INSTALLED_APPS, "bench", "tests.queue_app"]  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {  # noqa: F811
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SITE_URL = "http://testserver"
# Every test clears the cache; the pledges micro-cache must notice at once.
PLEDGES_MICROCACHE_VERSION_TTL = 0
# Tests switch campaigns between requests: read the current one every time.
PLEDGES_CAMPAIGN_TTL = 0
# Tests set totals directly between requests: read them every time (tests/pledges/test_totals_kept.py keeps them).
PLEDGES_TOTALS_KEPT = 0
# Tests add waiting items between requests: the queue page counts every time
# (tests/moderation/test_queue_mechanism.py keeps the counts).
MODERATION_COUNTS_SECONDS = 0
MODERATION_REASONS_SECONDS = 0
# Tests read the SQL their requests send; tests/core/test_prepared.py turns preparing on.
CORE_QUERIES_PREPARED = False
