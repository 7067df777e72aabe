from celery import shared_task

from . import alerts


@shared_task(ignore_result=True)
def check_moderation_backlog() -> int:
    return len(alerts.backlog_alert())
