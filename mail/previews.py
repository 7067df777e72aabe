"""Sample data for the staff email preview, gathered from each app's `emails.PREVIEWS`.

Each installed app may have an `emails` module with `PREVIEWS = {"<kind>": lambda: {...}}`;
the lambda returns the context the email is rendered with.
"""

import importlib
import logging
from collections.abc import Callable

from django.apps import apps

logger = logging.getLogger(__name__)


def all_previews() -> dict[str, tuple[str, Callable[[], dict]]]:
    """kind -> (app label, sample context factory), sorted by kind."""
    found: dict[str, tuple[str, Callable[[], dict]]] = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.emails")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.emails":
                raise  # the module exists but something it imports does not: show it
            continue
        for kind, factory in getattr(module, "PREVIEWS", {}).items():
            found[kind] = (config.label, factory)
    return dict(sorted(found.items()))
