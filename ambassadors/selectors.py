from counters.services import counter_values


def home_summary() -> dict:
    totals = counter_values(["ambassadors:active"])
    return {"active": totals["ambassadors:active"]}
