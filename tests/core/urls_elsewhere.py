"""A second URLconf for tests/core/test_urls.py: `home` at another address."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("elsewhere/", lambda request: HttpResponse(""), name="home")]
