import importlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

DEMO_ADMIN_EMAIL = "admin@carepledge.example"
DEMO_ADMIN_PASSWORD = "care-pledge-demo"
# Organisations before the programmes whose demo people name them.
PROGRAMMES = ["accounts", "organisations", "pledges", "ambassadors", "mail", "moderation", "dashboard"]


class Command(BaseCommand):
    help = "Load demo data for trying Care Pledge locally. Safe to run twice: nothing is duplicated."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is for local use only; DJANGO_ENV is production.")
        with transaction.atomic():
            admin = self._admin()
            for app in PROGRAMMES:
                importlib.import_module(f"{app}.demo").load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Demo admin: {admin.email} / password: {DEMO_ADMIN_PASSWORD}  (sign in at /account/login/)")

    def _admin(self):
        from allauth.account.models import EmailAddress

        User = get_user_model()
        admin, created = User.objects.get_or_create(
            email=DEMO_ADMIN_EMAIL,
            defaults={"display_name": "Priya Sharma", "is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(DEMO_ADMIN_PASSWORD)
            admin.save()
        EmailAddress.objects.get_or_create(user=admin, email=admin.email, defaults={"verified": True, "primary": True})
        return admin
