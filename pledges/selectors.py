from counters.services import counter_values


def home_summary() -> dict:
    totals = counter_values(["pledges:total", "pledges:people", "pledges:done"])
    return {"pledges": totals["pledges:total"], "people": totals["pledges:people"], "done": totals["pledges:done"]}
