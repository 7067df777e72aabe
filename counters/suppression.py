"""Small numbers on public pages: a count under MINIMUM_CELL is shown as "fewer than 5", so no
one can be picked out from a table. One rule for every public figure that counts people or
what they did; each page that uses it says so beside its tables."""

from django.contrib.humanize.templatetags.humanize import intcomma

MINIMUM_CELL = 5


def shown(count: int) -> str:
    """The count as a public page shows it: "fewer than 5" below the minimum, else the number."""
    if count < MINIMUM_CELL:
        return f"fewer than {MINIMUM_CELL}"
    return intcomma(count)
