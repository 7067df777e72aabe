from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from . import data_rights, roles

        data_rights.register("account", export=data_rights.export_account, erase=data_rights.erase_account)
        roles.connect()
