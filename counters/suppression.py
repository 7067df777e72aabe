"""Small numbers on public pages: a count under MINIMUM_CELL is shown as "fewer than 5", so no
one can be picked out from a table. One rule for every public figure that counts people or
what they did; each page that uses it says so beside its tables."""

from django.contrib.humanize.templatetags.humanize import intcomma

MINIMUM_CELL = 5
NOT_SHOWN = "not shown"


def shown_column(counts: list[int], *, adds_up: bool) -> list[str]:
    """A table column as shown. When the column adds up to a total shown elsewhere, one hidden cell
    could be worked out from the total and the others, so the smallest shown cell is hidden too."""
    cells = [shown(count) for count in counts]
    hidden = [i for i, count in enumerate(counts) if count < MINIMUM_CELL]
    if adds_up and len(hidden) == 1:
        others = [i for i in range(len(counts)) if i not in hidden]
        if others:
            cells[min(others, key=lambda i: counts[i])] = NOT_SHOWN
    return cells


def shown(count: int) -> str:
    """The count as a public page shows it: "fewer than 5" below the minimum, else the number."""
    if count < MINIMUM_CELL:
        return f"fewer than {MINIMUM_CELL}"
    return intcomma(count)
