from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Social Care Commitment"

    def ready(self):
        from counters.services import register_recount

        from .services import organisations_recount

        register_recount("organisations:", organisations_recount)
