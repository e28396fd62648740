"""``GET /api/v1/o/<org>/jobs[/<id>]``: background jobs and their progress (``host.jobs``).

A member reads the jobs they started; owners and admins read every job of the organization.
The body is :meth:`sdk.jobs.JobRef.as_json`, the same a tool's API returns for a job it started.
"""
from __future__ import annotations

from flask import abort, g
from marshmallow import Schema, fields, validate

from sdk.jobs import STATUSES

from ..db import db_session
from ..jobs.refs import RECENT, job_ref, recent_jobs, visible_job
from ..orgctx import org_member_required
from .base import ApiBlueprint, error_documenter

blp = ApiBlueprint("api-org-jobs", __name__, url_prefix="/api/v1/o/<org>", tag="Jobs",
                   description="Background jobs (imports and other long work) and how far they got.")
ERRORS = {401: "Not signed in, or the token is invalid or revoked",
          404: "No such organization for this caller (or token), or no such job of theirs",
          422: "A parameter is not valid"}
documents_errors = error_documenter(blp, ERRORS)


class JobResultSchema(Schema):
    summary = fields.String(required=True, metadata={"description": "What the job did, in a sentence"})
    link = fields.String(required=True, allow_none=True,
                         metadata={"description": "Path of the page showing what the job made"})
    data = fields.Dict(required=True, metadata={"description": "The tool's data, e.g. the id of a record made"})


class JobSchema(Schema):
    id = fields.Integer(required=True)
    tool = fields.String(required=True, metadata={"description": "Key of the tool that started it"})
    kind = fields.String(required=True, metadata={"description": "The tool's name for this kind of job"})
    label = fields.String(required=True, metadata={"description": "What the job does, for people"})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    done = fields.Integer(required=True, metadata={"description": "Steps done so far"})
    total = fields.Integer(required=True, allow_none=True, metadata={"description": "Steps in all; null: unknown"})
    percent = fields.Integer(required=True, allow_none=True, metadata={"description": "0 to 100; null: unknown"})
    message = fields.String(required=True, metadata={"description": "What the job is doing now"})
    result = fields.Nested(JobResultSchema, required=True, allow_none=True,
                           metadata={"description": "Set when the job succeeded"})
    error = fields.String(required=True, allow_none=True,
                          metadata={"description": "Why the job failed, for people; set when it failed"})
    created_at = fields.String(required=True, metadata={"description": "ISO 8601, UTC"})
    started_at = fields.String(required=True, allow_none=True, metadata={"description": "ISO 8601, UTC"})
    finished_at = fields.String(required=True, allow_none=True, metadata={"description": "ISO 8601, UTC"})
    url = fields.String(required=True, allow_none=True, metadata={"description": "Path of the progress page"})
    status_url = fields.String(required=True, allow_none=True,
                               metadata={"description": "Path of this status"})


class JobListSchema(Schema):
    jobs = fields.List(fields.Nested(JobSchema), required=True, metadata={"description": "Newest first"})


class JobListQuerySchema(Schema):
    limit = fields.Integer(load_default=RECENT, validate=validate.Range(min=1, max=100),
                           metadata={"description": f"At most this many jobs (default {RECENT})"})


@blp.route("/jobs", methods=["GET"])
@blp.arguments(JobListQuerySchema, location="query")
@blp.response(200, JobListSchema)
@documents_errors(401, 404, 422)
@org_member_required
def list_jobs(args):
    """List the caller's recent jobs

    The jobs the caller started in the organization, newest first, with their progress.
    """
    jobs = recent_jobs(db_session(), g.membership, args["limit"])
    return {"jobs": [job_ref(job, g.org.slug).as_json() for job in jobs]}


@blp.route("/jobs/<int:job_id>", methods=["GET"])
@blp.response(200, JobSchema)
@documents_errors(401, 404)
@org_member_required
def get_job(job_id: int):
    """Read a job's status and progress

    Queued, running, succeeded (with its result) or failed (with the reason, for people).
    Poll it until the status is succeeded or failed.
    """
    job = visible_job(db_session(), g.membership, job_id)
    if job is None:
        abort(404, "There is no such job.")
    return job_ref(job, g.org.slug).as_json()
