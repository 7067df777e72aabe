from celery import shared_task

from .reminders import reminders_send


@shared_task(name="organisations.tasks.send_organisation_reminders", soft_time_limit=300, time_limit=360)
def send_organisation_reminders() -> dict:
    return reminders_send()
