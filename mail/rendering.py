"""One helper renders every email from templates/emails/<kind>/{subject.txt,body.txt,body.html}."""

from dataclasses import dataclass

from django.conf import settings
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils.html import format_html


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(kind: str, context: dict, *, unsubscribe_url: str = "", category_label: str = "") -> RenderedEmail:
    """Render the three parts. With `unsubscribe_url`, both parts are sure to carry it.

    The link is added here rather than in each template so that every reminder and news
    email gets it, whichever app wrote the template.
    """
    if "rendered" in context:
        # Messages written by allauth arrive already rendered.
        parts = context["rendered"]
        rendered = RenderedEmail(subject=parts["subject"], text=parts["text"], html=parts["html"])
    else:
        full = {
            "site_url": settings.SITE_URL,
            "service_name": settings.SERVICE_NAME,
            **context,
            "unsubscribe_url": unsubscribe_url,
            "category_label": category_label,
        }
        subject = " ".join(_render_plain(f"emails/{kind}/subject.txt", full).split())
        text = _render_plain(f"emails/{kind}/body.txt", full).strip() + "\n"
        html = render_to_string(f"emails/{kind}/body.html", {**full, "subject": subject})
        rendered = RenderedEmail(subject=subject, text=text, html=html)
    if unsubscribe_url:
        rendered = _with_unsubscribe(rendered, unsubscribe_url, category_label)
    return rendered


def _render_plain(name: str, context: dict) -> str:
    """Plain-text parts are not HTML: a name like "Sam & Jo <Ward 3>" must arrive as typed.
    Escaping is switched off here so no template has to remember to do it."""
    return get_template(name).template.render(Context(context, autoescape=False))


def _with_unsubscribe(rendered: RenderedEmail, url: str, category_label: str) -> RenderedEmail:
    text, html = rendered.text, rendered.html
    if url not in text:
        text = f"{text}\n--\n{_footer_sentence(category_label)}\nUnsubscribe or choose what you get: {url}\n"
    escaped_url = format_html("{}", url)
    if escaped_url not in html:
        footer = format_html(
            '<p style="margin: 32px 0 0; font-size: 14px; color: #4c6272;">{}'
            ' <a href="{}" style="color: #005eb8;">Unsubscribe or choose what you get</a>.</p>',
            _footer_sentence(category_label),
            url,
        )
        html = html.replace("</body>", f"{footer}\n</body>", 1) if "</body>" in html else html + footer
    return RenderedEmail(subject=rendered.subject, text=text, html=html)


def _footer_sentence(category_label: str) -> str:
    if category_label:
        return f"This email is one of our {category_label.lower()}; you can stop them at any time."
    return "You can stop these emails at any time."
