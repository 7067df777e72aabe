from allauth.account.adapter import DefaultAccountAdapter
from django.template.loader import render_to_string

from core.client import client_ip

from .services import email_queue_rendered


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's mail through the Care Pledge outbox, so it is kept and retried, and
    gives allauth's sign-in limits the same client address as the site's own limits."""

    def get_client_ip(self, request) -> str:
        # allauth would read REMOTE_ADDR (one address for everyone behind the proxy) unless
        # given its own proxy setting; one setting, TRUSTED_PROXY_COUNT, serves both.
        return client_ip(request)

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
