import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache

from ambassadors.selectors import home_summary as ambassadors_summary
from organisations.selectors import home_summary as organisations_summary
from pledges import drafts
from pledges.selectors import home_summary as pledges_summary

logger = logging.getLogger(__name__)


def home(request):
    return render(
        request,
        "pages/home.html",
        {
            "pledges": pledges_summary(),
            "ambassadors": ambassadors_summary(),
            "organisations": organisations_summary(),
        },
    )


# The Social Care Commitment's report is its own app's page; linked by path once it is there.
COMMITMENT_IMPACT_PATH = "/social-care-commitment/impact/"


def _serves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def impact(request):
    """What changed: the hub linking each programme's impact report."""
    return render(
        request,
        "pages/impact.html",
        {"commitment_impact": COMMITMENT_IMPACT_PATH if _serves(COMMITMENT_IMPACT_PATH) else None},
    )


def privacy(request):
    cookies = {
        "session": settings.SESSION_COOKIE_NAME,
        "csrf": settings.CSRF_COOKIE_NAME,
        "draft": drafts.DRAFT_COOKIE,
        "result": drafts.RESULT_COOKIE,
    }
    return render(request, "pages/privacy.html", {"cookies": cookies})


def retention(request):
    return render(request, "pages/retention.html")


def accessibility(request):
    return render(request, "pages/accessibility.html")


def contact(request):
    return render(request, "pages/contact.html", {"contact_email": settings.CONTACT_EMAIL})


def _redis_in_use() -> bool:
    cache_backend = settings.CACHES["default"]["BACKEND"]
    return not settings.CELERY_TASK_ALWAYS_EAGER or cache_backend.endswith("RedisCache")


@never_cache
def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        logger.error("healthz: database check failed: %s", exc)
        checks["database"] = "unavailable"
    if _redis_in_use():
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            logger.error("healthz: redis check failed: %s", exc)
            checks["redis"] = "unavailable"
    else:
        checks["redis"] = "not used"
    healthy = all(value in {"ok", "not used"} for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )
