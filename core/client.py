"""Who is asking: the client's address, from configuration rather than from the request.

A client can put anything in `X-Forwarded-For`, so the header means something only when a
proxy we run wrote it. Two settings say which proxies those are:

- TRUSTED_PROXY_COUNT: how many proxies stand in front of the site, each writing or
  appending one address to `X-Forwarded-For`. 0 (the default): the header is ignored and
  `REMOTE_ADDR` is the client. 1 behind the compose nginx, which overwrites the header with
  the address it saw. The client is then the N-th address from the right, the right-most one
  that no proxy of ours vouches for; whatever the client itself sent stays to the left.
- TRUSTED_PROXIES: optional addresses or CIDR networks of the proxy that connects to the
  site. When set, the header is read only from a peer (`REMOTE_ADDR`) inside them, so a
  request that reaches the app around the proxy cannot pick its own address.

Reading the header is django-ipware's job (well kept, handles IPv6, ports, brackets and
malformed entries); we only tell it which header to read and where the client stands in it,
and keep `REMOTE_ADDR` as the answer whenever the header cannot be trusted or parsed.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from ipware import get_client_ip

UNKNOWN = "unknown"


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _peer_is_trusted(peer) -> bool:
    trusted = tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ())
    if not trusted:
        return True
    return peer is not None and any(peer.version == net.version and peer in net for net in _networks(trusted))


def client_ip(request) -> str:
    """The client's address as the configured proxies report it, else the connecting peer's."""
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    hops = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if hops > 0 and _peer_is_trusted(peer):
        # ipware counts the proxies named inside the header (the last of ours is REMOTE_ADDR).
        # Not strict: a chain longer than expected is normal (the client's own entries stay on
        # the left), and the pick is anchored to the right, where only our proxies write.
        forwarded, _routable = get_client_ip(
            request,
            proxy_count=hops - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        if forwarded:
            return forwarded
    return str(peer) if peer is not None else (request.META.get("REMOTE_ADDR") or UNKNOWN)


def client_network(request) -> str:
    """The unit one person controls, for per-client limits and report counting: the IPv4
    address, or the /64 an IPv6 address sits in (one home or phone gets a whole /64)."""
    ip = client_ip(request)
    address = _parse(ip)
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address) if address is not None else ip
