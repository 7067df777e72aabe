"""A mail backend whose sends fail as a test scripts them, then deliver to locmem."""

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

failures: list[Exception] = []


class ScriptedBackend(LocmemBackend):
    def send_messages(self, messages):
        if failures:
            raise failures.pop(0)
        return super().send_messages(messages)
