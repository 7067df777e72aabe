"""Migration 0005 fills the outbox's about column once from the keys of rows already there."""

import importlib

import pytest
from django.apps import apps

from mail.models import Email

pytestmark = pytest.mark.django_db

migration = importlib.import_module("mail.migrations.0005_email_about")


@pytest.mark.parametrize(
    "key, about",
    [
        ("pledge-confirm:12:2", "pledges.pledge:12"),
        ("pledge-rejected:12", "pledges.pledge:12"),
        ("reminder:pledge-nudge:pledge-12:jo@example.org", "pledges.pledge:12"),
        ("reminder:pledge-outcome:pledge-12:jo@example.org", "pledges.pledge:12"),
        ("care-makers-outcome:5", "ambassadors.application:5"),
        ("care-makers-endorsement:5:first", "ambassadors.application:5"),
        ("reminder:care-makers-endorsement:application-5:boss@example.org", "ambassadors.application:5"),
        ("reminder:care-makers-recommit:care-maker-7-2026-01-02:cm@example.org", "ambassadors.caremaker:7"),
        ("care-makers-story-rejected:9", "ambassadors.story:9"),
        ("care-makers-eligibility-opened:3", "ambassadors.eligibilitywaitlist:3"),
        ("organisation-verified:4:11", "organisations.organisation:4"),
        ("organisation-access-request:8:rep@example.org", "organisations.accessrequest:8"),
        ("milestone:6:news:a@example.org", "counters.milestone:6"),
        ("pledge-confirm-ish:12", ""),
        ("reminder:pledge-closing:campaign-2:jo@example.org", ""),
        ("pledge-links:jo@example.org:123", ""),
    ],
)
def test_old_keys_are_read_once_into_about(key, about):
    assert migration.about_from_key(key) == about


def test_the_backfill_fills_only_empty_rows():
    Email.objects.create(kind="pledge-confirm", to="a@example.org", key="pledge-confirm:12:1")
    Email.objects.create(kind="x", to="b@example.org", key="pledge-links:b:1")
    Email.objects.create(kind="y", to="c@example.org", key="pledge-rejected:3", about="pledges.pledge:99")
    migration.backfill(apps, None)
    assert dict(Email.objects.values_list("key", "about")) == {
        "pledge-confirm:12:1": "pledges.pledge:12",
        "pledge-links:b:1": "",
        "pledge-rejected:3": "pledges.pledge:99",
    }
