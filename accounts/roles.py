"""The staff roles and exactly which Django permissions each has.

Roles are groups. The site's own pages check group membership (a moderator sees the
moderation queue, a regional lead the applications of their regions, a programme admin
everything); these permissions decide what each role may do in the Django admin. After
every migrate, each group is given exactly the permissions listed here: nothing more, so a
permission granted by hand in the admin does not linger unnoticed.
"""

from django.db.models import Exists, F, OuterRef
from django.db.models.signals import post_migrate
from django.utils.functional import LazyObject, empty

from core.queries import kept_query

MODERATORS = "Moderators"
REGIONAL_LEADS = "Regional leads"
PROGRAMME_ADMINS = "Programme admins"

# "app_label.codename" for the two narrower roles.
ROLE_PERMISSIONS = {
    # Moderators decide in the moderation pages, which hide authors' contact details until a
    # recorded request; the pledge and story admin would show them, so it is not theirs.
    MODERATORS: {
        "moderation.view_reason",
        "moderation.view_decision",
    },
    REGIONAL_LEADS: {
        "ambassadors.view_application",
        "ambassadors.change_application",
        "ambassadors.view_caremaker",
        # The decline reasons. Not the audit log: it holds every programme's decisions, and a
        # lead reads their applications' decisions on the review page.
        "moderation.view_reason",
        "ambassadors.view_intake",
    },
}
# Programme admins run the programmes: every permission of these apps, settings and
# thresholds included. Accounts are left to superusers.
PROGRAMME_ADMIN_APPS = {"pledges", "ambassadors", "organisations", "moderation", "counters", "mail", "dashboard"}


def expected_permissions(group_name: str, permission_model):
    if group_name == PROGRAMME_ADMINS:
        return permission_model.objects.filter(content_type__app_label__in=PROGRAMME_ADMIN_APPS)
    wanted = ROLE_PERMISSIONS[group_name]
    pairs = [name.split(".", 1) for name in wanted]
    from django.db.models import Q

    query = Q(pk__in=[])
    for app_label, codename in pairs:
        query |= Q(content_type__app_label=app_label, codename=codename)
    return permission_model.objects.filter(query)


def roles_sync(sender=None, using: str = "default", **kwargs) -> None:
    """Give each role exactly its permissions (runs after migrate; safe to run again)."""
    from django.contrib.auth.models import Group, Permission

    for name in (MODERATORS, REGIONAL_LEADS, PROGRAMME_ADMINS):
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(expected_permissions(name, Permission).using(using))


def connect() -> None:
    # After the last app migrates, every app's permissions exist.
    post_migrate.connect(roles_sync, dispatch_uid="accounts_roles_sync")


def _person(user):
    """The person inside request.user, Django's lazy wrapper (loaded if it was not yet): each
    attribute read through the wrapper costs a few microseconds more than on the person, and
    a page checks roles a dozen times (the header, each moderation queue)."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def role_names(user) -> frozenset[str]:
    """The roles (group names) of a person, read once per user object, as Django keeps
    permissions: a page asks several times (the header, each moderation queue) for one query."""
    user = _person(user)
    if not (user and user.is_authenticated):
        return frozenset()
    names = getattr(user, "_role_names", None)
    if names is None:
        names = _roles_read(user)[0]
    return names


def _roles_read(user) -> tuple[frozenset[str], bool]:
    """The person's group names and whether they lead a region, in one query, kept on the
    user object for the rest of the request."""
    rows = _groups_and_lead(user_id=user.pk)
    return _keep_roles(user, [name for _, name in rows], any(lead for lead, _ in rows))


def _keep_roles(user, names, leads: bool) -> tuple[frozenset[str], bool]:
    user._role_names = frozenset(name for name in names if name is not None)
    user._leads_a_region = bool(leads)
    return user._role_names, user._leads_a_region


def with_roles(rows, via: str = ""):
    """`rows` (a queryset of users, or of rows that name a person by the relation `via`), one
    row per group the person is in (one with no group name for a person in none), each row
    with the group's name (`role_group_name`) and whether the person leads a region
    (`role_leads`): a person and their roles read in one query. roles_from_rows() reads such
    rows."""
    from django.contrib.auth import get_user_model

    regions = get_user_model()._meta.get_field("care_maker_regions").related_model
    to = f"{via}__" if via else ""
    return rows.annotate(
        role_leads=Exists(regions.objects.filter(user=OuterRef(f"{to}pk"))), role_group_name=F(f"{to}groups__name")
    )


def roles_from_rows(rows: list, via: str = ""):
    """The person of `rows` (one person's rows of with_roles(), as instances, with the same
    `via`), with their roles kept on them for the rest of the request, as role_names() would
    read them: the signed-in person is loaded this way on every request (with their session,
    accounts/sessions.py, or by accounts.models UserManager.get), so no page asks for the
    roles again."""
    person = getattr(rows[0], via) if via else rows[0]
    _keep_roles(person, [row.role_group_name for row in rows], any(row.role_leads for row in rows))
    for row in rows:
        row.__dict__.pop("role_group_name", None)
        row.__dict__.pop("role_leads", None)
    return person


# Read on every page a signed-in person opens whose user was not loaded with its roles
# (the header's staff tools): its SQL is compiled once per process (core/queries.py).
@kept_query
def _groups_and_lead(user_id: int):
    from django.contrib.auth import get_user_model

    people = with_roles(get_user_model().objects.filter(pk=user_id))
    return people.values_list("role_leads", "role_group_name")


def has_role(user, *names: str) -> bool:
    return not role_names(user).isdisjoint(names)


def is_programme_admin(user) -> bool:
    """Programme admins and superusers: they see and run everything."""
    user = _person(user)
    return bool(user and user.is_authenticated and (user.is_superuser or has_role(user, PROGRAMME_ADMINS)))


def is_moderator(user) -> bool:
    """Moderators, and everyone who may do what they do."""
    user = _person(user)
    return is_programme_admin(user) or has_role(user, MODERATORS)


def is_regional_lead(user) -> bool:
    """Programme admins, and people given regions whose Care Maker applications they review.

    Being a lead is having regions (the Care Makers' `RegionalLead` rows, reached by their
    `care_maker_regions` name so accounts imports nothing above it); the "Regional leads"
    group only says what a lead may do in the Django admin."""
    user = _person(user)
    if not (user and user.is_authenticated):
        return False
    if is_programme_admin(user):
        return True
    leads = getattr(user, "_leads_a_region", None)
    if leads is None:
        leads = _roles_read(user)[1]
    return leads


# The same roles as querysets, for whoever must tell them something (the staff digest,
# milestones, new organisations to verify): each matches its predicate above, for active
# people. Every caller uses these; a test keeps a second definition from appearing.


def programme_admins():
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name=PROGRAMME_ADMINS), is_active=True)
        .distinct()
        .order_by("pk")
    )


def moderators():
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name__in=[PROGRAMME_ADMINS, MODERATORS]), is_active=True)
        .distinct()
        .order_by("pk")
    )


def regional_leads(region: str):
    """Everyone who reviews this region's Care Maker applications: its leads and programme admins."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    return (
        get_user_model()
        .objects.filter(
            Q(pk__in=programme_admins().values("pk")) | Q(care_maker_regions__region=region), is_active=True
        )
        .distinct()
        .order_by("pk")
    )


def emails(people) -> list[str]:
    """The addresses of a role's people (one each, sorted), for a list of recipients."""
    return sorted(set(people.values_list("email", flat=True)))
