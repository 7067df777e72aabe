"""The campaign's totals, kept per version of the public pages (pledges/selectors.py
campaign_counters): a change to the pledges shows at once, as the cached pages do."""

import pytest
from django.core.cache import cache, caches
from django.urls import reverse

from counters.services import counter_add
from pledges import keys as pledge_keys
from pledges import microcache, selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings, campaign):
    settings.PLEDGES_TOTALS_KEPT = 5
    settings.PLEDGES_MICROCACHE_ENABLED = False
    caches["local"].clear()
    yield campaign
    caches["local"].clear()


def test_totals_are_read_once_per_version_and_again_once_the_pages_change(kept, django_assert_num_queries):
    total = pledge_keys.total(kept.pk)
    counter_add(total, 7)
    assert selectors.campaign_totals(kept)["pledges"] == 7
    counter_add(total, 1)  # not through a pledge service: nothing says the pages changed
    with django_assert_num_queries(0):
        assert selectors.campaign_totals(kept)["pledges"] == 7
    microcache._bump()  # as publishing, hiding, withdrawing or erasing a pledge does on commit
    assert selectors.campaign_totals(kept)["pledges"] == 8


def test_a_pledge_published_shows_in_the_wall_totals_at_once(client, kept, django_capture_on_commit_callbacks):
    from pledges import services
    from tests.pledges.factories import PledgeFactory

    first = client.get(reverse("pledges:index")).content.decode()
    pledge = PledgeFactory(campaign=kept, unconfirmed=True)
    with django_capture_on_commit_callbacks(execute=True):  # the version moves once it commits
        services.pledge_confirm(pledge_id=pledge.pk)
    again = client.get(reverse("pledges:index")).content.decode()
    assert '"app-totals__number">0</span> pledges</li>' in first
    assert '"app-totals__number">1</span> pledges</li>' in again
    assert selectors.campaign_totals(kept)["pledges"] == selectors.counter_values_with_prefix(
        pledge_keys.campaign(kept.pk)
    ).get(pledge_keys.total(kept.pk), 0)


def test_with_the_shared_cache_down_the_totals_are_read(kept, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(microcache, "_version_seen", (0.0, None))
    monkeypatch.setattr(cache, "get", down)
    counter_add(pledge_keys.total(kept.pk), 3)
    assert selectors.campaign_totals(kept)["pledges"] == 3


def test_an_employers_pledge_figures_are_kept_per_version_too(kept, django_assert_num_queries):
    from pledges.impact import organisation_report

    made = pledge_keys.organisation(42)
    counter_add(made, 6)
    assert organisation_report(42, made_key=made)["made"] == "6"
    counter_add(made, 1)
    with django_assert_num_queries(0):
        assert organisation_report(42, made_key=made)["made"] == "6"
    microcache._bump()
    assert organisation_report(42, made_key=made)["made"] == "7"
