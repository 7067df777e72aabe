"""Every registry the programmes plug into is filled from the apps' AppConfig.ready and from
nowhere else: importing a module registers nothing by itself.

A fresh process sets Django up with the project apps' ready() switched off, imports every
module of every project app, and reports what the registries hold (nothing, if no module
registers on import); then it runs each ready() and reports again. What ready() registers
there must be exactly what this test process holds."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Each registry: where it is kept, as (module, attribute).
REGISTRIES = {
    "data rights": ("accounts.data_rights", "_holders"),
    "moderation queues": ("moderation.queues", "_queues"),
    "public text re-checks": ("moderation.recheck", "_rechecks"),
    "recounts": ("counters.services", "_recounters"),
    "milestone recipients": ("counters.milestones", "_recipient_finders"),
    "milestone names": ("counters.milestones", "_part_namers"),
    "reminder jobs": ("mail.reminders", "_jobs"),
    "staff waiting work": ("mail.reminders", "_waiting_work"),
}

PROBE = """
import importlib, json, os, pkgutil, sys
import django
from django.apps import config as app_config

PROJECT = set(sys.argv[1].split(","))
REGISTRIES = json.loads(sys.argv[2])
create = app_config.AppConfig.create.__func__
ready_of = {}


def create_without_ready(cls, entry):
    made = create(cls, entry)
    if made.name.split(".")[0] in PROJECT:
        ready_of[made.name] = made.ready
        made.ready = lambda: None
    return made


app_config.AppConfig.create = classmethod(create_without_ready)
django.setup()


def held():
    return {
        name: sorted(getattr(importlib.import_module(module), attribute))
        for name, (module, attribute) in REGISTRIES.items()
    }


imported = 0
for app in sorted(PROJECT):
    package = importlib.import_module(app)
    for found in pkgutil.walk_packages(package.__path__, prefix=app + "."):
        if ".migrations" in found.name:
            continue
        importlib.import_module(found.name)
        imported += 1
after_imports = held()
for name in ready_of:
    ready_of[name]()
print(json.dumps({"imported": imported, "after_imports": after_imports, "after_ready": held()}))
"""

PROJECT_APPS = [
    "accounts",
    "ambassadors",
    "core",
    "counters",
    "dashboard",
    "mail",
    "moderation",
    "organisations",
    "pages",
    "pledges",
]


def _held_here() -> dict[str, list[str]]:
    import importlib

    return {
        name: sorted(getattr(importlib.import_module(module), attribute))
        for name, (module, attribute) in REGISTRIES.items()
    }


def test_registries_are_filled_from_app_ready_and_never_by_importing_a_module():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(PROJECT_APPS), json.dumps(REGISTRIES)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert report["imported"] > 100  # every module was imported, not just the apps' packages
    assert report["after_imports"] == dict.fromkeys(REGISTRIES, [])
    assert report["after_ready"] == _held_here()
    assert all(report["after_ready"].values())  # each registry has something in it
