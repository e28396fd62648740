"""The background jobs rtsm starts with ``tool().jobs.start(kind, **params)``, by kind."""
from __future__ import annotations

from .resupply import resupply_job

#: kind -> function(progress, **params); filled by the modules that define jobs
JOB_HANDLERS: dict = {"resupply": resupply_job}
