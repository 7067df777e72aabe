from django.apps import AppConfig


class QueueAppConfig(AppConfig):
    name = "tests.queue_app"
    label = "queue_app"
    default_auto_field = "django.db.models.BigAutoField"
