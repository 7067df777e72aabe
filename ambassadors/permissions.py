"""Who may review applications and moderate stories."""

from accounts import roles
from accounts.choices import Region

is_programme_admin = roles.is_programme_admin
is_moderator = roles.is_moderator


def review_regions(user) -> set[str]:
    """The regions whose applications this person may see and decide."""
    if not (user and user.is_authenticated):
        return set()
    if is_programme_admin(user):
        return set(Region.values)
    return set(user.care_maker_regions.values_list("region", flat=True))


def can_review(user) -> bool:
    return bool(review_regions(user))


def reviewers(region: str):
    """Everyone review_regions() lets decide this region's applications: its leads and programme admins."""
    return roles.regional_leads(region)
