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
    assert settings["post_worker_init"] == "<post_worker_init()>"


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
