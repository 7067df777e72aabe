"""Counter keys of the Social Care Commitment, one function each: nothing else builds them.

Every key here starts `organisations:`, the prefix whose recount is
`services.organisations_recount`.
"""

# What happened to the tasks employers chose: chosen when they sign, done when they record it,
# overdue when the nightly rollup finds one past its target date and not done.
TASK_STATES = ("chosen", "done", "overdue")


def commitment_tasks(state: str, statement_number: int, organisation_id: int | None = None) -> str:
    """Employers' tasks in `state` under employer statement `statement_number`: one
    organisation's, or the whole programme's when `organisation_id` is None."""
    if state not in TASK_STATES:
        raise ValueError(f"no such task state: {state}")
    if organisation_id is None:
        return f"organisations:tasks:{state}:statement:{statement_number}"
    return f"organisations:{organisation_id}:tasks:{state}:statement:{statement_number}"


def evidence_published() -> str:
    """Done tasks whose evidence the employer has published, across the programme."""
    return "organisations:tasks:evidence-published"
