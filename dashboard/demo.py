"""Demo history for the dashboard charts, rebuilt from the demo pledges (idempotent)."""

from counters.services import counter_set, counter_values_with_prefix

from .services import daily_totals_backfill, daily_totals_snapshot


def load(stdout) -> None:
    # The organisations demo links some bulk-loaded demo pledges to employers after the pledges
    # demo has set its totals, which moves the impact figures of each organisation's staff:
    # set the pledges: totals from the rows again, last (without announcing milestones, as a
    # recount would; the nightly one does that).
    from pledges.services import pledges_truth

    truth, kept = pledges_truth(), counter_values_with_prefix("pledges:")
    for key in set(truth) | set(kept):
        if truth.get(key, 0) != kept.get(key, 0):
            counter_set(key, truth.get(key, 0))
    written = daily_totals_backfill()
    daily_totals_snapshot()
    stdout.write(f"Dashboard: {written} days of pledge history.")
