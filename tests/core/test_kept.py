"""Answers kept a few seconds per process (core/kept.py)."""

import pytest
from django.core.cache import caches

from core.kept import kept_answer


def test_an_answer_is_kept_by_what_it_depends_on_and_none_is_kept_too():
    caches["local"].clear()
    calls = []

    def compute(value):
        def answer():
            calls.append(value)
            return value

        return answer

    assert kept_answer("test", ("a", 1), compute(None), 30) is None
    assert kept_answer("test", ("a", 1), compute("again"), 30) is None  # kept, None included
    assert kept_answer("test", ("a", 2), compute(2), 30) == 2
    assert calls == [None, 2]


def test_no_seconds_computes_every_time():
    caches["local"].clear()
    calls = []
    for _ in range(2):
        kept_answer("test", "x", lambda: calls.append(1), 0)
    assert calls == [1, 1]


def test_seconds_can_depend_on_the_answer(monkeypatch):
    import time as time_module

    caches["local"].clear()
    now = [1000.0]
    monkeypatch.setattr(time_module, "time", lambda: now[0])
    answers = iter([1001, 7, 8])

    def seconds(count):
        return 600 if count > 1000 else 30

    assert kept_answer("test", "past", lambda: next(answers), seconds) == 1001
    assert kept_answer("test", "exact", lambda: next(answers), seconds) == 7
    now[0] += 60  # the exact count has run out; the one past the cap has not
    assert kept_answer("test", "past", lambda: next(answers), seconds) == 1001
    assert kept_answer("test", "exact", lambda: next(answers), seconds) == 8


def test_a_kept_answer_is_shared_not_copied_and_its_dicts_refuse_changes():
    import pytest

    caches["local"].clear()
    first = kept_answer("test", "totals", lambda: {"pledges": 3, "by_theme": {"dementia": 2}}, 30)
    again = kept_answer("test", "totals", lambda: {"pledges": 99}, 30)
    assert again is first  # the same object: nothing unpickled on a read
    assert first == {"pledges": 3, "by_theme": {"dementia": 2}}
    changes = [
        lambda: first.__setitem__("pledges", 4),
        lambda: first["by_theme"].__setitem__("dementia", 3),
        lambda: first.update(pledges=4),
        lambda: first.pop("pledges"),
        lambda: first.setdefault("done", 1),
        lambda: first.clear(),
        lambda: first.popitem(),
        lambda: first.__delitem__("pledges"),
    ]
    for change in changes:
        with pytest.raises(TypeError, match="shared"):
            change()
    assert first == {"pledges": 3, "by_theme": {"dementia": 2}}
    copy = dict(first)
    copy["pledges"] = 4  # a copy is the caller's own
    assert first["pledges"] == 3


def test_a_dict_answer_is_frozen_when_it_is_not_kept_too():
    import pytest

    answer = kept_answer("test", "now", lambda: {"a": 1}, 0)
    with pytest.raises(TypeError):
        answer["a"] = 2


def test_a_frozen_dict_is_a_dict_to_its_readers_and_a_key_by_its_contents():
    import copy
    import json
    import pickle

    from core.kept import FrozenDict, frozen

    answer = frozen({"b": 2, "a": {"x": 1}})
    assert isinstance(answer["a"], FrozenDict)
    assert json.loads(json.dumps(answer)) == {"b": 2, "a": {"x": 1}}
    unpickled = pickle.loads(pickle.dumps(answer))  # noqa: S301 - bytes this test made
    assert unpickled == answer and type(unpickled) is FrozenDict
    assert copy.deepcopy(answer) == answer
    assert {**answer, "c": 3} == {"b": 2, "a": {"x": 1}, "c": 3}
    same = frozen({"a": {"x": 1}, "b": 2})
    assert hash(same) == hash(answer) and {answer: "kept"}[same] == "kept"
    assert hash(frozen({"a": {"x": 2}, "b": 2})) != hash(answer)


def test_the_local_cache_keeps_expires_counts_and_clears():
    import time as time_module

    local = caches["local"]
    local.clear()
    value = ["the object itself"]
    local.set("k", value, 30)
    assert local.get("k") is value
    assert local.add("k", "other", 30) is False
    assert local.add("n", 1, 30) is True
    assert local.incr("n", 2) == 3 and local.get("n") == 3
    assert local.get_or_set("m", lambda: "made", 30) == "made"
    real = time_module.time
    try:
        time_module.time = lambda: real() + 60
        assert local.get("k", "gone") == "gone"
    finally:
        time_module.time = real
    local.clear()
    assert local.get("n") is None


def test_the_local_cache_does_not_walk_its_keys_for_memcached(monkeypatch):
    """Its keys never leave the process: Django's check (a Python loop over every character)
    is not run on them, and a key memcached would refuse is kept all the same."""
    from django.core.cache.backends import base

    monkeypatch.setattr(base, "memcache_key_warnings", lambda key: pytest.fail("walked the key"))
    local = caches["local"]
    long_key = "kept-answer:words with spaces:" + "x" * 300
    local.set(long_key, "kept", 30)
    assert local.get(long_key) == "kept" and local.get_or_set(long_key, lambda: "made", 30) == "kept"
    local.delete(long_key)
