from celery import shared_task

from . import reminders


@shared_task(ignore_result=True)
def check_care_maker_reminders() -> dict:
    return {name: len(items) for name, items in reminders.run_all().items()}
