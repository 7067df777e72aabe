from django.apps import AppConfig


class AmbassadorsConfig(AppConfig):
    name = "ambassadors"
    verbose_name = "Care Makers"

    def ready(self) -> None:
        from counters.services import register_recount

        from .services import recount_active

        register_recount("ambassadors:", recount_active)

        from mail.reminders import register_staff_waiting

        from .moderation import register
        from .reminders import applications_waiting_for_staff

        register()
        register_staff_waiting("care-maker-applications", applications_waiting_for_staff)
