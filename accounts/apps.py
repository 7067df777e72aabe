from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import data_rights, roles  # noqa: F401  (data_rights registers what accounts and mail hold)

        roles.connect()
