"""Sign-in, sign-up and pledging with Redis stopped and with Redis hung.

The tests start a Redis of their own (never the shared one), point the cache and the Celery
broker at it, then either kill it (connections refused at once) or SIGSTOP it (connections
accepted by the kernel, then no answer: the worse case). Every request must answer without a
server error within a second. Before each request the process forgets what it learnt about
Redis (the cache's "marked down", the outbox's broker back-off), so each one pays the full
price of meeting the fault: one short timeout each for the cache and the broker.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from core.redis_cache import cache_breaker_reset
from mail.models import Email
from mail.services import broker_backoff_reset
from mail.tasks import sweep_outbox
from pledges.models import Pledge, Theme
from tests.factories import PASSWORD, UserFactory
from tests.mail.conftest import celery_publishing, wait_until
from tests.pledges.factories import CampaignFactory

pytestmark = [
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server to start a Redis of its own"),
]
PORTS = range(6391, 6400)  # this suite's own Redis; 6379 is shared and never touched
WITHIN = 1.0  # seconds per request


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


class OwnRedis:
    def __init__(self):
        self.port = next(port for port in PORTS if _port_free(port))
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_until(lambda: not _port_free(self.port), timeout=10, message=f"Redis on port {self.port}")

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self):
        self.process.kill()
        self.process.wait()

    def hang(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def wake(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


@pytest.fixture(scope="module")
def own_redis():
    redis = OwnRedis()
    redis.start()
    yield redis
    if redis.running():
        redis.wake()
        redis.stop()


@pytest.fixture
def cache_on_own_redis(own_redis, settings):
    if not own_redis.running():
        own_redis.start()
    settings.CACHES = {
        **settings.CACHES,  # the per-process `local` alias stays as it is
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "core.redis_cache.RedisCache",
            "LOCATION": own_redis.url(0),
            "KEY_PREFIX": f"faults-{os.getpid()}",
        },
    }
    settings.PLEDGES_MICROCACHE_VERSION_TTL = 0
    cache_breaker_reset()
    yield own_redis
    if own_redis.running():
        own_redis.wake()
    cache_breaker_reset()


@pytest.fixture(params=["stopped", "hung"])
def redis_fault(request, cache_on_own_redis, settings):
    """The cache and the broker on this suite's own Redis, which is then stopped or hung."""
    own_redis = cache_on_own_redis
    with celery_publishing(broker_url=own_redis.url(1), queue=f"faults-{os.getpid()}"):
        # A running site has published before: the first publish of a process also loads
        # Celery's machinery (seconds on a busy machine), which is not what is measured here.
        sweep_outbox.apply_async(retry=False)
        if request.param == "stopped":
            own_redis.stop()
        else:
            own_redis.hang()
        try:
            yield request.param
        finally:
            if request.param == "hung":
                own_redis.wake()
            cache_breaker_reset()
            broker_backoff_reset()


def timed(client: Client, method: str, path: str, data=None):
    """One request, as from a process meeting the fault for the first time."""
    cache_breaker_reset()
    broker_backoff_reset()
    started = time.monotonic()
    response = client.get(path) if method == "GET" else client.post(path, data)
    elapsed = time.monotonic() - started
    assert response.status_code < 500, f"{method} {path} answered {response.status_code}"
    assert elapsed < WITHIN, f"{method} {path} took {elapsed:.2f} s"
    return response


@pytest.mark.django_db(transaction=True)
def test_sign_in_works_with_redis_down(redis_fault):
    person = UserFactory(email="sam@example.org")
    client = Client()
    assert "Sign in" in timed(client, "GET", reverse("account_login")).content.decode()
    wrong = timed(client, "POST", reverse("account_login"), {"login": person.email, "password": "not-the-password"})
    assert wrong.status_code == 200
    right = timed(client, "POST", reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


@pytest.mark.django_db(transaction=True)
def test_sign_up_works_with_redis_down(redis_fault):
    client = Client()
    timed(client, "GET", reverse("account_signup"))
    email = f"new-{uuid.uuid4().hex[:8]}@example.org"
    response = timed(
        client,
        "POST",
        reverse("account_signup"),
        {"email": email, "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"},
    )
    assert response.status_code == 302
    # The confirmation email waits in the outbox for the sweep.
    assert Email.objects.get(to=email).status == Email.Status.QUEUED


@pytest.mark.django_db(transaction=True)
def test_pledging_works_with_redis_down(redis_fault):
    campaign = CampaignFactory(name="Change Day 2027", slug="change-day-2027", is_current=True)
    theme = Theme.objects.get(slug="dementia")
    client = Client()
    timed(client, "GET", reverse("pledges:index"))
    timed(client, "GET", reverse("pledges:new"))
    response = timed(
        client,
        "POST",
        reverse("pledges:new"),
        {
            "text": "I will learn more about dementia and share it with my team.",
            "theme": str(theme.pk),
            "kind": Pledge.Kind.TEAM,
            "job_role": "care-worker",
            "sector": "adult-social-care",
            "region": "south-west",
            "organisation_name": "Oak Lodge",
            "show_name": Pledge.ShowName.ROLE_AND_AREA,
            "name": "Jo Bloggs",
            "email": "jo@example.org",
            "consent": "on",
            "website": "",
        },
    )
    assert response.status_code == 302
    response = timed(client, "POST", reverse("pledges:check"), {})
    assert response.status_code == 302
    pledge = Pledge.objects.get(campaign=campaign)
    assert pledge.email == "jo@example.org"
    assert Email.objects.filter(to="jo@example.org", status=Email.Status.QUEUED).exists()


# --- The cache backend itself ---------------------------------------------------------


def test_a_hung_redis_costs_one_short_timeout_then_fails_at_once(cache_on_own_redis, caplog):
    import redis
    from django.core.cache import cache

    cache.set("k", 1)
    cache_on_own_redis.hang()
    started = time.monotonic()
    with pytest.raises(redis.TimeoutError):
        cache.get("k")
    first = time.monotonic() - started
    assert 0.2 <= first < 0.6  # the 250 ms socket timeout, not seconds
    started = time.monotonic()
    for _ in range(20):
        with pytest.raises(redis.ConnectionError, match="marked down"):
            cache.get("k")
    assert time.monotonic() - started < 0.05  # no more waiting while marked down
    assert "not calling it for 5 s" in caplog.text
    cache_on_own_redis.wake()
    cache_breaker_reset()  # as DOWN_FOR running out does
    assert cache.get("k") == 1


def test_only_allauths_rate_limit_keys_fail_open(cache_on_own_redis, caplog):
    import redis
    from django.core.cache import cache

    cache_on_own_redis.stop()
    assert cache.add("allauth:rl:allauth.account:login:30/60.0/ip:ip:1.2.3.4:lock", True, 10) is True
    assert cache.get("allauth:rl:allauth.account:login:30/60.0/ip:ip:1.2.3.4", []) == []
    assert cache.set("allauth:rl:allauth.account:login:30/60.0/ip:ip:1.2.3.4", [1.0], 60) is None
    assert cache.delete("allauth:rl:allauth.account:login:30/60.0/ip:ip:1.2.3.4") is False
    assert "rate limits not applied" in caplog.text
    with pytest.raises(redis.ConnectionError):
        cache.get("pledges:public-pages-version")
    with pytest.raises(redis.ConnectionError):
        cache.add("something:else", 1)


def test_a_redis_marked_down_leaves_other_servers_alone(cache_on_own_redis):
    import redis
    from django.core.cache import cache

    from core import redis_cache

    cache_on_own_redis.stop()
    with pytest.raises(redis.ConnectionError):
        cache.get("k")
    assert ("127.0.0.1", cache_on_own_redis.port) in redis_cache._down_until
    assert all(port == cache_on_own_redis.port for _, port in redis_cache._down_until)


@pytest.mark.parametrize(
    "location,connection_class",
    [
        ("redis://127.0.0.1:6379/0", "FailFastConnection"),
        ("rediss://cache.example:6380/0", "FailFastSSLConnection"),
        ("unix:///run/redis.sock?db=0", None),
    ],
)
def test_each_kind_of_redis_address_gets_a_connection_that_fits_it(location, connection_class):
    from core.redis_cache import RedisCache

    options = RedisCache(location, {})._options
    assert getattr(options.get("connection_class"), "__name__", None) == connection_class


def test_each_process_keeps_one_redis_client_per_pool(cache_on_own_redis):
    import redis
    from django.core.cache import cache

    backend = cache._cache
    assert backend.get_client(write=True) is backend.get_client("k", write=False)  # one server: one pool
    cache.set("k", 1)
    assert cache.get("k") == 1 and cache.incr("k") == 2
    cache_on_own_redis.hang()
    with pytest.raises(redis.TimeoutError):
        cache.get("k")
    cache_on_own_redis.wake()
    cache_breaker_reset()
    assert cache.get("k") == 2  # the kept client works again once Redis does
