from datetime import timedelta

import factory
from django.utils import timezone

from accounts.choices import JobRole, Region, Sector
from ambassadors.models import Application, CareMaker, Intake, SixC, Story
from tests.factories import UserFactory


def words(n: int) -> str:
    return " ".join(f"word{i}" for i in range(n))


class IntakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intake

    name = factory.Sequence(lambda n: f"Intake {n}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    user = factory.SubFactory(UserFactory)
    intake = factory.SubFactory(IntakeFactory)
    role = JobRole.NURSE
    sector = Sector.NHS_ACUTE
    organisation = "Exe Valley Hospital"
    region = Region.SOUTH_WEST
    years_in_role = 4
    statement = factory.LazyFunction(lambda: words(60))
    chosen_c = SixC.COMPASSION
    agreed = True


class CareMakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareMaker
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: 1000 + n)
    joined_on = factory.LazyFunction(timezone.localdate)
    intake = factory.SubFactory(IntakeFactory)
    role = JobRole.NURSE
    sector = Sector.NHS_ACUTE
    region = Region.SOUTH_WEST
    organisation = "Exe Valley Hospital"
    active = True
    last_recommitted_at = factory.LazyFunction(timezone.now)
    public_profile = True
    display_name = factory.LazyAttribute(lambda o: o.user.display_name)
    chosen_c = SixC.COURAGE

    @factory.post_generation
    def counted(self, create, extracted, **kwargs):
        # Keep the kept totals true, as approval would.
        if create and self.active and extracted is not False:
            from ambassadors.services import count_active

            count_active(self, 1)


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story

    care_maker = factory.SubFactory(CareMakerFactory)
    c = SixC.COURAGE
    title = factory.Sequence(lambda n: f"Story {n}")
    text = "We spoke up about a staffing gap and the rota changed."

    class Params:
        published = factory.Trait(status=Story.Status.PUBLISHED, published_at=factory.LazyFunction(timezone.now))
