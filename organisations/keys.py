"""Every counter key the Social Care Commitment keeps, built here and nowhere else.

    organisations:committed                       employers that made the commitment
    organisations:committed:<facet>:<value>       facet: region, type
    organisations:staff-commitments               staff commitments, every employer
    organisations:<organisation>:staff-commitments
    organisations:<organisation>:assisted         staff commitments made with a champion's help
    organisations:<organisation>:tasks-done       commitment tasks marked done

All of them are under PREFIX, recounted by `services.organisations_recount`. The pledges
and Care Makers each organisation has are kept by those programmes, under their own
prefixes (counters/keys.py).
"""

PREFIX = "organisations:"
COMMITTED = f"{PREFIX}committed"
STAFF_COMMITMENTS = f"{PREFIX}staff-commitments"


def committed(facet: str, value: str) -> str:
    """Committed employers of one region or type."""
    return f"{COMMITTED}:{facet}:{value}"


def staff_commitments(organisation_id: int) -> str:
    return f"{PREFIX}{organisation_id}:staff-commitments"


def assisted(organisation_id: int) -> str:
    return f"{PREFIX}{organisation_id}:assisted"


def tasks_done(organisation_id: int) -> str:
    return f"{PREFIX}{organisation_id}:tasks-done"


def organisation_of(key: str) -> int | None:
    """The organisation one of this programme's per-organisation totals is about, else None."""
    parts = key.split(":")
    if len(parts) < 3 or f"{parts[0]}:" != PREFIX or not parts[1].isdigit():
        return None
    return int(parts[1])
