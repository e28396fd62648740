"""The background jobs edc starts with ``tool().jobs.start(kind, **params)``, by kind."""
from __future__ import annotations

#: kind -> function(progress, **params); filled by the modules that define jobs
JOB_HANDLERS: dict = {}
