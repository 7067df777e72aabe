from celery import shared_task


@shared_task(ignore_result=True)
def purge_unconfirmed_pledges() -> int:
    from .retention import unconfirmed_pledges_purge

    return unconfirmed_pledges_purge()
