"""Say plainly whether PostgreSQL, Redis and Chromium are there before the suite runs.

Without REQUIRE_SERVICES=1 a missing service only skips the tests that need it; with it,
this exits non-zero. The same goes for Chromium and REQUIRE_BROWSER=1.
"""

import os
import shutil
import socket
import sys
from urllib.parse import urlparse

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carepledge")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def answers(url: str, port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or port), timeout=2):
            return True
    except OSError:
        return False


def flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes"}


problems = []
if not answers(DATABASE_URL, 5432):
    problems.append(
        f"PostgreSQL is not answering at {DATABASE_URL}. Start it with:\n"
        "    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
    )
if not answers(REDIS_URL, 6379):
    problems.append(
        f"Redis is not answering at {REDIS_URL}. Start it with:\n"
        '    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'
    )
browser_missing = not (shutil.which(CHROMIUM) or os.path.exists(CHROMIUM))

for problem in problems:
    print(problem, file=sys.stderr)
if browser_missing:
    print(
        f"Chromium is not installed at {CHROMIUM}: browser tests will be skipped (apt-get install -y chromium).",
        file=sys.stderr,
    )
if problems and flag("REQUIRE_SERVICES"):
    print("REQUIRE_SERVICES=1: stopping, the suite needs these services.", file=sys.stderr)
    sys.exit(1)
if browser_missing and flag("REQUIRE_BROWSER"):
    print("REQUIRE_BROWSER=1: stopping, the browser tests need Chromium.", file=sys.stderr)
    sys.exit(1)
if problems:
    print("Running without them: tests that need a missing service are skipped.", file=sys.stderr)
