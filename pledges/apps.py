from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = "Pledges"

    def ready(self):
        # Importing these registers what pledges hold about a person (data rights) and the
        # pledges moderation queue.
        from counters.milestones import register_milestone_names
        from counters.services import register_recount
        from mail.reminders import register as register_reminder

        from . import data_rights, moderation, outcome_data_rights  # noqa: F401
        from .reminders import JOBS
        from .selectors import milestone_part_names
        from .services import pledges_truth

        register_recount("pledges:", pledges_truth)
        register_milestone_names("pledges:", milestone_part_names)
        for job in JOBS:
            register_reminder(job)
