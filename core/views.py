"""The error pages every request can end on (handler400/404/500 in config/urls.py); the
hostile-input middleware answers with the same 400 page."""

from django.shortcuts import render


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
