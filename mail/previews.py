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


# What staff see in the list of previews: what each email is and who gets it.
TITLES = {
    "account-email_confirmation": "Confirm an email address added to an account",
    "account-email_confirmation_signup": "Confirm your email address (new account)",
    "account-password_reset_key": "Reset your password",
    "care-makers-lapsed": "Care Maker profile hidden after no reply to recommit",
    "care-makers-eligibility-opened": "Applications are open to your role (to people on the waiting list)",
    "care-makers-endorsement": "Endorse an application (to the applicant's line manager)",
    "care-makers-outcome": "Application decided (to the applicant)",
    "care-makers-recommit": "Recommit as a Care Maker",
    "care-makers-story-published": "Story published",
    "care-makers-story-rejected": "Story not published",
    "milestone-news": "Milestone reached (to people who asked for news)",
    "milestone-reached": "Milestone reached (to programme admins)",
    "organisation-access-request": "Someone asks to join an organisation (to its representatives)",
    "organisation-renewal-due": "Commitment renewal due",
    "organisation-task-due": "Task due soon",
    "organisation-task-overdue": "Task overdue",
    "organisation-unverified": "Organisation waiting to be verified (to programme admins)",
    "organisation-verified": "Organisation verified",
    "pledge-closing": "Campaign closing soon",
    "pledge-confirm": "Confirm your pledge",
    "pledge-followup": "How did your pledge go?",
    "pledge-nudge": "Reminder to confirm your pledge",
    "pledge-rejected": "Pledge not published",
    "staff-digest": "Work waiting for staff (daily digest)",
}
# Who sends each email, by app, in the words of the site.
SENDERS = {
    "accounts": "Accounts",
    "ambassadors": "Care Makers",
    "mail": "Whole site",
    "moderation": "Moderation",
    "organisations": "Social Care Commitment",
    "pledges": "Pledges",
}


def preview_title(kind: str) -> str:
    return TITLES.get(kind) or kind.replace("-", " ").replace("_", " ").capitalize()


def preview_sender(app_label: str) -> str:
    if app_label in SENDERS:
        return SENDERS[app_label]
    return apps.get_app_config(app_label).verbose_name
