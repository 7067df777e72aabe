from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Social Care Commitment"

    def ready(self):
        from accounts import data_rights
        from counters.services import register_recount

        from .services import organisations_recount, personal_data_erase, personal_data_export

        register_recount("organisations:", organisations_recount)
        data_rights.register("social_care_commitment", export=personal_data_export, erase=personal_data_erase)
