"""Who may review applications and moderate stories."""

from accounts.choices import Region

PROGRAMME_ADMINS = "Programme admins"
MODERATORS = "Moderators"


def _in_group(user, name: str) -> bool:
    return bool(user and user.is_authenticated and user.groups.filter(name=name).exists())


def is_programme_admin(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or _in_group(user, PROGRAMME_ADMINS)))


def review_regions(user) -> set[str]:
    """The regions whose applications this person may see and decide."""
    if not (user and user.is_authenticated):
        return set()
    if is_programme_admin(user):
        return set(Region.values)
    return set(user.care_maker_regions.values_list("region", flat=True))


def can_review(user) -> bool:
    return bool(review_regions(user))


def is_moderator(user) -> bool:
    return bool(user and user.is_authenticated and (is_programme_admin(user) or _in_group(user, MODERATORS)))
