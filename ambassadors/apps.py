from django.apps import AppConfig
from django.db.models.signals import post_migrate


def grant_programme_admins(sender, using="default", **kwargs) -> None:
    """Programme admins run Care Makers from the Django admin (eligibility, intakes, leads,
    reasons) without being superusers. Runs after auth has made this app's permissions."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.using(using).get_or_create(name="Programme admins")
    group.permissions.add(*Permission.objects.using(using).filter(content_type__app_label="ambassadors"))


class AmbassadorsConfig(AppConfig):
    name = "ambassadors"
    verbose_name = "Care Makers"

    def ready(self) -> None:
        from accounts import data_rights
        from counters.services import register_recount
        from mail.reminders import register_staff_waiting

        from . import data_rights as care_maker_data
        from .moderation import register
        from .reminders import applications_waiting_for_staff
        from .services import recount_active

        register_recount("ambassadors:", recount_active)
        data_rights.register("care_makers", export=care_maker_data.export, erase=care_maker_data.erase)
        register()
        register_staff_waiting("care-maker-applications", applications_waiting_for_staff)
        post_migrate.connect(grant_programme_admins, sender=self, dispatch_uid="ambassadors_grant_programme_admins")
