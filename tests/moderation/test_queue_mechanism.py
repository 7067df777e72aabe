"""The shared moderation mechanism (claims, bulk decisions, audit log, staff digest), tested on a
throwaway queue over a test-only model (tests/queue_app) so it does not depend on any programme."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from mail.models import Email
from moderation import queues, services
from moderation.models import Claim, Decision, Reason
from moderation.waiting import queues_waiting
from tests.factories import UserFactory
from tests.queue_app.models import Item

pytestmark = pytest.mark.django_db


def _audit(item, action, *, moderator, reason, note):
    # What a programme's decision service does: one audit row per decision.
    services.decision_record(
        item_type="testitem",
        item_id=item.pk,
        summary=item.name,
        action=action,
        actor=moderator,
        reason=reason,
        note=note,
    )


def _approve(item, *, moderator, reason, note):
    if not item.name.startswith("waiting"):
        raise services.AlreadyDecided
    item.name = "approved " + item.name
    item.save()
    _audit(item, "approve", moderator=moderator, reason=reason, note=note)


def _reject(item, *, moderator, reason, note):
    item.name = f"rejected ({reason.code}) {item.name}"
    item.save()
    _audit(item, "reject", moderator=moderator, reason=reason, note=note)


@pytest.fixture
def test_queue():
    queue = queues.Queue(
        key="test-items",
        label="Test items",
        item_type="testitem",
        reason_scope="pledge",
        waiting=lambda: Item.objects.filter(name__startswith="waiting").order_by("created_at", "pk"),
        row_template="queue_app/_row.html",
        row_columns=("id", "name"),
        actions={
            "approve": queues.Action("Approve", _approve),
            "reject": queues.Action("Reject", _reject, needs_reason=True, style="warning"),
        },
        contact=lambda item: {"Email": item.email},
    )
    queues.register(queue)
    yield queue
    queues._queues.pop("test-items", None)


@pytest.fixture
def items():
    return [Item.objects.create(name=f"waiting {n}", email=f"author{n}@example.org") for n in range(3)]


@pytest.fixture
def other_moderator(db):
    return UserFactory(email="other.mod@example.org", display_name="Olu Other", is_staff=True, groups=["Moderators"])


def test_a_claim_keeps_others_from_deciding_the_item(test_queue, items, moderator, other_moderator):
    services.claim_take(item_type="testitem", item_id=items[0].pk, moderator=moderator)
    with pytest.raises(services.ClaimedByOther):
        services.claim_take(item_type="testitem", item_id=items[0].pk, moderator=other_moderator)
    outcome = services.items_decide(
        queue=test_queue, item_ids=[items[0].pk], action_key="approve", moderator=other_moderator
    )
    assert outcome.claimed == [(items[0].pk, "Morgan Moderator")]
    items[0].refresh_from_db()
    assert items[0].name == "waiting 0"


def test_an_expired_claim_can_be_taken_over(test_queue, items, moderator, other_moderator):
    past = timezone.now() - timedelta(hours=1)
    services.claim_take(item_type="testitem", item_id=items[0].pk, moderator=moderator, now=past)
    claim = services.claim_take(item_type="testitem", item_id=items[0].pk, moderator=other_moderator)
    assert claim.moderator == other_moderator
    assert Claim.objects.count() == 1


def test_bulk_decision_reports_items_already_decided_and_records_each_decision(
    test_queue, items, moderator, other_moderator
):
    services.items_decide(queue=test_queue, item_ids=[items[1].pk], action_key="approve", moderator=other_moderator)
    outcome = services.items_decide(
        queue=test_queue, item_ids=[i.pk for i in items], action_key="approve", moderator=moderator, note="looks fine"
    )
    assert outcome.done == [items[0].pk, items[2].pk]
    assert outcome.already_decided == [items[1].pk]
    log = Decision.objects.filter(actor=moderator).order_by("item_id")
    assert [(d.item_id, d.action, d.note) for d in log] == [
        (items[0].pk, "approve", "looks fine"),
        (items[2].pk, "approve", "looks fine"),
    ]
    assert Decision.objects.count() == 3


def test_queue_page_lists_oldest_first_with_age_and_overdue(client, test_queue, items, moderator):
    Item.objects.filter(pk=items[2].pk).update(created_at=timezone.now() - timedelta(days=3))
    client.force_login(moderator)
    response = client.get("/moderation/test-items/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("waiting 2") < html.index("waiting 0") < html.index("waiting 1")
    assert html.count("Overdue") == 1
    assert "Test items" in html


def test_bulk_reject_needs_a_reason_and_keeps_the_selection_errors_clear(client, test_queue, items, moderator):
    client.force_login(moderator)
    response = client.post("/moderation/test-items/", {"items": [items[0].pk], "action": "reject", "note": "x"})
    assert response.status_code == 200
    assert "Select a reason for this decision" in response.content.decode()
    response = client.post("/moderation/test-items/", {"action": "approve"})
    assert "Select at least one item" in response.content.decode()
    reason = Reason.objects.get(code="offensive")
    response = client.post("/moderation/test-items/", {"items": [items[0].pk], "action": "reject", "reason": reason.pk})
    assert response.status_code == 302
    items[0].refresh_from_db()
    assert items[0].name == "rejected (offensive) waiting 0"


def test_acting_on_an_item_claimed_by_someone_else_says_so(client, test_queue, items, moderator, other_moderator):
    services.claim_take(item_type="testitem", item_id=items[0].pk, moderator=other_moderator)
    client.force_login(moderator)
    response = client.post("/moderation/test-items/", {"items": [items[0].pk], "action": "approve"}, follow=True)
    assert "Olu Other has claimed it" in response.content.decode()
    response = client.get(f"/moderation/test-items/{items[0].pk}/")
    assert "Olu Other is deciding this" in response.content.decode()


def test_contact_details_are_hidden_until_asked_for_and_the_request_is_recorded(client, test_queue, items, moderator):
    client.force_login(moderator)
    url = f"/moderation/test-items/{items[0].pk}/"
    assert "author0@example.org" not in client.get(url).content.decode()
    response = client.post(url, {"intent": "contact", "why": ""})
    assert "Say why you need the contact details" in response.content.decode()
    response = client.post(url, {"intent": "contact", "why": "to ask about the wording"})
    assert "author0@example.org" in response.content.decode()
    from moderation.models import ContactView

    assert ContactView.objects.get().why == "to ask about the wording"


def test_audit_log_is_searchable(client, test_queue, items, moderator):
    services.items_decide(
        queue=test_queue, item_ids=[items[0].pk], action_key="approve", moderator=moderator, note="kind words"
    )
    client.force_login(moderator)
    html = client.get("/moderation/log/?q=kind").content.decode()
    assert "kind words" in html
    assert "kind words" not in client.get("/moderation/log/?q=nothing-like-this").content.decode()


def test_people_without_a_moderation_role_are_refused(client, test_queue, outsider):
    client.force_login(outsider)
    assert client.get("/moderation/test-items/").status_code == 403
    assert client.get("/moderation/").status_code == 403


def test_a_queue_waiting_too_long_goes_in_each_moderators_digest_once_per_half_day(
    test_queue, items, moderator, programme_admin, outsider, settings, django_capture_on_commit_callbacks
):
    from mail.reminders import reminder_job, reminders_run

    settings.MODERATION_ALERT_HOURS = 1
    Item.objects.update(created_at=timezone.now() - timedelta(hours=5))
    [waiting] = [w for w in queues_waiting(timezone.now()) if w.path == "/moderation/test-items/"]
    assert waiting.description == "Test items: 3 waiting, the oldest for 5 hours"
    assert sorted(person.email for person in waiting.staff) == sorted([moderator.email, programme_admin.email])
    with django_capture_on_commit_callbacks(execute=True):
        reminders_run(reminder_job("staff-digest"))
        reminders_run(reminder_job("staff-digest"))
    rows = Email.objects.filter(kind="staff-digest")
    assert sorted(rows.values_list("to", flat=True)) == sorted([moderator.email, programme_admin.email])
    assert {row.category for row in rows} == {Email.Category.STAFF}


def test_a_queue_only_some_staff_may_work_goes_only_to_them(test_queue, items, moderator, programme_admin, settings):
    from accounts.roles import is_programme_admin

    settings.MODERATION_ALERT_HOURS = 1
    Item.objects.update(created_at=timezone.now() - timedelta(hours=5))
    queues._queues["test-items"] = queues.Queue(**{**test_queue.__dict__, "can_view": is_programme_admin})
    [waiting] = [w for w in queues_waiting(timezone.now()) if w.path == "/moderation/test-items/"]
    assert [person.email for person in waiting.staff] == [programme_admin.email]


def test_nothing_in_the_digest_when_nothing_waits_too_long(test_queue, items, moderator, settings):
    settings.MODERATION_ALERT_HOURS = 24
    settings.MODERATION_ALERT_SIZE = 50
    assert queues_waiting(timezone.now()) == []


def test_a_queue_over_its_size_is_in_the_digest_however_new(test_queue, items, moderator, settings):
    settings.MODERATION_ALERT_HOURS = 24
    settings.MODERATION_ALERT_SIZE = 2
    [waiting] = queues_waiting(timezone.now())
    assert waiting.description.startswith("Test items: more than 2 waiting")


def test_audit_log_pages_keep_the_search(client, test_queue, items, moderator):
    for n in range(51):
        services.decision_record(
            item_type="testitem", item_id=n, summary=f"kind item {n}", action="approve", actor=moderator
        )
    client.force_login(moderator)
    html = client.get("/moderation/log/?q=kind").content.decode()
    assert 'href="?q=kind&amp;page=2"' in html
    assert "Page 2 of 2" in html
    assert "kind item 0" in client.get("/moderation/log/?q=kind&page=2").content.decode()


def test_overdue_filter_shows_only_items_waiting_more_than_two_days(client, test_queue, items, moderator):
    Item.objects.filter(pk=items[1].pk).update(created_at=timezone.now() - timedelta(days=3))
    client.force_login(moderator)
    html = client.get("/moderation/test-items/").content.decode()
    assert "1 waiting more than 2 days." in html and "?overdue=1" in html
    html = client.get("/moderation/test-items/?overdue=1").content.decode()
    assert "waiting 1" in html and "waiting 0" not in html and "waiting 2" not in html
    assert "Show everything waiting" in html


def test_ticked_items_stay_ticked_after_an_error(client, test_queue, items, moderator):
    client.force_login(moderator)
    ticked = [items[0].pk, items[2].pk]
    html = client.post("/moderation/test-items/", {"items": ticked, "action": "reject"}).content.decode()
    assert "Select a reason for this decision" in html
    for item in items:
        box = f'name="items" type="checkbox" value="{item.pk}"'
        assert (box + " checked" in html) == (item.pk in ticked), item
    # The select-all box is there for JavaScript to reveal; without it each item is ticked by hand.
    assert 'data-select-all="items"' in html


def test_the_kept_bulk_fields_never_show_one_moderators_answers_to_another(client, test_queue, items, moderator):
    """The blank action, reason and note are kept per queue and reasons; a form sent back with
    errors is drawn afresh with what was typed, and the next blank page is blank again."""
    client.force_login(moderator)
    blank = client.get("/moderation/test-items/").content.decode()
    response = client.post(
        "/moderation/test-items/", {"items": [items[0].pk], "action": "reject", "note": "Typed note"}
    )
    html = response.content.decode()
    assert "Select a reason for this decision" in html and "Typed note" in html
    again = client.get("/moderation/test-items/").content.decode()
    assert "Typed note" not in again and "Select a reason for this decision" not in again
    assert 'name="note"' in blank and 'name="note"' in again


def test_the_kept_bulk_fields_offer_a_reason_added_since(client, test_queue, items, moderator, settings):
    client.force_login(moderator)
    assert "Copied from elsewhere" not in client.get("/moderation/test-items/").content.decode()
    Reason.objects.create(code="copied", label="Copied from elsewhere", applies_to="any")
    assert "Copied from elsewhere" in client.get("/moderation/test-items/").content.decode()
    settings.MODERATION_REASONS_SECONDS = 60  # as in production: read once a minute per process
    Reason.objects.filter(code="copied").update(active=False)
    assert "Copied from elsewhere" not in client.get("/moderation/test-items/").content.decode()
    Reason.objects.filter(code="copied").update(active=True)
    assert "Copied from elsewhere" not in client.get("/moderation/test-items/").content.decode()  # kept


def _tab_count(html: str, label: str) -> str:
    start = html.index(f"{label} <span")
    return html[start:].split('app-tabs__count">', 1)[1].split("<", 1)[0]


@pytest.mark.parametrize("overdue", [False, True])
def test_the_tab_and_overdue_counts_agree_with_the_queue_shown(
    client, test_queue, items, moderator, monkeypatch, overdue
):
    """The queue shown takes its tab count from the count that pages it, unless it shows only
    overdue items."""
    from moderation import listing

    Item.objects.filter(pk=items[1].pk).update(created_at=timezone.now() - timedelta(days=3))
    client.force_login(moderator)
    html = client.get("/moderation/test-items/" + ("?overdue=1" if overdue else "")).content.decode()
    assert _tab_count(html, "Test items") == "3"
    if overdue:
        assert "Showing only items waiting more than 2 days." in html and "waiting 0" not in html
    else:
        assert "1 waiting more than 2 days." in html
    monkeypatch.setattr(listing, "COUNT_CAP", 3)  # 3 or more: "2+"
    html = client.get("/moderation/test-items/" + ("?overdue=1" if overdue else "")).content.decode()
    assert _tab_count(html, "Test items") == "2+"


def _page_links(html: str) -> list[str]:
    return re.findall(r'nhsuk-pagination__page">([^<]+)<', html)


def _listed(html: str) -> list[str]:
    return re.findall(r"<bdi>(waiting \d+)</bdi>", html)


def test_paging_past_the_count_cap_reaches_every_item_oldest_first(client, test_queue, items, moderator, monkeypatch):
    """The queue is counted only as far as the page asked for needs; the links say when there
    may be more pages than counted."""
    from moderation import listing

    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    items += [Item.objects.create(name=f"waiting {n}", email="someone@example.org") for n in range(3, 7)]
    client.force_login(moderator)
    seen, links, page = [], [], "1"
    while page:
        html = client.get(f"/moderation/test-items/?page={page}").content.decode()
        assert _tab_count(html, "Test items") == "2+"
        seen += _listed(html)
        links.append(_page_links(html))
        next_link = re.search(r'href="\?page=(\d+)" rel="next"', html)
        page = next_link and next_link.group(1)
    assert seen == [item.name for item in items]
    assert links == [
        ["Page 2 of 2 or more"],
        ["Page 1 of 3 or more", "Page 3 of 3 or more"],
        ["Page 2 of 4 or more", "Page 4 of 4 or more"],
        ["Page 3 of 4"],  # the last page counted everything
    ]
    # As Paginator.get_page answers them: past the end or below 1, the last page; not a
    # number, the first.
    for asked, shown in (("99", ["waiting 6"]), ("0", ["waiting 6"]), ("-3", ["waiting 6"]), ("x", seen[:2])):
        assert _listed(client.get(f"/moderation/test-items/?page={asked}").content.decode()) == shown, asked


def test_the_overdue_pages_are_counted_to_their_cap_too(client, test_queue, items, moderator, monkeypatch):
    from moderation import listing

    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    Item.objects.filter(pk__in=[item.pk for item in items]).update(created_at=timezone.now() - timedelta(days=3))
    client.force_login(moderator)
    html = client.get("/moderation/test-items/?overdue=1").content.decode()
    assert _listed(html) == ["waiting 0", "waiting 1"] and _page_links(html) == ["Page 2 of 2 or more"]
    assert 'href="?overdue=1&amp;page=2" rel="next"' in html  # the next page is still the overdue items
    html = client.get("/moderation/test-items/?overdue=1&page=2").content.decode()
    assert _listed(html) == ["waiting 2"] and _page_links(html) == ["Page 1 of 2"]
    assert 'href="?overdue=1&amp;page=1" rel="prev"' in html


def test_the_queue_page_names_who_claims_each_item(client, test_queue, items, moderator, other_moderator):
    nameless = UserFactory(email="nameless.mod@example.org", display_name="", groups=["Moderators"])
    now = timezone.now()
    for item, who, expires in (
        (items[0], other_moderator, now + timedelta(minutes=5)),
        (items[1], nameless, now + timedelta(minutes=5)),
        (items[2], moderator, now - timedelta(minutes=1)),  # expired: no longer a claim
    ):
        Claim.objects.create(item_type="testitem", item_id=item.pk, moderator=who, claimed_at=now, expires_at=expires)
    client.force_login(moderator)
    html = client.get("/moderation/test-items/").content.decode()
    assert re.findall(r"Claimed by ([^<]+)<", html) == ["Olu Other", "another moderator"]


def test_the_header_shows_the_total_the_queue_page_counted(client, test_queue, items, moderator):
    """Rather than the cached total (up to half a minute old) the header reads elsewhere."""
    from django.core.cache import cache

    cache.set("nav:moderation-waiting:moderator", 41, 30)
    client.force_login(moderator)
    html = client.get("/moderation/test-items/").content.decode()
    assert 'app-header-count">3<' in html and _tab_count(html, "Test items") == "3"
    assert 'app-header-count">41<' in client.get("/").content.decode()


def test_the_queue_page_runs_the_same_few_queries_however_many_items_wait(
    client, test_queue, items, moderator, other_moderator, django_assert_max_num_queries
):
    client.force_login(moderator)
    client.get("/moderation/test-items/")
    # The session with its person and roles, every count, the page's items with their claims,
    # the decision reasons (kept a minute outside tests).
    with django_assert_max_num_queries(4):
        assert client.get("/moderation/test-items/").status_code == 200
    for n in range(3, 60):
        item = Item.objects.create(name=f"waiting {n}", email="someone@example.org")
        Claim.objects.create(
            item_type="testitem",
            item_id=item.pk,
            moderator=other_moderator,
            claimed_at=timezone.now(),
            expires_at=timezone.now() + timedelta(minutes=5),
        )
    with django_assert_max_num_queries(6):
        assert client.get("/moderation/test-items/").status_code == 200


def test_the_counts_are_kept_a_few_seconds_and_recounted_after_a_decision_here(
    client, test_queue, items, moderator, settings
):
    """Each process keeps the page's counts MODERATION_COUNTS_SECONDS; an item that arrives
    meanwhile is counted when they lapse, and a decision made through the queue page is
    counted at once by the process that made it. The rows are always read afresh."""
    from django.core.cache import caches

    settings.MODERATION_COUNTS_SECONDS = 5
    client.force_login(moderator)
    html = client.get("/moderation/test-items/").content.decode()
    assert _tab_count(html, "Test items") == "3"
    Item.objects.create(name="waiting 3", email="author3@example.org")  # as another process would
    html = client.get("/moderation/test-items/").content.decode()
    assert _tab_count(html, "Test items") == "3" and "waiting 3" in html
    caches["local"].clear()  # the seconds lapse
    html = client.get("/moderation/test-items/").content.decode()
    assert _tab_count(html, "Test items") == "4"
    client.post("/moderation/test-items/", {"items": [items[0].pk], "action": "approve"})
    html = client.get("/moderation/test-items/").content.decode()
    assert _tab_count(html, "Test items") == "3" and "waiting 0" not in html
