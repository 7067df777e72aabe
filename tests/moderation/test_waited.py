"""The queue's 'waited' words are Django's timesince(), worked out once per minute."""

import random
from datetime import UTC, datetime, timedelta

from django.utils.timesince import timesince
from django.utils.translation import override

from moderation.views import _waited_minutes, _waited_since, waited


def test_waited_is_timesince_across_month_ends_and_years():
    rng = random.Random(2026)
    nows = [
        datetime(2027, m, d, h, 30, 15, tzinfo=UTC)
        for m, d, h in [(3, 1, 0), (2, 28, 23), (1, 1, 0), (12, 31, 12), (5, 31, 6)]
    ]
    seconds = [
        0,
        1,
        59,
        60,
        61,
        3599,
        3600,
        86399,
        86400,
        7 * 86400 - 1,
        28 * 86400 - 1,
        28 * 86400,
        31 * 86400,
        400 * 86400,
        -60,
    ]
    seconds += [rng.randrange(0, 40 * 86400) for _ in range(500)]
    for now in nows:
        for s in seconds:
            since = now - timedelta(seconds=s)
            assert waited(since, now) == timesince(since, now), (now, s)


def test_the_words_are_kept_per_minute_and_language():
    now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    _waited_minutes.cache_clear()
    for s in range(0, 600, 7):
        waited(now - timedelta(seconds=3 * 86400 + s), now)
    assert _waited_minutes.cache_info().currsize == 10  # ten whole minutes
    with override("cy"):
        waited(now - timedelta(days=3), now)
    assert _waited_minutes.cache_info().currsize == 11


def test_a_long_wait_is_kept_for_the_minute():
    now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    since = now - timedelta(days=45, hours=3)
    _waited_since.cache_clear()
    assert waited(since, now) == waited(since, now) == timesince(since, now) == "1\xa0month, 2\xa0weeks"
    info = _waited_since.cache_info()
    assert (info.misses, info.hits) == (1, 1)
