from celery import shared_task

from . import milestones, services


@shared_task(ignore_result=True)
def recount_counters() -> int:
    return len(services.counters_recount())


@shared_task(ignore_result=True, soft_time_limit=100, time_limit=120)
def announce_milestone(milestone_id: int, after: int = 0) -> int:
    return milestones.milestone_announce_batch(milestone_id=milestone_id, after=after)


@shared_task(ignore_result=True)
def sweep_milestones() -> int:
    return milestones.milestones_sweep()
