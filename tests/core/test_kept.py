"""Answers kept a few seconds per process (core/kept.py)."""

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
