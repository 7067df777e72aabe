"""Behind the compose proxy: Debian's nginx, started with the repo's site configuration in
front of a live server, and the app set as docker-compose.yml sets it (TRUSTED_PROXY_COUNT=1).
A forged X-Forwarded-For neither counts as a new reporter nor lifts a per-address limit, while
two real client addresses (127.0.0.x on loopback) are told apart: the app reads the address
nginx saw, not nginx's own."""

import http.client
import re
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlparse

import pytest
from django.urls import reverse

from pledges import services
from pledges.models import Pledge, PledgeReport
from tests.config.nginx import RunningNginx, free_port, nginx_or_skip, write_config
from tests.pledges.conftest import campaign  # noqa: F401  (a fixture)
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def proxy(live_server, settings, tmp_path):
    nginx = nginx_or_skip()
    settings.TRUSTED_PROXY_COUNT = 1  # as docker-compose.yml sets it for web
    settings.TRUSTED_PROXIES = []
    settings.RATELIMIT_MULTIPLIER = 1
    upstream = urlparse(live_server.url)
    port = free_port()
    config = write_config(tmp_path, web=f"127.0.0.1:{upstream.port}", listen=port, mail_listen=free_port())
    running = RunningNginx(nginx, config, port)
    yield running
    running.stop()


class Visitor:
    """One browser on one address, going through nginx; sends whatever headers it likes."""

    def __init__(self, proxy: RunningNginx, address: str):
        self.port, self.address, self.cookies = proxy.port, address, SimpleCookie()

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20, source_address=(self.address, 0))
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v.value}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        text = response.read().decode()
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        connection.close()
        return response.status, text

    def report(self, pledge: Pledge, forged: str) -> int:
        path = reverse("pledges:report", args=[pledge.pk])
        status, html = self.request("GET", path)
        assert status == 200, html[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        status, _ = self.request(
            "POST",
            path,
            {"csrfmiddlewaretoken": token, "reason": "offensive"},
            headers={"X-Forwarded-For": forged, "X-Real-IP": forged, "Forwarded": f"for={forged}"},
        )
        return status


def test_behind_nginx_forged_addresses_are_one_reporter_and_real_ones_are_two(proxy, campaign):  # noqa: F811
    pledge = PledgeFactory()
    one = Visitor(proxy, "127.0.0.3")
    assert [one.report(pledge, forged) for forged in ("203.0.113.1", "203.0.113.2", "203.0.113.3")] == [200] * 3
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PUBLISHED
    assert list(PledgeReport.objects.values_list("reporter", flat=True)) == [services.reporter_key(ip="127.0.0.3")]
    # Another real address is another reporter: the app reads nginx's header, not its peer.
    assert Visitor(proxy, "127.0.0.4").report(pledge, "203.0.113.1") == 200
    assert set(PledgeReport.objects.values_list("reporter", flat=True)) == {
        services.reporter_key(ip="127.0.0.3"),
        services.reporter_key(ip="127.0.0.4"),
    }


def _within_one_hour_window(seconds: int = 120) -> None:
    """The limits count in clock hours (core/ratelimit.py): wait for the next hour when this
    one ends within `seconds`, so every request of a test falls in one window."""
    left = 3600 - time.time() % 3600
    if left < seconds:
        time.sleep(left + 1)


def test_behind_nginx_forged_addresses_do_not_lift_the_per_address_limit(proxy, campaign):  # noqa: F811
    pledges = [PledgeFactory() for _ in range(21)]
    _within_one_hour_window()
    visitor = Visitor(proxy, "127.0.0.5")
    codes = [visitor.report(pledge, f"203.0.113.{n}") for n, pledge in enumerate(pledges)]
    assert codes == [200] * 20 + [429]
    assert Visitor(proxy, "127.0.0.6").report(pledges[-1], "127.0.0.5") == 200
