"""Pledge factories. Published pledges made here skip the services, so tests that check
totals make pledges through `pledges.services` instead."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from pledges.models import Campaign, Pledge, Theme


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Change Day {2030 + n}")
    slug = factory.Sequence(lambda n: f"change-day-{2030 + n}")
    day = date(2027, 3, 10)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=60))
    is_current = False

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        # Transactional tests flush the seeded themes; every campaign needs them back.
        if create:
            Theme.ensure_defaults()

    class Params:
        not_open_yet = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=5)),
            closes_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=60)),
        )
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=60)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    campaign = factory.LazyFunction(lambda: Campaign.objects.get(is_current=True))
    text = factory.Sequence(lambda n: f"I will thank a colleague every day, promise number {n}.")
    theme = factory.LazyFunction(lambda: Theme.objects.get(slug="culture-and-attitude"))
    kind = Pledge.Kind.ME
    job_role = "care-worker"
    sector = "adult-social-care"
    region = "south-west"
    name = "Sam Smith"
    email = factory.Sequence(lambda n: f"pledger{n}@example.org")
    status = Pledge.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)

    class Params:
        unconfirmed = factory.Trait(status=Pledge.Status.UNCONFIRMED, published_at=None, confirmed_at=None)
        held = factory.Trait(status=Pledge.Status.HELD, published_at=None)
