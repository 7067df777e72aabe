from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "mail"
    verbose_name = "Mail outbox"

    def ready(self) -> None:
        from accounts import data_rights

        from .reminders import StaffDigest, register
        from .services import preference_erase, preference_export

        # The outbox rows themselves are covered by the accounts app; choices are ours.
        data_rights.register("email_choices", export=preference_export, erase=preference_erase)
        register(StaffDigest())
