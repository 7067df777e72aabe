from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import get_language

from accounts.roles import is_programme_admin
from core.fragments import render_kept, row_fragment
from core.queries import counts_together
from core.urls import reverse

from . import services
from .forms import BulkDecideForm, ClaimForm, ContactForm, DecideForm, ItemIntentForm, LogSearchForm
from .listing import COUNT_CAP, decision_reasons, overdue_before, queue_listing, tab
from .models import Decision
from .queues import all_queues, get_queue, note_waiting


def _visible_queues(user):
    return [queue for queue in all_queues() if queue.can_view(user)]


def _queue_or_404(request, key):
    queue = get_queue(key)
    if queue is None:
        raise Http404
    if not queue.can_view(request.user):
        raise PermissionDenied
    return queue


def _tabs(user):
    """Each queue this person sees, with how many wait in it (counted in one query)."""
    queues = _visible_queues(user)
    counts = counts_together(*(queue.counting(COUNT_CAP) for queue in queues))
    return [tab(queue, count, current=False) for queue, count in zip(queues, counts, strict=True)]


def _report(request, outcome):
    if outcome.done:
        messages.success(request, f"{len(outcome.done)} decided.")
    for item_id, name in outcome.claimed:
        messages.warning(request, f"Item {item_id} was not changed: {name} has claimed it.")
    if outcome.already_decided:
        ids = ", ".join(str(i) for i in outcome.already_decided)
        messages.warning(request, f"Already decided by someone else, so not changed: {ids}.")
    if outcome.missing:
        messages.warning(request, "Some items no longer exist.")


@login_required
def index(request):
    queues = _visible_queues(request.user)
    if not queues:
        raise PermissionDenied
    return redirect("moderation:queue", key=queues[0].key)


@login_required
def queue_view(request, key):
    queue = _queue_or_404(request, key)
    # A POST's form is built to be checked. A GET draws the decision fields from the copy
    # queue.html keeps, so its blank form is built only when that copy is not there.
    sent = BulkDecideForm(request.POST, queue=queue) if request.method == "POST" else None
    if sent is not None and sent.is_valid():
        outcome = services.items_decide(
            queue=queue, item_ids=sent.cleaned_data["items"], moderator=request.user, **sent.decision_args()
        )
        _report(request, outcome)
        return redirect(request.get_full_path())
    overdue_only = request.GET.get("overdue") == "1"
    now = timezone.now()
    listing = queue_listing(
        queue, _visible_queues(request.user), asked_page=request.GET.get("page"), overdue_only=overdue_only, now=now
    )
    note_waiting(request.user, listing.pop("waiting"))  # the header shows the same total
    # After an error the items ticked stay ticked.
    ticked = {int(v) for v in sent.data.getlist("items") if v.isdigit()} if sent is not None else set()
    return render(
        request,
        "moderation/queue.html",
        {
            "queue": queue,
            **listing,
            "rows": _rows(queue, listing["page"].object_list, ticked, now),
            "form": sent,
            "blank_form": SimpleLazyObject(lambda: BulkDecideForm(queue=queue)),
            "reasons": decision_reasons(queue) if sent is None else (),
            "overdue_only": overdue_only,
        },
    )


# How long each row waited is worked out once, not on every page: Django's timesince()
# costs about 30 microseconds, 50 times a page. Under four weeks the words depend on the
# whole minutes only (no month is shorter), so they are kept by minutes and language; a
# longer wait depends on the calendar too, and is kept by its start and the minute now is in.
_CALENDAR_FREE = timedelta(days=28)
_PIVOT = datetime(2000, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=50_000)
def _waited_minutes(minutes: int, language: str | None) -> str:
    return timesince(_PIVOT - timedelta(minutes=minutes), _PIVOT)


@lru_cache(maxsize=50_000)
def _waited_since(since, now, language: str | None) -> str:
    return timesince(since, now)


def waited(since, now, language: str | None = None) -> str:
    """timesince(since, now): '3 days, 2 hours'. `now` to the minute (as the queue passes
    it) lets a long wait be kept for that minute. `language`: the active one (get_language()),
    when the caller has it already."""
    language = language or get_language()
    delta = now - since
    if timedelta(0) <= delta < _CALENDAR_FREE:
        return _waited_minutes(int(delta.total_seconds() // 60), language)
    return _waited_since(since, now, language)


@lru_cache(maxsize=50_000)
def _as_html(text: str) -> SafeString:
    """timesince()'s words with their no-break spaces written as &nbsp;, so the page stays
    ASCII and is encoded at the speed of a copy (docs/performance.md)."""
    return SafeString(escape(text).replace("\xa0", "&nbsp;"))


def _rows(queue, rows: list[tuple], ticked: set[int], now) -> SafeString:
    """The page's rows, rendered. `rows` come from Queue.pages: the row_columns, who claims
    the item, since when it waits. The rows together are kept under all of that, the minute
    (waits are shown to it), which are ticked and what the rows show beside their columns:
    a page seen this minute costs one look-up. Otherwise each row is kept on its own."""
    this_minute = now.replace(second=0, microsecond=0)
    language = get_language()
    columns = queue.row_columns
    extras = queue.row_extras(columns, rows) if queue.row_extras else None
    key = (
        queue.key,
        tuple(rows),
        this_minute,
        language,
        tuple(sorted(ticked)),
        tuple(tuple(sorted(shown.items())) for shown in extras) if extras else None,
    )
    return render_kept(
        "moderation/_rows.html",
        key,
        lambda: {"rows": _row_fragments(queue, rows, ticked, this_minute, language, extras)},
    )


def _row_fragments(queue, rows, ticked, this_minute, language, extras) -> list[SafeString]:
    """Each row rendered, kept under its values and what it shows beside them
    (core/fragments.py row_fragment)."""
    before = overdue_before(this_minute)  # as the overdue count has it
    # An item's address is its queue's address and its id (moderation/urls.py): one reverse()
    # a page, not one a row.
    queue_url = reverse("moderation:queue", args=[queue.key])
    model = queue.waiting().model
    columns = queue.row_columns
    width = len(columns)
    at_pk = columns.index("id")
    html = []
    for index, row in enumerate(rows):
        pk, claimed_by, since = row[at_pk], row[width], row[width + 1]
        html.append(
            row_fragment(
                "moderation/_row.html",
                "item",
                model,
                columns,
                row[:width],
                row_template=queue.row_template,
                index=index,
                pk=pk,
                # None: not claimed; otherwise the name as the account gives it ("" for none).
                claimed_by=None if claimed_by is None else " ".join(claimed_by.split()),
                overdue=since < before,
                waited=_as_html(waited(since, this_minute, language)),
                url=f"{queue_url}{pk}/",
                ticked=pk in ticked,
                **(extras[index] if extras else {}),
            )
        )
    return html


def _claim(request, queue, item, form):
    try:
        services.claim_take(item_type=queue.item_type, item_id=item.pk, moderator=request.user)
        messages.success(request, f"You have claimed this for {services.CLAIM_MINUTES} minutes.")
    except services.ClaimedByOther as exc:
        messages.warning(
            request, f"{exc.claim.moderator.get_full_name() or 'Another moderator'} has already claimed this."
        )
    return redirect(request.path)


def _release(request, queue, item, form):
    services.claim_release(item_type=queue.item_type, item_id=item.pk, moderator=request.user)
    messages.success(request, "You have released your claim.")
    return redirect(request.path)


def _decide(request, queue, item, form):
    outcome = services.items_decide(queue=queue, item_ids=[item.pk], moderator=request.user, **form.decision_args())
    _report(request, outcome)
    if outcome.done:
        return redirect("moderation:queue", key=queue.key)
    return redirect(request.path)


def _contact(request, queue, item, form):
    # Shown on this response only, never in a URL to come back to.
    contact = services.contact_reveal(queue=queue, item=item, moderator=request.user, why=form.cleaned_data["why"])
    return _item_page(request, queue, item, contact=contact)


# intent: (its form, the name the page knows it by, what a valid post does)
ITEM_INTENTS = {
    "claim": (lambda data, queue: ClaimForm(data), "claim_form", _claim),
    "release": (lambda data, queue: ClaimForm(data), "claim_form", _release),
    "decide": (lambda data, queue: DecideForm(data, queue=queue), "form", _decide),
    "contact": (lambda data, queue: ContactForm(data), "contact_form", _contact),
}


def _item_or_404(queue, item_id):
    item = queue.waiting().model._default_manager.filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


@login_required
def item_view(request, key, item_id):
    queue = _queue_or_404(request, key)
    item = _item_or_404(queue, item_id)
    intent = ItemIntentForm(request.POST or None)
    if not intent.is_valid():  # a plain look, or a post of no known intent
        return _item_page(request, queue, item)
    make_form, name, act = ITEM_INTENTS[intent.cleaned_data["intent"]]
    form = make_form(request.POST, queue)
    if not form.is_valid():
        return _item_page(request, queue, item, **{name: form})
    return act(request, queue, item, form)


def _item_extras(queue, item) -> dict:
    """What the row template reads beside the item's columns (Queue.row_extras), for one item."""
    if queue.row_extras is None:
        return {}
    row = type(item)._default_manager.filter(pk=item.pk).values_list(*queue.row_columns).first()
    return queue.row_extras(queue.row_columns, [row])[0] if row else {}


def _item_page(request, queue, item, *, form=None, contact_form=None, contact=None, claim_form=None):
    claim = services.live_claims(item_type=queue.item_type, item_ids=[item.pk]).get(item.pk)
    return render(
        request,
        "moderation/item.html",
        {
            "queue": queue,
            "item": item,
            "still_waiting": queue.waiting().filter(pk=item.pk).exists(),
            "claim": claim,
            "claimed_by_me": claim is not None and claim.moderator_id == request.user.pk,
            "form": form or DecideForm(queue=queue),
            "contact_form": contact_form or ContactForm(),
            "contact": contact,
            "has_contact": queue.contact is not None,
            "decisions": Decision.objects.filter(item_type=queue.item_type, item_id=item.pk),
            "back": reverse("moderation:queue", kwargs={"key": queue.key}),
            **_item_extras(queue, item),
        },
    )


@login_required
def log_view(request):
    queues = _visible_queues(request.user)
    if not queues:
        raise PermissionDenied
    item_types = {queue.item_type for queue in queues}
    if is_programme_admin(request.user):
        # Programme admins search every decision, Care Maker application reviews included.
        item_types |= set(Decision.objects.values_list("item_type", flat=True).distinct())
    item_types = sorted(item_types)
    form = LogSearchForm(request.GET or None, item_types=item_types)
    decisions = Decision.objects.filter(item_type__in=item_types)
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            decisions = decisions.filter(
                Q(item_summary__icontains=q)
                | Q(note__icontains=q)
                | Q(reason_label__icontains=q)
                | Q(actor_name__icontains=q)
            )
        if form.cleaned_data["item_type"]:
            decisions = decisions.filter(item_type=form.cleaned_data["item_type"])
    page = Paginator(decisions.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "moderation/log.html",
        {"form": form, "page": page, "query": query.urlencode(), "tabs": _tabs(request.user)},
    )
