"""The error pages every request can end on (handler400/403/404/500 in config/urls.py); the
hostile-input middleware answers with the same 400 page."""

from django.shortcuts import render


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def permission_denied(request, exception):
    """The one page for every refusal (`handler403` in config/urls.py).

    Views refuse by raising `PermissionDenied`, usually from a loader such as
    `organisations.views.organisation_for_representative`. What it carries is shown:
    `PermissionDenied(reason)` says why in a plain sentence, and
    `PermissionDenied(reason, (link text, url))` adds the next step to take. A bare
    `PermissionDenied` gets the general words. Someone signed out is offered sign-in first.
    """
    args = getattr(exception, "args", ())
    reason = args[0] if args and isinstance(args[0], str) else ""
    next_step = args[1] if len(args) > 1 and isinstance(args[1], tuple) and len(args[1]) == 2 else None
    return render(request, "403.html", {"reason": reason, "next_step": next_step}, status=403)


def server_error(request):
    return render(request, "500.html", status=500)
