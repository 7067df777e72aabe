"""Every change that matters in the Social Care Commitment.

Counters (see HELPERS.md for the agreed names) move in the same transaction as the rows
they count; the recount registered in apps.py repairs any drift.
"""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.roles import is_programme_admin
from core.privacy import find_personal_data, refuse_personal_data
from core.queries import kept_query
from core.urls import reverse
from counters.services import counters_add
from mail.models import Email
from mail.services import email_queue
from moderation.services import decision_record, reason_tells_author

from . import keys as organisation_keys
from .models import (
    AccessRequest,
    Audience,
    CommitmentTask,
    EmployeeCommitment,
    EmployeeCommitmentTask,
    EmployerCommitment,
    Membership,
    Organisation,
    Statement,
    StatementSet,
    Task,
    add_one_year,
    join_code_new,
    join_code_normalise,
)
from .regulators import Nation, nation_for_region
from .selectors import admin_emails, directory_changed, is_representative, representatives

logger = logging.getLogger(__name__)

INVITE_SALT = "organisations.invite"


class CommitmentError(ValidationError):
    """A rule about a commitment was broken; `statement_errors` maps statement number to a message."""

    def __init__(self, message, statement_errors: dict[int, str] | None = None):
        super().__init__(message)
        self.statement_errors = statement_errors or {}


class DuplicateCQCId(ValidationError):
    def __init__(self, organisation: Organisation):
        super().__init__("An organisation with this CQC provider ID is already registered.")
        self.organisation = organisation


# A task an organisation writes itself: printed on its certificate, so kept short.
OWN_TASK_MAX_LENGTH = 200


@dataclass(frozen=True)
class ChosenTask:
    """A listed task (task_id), or one of the organisation's own (own_text under statement_number)."""

    task_id: int | None
    target_date: date | None = None
    own_text: str = ""
    statement_number: int | None = None

    def as_session(self) -> list:
        return [
            self.task_id,
            self.target_date.isoformat() if self.target_date else None,
            self.own_text,
            self.statement_number,
        ]

    @classmethod
    def from_session(cls, row: list) -> "ChosenTask":
        task_id, target, own_text, number = (list(row) + ["", None])[:4]
        return cls(
            task_id=task_id,
            target_date=date.fromisoformat(target) if target else None,
            own_text=own_text or "",
            statement_number=number,
        )


# --- statements -------------------------------------------------------------------


def statement_set_current() -> StatementSet | None:
    """The newest published set that is complete (seven statements for each audience): what new commitments sign.

    A set an admin is still writing, even if marked published too early, is never offered.
    """
    return _complete_statement_sets.first()


@kept_query  # read by every commitment page: its SQL is compiled once per process
def _complete_statement_sets():
    from django.db.models import Count, Q

    return (
        StatementSet.objects.filter(published_at__isnull=False)
        .annotate(
            employer=Count("statements", filter=Q(statements__audience=Audience.EMPLOYER)),
            employee=Count("statements", filter=Q(statements__audience=Audience.EMPLOYEE)),
        )
        .filter(employer=7, employee=7)
        .order_by("-version")[:1]
    )


def _snapshot(statements) -> list[dict]:
    return [{"number": s.number, "title": s.title, "text": s.text} for s in statements]


# --- organisations ----------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def organisation_register(
    *,
    user,
    name: str,
    type: str,
    cqc_provider_id: str = "",
    regulator_id: str = "",
    ods_code: str = "",
    town: str,
    region: str,
    size: str,
    website: str = "",
    nation: str | None = None,
) -> Organisation:
    """Register an organisation; the person who registers it becomes its representative.

    The nation (and so the regulator) follows the region; outside England the regulator's ID is
    regulator_id, in England the CQC provider ID."""
    nation = nation_for_region(region)
    cqc_provider_id = (cqc_provider_id or "").strip()
    regulator_id = (regulator_id or "").strip().upper()
    if nation != Nation.ENGLAND:
        regulator_id, cqc_provider_id = regulator_id or cqc_provider_id, ""
    else:
        regulator_id = ""
    if cqc_provider_id:
        existing = Organisation.objects.filter(cqc_provider_id=cqc_provider_id).first()
        if existing:
            raise DuplicateCQCId(existing)
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name.strip(),
                slug=_unique_slug(name),
                type=type,
                nation=nation,
                cqc_provider_id=cqc_provider_id,
                regulator_id=regulator_id,
                ods_code=(ods_code or "").strip().upper(),
                town=town.strip(),
                region=region,
                size=size,
                website=website,
                created_by=user,
            )
            Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.REPRESENTATIVE)
    except IntegrityError:
        # Two people registered the same CQC ID at the same moment: the database kept one.
        existing = Organisation.objects.filter(cqc_provider_id=cqc_provider_id).first()
        if existing:
            raise DuplicateCQCId(existing) from None
        raise
    return organisation


def organisation_verify(
    *, organisation: Organisation, admin, action: str = "verify", reason=None, note: str = ""
) -> bool:
    """A programme admin's verification decision: "verify" (listed from now on) or
    "cannot-verify" (with a reason: refused, and told why and what to do). Writes the audit row;
    tells the representatives on verifying, and on refusing when the reason says so. Returns
    False, with nothing written, if it was already verified (or, refusing, already refused)."""
    if not is_programme_admin(admin):
        raise PermissionDenied("Only programme admins can verify organisations.")
    if action not in ("verify", "cannot-verify"):
        raise ValueError(f"unknown verification decision {action!r}")
    if action == "cannot-verify" and reason is None:
        raise ValidationError("Choose why the organisation cannot be verified.", code="no_reason")
    with transaction.atomic():
        if action == "verify":
            # An organisation refused by mistake can still be verified later.
            updated = Organisation.objects.filter(pk=organisation.pk, verified_at__isnull=True).update(
                verified_at=timezone.now(), verified_by=admin
            )
        else:
            updated = (
                Organisation.objects.awaiting_verification()
                .filter(pk=organisation.pk)
                .update(verification_refused_at=timezone.now(), verification_refused_reason=reason.label[:120])
            )
        if not updated:
            return False
        organisation.refresh_from_db()
        decision_record(
            item_type="organisation",
            item_id=organisation.pk,
            summary=(
                f"{organisation.name} ({organisation.registration_id or 'no regulator ID'}, "
                f"{organisation.get_nation_display()})"
            ),
            action=action,
            actor=admin,
            reason=reason,
            note=note,
        )
        if action == "verify":
            _verified_email(organisation)
            transaction.on_commit(directory_changed)
        elif reason_tells_author(reason):
            _not_verified_email(organisation, reason)
    return True


def _verified_email(organisation: Organisation) -> None:
    _email_representatives(
        organisation,
        kind="organisation-verified",
        occasion=organisation.pk,
        commit_path=reverse("organisations:commit", args=[organisation.slug]),
        dashboard_path=reverse("organisations:dashboard", args=[organisation.slug]),
    )


def _not_verified_email(organisation: Organisation, reason) -> None:
    regulator = organisation.regulator
    _email_representatives(
        organisation,
        kind="organisation-not-verified",
        occasion=organisation.pk,
        reason=reason.label,
        explanation=reason.explanation,
        regulator=regulator.name,
        id_label=regulator.id_label,
        registration_id=organisation.registration_id,
        register_url=organisation.register_search_url(),
        register_path=reverse("organisations:register"),
    )


def _email_representatives(organisation: Organisation, *, kind: str, occasion: int, **context) -> None:
    """One email of `kind` to each representative, greeted by name; keyed `kind:occasion:person`,
    so queuing it again sends nothing twice. The outbox rows are about the organisation."""
    for rep in representatives(organisation):
        email_queue(
            kind=kind,
            to=rep.email,
            key=f"{kind}:{occasion}:{rep.pk}",
            about=organisation,
            context={"name": rep.get_short_name(), "organisation": organisation.name, **context},
        )


def membership_add(*, organisation: Organisation, user, role: str = Membership.Role.REPRESENTATIVE) -> Membership:
    membership, _ = Membership.objects.get_or_create(organisation=organisation, user=user, defaults={"role": role})
    return membership


def membership_invite(*, organisation: Organisation, by, email: str, role: str) -> Membership:
    """A representative adds a colleague who already has an account, as representative or champion."""

    if not is_representative(by, organisation):
        raise PermissionDenied("Only a representative can add people to the organisation.")
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise ValidationError("There is no Care Pledge account with that email address. Ask them to create one first.")
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            organisation=organisation, user=user, defaults={"role": role}
        )
        if not created and membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership, by) -> None:
    if not is_representative(by, membership.organisation):
        raise PermissionDenied("Only a representative can remove people from the organisation.")
    with transaction.atomic():
        reps = Membership.objects.select_for_update().representing(membership.organisation_id)
        if membership.role == Membership.Role.REPRESENTATIVE and len(reps) <= 1:
            raise ValidationError("An organisation needs at least one representative. Add another one first.")
        membership.delete()


# --- access requests --------------------------------------------------------------


def access_request_create(*, organisation: Organisation, user, job_title: str, message: str = "") -> AccessRequest:
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError("You are already a member of this organisation.")
    with transaction.atomic():
        existing = AccessRequest.objects.filter(
            organisation=organisation, user=user, status=AccessRequest.Status.PENDING
        ).first()
        if existing:
            return existing
        request = AccessRequest.objects.create(
            organisation=organisation, user=user, job_title=job_title, message=message
        )
        recipients = [rep.email for rep in representatives(organisation)] or admin_emails()
        for to in recipients:
            email_queue(
                kind="organisation-access-request",
                to=to,
                key=f"organisation-access-request:{request.pk}:{to}",
                about=request,
                context={
                    "organisation": organisation.name,
                    "requester": user.get_full_name(),
                    "requester_email": user.email,
                    "job_title": job_title,
                    "message": message,
                    "review_path": reverse("organisations:access-request", args=[request.pk]),
                },
            )
    return request


def access_request_can_decide(*, access_request: AccessRequest, user) -> bool:
    return is_programme_admin(user) or is_representative(user, access_request.organisation)


def access_request_decide(*, access_request: AccessRequest, user, approve: bool) -> AccessRequest:
    if not access_request_can_decide(access_request=access_request, user=user):
        raise PermissionDenied("Only the organisation's representatives or an admin can decide this request.")
    with transaction.atomic():
        updated = AccessRequest.objects.filter(pk=access_request.pk, status=AccessRequest.Status.PENDING).update(
            status=AccessRequest.Status.APPROVED if approve else AccessRequest.Status.DECLINED,
            decided_at=timezone.now(),
            decided_by=user,
        )
        if updated and approve:
            membership_add(organisation=access_request.organisation, user=access_request.user)
    access_request.refresh_from_db()
    return access_request


def access_request_approve(*, access_request: AccessRequest, user) -> AccessRequest:
    return access_request_decide(access_request=access_request, user=user, approve=True)


# --- employer commitment ----------------------------------------------------------


def _validate_choice(
    *,
    statement_set: StatementSet,
    audience: str,
    chosen: list[ChosenTask],
    today: date,
    need_dates: bool,
    one_per_statement: bool,
) -> tuple[list[Statement], dict[int, Task]]:
    statements = list(
        Statement.objects.filter(statement_set=statement_set, audience=audience).prefetch_related("tasks")
    )
    tasks = {task.pk: task for s in statements for task in s.tasks.all()}
    errors: dict[int, str] = {}
    chosen_by_statement: dict[int, list[ChosenTask]] = {}
    by_number = {s.number: s for s in statements}
    for choice in chosen:
        if choice.task_id is None:
            statement = by_number.get(choice.statement_number)
            text = choice.own_text.strip()
            if statement is None or not need_dates or not text or len(text) > OWN_TASK_MAX_LENGTH:
                raise CommitmentError("A task of your own needs a statement and up to 200 characters of text.")
            if find_personal_data(text):
                raise CommitmentError("A task of your own must not include anyone's personal details.")
            chosen_by_statement.setdefault(statement.pk, []).append(choice)
            continue
        task = tasks.get(choice.task_id)
        if task is None:
            raise CommitmentError("A chosen task is not part of these statements.")
        chosen_by_statement.setdefault(task.statement_id, []).append(choice)
    for statement in statements:
        picked = chosen_by_statement.get(statement.pk, [])
        if one_per_statement and not picked:
            errors[statement.number] = f"Choose at least one task for statement {statement.number}, {statement.title}"
            continue
        if need_dates:
            for choice in picked:
                if choice.target_date is None:
                    errors[statement.number] = (
                        f"Enter a target date for each task you chose under statement {statement.number}"
                    )
                elif choice.target_date < today:
                    errors[statement.number] = (
                        f"Target dates under statement {statement.number} must be today or in the future"
                    )
    if errors:
        raise CommitmentError("Check the tasks you chose.", errors)
    return statements, tasks


def employer_commit(
    *,
    organisation: Organisation,
    user,
    chosen: list[ChosenTask],
    signatory_name: str,
    signatory_job_title: str,
    today: date | None = None,
) -> EmployerCommitment:
    """Sign for the organisation: all seven statements, at least one dated task under each."""
    today = today or timezone.localdate()
    if not is_representative(user, organisation):
        raise PermissionDenied("Only a representative of this organisation can sign its commitment.")
    if not organisation.is_verified:
        raise CommitmentError("This organisation has not been verified yet.")
    if not signatory_name.strip() or not signatory_job_title.strip():
        raise CommitmentError("Enter the name and job title of the person signing.")
    statement_set = statement_set_current()
    statements, tasks = _validate_choice(
        statement_set=statement_set,
        audience=Audience.EMPLOYER,
        chosen=chosen,
        today=today,
        need_dates=True,
        one_per_statement=True,
    )
    numbers = {s.pk: s.number for s in statements}
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if EmployerCommitment.objects.filter(organisation=locked).exists():
            raise CommitmentError("This organisation has already signed the commitment.")
        commitment = EmployerCommitment.objects.create(
            organisation=locked,
            statement_set=statement_set,
            statements=_snapshot(statements),
            signed_by=user,
            signatory_name=signatory_name.strip(),
            signatory_job_title=signatory_job_title.strip(),
            committed_on=today,
            renewal_due_on=add_one_year(today),
        )
        created = CommitmentTask.objects.bulk_create(
            CommitmentTask(
                commitment=commitment,
                task=tasks[c.task_id] if c.task_id else None,
                statement_number=numbers[tasks[c.task_id].statement_id] if c.task_id else c.statement_number,
                task_text=tasks[c.task_id].text if c.task_id else c.own_text.strip(),
                own=c.task_id is None,
                target_date=c.target_date,
            )
            for c in chosen
        )
        amounts = Counter(
            {
                organisation_keys.COMMITTED: 1,
                organisation_keys.committed("region", locked.region): 1,
                organisation_keys.committed("type", locked.type): 1,
            }
        )
        for task in created:
            amounts.update(_task_keys("chosen", task.statement_number, locked.pk))
        counters_add(dict(amounts))
        _queue_committed_emails(commitment)
    return commitment


def _queue_committed_emails(commitment: EmployerCommitment) -> None:
    """The confirmation, with the certificate and the staff join code, to every representative."""
    organisation = commitment.organisation
    _email_representatives(
        organisation,
        kind="organisation-committed",
        occasion=commitment.pk,
        committed_on=f"{commitment.committed_on:%-d %B %Y}",
        renewal_due_on=f"{commitment.renewal_due_on:%-d %B %Y}",
        statements=[s["title"] for s in commitment.statements],
        join_code=organisation.join_code,
        join_path=reverse("organisations:join-code"),
        certificate_path=reverse("organisations:certificate", args=[organisation.slug]),
        dashboard_path=reverse("organisations:dashboard", args=[organisation.slug]),
    )


def _task_keys(state: str, statement_number: int, organisation_id: int) -> list[str]:
    """The organisation's total and the programme's for tasks in `state` under a statement."""
    return [
        organisation_keys.commitment_tasks(state, statement_number, organisation_id),
        organisation_keys.commitment_tasks(state, statement_number),
    ]


EVIDENCE_FIELD = "The evidence"


def commitment_task_done(*, task: CommitmentTask, user, evidence: str, publish: bool = False) -> bool:
    """Mark a task done with a note of evidence, private to the organisation unless `publish`
    (then the privacy check runs first). Returns False if it was already done."""
    if not is_representative(user, task.commitment.organisation):
        raise PermissionDenied("Only a representative of this organisation can record its tasks.")
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError("Describe what was done, as evidence.")
    if publish:
        refuse_personal_data(evidence, what=EVIDENCE_FIELD)
    organisation_id = task.commitment.organisation_id
    with transaction.atomic():
        now = timezone.now()
        updated = CommitmentTask.objects.filter(pk=task.pk, done_at__isnull=True).update(
            done_at=now, done_by=user, evidence=evidence, evidence_published_at=now if publish else None
        )
        if updated:
            # The row is ours until commit, so the rollup cannot count it overdue from here on;
            # if it already did, the task leaves the overdue totals as it joins the done ones.
            task.refresh_from_db()
            amounts = Counter({organisation_keys.tasks_done(organisation_id): 1})
            amounts.update(_task_keys("done", task.statement_number, organisation_id))
            if task.overdue_since is not None:
                amounts.subtract(_task_keys("overdue", task.statement_number, organisation_id))
            if publish:
                amounts[organisation_keys.EVIDENCE_PUBLISHED] += 1
            counters_add(dict(amounts))
    task.refresh_from_db()
    return bool(updated)


def commitment_task_evidence_publish(*, task: CommitmentTask, user, evidence: str) -> CommitmentTask:
    """Show a done task's evidence on the organisation's public page. `evidence` is the text as
    it will be shown (the representative may take out what is not for the public first) and
    replaces the private note; it must pass the privacy check."""
    if not is_representative(user, task.commitment.organisation):
        raise PermissionDenied("Only a representative of this organisation can publish its evidence.")
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError("Describe what was done, as evidence.", code="required")
    refuse_personal_data(evidence, what=EVIDENCE_FIELD)
    with transaction.atomic():
        locked = CommitmentTask.objects.select_for_update().get(pk=task.pk)
        if locked.done_at is None:
            raise ValidationError("Mark the task done before you publish its evidence.", code="not_done")
        newly = locked.evidence_published_at is None
        locked.evidence = evidence
        if newly:
            locked.evidence_published_at = timezone.now()
        locked.save(update_fields=["evidence", "evidence_published_at"])
        if newly:
            counters_add({organisation_keys.EVIDENCE_PUBLISHED: 1})
    return locked


def commitment_task_evidence_unpublish(*, task: CommitmentTask, user) -> bool:
    """Take a task's evidence off the public page; it stays as the organisation's private note.
    Returns False if it was not published."""
    if not is_representative(user, task.commitment.organisation):
        raise PermissionDenied("Only a representative of this organisation can unpublish its evidence.")
    with transaction.atomic():
        updated = CommitmentTask.objects.filter(pk=task.pk, evidence_published_at__isnull=False).update(
            evidence_published_at=None
        )
        if updated:
            counters_add({organisation_keys.EVIDENCE_PUBLISHED: -1})
    task.refresh_from_db()
    return bool(updated)


# Tasks counted into the overdue totals per transaction: a short lock even on the first run.
OVERDUE_BATCH = 2000


def commitment_tasks_overdue_rollup(*, today: date | None = None, dry_run: bool = False) -> int:
    """Count every task that has passed its target date undone, and was not counted before, into
    the overdue totals; returns how many. Overdue comes from time passing, not from an event, so
    this runs each night (and by hand: `manage.py rollup_overdue_tasks`). Running it again the
    same day counts nothing twice: each task is marked with the day it was first counted."""
    today = today or timezone.localdate()
    due = CommitmentTask.objects.filter(done_at__isnull=True, overdue_since__isnull=True, target_date__lt=today)
    if dry_run:
        return due.count()
    counted = 0
    while True:
        with transaction.atomic():
            # A task being marked done right now is skipped: it is done, not overdue, once that commits.
            rows = list(
                due.select_for_update(of=("self",), skip_locked=True)
                .order_by("pk")
                .values_list("pk", "commitment__organisation_id", "statement_number")[:OVERDUE_BATCH]
            )
            if not rows:
                break
            CommitmentTask.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(overdue_since=today)
            amounts = Counter()
            for _pk, organisation_id, number in rows:
                amounts.update(_task_keys("overdue", number, organisation_id))
            counters_add(dict(amounts))
        counted += len(rows)
        if len(rows) < OVERDUE_BATCH:
            break
    logger.info("overdue rollup: %s tasks newly overdue on %s", counted, today.isoformat())
    return counted


def commitment_evidence_recheck_privacy(*, dry_run: bool = False) -> int:
    """Run today's privacy check over published evidence: any it catches goes back to private,
    for the organisation to publish again without it. The private note is the organisation's
    record of work done, so it is kept as written. Returns how many."""
    caught = 0
    published = CommitmentTask.objects.filter(evidence_published_at__isnull=False).only("pk", "evidence")
    for task in published.iterator(chunk_size=500):
        if not find_personal_data(task.evidence):
            continue
        caught += 1
        if dry_run:
            continue
        with transaction.atomic():
            updated = CommitmentTask.objects.filter(pk=task.pk, evidence_published_at__isnull=False).update(
                evidence_published_at=None
            )
            if updated:
                counters_add({organisation_keys.EVIDENCE_PUBLISHED: -1})
    return caught


def commitment_renew(*, commitment: EmployerCommitment, user, today: date | None = None) -> EmployerCommitment:
    """Renew for another year from today (or from the due date, if renewing early)."""
    today = today or timezone.localdate()
    if not is_representative(user, commitment.organisation):
        raise PermissionDenied("Only a representative of this organisation can renew its commitment.")
    with transaction.atomic():
        locked = EmployerCommitment.objects.select_for_update().get(pk=commitment.pk)
        locked.renewal_due_on = add_one_year(max(today, locked.renewal_due_on))
        locked.renewed_at = timezone.now()
        locked.save(update_fields=["renewal_due_on", "renewed_at"])
    return locked


# --- invitations ------------------------------------------------------------------


def invitation_token(organisation: Organisation) -> str:
    # No timestamp: the link on a printed poster must stay the same until it is replaced.
    return signing.Signer(salt=INVITE_SALT).sign_object({"o": organisation.pk, "v": organisation.invite_version})


class StaleInvitation(Exception):
    pass


def invitation_organisation(token: str) -> Organisation:
    """The organisation a link invites to, or StaleInvitation if it was replaced or is not genuine."""
    try:
        data = signing.Signer(salt=INVITE_SALT).unsign_object(token)
    except signing.BadSignature:
        raise StaleInvitation("This invitation link is not valid.") from None
    organisation = Organisation.objects.listed().filter(pk=data.get("o")).first()
    if organisation is None or organisation.invite_version != data.get("v"):
        raise StaleInvitation("This invitation link has been replaced by a newer one.")
    return organisation


def invitation_rotate(*, organisation: Organisation, user) -> Organisation:
    if not is_representative(user, organisation):
        raise PermissionDenied("Only a representative can replace the invitation link.")
    with transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(
            invite_version=organisation.invite_version + 1, join_code=_unused_join_code()
        )
    organisation.refresh_from_db()
    return organisation


def _unused_join_code() -> str:
    # 27**8 codes: a clash is all but impossible, and the unique constraint is the real guard.
    while True:
        code = join_code_new()
        if not Organisation.objects.filter(join_code=code).exists():
            return code


def organisation_by_join_code(code: str) -> Organisation | None:
    """The organisation whose staff join with this code: verified and committed, else None."""
    code = join_code_normalise(code)
    if not code:
        return None
    return Organisation.objects.open_to_staff().filter(join_code=code).first()


@dataclass
class InvitationsSent:
    sent: list[str]
    already: list[str]


def staff_invite_by_email(*, organisation: Organisation, by, emails: list[str]) -> InvitationsSent:
    """One invitation email per address, through the outbox. Keyed on the address and the current
    invitation link, so pasting the same list again sends nothing new; after the link is replaced,
    a new invitation (with the new link) may be sent."""
    if not is_representative(by, organisation):
        raise PermissionDenied("Only a representative can invite staff.")
    if not hasattr(organisation, "commitment"):
        raise CommitmentError("Staff can be invited once the organisation has signed the commitment.")
    result = InvitationsSent(sent=[], already=[])
    with transaction.atomic():
        for email in dict.fromkeys(e.strip().lower() for e in emails if e.strip()):
            key = f"organisation-staff-invitation:{organisation.pk}:{organisation.invite_version}:{email}"
            if Email.objects.filter(key=key).exists():
                result.already.append(email)
                continue
            email_queue(
                kind="organisation-staff-invitation",
                to=email,
                key=key,
                context={
                    "organisation": organisation.name,
                    "inviter": by.get_short_name(),
                    "join_code": organisation.join_code,
                    "join_path": reverse("organisations:join-code"),
                    "invite_path": reverse("organisations:join-invite", args=[invitation_token(organisation)]),
                },
            )
            result.sent.append(email)
    return result


# --- employee commitment ----------------------------------------------------------


def _employee_record(*, organisation, user, name, job_role, assisted_by, chosen) -> EmployeeCommitment:
    # Employers commit first, then invite their staff.
    if not Organisation.objects.open_to_staff().filter(pk=organisation.pk).exists():
        raise CommitmentError(f"{organisation.name} is not open for staff commitments yet.")
    statement_set = statement_set_current()
    statements, tasks = _validate_choice(
        statement_set=statement_set,
        audience=Audience.EMPLOYEE,
        chosen=chosen,
        today=timezone.localdate(),
        need_dates=False,
        one_per_statement=False,
    )
    numbers = {s.pk: s.number for s in statements}
    with transaction.atomic():
        try:
            with transaction.atomic():
                commitment = EmployeeCommitment.objects.create(
                    user=user,
                    name=name,
                    job_role=job_role,
                    organisation=organisation,
                    statement_set=statement_set,
                    statements=_snapshot(statements),
                    assisted_by=assisted_by,
                    assisted=assisted_by is not None,
                )
        except IntegrityError:
            raise CommitmentError("You have already made your commitment with this organisation.") from None
        EmployeeCommitmentTask.objects.bulk_create(
            EmployeeCommitmentTask(
                commitment=commitment,
                task=tasks[c.task_id],
                statement_number=numbers[tasks[c.task_id].statement_id],
                task_text=tasks[c.task_id].text,
                target_date=c.target_date,
            )
            for c in chosen
        )
        if user is not None:
            # The profile's "Organisation" is the employer they committed with, unless they gave one.
            get_user_model().objects.filter(pk=user.pk, organisation_name="").update(
                organisation_name=organisation.name
            )
        amounts = {
            organisation_keys.staff_commitments(organisation.pk): 1,
            organisation_keys.STAFF_COMMITMENTS: 1,
        }
        if assisted_by is not None:
            amounts[organisation_keys.assisted(organisation.pk)] = 1
        counters_add(amounts)
    return commitment


def employee_commit(*, organisation: Organisation, user, chosen: list[ChosenTask]) -> EmployeeCommitment:
    """A signed-in employee's own commitment, linked to their employer. Private to them."""
    return _employee_record(
        organisation=organisation, user=user, name="", job_role=user.job_role, assisted_by=None, chosen=chosen
    )


def employee_task_done(*, task: EmployeeCommitmentTask, user) -> bool:
    """The staff member marks one of their own tasks done. Returns False if it already was."""
    if task.commitment.user_id is None or task.commitment.user_id != user.pk:
        raise PermissionDenied("Only the person who made this commitment can mark its tasks done.")
    with transaction.atomic():
        updated = EmployeeCommitmentTask.objects.filter(pk=task.pk, done_at__isnull=True).update(done_at=timezone.now())
    task.refresh_from_db()
    return bool(updated)


def champion_record_commitment(
    *, organisation: Organisation, champion, name: str, job_role: str, chosen: list[ChosenTask] | None = None
) -> EmployeeCommitment:
    """A champion records a colleague's commitment with name and role only (no email, no account)."""
    if not Membership.objects.filter(organisation=organisation, user=champion).exists():
        raise PermissionDenied("Only a champion or representative of this organisation can record commitments.")
    if not name.strip():
        raise CommitmentError("Enter the name of the person making the commitment.")
    return _employee_record(
        organisation=organisation,
        user=None,
        name=name.strip(),
        job_role=job_role,
        assisted_by=champion,
        chosen=chosen or [],
    )


# --- recount ----------------------------------------------------------------------


def organisations_recount() -> dict[str, int]:
    """The true value of every organisations:* counter."""
    from django.db.models import Count, Q

    truth: dict[str, int] = {}
    committed = EmployerCommitment.objects.values("organisation__region", "organisation__type")
    for row in committed:
        for key in (
            organisation_keys.COMMITTED,
            organisation_keys.committed("region", row["organisation__region"]),
            organisation_keys.committed("type", row["organisation__type"]),
        ):
            truth[key] = truth.get(key, 0) + 1
    staff = EmployeeCommitment.objects.values("organisation_id").annotate(n=Count("pk"))
    for row in staff:
        truth[organisation_keys.staff_commitments(row["organisation_id"])] = row["n"]
    truth[organisation_keys.STAFF_COMMITMENTS] = sum(row["n"] for row in staff)
    assisted = EmployeeCommitment.objects.filter(assisted=True).values("organisation_id").annotate(n=Count("pk"))
    for row in assisted:
        truth[organisation_keys.assisted(row["organisation_id"])] = row["n"]
    done = (
        CommitmentTask.objects.filter(done_at__isnull=False)
        .values("commitment__organisation_id")
        .annotate(n=Count("pk"))
    )
    for row in done:
        truth[organisation_keys.tasks_done(row["commitment__organisation_id"])] = row["n"]
    by_statement = CommitmentTask.objects.values("commitment__organisation_id", "statement_number").annotate(
        chosen=Count("pk"),
        done=Count("pk", filter=Q(done_at__isnull=False)),
        overdue=Count("pk", filter=Q(done_at__isnull=True, overdue_since__isnull=False)),
    )
    for row in by_statement:
        for state in organisation_keys.TASK_STATES:
            for key in _task_keys(state, row["statement_number"], row["commitment__organisation_id"]):
                truth[key] = truth.get(key, 0) + row[state]
    truth[organisation_keys.EVIDENCE_PUBLISHED] = CommitmentTask.objects.filter(
        evidence_published_at__isnull=False
    ).count()
    return {key: value for key, value in truth.items() if value}


# --- data rights ------------------------------------------------------------------

ERASED_NAME = "Removed at their request"


def personal_data_export(*, user, email: str) -> dict:
    if user is None:
        return {}
    return {
        "memberships": [
            {"organisation": m.organisation.name, "role": m.get_role_display(), "since": m.created_at.isoformat()}
            for m in Membership.objects.filter(user=user).select_related("organisation")
        ],
        "access_requests": [
            {"organisation": r.organisation.name, "job_title": r.job_title, "message": r.message, "status": r.status}
            for r in AccessRequest.objects.filter(user=user).select_related("organisation")
        ],
        "commitments_signed_for_employers": [
            {
                "organisation": c.organisation.name,
                "name": c.signatory_name,
                "job_title": c.signatory_job_title,
                "committed_on": c.committed_on.isoformat(),
            }
            for c in EmployerCommitment.objects.filter(signed_by=user).select_related("organisation")
        ],
        "commitment_tasks_you_recorded": [
            {
                "organisation": t.commitment.organisation.name,
                "task": t.task_text,
                "done_at": t.done_at.isoformat(),
                "evidence": t.evidence,
                "evidence_published": t.evidence_published_at is not None,
            }
            for t in CommitmentTask.objects.filter(done_by=user).select_related("commitment__organisation")
        ],
        "your_commitments": [
            {
                "organisation": c.organisation.name,
                "made_on": c.created_at.isoformat(),
                "tasks": [t.task_text for t in c.tasks.all()],
            }
            for c in EmployeeCommitment.objects.filter(user=user)
            .select_related("organisation")
            .prefetch_related("tasks")
        ],
    }


def personal_data_erase(*, user, email: str, keep_contributions: bool) -> None:
    """Forget the person. Kept contributions stay in the employer's totals with no name on them."""
    if user is None:
        return
    Membership.objects.filter(user=user).delete()
    AccessRequest.objects.filter(user=user).delete()
    EmployerCommitment.objects.filter(signed_by=user).update(signed_by=None, signatory_name=ERASED_NAME)
    # The evidence is the organisation's record of its work, written for it: it stays (and, if the
    # organisation published it, stays public) without the name of who recorded it.
    CommitmentTask.objects.filter(done_by=user).update(done_by=None)
    mine = EmployeeCommitment.objects.filter(user=user)
    if keep_contributions:
        mine.update(user=None, name=ERASED_NAME, job_role="")
        return
    amounts: dict[str, int] = {}
    for commitment in mine:
        for key in (
            organisation_keys.staff_commitments(commitment.organisation_id),
            organisation_keys.STAFF_COMMITMENTS,
        ):
            amounts[key] = amounts.get(key, 0) - 1
    mine.delete()
    counters_add(amounts)
