from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app stands on and that knows no programme: rate limits, client addresses,
    CSV streaming, sessions, storage, the cache backend, middleware, database constraint
    helpers and the NHS.UK form pack. Imports nothing from the apps above it."""

    name = "core"
    verbose_name = "Site infrastructure"

    def ready(self):
        from django.core.signals import setting_changed

        from core.urls import urls_changed

        setting_changed.connect(urls_changed, dispatch_uid="core.urls.urls_changed")
