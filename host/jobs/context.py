"""Where a job's code runs: a context of its own, as the person who started it.

Each job runs in a new ``contextvars`` context with a new app context and a database session of
its own, even when it runs inline in the request that queued it (immediate mode): the request's
session is set aside and given back afterwards, and none of the request's organization scope,
running tool, actor or Flask contexts reach the job. Inside, a request context stands for the
person's request: ``current_user`` is them, the organization and their membership are on ``g``
as the gate puts them, so ``tool().can()``, ``url_for`` and the audit trail's actor work as in
the request. No view runs; nothing is sent anywhere.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask, g
from flask_login import login_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..compliance.actor import acting_as
from ..db import Database
from ..models import Membership, Organization, User
from .models import Job

DEFAULT_BASE_URL = "http://localhost"


@contextmanager
def own_session(database: Database) -> Iterator[None]:
    """Run the block with a fresh session in the thread's registry, then restore the one before."""
    registry = database.session.registry
    outer = registry() if registry.has() else None
    registry.clear()
    try:
        yield
    finally:
        database.session.remove()
        if outer is not None:
            registry.set(outer)


@dataclass(frozen=True)
class Person:
    """Who a job runs as: the organization, and the user with their membership (None: nobody)."""

    org: Organization
    user: User | None
    membership: Membership | None


def person_of(session: Session, job: Job) -> tuple[Person | None, str | None]:
    """The job's person, or why the job cannot run as them."""
    org = session.get(Organization, job.org_id)
    if org is None:
        return None, "The organization no longer exists."
    if job.user_id is None:
        return Person(org, None, None), None
    user = session.get(User, job.user_id)
    membership = session.scalars(select(Membership).where(Membership.org_id == org.id,
                                                          Membership.user_id == job.user_id)).first()
    if user is None or not user.is_active:
        return None, "The person who started this job can no longer sign in."
    if membership is None:
        return None, f"The person who started this job is no longer a member of {org.name}."
    return Person(org, user, membership), None


@contextmanager
def as_person(app: Flask, person: Person, job: Job) -> Iterator[None]:
    """A request context in which the job's code acts as ``person`` in their organization."""
    base_url = app.config.get("BASE_URL") or DEFAULT_BASE_URL
    with app.test_request_context(f"/o/{person.org.slug}/jobs/{job.id}", base_url=base_url):
        g.org, g.membership, g.tenant_org_id = person.org, person.membership, person.org.id
        g.org_slug, g.tool_key = person.org.slug, job.tool_key
        if person.user is not None:
            login_user(person.user)
            yield
        else:
            with acting_as("system", None, f"job {job.id} ({job.tool_key})"):
                yield
