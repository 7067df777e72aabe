"""One decision path: from every page where a decision is made, the programme's decision
service writes exactly one audit row and emails the author exactly when it should.

Entry points: the moderation queue (one item, and the bulk form), the Django admin actions,
the old story moderation page (now the queue), and the regional lead's application review
(one application, and the bulk form). No Django admin change form can make a decision:
status fields there are read-only, which `test_no_admin_change_form_changes_a_decision`
keeps true.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from ambassadors.models import Application, Story
from mail.models import Email
from moderation.models import Decision, Reason
from organisations.models import Organisation
from pledges.models import Pledge
from tests.ambassadors.factories import ApplicationFactory, StoryFactory
from tests.organisations.factories import make_organisation
from tests.pledges.factories import CampaignFactory, PledgeFactory

pytestmark = pytest.mark.django_db

OUTCOMES = ["approve", "reject-told", "reject-quiet"]


@dataclass(frozen=True)
class Kind:
    """One kind of item: how to make one waiting, its author, its decisions and emails."""

    item_type: str
    scope: str  # Reason.AppliesTo
    approve: str  # the action keys, as written in the audit log
    reject: str
    approve_emails: int  # emails to the author on approving
    decided: object  # item -> bool, True once the decision took effect

    def make(self, org_rep):
        if self.item_type == "pledge" and self.approve == "publish":
            pledge = PledgeFactory(held=True)
            return pledge, pledge.email
        if self.item_type == "pledge":
            pledge = PledgeFactory(status=Pledge.Status.HIDDEN)
            return pledge, pledge.email
        if self.item_type == "story":
            story = StoryFactory()
            return story, story.care_maker.user.email
        if self.item_type == "organisation":
            return make_organisation(rep=org_rep, verified=False), org_rep.email
        application = ApplicationFactory()
        return application, application.user.email


def _reloaded(item):
    return type(item)._default_manager.get(pk=item.pk)


HELD_PLEDGE = Kind("pledge", "pledge", "publish", "reject", 0, lambda p: _reloaded(p).status != Pledge.Status.HELD)
REPORTED_PLEDGE = Kind("pledge", "pledge", "keep", "reject", 0, lambda p: _reloaded(p).status != Pledge.Status.HIDDEN)
STORY = Kind("story", "story", "publish", "reject", 1, lambda s: _reloaded(s).status != Story.Status.SUBMITTED)
ORGANISATION = Kind(
    "organisation",
    "organisation",
    "verify",
    "cannot-verify",
    1,
    lambda o: _reloaded(o).verified_at is not None or _reloaded(o).verification_refused_at is not None,
)
APPLICATION = Kind(
    "application", "application", "approve", "decline", 1, lambda a: _reloaded(a).status != Application.Status.SUBMITTED
)
QUEUE_KEYS = {
    id(HELD_PLEDGE): "held-pledges",
    id(REPORTED_PLEDGE): "reported-pledges",
    id(STORY): "care-maker-stories",
    id(ORGANISATION): "organisations-to-verify",
}


def _decision(kind, outcome, reasons) -> tuple[str, Reason | None]:
    if outcome == "approve":
        return kind.approve, None
    return kind.reject, reasons["told" if outcome == "reject-told" else "quiet"]


def queue_single(client, kind, item, action, reason):
    url = reverse("moderation:item", args=[QUEUE_KEYS[id(kind)], item.pk])
    return client.post(url, {"intent": "decide", "action": action, "reason": reason.pk if reason else ""})


def queue_bulk(client, kind, item, action, reason):
    url = reverse("moderation:queue", args=[QUEUE_KEYS[id(kind)]])
    return client.post(url, {"items": [item.pk], "action": action, "reason": reason.pk if reason else ""})


def story_page(client, kind, item, action, reason):
    # The story moderation page is the queue's stories tab: follow it there and decide.
    page = client.get(reverse("ambassadors:moderate_stories"), follow=True)
    assert page.status_code == 200
    return client.post(
        page.request["PATH_INFO"], {"items": [item.pk], "action": action, "reason": reason.pk if reason else ""}
    )


ADMIN_CHANGELISTS = {
    "pledge": "admin:pledges_pledge_changelist",
    "organisation": "admin:organisations_organisation_changelist",
}


def admin_action(client, kind, item, action, reason):
    data = {"action": f"decide_{action.replace('-', '_')}", "_selected_action": [item.pk]}
    if reason:
        data["reason"] = reason.pk
    return client.post(reverse(ADMIN_CHANGELISTS[kind.item_type]), data)


def review_detail(client, kind, item, action, reason):
    url = reverse("ambassadors:review_detail", args=[item.pk])
    return client.post(url, {"decision": action, "reason": reason.pk if reason else ""})


def review_bulk(client, kind, item, action, reason):
    data = {"applications": [item.pk], "decision": action, "reason": reason.pk if reason else ""}
    return client.post(reverse("ambassadors:review"), data)


# (entry point, kind of item, who decides there)
ENTRY_POINTS = [
    pytest.param(queue_single, HELD_PLEDGE, "moderator", id="queue-single-held-pledge"),
    pytest.param(queue_single, REPORTED_PLEDGE, "moderator", id="queue-single-reported-pledge"),
    pytest.param(queue_single, STORY, "moderator", id="queue-single-story"),
    pytest.param(queue_single, ORGANISATION, "programme_admin", id="queue-single-organisation"),
    pytest.param(queue_bulk, HELD_PLEDGE, "moderator", id="queue-bulk-held-pledge"),
    pytest.param(queue_bulk, REPORTED_PLEDGE, "moderator", id="queue-bulk-reported-pledge"),
    pytest.param(queue_bulk, STORY, "moderator", id="queue-bulk-story"),
    pytest.param(queue_bulk, ORGANISATION, "programme_admin", id="queue-bulk-organisation"),
    pytest.param(story_page, STORY, "moderator", id="story-page"),
    pytest.param(admin_action, HELD_PLEDGE, "programme_admin", id="admin-action-pledge"),
    pytest.param(admin_action, ORGANISATION, "programme_admin", id="admin-action-organisation-verify"),
    pytest.param(review_detail, APPLICATION, "programme_admin", id="application-review"),
    pytest.param(review_bulk, APPLICATION, "programme_admin", id="application-review-bulk"),
]


@pytest.fixture
def reasons_for():
    def make(scope):
        return {
            "told": Reason.objects.create(
                code=f"told-{scope}", label="Told why", explanation="What to do next.", applies_to=scope
            ),
            "quiet": Reason.objects.create(
                code=f"quiet-{scope}", label="Hidden quietly", notify_author=False, applies_to=scope
            ),
        }

    return make


@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize(("enter", "kind", "persona"), ENTRY_POINTS)
def test_every_entry_point_writes_one_audit_row_and_emails_the_author_when_the_reason_says(
    request, client, django_capture_on_commit_callbacks, org_rep, reasons_for, enter, kind, persona, outcome
):
    CampaignFactory(is_current=True)
    item, author = kind.make(org_rep)
    action, reason = _decision(kind, outcome, reasons_for(kind.scope))
    client.force_login(request.getfixturevalue(persona))
    emails_before = Email.objects.filter(to=author).count()

    with django_capture_on_commit_callbacks(execute=True):
        response = enter(client, kind, item, action, reason)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert kind.decided(item)
    [decision] = Decision.objects.filter(item_type=kind.item_type, item_id=item.pk)
    assert decision.action == action
    assert decision.reason == reason
    expected = {"approve": kind.approve_emails, "reject-told": 1, "reject-quiet": 0}[outcome]
    assert Email.objects.filter(to=author).count() - emails_before == expected


def test_an_admin_rejection_needs_a_reason(client, programme_admin):
    CampaignFactory(is_current=True)
    pledge = PledgeFactory(held=True)
    client.force_login(programme_admin)
    client.post(
        reverse("admin:pledges_pledge_changelist"), {"action": "decide_reject", "_selected_action": [pledge.pk]}
    )
    assert _reloaded(pledge).status == Pledge.Status.HELD
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Pledge, ["status"]),
        (Story, ["status"]),
        (Application, ["status", "decline_reason"]),
        (Organisation, ["verified_at", "verification_refused_at", "verification_refused_reason"]),
    ],
)
def test_no_admin_change_form_changes_a_decision(rf, programme_admin, model, fields):
    from django.contrib import admin

    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = programme_admin
    readonly = set(model_admin.get_readonly_fields(request))
    assert set(fields) <= readonly
