from celery import shared_task


@shared_task(ignore_result=True, soft_time_limit=300, time_limit=360)
def rollup_overdue_tasks() -> int:
    from .services import commitment_tasks_overdue_rollup

    return commitment_tasks_overdue_rollup()
