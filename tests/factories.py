"""Factories for tests. States are traits: UserFactory(moderator=True)."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.choices import JobRole, Region, Sector
from accounts.models import User

PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name", locale="en_GB")
    job_role = JobRole.NURSE
    sector = Sector.NHS_ACUTE
    region = Region.SOUTH_WEST
    organisation_name = "Exe Valley Hospital"

    class Params:
        staff = factory.Trait(is_staff=True)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=extracted is not False)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if not create:
            return
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))
