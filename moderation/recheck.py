"""Re-checking text already public after the privacy check (core/privacy.py) learns a new form.

Each programme registers, from its AppConfig.ready, a function that applies today's check to
what it has published and returns lines saying what it did (or, on a dry run, would do):

    register_recheck("pledges", recheck_public_text)

`manage.py recheck_public_text [--dry-run]` runs them in the order they were registered."""

from collections.abc import Callable

# name -> fn(*, dry_run) -> the lines to report
_rechecks: dict[str, Callable[..., list[str]]] = {}


def register_recheck(name: str, fn: Callable[..., list[str]]) -> None:
    _rechecks[name] = fn


def rechecks() -> dict[str, Callable[..., list[str]]]:
    return dict(_rechecks)
