"""Generate data at the scale Care Pledge must hold: by default 1,000,000 pledges over three
campaigns, 5,000 Care Makers and 3,000 organisations with commitments. PostgreSQL only
(COPY). Totals are rebuilt by the recount at the end, as they would be after any bulk load."""

import random
import sys
import time
from datetime import timedelta

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
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
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
            for campaign, count, current in campaigns:
                end = min(campaign.closes_at, now) if current else campaign.closes_at
                peak = min(
                    timezone.make_aware(timezone.datetime.combine(campaign.day, timezone.datetime.min.time())), end
                )
                for _ in range(count):
                    # About one person in six makes a second pledge.
                    if rng.random() > 0.16:
                        person += 1
                    email = f"person{person}@bench.carepledge.example"
                    text = (
                        scale.pledge_text(rng)
                        if rng.random() > 0.0001
                        else "=1+1 a formula-looking pledge, safely quoted."
                    )
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

    # --- Care Makers and organisations: filled in once those programmes land ----------------
    def care_makers(self, total):
        self.stdout.write(f"Care Makers: {total:,} requested")

    def organisations(self, total):
        self.stdout.write(f"Organisations: {total:,} requested")
