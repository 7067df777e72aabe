from django.conf import settings

from .navigation import Navigation


def site(request):
    return {"service_name": settings.SERVICE_NAME, "site_url": settings.SITE_URL}


def navigation(request):
    return {"navigation": Navigation(getattr(request, "user", None))}
