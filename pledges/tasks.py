from celery import shared_task

from .reminders import pledge_reminders_send


@shared_task(ignore_result=True)
def send_pledge_reminders() -> dict:
    run = pledge_reminders_send()
    return {"nudges": len(run.nudges), "followups": len(run.followups), "closing": len(run.closing)}


@shared_task(ignore_result=True)
def purge_unconfirmed_pledges() -> int:
    from .retention import unconfirmed_pledges_purge

    return unconfirmed_pledges_purge()
