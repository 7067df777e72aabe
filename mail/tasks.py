from celery import shared_task

from . import services


@shared_task(ignore_result=True, soft_time_limit=60, time_limit=90)
def send_email(email_id: int) -> str:
    return services.email_deliver(email_id=email_id)


@shared_task(ignore_result=True)
def sweep_outbox() -> dict:
    return services.outbox_sweep()


@shared_task(ignore_result=True, soft_time_limit=100, time_limit=120)
def run_reminder_job(name: str) -> int:
    """For beat: {"task": "mail.tasks.run_reminder_job", "args": ["pledge-followup"], ...}."""
    from .reminders import reminder_job, reminders_run

    return len(reminders_run(reminder_job(name)).queued)
