"""Demo data for make run: Change Day 2027 (current, open) with a few hundred pledges, and
Change Day 2026 for the archive. Deterministic and idempotent: running it twice adds nothing."""

import random
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.choices import JobRole, Region, Sector
from accounts.demo import demo_users
from counters.services import counter_set, counter_values_with_prefix

from . import keys as pledge_keys
from .models import Campaign, Pledge, PledgeOutcome, Theme, normalise_email, normalise_text
from .outcomes import outcome_question_set
from .services import pledgers_rebuild, pledges_truth

CURRENT_COUNT = 320
PAST_COUNT = 60

# (theme slug, pledge) written for the demo.
PLEDGES = [
    ("patient-experience", "I will introduce myself by name to every person I care for, every shift."),
    ("patient-experience", "I will sit down when I talk with someone in a bed, so we are at the same height."),
    ("patient-experience", "I will ask each person what matters to them today, not only what is the matter."),
    ("patient-experience", "I will make sure nobody waits in clinic without knowing why or for how long."),
    ("keeping-people-safe", "I will speak up the first time something looks unsafe, not the third."),
    ("keeping-people-safe", "I will wash my hands before and after every contact, and remind my team kindly."),
    ("keeping-people-safe", "I will double-check medicines with a colleague whenever I am unsure, without apology."),
    ("keeping-people-safe", "I will learn how to spot sepsis and share the signs with our new starters."),
    ("dementia", "I will become a Dementia Friend and get three colleagues to join me."),
    ("dementia", "I will use a 'this is me' profile for every resident living with dementia."),
    ("dementia", "I will learn one thing about each resident's life before they came to us."),
    ("integrating-care", "I will phone the care home before every discharge, so nobody arrives unexpected."),
    ("integrating-care", "I will spend a day with our district nurses to see what happens after people go home."),
    ("integrating-care", "I will invite the social work team to our ward huddle once a week."),
    ("staff-wellbeing", "I will take my full break and protect my team's breaks too."),
    ("staff-wellbeing", "I will ask a colleague how they really are, and wait for the answer."),
    ("staff-wellbeing", "I will thank the night staff in person at least once a week."),
    ("staff-wellbeing", "I will start a tea round for the team on the busiest afternoon of the week."),
    ("culture-and-attitude", "I will say thank you when a job is done well, and say it in front of others."),
    ("culture-and-attitude", "I will learn the names of the porters, cleaners and caterers I work with."),
    ("culture-and-attitude", "I will welcome every new starter on their first morning and show them round."),
    ("culture-and-attitude", "I will answer the ward phone with my name and a smile, however busy it is."),
    ("knowledge-and-skills", "I will shadow a colleague from another profession for a shift this year."),
    ("knowledge-and-skills", "I will finish my Care Certificate and help a newer colleague start theirs."),
    ("knowledge-and-skills", "I will share one thing I learned at each training day with my whole team."),
    ("knowledge-and-skills", "I will learn basic British Sign Language greetings to use with deaf patients."),
    ("dignity-and-respect", "I will always knock and wait before going into someone's room."),
    ("dignity-and-respect", "I will make sure every person's glasses, hearing aids and teeth are within reach."),
    ("communication", "I will write care notes that the person themselves would be happy to read."),
    ("communication", "I will explain what I am about to do before I do it, every time."),
    ("communication", "I will hand over at the bedside so the person hears the plan too."),
    ("something-else", "I will cut down paper use on our unit by moving our rota online."),
    ("something-else", "I will walk or cycle to work twice a week and encourage my team to try it."),
]

STORIES = [
    "We tried it for a month and the team noticed straight away. It has become a habit now.",
    "People said it made them feel noticed. Two colleagues have made the same promise.",
    "It was harder than I thought on busy days, but I kept at it and it made a real difference.",
    "Our manager liked the idea and it is now part of how we start every shift.",
]

FIRST_NAMES = [
    "Ade",
    "Bea",
    "Cal",
    "Dev",
    "Ella",
    "Finn",
    "Gita",
    "Hal",
    "Ivy",
    "Jo",
    "Kai",
    "Lola",
    "Max",
    "Nadia",
    "Owen",
    "Pia",
    "Raj",
    "Sian",
    "Tom",
    "Una",
    "Vik",
    "Wren",
]


def _campaign(slug, **fields) -> Campaign:
    campaign, _ = Campaign.objects.get_or_create(slug=slug, defaults=fields)
    return campaign


def _fill(campaign: Campaign, count: int, seed: int, start: datetime, end: datetime) -> int:
    rng = random.Random(seed)  # fixed seed: the same pledges every time
    themes = {t.slug: t for t in Theme.objects.all()}
    roles, sectors, regions = list(JobRole.values), list(Sector.values), list(Region.values)
    existing = set(Pledge.objects.filter(campaign=campaign).values_list("email_normalised", "text_normalised"))
    span = (end - start).total_seconds()
    new = []
    for n in range(count):
        # About one person in five makes a second pledge, so "people" is less than "pledges".
        email = f"pledger{n % (count * 4 // 5):04d}.{campaign.slug}@demo.carepledge.example"
        slug, text = PLEDGES[rng.randrange(len(PLEDGES))]
        role, sector, region = rng.choice(roles), rng.choice(sectors), rng.choice(regions)
        show_name = rng.random() < 0.3
        done = rng.random() < 0.15
        when = start + timedelta(seconds=span * n / count)
        pledge = Pledge(
            campaign=campaign,
            text=text,
            text_normalised=normalise_text(text),
            theme=themes[slug],
            kind=rng.choice(Pledge.Kind.values),
            job_role=role,
            sector=sector,
            region=region,
            show_name=Pledge.ShowName.NAME if show_name else Pledge.ShowName.ROLE_AND_AREA,
            name=rng.choice(FIRST_NAMES),
            email=email,
            email_normalised=normalise_email(email),
            status=Pledge.Status.PUBLISHED,
            confirmed_at=when,
            published_at=when,
            created_at=when,
            done_at=when + timedelta(days=20) if done else None,
            done_story=rng.choice(STORIES) if done and rng.random() < 0.7 else "",
        )
        # Every random draw happens above, so a second run walks the same sequence.
        key = (pledge.email_normalised, pledge.text_normalised)
        if key not in existing:
            existing.add(key)
            new.append(pledge)
    Pledge.objects.bulk_create(new, batch_size=500)
    return len(new)


# Sentences people published about what their pledge changed (the outcome follow-up).
CHANGES = [
    "Night staff now get a proper handover from the day team, and fewer things get missed.",
    "Residents' families say they feel welcome on the unit for the first time.",
    "Three other wards now do bedside handover too.",
    "Our team takes breaks again, and sickness absence has come down.",
    "New starters told us their first week felt less lonely.",
    "People ask fewer worried questions in clinic because they know how long they will wait.",
    "We spot deterioration earlier: the sepsis checklist is on every board now.",
    "The care home and the ward talk before every discharge, and readmissions have dropped.",
]


def _outcomes() -> int:
    """Answered outcome follow-ups for the done pledges, some with a published sentence."""
    question_set = outcome_question_set(Campaign.objects.get(slug="change-day-2027"))
    benefits = [value for value, _ in question_set.choices("benefit")]
    reaches = [value for value, _ in question_set.choices("reach")]
    ongoing = [value for value, _ in question_set.choices("ongoing")]
    pledges = Pledge.objects.filter(
        status=Pledge.Status.PUBLISHED,
        done_at__isnull=False,
        outcome__isnull=True,
        email__endswith="@demo.carepledge.example",
    ).order_by("id")
    new = []
    now = timezone.now()
    for pledge in pledges:
        # Seeded by the pledge's own words and address: the same answers on every clone.
        rng = random.Random(f"{pledge.email_normalised}:{pledge.text_normalised}")
        picked = sorted(
            {benefits[0], *rng.sample(benefits, rng.randint(1, 2))} if rng.random() < 0.7 else {rng.choice(benefits)}
        )
        change = rng.choice(CHANGES) if rng.random() < 0.6 else ""
        new.append(
            PledgeOutcome(
                pledge=pledge,
                campaign_id=pledge.campaign_id,
                question_set=question_set,
                benefit=picked,
                reach=rng.choices(reaches, weights=[2, 6, 3, 1])[0] if len(reaches) == 4 else rng.choice(reaches),
                ongoing=rng.choices(ongoing, weights=[6, 3, 1])[0] if len(ongoing) == 3 else rng.choice(ongoing),
                change=change,
                publish_change=bool(change) and rng.random() < 0.7,
                answered_at=min(pledge.done_at, now),
                updated_at=min(pledge.done_at, now),
            )
        )
    PledgeOutcome.objects.bulk_create(new, batch_size=500)
    return len(new)


def _people_pledges() -> int:
    """A few pledges from the demo people (they can sign in and mark them done)."""
    campaign = Campaign.objects.get(slug="change-day-2027")
    themes = {t.slug: t for t in Theme.objects.all()}
    added = 0
    for i, user in enumerate(demo_users()[:8]):
        slug, text = PLEDGES[(i * 5) % len(PLEDGES)]
        when = timezone.now() - timedelta(hours=8 - i)
        _, created = Pledge.objects.get_or_create(
            campaign=campaign,
            email_normalised=normalise_email(user.email),
            text_normalised=normalise_text(text),
            defaults={
                "text": text,
                "theme": themes[slug],
                "job_role": user.job_role,
                "sector": user.sector,
                "region": user.region,
                "organisation_name": user.organisation_name,
                "user": user,
                "email": user.email,
                "name": user.display_name,
                "show_name": Pledge.ShowName.NAME,
                "status": Pledge.Status.PUBLISHED,
                "confirmed_at": when,
                "published_at": when,
                "created_at": when,
            },
        )
        added += created
    return added


# How many demo pledges name each verified organisation of the demo directory (made by
# organisations/demo.py, which loads first). Oak Lodge is past its first staff-pledge
# milestone (10), so the milestone page has one to show after the nightly recount.
ORGANISATION_LINKS = {
    "Oak Lodge Care Home": 12,
    "Fenland Home Care": 5,
    "Pennine Lodge Nursing Home": 3,
    "Castle Street Surgery": 4,
    "Shropshire Community Health": 6,
}


def _link_organisations() -> int:
    """Name some demo pledges of each organisation's region as its staff's. Idempotent: an
    organisation that already has its share gets no more. Bulk updates: load recounts after."""
    from organisations.models import Organisation

    linked = 0
    for name, share in ORGANISATION_LINKS.items():
        organisation = Organisation.objects.listed().filter(name=name).first()
        if organisation is None:
            continue
        want = share - Pledge.objects.filter(organisation=organisation).count()
        if want > 0:
            ids = list(
                Pledge.objects.filter(
                    organisation__isnull=True,
                    region=organisation.region,
                    status=Pledge.Status.PUBLISHED,
                    email__endswith="@demo.carepledge.example",
                )
                .order_by("pk")
                .values_list("pk", flat=True)[:want]
            )
            linked += Pledge.objects.filter(pk__in=ids).update(
                organisation=organisation, organisation_name=organisation.name
            )
    return linked


def load(stdout) -> None:
    tz = timezone.get_current_timezone()
    now = timezone.now()
    past = _campaign(
        "change-day-2026",
        name="Change Day 2026",
        day=date(2026, 3, 11),
        opens_at=datetime(2026, 1, 12, tzinfo=tz),
        closes_at=datetime(2026, 4, 30, tzinfo=tz),
        target=5000,
    )
    current = Campaign.objects.filter(is_current=True).first() or _campaign(
        "change-day-2027",
        name="Change Day 2027",
        day=date(2027, 3, 10),
        opens_at=min(datetime(2026, 10, 1, tzinfo=tz), now - timedelta(days=30)),
        closes_at=max(datetime(2027, 4, 30, tzinfo=tz), now + timedelta(days=120)),
        target=10000,
        is_current=True,
    )
    added = _fill(past, PAST_COUNT, 2026, past.opens_at, past.closes_at)
    added += _fill(current, CURRENT_COUNT, 2027, current.opens_at, now - timedelta(days=1))
    added += _people_pledges()
    answered = _outcomes()
    # Done demo pledges, and every pledge of the closed campaign, have been asked what they
    # changed (the done ones answered): the dashboard's response rate has something to show.
    Pledge.objects.filter(
        Q(done_at__isnull=False) | Q(campaign__closes_at__lt=now),
        status=Pledge.Status.PUBLISHED,
        outcome_asked_at__isnull=True,
        email__endswith="@demo.carepledge.example",
    ).update(outcome_asked_at=now)
    linked = _link_organisations()
    # Bulk rows skip the services, so set the kept totals (and per-person rows) from the table.
    pledgers_rebuild()
    truth = pledges_truth()
    kept = counter_values_with_prefix(pledge_keys.PREFIX)
    for key in set(truth) | set(kept):
        if truth.get(key, 0) != kept.get(key, 0):
            counter_set(key, truth.get(key, 0))
    stdout.write(
        f"Demo pledges: {added} added, {answered} outcome follow-ups answered, {linked} linked to organisations "
        f"({current.name} is current, {past.name} in the archive)."
    )
