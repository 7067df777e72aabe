from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mail.models import Email
from mail.services import email_queue
from pledges.models import Pledge
from pledges.retention import unconfirmed_pledges_purge
from tests.pledges.factories import PledgeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("campaign")]


def _aged(days, **kwargs):
    pledge = PledgeFactory(**kwargs)
    Pledge.objects.filter(pk=pledge.pk).update(created_at=timezone.now() - timedelta(days=days))
    return pledge


def test_unconfirmed_pledges_older_than_30_days_are_deleted_with_their_emails(django_capture_on_commit_callbacks):
    old = _aged(31, unconfirmed=True, email="old.unconfirmed@example.org")
    young = _aged(29, unconfirmed=True)
    email_queue(kind="pledge-confirm", to=old.email, key=f"pledge-confirm:{old.pk}:1", context={"text": old.text})
    email_queue(kind="pledge-confirm", to=young.email, key=f"pledge-confirm:{young.pk}:1", context={"text": young.text})
    assert unconfirmed_pledges_purge(dry_run=True) == 1
    assert Pledge.objects.filter(pk=old.pk).exists()
    assert unconfirmed_pledges_purge() == 1
    assert not Pledge.objects.filter(pk=old.pk).exists()
    assert Pledge.objects.filter(pk=young.pk).exists()
    assert not Email.objects.filter(to=old.email).exists()
    assert Email.objects.filter(to=young.email).exists()
    assert unconfirmed_pledges_purge() == 0  # running it again deletes nothing more


def test_old_confirmed_pledges_are_kept():
    kept = _aged(400, status=Pledge.Status.PUBLISHED, published_at=timezone.now() - timedelta(days=399))
    unconfirmed_pledges_purge()
    assert Pledge.objects.filter(pk=kept.pk).exists()


def test_purge_command_has_a_dry_run(capsys):
    _aged(45, unconfirmed=True)
    call_command("purge_unconfirmed_pledges", "--dry-run")
    assert "1 unconfirmed pledges would be deleted" in capsys.readouterr().out
    assert Pledge.objects.count() == 1
