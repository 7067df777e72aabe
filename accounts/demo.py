"""Demo people for make run: a spread of roles, sectors and regions across the UK."""

from allauth.account.models import EmailAddress

from .choices import JobRole, Region, Sector
from .models import User

DEMO_PASSWORD = "care-pledge-demo"

# (first name, surname, role, sector, region, organisation)
PEOPLE = [
    ("Amara", "Okafor", JobRole.NURSE, Sector.NHS_ACUTE, Region.LONDON, "St Luke's Hospital Trust"),
    ("Bethan", "Lloyd", JobRole.MIDWIFE, Sector.NHS_ACUTE, Region.WALES, "Cwm Taf Maternity Unit"),
    ("Callum", "Reid", JobRole.PARAMEDIC, Sector.AMBULANCE, Region.SCOTLAND, "Lothian Ambulance Station"),
    ("Deepa", "Sharma", JobRole.PHARMACIST, Sector.PRIMARY_CARE, Region.MIDLANDS, "Castle Street Surgery"),
    ("Eilidh", "Campbell", JobRole.STUDENT, Sector.EDUCATION, Region.SCOTLAND, "Highland School of Nursing"),
    ("Femi", "Adeyemi", JobRole.HEALTH_CARE_ASSISTANT, Sector.NHS_ACUTE, Region.NORTH_WEST, "Mersey General"),
    (
        "Grace",
        "O'Neill",
        JobRole.CARE_WORKER,
        Sector.ADULT_SOCIAL_CARE,
        Region.NORTHERN_IRELAND,
        "Lagan View Care Home",
    ),
    ("Harpreet", "Gill", JobRole.DOCTOR, Sector.MENTAL_HEALTH, Region.MIDLANDS, "Black Country Mental Health Service"),
    (
        "Isla",
        "Thompson",
        JobRole.REGISTERED_MANAGER,
        Sector.ADULT_SOCIAL_CARE,
        Region.SOUTH_WEST,
        "Oak Lodge Care Home",
    ),
    ("Jamal", "Hussain", JobRole.PORTER, Sector.NHS_ACUTE, Region.NORTH_EAST_AND_YORKSHIRE, "Leeds Riverside Hospital"),
    ("Katie", "Walsh", JobRole.HOME_CARER, Sector.ADULT_SOCIAL_CARE, Region.EAST_OF_ENGLAND, "Fenland Home Care"),
    (
        "Liam",
        "Murphy",
        JobRole.ALLIED_HEALTH_PROFESSIONAL,
        Sector.COMMUNITY,
        Region.SOUTH_EAST,
        "Kent Community Therapy",
    ),
    ("Mei", "Chen", JobRole.NURSING_ASSOCIATE, Sector.COMMUNITY, Region.EAST_OF_ENGLAND, "Cambridge District Nursing"),
    ("Nia", "Roberts", JobRole.SOCIAL_WORKER, Sector.ADULT_SOCIAL_CARE, Region.WALES, "Gwynedd Adult Services"),
    ("Oliver", "Bennett", JobRole.ADMINISTRATOR, Sector.PRIMARY_CARE, Region.SOUTH_WEST, "Exe Valley Practice"),
    ("Priya", "Patel", JobRole.NURSE, Sector.MENTAL_HEALTH, Region.LONDON, "North London Mental Health"),
    ("Rhys", "Evans", JobRole.CATERER, Sector.NHS_ACUTE, Region.WALES, "Swansea Bay Hospital"),
    ("Sarah", "Mitchell", JobRole.MANAGER, Sector.NHS_ACUTE, Region.SOUTH_EAST, "Surrey Downs Hospital"),
    ("Tomasz", "Nowak", JobRole.CLEANER, Sector.NHS_ACUTE, Region.NORTH_EAST_AND_YORKSHIRE, "Tyneside General"),
    ("Uzma", "Ali", JobRole.CARE_WORKER, Sector.ADULT_SOCIAL_CARE, Region.NORTH_WEST, "Pennine Lodge"),
    ("Victoria", "Hughes", JobRole.DIRECTOR, Sector.COMMUNITY, Region.MIDLANDS, "Shropshire Community Health"),
    ("William", "Scott", JobRole.CHAPLAIN, Sector.NHS_ACUTE, Region.NORTH_WEST, "Lancashire Royal"),
    ("Yasmin", "Begum", JobRole.PATIENT_OR_CARER, Sector.OTHER, Region.LONDON, ""),
    ("Zoe", "Clarke", JobRole.VOLUNTEER, Sector.NHS_ACUTE, Region.EAST_OF_ENGLAND, "Norfolk and Norwich Volunteers"),
]


def demo_email(first: str, last: str) -> str:
    return f"{first}.{last}".lower().replace("'", "") + "@demo.carepledge.example"


def demo_users() -> list[User]:
    """The demo people, in PEOPLE order (created by load)."""
    emails = [demo_email(first, last) for first, last, *_ in PEOPLE]
    by_email = {user.email: user for user in User.objects.filter(email__in=emails)}
    return [by_email[email] for email in emails if email in by_email]


def load(stdout) -> None:
    created = 0
    for first, last, role, sector, region, organisation in PEOPLE:
        user, was_created = User.objects.get_or_create(
            email=demo_email(first, last),
            defaults={
                "display_name": f"{first} {last}",
                "job_role": role,
                "sector": sector,
                "region": region,
                "organisation_name": organisation,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created += 1
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    stdout.write(f"Demo people: {created} added, {len(PEOPLE) - created} already there (password {DEMO_PASSWORD}).")
