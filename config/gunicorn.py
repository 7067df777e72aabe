"""gunicorn settings for Care Pledge, the same in production (Dockerfile, docker-compose) and
in `make bench`, which measures this shape: `gunicorn -c config/gunicorn.py config.wsgi:application`.

gthread workers: almost every request waits on PostgreSQL or Redis for part of its time.
cores + 1 processes keep the cores busy while one waits; a few threads each let a process
overlap those waits without the memory of more processes, and gthread keeps HTTP
connections alive. More threads only add contention for the GIL. Async workers would need
the ORM and psycopg2 made cooperative, which this site does not do.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A gthread worker takes every connection it is offered, up to this many. Connections are kept
# alive (by nginx's upstream pool in production, by the load generator in make bench), so they
# stay with whichever worker took them, and at the default of 1,000 one worker could take
# nearly all of them: its GIL then held the site to one core while the others idled (the
# stalled bench rounds, in which gunicorn used exactly one core's time). Twice its threads
# spreads them over the workers; past its keep-alive share a worker closes a connection
# after its response, and the next one goes to whichever worker has room.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", str(2 * threads)))
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def post_worker_init(worker):
    # Django, the URLconf and the templates are loaded now and live as long as the worker.
    # Freezing them takes them out of the garbage collector's full collections, which
    # otherwise walk every one of them and stall all the worker's threads while they do.
    gc.freeze()
