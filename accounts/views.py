import csv
import io
import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from core.csv_stream import csv_safe

from . import data_rights
from .forms import DataRequestForm, DeleteAccountForm, DeleteByLinkForm, NameForm, ProfileForm
from .models import User
from .roles import is_programme_admin


@login_required
def account_home(request):
    return render(request, "accounts/home.html")


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


@login_required
def name(request):
    """What should we call you? Asked once of accounts without a name; may be skipped."""
    next_url = _safe_next(request)
    form = NameForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Thank you, {request.user.get_full_name()}.")
        return redirect(next_url or "accounts:home")
    return render(request, "accounts/name.html", {"form": form, "next": next_url})


@login_required
def profile_edit(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your details have been saved.")
        return redirect("accounts:home")
    return render(request, "accounts/profile_form.html", {"form": form})


def _json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def data_download(request):
    data = data_rights.personal_data_export(user=request.user)
    return _json_download(data, f"care-pledge-your-data-{timezone.localdate():%Y-%m-%d}.json")


@login_required
def account_delete(request):
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        data_rights.personal_data_erase(user=user, keep_contributions=form.cleaned_data["contributions"] == "keep")
        messages.success(request, "Your account and your personal details have been deleted.")
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


def _can_handle_data_requests(user) -> bool:
    return is_programme_admin(user)


@login_required
def data_request(request):
    """Staff act on a data request from someone, with or without an account."""
    if not _can_handle_data_requests(request.user):
        raise PermissionDenied
    form = DataRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if form.cleaned_data["action"] == "export":
            return _json_download(
                data_rights.personal_data_export(user=user, email=email), "care-pledge-data-request.json"
            )
        data_rights.personal_data_erase(
            user=user, email=email, keep_contributions=form.cleaned_data["contributions"] == "keep"
        )
        messages.success(request, f"Everything held for {email} has been deleted.")
        return redirect("accounts:data_request")
    return render(request, "accounts/data_request.html", {"form": form})


# --- Download and delete by emailed link (people without an account) ----------------------


def _address_from_link(request, token: str):
    """(address, None) for a good link, else (None, the page that says why)."""
    try:
        email = data_rights.data_link_read(token)
    except signing.SignatureExpired:
        return None, render(request, "accounts/data_link_invalid.html", {"expired": True}, status=410)
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        return None, render(request, "accounts/data_link_invalid.html", status=404)
    if User.objects.filter(email__iexact=email).exists():
        # An account holds more than pledges: its own download and delete cover all of it.
        return None, render(request, "accounts/data_link_account.html", {"email": email})
    return email, None


def data_by_link(request, token: str):
    email, refusal = _address_from_link(request, token)
    if refusal:
        return refusal
    response = render(request, "accounts/data_by_link.html", {"email": email, "token": token})
    response["Cache-Control"] = "no-store"
    return response


def data_by_link_json(request, token: str):
    email, refusal = _address_from_link(request, token)
    if refusal:
        return refusal
    data = data_rights.personal_data_export(email=email)
    return _json_download(data, f"care-pledge-your-data-{timezone.localdate():%Y-%m-%d}.json")


def data_by_link_csv(request, token: str):
    """The pledges (joins included) as a spreadsheet; the JSON download has everything."""
    email, refusal = _address_from_link(request, token)
    if refusal:
        return refusal
    rows = data_rights.personal_data_export(email=email).get("pledges", {}).get("pledges", [])
    out = io.StringIO()
    fields = list(rows[0]) if rows else ["campaign", "text", "status", "created_at"]
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="care-pledge-your-pledges-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _csv_cell(value):
    return csv_safe("" if value is None else value)


def data_by_link_delete(request, token: str):
    email, refusal = _address_from_link(request, token)
    if refusal:
        return refusal
    form = DeleteByLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data_rights.personal_data_erase(email=email, keep_contributions=form.cleaned_data["contributions"] == "keep")
        messages.success(request, "Your details have been deleted.")
        return redirect("home")
    return render(request, "accounts/data_by_link_delete.html", {"form": form, "email": email, "token": token})
