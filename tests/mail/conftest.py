"""Real parts for mail tests: an SMTP server (aiosmtpd) and a Celery worker on Redis.

Written to be reused by any app's integration tests:

    @pytest.mark.integration
    @pytest.mark.needs_redis
    @pytest.mark.needs_postgres
    @pytest.mark.django_db(transaction=True)
    def test_confirmation_arrives(celery_worker, smtp_server):
        ... queue mail in a committed transaction ...
        message = smtp_server.wait_for(1)[0]

`celery_worker` starts `celery -A config worker -P solo` in a subprocess against this
test run's database (pytest-django's test_<name>, hence transaction=True tests: the worker
only sees committed rows), its own Redis database and a queue named for this process, so
other people's test runs on the same machine can neither take nor feed its tasks. While
it runs, this process publishes to that queue instead of running tasks eagerly.
"""

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
TEST_BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/7")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, *, timeout: float = 30, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


class ScriptedSMTPHandler:
    """Records what arrives; answers as scripted. `data_replies` are used one per DATA command
    ("451 ..." then "250 ..."); `refuse` maps an address to its RCPT reply ("550 ...")."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.messages = []
        self.data_replies: list[str] = []
        self.refuse: dict[str, str] = {}
        self.data_commands = 0
        # Seconds to wait, one per DATA command, after keeping the message and before answering:
        # a server that has accepted the message while the sender never hears so.
        self.data_stalls: list[float] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refuse.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_commands += 1
        if self.data_replies:
            reply = self.data_replies.pop(0)
            if not reply.startswith("250"):
                return reply
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        if self.data_stalls:
            await asyncio.sleep(self.data_stalls.pop(0))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, handler: ScriptedSMTPHandler, port: int):
        self.handler = handler
        self.host = "127.0.0.1"
        self.port = port

    @property
    def messages(self):
        return self.handler.messages

    def wait_for(self, count: int, timeout: float = 30):
        wait_until(lambda: len(self.handler.messages) >= count, timeout=timeout, message=f"{count} messages by SMTP")
        return list(self.handler.messages)

    @contextmanager
    def as_django_backend(self):
        """Point this process's Django mail at the server (for in-process sends)."""
        from django.test import override_settings

        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST=self.host, EMAIL_PORT=self.port
        ):
            yield


@pytest.fixture(scope="module")
def _smtp_server_module():
    from aiosmtpd.controller import Controller

    handler = ScriptedSMTPHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield SMTPServer(handler, controller.port)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(_smtp_server_module):
    """An SMTP server on a free port, emptied and unscripted for each test."""
    _smtp_server_module.handler.reset()
    yield _smtp_server_module
    _smtp_server_module.handler.reset()


def _reset_publisher(app) -> None:
    # Connection pools and queue declarations are cached from the first use of the app;
    # drop them so the next publish reads the configuration set here.
    app._pool = None
    app.__dict__.pop("amqp", None)


@contextmanager
def celery_publishing(*, broker_url: str, queue: str):
    """Make this process publish tasks to `queue` on `broker_url` instead of running them eagerly."""
    from config.celery import app

    names = ("broker_url", "task_default_queue", "task_always_eager")
    saved = {name: app.conf[name] for name in names}
    app.conf.update(broker_url=broker_url, task_default_queue=queue, task_always_eager=False)
    _reset_publisher(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        _reset_publisher(app)


def test_database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


class CeleryWorker:
    def __init__(self, process, log_path: Path, queue: str, broker_url: str):
        self.process = process
        self.log_path = log_path
        self.queue = queue
        self.broker_url = broker_url

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def publishing(self):
        return celery_publishing(broker_url=self.broker_url, queue=self.queue)


@contextmanager
def running_worker(smtp: SMTPServer, **extra_env: str):
    """Start `celery worker -P solo` on a queue of its own; stop it (if still alive) on exit."""
    queue = f"test-{os.getpid()}-{free_port()}"
    log_file = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115 (the worker writes it until teardown)
    log_path = Path(log_file.name)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": test_database_url(),
        "DB_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": TEST_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CACHE_URL": "locmem://",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp.host,
        "EMAIL_PORT": str(smtp.port),
        "SITE_URL": settings.SITE_URL,
        "SECRET_KEY": settings.SECRET_KEY,  # signed links made here must verify there
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo",
        "--without-mingle", "--without-gossip", "--without-heartbeat",
        "-Q", queue, "-n", f"{queue}@%h", "--loglevel", "INFO",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    worker = CeleryWorker(process, log_path, queue, TEST_BROKER_URL)
    try:
        wait_until(
            lambda: "ready." in worker.log() or process.poll() is not None, timeout=90, message="the worker to start"
        )
        if process.poll() is not None:
            raise AssertionError(f"the Celery worker exited:\n{worker.log()}")
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()
        _purge_queue(queue)
        log_path.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def _celery_worker_module(django_db_setup, django_db_blocker, _smtp_server_module):
    if connection.vendor != "postgresql":
        pytest.skip("the worker test needs PostgreSQL: it must share committed rows with this process")
    with running_worker(_smtp_server_module) as worker, worker.publishing():
        yield worker


def _purge_queue(queue: str) -> None:
    import redis

    try:
        redis.Redis.from_url(TEST_BROKER_URL, socket_connect_timeout=1).delete(queue)
    except redis.RedisError:
        pass


@pytest.fixture
def celery_worker(_celery_worker_module):
    """A real worker on its own queue; this process publishes to it while the test runs."""
    return _celery_worker_module


@pytest.fixture(autouse=True)
def _fresh_milestone_rules():
    """Rules are cached per process; each test sees the rules in its own database."""
    from counters.milestones import rules_cache_clear

    rules_cache_clear()
    yield
    rules_cache_clear()


@pytest.fixture
def seeded_data(db):
    """What data migrations seed (staff groups, milestone rules). Tests with
    transaction=True flush the database afterwards, so later ones put it back here."""
    import importlib

    from django.apps import apps as django_apps
    from django.contrib.auth.models import Group

    for name in ("Moderators", "Regional leads", "Programme admins"):
        Group.objects.get_or_create(name=name)
    importlib.import_module("counters.migrations.0003_milestone_rules").seed(django_apps, None)


@pytest.fixture(autouse=True)
def _broker_marked_up():
    """A test that took the broker down must not leave the next one skipping it."""
    from mail.services import broker_backoff_reset

    broker_backoff_reset()
    yield
    broker_backoff_reset()
