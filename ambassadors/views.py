import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.choices import Region
from core.csv_stream import csv_response
from core.urls import reverse

from . import permissions, selectors, services
from .forms import (
    ActivityForm,
    ApplicationForm,
    BulkDecisionForm,
    DecisionForm,
    DirectoryFilterForm,
    EligibilityCheckForm,
    ProfileForm,
    ReviewFilterForm,
    StoryFilterForm,
    StoryForm,
    WaitlistForm,
)
from .models import Activity, Application, CareMaker, Intake, Story, six_cs
from .moderation import STORY_QUEUE_KEY

PAGE_SIZE = 20


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def index(request):
    return render(
        request,
        "ambassadors/index.html",
        {
            "summary": selectors.home_summary(),
            "six_cs": six_cs(),
            "intake": services.open_intake(),
            "next_intake": services.next_intake(),
            "pilot": Intake.objects.filter(is_pilot=True).order_by("opens_on").first(),
        },
    )


def applicant_with_confirmed_email(request):
    """The signed-in person, once their email address is confirmed: applying needs a proved address."""
    if not request.user.has_verified_email():
        raise PermissionDenied(
            "Confirm your email address before you apply to be a Care Maker: use the link we sent you.",
            ("Send the confirmation email again", reverse("account_email")),
        )
    return request.user


def _eligibility_checked(request) -> dict:
    """The role and sector the person asked to check (?role=&sector=), when they are valid."""
    if "role" not in request.GET:
        return {}
    check = EligibilityCheckForm(request.GET)
    return check.cleaned_data if check.is_valid() else {}


def _apply_page(request, form: ApplicationForm, intake: Intake, initial: dict):
    role = form.data.get("role") if form.is_bound else initial["role"]
    sector = form.data.get("sector") if form.is_bound else initial["sector"]
    eligibility = selectors.application_eligibility(request.user, role=role, sector=sector)
    closed = eligibility["closed"]
    return render(
        request,
        "ambassadors/apply.html",
        {
            **eligibility,
            "form": form,
            "intake": intake,
            "six_cs": six_cs(),
            # Someone who cannot apply yet is not asked to write an application first; one who
            # posted it anyway keeps everything typed, under the explanation.
            "show_form": not closed or form.is_bound,
            "check_form": EligibilityCheckForm(initial={"role": role, "sector": sector}),
            "waitlist_form": WaitlistForm(initial={"role": role, "sector": sector}) if closed else None,
        },
    )


@login_required
def apply(request):
    user = applicant_with_confirmed_email(request)
    elsewhere = selectors.application_elsewhere(user)
    if elsewhere:
        messages.info(request, elsewhere[0])
        return redirect(elsewhere[1])
    intake = services.open_intake()
    if intake is None:
        return render(request, "ambassadors/apply_closed.html", {"next_intake": services.next_intake()})
    # Role and sector to judge eligibility by: what was posted, else a check the person asked
    # for (?role=&sector=), else their account's.
    initial = selectors.application_initial(user, _eligibility_checked(request))
    form = ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(user=user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Thank you. Your application has been sent to your regional lead.")
            return redirect("ambassadors:my_application")
    return _apply_page(request, form, intake, initial)


@login_required
@require_POST
def waitlist(request):
    form = WaitlistForm(request.POST)
    if not form.is_valid():
        messages.error(request, "We could not tell which role you wanted to hear about. Please try again.")
        return redirect("ambassadors:apply")
    services.eligibility_wait(user=request.user, **form.cleaned_data)
    messages.success(request, "We will email you once when Care Maker applications open to your role and sector.")
    # Back to the page he came from, for the role and sector he asked about, not to a page
    # whose first button invites him to apply.
    return redirect(f"{reverse('ambassadors:apply')}?{urlencode(form.cleaned_data)}")


@login_required
def my_application(request):
    application = selectors.latest_application(request.user)
    if application is None:
        return redirect("ambassadors:apply")
    return render(request, "ambassadors/my_application.html", {"application": application})


@login_required
@require_POST
def withdraw(request):
    application = Application.objects.filter(user=request.user, status=Application.Status.SUBMITTED).first()
    if application is None:
        messages.error(request, "You have no application waiting for a decision to withdraw.")
        return redirect("ambassadors:my_application")
    services.application_withdraw(application=application, user=request.user)
    messages.success(request, "Your application has been withdrawn. You can apply again while the intake is open.")
    return redirect("ambassadors:my_application")


def endorse(request, token):
    try:
        application = services.application_from_endorse_token(token)
    except ValidationError as error:
        return render(request, "ambassadors/link_invalid.html", {"message": error.messages[0]}, status=400)
    if request.method == "POST":
        application = services.application_endorse(token=token)
        return render(request, "ambassadors/endorse_done.html", {"application": application})
    return render(request, "ambassadors/endorse.html", {"application": application})


def _require_reviewer(request):
    if not request.user.is_authenticated:
        return None
    regions = permissions.review_regions(request.user)
    if not regions:
        raise PermissionDenied("Only regional leads and programme admins can review Care Maker applications.")
    return regions


@login_required
def review_queue(request):
    regions = _require_reviewer(request)
    filters = ReviewFilterForm(request.GET, regions=regions)
    form = BulkDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        back = f"{reverse('ambassadors:review')}?{_query_without_page(request)}"
        response = _decide(request, form, form.chosen(), regions=regions, back=back)
        if response:
            return response
    return render(
        request,
        "ambassadors/review_queue.html",
        {
            "filters": filters,
            "page_obj": _page(request, filters.applications()),
            "form": form,
            "query": _query_without_page(request),
            "lead_regions": [label for value, label in Region.choices if value in regions],
            "all_regions": permissions.is_programme_admin(request.user),
        },
    )


def _decide(request, form, applications, *, regions, back: str):
    """Decide through application_decide; on success say what happened and go `back`. A rule
    the service keeps (the intake's places) becomes an error on the form: None, so the page shows it."""
    try:
        result = services.application_decide(applications=applications, decider=request.user, **form.decision_args())
    except PermissionDenied:
        return _outside_region(request, regions)
    except ValidationError as error:
        form.add_error(None, error.messages[0])
        return None
    _decision_messages(request, result, form.decision_args())
    return redirect(back)


def _outside_region(request, regions):
    """Refuse an application outside the lead's regions (raises: the one 403 page says why)."""
    labels = [label for value, label in Region.choices if value in regions]
    raise PermissionDenied(
        f"This application is not in your region. You can only see and decide applications from "
        f"{', '.join(labels)}. Nothing has been changed. If it should be yours, ask a programme admin "
        "to add the region to your account.",
        ("Back to your applications", reverse("ambassadors:review")),
    )


def _decision_messages(request, result: dict, decision: dict) -> None:
    if result["decided"]:
        approve = decision["action"] == "approve"
        count = len(result["decided"])
        told = " The applicants have been emailed." if approve or decision["reason"].notify_author else ""
        messages.success(
            request, f"{count} application{'s' if count != 1 else ''} {'approved' if approve else 'declined'}.{told}"
        )
    if result["already"]:
        count = len(result["already"])
        if count == 1:
            text = "1 application was already decided or withdrawn, so it was not changed."
        else:
            text = f"{count} applications were already decided or withdrawn, so they were not changed."
        messages.warning(request, text)


@login_required
def review_detail(request, pk):
    regions = _require_reviewer(request)
    application = get_object_or_404(Application.objects.select_related("user", "intake", "decline_reason"), pk=pk)
    if application.region not in regions:
        return _outside_region(request, regions)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _decide(request, form, [application], regions=regions, back=reverse("ambassadors:review"))
        if response:
            return response
    return render(
        request,
        "ambassadors/review_detail.html",
        {"application": application, "form": form, "decisions": selectors.application_decisions(application)},
    )


def directory(request):
    filters = DirectoryFilterForm(request.GET)
    values = filters.cleaned_data if filters.is_valid() else {}
    people = selectors.directory(**{k: values.get(k, "") for k in ("region", "role", "sector", "c")})
    page = _page(request, people)
    listing = selectors.directory_listing(page, query=_query_without_page(request), keep=filters.chosen_only())
    return render(request, "ambassadors/directory.html", {"filters": filters, "listing": listing})


def profile(request, number):
    care_maker = get_object_or_404(CareMaker.objects.select_related("user"), number=number)
    if not (care_maker.active and care_maker.public_profile):
        raise Http404
    stories = care_maker.stories.filter(status__in=Story.PUBLIC).order_by("-published_at")[:10]
    # Named activities only where the Care Maker chose to list them; otherwise only in the totals.
    activities = care_maker.activities.all()[:10] if care_maker.show_activities else []
    return render(
        request, "ambassadors/profile.html", {"care_maker": care_maker, "stories": stories, "activities": activities}
    )


def _own_care_maker(request) -> CareMaker:
    care_maker = CareMaker.objects.filter(user=request.user).first()
    if care_maker is None:
        raise PermissionDenied(
            "This page is for Care Makers.", ("Find out how to become a Care Maker", reverse("ambassadors:index"))
        )
    return care_maker


@login_required
def my_profile(request):
    care_maker = _own_care_maker(request)
    form = ProfileForm(request.POST or None, instance=care_maker)
    if request.method == "POST" and form.is_valid():
        services.caremaker_update_profile(care_maker=care_maker, data=form.cleaned_data)
        messages.success(request, "Your Care Maker profile has been saved.")
        return redirect("ambassadors:my_profile")
    return render(request, "ambassadors/my_profile.html", {"care_maker": care_maker, "form": form})


@login_required
@require_POST
def recommit_me(request):
    """A signed-in Care Maker can recommit at any time, even after their emailed link has expired."""
    care_maker = services.caremaker_recommit(care_maker=_own_care_maker(request))
    messages.success(request, f"Thank you. You have recommitted as Care Maker {care_maker.number} for another year.")
    return redirect("ambassadors:my_profile")


def counts(request):
    return render(request, "ambassadors/counts.html", {"figures": selectors.figures_page()})


def impact(request):
    return render(request, "ambassadors/impact.html", {"figures": selectors.impact_page()})


def impact_csv(request):
    rows = selectors.impact_rows(selectors.impact_report())
    return csv_response([selectors.IMPACT_FIELDS, *rows], "care-makers-impact.csv")


def impact_json(request):
    rows = selectors.impact_rows(selectors.impact_report())
    body = {
        "note": "Figures under 5 are given as 'fewer than 5', as on the page.",
        "fields": selectors.IMPACT_FIELDS,
        "figures": [dict(zip(selectors.IMPACT_FIELDS, row, strict=True)) for row in rows],
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8")


@login_required
def my_activities(request):
    care_maker = _own_care_maker(request)
    return render(
        request,
        "ambassadors/my_activities.html",
        {"care_maker": care_maker, "page_obj": _page(request, care_maker.activities.all())},
    )


@login_required
def activity_new(request):
    care_maker = _own_care_maker(request)
    if not care_maker.active:
        messages.warning(request, "Recommit as a Care Maker to log activities again.")
        return redirect("ambassadors:my_profile")
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_log(care_maker=care_maker, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Your activity has been logged and added to the Care Makers totals.")
            return redirect("ambassadors:my_activities")
    return render(request, "ambassadors/activity_form.html", {"form": form, "activity": None})


def _own_activity(request, pk) -> tuple[CareMaker, Activity]:
    care_maker = _own_care_maker(request)
    # Another Care Maker's activity is not found, rather than forbidden: its existence is not theirs to know.
    return care_maker, get_object_or_404(Activity, pk=pk, care_maker=care_maker)


@login_required
def activity_edit(request, pk):
    care_maker, activity = _own_activity(request, pk)
    if not care_maker.active:
        messages.warning(request, "Recommit as a Care Maker to change your activities.")
        return redirect("ambassadors:my_activities")
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(activity=activity, care_maker=care_maker, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Your activity has been saved.")
            return redirect("ambassadors:my_activities")
    return render(request, "ambassadors/activity_form.html", {"form": form, "activity": activity})


@login_required
def activity_delete(request, pk):
    care_maker, activity = _own_activity(request, pk)
    if request.method == "POST":
        services.activity_delete(activity=activity, care_maker=care_maker)
        messages.success(request, "Your activity has been deleted and taken out of the totals.")
        return redirect("ambassadors:my_activities")
    return render(request, "ambassadors/activity_delete.html", {"activity": activity})


def stories(request):
    filters = StoryFilterForm(request.GET)
    c = filters.cleaned_data.get("c", "") if filters.is_valid() else ""
    return render(
        request,
        "ambassadors/stories.html",
        {
            "filters": filters,
            "page_obj": _page(request, selectors.published_stories(c=c), size=10),
            "query": _query_without_page(request),
            "six_cs": six_cs(),
            "current_c": c,
        },
    )


def story(request, pk):
    item = get_object_or_404(
        Story.objects.select_related("care_maker", "care_maker__user"), pk=pk, status__in=Story.PUBLIC
    )
    return render(request, "ambassadors/story.html", {"story": item})


@login_required
def story_new(request):
    care_maker = _own_care_maker(request)
    if not care_maker.active:
        messages.warning(request, "Recommit as a Care Maker to post stories again.")
        return redirect("ambassadors:my_profile")
    form = StoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.story_submit(care_maker=care_maker, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Thank you. Your story will appear once a moderator has checked it.")
            return redirect("ambassadors:stories")
    return render(request, "ambassadors/story_form.html", {"form": form})


def moderate_stories(request):
    """Stories used to have a page of their own; they are moderated in the moderation queue,
    which claims each story, asks for a reason and records every decision."""
    return redirect("moderation:queue", key=STORY_QUEUE_KEY, permanent=True)


def recommit(request, token):
    try:
        care_maker = services.care_maker_from_recommit_token(token)
    except ValidationError as error:
        return render(request, "ambassadors/link_invalid.html", {"message": error.messages[0]}, status=400)
    if request.method == "POST":
        care_maker = services.caremaker_recommit(care_maker=care_maker)
        return render(request, "ambassadors/recommit_done.html", {"care_maker": care_maker})
    return render(
        request,
        "ambassadors/recommit.html",
        {"care_maker": care_maker, "now": timezone.now(), "year": services.activity_year(care_maker=care_maker)},
    )
