"""Data rights: everything held about a person, and erasing it.

Each app that keeps personal data registers two functions here from its AppConfig.ready (never
as a side effect of importing a module):
`export(user, email) -> dict` and `erase(user, email, keep_contributions) -> None`. Either
`user` (an account) or only `email` (someone who pledged without an account) is given.
`keep_contributions` means pledges and the like stay in the counts without anything that
identifies the person; otherwise they are removed.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Holder:
    label: str
    export: Callable[..., dict]
    erase: Callable[..., None]


_holders: dict[str, Holder] = {}


def register(label: str, *, export: Callable[..., dict], erase: Callable[..., None]) -> None:
    _holders[label] = Holder(label=label, export=export, erase=erase)


def personal_data_export(*, user=None, email: str | None = None) -> dict:
    email = (email or (user.email if user else "")).strip().lower()
    data = {"exported_at": timezone.now().isoformat(), "email": email}
    for label, holder in sorted(_holders.items()):
        data[label] = holder.export(user=user, email=email)
    return data


def personal_data_erase(*, user=None, email: str | None = None, keep_contributions: bool = True) -> None:
    """Erase the person from every app in one transaction, then the account itself."""
    email = (email or (user.email if user else "")).strip().lower()
    with transaction.atomic():
        for _label, holder in sorted(_holders.items()):
            holder.erase(user=user, email=email, keep_contributions=keep_contributions)
        if user is not None:
            user.delete()
    logger.info(
        "data rights: erased %s (%s contributions)",
        "an account" if user else "an email",
        "kept" if keep_contributions else "removed",
    )


# --- By emailed link, for people without an account ---------------------------------------
# Someone who pledged without an account proves the address by opening a link emailed to it
# (from "Email me links to my pledges"); the link lets them download or delete what is held.
LINK_SALT = "accounts.data-rights.link"
LINK_MAX_AGE = timedelta(days=7)


def data_link_token(email: str) -> str:
    return signing.dumps({"e": email.strip()}, salt=LINK_SALT)


def data_link_read(token: str) -> str:
    """The address the link was sent to; raises signing.SignatureExpired or signing.BadSignature."""
    return str(signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)["e"])


# --- What the accounts app itself holds (registered in AccountsConfig.ready) -------------
def export_account(*, user, email: str) -> dict:
    if user is None:
        return {}
    from allauth.account.models import EmailAddress

    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "job_role": user.get_job_role_display(),
            "sector": user.get_sector_display(),
            "region": user.get_region_display(),
            "organisation": user.organisation_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user)
        ],
    }


def erase_account(*, user, email: str, keep_contributions: bool) -> None:
    """Signs the person out everywhere. Their email addresses go with the account itself
    (user.delete() cascades), after the other holders, such as the outbox, have used them."""
    if user is None:
        return
    from .models import Session

    # Each session names its person (accounts/sessions.py).
    Session.objects.filter(user_id=user.pk).delete()
