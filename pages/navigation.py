"""Where each person finds what is theirs: the header's account area and the account page.

Everyone signed in reaches their pledges, Care Maker application and commitments from the
account page. Staff also get a "Staff tools" link in the header, with the number of items
waiting for moderation, to a section of the account page listing the tools their roles open.
"""

import logging
from dataclasses import dataclass

from django.core.cache import cache

from accounts import roles
from core.urls import reverse

logger = logging.getLogger(__name__)

WAITING_CACHE_SECONDS = 30  # the header's moderation count may be this old; the queue page is exact


@dataclass(frozen=True)
class Tool:
    label: str
    url: str
    hint: str = ""


@dataclass(frozen=True)
class Roles:
    moderator: bool = False
    regional_lead: bool = False
    programme_admin: bool = False
    django_admin: bool = False

    @property
    def any(self) -> bool:
        return self.moderator or self.regional_lead or self.programme_admin or self.django_admin


def roles_of(user) -> Roles:
    """The staff roles of one person (none for people not signed in)."""
    if not (user and user.is_authenticated):
        return Roles()
    admin = roles.is_programme_admin(user)
    return Roles(
        moderator=roles.is_moderator(user),
        regional_lead=admin or roles.is_regional_lead(user),
        programme_admin=admin,
        django_admin=user.is_staff and user.is_active,
    )


def moderation_waiting(user, person_roles: Roles) -> int:
    """How many items wait in the moderation queues this person can see.

    Which queues a person sees follows from their roles, so the total is kept in the cache
    per kind of staff member for WAITING_CACHE_SECONDS: a busy queue costs one capped count
    per half minute, not one per page view."""
    from moderation.listing import COUNT_CAP
    from moderation.queues import all_queues, noted_waiting

    total = noted_waiting(user)  # counted already by the queue page this request shows
    if total is not None:
        return total
    key = f"nav:moderation-waiting:{'admin' if person_roles.programme_admin else 'moderator'}"
    try:
        total = cache.get(key)
    except Exception:  # a cache that is down must not take the header with it
        logger.warning("navigation: cache unavailable, counting the moderation queues directly")
        total = None
    if total is None:
        total = sum(queue.count_waiting(COUNT_CAP) for queue in all_queues() if queue.can_view(user))
        try:
            cache.set(key, total, WAITING_CACHE_SECONDS)
        except Exception:
            logger.warning("navigation: cache unavailable, %s not kept", key)
    return total


def staff_tools(user, person_roles: Roles, waiting: int | None) -> list[Tool]:
    tools = []
    if person_roles.moderator:
        hint = "Nothing waiting for a decision" if not waiting else f"{waiting:,} waiting for a decision"
        tools.append(Tool("Moderation queue", reverse("moderation:index"), hint))
    if person_roles.regional_lead:
        tools.append(Tool("Care Maker applications", reverse("ambassadors:review"), "Review and decide applications"))
    if person_roles.programme_admin:
        tools += [
            Tool("Dashboard", reverse("dashboard:index"), "Today's totals, breakdowns and downloads"),
            Tool("Milestones", reverse("milestones:index"), "Totals that have passed a threshold"),
            Tool("Data requests", reverse("accounts:data_request"), "Send or delete someone's data when they ask"),
        ]
    if person_roles.django_admin:
        tools += [
            Tool("Email previews", reverse("mail:preview_list"), "Every email the site sends, with sample data"),
            Tool("Django admin", reverse("admin:index"), "Settings, thresholds, reasons and records"),
        ]
    return tools


class Navigation:
    """Worked out only when a template asks (the header asks on every page for people signed in)."""

    def __init__(self, user):
        self.user = user

    def _cached(self, name, compute):
        if name not in self.__dict__:
            self.__dict__[name] = compute()
        return self.__dict__[name]

    @property
    def roles(self) -> Roles:
        return self._cached("_roles", lambda: roles_of(self.user))

    @property
    def waiting(self) -> int | None:
        """Items waiting for moderation, for moderators; None for everyone else."""
        return self._cached(
            "_waiting", lambda: moderation_waiting(self.user, self.roles) if self.roles.moderator else None
        )

    @property
    def staff_tools(self) -> list[Tool]:
        return self._cached(
            "_tools", lambda: staff_tools(self.user, self.roles, self.waiting) if self.roles.any else []
        )
