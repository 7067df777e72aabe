import itertools
import json
from urllib.parse import quote
from urllib.parse import urlencode as urlencode_std

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.views.decorators.cache import cache_control

from accounts.choices import JobRole, Region, Sector
from accounts.data_rights import data_link_token
from core.csv_stream import csv_response
from core.ratelimit import client_network, ratelimit_all
from core.urls import reverse
from organisations.models import Organisation
from organisations.selectors import organisation_label

from . import drafts, images, selectors, services
from .cache import blank_form_page
from .forms import HONEYPOT, DoneForm, PledgeForm, PledgeLinksForm, ReportForm, WallFilterForm
from .microcache import public_microcache
from .models import Campaign, Pledge, normalise_email

HOUR = 3600

# (per IP, per email) attempts an hour; RATELIMIT_MULTIPLIER raises them for benchmarks.
LIMITS = {"pledge": (20, 6), "join": (30, 6), "report": (20, None), "links": (10, 3)}


def _rate_ok(request, action: str, email: str = "") -> bool:
    per_ip, per_email = LIMITS[action]
    checks = [(f"{action}:ip:{client_network(request)}", per_ip, HOUR)]
    if per_email and email:
        checks.append((f"{action}:email:{normalise_email(email)}", per_email, HOUR))
    return ratelimit_all(checks)


def _too_many(request):
    return render(request, "pledges/too_many.html", status=429)


def _profile_initial(user) -> dict:
    if not user.is_authenticated:
        return {}
    return {
        "job_role": user.job_role,
        "sector": user.sector,
        "region": user.region,
        "organisation_name": user.organisation_name,
        "name": user.display_name,
    }


def _to_sent(result=None):
    """The "sent" page, told what happened (a bot is told what a person would be)."""
    response = redirect("pledges:sent")
    if result is None:
        drafts.result_keep(response, outcome="unconfirmed")
    else:
        drafts.result_keep(response, outcome=result.outcome, pledge=result.pledge, found=result.found)
    return response


def _after_submit(request, result):
    """Send the person where their pledge now is, with a kind word."""
    pledge = result.pledge
    if result.outcome == "published":
        messages.success(request, "Thank you: your pledge is on the wall.")
        return redirect(pledge)
    if result.outcome == "duplicate" and pledge.is_public:
        messages.info(request, "You have already made this pledge, so we have not added it twice. Here it is.")
        return redirect(pledge)
    return _to_sent(result)


# --- The wall -----------------------------------------------------------------------


def _cursor(request, name: str) -> int | None:
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if value > 0 else None


@public_microcache
def index(request):
    """The wall: newest first, filtered, searched, paged by id."""
    campaigns, themes = selectors.wall_choices()
    form = WallFilterForm(request.GET or None, themes=themes, campaigns=campaigns)
    filters = selectors.WallFilters.from_form(form.filters() if request.GET else {}, campaigns=campaigns, themes=themes)
    context = selectors.wall_context(
        filters,
        campaigns=campaigns,
        themes=themes,
        before=_cursor(request, "before"),
        after=_cursor(request, "after"),
        query={k: v for k, v in request.GET.items() if k not in {"before", "after"} and v},
    )
    return render(request, "pledges/index.html", {"filter_form": form, **context})


def archive(request):
    campaigns = [c for c in Campaign.objects.all() if not c.is_current]
    totals = selectors.totals_for(campaigns)
    return render(request, "pledges/archive.html", {"campaigns": [(c, totals.get(c.pk, 0)) for c in campaigns]})


# Pledges whose manage link this browser opened: their owner, signed in or not.
MANAGED = "pledges_managed"


def _remember_managed(request, pledge: Pledge) -> None:
    managed = [pk for pk in request.session.get(MANAGED, []) if pk != pledge.pk][-19:]
    request.session[MANAGED] = [*managed, pledge.pk]


def _is_owner(request, pledge: Pledge) -> bool:
    """Signed in as its author (or with its proved address), or came here from its manage link."""
    if request.user.is_authenticated and (
        pledge.user_id == request.user.pk
        or (
            pledge.email_normalised == normalise_email(request.user.email)
            and services.user_email_verified(request.user)
        )
    ):
        return True
    # Only a browser that already has a session can hold one (so cached pages are never the owner's).
    return settings.SESSION_COOKIE_NAME in request.COOKIES and pledge.pk in request.session.get(MANAGED, [])


@public_microcache
def detail(request, pk: int):
    pledge = selectors.pledge_for_page(pk)
    if pledge is None:
        raise Http404
    url = settings.SITE_URL + pledge.get_absolute_url()
    is_owner = _is_owner(request, pledge)
    if is_owner:
        share_lead = f"I pledged for {pledge.campaign.name}"
        subject = f"My pledge for {pledge.campaign.name}"
    else:
        share_lead = f"I saw this pledge for {pledge.campaign.name}"
        subject = f"A pledge for {pledge.campaign.name}"
    # The page writes the same words with its quotes as character references (pages in ASCII).
    share_text = f"{share_lead}: “{pledge.text}”"
    mail_query = urlencode_std({"subject": subject, "body": f"{share_text}\n\n{url}"}, quote_via=quote)
    # (link text, address, opens a new tab)
    share = [
        ("Share on X", "https://x.com/intent/post?" + urlencode({"text": share_text, "url": url}), True),
        ("Share on Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}), True),
        ("Share on LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}), True),
        ("Share on WhatsApp", "https://wa.me/?" + urlencode({"text": f"{share_text} {url}"}), True),
        ("Share by email", "mailto:?" + mail_query, False),
    ]
    manage_url = None
    if is_owner:
        # Signed in: the account's manage page; otherwise a fresh link like the one she came by.
        manage_url = (
            reverse("pledges:manage", args=[pledge.pk])
            if request.user.is_authenticated
            else reverse("pledges:manage_signed", args=[services.manage_token(pledge)])
        )
    return render(
        request,
        "pledges/detail.html",
        {
            "pledge": pledge,
            "share": share,
            "share_url": url,
            "share_lead": share_lead,
            "share_title": subject,
            "image_url": settings.SITE_URL
            + reverse("pledges:image", args=[pledge.pk])
            + f"?v={images.image_version(pledge)}",
            "is_owner": is_owner,
            "manage_url": manage_url,
            "can_join": pledge.campaign.is_open() and not is_owner,
        },
    )


@cache_control(public=True, max_age=HOUR)
def image(request, pk: int):
    """The picture a shared link shows: published pledges only."""
    pledge = get_object_or_404(Pledge.objects.select_related("campaign"), pk=pk, status__in=Pledge.PUBLIC)
    return HttpResponse(images.pledge_image(pledge), content_type="image/png")


# --- Making a pledge ----------------------------------------------------------------


@drafts.private_to_its_holder
def new(request):
    campaign = selectors.current_campaign()
    if campaign is None:
        return render(request, "pledges/no_campaign.html")
    if request.method == "POST":
        form = PledgeForm(request.POST, campaign=campaign, user=request.user)
        if form.is_bot:
            # Look like success to the bot and save nothing.
            return _to_sent()
        if form.is_valid():
            response = redirect("pledges:check")
            cleaned = {**form.cleaned_data, "organisation_several": form.organisation_several}
            drafts.draft_keep(request, response, form.draft(), cleaned)
            return response
        response = HttpResponse(_new_page(request, form, campaign, None))
        drafts.draft_keep(request, response, form.draft())
        return response
    draft = drafts.draft_typed(request)
    # "Make a pledge as part of <organisation>" links from its page: the link wins over a draft.
    for_organisation = _organisation_from_link(request)

    def page(csrf_token: str | None = None) -> str:
        initial = draft or _profile_initial(request.user)
        if for_organisation is not None:
            initial = {**initial, "organisation_name": organisation_label(for_organisation)}
        form = PledgeForm(initial=initial, campaign=campaign, user=request.user)
        return _new_page(request, form, campaign, for_organisation, csrf_token=csrf_token)

    # The page everyone signed out with nothing typed sees is kept rendered (see cache.py).
    return blank_form_page(
        request,
        ("pledges:new", campaign.pk, campaign.name, campaign.window()),
        page,
        keep=_blank_form_for_anyone(request, draft),
    )


def _new_page(request, form, campaign, for_organisation, *, csrf_token: str | None = None) -> str:
    context = {"form": form, "campaign": campaign, "window": campaign.window(), "for_organisation": for_organisation}
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    return render_to_string("pledges/new.html", context, request)


def _blank_form_for_anyone(request, draft) -> bool:
    """The form page as everyone signed out with nothing typed yet sees it (so it can be kept)."""
    return (
        not draft
        and not request.GET
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES
        and "_messages" not in request.session
    )


def _organisation_from_link(request) -> Organisation | None:
    slug = request.GET.get("organisation", "")
    if not slug or len(slug) > 220:
        return None
    return Organisation.objects.listed().filter(slug=slug).first()


def _organisation_row(data: dict) -> str:
    organisation = data.get("organisation")
    if organisation is not None:
        return f"{organisation_label(organisation)} (in our directory: your pledge adds to its count)"
    if not data.get("organisation_name"):
        return "Not given"
    if data.get("organisation_several"):
        return (
            f"{data['organisation_name']} (more than one organisation in our directory has this name, so your "
            "pledge is not linked to one: add the town after a comma, or give its CQC provider ID)"
        )
    return f"{data['organisation_name']} (not in our directory, so kept private)"


def _draft_data(request, kept: dict, campaign: Campaign) -> dict | None:
    """The draft's checked values: kept from the form's POST, or checked again (None: not valid)."""
    data = drafts.draft_checked(request, kept)
    # Not open any more: the form below says why.
    if data is not None and campaign.is_open():
        return data
    form = PledgeForm(kept["typed"], campaign=campaign, user=request.user)
    if not form.is_valid():
        return None
    return {**form.cleaned_data, "organisation_several": form.organisation_several}


def _check_rows(data: dict, signed_in: bool) -> list[tuple[str, str, str]]:
    """The check-your-answers summary: (label, what they gave, the field to change it)."""
    rows = [
        ("Your pledge", data["text"], "text"),
        ("Theme", data["theme"].name, "theme"),
        ("Who it is for", dict(Pledge.Kind.choices)[data["kind"]], "kind_0"),
        ("Your role", dict(JobRole.choices)[data["job_role"]], "job_role"),
        ("Where you work", dict(Sector.choices)[data["sector"]], "sector"),
        ("Region", dict(Region.choices)[data["region"]], "region"),
        ("Organisation", _organisation_row(data), "organisation_name"),
        ("Name", data.get("name") or "Not given", "name"),
    ]
    if not signed_in:
        rows.append(("Email address", data["email"], "email"))
    rows.append(("Milestone emails", "Yes" if data.get("news_opt_in") else "No", "news_opt_in"))
    preview = Pledge(
        job_role=data["job_role"], region=data["region"], show_name=data["show_name"], name=data.get("name") or ""
    )
    rows.append(("Shown on the wall as", preview.shown_as, "show_name_0"))
    return rows


def _check_submit(request, campaign: Campaign, data: dict):
    """ "Send my pledge": rate limited, then the one submission service."""
    email = request.user.email if request.user.is_authenticated else data["email"]
    if not _rate_ok(request, "pledge", email):
        return _too_many(request)
    try:
        result = services.pledge_submit(campaign=campaign, data=data, user=request.user)
    except services.PledgeError as exc:
        messages.error(request, str(exc))
        return redirect("pledges:new")
    response = _after_submit(request, result)
    drafts.draft_forget(request, response)
    return response


@drafts.private_to_its_holder
def check(request):
    campaign = selectors.current_campaign()
    kept = drafts.draft_read(request)
    if campaign is None or not kept:
        if request.method == "POST" and drafts.result_read(request):
            # A second press of "Send my pledge": the first one already did the work.
            return redirect("pledges:sent")
        return redirect("pledges:new")
    data = _draft_data(request, kept, campaign)
    if data is None:
        return redirect("pledges:new")
    if request.method == "POST":
        return _check_submit(request, campaign, data)
    found = services.personal_data_found(
        text=data["text"], organisation_name=data.get("organisation_name") or "", name=data.get("name") or ""
    )
    signed_in = request.user.is_authenticated
    return render(
        request,
        "pledges/check.html",
        {"rows": _check_rows(data, signed_in), "campaign": campaign, "signed_in": signed_in, "found": found},
    )


@drafts.private_to_its_holder
def sent(request):
    result = drafts.result_read(request)
    if not result:
        return redirect("pledges:new")
    pledge = Pledge.objects.filter(pk=result["pledge"]).select_related("campaign").first() if result["pledge"] else None
    return render(request, "pledges/sent.html", {"result": result, "pledge": pledge})


def confirm(request, token: str):
    try:
        pledge_id = services.confirm_token_read(token)
    except signing.SignatureExpired:
        return render(request, "pledges/confirm_expired.html", status=410)
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        return render(request, "pledges/confirm_invalid.html", status=404)
    pledge = Pledge.objects.select_related("campaign", "theme").filter(pk=pledge_id).first()
    if pledge is None or pledge.status in Pledge.ENDED:
        return render(request, "pledges/confirm_invalid.html", status=404)
    if request.method == "POST":
        result = services.pledge_confirm(pledge_id=pledge.pk)
        # The link came to her inbox: from here on this browser shows the pledge as hers.
        _remember_managed(request, pledge)
        if result.outcome == "already":
            messages.info(request, "Your pledge was already confirmed. Thank you.")
            if result.pledge.is_public:
                return redirect(result.pledge)
        if result.outcome == "published":
            messages.success(request, "Thank you: your pledge is confirmed and on the wall.")
            return redirect(result.pledge)
        return _to_sent(result)
    return render(request, "pledges/confirm.html", {"pledge": pledge})


# --- Joining, reporting, done and withdraw -------------------------------------------


def join(request, pk: int):
    original = get_object_or_404(Pledge.objects.select_related("theme", "campaign"), pk=pk, status__in=Pledge.PUBLIC)
    if not original.campaign.is_open():
        messages.info(request, f"Pledging for {original.campaign.name} has closed, so this pledge cannot be joined.")
        return redirect(original)
    if request.method == "POST":
        form = PledgeForm(request.POST, campaign=original.campaign, user=request.user, join=True)
        if form.is_bot:
            return _to_sent()
        if form.is_valid():
            email = request.user.email if request.user.is_authenticated else form.cleaned_data["email"]
            if not _rate_ok(request, "join", email):
                return _too_many(request)
            try:
                result = services.pledge_join(original=original, data=form.cleaned_data, user=request.user)
            except services.PledgeError as exc:
                form.add_error(None, str(exc))
            else:
                if result.outcome == "duplicate":
                    messages.info(request, "You have already joined this pledge. Thank you.")
                    return redirect(original)
                return _after_submit(request, result)
    else:
        form = PledgeForm(
            initial=_profile_initial(request.user), campaign=original.campaign, user=request.user, join=True
        )
    return render(request, "pledges/join.html", {"form": form, "original": original})


def report(request, pk: int):
    pledge = get_object_or_404(Pledge, pk=pk, status__in=Pledge.PUBLIC)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get(HONEYPOT):
            return render(request, "pledges/reported.html", {"pledge": pledge})
        if not _rate_ok(request, "report"):
            return _too_many(request)
        services.pledge_report(
            pledge=pledge,
            reporter=services.reporter_key(user=request.user, ip=client_network(request)),
            reason=form.cleaned_data["reason"],
            detail=form.cleaned_data["detail"],
        )
        return render(request, "pledges/reported.html", {"pledge": pledge})
    return render(request, "pledges/report.html", {"form": form, "pledge": pledge})


def _manage(request, pledge: Pledge, action_url: str, withdraw_url: str, data_url: str | None = None):
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        # A page from before withdrawing asked to be sure: ask now, change nothing yet.
        return redirect(withdraw_url)
    form = DoneForm(request.POST or None, initial={"story": pledge.done_story})
    if request.method == "POST" and form.is_valid():
        try:
            pledge = services.pledge_mark_done(pledge=pledge, story=form.cleaned_data["story"])
        except services.PledgeError as exc:
            form.add_error("story" if "story" in str(exc) else None, str(exc))
        else:
            messages.success(request, "Well done! Your pledge is marked as done.")
            return redirect(pledge) if pledge.is_public else redirect("pledges:index")
    return render(
        request,
        "pledges/manage.html",
        {"form": form, "pledge": pledge, "action_url": action_url, "withdraw_url": withdraw_url, "data_url": data_url},
    )


def _withdraw(request, pledge: Pledge, manage_url: str):
    """'Are you sure?' first; the pledge leaves the wall only when the person says yes."""
    if request.method == "POST":
        services.pledge_withdraw(pledge=pledge)
        messages.success(request, "Your pledge has been withdrawn. It is no longer on the wall or in the totals.")
        return redirect("accounts:home" if request.user.is_authenticated else "pledges:index")
    return render(request, "pledges/withdraw.html", {"pledge": pledge, "manage_url": manage_url})


def _pledge_of_account(request, pk: int) -> Pledge:
    """The signed-in person's pledge; PermissionDenied if it is someone else's, 404 if it has ended."""
    pledge = get_object_or_404(Pledge.objects.select_related("theme", "campaign"), pk=pk)
    # A pledge made without an account belongs to whoever has proved they own its address.
    owns = pledge.user_id == request.user.pk or (
        pledge.email_normalised == normalise_email(request.user.email) and services.user_email_verified(request.user)
    )
    if not owns:
        raise PermissionDenied(
            "This pledge was made by someone else, or with an email address your account has not confirmed.",
            ("Email me links to my pledges", reverse("pledges:links")),
        )
    if pledge.status in Pledge.ENDED:
        raise Http404
    return pledge


@login_required
def manage(request, pk: int):
    pledge = _pledge_of_account(request, pk)
    return _manage(
        request,
        pledge,
        reverse("pledges:manage", args=[pk]),
        reverse("pledges:withdraw", args=[pk]),
        data_url=reverse("accounts:data_download"),
    )


@login_required
def withdraw(request, pk: int):
    pledge = _pledge_of_account(request, pk)
    return _withdraw(request, pledge, reverse("pledges:manage", args=[pk]))


def _pledge_of_link(request, token: str):
    """(pledge, None) for a good manage link, else (None, the page that says why)."""
    try:
        pledge_id = services.manage_token_read(token)
    except signing.SignatureExpired:
        return None, render(request, "pledges/confirm_expired.html", {"manage": True}, status=410)
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        return None, render(request, "pledges/confirm_invalid.html", status=404)
    pledge = (
        Pledge.objects.select_related("theme", "campaign").filter(pk=pledge_id).exclude(status__in=Pledge.ENDED).first()
    )
    if pledge is None:
        return None, render(request, "pledges/confirm_invalid.html", status=404)
    return pledge, None


def manage_signed(request, token: str):
    pledge, refusal = _pledge_of_link(request, token)
    if refusal:
        return refusal
    _remember_managed(request, pledge)
    return _manage(
        request,
        pledge,
        reverse("pledges:manage_signed", args=[token]),
        reverse("pledges:withdraw_signed", args=[token]),
        data_url=reverse("accounts:data_by_link", args=[data_link_token(pledge.email)]),
    )


def withdraw_signed(request, token: str):
    pledge, refusal = _pledge_of_link(request, token)
    if refusal:
        return refusal
    return _withdraw(request, pledge, reverse("pledges:manage_signed", args=[token]))


# --- Email me links to my pledges ----------------------------------------------------


def links(request):
    """The same answer whether or not the address has pledged; rate-limited per IP and address."""
    form = PledgeLinksForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not form.cleaned_data.get(HONEYPOT):
            if not _rate_ok(request, "links", email):
                return _too_many(request)
            services.pledge_links_send(email=email)
        return redirect("pledges:links_sent")
    return render(request, "pledges/links.html", {"form": form})


def links_sent(request):
    return render(request, "pledges/links_sent.html")


# --- Counts, embeds and open data ---------------------------------------------------


@cache_control(public=True, max_age=30)
@public_microcache
def counts(request):
    campaign = selectors.current_campaign()
    totals = selectors.campaign_totals(campaign)
    response = JsonResponse(
        {
            "campaign": {
                "name": campaign.name,
                "slug": campaign.slug,
                "day": campaign.day.isoformat(),
                "target": campaign.target,
            }
            if campaign
            else None,
            "pledges": totals["pledges"],
            "people": totals["people"],
            "done": totals["done"],
            "by_theme": totals["by_theme"],
            "by_region": totals["by_region"],
        }
    )
    # Organisations' intranet widgets read this from their own pages.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@cache_control(public=True, max_age=60)
def counter_svg(request):
    campaign = selectors.current_campaign()
    totals = selectors.campaign_totals(campaign)
    response = render(
        request,
        "pledges/counter.svg",
        {"campaign": campaign, "totals": totals},
        content_type="image/svg+xml; charset=utf-8",
    )
    # Organisations show this on their own intranets.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def embed(request):
    campaign = selectors.current_campaign()
    totals = selectors.campaign_totals(campaign)
    return render(request, "pledges/embed.html", {"campaign": campaign, "totals": totals})


def open_data(request):
    return render(request, "pledges/open_data.html")


OPEN_FIELDS = [
    "id",
    "campaign",
    "text",
    "theme",
    "kind",
    "role",
    "sector",
    "region",
    "shown_as",
    "done",
    "done_story",
    "joined_from",
    "published_at",
    "url",
]


def _open_rows():
    rows = (
        Pledge.objects.filter(status__in=Pledge.PUBLIC)
        .select_related("campaign", "theme")
        .order_by("id")
        .iterator(chunk_size=2000)
    )
    for p in rows:
        yield {
            "id": p.pk,
            "campaign": p.campaign.slug,
            "text": p.text,
            "theme": p.theme.slug,
            "kind": p.kind,
            "role": p.job_role,
            "sector": p.sector,
            "region": p.region,
            "shown_as": p.shown_as,
            "done": bool(p.done_at),
            "done_story": p.done_story,
            "joined_from": p.joined_from_id,
            "published_at": p.published_at.isoformat() if p.published_at else None,
            "url": settings.SITE_URL + p.get_absolute_url(),
        }


def open_data_csv(request):
    rows = ([row[f] for f in OPEN_FIELDS] for row in _open_rows())
    return csv_response(itertools.chain([OPEN_FIELDS], rows), "care-pledge-pledges.csv")


def open_data_json(request):
    def chunks():
        yield '{"fields": ' + json.dumps(OPEN_FIELDS) + ', "pledges": ['
        first = True
        for row in _open_rows():
            yield ("" if first else ",") + "\n" + json.dumps(row, ensure_ascii=False)
            first = False
        yield "\n]}\n"

    return StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
