from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def record_daily_totals() -> int:
    return services.daily_totals_snapshot()
