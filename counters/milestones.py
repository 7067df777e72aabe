"""Milestones: thresholds crossed by kept totals, recorded once and announced.

`counters_add` schedules `milestones_check` for the keys it touched once the counted
change has committed, and the nightly recount runs it over every key. The check is cheap
when nothing is crossed: rules are kept in the process, and it reads the touched totals
and the milestones already recorded for them (two small queries) only when a rule matches.

Exactly once: the INSERT under the (key, threshold) unique constraint decides. Of sixteen
publishers that all see the total pass 1,000, one INSERT succeeds; the others get an
IntegrityError and announce nothing.
"""

import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import roles
from core.urls import reverse

from .models import Counter, Milestone, MilestoneRule

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Rules are kept in each process, filed under a version held in the shared cache that an
# admin's save bumps. A process reads that version at most once a RULES_CHECK_EVERY, so an
# edit reaches every process within a second or so; when the cache cannot be read, the
# process reads the rules from the database instead (again at most once a second).
RULES_VERSION_KEY = "milestones:rules-version"
RULES_CHECK_EVERY = 1.0  # seconds
# Each batch of an announcement is handed on with a lease: a batch not done by then lost its
# task (a broker that was down, a worker that died), and the sweep (every 30 s) hands it on
# again from where it stopped. So an announcement resumes within a minute of its worker dying;
# a batch run twice is harmless (the row lock and the email keys see to that).
ANNOUNCE_LEASE = timedelta(seconds=30)

_UNREADABLE = object()
# (checked at, version, rules)
_rules_cache: tuple[float, object, list[MilestoneRule]] | None = None
# (key, threshold) pairs this process has seen recorded. A milestone is never un-reached,
# so once known, a busy total past 1,000 costs one read per change, not two.
_known_reached: set[tuple[str, int]] = set()
# key prefix -> fn(key) -> [email addresses], registered by programme apps.
_recipient_finders: dict[str, Callable[[str], list[str]]] = {}
# key prefix -> fn(key, parts) -> the parts as words, registered by programme apps.
_part_namers: dict[str, Callable[[str, list[str]], list[str]]] = {}


def register_milestone_recipients(prefix: str, fn: Callable[[str], list[str]]) -> None:
    """For ORGANISATION milestones: the organisations app registers
    `register_milestone_recipients("organisations:", representatives_for_key)` in its AppConfig.ready."""
    _recipient_finders[prefix] = fn


def register_milestone_names(prefix: str, fn: Callable[[str, list[str]], list[str]]) -> None:
    """For keys whose * parts are ids: `fn(key, parts)` returns what to call each part in a
    rule's label (the organisations app turns `organisations:42:pledges` into its name)."""
    _part_namers[prefix] = fn


def _registered_for(registry: dict[str, Callable], key: str) -> Callable | None:
    """The function registered under the longest prefix of `key`, if any."""
    matches = [prefix for prefix in registry if key.startswith(prefix)]
    return registry[max(matches, key=len)] if matches else None


def milestone_recipients_for(key: str) -> list[str]:
    finder = _registered_for(_recipient_finders, key)
    return list(finder(key)) if finder else []


def rules_cache_clear() -> None:
    global _rules_cache
    _rules_cache = None
    _known_reached.clear()


def _rules_version() -> object:
    try:
        return cache.get(RULES_VERSION_KEY)
    except Exception:  # the cache is down: the database is the truth
        return _UNREADABLE


def _active_rules() -> list[MilestoneRule]:
    global _rules_cache
    now = time.monotonic()
    if _rules_cache is not None and now - _rules_cache[0] < RULES_CHECK_EVERY:
        return _rules_cache[2]
    version = _rules_version()
    if _rules_cache is None or version is _UNREADABLE or version != _rules_cache[1]:
        rules = list(MilestoneRule.objects.filter(active=True))
    else:
        rules = _rules_cache[2]
    _rules_cache = (now, version, rules)
    return rules


def _rules_version_bump() -> None:
    try:
        cache.set(RULES_VERSION_KEY, time.time_ns(), None)
    except Exception:  # other processes fall back to reading the database while it is down
        logger.exception("milestones: could not bump the rules version")


def rules_changed() -> None:
    """Call when a rule is saved or deleted: every process sees the change within seconds."""
    rules_cache_clear()
    transaction.on_commit(_rules_version_bump)


def _match(pattern: str, key: str) -> list[str] | None:
    """What each * stood for, or None when the key does not fit the pattern."""
    pattern_parts, key_parts = pattern.split(":"), key.split(":")
    if len(pattern_parts) != len(key_parts):
        return None
    wild = []
    for want, got in zip(pattern_parts, key_parts, strict=True):
        if want == "*":
            wild.append(got)
        elif want != got:
            return None
    return wild


def _humanise(part: str) -> str:
    from accounts.choices import Region

    if part in Region.values:
        return str(Region(part).label)
    return part.replace("-", " ")


def milestone_label(rule: MilestoneRule, wild: list[str], key: str = "") -> str:
    namer = _registered_for(_part_namers, key)
    parts = namer(key, wild) if namer else [_humanise(part) for part in wild]
    label = rule.label
    for number, part in enumerate(parts, start=1):
        label = label.replace("{" + str(number) + "}", part)
    return label


def milestones_check(*, keys: Iterable[str]) -> list[Milestone]:
    """Record (and announce) every threshold the given totals have reached and nobody recorded yet."""
    from .services import counter_values

    rules = _active_rules()
    matched: dict[str, tuple[MilestoneRule, list[str]]] = {}
    for key in set(keys):
        for rule in rules:
            wild = _match(rule.pattern, key)
            if wild is not None:
                matched[key] = (rule, wild)
                break
    if not matched:
        return []
    values = counter_values(matched)
    candidates = {
        (key, threshold)
        for key, (rule, _) in matched.items()
        for threshold in rule.thresholds
        if 0 < threshold <= values[key]
    }
    candidates -= _known_reached
    if not candidates:
        return []
    recorded = set(Milestone.objects.filter(key__in={key for key, _ in candidates}).values_list("key", "threshold"))
    created = []
    for key, threshold in sorted(candidates):
        if (key, threshold) not in recorded:
            rule, wild = matched[key]
            milestone = _milestone_record(
                key=key, threshold=threshold, value=values[key], rule=rule, label=milestone_label(rule, wild, key)
            )
            if milestone:
                created.append(milestone)
        _remember_reached(key, threshold)
    return created


def _remember_reached(key: str, threshold: int) -> None:
    # Only after commit: a rolled-back milestone was never reached.
    transaction.on_commit(lambda: _known_reached.add((key, threshold)))


def _milestone_record(*, key: str, threshold: int, value: int, rule: MilestoneRule, label: str) -> Milestone | None:
    try:
        with transaction.atomic():
            milestone = Milestone.objects.create(
                key=key, threshold=threshold, value_at_crossing=value, label=label, audience=rule.audience, rule=rule
            )
            milestone_announce(milestone=milestone)
    except IntegrityError:
        return None  # another publisher recorded it first: it announces, not us
    logger.info("milestone: %s reached %s (%s) at %s", key, threshold, label, value)
    return milestone


def programme_admin_emails() -> list[str]:
    return roles.emails(roles.programme_admins())


def _email_context(milestone: Milestone) -> dict:
    return {
        "label": milestone.label,
        "threshold": milestone.threshold,
        "value": milestone.value_at_crossing,
        "key": milestone.key,
        "reached_at": milestone.reached_at.isoformat(),
        "milestones_url": settings.SITE_URL + reverse("milestones:index"),
    }


def milestone_announce(*, milestone: Milestone) -> None:
    """Queue the admins' emails now (a handful) and start the batched announcement to everyone else."""
    from mail.models import Email
    from mail.services import email_key, email_queue

    context = _email_context(milestone)
    for to in programme_admin_emails():
        email_queue(
            kind="milestone-reached",
            to=to,
            key=email_key("milestone", milestone.pk, "admin", to),
            about=milestone,
            context=context,
            category=Email.Category.STAFF,
        )
    if milestone.audience == MilestoneRule.Audience.ADMINS:
        Milestone.objects.filter(pk=milestone.pk).update(announced_at=timezone.now())
    else:
        transaction.on_commit(lambda: _start_batches(milestone.pk))


def _start_batches(milestone_id: int, after: int = 0) -> None:
    from mail.services import task_publish

    from .tasks import announce_milestone

    # A broker that is down must not break the page; the milestone sweep restarts it.
    task_publish(announce_milestone, (milestone_id, after), what=f"milestone {milestone_id} announcement")


def milestone_region(key: str) -> str | None:
    """The region a total is about: the part after "region" in its key, if any."""
    parts = key.split(":")
    return parts[parts.index("region") + 1] if "region" in parts[:-1] else None


def _batch_recipients(milestone: Milestone, after: int) -> list[tuple[int, str]]:
    """(position, address) pairs after `after`, at most BATCH_SIZE of them."""
    from mail.models import MailPreference

    if milestone.audience == MilestoneRule.Audience.CAMPAIGN:
        return list(
            MailPreference.objects.filter(campaign_news=True, news=True, pk__gt=after)
            .order_by("pk")
            .values_list("pk", "email")[:BATCH_SIZE]
        )
    if milestone.audience == MilestoneRule.Audience.REGION:
        return list(
            MailPreference.objects.filter(
                region=milestone_region(milestone.key), campaign_news=True, news=True, pk__gt=after
            )
            .order_by("pk")
            .values_list("pk", "email")[:BATCH_SIZE]
        )
    if milestone.audience == MilestoneRule.Audience.ORGANISATION:
        everyone = sorted(set(milestone_recipients_for(milestone.key)))
        return list(enumerate(everyone, start=1))[after : after + BATCH_SIZE]
    return []


def milestone_announce_batch(*, milestone_id: int, after: int = 0) -> int:
    """Queue one batch of announcement emails and hand the rest to the next task. Returns the batch size.

    The milestone row is locked for the batch: of two tasks for the same batch (the sweep
    handed it on again while the first was only late), one does it and the other finds the
    announcement already past `after` and does nothing.
    """
    from mail.models import Email
    from mail.services import email_key, email_queue

    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().filter(pk=milestone_id, announced_at__isnull=True).first()
        if milestone is None or milestone.announce_after != after:
            return 0
        batch = _batch_recipients(milestone, after)
        context = _email_context(milestone)
        for _, to in batch:
            email_queue(
                kind="milestone-news",
                to=to,
                key=email_key("milestone", milestone.pk, "news", to.lower()),
                about=milestone,
                context=context,
                category=Email.Category.NEWS,
            )
        now = timezone.now()
        if len(batch) == BATCH_SIZE:
            last = batch[-1][0]
            Milestone.objects.filter(pk=milestone.pk).update(announce_after=last, announce_claimed_at=now)
            transaction.on_commit(lambda: _start_batches(milestone.pk, last))
        else:
            Milestone.objects.filter(pk=milestone.pk).update(announced_at=now)
    logger.info("milestone %s: announcement batch after %s queued %s emails", milestone.pk, after, len(batch))
    return len(batch)


def milestones_sweep(*, now: datetime | None = None) -> int:
    """Hand on again the announcements whose next batch outlived its lease; returns how many."""
    now = now or timezone.now()
    stale = now - ANNOUNCE_LEASE
    lapsed = Milestone.objects.filter(announced_at__isnull=True).filter(
        Q(announce_claimed_at__lt=stale) | Q(announce_claimed_at__isnull=True, reached_at__lt=stale)
    )
    restarted = list(lapsed.values_list("pk", "announce_after"))
    # A fresh lease for each, so the next sweep leaves the new task time to run.
    Milestone.objects.filter(pk__in=[pk for pk, _ in restarted]).update(announce_claimed_at=now)
    for milestone_id, after in restarted:
        _start_batches(milestone_id, after)
    logger.info("milestone sweep: %s unfinished announcements handed on again", len(restarted))
    return len(restarted)


def milestones_check_all() -> list[Milestone]:
    """Every kept total against every rule: the nightly recount runs this."""
    keys = Counter.objects.values_list("key", flat=True).distinct()
    return milestones_check(keys=keys)
