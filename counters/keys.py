"""Counter keys one programme keeps and another reads: totals about one organisation.

A programme that links its records to an organisation of the directory keeps that
organisation's total under its own prefix (`pledges:organisation:42`), moves it in its
own services and recounts it in its own recount. The organisations app shows those
totals on its pages and announces their milestones to the organisation's
representatives: it reads them by the keys built here, so it never imports the
programme that keeps them (and the programmes, which do import organisations, make
no cycle).

Here rather than in each programme's keys.py, because both sides need the same shape
and counters is the layer both already stand on; each programme's keys.py names its
own as part of its vocabulary.
"""

# The programmes that keep a total per organisation, by their counter prefix.
PLEDGES = "pledges"
CARE_MAKERS = "ambassadors"
ORGANISATION_LINKED = (PLEDGES, CARE_MAKERS)


def organisation_total(programme: str, organisation_id: int) -> str:
    """A programme's total for one organisation: `pledges:organisation:42`."""
    return f"{organisation_total_prefix(programme)}{organisation_id}"


def organisation_total_prefix(programme: str) -> str:
    return f"{programme}:organisation:"


def organisation_total_pattern(programme: str) -> str:
    """The milestone rule pattern covering every organisation's total of a programme."""
    return f"{organisation_total_prefix(programme)}*"


def organisation_pledges(organisation_id: int) -> str:
    """Counted pledges naming this organisation, every campaign together."""
    return organisation_total(PLEDGES, organisation_id)


def organisation_care_makers(organisation_id: int) -> str:
    """Active Care Makers listing this organisation."""
    return organisation_total(CARE_MAKERS, organisation_id)


def organisation_of(key: str) -> int | None:
    """The organisation an organisation-linked total of any programme is about, else None."""
    for programme in ORGANISATION_LINKED:
        prefix = organisation_total_prefix(programme)
        rest = key[len(prefix) :]
        if key.startswith(prefix) and rest.isdigit():
            return int(rest)
    return None
