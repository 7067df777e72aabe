"""Demo history for the dashboard charts, rebuilt from the demo pledges (idempotent)."""

from counters.services import counters_recount

from .services import daily_totals_backfill, daily_totals_snapshot


def load(stdout) -> None:
    # Each programme bulk-loads its demo rows and the organisations demo then links some of
    # them to employers, which moves totals of other programmes (the impact figures of each
    # organisation's staff): one recount, last, puts every kept total where the rows say.
    counters_recount()
    written = daily_totals_backfill()
    daily_totals_snapshot()
    stdout.write(f"Dashboard: {written} days of pledge history.")
