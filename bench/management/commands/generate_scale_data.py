"""Generate data at the scale Care Pledge must hold: by default 1,000,000 pledges over three
campaigns, 5,000 Care Makers and 3,000 organisations with commitments. PostgreSQL only
(COPY). Totals are rebuilt by the recount at the end, as they would be after any bulk load."""

import random
import sys
import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from bench import scale

ROLES_WEIGHTED = [
    ("nurse", 24),
    ("health-care-assistant", 12),
    ("care-worker", 11),
    ("doctor", 8),
    ("student", 7),
    ("midwife", 4),
    ("allied-health-professional", 6),
    ("administrator", 5),
    ("manager", 4),
    ("home-carer", 4),
    ("nursing-associate", 2),
    ("pharmacist", 2),
    ("paramedic", 2),
    ("social-worker", 2),
    ("registered-manager", 2),
    ("porter", 1),
    ("cleaner", 1),
    ("caterer", 1),
    ("director", 1),
    ("chaplain", 1),
    ("volunteer", 1),
    ("patient-or-carer", 3),
    ("other", 1),
]
SECTOR_FOR_ROLE = {
    "care-worker": "adult-social-care",
    "home-carer": "adult-social-care",
    "registered-manager": "adult-social-care",
    "social-worker": "adult-social-care",
    "student": "education",
    "paramedic": "ambulance",
    "pharmacist": "primary-care",
    "patient-or-carer": "other",
}
REGIONS_WEIGHTED = [
    ("london", 16),
    ("south-east", 15),
    ("midlands", 18),
    ("north-west", 13),
    ("north-east-and-yorkshire", 14),
    ("east-of-england", 11),
    ("south-west", 10),
    ("wales", 5),
    ("scotland", 6),
    ("northern-ireland", 3),
]
OTHER_SECTORS = ["nhs-acute", "nhs-acute", "nhs-acute", "community", "mental-health", "primary-care"]


def weighted(rng, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


class Command(BaseCommand):
    help = "Generate realistic data at scale for the benchmark (PostgreSQL only)."

    def add_arguments(self, parser):
        parser.add_argument("--pledges", type=int, default=1_000_000)
        parser.add_argument("--care-makers", type=int, default=5_000)
        parser.add_argument("--organisations", type=int, default=3_000)
        parser.add_argument("--seed", type=int, default=2027)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_scale_data needs PostgreSQL (it loads with COPY).")
        self.rng = random.Random(options["seed"])
        started = time.monotonic()
        with transaction.atomic():
            self.pledges(options["pledges"])
            self.care_makers(options["care_makers"])
            self.organisations(options["organisations"])
        self.stdout.write("Rebuilding totals from the loaded rows...")
        from counters.services import counters_recount

        counters_recount()
        self.stdout.write("VACUUM ANALYZE (as autovacuum would, in time, after a bulk load)...")
        with connection.cursor() as cursor:
            # Sets the visibility map too, so counts over the moderation index stay index-only.
            cursor.execute("VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.0f} s"))

    def progress(self, label, total):
        def report(done):
            sys.stdout.write(f"\r{label}: {done:,} / {total:,} ({100 * done / max(total, 1):.0f}%)")
            sys.stdout.flush()
            if done >= total:
                sys.stdout.write("\n")

        return report

    # --- Pledges ------------------------------------------------------------------------
    def pledges(self, total):
        from pledges.models import Campaign, Pledge, Theme, normalise_text
        from pledges.services import pledgers_rebuild

        Theme.ensure_defaults()
        themes = list(Theme.objects.values_list("pk", flat=True))
        now = timezone.now()
        campaigns = []
        for year, share, current in ((2025, 0.2, False), (2026, 0.3, False), (2027, 0.5, True)):
            day = now.replace(year=year, month=3, day=9, hour=9, minute=0, second=0, microsecond=0)
            opens, closes = day - timedelta(days=60), day + timedelta(days=120)
            if current:
                # The current campaign is open now, with its day a few weeks away.
                opens, day, closes = now - timedelta(days=30), now + timedelta(days=20), now + timedelta(days=150)
            campaign, _ = Campaign.objects.get_or_create(
                slug=f"bench-change-day-{year}",
                defaults={
                    "name": f"Change Day {year} (bench)",
                    "day": day.date(),
                    "opens_at": opens,
                    "closes_at": closes,
                },
            )
            campaigns.append((campaign, int(total * share), current))
        Campaign.objects.filter(is_current=True).exclude(pk=campaigns[-1][0].pk).update(is_current=False)
        Campaign.objects.filter(pk=campaigns[-1][0].pk).update(is_current=True)
        existing = Pledge.objects.filter(campaign__in=[c for c, _, _ in campaigns]).count()
        if existing >= total:
            self.stdout.write(f"{existing:,} bench pledges already there: nothing to add.")
            return
        Pledge.objects.filter(campaign__in=[c for c, _, _ in campaigns]).delete()

        columns = [
            "campaign_id",
            "text",
            "text_normalised",
            "theme_id",
            "kind",
            "job_role",
            "sector",
            "region",
            "organisation_name",
            "show_name",
            "name",
            "email",
            "email_normalised",
            "news_opt_in",
            "status",
            "held_reason",
            "joins_count",
            "done_at",
            "done_story",
            "confirm_sends",
            "confirmed_at",
            "published_at",
            "created_at",
        ]
        rng = self.rng
        first_names = [
            "Sam",
            "Alex",
            "Priya",
            "Tom",
            "Aisha",
            "Ewan",
            "Grace",
            "Kwame",
            "Lucy",
            "Mo",
            "Nia",
            "Olu",
            "Rosa",
            "Zain",
        ]

        def rows():
            person = 0
            said: set[str] = set()
            for campaign, count, current in campaigns:
                end = min(campaign.closes_at, now) if current else campaign.closes_at
                peak = min(
                    timezone.make_aware(timezone.datetime.combine(campaign.day, timezone.datetime.min.time())), end
                )
                for _ in range(count):
                    # About one person in six makes a second pledge.
                    if rng.random() > 0.16:
                        person += 1
                        said = set()
                    email = f"person{person}@bench.carepledge.example"
                    text = (
                        scale.pledge_text(rng)
                        if rng.random() > 0.0001
                        else "=1+1 a formula-looking pledge, safely quoted."
                    )
                    # One person never makes the same pledge twice (a database rule).
                    while normalise_text(text)[:280] in said:
                        text = scale.pledge_text(rng) + f" ({len(said)})"
                    said.add(normalise_text(text)[:280])
                    role = weighted(rng, ROLES_WEIGHTED)
                    created = scale.spread_times(rng, campaign.opens_at, end, peak)
                    roll = rng.random()
                    status = (
                        "published"
                        if roll < 0.93
                        else "unconfirmed"
                        if roll < 0.97
                        else "held"
                        if roll < 0.98
                        else "withdrawn"
                    )
                    published = created + timedelta(minutes=rng.randint(1, 600)) if status == "published" else None
                    done = (
                        published + timedelta(days=rng.randint(20, 90)) if published and rng.random() < 0.25 else None
                    )
                    if done and done > now:
                        done = None
                    yield [
                        campaign.pk,
                        text,
                        normalise_text(text)[:280],
                        rng.choice(themes),
                        rng.choices(["me", "team", "organisation"], weights=[80, 15, 5])[0],
                        role,
                        SECTOR_FOR_ROLE.get(role, rng.choice(OTHER_SECTORS)),
                        weighted(rng, REGIONS_WEIGHTED),
                        "",
                        "name" if rng.random() < 0.3 else "role-and-area",
                        rng.choice(first_names),
                        email,
                        email,
                        rng.random() < 0.2,
                        status,
                        "an NHS number" if status == "held" else "",
                        0,
                        done,
                        "It went better than I hoped." if done and rng.random() < 0.3 else "",
                        1,
                        published,
                        published,
                        created,
                    ]

        written = scale.copy_rows(Pledge._meta.db_table, columns, rows(), progress=self.progress("pledges", total))
        self.stdout.write(f"{written:,} pledges written; rebuilding the per-person rows")
        pledgers_rebuild()

    # --- Care Makers ------------------------------------------------------------------------
    def _users(self, prefix: str, total: int, roles=True) -> list:
        """`total` accounts (no usable password) made in batches; returns them with their ids."""
        from django.contrib.auth import get_user_model

        User = get_user_model()
        rng = self.rng
        existing = list(User.objects.filter(email__startswith=f"{prefix}-").order_by("pk"))
        if len(existing) >= total:
            return existing[:total]
        names = ["Sam", "Alex", "Priya", "Tom", "Aisha", "Ewan", "Grace", "Kwame", "Lucy", "Mo", "Nia", "Olu"]
        now = timezone.now()
        new = []
        for n in range(len(existing), total):
            role = weighted(rng, ROLES_WEIGHTED) if roles else ""
            new.append(
                User(
                    email=f"{prefix}-{n}@bench.carepledge.example",
                    password=make_password(None),
                    display_name=f"{rng.choice(names)} {prefix.title()} {n}",
                    job_role=role,
                    sector=SECTOR_FOR_ROLE.get(role, rng.choice(OTHER_SECTORS)) if roles else "",
                    region=weighted(rng, REGIONS_WEIGHTED),
                    date_joined=now - timedelta(days=rng.randint(1, 900)),
                )
            )
        report = self.progress(f"{prefix} accounts", total)
        for start in range(0, len(new), 2000):
            User.objects.bulk_create(new[start : start + 2000])
            report(len(existing) + min(start + 2000, len(new)))
        return list(User.objects.filter(email__startswith=f"{prefix}-").order_by("pk"))

    def care_makers(self, total):
        from ambassadors.models import Application, CareMaker, Intake, SixC

        if CareMaker.objects.count() >= total:
            self.stdout.write("Care Makers already there: nothing to add.")
            return
        rng = self.rng
        today = timezone.localdate()
        intakes = []
        for year in range(2019, today.year + 1):
            intake, _ = Intake.objects.get_or_create(
                name=f"Bench intake {year}",
                defaults={
                    "opens_on": today.replace(year=year, month=1, day=10),
                    "closes_on": today.replace(year=year, month=2, day=20),
                },
            )
            intakes.append(intake)
        # A tenth more applicants than Care Makers: the rest wait for a decision or were declined.
        people = self._users("caremaker", int(total * 1.1))
        now = timezone.now()
        applications = []
        for index, user in enumerate(people):
            intake = rng.choice(intakes)
            status = "approved" if index < total else rng.choice(["submitted", "declined"])
            applications.append(
                Application(
                    user=user,
                    intake=intake,
                    role=user.job_role,
                    sector=user.sector,
                    organisation=f"Bench Trust {rng.randint(1, 400)}",
                    region=user.region,
                    years_in_role=rng.randint(0, 30),
                    statement=scale.pledge_text(rng) + " " + scale.pledge_text(rng),
                    chosen_c=rng.choice(SixC.values),
                    agreed=True,
                    manager_name="A. Manager",
                    manager_email=f"manager-{index}@bench.carepledge.example",
                    endorsed_at=now - timedelta(days=rng.randint(1, 600)),
                    status=status,
                    decided_at=None if status == "submitted" else now - timedelta(days=rng.randint(1, 500)),
                )
            )
        report = self.progress("applications", len(applications))
        for start in range(0, len(applications), 2000):
            Application.objects.bulk_create(applications[start : start + 2000])
            report(min(start + 2000, len(applications)))
        approved = Application.objects.filter(status="approved", user__in=people[:total]).select_related("user")
        care_makers = []
        for number, application in enumerate(approved.order_by("pk"), start=1):
            lapsed = rng.random() < 0.12
            care_makers.append(
                CareMaker(
                    user=application.user,
                    number=number,
                    joined_on=application.intake.closes_on,
                    intake=application.intake,
                    application=application,
                    role=application.role,
                    sector=application.sector,
                    region=application.region,
                    organisation=application.organisation,
                    active=not lapsed,
                    last_recommitted_at=now - timedelta(days=rng.randint(1, 400)),
                    lapsed_at=now - timedelta(days=rng.randint(1, 100)) if lapsed else None,
                    public_profile=rng.random() < 0.6,
                    display_name=application.user.display_name,
                    bio=scale.pledge_text(rng),
                    chosen_c=application.chosen_c,
                )
            )
        report = self.progress("Care Makers", len(care_makers))
        for start in range(0, len(care_makers), 2000):
            CareMaker.objects.bulk_create(care_makers[start : start + 2000])
            report(min(start + 2000, len(care_makers)))

    # --- Organisations ----------------------------------------------------------------------
    def organisations(self, total):
        from organisations.models import (
            Audience,
            CommitmentTask,
            EmployeeCommitment,
            EmployeeCommitmentTask,
            EmployerCommitment,
            Membership,
            Organisation,
            Statement,
            add_one_year,
        )
        from organisations.regulators import nation_for_region
        from organisations.services import statement_set_current

        if Organisation.objects.filter(slug__startswith="bench-").count() >= total:
            self.stdout.write("Organisations already there: nothing to add.")
            return
        rng = self.rng
        now = timezone.now()
        today = timezone.localdate()
        statement_set = statement_set_current()
        statements = {
            audience: list(
                Statement.objects.filter(statement_set=statement_set, audience=audience).prefetch_related("tasks")
            )
            for audience in (Audience.EMPLOYER, Audience.EMPLOYEE)
        }
        snapshot = {
            audience: [{"number": s.number, "title": s.title, "text": s.text} for s in rows]
            for audience, rows in statements.items()
        }
        towns = ["Leeds", "Exeter", "Derby", "Hull", "Bristol", "Luton", "Bangor", "Carlisle", "Wigan", "Truro", "Ely"]
        kinds = [
            "care-home",
            "care-home-nursing",
            "home-care",
            "supported-living",
            "day-service",
            "gp-practice",
            "nhs-trust",
            "other",
        ]
        reps = self._users("orgrep", total)
        orgs = []
        for n in range(total):
            kind = rng.choices(kinds, weights=[30, 15, 25, 10, 6, 8, 3, 3])[0]
            registered = kind in Organisation.CQC_REGISTERED
            region = weighted(rng, REGIONS_WEIGHTED)
            nation = nation_for_region(region)
            orgs.append(
                Organisation(
                    name=f"{rng.choice(towns)} {kind.replace('-', ' ').title()} {n}",
                    slug=f"bench-{n}",
                    type=kind,
                    nation=nation,
                    cqc_provider_id=f"1-{100000000 + n}" if registered and nation == "england" else "",
                    regulator_id=f"{100000 + n}" if registered and nation != "england" else "",
                    ods_code=f"B{n:05d}" if kind in {"gp-practice", "nhs-trust"} else "",
                    town=rng.choice(towns),
                    region=region,
                    size=rng.choice(["1-9", "10-49", "50-249", "250+"]),
                    created_by=reps[n],
                    verified_at=now - timedelta(days=rng.randint(1, 700)) if rng.random() < 0.9 else None,
                )
            )
        Organisation.objects.bulk_create(orgs, batch_size=2000)
        orgs = list(Organisation.objects.filter(slug__startswith="bench-").order_by("pk"))
        Membership.objects.bulk_create(
            [Membership(organisation=o, user=reps[i], role="representative") for i, o in enumerate(orgs)],
            batch_size=2000,
        )
        # About three in four verified organisations have signed; commitments spread over two years.
        commitments = []
        for i, org in enumerate(orgs):
            if org.verified_at and rng.random() < 0.75:
                committed_on = today - timedelta(days=rng.randint(1, 700))
                commitments.append(
                    EmployerCommitment(
                        organisation=org,
                        statement_set=statement_set,
                        statements=snapshot[Audience.EMPLOYER],
                        signed_by=reps[i],
                        signatory_name=reps[i].display_name,
                        signatory_job_title="Registered manager",
                        committed_on=committed_on,
                        renewal_due_on=add_one_year(committed_on),
                    )
                )
        EmployerCommitment.objects.bulk_create(commitments, batch_size=2000)
        tasks = []
        for commitment in commitments:
            for position, statement in enumerate(statements[Audience.EMPLOYER]):
                task = rng.choice(list(statement.tasks.all()))
                target = commitment.committed_on + timedelta(days=30 + 40 * position)
                done = target < today and rng.random() < 0.6
                done_at = now - timedelta(days=rng.randint(0, 30)) if done else None
                tasks.append(
                    CommitmentTask(
                        commitment=commitment,
                        task=task,
                        statement_number=statement.number,
                        task_text=task.text,
                        target_date=target,
                        done_at=done_at,
                        evidence="Recorded in the team meeting minutes." if done else "",
                        # About a third of employers publish the evidence of a done task.
                        evidence_published_at=done_at if done and rng.random() < 0.33 else None,
                        # As the nightly rollup would have marked it.
                        overdue_since=target + timedelta(days=1) if not done and target < today else None,
                    )
                )
        report = self.progress("commitment tasks", len(tasks))
        for start in range(0, len(tasks), 5000):
            CommitmentTask.objects.bulk_create(tasks[start : start + 5000])
            report(min(start + 5000, len(tasks)))
        # Staff commitments at about a third of the signed employers, most recorded by a champion.
        employees = []
        for commitment in commitments:
            if rng.random() < 0.33:
                for k in range(rng.randint(1, 25)):
                    employees.append(
                        EmployeeCommitment(
                            name=f"Staff member {k}",
                            job_role=weighted(rng, ROLES_WEIGHTED),
                            organisation=commitment.organisation,
                            statement_set=statement_set,
                            statements=snapshot[Audience.EMPLOYEE],
                            assisted=True,
                        )
                    )
        EmployeeCommitment.objects.bulk_create(employees, batch_size=5000)
        employee_tasks = []
        for employee in employees:
            statement = rng.choice(statements[Audience.EMPLOYEE])
            task = rng.choice(list(statement.tasks.all()))
            employee_tasks.append(
                EmployeeCommitmentTask(
                    commitment=employee, task=task, statement_number=statement.number, task_text=task.text
                )
            )
        EmployeeCommitmentTask.objects.bulk_create(employee_tasks, batch_size=5000)
        self.stdout.write(
            f"{len(orgs):,} organisations, {len(commitments):,} employer commitments, {len(tasks):,} tasks, "
            f"{len(employees):,} staff commitments"
        )
