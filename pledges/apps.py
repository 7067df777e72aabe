from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = "Pledges"

    def ready(self):
        from counters.services import register_recount

        from . import data_rights  # noqa: F401  (registers what pledges hold about a person)
        from . import moderation  # noqa: F401  (registers the pledges moderation queue)
        from .services import pledges_truth

        register_recount("pledges:", pledges_truth)
