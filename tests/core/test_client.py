"""core/client.py: the client's address comes from the proxy settings, never from a header
the client wrote; the rate limits, the reporter key and allauth all use it."""

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory
from django.urls import reverse

from core.client import client_ip, client_network
from pledges import services
from pledges.models import Pledge, PledgeReport
from tests.pledges.conftest import campaign  # noqa: F401  (a fixture)
from tests.pledges.factories import PledgeFactory

FORGED = ("203.0.113.1", "203.0.113.2", "203.0.113.3")


def _request(remote="198.51.100.20", **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize("production", [False, True])
def test_without_a_configured_proxy_forwarded_headers_are_ignored(settings, production):
    settings.PRODUCTION = production
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXIES = []
    request = _request(
        HTTP_X_FORWARDED_FOR="203.0.113.5",
        HTTP_X_REAL_IP="203.0.113.6",
        HTTP_CLIENT_IP="203.0.113.7",
        HTTP_FORWARDED="for=203.0.113.8",
    )
    assert client_ip(request) == "198.51.100.20"


def test_one_trusted_proxy_gives_the_right_most_address_whatever_the_client_prepended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("172.18.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7")) == "198.51.100.7"
    # A proxy that appends: whatever the client sent stays on the left and is never picked.
    forged = _request("172.18.0.5", HTTP_X_FORWARDED_FOR="203.0.113.5, 10.9.9.9, 198.51.100.7")
    assert client_ip(forged) == "198.51.100.7"
    # Other headers a client can write are never read.
    assert client_ip(_request("172.18.0.5", HTTP_X_REAL_IP="203.0.113.5")) == "172.18.0.5"


def test_two_trusted_proxies_skip_exactly_one_entry(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = _request("172.18.0.5", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.7, 10.0.0.2")
    assert client_ip(request) == "198.51.100.7"
    # Fewer entries than proxies: the header cannot be ours, so the connecting peer is used.
    assert client_ip(_request("172.18.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7")) == "172.18.0.5"


def test_a_malformed_header_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for value in ("not-an-address", "", " , ", "999.1.1.1", "x\x00y"):
        assert client_ip(_request("172.18.0.5", HTTP_X_FORWARDED_FOR=value)) == "172.18.0.5", value


def test_trusted_proxies_limit_whose_header_is_read(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::1"]
    header = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert client_ip(_request("10.1.2.3", **header)) == "198.51.100.7"
    assert client_ip(_request("2001:db8::1", **header)) == "198.51.100.7"
    # Someone reaching the app around the proxy cannot choose their address.
    assert client_ip(_request("192.0.2.50", **header)) == "192.0.2.50"


def test_ipv6_clients_are_counted_by_their_64(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    one = client_network(_request("2001:db8:1:2:aaaa::1"))
    two = client_network(_request("2001:db8:1:2:bbbb::9"))
    other = client_network(_request("2001:db8:1:3::1"))
    assert one == two == "2001:db8:1:2::/64" and other != one
    assert client_network(_request("::ffff:198.51.100.20")) == "198.51.100.20"


def test_allauth_sees_the_same_client_as_the_site(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = _request("172.18.0.5", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.7")
    assert get_adapter(request).get_client_ip(request) == client_ip(request) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 0
    assert get_adapter(request).get_client_ip(request) == "172.18.0.5"


# --- Through HTTP, with no proxy configured: forged headers change nothing -------------


@pytest.fixture
def no_proxy(settings):
    settings.PRODUCTION = True  # the production shape, where the old code believed the header
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXIES = []
    settings.RATELIMIT_MULTIPLIER = 1
    return settings


@pytest.mark.django_db
def test_three_reports_with_three_forged_addresses_from_one_address_hide_nothing(client, campaign, no_proxy):
    pledge = PledgeFactory()
    url = reverse("pledges:report", args=[pledge.pk])
    for forged in FORGED:
        response = client.post(url, {"reason": "offensive"}, REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR=forged)
        assert response.status_code == 200
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PUBLISHED
    assert list(PledgeReport.objects.values_list("reporter", flat=True)) == [services.reporter_key(ip="198.51.100.20")]


@pytest.mark.django_db
def test_forged_addresses_do_not_lift_the_per_address_limit(client, campaign, no_proxy):
    pledges = [PledgeFactory() for _ in range(21)]
    codes = [
        client.post(
            reverse("pledges:report", args=[p.pk]),
            {"reason": "spam"},
            REMOTE_ADDR="198.51.100.20",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n, p in enumerate(pledges)
    ]
    assert codes == [200] * 20 + [429]
    # The limit is per address: another address still gets through.
    other = client.post(
        reverse("pledges:report", args=[pledges[0].pk]), {"reason": "spam"}, REMOTE_ADDR="198.51.100.21"
    )
    assert other.status_code == 200
