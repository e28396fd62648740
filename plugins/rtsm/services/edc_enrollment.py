"""Randomizing a subject when edc announces its enrollment (``edc.subject_enrolled``).

A study of this organization set up with ``randomize_on_enrollment`` whose protocol number is
the event's ``trial_ref`` randomizes the subject at the site whose code is ``site_ref`` (source
"edc"). Only schemes needing no factor but the site may be set up so (the event carries none).
Exactly once however often the event is delivered: the host filters a redelivered event id, and
randomizing is idempotent per subject anyway. An unknown trial or site is not for us: logged,
never retried.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from sdk import tool

from ..models import Study, StudySite
from . import dispensing
from .errors import RtsmInputError
from .randomization import randomize

log = logging.getLogger(__name__)


def randomize_enrolled_subject(event) -> None:
    payload = event.payload
    session = tool().db_session()
    study = session.scalar(select(Study).where(Study.protocol == payload["trial_ref"],
                                               Study.randomize_on_enrollment.is_(True),
                                               Study.org_id == tool().current_org().id))
    if study is None:
        log.info("rtsm: no study randomizes on enrollment for trial %r; event %s ignored",
                 payload["trial_ref"], event.id)
        return
    site = session.scalar(select(StudySite).where(StudySite.study_id == study.id,
                                                  StudySite.code == payload["site_ref"]))
    if site is None:
        log.warning("rtsm: study %s has no site %r; subject %r of event %s not randomized",
                    study.id, payload["site_ref"], payload["subject_ref"], event.id)
        return
    try:
        with session.begin_nested():  # a refusal takes back everything randomize wrote, the claim included
            allocation, created = randomize(study, subject=payload["subject_ref"], site=site, factors={},
                                            source="edc")
    except RtsmInputError as refused:  # e.g. a subject id too long: a retry would not change it
        log.warning("rtsm: subject %r of event %s not randomized: %s", payload["subject_ref"], event.id, refused)
        if isinstance(refused, dispensing.NoKitToDispense):  # the supply managers hear of it (committed by the host)
            dispensing.report_shortage(refused)
        return
    log.info("rtsm: subject %s %s (event %s)", allocation.subject,
             "randomized" if created else "was randomized already", event.id)


HANDLERS = {"edc.subject_enrolled": randomize_enrolled_subject}
