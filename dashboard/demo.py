"""Demo history for the dashboard charts, rebuilt from the demo pledges (idempotent)."""

from .services import daily_totals_backfill, daily_totals_snapshot


def load(stdout) -> None:
    written = daily_totals_backfill()
    daily_totals_snapshot()
    stdout.write(f"Dashboard: {written} days of pledge history.")
