from django.apps import AppConfig


class AmbassadorsConfig(AppConfig):
    name = "ambassadors"
    verbose_name = "Care Makers"

    def ready(self) -> None:
        from counters.services import register_recount

        from .services import recount_active

        register_recount("ambassadors:", recount_active)

        from .moderation import register

        register()
