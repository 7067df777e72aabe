"""Every change to a pledge that matters, each inside one transaction.

Status changes go through `_transition`, a conditional UPDATE (only one caller can move a
pledge from a given status), which also keeps the totals: a pledge counts while it is
published, and every total moves in the same transaction as the row.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from accounts.data_rights import LINK_MAX_AGE, data_link_token
from core.privacy import find_personal_data, mask_personal_data, personal_data_error
from core.queries import kept_query
from core.urls import reverse
from counters.services import counters_add
from mail.models import Email
from mail.services import campaign_news_opt_in, email_key, email_queue
from moderation.services import decision_record, reason_tells_author

from . import keys as pledge_keys
from .microcache import public_pages_changed
from .models import Campaign, Pledge, PledgerCampaign, PledgeReport, PledgeSettings, normalise_email, normalise_text

logger = logging.getLogger(__name__)

CONFIRM_SALT = "pledges.confirm"
CONFIRM_MAX_AGE = timedelta(days=7)
MANAGE_SALT = "pledges.manage"
MANAGE_MAX_AGE = timedelta(days=180)
MAX_CONFIRM_SENDS = 3
# pledge_report says why: three different reporters, one of them signed in, hide a pledge
# until a moderator decides; each reporter counts towards hiding five pledges a day at most.
REPORTS_TO_HIDE = 3
REPORTS_COUNTED_PER_DAY = 5
SIGNED_IN_REPORTER = "user:"


class PledgeError(Exception):
    """A rule stopped the change; the message is written for the person."""


@dataclass(frozen=True)
class SubmitResult:
    pledge: Pledge | None
    # "published", "held", "unconfirmed", "resent", "resend-limit", "duplicate"
    outcome: str
    found: tuple[str, ...] = ()


# --- Tokens -------------------------------------------------------------------------


def confirm_token(pledge: Pledge) -> str:
    return signing.dumps({"p": pledge.pk, "n": pledge.confirm_sends}, salt=CONFIRM_SALT)


def confirm_token_read(token: str) -> int:
    """The pledge id; raises signing.SignatureExpired or signing.BadSignature."""
    return int(signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)["p"])


def manage_token(pledge: Pledge) -> str:
    return signing.dumps({"p": pledge.pk}, salt=MANAGE_SALT)


def manage_token_read(token: str) -> int:
    return int(signing.loads(token, salt=MANAGE_SALT, max_age=MANAGE_MAX_AGE)["p"])


# --- Counting -----------------------------------------------------------------------


def counter_keys(pledge: Pledge) -> list[str]:
    campaign_id = pledge.campaign_id
    keys = [pledge_keys.total(campaign_id), pledge_keys.theme(campaign_id, pledge.theme.slug)]
    for facet, value in (("region", pledge.region), ("role", pledge.job_role), ("sector", pledge.sector)):
        if value:
            keys.append(pledge_keys.facet(campaign_id, facet, value))
    if pledge.organisation_id:
        keys.append(pledge_keys.organisation(pledge.organisation_id))
    return keys


def organisation_pledges_truth() -> dict[str, int]:
    """Counted pledges per organisation named from the directory, every campaign together."""
    rows = (
        Pledge.objects.filter(status__in=Pledge.COUNTED, organisation__isnull=False)
        .values("organisation_id")
        .annotate(n=Count("id"))
    )
    return {pledge_keys.organisation(row["organisation_id"]): row["n"] for row in rows}


def _pledger_add(pledge: Pledge, amount: int) -> int:
    """Move the person's count of counted pledges; returns how `people` changes (-1, 0, 1)."""
    table = PledgerCampaign._meta.db_table
    with connection.cursor() as cursor:
        if amount > 0:
            cursor.execute(
                f"INSERT INTO {table} (campaign_id, email_normalised, pledges) VALUES (%s, %s, %s) "
                f"ON CONFLICT (campaign_id, email_normalised) DO UPDATE SET pledges = {table}.pledges + EXCLUDED.pledges "
                "RETURNING pledges",
                [pledge.campaign_id, pledge.email_normalised, amount],
            )
        else:
            # An INSERT of a negative row would trip the check constraint before ON CONFLICT.
            cursor.execute(
                f"UPDATE {table} SET pledges = pledges + %s WHERE campaign_id = %s AND email_normalised = %s "
                "RETURNING pledges",
                [amount, pledge.campaign_id, pledge.email_normalised],
            )
        row = cursor.fetchone()
    if row is None:  # no row to take from: the per-person rows need a rebuild; the recount repairs people
        logger.warning("pledges: no per-person row for pledge %s", pledge.pk)
        return 0
    now = row[0]
    before = now - amount
    return int(now > 0) - int(before > 0)


def facet_values(pledge: Pledge) -> dict[str, str]:
    """The pledge's value of each impact breakdown (theme, role, sector, region), when it has one."""
    return facets_of(theme=pledge.theme.slug, role=pledge.job_role, sector=pledge.sector, region=pledge.region)


def facets_of(**values: str) -> dict[str, str]:
    return {name: value for name, value in values.items() if value}


def done_keys(pledge: Pledge) -> list[str]:
    """The totals a counted pledge moves while it is done."""
    keys = [pledge_keys.done(pledge.campaign_id)]
    keys += [pledge_keys.done_facet(pledge.campaign_id, name, value) for name, value in facet_values(pledge).items()]
    if pledge.organisation_id:
        keys.append(pledge_keys.organisation_done(pledge.organisation_id))
    return keys


def _count(pledge: Pledge, sign: int, *, answers: bool = True) -> None:
    """Move every total the pledge is in. `answers`: its outcome answers too, if it has any
    (a pledge never published has none, as the follow-up asks only about published ones)."""
    amounts = dict.fromkeys(counter_keys(pledge), sign)
    amounts[pledge_keys.people(pledge.campaign_id)] = _pledger_add(pledge, sign)
    if pledge.done_at:
        amounts.update(dict.fromkeys(done_keys(pledge), sign))
    if pledge.outcome_asked_at:
        amounts[pledge_keys.outcomes_asked(pledge.campaign_id)] = sign
    if answers:
        from .outcomes import outcome_amounts

        amounts.update(outcome_amounts(pledge, sign))
    counters_add(amounts)
    if pledge.joined_from_id:
        Pledge.objects.filter(pk=pledge.joined_from_id).update(joins_count=F("joins_count") + sign)


def _transition(pledge: Pledge, to: str, *, allowed_from, **fields) -> bool:
    """Move the pledge to `to` if it is still in one of `allowed_from`; keep totals. True if it moved."""
    allowed_from = set(allowed_from) - {to}
    current = (
        Pledge.objects.select_for_update()
        .filter(pk=pledge.pk)
        .values_list("status", "done_at", "outcome_asked_at")
        .first()
    )
    if current is None or current[0] not in allowed_from:
        if current:
            pledge.status = current[0]
        return False
    before, done_at, asked_at = current
    now = timezone.now()
    if to in Pledge.PUBLIC:
        fields.setdefault("published_at", now)
    updated = Pledge.objects.filter(pk=pledge.pk, status=before).update(status=to, **fields)
    if not updated:
        return False
    public_pages_changed()
    for name, value in fields.items():
        setattr(pledge, name, value)
    pledge.status, pledge.done_at, pledge.outcome_asked_at = to, done_at, asked_at
    was, now_counted = before in Pledge.COUNTED, to in Pledge.COUNTED
    if was != now_counted:
        _count(pledge, 1 if now_counted else -1, answers=before != Pledge.Status.UNCONFIRMED)
    logger.info("pledge %s: %s -> %s", pledge.pk, before, to)
    return True


def pledges_truth() -> dict[str, int]:
    """Every pledge total recounted from the table, for the nightly recount."""
    from .outcomes import outcomes_truth

    truth: dict[str, int] = outcomes_truth()  # pledges:<campaign>:outcomes:*
    counted = Pledge.objects.filter(status__in=Pledge.COUNTED)
    for row in counted.values("campaign_id").annotate(n=Count("id"), people=Count("email_normalised", distinct=True)):
        truth[pledge_keys.total(row["campaign_id"])] = row["n"]
        truth[pledge_keys.people(row["campaign_id"])] = row["people"]
    for row in counted.filter(done_at__isnull=False).values("campaign_id").annotate(n=Count("id")):
        truth[pledge_keys.done(row["campaign_id"])] = row["n"]
    for row in counted.filter(outcome_asked_at__isnull=False).values("campaign_id").annotate(n=Count("id")):
        truth[pledge_keys.outcomes_asked(row["campaign_id"])] = row["n"]
    done = counted.filter(done_at__isnull=False)
    for facet, field in (("theme", "theme__slug"), ("role", "job_role"), ("sector", "sector"), ("region", "region")):
        for row in done.exclude(**{field: ""}).values("campaign_id", field).annotate(n=Count("id")):
            truth[pledge_keys.done_facet(row["campaign_id"], facet, row[field])] = row["n"]
    for row in done.filter(organisation__isnull=False).values("organisation_id").annotate(n=Count("id")):
        truth[pledge_keys.organisation_done(row["organisation_id"])] = row["n"]
    for row in counted.values("campaign_id", "theme__slug").annotate(n=Count("id")):
        truth[pledge_keys.theme(row["campaign_id"], row["theme__slug"])] = row["n"]
    for facet, field in (("region", "region"), ("role", "job_role"), ("sector", "sector")):
        for row in counted.exclude(**{field: ""}).values("campaign_id", field).annotate(n=Count("id")):
            truth[pledge_keys.facet(row["campaign_id"], facet, row[field])] = row["n"]
    # Per organisation: kept here, under this prefix, so this recount owns it.
    truth.update(organisation_pledges_truth())
    return truth


def pledgers_rebuild() -> None:
    """Rewrite the per-person rows from the pledges (after bulk loads, or to repair them)."""
    with transaction.atomic():
        PledgerCampaign.objects.all().delete()
        rows = (
            Pledge.objects.filter(status__in=Pledge.COUNTED)
            .values("campaign_id", "email_normalised")
            .annotate(n=Count("id"))
        )
        PledgerCampaign.objects.bulk_create(
            PledgerCampaign(campaign_id=r["campaign_id"], email_normalised=r["email_normalised"], pledges=r["n"])
            for r in rows
        )


# --- Submitting and confirming ------------------------------------------------------


def user_email_verified(user) -> bool:
    return bool(user and user.is_authenticated and user.has_verified_email())


@kept_query  # on every submission: its SQL compiled once per process
def _existing_pk(*, campaign_id: int, email_normalised: str, text_normalised: str):
    return (
        Pledge.objects.filter(campaign=campaign_id, email_normalised=email_normalised, text_normalised=text_normalised)
        .exclude(status__in=Pledge.ENDED)
        .values_list("pk", flat=True)[:1]
    )


def _find_existing(*, campaign: Campaign, email: str, text: str) -> Pledge | None:
    # Asked for its id first: almost every pledge is new, and selecting one column instead
    # of 33 takes a third off the check's CPU (about 0.3 ms a submission).
    pk = _existing_pk.first(
        campaign_id=campaign.pk, email_normalised=normalise_email(email), text_normalised=normalise_text(text)
    )
    return Pledge.objects.get(pk=pk) if pk is not None else None


def _send_confirmation(pledge: Pledge, *, counted: bool = False) -> None:
    """Queue the confirmation email. `counted`: the send is already in confirm_sends (a new
    pledge is inserted with its first send counted, saving an UPDATE and a re-read)."""
    if not counted:
        Pledge.objects.filter(pk=pledge.pk).update(confirm_sends=F("confirm_sends") + 1, confirm_sent_at=timezone.now())
        pledge.refresh_from_db(fields=["confirm_sends", "confirm_sent_at"])
    email_queue(
        kind="pledge-confirm",
        to=pledge.email,
        key=f"pledge-confirm:{pledge.pk}:{pledge.confirm_sends}",
        # A pledge inserted in this transaction has had no confirmation yet.
        key_is_new=counted,
        category=Email.Category.TRANSACTIONAL,
        about=pledge,
        context={
            "name": pledge.first_name,
            "text": pledge.text,
            "campaign": pledge.campaign.name,
            "is_join": bool(pledge.joined_from_id),
            "confirm_url": settings.SITE_URL + reverse("pledges:confirm", args=[confirm_token(pledge)]),
            "expires_days": CONFIRM_MAX_AGE.days,
            "manage_url": settings.SITE_URL + reverse("pledges:manage_signed", args=[manage_token(pledge)]),
        },
    )


def _resend(pledge: Pledge) -> SubmitResult:
    # Links last 7 days; after that the person starts again with a fresh allowance.
    if pledge.confirm_sent_at and timezone.now() - pledge.confirm_sent_at > CONFIRM_MAX_AGE:
        Pledge.objects.filter(pk=pledge.pk).update(confirm_sends=0)
        pledge.confirm_sends = 0
    if pledge.confirm_sends >= MAX_CONFIRM_SENDS:
        return SubmitResult(pledge, "resend-limit")
    _send_confirmation(pledge)
    return SubmitResult(pledge, "resent")


def personal_data_found(*, text: str, organisation_name: str = "", name: str = "") -> tuple[str, ...]:
    """What the privacy check finds in the words a pledge shows or keeps: the check page
    warns with this before sending, and publishing holds the pledge on the same finding."""
    return tuple(find_personal_data(text, organisation_name, name))


def _publish_or_hold(pledge: Pledge) -> SubmitResult:
    """After the person is known to own the address: publish, or hold for a moderator."""
    found = personal_data_found(text=pledge.text, organisation_name=pledge.organisation_name, name=pledge.name)
    now = timezone.now()
    if pledge.news_opt_in:
        campaign_news_opt_in(email=pledge.email, opted_in=True, region=pledge.region)
    if found:
        _transition(
            pledge,
            Pledge.Status.HELD,
            allowed_from={Pledge.Status.UNCONFIRMED},
            confirmed_at=now,
            held_reason=f"May contain {', '.join(found)}",
        )
        return SubmitResult(pledge, "held", found)
    if PledgeSettings.load().pre_moderation:
        _transition(
            pledge,
            Pledge.Status.HELD,
            allowed_from={Pledge.Status.UNCONFIRMED},
            confirmed_at=now,
            held_reason="Pre-moderation is on",
        )
        return SubmitResult(pledge, "held")
    _transition(pledge, Pledge.Status.PUBLISHED, allowed_from={Pledge.Status.UNCONFIRMED}, confirmed_at=now)
    return SubmitResult(pledge, "published")


def pledge_submit(*, campaign: Campaign, data: dict, user=None, joined_from: Pledge | None = None) -> SubmitResult:
    """Make a pledge from checked form data.

    `data` holds text, theme (a Theme), kind, job_role, sector, region, organisation_name,
    organisation (an Organisation from the directory, or None), show_name, name, email.
    A signed-in user with a verified address publishes at once; anyone else gets an email
    with a confirmation link.
    """
    if not campaign.is_open():
        raise PledgeError(f"Pledging for {campaign.name} is not open.")
    if user is not None and user.is_authenticated:
        data = {**data, "email": user.email}
    existing = _find_existing(campaign=campaign, email=data["email"], text=data["text"])
    if existing:
        with transaction.atomic():
            if existing.status == Pledge.Status.UNCONFIRMED and user_email_verified(user):
                return _publish_or_hold(existing)
            if existing.status == Pledge.Status.UNCONFIRMED:
                return _resend(existing)
        return SubmitResult(existing, "duplicate")
    try:
        with transaction.atomic():
            pledge = Pledge(
                campaign=campaign,
                user=user if user is not None and user.is_authenticated else None,
                joined_from=joined_from,
                news_opt_in=bool(data.get("news_opt_in")),
                # Only a verified directory entry, as the form's lookup found it.
                organisation=data.get("organisation"),
                **{
                    k: data.get(k, "")
                    for k in (
                        "text",
                        "kind",
                        "job_role",
                        "sector",
                        "region",
                        "organisation_name",
                        "show_name",
                        "name",
                        "email",
                    )
                },
                theme=data["theme"],
            )
            verified = user_email_verified(user)
            if not verified:
                pledge.confirm_sends, pledge.confirm_sent_at = 1, timezone.now()
            pledge.save()
            if verified:
                return _publish_or_hold(pledge)
            _send_confirmation(pledge, counted=True)
            return SubmitResult(pledge, "unconfirmed")
    except IntegrityError:
        # A double submit or a second tab got there first: send them to that pledge.
        existing = _find_existing(campaign=campaign, email=data["email"], text=data["text"])
        if existing is None and joined_from is not None:
            existing = (
                Pledge.objects.filter(joined_from=joined_from, email_normalised=normalise_email(data["email"]))
                .exclude(status__in=Pledge.ENDED)
                .first()
            )
        if existing is None:
            raise
        return SubmitResult(existing, "duplicate")


def pledge_confirm(*, pledge_id: int) -> SubmitResult:
    """The person pressed "Confirm my pledge". Pressing it again changes nothing."""
    with transaction.atomic():
        pledge = Pledge.objects.select_related("campaign", "theme").select_for_update(of=("self",)).get(pk=pledge_id)
        if pledge.status != Pledge.Status.UNCONFIRMED:
            return SubmitResult(pledge, "already")
        return _publish_or_hold(pledge)


def pledge_join(*, original: Pledge, data: dict, user=None) -> SubmitResult:
    """'I'll do this too': the joiner's own pledge with the same words, linked to the original."""
    if not original.is_public:
        raise PledgeError("This pledge cannot be joined.")
    email = user.email if user is not None and user.is_authenticated else data["email"]
    if normalise_email(email) == original.email_normalised:
        raise PledgeError("This is your own pledge.")
    already = (
        Pledge.objects.filter(joined_from=original, email_normalised=normalise_email(email))
        .exclude(status__in=Pledge.ENDED)
        .first()
    )
    if already:
        return SubmitResult(already, "duplicate")
    data = {
        **data,
        "text": original.text,
        "theme": original.theme,
        "kind": data.get("kind") or Pledge.Kind.ME,
    }
    return pledge_submit(campaign=original.campaign, data=data, user=user, joined_from=original)


# --- After publishing ---------------------------------------------------------------


def pledge_mark_done(*, pledge: Pledge, story: str = "") -> Pledge:
    """The pledger did it. A second press keeps the first date and updates the story."""
    with transaction.atomic():
        locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if locked.status in Pledge.ENDED or locked.status == Pledge.Status.UNCONFIRMED:
            raise PledgeError("Only a confirmed pledge can be marked as done.")
        error = personal_data_error(story, what="Your story")
        if error:
            raise PledgeError(error)
        if locked.done_at is None:
            locked.done_at = timezone.now()
            if locked.status in Pledge.COUNTED:
                counters_add(dict.fromkeys(done_keys(locked), 1))
        locked.done_story = story.strip()
        locked.save(update_fields=["done_at", "done_story"])
        public_pages_changed()
        return locked


def pledge_withdraw(*, pledge: Pledge) -> bool:
    with transaction.atomic():
        return _transition(
            pledge,
            Pledge.Status.WITHDRAWN,
            allowed_from=Pledge.PUBLIC | Pledge.WAITING,
        )


# One "links to my pledges" email per address in each such window, however often it is asked for.
LINKS_WINDOW_SECONDS = 600
LINKS_MAX = 50


def pledge_links_send(*, email: str) -> bool:
    """Email the person a manage link for each of their pledges, and a link to download or
    delete their data. Nothing is sent for an address with no pledges; the caller answers the
    same either way, so nobody learns whether an address has pledged. True if queued."""
    normalised = normalise_email(email)
    pledges = list(
        Pledge.objects.filter(email_normalised=normalised)
        .exclude(status__in=Pledge.ENDED)
        .select_related("campaign")
        .order_by("-id")[:LINKS_MAX]
    )
    if not pledges:
        return False
    # The address the newest pledge was made with: the one the person has shown they read.
    to = pledges[0].email
    window = int(timezone.now().timestamp() // LINKS_WINDOW_SECONDS)
    with transaction.atomic():
        email_queue(
            kind="pledge-links",
            to=to,
            key=email_key("pledge-links", normalised, window),
            category=Email.Category.TRANSACTIONAL,
            context={
                "name": pledges[0].first_name,
                "pledges": [
                    {
                        "text": p.text,
                        "campaign": p.campaign.name,
                        "status": p.get_status_display(),
                        "is_join": bool(p.joined_from_id),
                        "manage_url": settings.SITE_URL + reverse("pledges:manage_signed", args=[manage_token(p)]),
                    }
                    for p in pledges
                ],
                "data_url": settings.SITE_URL + reverse("accounts:data_by_link", args=[data_link_token(to)]),
                "data_days": LINK_MAX_AGE.days,
                "signup_url": settings.SITE_URL + reverse("account_signup"),
            },
        )
    return True


def reporter_key(*, user=None, ip: str = "") -> str:
    """Who reported: "user:<id>" for a signed-in person, else "ip:<hash>" of the client's
    address as the configured proxies give it (core.client.client_network: the IPv4 address
    or the IPv6 /64), never a header the client wrote itself."""
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()[:32]
    return f"ip:{digest}"


def _reports_hide(pledge: Pledge) -> bool:
    reporters = list(PledgeReport.objects.filter(pledge=pledge, counted=True).values_list("reporter", flat=True))
    return len(reporters) >= REPORTS_TO_HIDE and any(r.startswith(SIGNED_IN_REPORTER) for r in reporters)


def pledge_report(*, pledge: Pledge, reporter: str, reason: str, detail: str = "") -> bool:
    """Record a report (once per reporter per pledge). True if newly recorded.

    Every report puts the pledge in the moderators' "Reported pledges" queue. Taking it off
    the wall before a moderator has looked is the strong step, so it needs people an outsider
    cannot mint by the dozen:

    - REPORTS_TO_HIDE different reporters, at least one of them signed in. An account costs a
      confirmed email address and is answerable; an anonymous reporter is only an address,
      and addresses are cheap (mobile data, a café's wifi, a VPN, an IPv6 block), so
      anonymous reports, however many, never hide a pledge on their own: they reach a
      moderator, who decides. Anonymous reports still count among the three, one per
      address (an IPv6 /64), the address coming from the configured proxies, not the request.
    - A reporter counts towards hiding at most REPORTS_COUNTED_PER_DAY pledges a day, so one
      account or one address cannot sweep the wall; reports past that still reach the queue.
    - Reports hide a pledge only until a moderator decides. Once a moderator has read them
      and kept the pledge (`reports_reviewed_at`, set by a "keep" decision), later reports go to
      the queue and the pledge stays on the wall until a moderator says otherwise.
    """
    with transaction.atomic():
        # One report at a time per pledge: the count that decides sees every earlier report,
        # and a moderator's keep is either wholly before this report or wholly after it.
        state = Pledge.objects.select_for_update().filter(pk=pledge.pk).values("reports_reviewed_at").first()
        if state is None:
            return False
        now = timezone.now()
        counted = (
            PledgeReport.objects.filter(
                reporter=reporter, counted=True, created_at__gte=now - timedelta(days=1)
            ).count()
            < REPORTS_COUNTED_PER_DAY
        )
        try:
            with transaction.atomic():
                PledgeReport.objects.create(
                    pledge=pledge, reporter=reporter, reason=reason, detail=detail, counted=counted, created_at=now
                )
        except IntegrityError:
            return False
        Pledge.objects.filter(pk=pledge.pk).update(reported_at=now)
        pledge.reported_at = now
        if state["reports_reviewed_at"] is None and counted and _reports_hide(pledge):
            _transition(pledge, Pledge.Status.HIDDEN, allowed_from=Pledge.PUBLIC)
        return True


def _keep(pledge: Pledge) -> bool:
    """A moderator has read the reports and keeps the pledge: back on the wall if reports hid
    it, and from now on reports reach the queue without hiding it again. True if it changed."""
    if _restore_hidden(pledge):
        return True
    now = timezone.now()
    kept = Pledge.objects.filter(Pledge.REPORTS_WAITING, pk=pledge.pk, status__in=Pledge.PUBLIC).update(
        reports_reviewed_at=now
    )
    if kept:
        pledge.reports_reviewed_at = now
    return bool(kept)


# --- Moderation decisions -------------------------------------------------------------


def _publish(pledge: Pledge) -> bool:
    """Put a held or hidden pledge on the wall. Publishing one that reports hid is keeping it
    (_keep): its reports are marked as read, and later ones no longer hide it."""
    return _restore_hidden(pledge) or _transition(
        pledge, Pledge.Status.PUBLISHED, allowed_from={Pledge.Status.HELD}, held_reason=""
    )


def _restore_hidden(pledge: Pledge) -> bool:
    return _transition(
        pledge,
        Pledge.Status.PUBLISHED,
        allowed_from={Pledge.Status.HIDDEN},
        held_reason="",
        reports_reviewed_at=timezone.now(),
    )


def _hide(pledge: Pledge) -> bool:
    return _transition(pledge, Pledge.Status.HIDDEN, allowed_from=Pledge.PUBLIC | {Pledge.Status.HELD})


def _reject(pledge: Pledge) -> bool:
    return _transition(pledge, Pledge.Status.REJECTED, allowed_from=Pledge.PUBLIC | Pledge.WAITING)


DECISIONS = {"publish": _publish, "keep": _keep, "hide": _hide, "reject": _reject}


def _rejected_email(pledge: Pledge, reason) -> None:
    if not pledge.email:
        return
    email_queue(
        kind="pledge-rejected",
        to=pledge.email,
        key=f"pledge-rejected:{pledge.pk}",
        about=pledge,
        category=Email.Category.TRANSACTIONAL,
        context={
            "name": pledge.first_name,
            # Masked: the outbox keeps this row, and mail is no place for an NHS number.
            "text": mask_personal_data(pledge.text),
            "campaign": pledge.campaign.name,
            "reason": reason.label,
            "explanation": reason.explanation,
            "new_url": settings.SITE_URL + reverse("pledges:new"),
        },
    )


def pledge_decide(*, pledge: Pledge, action: str, moderator=None, reason=None, note: str = "") -> bool:
    """A moderator's decision on a pledge, from any page: "publish" (held or hidden), "keep"
    (reported: reports read, stays on the wall), "hide" or "reject". Writes the audit row and,
    when a rejection's reason says so, emails the author. False, with nothing written, if the
    pledge was not in a state the decision applies to (someone decided it first)."""
    with transaction.atomic():
        if not DECISIONS[action](pledge):
            return False
        decision_record(
            item_type="pledge",
            item_id=pledge.pk,
            summary=pledge.text,
            action=action,
            actor=moderator,
            reason=reason,
            note=note,
        )
        if action == "reject" and reason_tells_author(reason):
            _rejected_email(pledge, reason)
    return True


# --- Privacy re-check ----------------------------------------------------------------


def pledges_recheck_privacy(*, dry_run: bool = False) -> dict[str, int]:
    """Apply today's privacy check to what is already public (after the check learns a new form).

    A published pledge whose words, name or organisation it now catches goes back to the held
    queue for a moderator, as if it had been caught on the way in; a done story it catches is
    masked in place (it would be refused today, and the pledge itself is fine)."""
    counts = {"held": 0, "stories_masked": 0}
    published = Pledge.objects.filter(status__in=Pledge.PUBLIC).only(
        "pk", "status", "text", "name", "organisation_name", "done_story", "done_at", "campaign_id"
    )
    for pledge in published.iterator(chunk_size=2000):
        found = find_personal_data(pledge.text, pledge.organisation_name, pledge.name)
        if found:
            counts["held"] += 1
            if not dry_run:
                with transaction.atomic():
                    full = Pledge.objects.get(pk=pledge.pk)
                    _transition(
                        full,
                        Pledge.Status.HELD,
                        allowed_from=Pledge.PUBLIC,
                        held_reason=f"May contain {', '.join(found)}",
                    )
        if pledge.done_story and find_personal_data(pledge.done_story):
            counts["stories_masked"] += 1
            if not dry_run:
                Pledge.objects.filter(pk=pledge.pk, done_story=pledge.done_story).update(
                    done_story=mask_personal_data(pledge.done_story)
                )
                public_pages_changed()
    return counts
