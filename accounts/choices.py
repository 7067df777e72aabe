"""The lists every programme shares: job roles, sectors and regions.

Pledges, Care Maker applications and organisations all describe people and places with
these, so a count "by role" or "by region" means the same thing everywhere.
"""

from django.db import models


class JobRole(models.TextChoices):
    NURSE = "nurse", "Nurse"
    MIDWIFE = "midwife", "Midwife"
    HEALTH_CARE_ASSISTANT = "health-care-assistant", "Health care assistant"
    NURSING_ASSOCIATE = "nursing-associate", "Nursing associate"
    STUDENT = "student", "Student"
    DOCTOR = "doctor", "Doctor"
    ALLIED_HEALTH_PROFESSIONAL = "allied-health-professional", "Allied health professional"
    PHARMACIST = "pharmacist", "Pharmacist"
    PARAMEDIC = "paramedic", "Paramedic"
    SOCIAL_WORKER = "social-worker", "Social worker"
    CARE_WORKER = "care-worker", "Care worker"
    HOME_CARER = "home-carer", "Home carer"
    REGISTERED_MANAGER = "registered-manager", "Registered manager"
    PORTER = "porter", "Porter"
    CLEANER = "cleaner", "Cleaner"
    CATERER = "caterer", "Caterer"
    ADMINISTRATOR = "administrator", "Administrator"
    MANAGER = "manager", "Manager"
    DIRECTOR = "director", "Director"
    CHAPLAIN = "chaplain", "Chaplain"
    VOLUNTEER = "volunteer", "Volunteer"
    PATIENT_OR_CARER = "patient-or-carer", "Patient or carer"
    OTHER = "other", "Other"


class Sector(models.TextChoices):
    NHS_ACUTE = "nhs-acute", "NHS acute"
    COMMUNITY = "community", "Community"
    MENTAL_HEALTH = "mental-health", "Mental health"
    PRIMARY_CARE = "primary-care", "Primary care"
    AMBULANCE = "ambulance", "Ambulance"
    ADULT_SOCIAL_CARE = "adult-social-care", "Adult social care"
    EDUCATION = "education", "Education"
    OTHER = "other", "Other"


class Region(models.TextChoices):
    NORTH_EAST_AND_YORKSHIRE = "north-east-and-yorkshire", "North East and Yorkshire"
    NORTH_WEST = "north-west", "North West"
    MIDLANDS = "midlands", "Midlands"
    EAST_OF_ENGLAND = "east-of-england", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south-east", "South East"
    SOUTH_WEST = "south-west", "South West"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


# How a role reads inside a sentence: "a care worker in the South West".
ROLE_PHRASES = {
    JobRole.ALLIED_HEALTH_PROFESSIONAL: "an allied health professional",
    JobRole.ADMINISTRATOR: "an administrator",
    JobRole.OTHER: "someone",
    JobRole.PATIENT_OR_CARER: "a patient or carer",
}


def role_phrase(role: str) -> str:
    """'a nurse', 'an administrator'; 'someone' for an unknown or 'other' role."""
    if role in ROLE_PHRASES:
        return ROLE_PHRASES[role]
    try:
        label = JobRole(role).label.lower()
    except ValueError:
        return "someone"
    return f"a {label}"


def region_phrase(region: str) -> str:
    """'in the South West', 'in London', 'in Wales'."""
    try:
        label = Region(region).label
    except ValueError:
        return ""
    if region in {Region.LONDON, Region.MIDLANDS, Region.WALES, Region.SCOTLAND, Region.NORTHERN_IRELAND}:
        return f"in {label}" if region != Region.MIDLANDS else "in the Midlands"
    return f"in the {label}"
