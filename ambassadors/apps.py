from django.apps import AppConfig


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
