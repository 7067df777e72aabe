"""Migration 0013 moves the per-organisation pledge and Care Maker totals to their programmes' prefixes."""

import importlib

import pytest
from django.apps import apps

from ambassadors import keys as ambassador_keys
from counters.models import Counter, Milestone, MilestoneRule
from counters.services import counter_set, counter_value, counters_recount
from pledges import keys as pledge_keys
from tests.ambassadors.factories import CareMakerFactory
from tests.organisations.factories import make_organisation

from .test_organisation_link import published

pytestmark = pytest.mark.django_db

migration = importlib.import_module("organisations.migrations.0013_linked_totals_under_programme_prefix")


def test_moved_totals_milestones_and_rules_leave_the_recount_nothing_to_repair(campaign, service_data):
    oak = make_organisation(name="Oak Lodge Care Home")
    published(campaign, service_data, oak)
    CareMakerFactory(listed_organisation=oak)
    # As the totals were kept before: under organisations:, as two shards for the pledges.
    for key in (pledge_keys.organisation(oak.pk), ambassador_keys.organisation(oak.pk)):
        Counter.objects.filter(key=key).delete()
    Counter.objects.create(key=f"organisations:{oak.pk}:pledges", shard=1, value=1)
    Counter.objects.create(key=f"organisations:{oak.pk}:pledges", shard=2, value=0)
    counter_set(f"organisations:{oak.pk}:care-makers", 1)
    counter_set(f"organisations:{oak.pk}:staff-commitments", 0)
    Milestone.objects.create(key=f"organisations:{oak.pk}:pledges", threshold=1, value_at_crossing=1, label="x")
    MilestoneRule.objects.filter(pattern="pledges:organisation:*").update(pattern="organisations:*:pledges")

    migration.forwards(apps, None)

    assert counter_value(pledge_keys.organisation(oak.pk)) == 1
    assert counter_value(ambassador_keys.organisation(oak.pk)) == 1
    assert not Counter.objects.filter(key__regex=r"^organisations:\d+:(pledges|care-makers)$").exists()
    assert Counter.objects.filter(key=f"organisations:{oak.pk}:staff-commitments").exists()  # not moved
    assert Milestone.objects.get(threshold=1).key == pledge_keys.organisation(oak.pk)  # not reached again
    assert MilestoneRule.objects.filter(pattern="pledges:organisation:*").exists()
    assert counters_recount(dry_run=True) == {}

    migration.backwards(apps, None)
    assert counter_value(f"organisations:{oak.pk}:pledges") == 1
    assert MilestoneRule.objects.filter(pattern="organisations:*:pledges").exists()
