"""Signed links in emails: choose what you get, and one-click unsubscribe.

The token carries the address (and the category, for unsubscribe) signed with a salt per
purpose, so nobody can change another person's choices by editing a URL. People keep old
emails, so the links last a long time.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing

from core.urls import reverse

PREFERENCES_SALT = "mail.preferences"
UNSUBSCRIBE_SALT = "mail.unsubscribe"
MAX_AGE = timedelta(days=400)


def preferences_token(email: str) -> str:
    return signing.dumps({"e": email.lower()}, salt=PREFERENCES_SALT, compress=True)


def unsubscribe_token(email: str, category: str) -> str:
    return signing.dumps({"e": email.lower(), "c": category}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_preferences_token(token: str) -> str:
    """The address, or signing.BadSignature (SignatureExpired is a subclass)."""
    return signing.loads(token, salt=PREFERENCES_SALT, max_age=MAX_AGE)["e"]


def read_unsubscribe_token(token: str) -> tuple[str, str]:
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=MAX_AGE)
    return data["e"], data["c"]


def preferences_url(email: str) -> str:
    return settings.SITE_URL + reverse("mail:preferences", args=[preferences_token(email)])


def unsubscribe_url(email: str, category: str) -> str:
    return settings.SITE_URL + reverse("mail:unsubscribe", args=[unsubscribe_token(email, category)])


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers for an unsubscribe URL: mail clients show their own button."""
    values = [f"<{url}>"]
    mailto = settings.UNSUBSCRIBE_MAILTO
    if mailto:
        values.append(f"<mailto:{mailto}?subject=unsubscribe>")
    return {"List-Unsubscribe": ", ".join(values), "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
