"""One helper renders every email from templates/emails/<kind>/{subject.txt,body.txt,body.html}."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(kind: str, context: dict) -> RenderedEmail:
    if "rendered" in context:
        # Messages written by allauth arrive already rendered.
        parts = context["rendered"]
        return RenderedEmail(subject=parts["subject"], text=parts["text"], html=parts["html"])
    full = {"site_url": settings.SITE_URL, "service_name": settings.SERVICE_NAME, **context}
    subject = " ".join(render_to_string(f"emails/{kind}/subject.txt", full).split())
    text = render_to_string(f"emails/{kind}/body.txt", full).strip() + "\n"
    html = render_to_string(f"emails/{kind}/body.html", {**full, "subject": subject})
    return RenderedEmail(subject=subject, text=text, html=html)
