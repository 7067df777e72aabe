import pytest

from accounts.data_rights import personal_data_erase, personal_data_export
from counters.services import counter_values, counters_recount
from pledges import keys as pledge_keys
from pledges import services
from pledges.models import Pledge

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_pledges(campaign, service_data):
    for text in ("I will learn more about dementia care", "I will take my full break every shift"):
        result = services.pledge_submit(campaign=campaign, data={**service_data, "text": text})
        services.pledge_confirm(pledge_id=result.pledge.pk)


def test_export_lists_the_persons_pledges(two_pledges):
    data = personal_data_export(email="jo@example.org")
    assert [p["text"] for p in data["pledges"]["pledges"]] == [
        "I will learn more about dementia care",
        "I will take my full break every shift",
    ]


def test_erase_keeping_contributions_anonymises_and_keeps_the_counts(campaign, two_pledges):
    personal_data_erase(email="jo@example.org", keep_contributions=True)
    assert not Pledge.objects.filter(email__iexact="jo@example.org").exists()
    assert set(Pledge.objects.values_list("name", flat=True)) == {""}
    assert Pledge.objects.filter(status="published").count() == 2
    keys = [pledge_keys.total(campaign.pk), pledge_keys.people(campaign.pk)]
    assert list(counter_values(keys).values()) == [2, 1]
    assert counters_recount(dry_run=True) == {}


def test_erase_without_contributions_removes_pledges_and_their_counts(campaign, two_pledges):
    personal_data_erase(email="jo@example.org", keep_contributions=False)
    assert Pledge.objects.count() == 0
    assert counters_recount(dry_run=True) == {}
