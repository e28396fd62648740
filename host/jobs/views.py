"""The progress page of one job and the list of a person's recent jobs.

The page shows the job as it is when loaded; ``static/jobs.js`` then polls the job's JSON status
(the API) and moves the bar, and reloads the page once the job has finished, which then shows
the link to what it made or the reason it failed. Another organization's job, or another
member's (for anyone but owners and admins), is a 404.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template

from ..db import db_session
from ..orgctx import org_member_required
from .refs import job_ref, recent_jobs, visible_job

bp = Blueprint("jobs", __name__)


def _tool_names() -> dict[str, str]:
    registry = current_app.extensions["trialoffice.registry"]
    return {record.key: record.manifest.name for record in registry.available()}


@bp.get("/o/<org>/jobs")
@org_member_required
def index():
    jobs = [job_ref(job, g.org.slug) for job in recent_jobs(db_session(), g.membership)]
    return render_template("jobs/index.html", jobs=jobs, tool_names=_tool_names())


@bp.get("/o/<org>/jobs/<int:job_id>")
@org_member_required
def show(job_id: int):
    job = visible_job(db_session(), g.membership, job_id)
    if job is None:
        abort(404)
    return render_template("jobs/show.html", job=job_ref(job, g.org.slug), tool_names=_tool_names())
