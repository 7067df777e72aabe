"""The audit log never keeps an NHS number, phone number, email address or postcode: every
moderator can read it, and the items it describes were often held for exactly that."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from moderation.models import Decision, Reason
from moderation.services import decision_record
from tests.pledges.factories import CampaignFactory, PledgeFactory

pytestmark = pytest.mark.django_db

HELD_TEXT = "I will help Mr Smith 186\u200b091\u200b3903, ring 0044 7700 900123 or jo at example dot com"
RAW = ("1860913903", "186\u200b091", "7700 900123", "example dot com", "jo at")


def _assert_masked(text: str) -> None:
    for raw in RAW:
        assert raw not in text
    assert "[NHS number removed]" in text
    assert "[phone number removed]" in text
    assert "[email address removed]" in text


def test_rejecting_a_held_pledge_logs_its_text_masked(client, moderator):
    CampaignFactory(is_current=True)
    pledge = PledgeFactory(held=True, text=HELD_TEXT)
    client.force_login(moderator)
    client.post(
        reverse("moderation:queue", args=["held-pledges"]),
        {
            "items": [pledge.pk],
            "action": "reject",
            "reason": Reason.objects.filter(applies_to__in=["any", "pledge"]).first().pk,
            "note": "It gave the number 186 091 3903",
        },
    )
    decision = Decision.objects.get(item_type="pledge", item_id=pledge.pk)
    _assert_masked(decision.item_summary)
    assert decision.note == "It gave the number [NHS number removed]"
    html = client.get(reverse("moderation:log")).content.decode()
    assert "[NHS number removed]" in html and "0044 7700 900123" not in html


def test_pledge_admin_action_logs_the_text_masked(client, programme_admin):
    CampaignFactory(is_current=True)
    pledge = PledgeFactory(held=True, text=HELD_TEXT)
    client.force_login(programme_admin)
    client.post(
        reverse("admin:pledges_pledge_changelist"),
        {
            "action": "decide_reject",
            "_selected_action": [pledge.pk],
            "reason": Reason.objects.filter(applies_to__in=["any", "pledge"]).first().pk,
        },
    )
    _assert_masked(Decision.objects.get(item_type="pledge", item_id=pledge.pk).item_summary)


def test_clean_summaries_are_kept_as_written(moderator):
    decision = decision_record(
        item_type="pledge", item_id=1, summary="Thank 10 colleagues\u00a0a week", action="publish", actor=moderator
    )
    assert decision.item_summary == "Thank 10 colleagues\u00a0a week"


def test_the_migration_masks_rows_logged_before(moderator):
    raw = Decision.objects.create(
        item_type="pledge", item_id=1, item_summary=HELD_TEXT, action="reject", actor_name="Mo", note="EX1 2AB"
    )
    clean = Decision.objects.create(
        item_type="pledge", item_id=2, item_summary="Thank 10 colleagues", action="publish", actor_name="Mo"
    )
    migration = importlib.import_module("moderation.migrations.0003_mask_personal_data_in_audit_log")
    migration.mask_existing(apps, None)
    migration.mask_existing(apps, None)  # twice: nothing more changes
    raw.refresh_from_db()
    clean.refresh_from_db()
    _assert_masked(raw.item_summary)
    assert raw.note == "[postcode removed]"
    assert clean.item_summary == "Thank 10 colleagues"


def test_the_rejection_email_and_its_outbox_row_carry_the_text_masked(
    client, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    from mail.models import Email

    CampaignFactory(is_current=True)
    pledge = PledgeFactory(held=True, text=HELD_TEXT)
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("moderation:queue", args=["held-pledges"]),
            {"items": [pledge.pk], "action": "reject", "reason": Reason.objects.filter(notify_author=True).first().pk},
        )
    [mail] = mailoutbox
    _assert_masked(mail.body)
    _assert_masked(mail.alternatives[0][0])
    _assert_masked(Email.objects.get(kind="pledge-rejected").context["text"])
