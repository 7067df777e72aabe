from celery import shared_task

from . import services


@shared_task(ignore_result=True, soft_time_limit=60, time_limit=90)
def send_email(email_id: int) -> str:
    return services.email_deliver(email_id=email_id)


@shared_task(ignore_result=True)
def sweep_outbox() -> dict:
    return services.outbox_sweep()
