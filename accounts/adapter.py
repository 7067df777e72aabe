from allauth.account.adapter import DefaultAccountAdapter
from django.template.loader import render_to_string

from mail.services import email_queue_rendered


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's mail through the Care Pledge outbox, so it is kept and retried."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        message = self.render_mail(template_prefix, email, context)
        html = None
        for content, mimetype in getattr(message, "alternatives", []) or []:
            if mimetype == "text/html":
                html = content
        email_queue_rendered(
            kind=template_prefix.replace("account/email/", "account-"),
            to=email,
            subject=message.subject,
            text=message.body,
            html=html or render_to_string("emails/_plain_as_html.html", {"text": message.body}),
        )
