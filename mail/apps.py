from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "mail"
    verbose_name = "Mail outbox"

    def ready(self) -> None:
        from accounts import data_rights

        from .reminders import StaffDigest, register
        from .services import outbox_erase, outbox_export, preference_erase, preference_export

        # The outbox is erased for every address of the account: the account goes last, after every holder.
        data_rights.register("email_choices", export=preference_export, erase=preference_erase)
        data_rights.register("mail", export=outbox_export, erase=outbox_erase)
        register(StaffDigest())
