from django.conf import settings
from django.utils.cache import patch_cache_control


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header (Django 5.2 has none of its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every page that may show someone's own data.

    Every staff page and every account page is behind sign-in, and a signed-out person's own
    data lives in their session, so any request that carries a session is answered for that
    person alone (a pledge being made signed out is kept in signed cookies instead, and
    pledges/drafts.py marks its pages the same way). Pages reached by
    a secret link (a URL with a `token`: manage my pledge, confirm, endorse, preferences) are
    for the link's holder alone too. Neither a shared cache nor the browser's disk may keep
    them. Pages without a session or a token are the same for everyone and keep their own
    caching; the session cookie is looked at rather than the session, so those pages do not
    start to vary on cookies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        private = settings.SESSION_COOKIE_NAME in request.COOKIES or (match is not None and "token" in match.kwargs)
        if private:
            patch_cache_control(response, private=True, no_store=True)
        return response
