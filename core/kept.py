"""Answers kept a few seconds in each process, by what they depend on.

Some reads are on every page but change rarely and may be a few seconds behind: the
planner's estimate for a search word, a search's capped count, a directory's count, the
statement titles. Each process keeps such an answer in its own memory (the `local` cache,
never shared, so a down Redis costs nothing) for the seconds its caller allows.

A kept answer is the same object for every request of the process, not a copy: a dict
answer (and every dict in it) is kept as a FrozenDict, which refuses changes, and the
other answers kept are numbers, strings, tuples and model instances no caller writes to.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import caches

_MISSING = object()


class FrozenDict(dict):
    """A dict that refuses changes, for an answer every request of a process shares. It is
    hashable (worked out once), so a fragment's key can hold it as it is, and it is a dict
    to everything that reads it (templates, JSON, `{**answer}` for a copy to change)."""

    __slots__ = ("_hash",)

    def _refuse(self, *args, **kwargs):
        raise TypeError("a kept answer is shared by every request of the process: change a copy (dict(answer))")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse

    def __hash__(self):
        try:
            return self._hash
        except AttributeError:
            self._hash = hash(frozenset(self.items()))
            return self._hash

    def __reduce__(self):
        return (type(self), (dict(self),))


def frozen(answer):
    """`answer` with every dict in it (at its top, or as a dict's value) made a FrozenDict."""
    if isinstance(answer, dict) and not isinstance(answer, FrozenDict):
        return FrozenDict((key, frozen(value)) for key, value in answer.items())
    return answer


def kept_answer(kind: str, depends_on, compute, seconds: float | Callable[[object], float]):
    """`compute()`, kept `seconds` in this process's memory under `kind` and a digest of
    `depends_on` (its repr); 0 or less computes it every time. `seconds` may be a function of
    the answer, for answers some of which stay true longer than others. None and False are
    kept like any answer. A dict answer comes back frozen (FrozenDict), kept or not, so a
    caller that would change it fails in every test, not only when the answer was kept."""
    if not callable(seconds) and seconds <= 0:
        return frozen(compute())
    key = f"kept-answer:{kind}:" + hashlib.sha256(repr(depends_on).encode()).hexdigest()
    local = caches["local"]
    if not callable(seconds):
        return local.get_or_set(key, lambda: frozen(compute()), seconds)
    answer = local.get(key, _MISSING)
    if answer is _MISSING:
        answer = frozen(compute())
        if (keep := seconds(answer)) > 0:
            local.set(key, answer, keep)
    return answer
