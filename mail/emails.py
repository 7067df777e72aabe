"""Sample data for the staff preview of the emails this app sends, and of allauth's."""

from django.conf import settings
from django.test import RequestFactory

SAMPLE_TO = "sam.sample@example.org"


def _allauth(template_prefix: str, **context) -> dict:
    """Render an allauth email the way the account adapter does, so the preview is the real thing."""
    from allauth.account.adapter import get_adapter
    from django.contrib.sites.shortcuts import get_current_site

    request = RequestFactory().get("/", HTTP_HOST=settings.SITE_URL.split("://", 1)[-1])
    adapter = get_adapter(request)
    full = {"current_site": get_current_site(request), "request": request, "email": SAMPLE_TO, **context}
    message = adapter.render_mail(template_prefix, SAMPLE_TO, full)
    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
    if not html:
        from django.template.loader import render_to_string

        html = render_to_string("emails/_plain_as_html.html", {"text": message.body})
    return {"rendered": {"subject": message.subject, "text": message.body, "html": html}}


def _milestone(**extra) -> dict:
    return {
        "label": "pledges made in this campaign",
        "threshold": 10000,
        "value": 10004,
        "key": "pledges:1:total",
        "reached_at": "2026-11-23T10:15:00+00:00",
        "milestones_url": settings.SITE_URL + "/milestones/",
        **extra,
    }


PREVIEWS = {
    "staff-digest": lambda: {
        "items": [
            {
                "description": "Held pledges: 12 waiting, the oldest for 31 hours",
                "url": settings.SITE_URL + "/moderation/held-pledges/",
            },
            {
                "description": "4 Care Maker applications in London waiting more than 7 days for a decision",
                "url": settings.SITE_URL + "/care-makers/review/?region=london",
            },
        ],
    },
    "milestone-reached": lambda: _milestone(audience="programme admins"),
    "milestone-news": lambda: _milestone(preview_category="news"),
    "account-email_confirmation_signup": lambda: _allauth(
        "account/email/email_confirmation_signup",
        activate_url=settings.SITE_URL + "/account/confirm-email/sample-key/",
        key="sample-key",
        user=None,
    ),
    "account-email_confirmation": lambda: _allauth(
        "account/email/email_confirmation",
        activate_url=settings.SITE_URL + "/account/confirm-email/sample-key/",
        key="sample-key",
        user=None,
    ),
    "account-password_reset_key": lambda: _allauth(
        "account/email/password_reset_key",
        password_reset_url=settings.SITE_URL + "/account/password/reset/key/sample-key/",
        user=None,
    ),
}
