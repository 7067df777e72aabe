import re
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts import roles
from counters import keys as linked_keys
from counters.services import counter_values

from . import keys as organisation_keys
from .models import CQC_ID_PATTERN, ODS_CODE_PATTERN, Membership, Organisation


def home_summary() -> dict:
    totals = counter_values([organisation_keys.COMMITTED, organisation_keys.STAFF_COMMITMENTS])
    return {"committed": totals[organisation_keys.COMMITTED], "staff": totals[organisation_keys.STAFF_COMMITMENTS]}


def representatives(organisation: Organisation | int):
    """The active people who represent an organisation (or an organisation id)."""
    organisation_id = getattr(organisation, "pk", organisation)
    speaking = Membership.objects.representing(organisation_id).values("user_id")
    return get_user_model().objects.filter(pk__in=speaking, is_active=True).order_by("pk")


def is_representative(user, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.representing(organisation.pk).filter(user=user).exists()


def is_member(user, organisation: Organisation) -> bool:
    return user.is_authenticated and Membership.objects.filter(organisation=organisation, user=user).exists()


def admin_emails() -> list[str]:
    return roles.emails(roles.programme_admins())


def organisation_representative_emails(key: str) -> list[str]:
    """Milestone hook for the mail engine: who hears about the milestones of one organisation's
    totals (`organisations:<pk>:...`, and `pledges:organisation:<pk>` and the like that other
    programmes keep). Keys for the programme as a whole (organisations:committed...) have no
    representative.
    """
    organisation_id = organisation_keys.organisation_of(key) or linked_keys.organisation_of(key)
    if organisation_id is None:
        return []
    return list(representatives(organisation_id).values_list("email", flat=True))


def organisation_milestone_names(key: str, parts: list[str]) -> list[str]:
    """Milestone hook: in the labels of one organisation's totals (`organisations:<pk>:...`,
    `pledges:organisation:<pk>`), {1} is the organisation's name."""
    names = []
    for part in parts:
        organisation = Organisation.objects.filter(pk=int(part)).first() if part.isdigit() else None
        names.append(organisation_label(organisation) if organisation else part.replace("-", " "))
    return names


def directory(*, today: date, q: str = "", region: str = "", type: str = ""):
    """Verified organisations for the public directory, by name; committed or not, each marked."""
    organisations = Organisation.objects.listed().select_related("commitment")
    q = q.strip()
    if q:
        organisations = organisations.filter(
            Q(name__icontains=q)
            | Q(town__icontains=q)
            | Q(cqc_provider_id__iexact=q)
            | Q(regulator_id__iexact=q)
            | Q(ods_code__iexact=q)
        )
    if region:
        organisations = organisations.filter(region=region)
    if type:
        organisations = organisations.filter(type=type)
    return organisations.order_by("name")


def organisation_counts(organisation: Organisation) -> dict:
    """The organisation's kept totals: its own, and the pledges and Care Makers naming it,
    which those programmes keep under their own prefixes (counters/keys.py says why)."""
    pk = organisation.pk
    keys = {
        "staff": organisation_keys.staff_commitments(pk),
        "assisted": organisation_keys.assisted(pk),
        "tasks_done": organisation_keys.tasks_done(pk),
        "pledges": linked_keys.organisation_pledges(pk),
        "care_makers": linked_keys.organisation_care_makers(pk),
    }
    totals = counter_values(keys.values())
    return {name: totals[key] for name, key in keys.items()}


# --- Naming an organisation on a pledge or a Care Maker application ------------------
#
# People type their organisation into one text box. The box suggests directory entries
# as they type (a <datalist> filled from organisation_suggestions, when scripts run), and
# the server decides what the typed words mean with organisation_matches, so the same
# words link the same organisation with or without scripts.

SUGGESTIONS_MAX = 10


def organisation_label(organisation: Organisation) -> str:
    """How a directory entry is offered and written in the box: 'Oak Lodge Care Home, Exeter'."""
    return f"{organisation.name}, {organisation.town}"


def _squash(text: str) -> str:
    return " ".join((text or "").split())


def organisation_matches(text: str) -> list[Organisation]:
    """Verified organisations the typed words name exactly: by CQC provider ID, ODS code,
    'name, town' as suggested, or name alone. One entry links; none or several stay free text
    (at most two are returned, enough to tell "one" from "several")."""
    text = _squash(text)
    if not text:
        return []
    # Ordered by name, not pk: with LIMIT, ordering by pk tempts the planner to walk the
    # primary key past every row instead of using organisations_listed_name_idx.
    listed = Organisation.objects.listed().order_by("name", "pk")
    # Both are stored upper case; only words shaped like one are looked up as one.
    code = text.upper()
    if re.fullmatch(CQC_ID_PATTERN, code):
        return list(listed.filter(cqc_provider_id=code)[:2])
    if re.fullmatch(ODS_CODE_PATTERN, code):
        found = list(listed.filter(ods_code=code)[:2])
        if found:
            return found
    name, comma, town = text.rpartition(",")
    if comma and name.strip() and town.strip():
        found = list(listed.filter(name__iexact=name.strip(), town__iexact=town.strip())[:2])
        if found:
            return found
    return list(listed.filter(name__iexact=text)[:2])


def organisation_suggestions(text: str) -> list[str]:
    """Labels of verified organisations whose name starts with, or contains, the typed words."""
    text = _squash(text)
    if len(text) < 2:
        return []
    listed = Organisation.objects.listed()
    if text.startswith("1-"):
        found = list(listed.filter(cqc_provider_id__startswith=text)[:SUGGESTIONS_MAX])
    else:
        found = list(listed.filter(name__istartswith=text)[:SUGGESTIONS_MAX])
    if len(found) < SUGGESTIONS_MAX:
        seen = {o.pk for o in found}
        more = listed.filter(name__icontains=text).exclude(pk__in=seen)[: SUGGESTIONS_MAX - len(found)]
        found += list(more)
    return [organisation_label(o) for o in found]
