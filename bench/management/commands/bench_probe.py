"""The parts of `make bench` that must run inside Django: set up a signed-in moderator and a
test milestone rule, time counter freshness and milestone latency, stream the CSV export
and report peak memory, and push a burst of pledges through the services from several
processes. Each action prints one JSON line (BENCH_PROBE {...}) for scripts/bench.py."""

import json
import multiprocessing
import resource
import statistics
import time
import urllib.request
import uuid

from django.core.management.base import BaseCommand
from django.db import connections

MILESTONE_THEME = "dementia"
# What pledges changed shows a page of the sentences people published about their pledges:
# the bench's campaign gets this many, as a live one would have, so the impact scenarios
# draw their cards (and their searches find words from bench/wrk/vary.lua).
SENTENCES = 500
_CHANGES = (
    "Our porters now know every patient on the ward by name, and use it.",
    "We started a tea round at handover, so nobody leaves without a word.",
    "Night staff listen to one carer a shift about what matters to them.",
    "Students and volunteers mentor each other on the dementia ward.",
    "Call bells are answered faster since we put water jugs in reach.",
    "Discharge is calmer: carers get a phone call the day before.",
    "A few of us learnt sign language, and wellbeing chats are now weekly.",
    "The team takes ten minutes each morning to ask how everyone is.",
)


def _emit(stdout, data: dict) -> None:
    stdout.write("BENCH_PROBE " + json.dumps(data))


def _pledge_data(theme, n: str, region: str = "london") -> dict:
    """What the pledge form's clean() hands to the service, made by the form itself."""
    from pledges.forms import PledgeForm
    from pledges.selectors import current_campaign

    form = PledgeForm(
        {
            "text": f"I will learn the name of every porter on my corridor, pledge {n}.",
            "theme": str(theme.pk),
            "kind": "me",
            "job_role": "nurse",
            "sector": "nhs-acute",
            "region": region,
            "organisation_name": "",
            "show_name": "role-and-area",
            "name": "Bench",
            "email": f"burst-{n}@bench.carepledge.example",
            "consent": "on",
        },
        campaign=current_campaign(),
        user=None,
    )
    if not form.is_valid():
        raise SystemExit(f"bench pledge form invalid: {form.errors.as_json()}")
    return form.cleaned_data


def _submit(campaign, theme, n: str, region: str = "london"):
    """A signed-out person's pledge, submitted: unconfirmed, its confirmation email queued."""
    from pledges import services

    result = services.pledge_submit(campaign=campaign, data=_pledge_data(theme, n, region), user=None)
    return result.pledge


def _burst_worker(args) -> int:
    count, tag = args
    import django

    django.setup()
    connections.close_all()
    from pledges import services
    from pledges.models import Theme
    from pledges.selectors import current_campaign

    campaign = current_campaign()
    themes = list(Theme.objects.filter(is_active=True).exclude(slug=MILESTONE_THEME))
    regions = ["london", "midlands", "south-east", "north-west", "south-west", "wales", "scotland"]
    for i in range(count):
        pledge = _submit(campaign, themes[i % len(themes)], f"{tag}-{i}", regions[i % len(regions)])
        services.pledge_confirm(pledge_id=pledge.pk)
    return count


def _published_sentences(campaign) -> None:
    """The campaign's published sentences topped up to SENTENCES, each through the service
    a person's answers go through (the totals move with them)."""
    from pledges.models import Pledge, PledgeOutcome
    from pledges.outcomes import outcome_question_set, outcome_record

    have = PledgeOutcome.objects.filter(campaign=campaign, publish_change=True).count()
    if have >= SENTENCES:
        return
    question_set = outcome_question_set(campaign)
    values = {name: [value for value, _ in question_set.choices(name)] for name in ("benefit", "reach", "ongoing")}
    # The oldest pledges, as follow-ups are asked months on (and away from the newest, whose
    # pages the pledge-page scenario reads).
    pledges = Pledge.objects.filter(campaign=campaign, status="published", outcome__isnull=True).order_by("id")
    for n, pledge in enumerate(pledges[: SENTENCES - have]):
        answers = {
            "benefit": [values["benefit"][n % len(values["benefit"])]],
            "reach": values["reach"][n % len(values["reach"])],
            "ongoing": values["ongoing"][n % len(values["ongoing"])],
            "change": _CHANGES[n % len(_CHANGES)],
            "publish": True,
        }
        outcome_record(pledge=pledge, question_set=question_set, answers=answers)


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
        return json.loads(response.read())


class Command(BaseCommand):
    help = "Bench probes (run by scripts/bench.py against the bench database)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["setup", "freshness", "milestone", "csv", "burst"])
        parser.add_argument("--base", default="http://127.0.0.1:8765")
        parser.add_argument("--times", type=int, default=7)
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--procs", type=int, default=4)

    def handle(self, *args, **options):
        getattr(self, options["action"])(**options)

    def setup(self, **options):
        from allauth.account.models import EmailAddress
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.test import Client

        from counters.models import MilestoneRule
        from counters.services import counter_values
        from pledges import keys as pledge_keys
        from pledges.models import Pledge, Theme
        from pledges.selectors import current_campaign

        User = get_user_model()
        moderator, _ = User.objects.get_or_create(
            email="bench-moderator@bench.carepledge.example",
            defaults={"display_name": "Bench Moderator", "is_staff": True},
        )
        moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])
        admin, _ = User.objects.get_or_create(
            email="bench-admin@bench.carepledge.example",
            defaults={"display_name": "Bench Admin", "is_staff": True, "is_superuser": True},
        )
        for user in (moderator, admin):
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"primary": True, "verified": True}
            )
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(moderator)
        # The moderator's browser keeps the CSRF cookie the queue page sets, and sends it back
        # with the session cookie, as a browser does: without it every view would make a new
        # CSRF secret and set the cookie again.
        assert client.get("/moderation/held-pledges/").status_code == 200
        campaign = current_campaign()
        theme = Theme.objects.get(slug=MILESTONE_THEME)
        key = pledge_keys.theme(campaign.pk, theme.slug)
        # Just above today's total: the next published pledge with this theme crosses it.
        threshold = counter_values([key])[key] + 1
        MilestoneRule.objects.update_or_create(
            pattern=key,
            defaults={"label": "bench: dementia pledges", "thresholds": [threshold], "audience": "admins"},
        )
        _published_sentences(campaign)
        pledge = Pledge.objects.filter(campaign=campaign, status="published").order_by("-id").values("pk")[500]
        from organisations.models import Organisation

        # A committed employer that has done some of its tasks: its page shows them by statement.
        organisation = (
            Organisation.objects.filter(commitment__tasks__done_at__isnull=False)
            .order_by("-commitment__tasks__done_at", "pk")
            .values("slug")
            .first()
        )
        _emit(
            self.stdout,
            {
                "cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={client.cookies['csrftoken'].value}",
                "theme": Theme.objects.exclude(slug=MILESTONE_THEME).filter(is_active=True).first().pk,
                "pledge": pledge["pk"],
                "organisation": organisation["slug"] if organisation else "",
                "milestone_key": key,
                "threshold": threshold,
            },
        )

    def freshness(self, base, times, **options):
        """Publication to the public counts JSON showing it: each pledge published alone."""
        from pledges import services
        from pledges.models import Theme
        from pledges.selectors import current_campaign

        campaign = current_campaign()
        theme = Theme.objects.exclude(slug=MILESTONE_THEME).filter(is_active=True).first()
        delays = []
        for i in range(times):
            pledge = _submit(campaign, theme, f"fresh-{uuid.uuid4().hex[:8]}-{i}")
            before = _get_json(base + "/pledges/counts.json")["pledges"]
            started = time.monotonic()
            services.pledge_confirm(pledge_id=pledge.pk)
            while _get_json(base + "/pledges/counts.json")["pledges"] < before + 1:
                if time.monotonic() - started > 60:
                    break
                time.sleep(0.01)
            delays.append(time.monotonic() - started)
            time.sleep(0.5)
        _emit(self.stdout, {"median_s": statistics.median(delays), "max_s": max(delays), "all_s": delays})

    def milestone(self, **options):
        """The crossing pledge's confirmation to the milestone email row existing."""
        from counters.models import Milestone, MilestoneRule
        from mail.models import Email
        from pledges import keys as pledge_keys
        from pledges import services
        from pledges.models import Theme
        from pledges.selectors import current_campaign

        campaign = current_campaign()
        theme = Theme.objects.get(slug=MILESTONE_THEME)
        key = pledge_keys.theme(campaign.pk, theme.slug)
        threshold = MilestoneRule.objects.get(pattern=key).thresholds[0]
        pledge = _submit(campaign, theme, f"milestone-{uuid.uuid4().hex[:8]}")
        started = time.monotonic()
        services.pledge_confirm(pledge_id=pledge.pk)
        waited = None
        while time.monotonic() - started < 60:
            milestone = Milestone.objects.filter(key=key, threshold=threshold).first()
            if (
                milestone
                and Email.objects.filter(
                    kind="milestone-reached", key__startswith=f"milestone:{milestone.pk}:"
                ).exists()
            ):
                waited = time.monotonic() - started
                break
            time.sleep(0.01)
        _emit(self.stdout, {"seconds": waited})

    def csv(self, **options):
        """Stream the open-data CSV view in this process; ru_maxrss is its peak resident memory."""
        from django.test import RequestFactory

        from pledges.views import open_data_csv

        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.monotonic()
        response = open_data_csv(RequestFactory().get("/pledges/open-data/pledges.csv"))
        size = rows = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            rows += 1
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        _emit(
            self.stdout,
            {
                "peak_mib": peak / 1024,
                "before_mib": before / 1024,
                "rows": rows - 1,
                "bytes": size,
                "seconds": time.monotonic() - started,
            },
        )

    def burst(self, count, procs, **options):
        tag = uuid.uuid4().hex[:8]
        shares = [(count // procs + (1 if i < count % procs else 0), f"{tag}-{i}") for i in range(procs)]
        connections.close_all()
        started = time.monotonic()
        with multiprocessing.get_context("fork").Pool(procs) as pool:
            done = sum(pool.map(_burst_worker, shares))
        seconds = time.monotonic() - started
        _emit(self.stdout, {"pledges": done, "seconds": seconds, "per_second": done / seconds})
