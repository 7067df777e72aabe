from celery import shared_task

from . import services


@shared_task(ignore_result=True, soft_time_limit=60, time_limit=90)
def send_email(email_id: int) -> str:
    return services.email_deliver(email_id=email_id)


@shared_task(ignore_result=True)
def sweep_outbox() -> dict:
    return services.outbox_sweep()


# The largest job (campaign closing) queues up to 20,000 emails a run.
@shared_task(ignore_result=True, soft_time_limit=300, time_limit=360)
def run_reminder_job(name: str) -> int:
    """Every reminder job's beat entry: {"task": "mail.tasks.run_reminder_job", "args": ["pledge-followup"]}."""
    from .reminders import reminder_job, reminders_run

    return len(reminders_run(reminder_job(name)).queued)
