from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from mail.reminders import register_waiting_work

        from .waiting import queues_waiting

        register_waiting_work("moderation", queues_waiting)
