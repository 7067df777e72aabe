import re
from datetime import date

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from accounts.roles import is_programme_admin
from core.ratelimit import client_ip, ratelimit_all
from core.urls import reverse

from . import services
from .badge import badge_describe, badge_png
from .forms import (
    AccessRequestForm,
    ChampionForm,
    DirectoryForm,
    EvidenceForm,
    JoinCodeForm,
    MemberForm,
    OrganisationForm,
    SignForm,
    StaffInviteForm,
    StatementsForm,
    TaskDoneForm,
)
from .models import (
    AccessRequest,
    Audience,
    CommitmentTask,
    EmployeeCommitment,
    EmployeeCommitmentTask,
    EmployerCommitment,
    Membership,
    Organisation,
)
from .selectors import (
    commitment_section,
    directory,
    directory_listing,
    home_summary,
    is_member,
    is_representative,
    organisation_counts,
    organisation_for_page,
    organisation_page_figures,
    organisation_suggestions,
    organisation_summary,
)

SESSION_CHOSEN = "organisations:chosen:{}"


def _post(request):
    """Bound data on POST, even an empty one (an empty QueryDict is falsy)."""
    return request.POST if request.method == "POST" else None


def _today() -> date:
    return timezone.localdate()


def _refused(organisation: Organisation, who: str) -> PermissionDenied:
    """Why someone outside the organisation cannot do this, and how they could come in."""
    reason = (
        f"Only the {who} of {organisation.name} can do this. Being a representative of another organisation "
        f"does not give you access. If you work for {organisation.name}, ask one of its representatives to add you."
    )
    if organisation.cqc_provider_id:
        next_step = (
            f"Ask to be added to {organisation.name}",
            reverse("organisations:request-access", args=[organisation.cqc_provider_id]),
        )
    else:
        next_step = ("Go to the Social Care Commitment", reverse("organisations:index"))
    return PermissionDenied(reason, next_step)


def organisation_for_representative(request, slug: str) -> Organisation:
    """The organisation, for one of its representatives; PermissionDenied for anyone else."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not is_representative(request.user, organisation):
        raise _refused(organisation, "representatives")
    return organisation


def organisation_for_member(request, slug: str) -> Organisation:
    """The organisation, for its representatives and champions; PermissionDenied for anyone else."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not is_member(request.user, organisation):
        raise _refused(organisation, "representatives and champions")
    return organisation


def access_request_for_decider(request, pk: int) -> AccessRequest:
    """A request to join, for those who may decide it; PermissionDenied for anyone else."""
    access_request = get_object_or_404(AccessRequest.objects.select_related("organisation", "user"), pk=pk)
    if not services.access_request_can_decide(access_request=access_request, user=request.user):
        raise _refused(access_request.organisation, "representatives")
    return access_request


def _statements(audience: str):
    statement_set = services.statement_set_current()
    return list(statement_set.statements.filter(audience=audience).prefetch_related("tasks"))


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    # Size comes from CSS; the label makes the code meaningful to screen readers.
    svg = re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)
    svg = svg.replace("<svg ", '<svg role="img" aria-label="QR code for the invitation link" class="app-qr" ', 1)
    # Safe: the markup is path data drawn by qrcode; no text from the request is in it.
    return mark_safe(svg)  # noqa: S308


def _invite_url(request, organisation: Organisation) -> str:
    return request.build_absolute_uri(
        reverse("organisations:join-invite", args=[services.invitation_token(organisation)])
    )


def index(request):
    my_organisations = []
    if request.user.is_authenticated:
        my_organisations = list(request.user.memberships.select_related("organisation"))
    return render(request, "organisations/index.html", {"summary": home_summary(), "my_memberships": my_organisations})


@login_required
def register(request):
    form = OrganisationForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(user=request.user, **form.cleaned_data)
        except services.DuplicateCQCId as exc:
            form.duplicate = exc.organisation
            form.add_error("regulator_id", exc.messages[0])
        else:
            messages.success(request, f"{organisation.name} is registered. We will check it and tell you by email.")
            return redirect("organisations:dashboard", organisation.slug)
    return render(request, "organisations/register.html", {"form": form})


@login_required
def request_access(request, cqc_id: str):
    organisation = Organisation.objects.filter(Q(cqc_provider_id=cqc_id) | Q(regulator_id=cqc_id)).first()
    if organisation is None:
        raise Http404("No such organisation")
    if is_member(request.user, organisation):
        messages.info(request, f"You are already a member of {organisation.name}.")
        return redirect("organisations:dashboard", organisation.slug)
    form = AccessRequestForm(_post(request))
    if request.method == "POST" and form.is_valid():
        services.access_request_create(organisation=organisation, user=request.user, **form.cleaned_data)
        messages.success(request, f"Your request to join {organisation.name} has been sent.")
        return redirect("organisations:index")
    return render(request, "organisations/request_access.html", {"form": form, "organisation": organisation})


@login_required
def access_request_review(request, pk: int):
    access_request = access_request_for_decider(request, pk)
    if request.method == "POST":
        approve = request.POST.get("decision") == "approve"
        services.access_request_decide(access_request=access_request, user=request.user, approve=approve)
        messages.success(request, "Request approved." if approve else "Request declined.")
        return redirect("organisations:access-request", pk)
    return render(request, "organisations/access_request.html", {"access_request": access_request})


@login_required
def dashboard(request, slug: str):
    organisation = organisation_for_representative(request, slug)
    today = _today()
    commitment = EmployerCommitment.objects.filter(organisation=organisation).first()
    tasks = list(commitment.tasks.all()) if commitment else []
    context = {
        "organisation": organisation,
        "commitment": commitment,
        "tasks": tasks,
        "today": today,
        "status": commitment.status(today) if commitment else None,
        "counts": organisation_counts(organisation),
        "overdue": sum(1 for t in tasks if t.is_overdue(today)),
        "access_requests": organisation.access_requests.filter(status=AccessRequest.Status.PENDING).select_related(
            "user"
        ),
    }
    if commitment:
        invite_url = _invite_url(request, organisation)
        context.update(invite_url=invite_url, qr_svg=_qr_svg(invite_url))
    return render(request, "organisations/dashboard.html", context)


@login_required
def poster(request, slug: str):
    organisation = organisation_for_representative(request, slug)
    if not hasattr(organisation, "commitment"):
        messages.info(request, "The poster is ready once the organisation has signed the commitment.")
        return redirect("organisations:dashboard", slug)
    invite_url = _invite_url(request, organisation)
    return render(
        request,
        "organisations/poster.html",
        {"organisation": organisation, "invite_url": invite_url, "qr_svg": _qr_svg(invite_url)},
    )


@login_required
def members(request, slug: str):
    organisation = organisation_for_representative(request, slug)
    form = MemberForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_invite(organisation=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("email", exc.messages[0])
        else:
            who = membership.user.get_full_name() or "The person with that email address"
            messages.success(request, f"{who} is now a {membership.get_role_display().lower()}.")
            return redirect("organisations:members", slug)
    people = organisation.memberships.select_related("user").order_by("role", "user__email")
    return render(request, "organisations/members.html", {"organisation": organisation, "form": form, "people": people})


@login_required
@require_POST
def member_remove(request, slug: str, pk: int):
    organisation = organisation_for_representative(request, slug)
    membership = get_object_or_404(Membership, pk=pk, organisation=organisation)
    try:
        services.membership_remove(membership=membership, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"{membership.user.get_full_name() or 'The member of staff'} has been removed.")
    return redirect("organisations:members", slug)


@login_required
@require_POST
def invitation_rotate(request, slug: str):
    organisation = organisation_for_representative(request, slug)
    services.invitation_rotate(organisation=organisation, user=request.user)
    messages.success(
        request, "There is a new code and invitation link. Old codes, links and printed posters no longer work."
    )
    return redirect("organisations:dashboard", slug)


def _chosen_initial(statements, stored: list) -> dict:
    """The statements form's values for the choices kept in the session."""
    initial = {f"agree_{s.number}": True for s in statements}
    for choice in map(services.ChosenTask.from_session, stored):
        if choice.task_id is None:
            initial[f"own_{choice.statement_number}"] = choice.own_text
            initial[f"own_date_{choice.statement_number}"] = choice.target_date
        else:
            initial[f"task_{choice.task_id}"] = True
            initial[f"date_{choice.task_id}"] = choice.target_date
    return initial


def _chosen_summary(statements, chosen: list) -> list:
    """(statement, [(task text, target date), ...]) for each statement, as the sign step lists them."""
    tasks = {task.pk: task for s in statements for task in s.tasks.all()}

    def under(choice, statement) -> bool:
        if choice.task_id is None:
            return choice.statement_number == statement.number
        return tasks[choice.task_id].statement_id == statement.pk

    return [
        (s, [(c.own_text or tasks[c.task_id].text, c.target_date) for c in chosen if under(c, s)]) for s in statements
    ]


@login_required
def commit(request, slug: str):
    organisation = organisation_for_representative(request, slug)
    if not organisation.is_verified:
        messages.info(request, "You can sign the commitment once we have verified the organisation.")
        return redirect("organisations:dashboard", slug)
    if hasattr(organisation, "commitment"):
        messages.info(request, "This organisation has already signed the commitment.")
        return redirect("organisations:dashboard", slug)
    statements = _statements(Audience.EMPLOYER)
    key = SESSION_CHOSEN.format(organisation.pk)
    # Coming back from the sign step: show what they chose.
    initial = (
        _chosen_initial(statements, request.session[key])
        if request.method == "GET" and key in request.session
        else None
    )
    form = StatementsForm(
        _post(request), initial=initial, statements=statements, need_dates=True, one_per_statement=True
    )
    if request.method == "POST" and form.is_valid():
        request.session[key] = [c.as_session() for c in form.cleaned_data["chosen"]]
        return redirect("organisations:commit-sign", slug)
    return render(request, "organisations/commit.html", {"organisation": organisation, "form": form})


@login_required
def commit_sign(request, slug: str):
    organisation = organisation_for_representative(request, slug)
    key = SESSION_CHOSEN.format(organisation.pk)
    stored = request.session.get(key)
    if not stored:
        return redirect("organisations:commit", slug)
    chosen = [services.ChosenTask.from_session(row) for row in stored]
    form = SignForm(_post(request), initial={"signatory_name": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_commit(
                organisation=organisation,
                user=request.user,
                chosen=chosen,
                signatory_name=form.cleaned_data["signatory_name"],
                signatory_job_title=form.cleaned_data["signatory_job_title"],
            )
        except services.CommitmentError as exc:
            # A target date passed while the page was open: send them back with their choices kept.
            messages.error(request, " ".join(exc.statement_errors.values()) or exc.messages[0])
            return redirect("organisations:commit", slug)
        del request.session[key]
        messages.success(request, f"{organisation.name} has signed the Social Care Commitment.")
        return redirect("organisations:dashboard", slug)
    summary = _chosen_summary(_statements(Audience.EMPLOYER), chosen)
    return render(
        request, "organisations/commit_sign.html", {"organisation": organisation, "form": form, "summary": summary}
    )


@login_required
def task_done(request, slug: str, pk: int):
    organisation = organisation_for_representative(request, slug)
    task = get_object_or_404(
        CommitmentTask.objects.select_related("commitment"), pk=pk, commitment__organisation=organisation
    )
    form = TaskDoneForm(_post(request))
    if request.method == "POST" and form.is_valid():
        publish = form.cleaned_data["publish"]
        try:
            services.commitment_task_done(
                task=task, user=request.user, evidence=form.cleaned_data["evidence"], publish=publish
            )
        except ValidationError as exc:
            form.add_error("evidence", exc.messages[0])
        else:
            messages.success(
                request,
                "Task marked as done. Its evidence is on your public page." if publish else "Task marked as done.",
            )
            return redirect("organisations:dashboard", slug)
    return render(request, "organisations/task_done.html", {"organisation": organisation, "task": task, "form": form})


@login_required
def task_evidence(request, slug: str, pk: int):
    """Publish a done task's evidence on the public page (after the privacy check), change what
    is published, or take it down."""
    organisation = organisation_for_representative(request, slug)
    task = get_object_or_404(
        CommitmentTask.objects.select_related("commitment"),
        pk=pk,
        commitment__organisation=organisation,
        done_at__isnull=False,
    )
    if request.method == "POST" and request.POST.get("action") == "unpublish":
        services.commitment_task_evidence_unpublish(task=task, user=request.user)
        messages.success(request, "The evidence is no longer on your public page. It is still in your records.")
        return redirect("organisations:dashboard", slug)
    form = EvidenceForm(_post(request), initial={"evidence": task.evidence})
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_task_evidence_publish(
                task=task, user=request.user, evidence=form.cleaned_data["evidence"]
            )
        except ValidationError as exc:
            form.add_error("evidence", exc.messages[0])
        else:
            messages.success(request, "The evidence is on your public page.")
            return redirect("organisations:dashboard", slug)
    return render(
        request, "organisations/task_evidence.html", {"organisation": organisation, "task": task, "form": form}
    )


@login_required
@require_POST
def renew(request, slug: str):
    organisation = organisation_for_representative(request, slug)
    commitment = get_object_or_404(EmployerCommitment, organisation=organisation)
    commitment = services.commitment_renew(commitment=commitment, user=request.user)
    messages.success(request, f"Commitment renewed. The next renewal is due on {commitment.renewal_due_on:%-d %B %Y}.")
    return redirect("organisations:dashboard", slug)


def _employee_commit(request, organisation: Organisation, via_invite: bool):
    if not organisation.is_open_to_staff:
        messages.info(
            request, f"{organisation.name} has not signed the Social Care Commitment yet, so staff cannot join it."
        )
        return redirect(organisation.get_absolute_url())
    existing = EmployeeCommitment.objects.filter(user=request.user, organisation=organisation).first()
    if existing:
        messages.info(request, f"You have already made your commitment with {organisation.name}.")
        return redirect("accounts:home")
    form = StatementsForm(
        _post(request), statements=_statements(Audience.EMPLOYEE), need_dates=True, one_per_statement=False
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.employee_commit(organisation=organisation, user=request.user, chosen=form.cleaned_data["chosen"])
        except services.CommitmentError as exc:
            messages.error(request, exc.messages[0])
            return redirect("accounts:home")
        messages.success(request, f"Thank you. Your commitment with {organisation.name} is in your account.")
        return redirect("accounts:home")
    return render(
        request,
        "organisations/employee_commit.html",
        {"organisation": organisation, "form": form, "via_invite": via_invite},
    )


@login_required
def join(request, slug: str):
    organisation = get_object_or_404(Organisation.objects.listed(), slug=slug)
    return _employee_commit(request, organisation, via_invite=False)


def join_invite(request, token: str):
    try:
        organisation = services.invitation_organisation(token)
    except services.StaleInvitation as exc:
        return render(request, "organisations/stale_invitation.html", {"reason": str(exc)}, status=410)
    if not request.user.is_authenticated:
        return render(request, "organisations/join_sign_in.html", {"organisation": organisation})
    return _employee_commit(request, organisation, via_invite=True)


@login_required
def champion(request, slug: str):
    organisation = organisation_for_member(request, slug)
    if not hasattr(organisation, "commitment"):
        messages.info(request, "You can record commitments once the organisation has signed the commitment.")
        return redirect("organisations:index")
    person = ChampionForm(_post(request), prefix="person")
    statements = StatementsForm(
        _post(request), statements=_statements(Audience.EMPLOYEE), need_dates=False, one_per_statement=False
    )
    statements.require_one = False
    if request.method == "POST" and person.is_valid() and statements.is_valid():
        services.champion_record_commitment(
            organisation=organisation,
            champion=request.user,
            name=person.cleaned_data["name"],
            job_role=person.cleaned_data["job_role"],
            chosen=statements.cleaned_data["chosen"],
        )
        messages.success(request, f"Commitment recorded for {person.cleaned_data['name']}.")
        return redirect("organisations:champion", slug)
    return render(
        request,
        "organisations/champion.html",
        {
            "organisation": organisation,
            "person": person,
            "form": statements,
            "has_errors": bool(person.errors or statements.errors),
        },
    )


def directory_view(request):
    form = DirectoryForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = _today()
    organisations = directory(q=filters.get("q", ""), region=filters.get("region", ""), type=filters.get("type", ""))
    page = Paginator(organisations, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    listing = directory_listing(page, today=today, query=query.urlencode(), keep=form.chosen_only())
    return render(request, "organisations/directory.html", {"search": form, "listing": listing})


def lookup(request):
    """Suggestions for the organisation box on the pledge and Care Maker forms (names and
    towns of public directory entries only). The forms work without it."""
    response = JsonResponse({"suggestions": organisation_suggestions(request.GET.get("q", "")[:200])})
    response["Cache-Control"] = "public, max-age=300"
    return response


def detail(request, slug: str):
    organisation, evidence = organisation_for_page(slug)
    if organisation is None:
        raise Http404("No such organisation")
    if (
        not organisation.is_verified
        and not is_member(request.user, organisation)
        and not is_programme_admin(request.user)
    ):
        # Unverified organisations are not public.
        raise Http404("No such organisation")
    today = _today()
    commitment = getattr(organisation, "commitment", None)
    status = commitment.status(today) if commitment else None
    counts, tasks = organisation_page_figures(organisation)
    context = {
        "organisation": organisation,
        "commitment": commitment,
        "summary": organisation_summary(organisation, commitment, status, counts),
        "commitment_section": commitment_section(organisation, commitment, tasks, evidence) if commitment else "",
        "is_rep": is_representative(request.user, organisation),
    }
    if context["is_rep"]:  # the badge's embed code, shown to its representatives only
        context["badge_url"] = request.build_absolute_uri(reverse("organisations:badge", args=[slug]))
        context["page_url"] = request.build_absolute_uri(organisation.get_absolute_url())
    return render(request, "organisations/detail.html", context)


def _badge(request, slug: str):
    organisation = get_object_or_404(Organisation.objects.listed().select_related("commitment"), slug=slug)
    commitment = getattr(organisation, "commitment", None)
    lapsed = commitment.is_lapsed(_today()) if commitment else False
    return organisation, badge_describe(organisation=organisation, commitment=commitment, lapsed=lapsed)


def _badge_response(request, organisation, content, content_type: str, extension: str):
    response = HttpResponse(content, content_type=content_type)
    # Other sites embed this; it changes at most daily, so a short cache is enough.
    response["Cache-Control"] = "public, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    if "download" in request.GET:
        response["Content-Disposition"] = (
            f'attachment; filename="social-care-commitment-{organisation.slug}.{extension}"'
        )
    return response


def badge(request, slug: str):
    organisation, described = _badge(request, slug)
    svg = render_to_string(
        "organisations/badge.svg",
        {"badge": described, "page_url": request.build_absolute_uri(organisation.get_absolute_url())},
    )
    return _badge_response(request, organisation, svg, "image/svg+xml; charset=utf-8", "svg")


def badge_png_view(request, slug: str):
    organisation, described = _badge(request, slug)
    return _badge_response(request, organisation, badge_png(described), "image/png", "png")


# A code has 27**8 values; these limits make guessing one pointless and keep an error for a typo cheap.
JOIN_CODE_LIMITS = ((60, 600), (300, 86400))
# Invitation emails go to addresses a representative types: a cap on how many she can send.
STAFF_INVITE_LIMITS = ((10, 3600), (40, 86400))


def join_code(request):
    """Staff type the short code from the poster or the email, and reach their employer's commitment."""
    form = JoinCodeForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        ip = client_ip(request)
        if not ratelimit_all([(f"join-code:{ip}:{period}", limit, period) for limit, period in JOIN_CODE_LIMITS]):
            form.add_error("code", "You have tried too many codes. Wait 10 minutes, then try again")
        else:
            organisation = services.organisation_by_join_code(form.cleaned_data["code"])
            if organisation is None:
                form.add_error(
                    "code", "We cannot find that code. Check it with your employer: it has 8 letters and numbers"
                )
            else:
                return redirect("organisations:join", organisation.slug)
    return render(request, "organisations/join_code.html", {"form": form})


@login_required
def certificate(request, slug: str):
    organisation = organisation_for_representative(request, slug)
    commitment = EmployerCommitment.objects.filter(organisation=organisation).first()
    if commitment is None:
        messages.info(request, "Your certificate is ready once the organisation has signed the commitment.")
        return redirect("organisations:dashboard", slug)
    return render(request, "organisations/certificate.html", {"organisation": organisation, "commitment": commitment})


@login_required
def staff_invite(request, slug: str):
    organisation = organisation_for_representative(request, slug)
    if not organisation.is_open_to_staff:
        messages.info(request, "You can invite staff once the organisation has signed the commitment.")
        return redirect("organisations:dashboard", slug)
    form = StaffInviteForm(_post(request))
    if request.method == "POST" and form.is_valid():
        key = f"staff-invite:{request.user.pk}"
        if not ratelimit_all([(f"{key}:{period}", limit, period) for limit, period in STAFF_INVITE_LIMITS]):
            form.add_error("emails", "You have sent a lot of invitations. Wait an hour, then send the rest")
        else:
            result = services.staff_invite_by_email(
                organisation=organisation, by=request.user, emails=form.cleaned_data["emails"]
            )
            sent = len(result.sent)
            text = f"{sent} invitation{'s' if sent != 1 else ''} sent."
            if result.already:
                already = len(result.already)
                text += f" {already} {'person was' if already == 1 else 'people were'} already invited, so we did not email them again."
            messages.success(request, text)
            return redirect("organisations:dashboard", slug)
    return render(request, "organisations/staff_invite.html", {"organisation": organisation, "form": form})


@login_required
@require_POST
def employee_task_done(request, pk: int):
    task = get_object_or_404(EmployeeCommitmentTask.objects.select_related("commitment"), pk=pk)
    if task.commitment.user_id != request.user.pk:
        raise Http404("No such task")
    services.employee_task_done(task=task, user=request.user)
    messages.success(request, f"Well done. “{task.task_text}” is marked as done.")
    return redirect("accounts:home")
