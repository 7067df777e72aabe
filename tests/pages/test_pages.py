import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


def test_home_page_explains_the_three_programmes_with_totals(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for call_to_action in ("Make a pledge", "Become a Care Maker", "Sign the Social Care Commitment"):
        assert call_to_action in html
    assert 'role="status"' in html
    assert "pledges this campaign" in html


@pytest.mark.parametrize(
    "url,heading", [("/privacy/", "Privacy notice"), ("/accessibility/", "Accessibility statement")]
)
def test_footer_pages_answer(client, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    assert f'<h1 class="nhsuk-heading-xl">{heading}</h1>' in response.content.decode()


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_security_headers_are_sent(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_healthz_is_ok_when_database_and_redis_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"


@pytest.mark.needs_redis
def test_healthz_is_503_when_redis_does_not_answer(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "unavailable"}


def test_every_url_in_the_vendored_css_resolves_to_a_file():
    css_path = Path(settings.BASE_DIR) / "static/vendor/nhsuk-frontend/nhsuk-frontend.min.css"
    urls = set(re.findall(r"url\(([^)]+)\)", css_path.read_text()))
    local = {u.strip("'\"") for u in urls if not u.startswith(("http", "data:", "'data:", '"data:'))}
    assert local, "expected the CSS to reference its icons"
    for url in local:
        assert not url.startswith("/"), f"{url} is absolute: it would only work if the site served /assets/"
        assert (css_path.parent / url).is_file(), f"{url} in the NHS.UK CSS points at a missing file"


def test_vendored_frontend_records_its_version():
    version = (Path(settings.BASE_DIR) / "static/vendor/nhsuk-frontend/VERSION").read_text()
    assert version.startswith("nhsuk-frontend 10.")


@pytest.mark.django_db
def test_the_privacy_notice_names_every_cookie_the_pledge_journey_sets(client, pledge_form):
    """Each cookie a signed-out pledger is given is named on the privacy notice."""
    from tests.pledges.factories import CampaignFactory

    CampaignFactory(is_current=True)
    client.get("/pledges/new/")
    client.post("/pledges/new/", pledge_form)
    set_by_the_site = set(client.cookies.keys())
    assert "pledge_draft" in set_by_the_site
    page = client.get("/privacy/").content.decode()
    assert '<h2 class="nhsuk-heading-m">Cookies</h2>' in page
    for name in set_by_the_site | {"pledge_result", "sessionid", "messages"}:
        assert f">{name}<" in page, name
