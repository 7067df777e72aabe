from counters.services import counter_values


def home_summary() -> dict:
    totals = counter_values(["organisations:committed", "organisations:staff-commitments"])
    return {"committed": totals["organisations:committed"], "staff": totals["organisations:staff-commitments"]}
