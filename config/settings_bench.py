"""Settings for `make bench`: production settings plus the bench app (the bare baseline views,
their table, the scale-data generator and the probes). Production never installs it, so its
model and migration never reach a real database."""

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
