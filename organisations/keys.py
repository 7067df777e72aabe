"""Every counter key the Social Care Commitment keeps, built here and nowhere else.

    organisations:committed                       employers that made the commitment
    organisations:committed:<facet>:<value>       facet: region, type
    organisations:staff-commitments               staff commitments, every employer
    organisations:<organisation>:staff-commitments
    organisations:<organisation>:assisted         staff commitments made with a champion's help
    organisations:<organisation>:tasks-done       commitment tasks marked done
    organisations:tasks:<state>:statement:<n>     employers' tasks under statement n, every employer;
                                                  state: chosen, done, overdue (TASK_STATES)
    organisations:<organisation>:tasks:<state>:statement:<n>
    organisations:tasks:evidence-published        done tasks whose evidence the employer published

All of them are under PREFIX, recounted by `services.organisations_recount`. The pledges
and Care Makers each organisation has are kept by those programmes, under their own
prefixes (counters/keys.py).
"""

PREFIX = "organisations:"
COMMITTED = f"{PREFIX}committed"
STAFF_COMMITMENTS = f"{PREFIX}staff-commitments"
EVIDENCE_PUBLISHED = f"{PREFIX}tasks:evidence-published"

# What happened to the tasks employers chose: chosen when they sign, done when they record it,
# overdue when the nightly rollup finds one past its target date and not done.
TASK_STATES = ("chosen", "done", "overdue")


def committed(facet: str, value: str) -> str:
    """Committed employers of one region or type."""
    return f"{COMMITTED}:{facet}:{value}"


def staff_commitments(organisation_id: int) -> str:
    return f"{PREFIX}{organisation_id}:staff-commitments"


def assisted(organisation_id: int) -> str:
    return f"{PREFIX}{organisation_id}:assisted"


def tasks_done(organisation_id: int) -> str:
    return f"{PREFIX}{organisation_id}:tasks-done"


def commitment_tasks(state: str, statement_number: int, organisation_id: int | None = None) -> str:
    """Employers' tasks in `state` under employer statement `statement_number`: one
    organisation's, or the whole programme's when `organisation_id` is None."""
    if state not in TASK_STATES:
        raise ValueError(f"no such task state: {state}")
    if organisation_id is None:
        return f"{PREFIX}tasks:{state}:statement:{statement_number}"
    return f"{PREFIX}{organisation_id}:tasks:{state}:statement:{statement_number}"


def organisation_of(key: str) -> int | None:
    """The organisation one of this programme's per-organisation totals is about, else None."""
    parts = key.split(":")
    if len(parts) < 3 or f"{parts[0]}:" != PREFIX or not parts[1].isdigit():
        return None
    return int(parts[1])
