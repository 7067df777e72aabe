"""The programmes' tabs in the shared moderation queue: stories and organisations."""

import pytest
from django.urls import reverse

from ambassadors.models import Story
from moderation.models import Decision, Reason
from organisations.models import Organisation
from tests.ambassadors.factories import StoryFactory
from tests.organisations.factories import make_organisation

pytestmark = pytest.mark.django_db


def test_the_queue_has_a_tab_for_each_kind_of_waiting_item(client, programme_admin):
    client.force_login(programme_admin)
    html = client.get(reverse("moderation:index"), follow=True).content.decode()
    for label in ("Held pledges", "Reported pledges", "Care Maker stories", "Organisations to verify", "Audit log"):
        assert label in html


def test_moderators_do_not_see_the_verification_tab(client, moderator):
    client.force_login(moderator)
    html = client.get(reverse("moderation:queue", args=["held-pledges"])).content.decode()
    assert "Organisations to verify" not in html
    assert client.get(reverse("moderation:queue", args=["organisations-to-verify"])).status_code == 403


def test_a_programme_admin_verifies_an_organisation_from_the_queue(
    client, programme_admin, org_rep, django_capture_on_commit_callbacks, mailoutbox
):
    organisation = make_organisation(rep=org_rep, verified=False, name="Oak Lodge <Care> Home")
    client.force_login(programme_admin)
    url = reverse("moderation:queue", args=["organisations-to-verify"])
    assert "Oak Lodge &lt;Care&gt; Home" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"items": [organisation.pk], "action": "verify"})
    organisation.refresh_from_db()
    assert organisation.verified_at is not None
    assert Decision.objects.get(item_type="organisation").action == "verify"
    assert [m.to for m in mailoutbox] == [[org_rep.email]]
    assert Organisation.objects.filter(verified_at__isnull=True).count() == 0


def test_rejecting_a_story_with_a_reason_that_tells_the_author_emails_them(
    client, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    story = StoryFactory(title="Tea & <kindness>")
    reason = Reason.objects.get(code="patient-information")
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("moderation:queue", args=["care-maker-stories"]),
            {"items": [story.pk], "action": "reject", "reason": reason.pk, "note": "named the patient"},
        )
    story.refresh_from_db()
    assert story.status == Story.Status.REJECTED
    [message] = mailoutbox
    assert message.to == [story.care_maker.user.email]
    assert message.subject.endswith("Your Care Makers story was not published")
    assert "Reason: Contains patient information" in message.body
    assert "Tea & <kindness>" in message.body  # plain text is not HTML-escaped
    html = message.alternatives[0][0]
    assert "Tea &amp; &lt;kindness&gt;" in html
    assert "named the patient" not in message.body + html  # the note stays in the record
    assert Decision.objects.get(item_type="story").note == "named the patient"


def test_a_quiet_reason_rejects_a_story_without_an_email(
    client, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    story = StoryFactory()
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("moderation:queue", args=["care-maker-stories"]),
            {"items": [story.pk], "action": "reject", "reason": Reason.objects.get(code="advertising").pk},
        )
    story.refresh_from_db()
    assert story.status == Story.Status.REJECTED
    assert mailoutbox == []


def test_decisions_made_in_the_admin_and_in_application_review_are_in_the_audit_log(
    client, programme_admin, moderator, org_rep
):
    from ambassadors.services import application_decide
    from tests.ambassadors.factories import ApplicationFactory

    application = ApplicationFactory()
    application_decide(action="approve", applications=[application], decider=programme_admin, note="Strong statement")
    organisation = make_organisation(rep=org_rep, verified=False, name="Willow Court")
    client.force_login(programme_admin)
    client.post(
        reverse("admin:organisations_organisation_changelist"),
        {"action": "decide_verify", "_selected_action": [organisation.pk]},
    )
    logged = {(d.item_type, d.action) for d in Decision.objects.all()}
    assert {("application", "approve"), ("organisation", "verify")} <= logged
    html = client.get(reverse("moderation:log") + "?q=Strong").content.decode()
    assert "Strong statement" in html
    # Moderators see the decisions of their own queues only.
    client.force_login(moderator)
    assert "Strong statement" not in client.get(reverse("moderation:log") + "?q=Strong").content.decode()


def test_pledge_admin_actions_are_logged(client, programme_admin):
    from tests.pledges.factories import CampaignFactory, PledgeFactory

    CampaignFactory(is_current=True)
    pledge = PledgeFactory(held=True)
    client.force_login(programme_admin)
    client.post(
        reverse("admin:pledges_pledge_changelist"), {"action": "decide_publish", "_selected_action": [pledge.pk]}
    )
    decision = Decision.objects.get(item_type="pledge", item_id=pledge.pk)
    assert decision.actor == programme_admin and decision.note == "Decided in the admin"


def test_cannot_verify_with_a_reason_tells_the_representative_why_and_what_to_do(
    client, programme_admin, org_rep, django_capture_on_commit_callbacks, mailoutbox
):
    organisation = make_organisation(
        rep=org_rep, verified=False, name="Tŷ Derw", region="wales", cqc_provider_id="", regulator_id="SIN-1234"
    )
    assert organisation.nation == "wales"
    reason = Reason.objects.get(code="organisation-not-on-register", applies_to="organisation")
    client.force_login(programme_admin)
    url = reverse("moderation:queue", args=["organisations-to-verify"])
    page = client.get(url).content.decode()
    assert "Cannot verify" in page
    assert "Not found on the regulator&#x27;s register" in page
    assert 'href="https://digital.careinspectorate.wales/directory?keyword=SIN-1234"' in page
    assert "Care Inspectorate Wales registration number SIN-1234" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"items": [organisation.pk], "action": "cannot-verify", "reason": reason.pk})
    organisation.refresh_from_db()
    assert organisation.verified_at is None and organisation.verification_refused_at is not None
    assert Decision.objects.get(item_type="organisation").action == "cannot-verify"
    [message] = mailoutbox
    assert message.to == [org_rep.email]
    assert message.subject.endswith("We could not verify Tŷ Derw")
    assert "Why: Not found on the regulator's register" in message.body
    assert "https://digital.careinspectorate.wales/directory?keyword=SIN-1234" in message.body
    assert reverse("organisations:register") in message.body
    # It leaves the queue, and the representative's dashboard says why.
    assert "Tŷ Derw" not in client.get(url).content.decode()
    client.force_login(org_rep)
    dashboard = client.get(reverse("organisations:dashboard", args=[organisation.slug])).content.decode()
    assert "We could not verify <bdi>Tŷ Derw</bdi>: not found on the regulator" in dashboard


def test_cannot_verify_needs_a_reason(client, programme_admin, org_rep):
    organisation = make_organisation(rep=org_rep, verified=False)
    client.force_login(programme_admin)
    client.post(
        reverse("moderation:queue", args=["organisations-to-verify"]),
        {"items": [organisation.pk], "action": "cannot-verify"},
    )
    organisation.refresh_from_db()
    assert organisation.verification_refused_at is None


def test_an_english_home_links_to_the_cqc_register(client, programme_admin, org_rep):
    make_organisation(rep=org_rep, verified=False, cqc_provider_id="1-555555555")
    client.force_login(programme_admin)
    html = client.get(reverse("moderation:queue", args=["organisations-to-verify"])).content.decode()
    assert 'href="https://www.cqc.org.uk/search/all?query=1-555555555"' in html
