"""The `make run` path, as a newcomer gets it: SQLite, migrate, demo data (twice), home page."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_make_run_path_migrates_loads_demo_data_twice_and_serves_the_home_page(tmp_path):
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
            "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        }
    )

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    manage("migrate", "--noinput")
    first = manage("load_demo")
    assert "Demo admin: admin@carepledge.example" in first
    counts_code = (
        "from django.apps import apps;"
        "print(sorted((m._meta.label, m.objects.count()) for m in apps.get_models()"
        " if m._meta.app_label in {'accounts','pledges','ambassadors','organisations','account'}))"
    )
    before = manage("shell", "-c", counts_code).strip().splitlines()[-1]
    manage("load_demo")
    after = manage("shell", "-c", counts_code).strip().splitlines()[-1]
    assert before == after, "loading demo data twice must not duplicate anything"
    assert "('accounts.User', 0)" not in before

    page = manage(
        "shell",
        "-c",
        "from django.test import Client; r = Client().get('/'); print(r.status_code, 'Care Pledge' in r.content.decode())",
    )
    assert page.strip().splitlines()[-1] == "200 True"
