"""Demo data for make run. Idempotent: running it twice adds nothing new."""


def load(stdout) -> None:
    return None
