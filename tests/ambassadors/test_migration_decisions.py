"""Migrations 0006-0008 move the Care Makers' own decisions and decline reasons into the shared
audit log and reasons, keeping history. Run from the state before them, with rows, forward."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from moderation.models import Decision, Reason
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("ambassadors", "0006_application_reason"), ("moderation", "0005_longer_reason_labels")]
AFTER = [("ambassadors", "0008_remove_own_decisions_and_reasons")]
LONG_REASON = (
    "We could not reach the line manager you named, and we need their word before a place can be "
    "offered to anyone in this region, so please apply again."
)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    apps = _migrate(BEFORE)
    yield apps
    # Whatever happened, leave the database at the latest state for the tests after this one.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _application(apps, intake, user, **fields):
    Application = apps.get_model("ambassadors", "Application")
    return Application.objects.create(
        user_id=user.pk,
        intake=intake,
        role="nurse",
        sector="nhs-acute",
        organisation="Exe Valley Hospital",
        region="south-west",
        years_in_role=3,
        statement="I care.",
        chosen_c="care",
        agreed=True,
        **fields,
    )


def test_old_decisions_and_reasons_become_shared_ones_with_their_history(old_apps):
    apps = old_apps
    DeclineReason = apps.get_model("ambassadors", "DeclineReason")
    OldDecision = apps.get_model("ambassadors", "Decision")
    OldAuditRow = apps.get_model("moderation", "Decision")
    Intake = apps.get_model("ambassadors", "Intake")

    lead = UserFactory(email="lead@example.org", display_name="Lena  Lead")
    nameless = UserFactory(email="nameless@example.org", display_name="")
    intake = Intake.objects.create(name="Spring 2026", opens_on="2026-03-01", closes_on="2026-04-30")
    full = DeclineReason.objects.get(text="The places in this intake are full")
    custom = DeclineReason.objects.create(text=LONG_REASON, is_active=False, order=7)
    then = datetime(2026, 4, 2, 10, 30, tzinfo=UTC)

    # Approved recently: the review wrote both rows, so the shared one stays and is not doubled.
    approved = _application(apps, intake, UserFactory(), status="approved", decided_at=then, decided_by_id=lead.pk)
    OldDecision.objects.create(application=approved, outcome="approved", decided_by_id=lead.pk, decided_at=then)
    audit = OldAuditRow.objects.create(
        item_type="application",
        item_id=approved.pk,
        item_summary="Care Maker application: Nurse in the South West",
        action="approve",
        actor_id=lead.pk,
        actor_name="Lena Lead",
    )
    OldAuditRow.objects.filter(pk=audit.pk).update(created_at=then + timedelta(seconds=1))

    # Declined with a seeded reason, also in both: the shared row gains the reason itself.
    seeded = _application(
        apps, intake, UserFactory(), status="declined", decided_at=then, decided_by_id=lead.pk, decline_reason=full
    )
    OldDecision.objects.create(
        application=seeded, outcome="declined", decided_by_id=lead.pk, decided_at=then, reason=full
    )
    seeded_audit = OldAuditRow.objects.create(
        item_type="application",
        item_id=seeded.pk,
        item_summary="Care Maker application: Nurse in the South West",
        action="decline",
        actor_id=lead.pk,
        actor_name="Lena Lead",
        reason_label=full.text,
    )
    OldAuditRow.objects.filter(pk=seeded_audit.pk).update(created_at=then)

    # Declined long ago, before reviews wrote to the shared log: only the old row has it.
    long_ago = datetime(2025, 1, 15, 9, 0, tzinfo=UTC)
    old_only = _application(
        apps,
        intake,
        UserFactory(),
        status="declined",
        decided_at=long_ago,
        decided_by_id=nameless.pk,
        decline_reason=custom,
        decision_note="Call me on 07700 900123",
    )
    OldDecision.objects.create(
        application=old_only,
        outcome="declined",
        decided_by_id=nameless.pk,
        decided_at=long_ago,
        reason=custom,
        note="Call me on 07700 900123",
    )
    applications_reasons_before = Reason.objects.filter(applies_to="application").count()

    _migrate(AFTER)

    # Reasons: the seeded ones are the shared ones already there; the custom one is new, whole.
    new_custom = Reason.objects.get(applies_to="application", label=LONG_REASON)
    assert (new_custom.active, new_custom.notify_author, new_custom.position) == (False, True, 207)
    assert new_custom.code.startswith("application-we-could-not-reach")
    assert Reason.objects.filter(applies_to="application").count() == applications_reasons_before + 1
    full_now = Reason.objects.get(applies_to="application", label=full.text)
    assert full_now.code == "application-intake-full"

    from ambassadors.models import Application

    assert Application.objects.get(pk=seeded.pk).decline_reason == full_now
    assert Application.objects.get(pk=old_only.pk).decline_reason == new_custom
    assert Application.objects.get(pk=approved.pk).decline_reason is None

    # Decisions: exactly one shared row per old one, with outcome, reason, actor and time.
    [approval] = Decision.objects.filter(item_type="application", item_id=approved.pk)
    assert (approval.pk, approval.action, approval.reason, approval.actor_id) == (audit.pk, "approve", None, lead.pk)
    [seeded_row] = Decision.objects.filter(item_type="application", item_id=seeded.pk)
    assert (seeded_row.pk, seeded_row.reason, seeded_row.reason_label) == (seeded_audit.pk, full_now, full.text)
    [history] = Decision.objects.filter(item_type="application", item_id=old_only.pk)
    assert history.action == "decline"
    assert (history.reason, history.reason_label) == (new_custom, LONG_REASON)
    assert (history.actor_id, history.actor_name) == (nameless.pk, f"Account {nameless.pk}")
    assert history.created_at == long_ago
    assert history.note == "Call me on [phone number removed]"
    assert history.item_summary == "Care Maker application: Nurse in South West"


def test_the_migrations_run_on_empty_tables(old_apps):
    apps = old_apps
    for name in ("Decision", "Application"):
        apps.get_model("ambassadors", name).objects.all().delete()
    apps.get_model("ambassadors", "DeclineReason").objects.all().delete()
    _migrate(AFTER)
    assert not Decision.objects.filter(item_type="application").exists()
