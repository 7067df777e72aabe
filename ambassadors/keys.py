"""Every counter key the Care Makers programme keeps, built here and nowhere else.

    ambassadors:active                            active Care Makers
    ambassadors:active:<facet>:<value>            facet: region, role, sector
    ambassadors:activities                        activities logged
    ambassadors:activities:reach                  people reached (lower bounds of the bands)
    ambassadors:activities:<facet>:<value>        facet: kind, region, c (one of the six Cs)
    ambassadors:organisation:<organisation>       active Care Makers listing a directory entry

All of them are under PREFIX, recounted by `services.recount_active`.
"""

from counters.keys import organisation_care_makers as organisation  # noqa: F401  (shape shared with organisations)

PREFIX = "ambassadors:"
ACTIVE = f"{PREFIX}active"
ACTIVITIES = f"{PREFIX}activities"
ACTIVITIES_REACH = f"{ACTIVITIES}:reach"
# Every active and activities key above starts with this (and no other key does): the
# figures pages read both groups with one prefix read.
ACTIVE_AND_ACTIVITIES = f"{PREFIX}activ"


def active(facet: str, value: str) -> str:
    """Active Care Makers of one region, role or sector."""
    return f"{ACTIVE}:{facet}:{value}"


def activities(facet: str, value: str) -> str:
    """Activities of one kind, region or C."""
    return f"{ACTIVITIES}:{facet}:{value}"


# Activities by the year they were done on, for the impact report's year on year:
#     ambassadors:activities:year:<yyyy>            activities done that year
#     ambassadors:activities:reach:year:<yyyy>      people reached by them (lower bounds)


def activities_in(year: int) -> str:
    return activities("year", str(year))


def activities_reach_in(year: int) -> str:
    return f"{ACTIVITIES_REACH}:year:{year}"
