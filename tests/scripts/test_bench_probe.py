"""The bench's set-up gives the campaign published sentences, as a live one has, so the
impact scenarios draw their cards; through the service, so the totals agree; once."""

import pytest

from bench.management.commands import bench_probe
from counters.services import counter_values
from pledges import keys as pledge_keys
from pledges.models import Pledge, PledgeOutcome
from tests.pledges.factories import CampaignFactory, PledgeFactory

pytestmark = pytest.mark.django_db


def test_the_set_up_tops_the_published_sentences_up_once(monkeypatch, client):
    monkeypatch.setattr(bench_probe, "SENTENCES", 6)
    campaign = CampaignFactory(is_current=True)
    pledges = [PledgeFactory(campaign=campaign) for _ in range(8)]
    Pledge.objects.filter(pk=pledges[0].pk).update(status=Pledge.Status.HELD)
    bench_probe._published_sentences(campaign)
    bench_probe._published_sentences(campaign)  # already there: nothing more
    published = PledgeOutcome.objects.filter(campaign=campaign, publish_change=True)
    assert published.count() == 6
    assert not published.filter(pledge=pledges[0]).exists()  # only pledges on the wall
    published_key = pledge_keys.outcomes_published(campaign.pk)
    assert counter_values([published_key])[published_key] == 6  # the kept totals moved with them
    html = client.get("/pledges/impact/").content.decode()
    assert html.count("nhsuk-card__description") == 6
