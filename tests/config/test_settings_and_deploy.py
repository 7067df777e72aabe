"""Settings behave as documented: production refuses to start without a secret key and
passes Django's deployment checks; docker-compose.yml is valid and names real things."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 64 + "-not-a-real-secret-just-long-and-random-enough-9f8e7d",
    "ALLOWED_HOSTS": "carepledge.example",
    "CSRF_TRUSTED_ORIGINS": "https://carepledge.example",
    "DATABASE_URL": "sqlite:///:memory:",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def manage(*args, env_overrides=None):
    # A clean environment: the test run's own DATABASE_URL and friends must not leak in.
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_without_secret_key_fails_loudly():
    env = dict(PRODUCTION_ENV)
    env.pop("SECRET_KEY")
    result = manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_local_settings_default_to_sqlite_eager_tasks_and_file_mail():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.CACHES['default']['BACKEND'])"
    )
    result = manage("shell", "-c", code, env_overrides={"DJANGO_SETTINGS_MODULE": "config.settings"})
    assert result.returncode == 0, result.stderr
    engine, eager, backend, cache = result.stdout.strip().splitlines()[-1].split()
    assert engine == "django.db.backends.sqlite3"
    assert eager == "True"
    assert backend.endswith("filebased.EmailBackend")
    assert cache.endswith("LocMemCache")


def test_time_zone_and_language_are_british(settings):
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.LANGUAGE_CODE == "en-gb"


def test_every_setting_read_from_the_environment_is_in_env_example():
    source = (ROOT / "config" / "settings.py").read_text()

    names = set(re.findall(r'env(?:_bool|_list)?\("([A-Z_]+)"', source))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert names - documented == set(), f"undocumented settings: {sorted(names - documented)}"


def test_docker_compose_is_valid_against_the_compose_specification():
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(ROOT / "docker-compose.yml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _compose_commands():
    compose = YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())
    for name, service in compose["services"].items():
        command = service.get("command")
        if command is None and "build" in service:
            yield name, ["gunicorn", "config.wsgi:application"]  # the Dockerfile's CMD
        elif command is not None:
            yield name, command if isinstance(command, list) else shlex.split(command)


@pytest.mark.parametrize("service,command", list(_compose_commands()))
def test_every_compose_command_names_something_that_exists(service, command):
    words = []
    for part in command:
        words.extend(shlex.split(part) if " " in part else [part])
    for i, word in enumerate(words):
        if word == "gunicorn":
            if words[i + 1] == "-c":
                assert (ROOT / words[i + 2]).is_file(), f"{service}: no gunicorn settings {words[i + 2]}"
                i += 2
            module, _, attribute = words[i + 1].partition(":")
            assert (ROOT / (module.replace(".", "/") + ".py")).is_file(), f"{service}: no module {module}"
            assert attribute == "application"
        if word == "-A":
            assert (ROOT / words[i + 1] / "celery.py").is_file(), f"{service}: no Celery app in {words[i + 1]}"
        if word == "manage.py":
            name = words[i + 1]
            result = manage("help", name, env_overrides={"DJANGO_SETTINGS_MODULE": "config.settings"})
            assert result.returncode == 0, f"{service}: manage.py has no command {name}"


def test_gunicorn_settings_load_and_say_what_production_runs():
    """The settings file the Dockerfile, docker-compose and make bench all start gunicorn with."""
    env = {**os.environ, "GUNICORN_WORKERS": "5", "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    gunicorn = [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi:application"]
    check = subprocess.run([*gunicorn, "--check-config"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    printed = subprocess.run(
        [*gunicorn, "--print-config"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    settings = dict(line.split("=", 1) for line in printed.stdout.splitlines() if "=" in line)
    settings = {k.strip(): v.strip() for k, v in settings.items()}
    assert settings["worker_class"] == "gthread"
    assert settings["workers"] == "5" and settings["threads"] == "4"
    assert settings["worker_connections"] == "8"  # twice the threads: connections spread over the workers
    assert settings["post_worker_init"] == "<post_worker_init()>"


def test_production_installs_no_bench_or_test_app():
    """The bench's baseline table and the test-only app never reach a real database."""
    import subprocess
    import sys

    code = "import django; django.setup(); from django.apps import apps; print(sorted(a.label for a in apps.get_app_configs()))"
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin"}
    labels = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert "'pledges'" in labels
    assert "'bench'" not in labels
    assert "'queue_app'" not in labels


# --- The proxy in front of the site ---------------------------------------------------


def _compose():
    return YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())


def test_only_nginx_publishes_a_port_and_web_trusts_exactly_its_one_hop():
    services = _compose()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"nginx"}
    # The Mailpit UI goes through nginx on loopback only; the site is the one public port.
    public = [p for p in services["nginx"]["ports"] if not str(p).startswith("127.0.0.1:")]
    assert public == ["8000:80"]
    assert services["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    mounts = [volume.split(":") for volume in services["nginx"]["volumes"]]
    assert ["./deploy/nginx/carepledge.conf", "/etc/nginx/conf.d/default.conf", "ro"] in mounts
    assert (ROOT / "deploy" / "nginx" / "carepledge.conf").is_file()


def test_nginx_overwrites_forwarded_for_rather_than_appending_the_clients_own():
    """With TRUSTED_PROXY_COUNT=1 the app reads the right-most entry; nginx must make that
    the address it saw, and leave no other client-written address header for a library to read."""
    lines = [
        line.split("#", 1)[0].strip()
        for line in (ROOT / "deploy" / "nginx" / "carepledge.conf").read_text().splitlines()
    ]
    active = [line for line in lines if line]
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in active
    assert not [line for line in active if "proxy_add_x_forwarded_for" in line]
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in active
    assert 'proxy_set_header X-Real-IP "";' in active and 'proxy_set_header Forwarded "";' in active


def test_nginx_accepts_the_repo_configuration(tmp_path):
    from tests.config.nginx import free_port, nginx_or_skip, nginx_test, write_config

    nginx = nginx_or_skip()
    config = write_config(tmp_path, web="127.0.0.1:9", listen=free_port(), mail_listen=free_port())
    result = nginx_test(nginx, config)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    # The check can fail: one broken directive and nginx -t refuses.
    site = tmp_path / "carepledge.conf"
    site.write_text(site.read_text().replace("proxy_http_version 1.1;", "proxy_http_version one;", 1))
    assert nginx_test(nginx, config).returncode != 0


def test_trusted_proxies_must_be_addresses_or_networks():
    result = manage("check", env_overrides={**PRODUCTION_ENV, "TRUSTED_PROXIES": "10.0.0.0/8,proxy.internal"})
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'proxy.internal' is not an address or CIDR network." in result.stderr
    code = "from django.conf import settings as s; print(s.TRUSTED_PROXY_COUNT, s.TRUSTED_PROXIES)"
    result = manage("shell", "-c", code, env_overrides={**PRODUCTION_ENV, "TRUSTED_PROXIES": "10.0.0.0/8"})
    assert result.stdout.strip().splitlines()[-1] == "1 ['10.0.0.0/8']", result.stderr
    result = manage("shell", "-c", code, env_overrides=PRODUCTION_ENV)
    assert result.stdout.strip().splitlines()[-1] == "0 []", result.stderr


@pytest.mark.parametrize(("value", "limited"), [("0", False), ("", True)])
def test_account_rate_limits_enabled_turns_allauths_limits_off_and_on(value, limited):
    code = "from allauth.account import app_settings as a; print(bool(a.RATE_LIMITS.get('login_failed')))"
    result = manage(
        "shell",
        "-c",
        code,
        env_overrides={"DJANGO_SETTINGS_MODULE": "config.settings", "ACCOUNT_RATE_LIMITS_ENABLED": value},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(limited)
