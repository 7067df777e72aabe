from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = "Pledges"

    def ready(self):
        from accounts import data_rights
        from counters.milestones import register_milestone_names
        from counters.services import register_recount
        from mail.reminders import register as register_reminder
        from moderation.recheck import register_recheck

        from . import data_rights as pledge_data
        from . import moderation, outcome_data_rights
        from .reminders import JOBS
        from .selectors import milestone_part_names
        from .services import pledges_truth

        register_recount("pledges:", pledges_truth)
        register_milestone_names("pledges:", milestone_part_names)
        data_rights.register("pledges", export=pledge_data.export, erase=pledge_data.erase)
        data_rights.register("pledge-outcomes", export=outcome_data_rights.export, erase=outcome_data_rights.erase)
        moderation.register_queues()
        register_recheck("pledges", moderation.recheck_public_text)
        for job in JOBS:
            register_reminder(job)
