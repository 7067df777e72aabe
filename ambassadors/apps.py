from django.apps import AppConfig


class AmbassadorsConfig(AppConfig):
    name = "ambassadors"
    verbose_name = "Care Makers"

    def ready(self) -> None:
        from accounts import data_rights
        from counters.services import register_recount
        from mail.reminders import register as register_reminder
        from mail.reminders import register_waiting_work
        from moderation.recheck import register_recheck

        from . import data_rights as care_maker_data
        from . import moderation
        from .reminders import JOBS, applications_waiting
        from .services import recount_active

        register_recount("ambassadors:", recount_active)
        data_rights.register("care_makers", export=care_maker_data.export, erase=care_maker_data.erase)
        moderation.register()
        register_recheck("care-makers", moderation.recheck_public_text)
        for job in JOBS:
            register_reminder(job)
        register_waiting_work("care-maker-applications", applications_waiting)
