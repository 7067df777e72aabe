from django.conf import settings


def site(request):
    return {"service_name": settings.SERVICE_NAME, "site_url": settings.SITE_URL}


def navigation(request):
    from accounts.navigation import Navigation

    return {"navigation": Navigation(getattr(request, "user", None))}
