"""What pledges hold about a person, for accounts.data_rights (export and erase)."""

import uuid

from django.conf import settings
from django.db.models import Q

from core.urls import reverse

from . import services
from .microcache import public_pages_changed
from .models import Pledge, PledgerCampaign, PledgeReport, normalise_email


def _theirs(user, email: str):
    match = Q(email_normalised=normalise_email(email)) if email else Q(pk__in=[])
    if user is not None:
        match |= Q(user=user)
    return Pledge.objects.filter(match)


def export(*, user, email: str) -> dict:
    pledges = _theirs(user, email).select_related("campaign", "theme").order_by("id")
    return {
        "pledges": [
            {
                "campaign": p.campaign.name,
                "text": p.text,
                "theme": p.theme.name,
                "kind": p.get_kind_display(),
                "role": p.get_job_role_display(),
                "sector": p.get_sector_display(),
                "region": p.get_region_display(),
                "organisation": p.organisation_name,
                "name": p.name,
                "email": p.email,
                "shown_as": p.shown_as,
                "joined": settings.SITE_URL + reverse("pledges:detail", args=[p.joined_from_id])
                if p.joined_from_id
                else None,
                "status": p.get_status_display(),
                "done_at": p.done_at.isoformat() if p.done_at else None,
                "done_story": p.done_story,
                "created_at": p.created_at.isoformat(),
            }
            for p in pledges
        ],
        "pledge_reports_made": PledgeReport.objects.filter(reporter=f"user:{user.pk}").count() if user else 0,
    }


def erase(*, user, email: str, keep_contributions: bool) -> None:
    pledges = _theirs(user, email)
    if not keep_contributions:
        emails = set(pledges.values_list("email_normalised", flat=True))
        for pledge in pledges.select_related("theme"):
            services.pledge_withdraw(pledge=pledge)  # leaves the totals first
        pledges.delete()
        # Their per-person rows now count nothing, but still hold the address.
        PledgerCampaign.objects.filter(email_normalised__in=emails, pledges=0).delete()
    else:
        # One random stand-in per person keeps "people" counted once and links to nobody.
        stand_in = f"erased:{uuid.uuid4().hex}"
        emails = set(pledges.values_list("email_normalised", flat=True))
        PledgerCampaign.objects.filter(email_normalised__in=emails).update(email_normalised=stand_in)
        pledges.update(
            email="",
            email_normalised=stand_in,
            name="",
            organisation_name="",
            user=None,
            show_name=Pledge.ShowName.ROLE_AND_AREA,
        )
        public_pages_changed()  # names shown on the wall are gone
    if user is not None:
        PledgeReport.objects.filter(reporter=f"user:{user.pk}").update(reporter=f"erased:{uuid.uuid4().hex}")
