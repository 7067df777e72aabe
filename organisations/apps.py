from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Social Care Commitment"

    def ready(self):
        from accounts import data_rights
        from counters import keys as linked_keys
        from counters.milestones import register_milestone_names, register_milestone_recipients
        from counters.services import register_recount
        from mail.reminders import register as register_reminder

        from . import keys as organisation_keys
        from .moderation import register_queue
        from .reminders import JOBS
        from .selectors import organisation_milestone_names, organisation_representative_emails
        from .services import organisations_recount, personal_data_erase, personal_data_export

        register_recount(organisation_keys.PREFIX, organisations_recount)
        # Its own per-organisation totals, and those other programmes keep per organisation
        # under their own prefixes (counters/keys.py): the representatives hear of them all.
        for prefix in (
            organisation_keys.PREFIX,
            *map(linked_keys.organisation_total_prefix, linked_keys.ORGANISATION_LINKED),
        ):
            register_milestone_recipients(prefix, organisation_representative_emails)
            register_milestone_names(prefix, organisation_milestone_names)
        data_rights.register("social_care_commitment", export=personal_data_export, erase=personal_data_erase)
        register_queue()
        for job in JOBS:
            register_reminder(job)
