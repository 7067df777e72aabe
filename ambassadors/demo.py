"""Demo data for make run. Idempotent: running it twice adds nothing new."""

import functools
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.choices import JobRole, Region, Sector
from accounts.demo import DEMO_PASSWORD, demo_email, demo_users
from accounts.models import User

from .models import Activity, Application, CareMaker, EligibilityWaitlist, Intake, RegionalLead, SixC, Story
from .services import activity_log, count_active

# Demo people who apply rather than join straight away (they show the review queue).
APPLICANTS = {
    "amara.okafor": (SixC.COMPASSION, 2),
    "mei.chen": (SixC.COMMUNICATION, 12),
    "eilidh.campbell": (SixC.COURAGE, 3),
}
WAITING = {"harpreet.gill"}  # a doctor, waiting for Care Makers to open to doctors
NOT_CARE_MAKERS = {"yasmin.begum"}

# More Care Makers of our own so every region has a few: (first, last, role, sector, region, organisation).
EXTRA_PEOPLE = [
    ("Aled", "Price", JobRole.NURSE, Sector.COMMUNITY, Region.WALES, "Powys District Nursing"),
    ("Bronagh", "Kelly", JobRole.MIDWIFE, Sector.NHS_ACUTE, Region.NORTHERN_IRELAND, "Belfast Maternity"),
    ("Ciara", "Doyle", JobRole.STUDENT, Sector.EDUCATION, Region.NORTHERN_IRELAND, "Ulster School of Nursing"),
    ("Duncan", "Fraser", JobRole.NURSE, Sector.MENTAL_HEALTH, Region.SCOTLAND, "Tayside Mental Health"),
    ("Esther", "Mensah", JobRole.NURSE, Sector.NHS_ACUTE, Region.LONDON, "Thames Valley Hospital"),
    ("Farah", "Iqbal", JobRole.HEALTH_CARE_ASSISTANT, Sector.NHS_ACUTE, Region.LONDON, "Whitechapel General"),
    ("Gareth", "Hall", JobRole.NURSING_ASSOCIATE, Sector.COMMUNITY, Region.NORTH_EAST_AND_YORKSHIRE, "Hull Community"),
    ("Hannah", "Wright", JobRole.STUDENT, Sector.EDUCATION, Region.MIDLANDS, "Trent School of Health"),
    ("Imran", "Khan", JobRole.NURSE, Sector.PRIMARY_CARE, Region.NORTH_WEST, "Bolton Road Surgery"),
    ("Joanne", "Parker", JobRole.MIDWIFE, Sector.NHS_ACUTE, Region.SOUTH_WEST, "Plymouth Maternity"),
    ("Kwame", "Asante", JobRole.NURSE, Sector.NHS_ACUTE, Region.SOUTH_EAST, "Brighton County Hospital"),
    ("Laura", "Fisher", JobRole.HEALTH_CARE_ASSISTANT, Sector.NHS_ACUTE, Region.EAST_OF_ENGLAND, "Ipswich General"),
]

LEADS = [("Lena", "Osei", Region.LONDON), ("Martin", "Doyle", Region.NORTH_WEST), ("Ruth", "Evans", Region.WALES)]
MODERATOR = ("Morag", "Stewart")

BIOS = [
    "I started on the wards straight from school and have never wanted to do anything else.",
    "I run a monthly huddle where we share one thing that went well for a patient.",
    "Ask me about making handovers kinder and quicker.",
    "I mentor new starters and try to make their first week feel less lonely.",
]

STATEMENTS = {
    "amara.okafor": (
        "On a busy acute ward it is easy for kindness to get squeezed out. I want to help my team keep "
        "compassion at the centre, by sharing small things that work, like sitting down at eye level and "
        "learning how each patient likes to be addressed. As a Care Maker I would run short sessions with "
        "students and bring their ideas back to our ward meetings."
    ),
    "mei.chen": (
        "Twelve years of district nursing have taught me that listening is half of good care. I would use "
        "the Care Maker role to help community teams share what patients tell us at home, so that the "
        "hospital hears it too, and to support nursing associates who are new to visiting people alone."
    ),
    "eilidh.campbell": (
        "As a third year student I have seen how hard it is to speak up when something feels wrong on "
        "placement. I want to help other students find the courage to ask questions and raise concerns, "
        "and to show that doing so is part of caring well rather than a criticism of anyone."
    ),
}

STORIES = [
    (
        SixC.CARE,
        "Tea at three, every day",
        "One of our long-stay residents stopped eating much after her husband died. We found out they always "
        "shared a pot of tea at three. Now whoever is on shift sits with her at three with a pot and two cups. "
        "She eats a biscuit, tells us about him, and has put on weight for the first time in months.",
    ),
    (
        SixC.COMPASSION,
        "Staying past the end of a shift",
        "A young man was frightened before his first dialysis session. My shift had ended, but I stayed twenty "
        "minutes to talk him through every sound the machine would make. He told the team next time that knowing "
        "what to expect mattered more than anything else we did that day.",
    ),
    (
        SixC.COMPETENCE,
        "A pressure care checklist that stuck",
        "Our ward had too many pressure sores. We made a one-page checklist with the tissue viability nurse, "
        "taught it in five-minute huddles and put it by every bed. In three months the number of new sores fell "
        "by half, and new starters say it is the first thing they learn.",
    ),
    (
        SixC.COMMUNICATION,
        "Asking instead of assuming",
        "We used to plan discharges around the patient. Now we plan them with the patient, starting with one "
        "question: what worries you most about going home? The answers surprised us: stairs, pets, a broken "
        "kettle. Small fixes, fewer readmissions, and families who feel heard.",
    ),
    (
        SixC.COURAGE,
        "Speaking up about a staffing gap",
        "Night shifts on our unit were regularly one person short. I wrote down what was happening for a month "
        "and took it to our matron, nervous that I would be seen as complaining. She thanked me, the rota changed, "
        "and two colleagues said they had felt the same but had not dared say.",
    ),
    (
        SixC.COMMITMENT,
        "Ten years of Saturday mornings",
        "For ten years I have run a Saturday drop-in for carers at our surgery. It started with four people and a "
        "tin of biscuits. Now local social workers come too, and carers leave with answers instead of another "
        "phone number. I keep going because every week someone tells me it helped.",
    ),
    (
        SixC.COMPASSION,
        "Learning a few words of Polish",
        "A patient on our ward spoke very little English and looked lost. A cleaner taught me how to say good "
        "morning, pain and thank you in Polish. The first time I used them he laughed and corrected me, and from "
        "then on he rang the bell when he needed us instead of waiting in silence.",
    ),
]


@functools.cache
def _password_hash() -> str:
    # Hashing is slow on purpose; one hash shared by every demo person keeps the load fast.
    return make_password(DEMO_PASSWORD)


def _user(first: str, last: str, **fields) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        email=demo_email(first, last),
        defaults={"display_name": f"{first} {last}", "password": _password_hash(), **fields},
    )
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user, created


def _intakes(today: date) -> tuple[Intake, Intake, Intake]:
    pilot, _ = Intake.objects.get_or_create(
        name="2012 pilot intake",
        defaults={
            "opens_on": date(2012, 9, 3),
            "closes_on": date(2012, 10, 26),
            "is_pilot": True,
            "places": 55,
            "recorded_applications": 250,
            "recorded_size": 55,
        },
    )
    last_year, _ = Intake.objects.get_or_create(
        name=f"{today.year - 1} intake",
        defaults={"opens_on": date(today.year - 1, 3, 1), "closes_on": date(today.year - 1, 5, 31), "places": 200},
    )
    current, _ = Intake.objects.get_or_create(
        name=f"{today.year} winter intake",
        defaults={"opens_on": today - timedelta(days=21), "closes_on": today + timedelta(days=60), "places": 150},
    )
    return pilot, last_year, current


def _make_care_maker(user: User, *, number_hint: int, intake: Intake, joined: date, index: int) -> bool:
    if CareMaker.objects.filter(user=user).exists():
        return False
    number = max(number_hint, (CareMaker.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1)
    care_maker = CareMaker.objects.create(
        user=user,
        number=number,
        joined_on=joined,
        intake=intake,
        role=user.job_role,
        sector=user.sector,
        region=user.region,
        organisation=user.organisation_name,
        active=True,
        last_recommitted_at=timezone.now() - timedelta(days=30 * (index % 10)),
        public_profile=index % 5 != 4,
        display_name=user.display_name,
        bio=BIOS[index % len(BIOS)],
        chosen_c=list(SixC)[index % 6],
    )
    count_active(care_maker, 1)
    return True


# What demo Care Makers did: (kind, extra C offset or None, description). Spread so some cells of
# the public tables are 5 or more and others are "fewer than 5".
ACTIVITIES = [
    (Activity.Kind.TALK, 1, "A talk on the 6Cs at our nursing induction day."),
    (Activity.Kind.MENTORING, None, "Mentored a newly qualified nurse through her first three months."),
    (Activity.Kind.STALL, 2, "Ran a Care Makers stall at the trust open day."),
    (Activity.Kind.WORK, None, "Led a change to how we hand over at the end of night shifts."),
    (Activity.Kind.TALK, None, ""),
    (Activity.Kind.MENTORING, 3, "Met the student nurses on placement each week."),
    (Activity.Kind.WORK, 1, "Set up a quiet room for families on the ward."),
]


def _activities(today: date) -> int:
    """A few activities for each active Care Maker who has none yet, logged through the service so
    the public totals stay exact."""
    logged = 0
    care_makers = CareMaker.objects.filter(active=True).order_by("number")
    for index, care_maker in enumerate(care_makers):
        if care_maker.activities.exists():
            continue
        if index % 3 == 1 and care_maker.public_profile:
            # Some choose to list their activities on their profile, so a public profile shows them.
            CareMaker.objects.filter(pk=care_maker.pk).update(show_activities=True)
        for step in range(1 + index % 3):
            kind, extra, description = ACTIVITIES[(index + step) % len(ACTIVITIES)]
            cs = [list(SixC)[(index + step) % 6]]
            if extra is not None:
                cs.append(list(SixC)[(index + step + extra) % 6])
            activity_log(
                care_maker=care_maker,
                data={
                    "kind": kind,
                    "done_on": today - timedelta(days=7 + (index * 23 + step * 61) % 330),
                    "cs": cs,
                    "reach": Activity.Reach.values[(index + 2 * step) % 4],
                    "description": description,
                },
                today=today,
            )
            logged += 1
    return logged


# How many active demo Care Makers list each verified organisation of the demo directory
# (made by organisations/demo.py, which loads first).
ORGANISATION_LINKS = {
    "Oak Lodge Care Home": 2,
    "Fenland Home Care": 1,
    "Pennine Lodge Nursing Home": 1,
    "Shropshire Community Health": 1,
}


def _link_organisations() -> int:
    """List some active Care Makers of each organisation's region as its staff. Idempotent;
    bulk updates skip the services, so the Care Makers' totals are recounted after."""
    from counters.services import counters_recount
    from organisations.models import Organisation

    from . import keys as ambassador_keys

    linked = 0
    for name, share in ORGANISATION_LINKS.items():
        organisation = Organisation.objects.listed().filter(name=name).first()
        if organisation is None:
            continue
        want = share - CareMaker.objects.filter(listed_organisation=organisation).count()
        if want > 0:
            ids = list(
                CareMaker.objects.filter(listed_organisation__isnull=True, active=True, region=organisation.region)
                .order_by("number")
                .values_list("pk", flat=True)[:want]
            )
            linked += CareMaker.objects.filter(pk__in=ids).update(
                listed_organisation=organisation, organisation=organisation.name
            )
    if linked:
        counters_recount(prefixes=[ambassador_keys.PREFIX], milestones=False)
    return linked


def load(stdout) -> None:
    today = timezone.localdate()
    pilot, last_year, current = _intakes(today)
    people = {user.email.split("@")[0]: user for user in demo_users()}
    for first, last, role, sector, region, organisation in EXTRA_PEOPLE:
        user, _ = _user(first, last, job_role=role, sector=sector, region=region, organisation_name=organisation)
        people[user.email.split("@")[0]] = user

    made = 0
    for index, (handle, user) in enumerate(sorted(people.items())):
        if handle in APPLICANTS or handle in WAITING or handle in NOT_CARE_MAKERS:
            continue
        intake = pilot if index % 4 == 0 else last_year
        joined = date(2012, 12, 4) if intake == pilot else last_year.closes_on + timedelta(days=14)
        made += _make_care_maker(user, number_hint=index + 1, intake=intake, joined=joined, index=index)

    waiting = 0
    for offset, (handle, (chosen_c, years)) in enumerate(APPLICANTS.items()):
        user = people.get(handle)
        if user is None or Application.objects.filter(user=user).exists():
            continue
        application = Application.objects.create(
            user=user,
            intake=current,
            role=user.job_role,
            sector=user.sector,
            region=user.region,
            organisation=user.organisation_name or "Not given",
            years_in_role=years,
            statement=STATEMENTS[handle],
            chosen_c=chosen_c,
            agreed=True,
            manager_name="Jo Baxter" if offset == 0 else "",
            manager_email="jo.baxter@demo.carepledge.example" if offset == 0 else "",
        )
        # Spread the waiting times so "oldest first" and the 7-day alerts have something to show.
        Application.objects.filter(pk=application.pk).update(
            submitted_at=timezone.now() - timedelta(days=10 - 4 * offset)
        )
        waiting += 1
    if "harpreet.gill" in people:
        user = people["harpreet.gill"]
        EligibilityWaitlist.objects.get_or_create(
            user=user, role=user.job_role, sector=user.sector, notified_at__isnull=True
        )

    stories = 0
    authors = list(CareMaker.objects.filter(active=True).order_by("number")[: len(STORIES) + 1])
    for index, (c, title, text) in enumerate(STORIES):
        if not authors or Story.objects.filter(title=title).exists():
            continue
        now = timezone.now() - timedelta(days=3 * (len(STORIES) - index))
        Story.objects.create(
            care_maker=authors[index % len(authors)],
            c=c,
            title=title,
            text=text,
            status=Story.Status.PUBLISHED,
            moderated_at=now,
            published_at=now,
        )
        stories += 1
    held_title = "A thank-you card from a family"
    if authors and not Story.objects.filter(title=held_title).exists():
        Story.objects.create(
            care_maker=authors[-1],
            c=SixC.CARE,
            title=held_title,
            text="The family wrote to say thank you and asked us to ring them on 07700 900123 with any news.",
            held=True,
            held_reasons="a phone number",
        )

    activities = _activities(today)
    linked = _link_organisations()

    logins = []
    for first, last, region in LEADS:
        user, _ = _user(first, last, job_role=JobRole.MANAGER, sector=Sector.NHS_ACUTE, region=region)
        RegionalLead.objects.get_or_create(user=user, region=region)
        logins.append(f"  regional lead for {Region(region).label}: {user.email}")
    moderator, _ = _user(*MODERATOR, job_role=JobRole.MANAGER, sector=Sector.OTHER, region=Region.SCOTLAND)
    moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    logins.append(f"  story moderator: {moderator.email}")
    stdout.write(
        f"Care Makers: {made} Care Makers, {waiting} waiting applications, {stories} stories and "
        f"{activities} activities added, {linked} linked to organisations. "
        f"Logins (password {DEMO_PASSWORD}):\n" + "\n".join(logins)
    )
