from urllib.parse import urlencode

from django.shortcuts import redirect

from core.urls import reverse

ASKED = "accounts_name_asked"
# Never in the way of signing in or out, the name page itself, files, staff previews and
# the Django admin (its own world, with its own forms).
NOT_HERE = (
    "/account/",
    "/my-account/name/",
    "/my-account/your-data/",
    "/static/",
    "/healthz",
    "/email/previews/",
    "/admin/",
)


class NamePromptMiddleware:
    """Once a session, a signed-in person who has not told us their name is asked for it
    before the page they opened (and may skip). Only GET pages: nothing they post is lost."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.method == "GET"
            and user is not None
            and user.is_authenticated
            and user.needs_name
            and not request.path.startswith(NOT_HERE)
            and not request.path.endswith((".csv", ".json", ".svg", ".png"))
            and request.headers.get("x-requested-with") != "XMLHttpRequest"
            and not request.session.get(ASKED)
        ):
            request.session[ASKED] = True
            return redirect(f"{reverse('accounts:name')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
