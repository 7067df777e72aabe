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

    # The pages that read in PostgreSQL's own ways there (prepared statements, ranges of
    # counter keys, `= ANY` searches) answer on SQLite too, signed out and as a moderator.
    pages = manage(
        "shell",
        "-c",
        "from django.test import Client; from django.contrib.auth import get_user_model;"
        "from organisations.models import Organisation;"
        "org = Organisation.objects.listed().first();"
        "urls = ['/pledges/', '/pledges/?q=tea', '/pledges/impact/', '/pledges/impact/?q=tea',"
        " '/care-makers/directory/', '/care-makers/counts/', '/care-makers/impact/',"
        " '/social-care-commitment/organisations/', '/social-care-commitment/impact/', org.get_absolute_url()];"
        "c = Client(); print([(u, c.get(u).status_code) for u in urls if c.get(u).status_code != 200]);"
        "c.force_login(get_user_model().objects.get(email='admin@carepledge.example'));"
        "print([(u, c.get(u).status_code) for u in ['/moderation/held-pledges/', '/my-account/']"
        " if c.get(u).status_code != 200])",
    )
    assert page and pages.strip().splitlines()[-2:] == ["[]", "[]"], pages
