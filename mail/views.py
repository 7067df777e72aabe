from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt

from core.urls import reverse

from . import links, services
from .forms import PreferencesForm
from .models import Email
from .previews import all_previews, preview_sender, preview_title
from .rendering import render_email

# The HTML part of an email is styled inline (mail clients need it), which the site-wide
# policy forbids; the preview frame gets a policy of its own that allows nothing else.
EMAIL_PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https:; frame-ancestors 'self'"


@never_cache
def preferences(request, token):
    try:
        email = links.read_preferences_token(token)
    except signing.BadSignature:
        return render(request, "mail/link_invalid.html", status=400)
    preference = services.preference_for(email)
    form = PreferencesForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.preference_set(email=email, **{name: form.cleaned_data[name] for name in form.fields})
        messages.success(request, "Your email choices have been saved.")
        return redirect("mail:preferences", token=token)
    return render(request, "mail/preferences.html", {"form": form, "email": email})


@never_cache
@csrf_exempt  # RFC 8058: mail clients POST here with no cookie and no form token
def unsubscribe(request, token):
    """GET shows a button (link scanners open links); POST unsubscribes, from the button or a mail client."""
    try:
        email, category = links.read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "mail/link_invalid.html", status=400)
    if category not in Email.OPTIONAL_CATEGORIES:
        return render(request, "mail/link_invalid.html", status=400)
    label = Email.Category(category).label.lower()
    preferences_path = reverse("mail:preferences", args=[links.preferences_token(email)])
    context = {"email": email, "category_label": label, "preferences_url": preferences_path}
    if request.method == "POST":
        services.email_unsubscribe(email=email, category=category)
        return render(request, "mail/unsubscribed.html", context)
    return render(request, "mail/unsubscribe.html", context)


@staff_member_required
def preview_list(request):
    previews = [
        {"kind": kind, "title": preview_title(kind), "sender": preview_sender(app_label)}
        for kind, (app_label, _) in all_previews().items()
    ]
    previews.sort(key=lambda preview: (preview["sender"], preview["title"]))
    return render(request, "mail/preview_list.html", {"previews": previews})


def _render_preview(kind):
    previews = all_previews()
    if kind not in previews:
        raise Http404("No preview for that email")
    app_label, factory = previews[kind]
    context = factory()
    # The category is chosen where the email is queued, not in the template; a preview may
    # name it, or the latest real row of that kind tells it.
    category = context.pop("preview_category", "") or (
        Email.objects.filter(kind=kind).order_by("-pk").values_list("category", flat=True).first() or ""
    )
    unsubscribe_url = ""
    if category in Email.OPTIONAL_CATEGORIES:
        unsubscribe_url = links.unsubscribe_url("sam.sample@example.org", category)
    rendered = render_email(
        kind, context, unsubscribe_url=unsubscribe_url, category_label=services.FOOTER_LABELS.get(category, "")
    )
    return app_label, rendered


@staff_member_required
def preview_detail(request, kind):
    app_label, rendered = _render_preview(kind)
    return render(
        request,
        "mail/preview_detail.html",
        {"kind": kind, "title": preview_title(kind), "sender": preview_sender(app_label), "rendered": rendered},
    )


@staff_member_required
@xframe_options_sameorigin
def preview_html(request, kind):
    _, rendered = _render_preview(kind)
    response = HttpResponse(rendered.html)
    response["Content-Security-Policy"] = EMAIL_PREVIEW_CSP
    return response
