"""The background jobs edc starts with ``tool().jobs.start(kind, **params)``, by kind."""
from __future__ import annotations

from .import_job import IMPORT_JOB, run_import

#: kind -> function(progress, **params); filled by the modules that define jobs
JOB_HANDLERS: dict = {IMPORT_JOB: run_import}
