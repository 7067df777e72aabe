from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def recount_counters() -> int:
    return len(services.counters_recount())
