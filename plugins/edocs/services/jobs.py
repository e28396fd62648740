"""The background jobs edocs starts with ``tool().jobs.start(kind, **params)``, by kind."""
from __future__ import annotations

from .reminders import REMINDER_JOBS
from .text_extraction import extract_text

#: kind -> function(progress, **params)
JOB_HANDLERS: dict = {"extract_text": extract_text, **REMINDER_JOBS}
