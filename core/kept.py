"""Answers kept a few seconds in each process, by what they depend on.

Some reads are on every page but change rarely and may be a few seconds behind: the
planner's estimate for a search word, a search's capped count, a directory's count, the
statement titles. Each process keeps such an answer in its own memory (the `local` cache,
never shared, so a down Redis costs nothing) for the seconds its caller allows.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import caches

_MISSING = object()


def kept_answer(kind: str, depends_on, compute, seconds: float | Callable[[object], float]):
    """`compute()`, kept `seconds` in this process's memory under `kind` and a digest of
    `depends_on` (its repr); 0 or less computes it every time. `seconds` may be a function of
    the answer, for answers some of which stay true longer than others. None and False are
    kept like any answer."""
    if not callable(seconds) and seconds <= 0:
        return compute()
    key = f"kept-answer:{kind}:" + hashlib.sha256(repr(depends_on).encode()).hexdigest()
    local = caches["local"]
    if not callable(seconds):
        return local.get_or_set(key, compute, seconds)
    answer = local.get(key, _MISSING)
    if answer is _MISSING:
        answer = compute()
        if (keep := seconds(answer)) > 0:
            local.set(key, answer, keep)
    return answer
