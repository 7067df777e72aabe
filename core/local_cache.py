"""The `local` cache: answers kept in each process's memory, shared, not copied.

Django's LocMemCache pickles every value it keeps and unpickles it on every read, so each
caller gets a copy it may change. The answers kept here (core.kept.kept_answer) are read on
nearly every page and never changed by a caller: a campaign's totals, the outcome
questions, a count. Unpickling them was the largest part of reading them (about 20 µs for a
campaign's totals, three times on the impact page). This backend keeps the object itself;
kept_answer makes dict answers read-only (core.kept.FrozenDict), and the other answers
kept are numbers, strings, tuples and model instances no caller writes to.

Expiry, the entry limit, culling and clear() are LocMemCache's own. Keys are not checked
against memcached's rules, which only warn, and would cost each read about 2 us.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class SharedLocMemCache(LocMemCache):
    def make_and_validate_key(self, key, version=None):
        """The key, not checked against memcached's rules (Django's check walks every
        character in Python, about 2 us a read): the keys here never leave the process."""
        return self.make_key(key, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            value = self._cache[key] + delta
            self._cache[key] = value
            self._cache.move_to_end(key, last=False)
        return value
