"""The bodies of the completeness and milestone API: shapes only; the rules are the services'."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..domain.milestone_templates import TEMPLATES
from .schemas import Strict


class CompletenessQuery(Strict):
    today = fields.Date(metadata={"description": "Count as of this day (default: today, UTC)"})


class Counts(Schema):
    expected = fields.Integer()
    filed = fields.Integer(metadata={"description": "A document of the artifact is filed there (any status)"})
    qc_passed = fields.Integer(metadata={"description": "A version of it passed QC (was approved)"})
    overdue = fields.Integer(metadata={"description": "Not QC-passed and due before today"})
    missing = fields.Integer(metadata={"description": "Not filed, whatever the date"})
    filed_on_time = fields.Integer(metadata={"description": "Filed (first version) on or before the due date"})
    completeness = fields.Float(allow_none=True, metadata={"description": "QC-passed / expected, in %"})
    timeliness = fields.Float(allow_none=True, metadata={"description": "Filed on time / filed, in %"})


class ZoneCounts(Counts):
    zone = fields.String(metadata={"description": "The zone's number, e.g. 05"})
    name = fields.String()


class SiteCounts(Counts):
    site = fields.String(allow_none=True, metadata={"description": "The site number; null: trial level"})
    name = fields.String()


class Overdue(Schema):
    expectation_id = fields.Integer()
    artifact = fields.String()
    artifact_name = fields.String()
    site = fields.String(allow_none=True)
    milestone = fields.String()
    due_on = fields.Date()
    owner_id = fields.Integer(allow_none=True)
    filed = fields.Boolean(metadata={"description": "Filed but not QC-passed (false: missing)"})


class Completeness(Schema):
    today = fields.Date()
    totals = fields.Nested(Counts)
    zones = fields.List(fields.Nested(ZoneCounts))
    sites = fields.List(fields.Nested(SiteCounts))
    overdue = fields.List(fields.Nested(Overdue))


class ExpectationOut(Schema):
    id = fields.Integer()
    artifact = fields.String()
    artifact_name = fields.String()
    due_offset_days = fields.Integer(metadata={"description": "Due this many days after the milestone"})
    due_on = fields.Date()
    owner_id = fields.Integer(allow_none=True)


class MilestoneOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    name = fields.String()
    site = fields.String(allow_none=True, metadata={"description": "The site number; null: a trial milestone"})
    due_on = fields.Date()
    expectations = fields.List(fields.Nested(ExpectationOut))


class MilestoneList(Schema):
    milestones = fields.List(fields.Nested(MilestoneOut))


class MilestoneIn(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(tuple(TEMPLATES)),
                         metadata={"description": "The kind of milestone; its template says what it expects"})
    due_on = fields.Date(required=True, metadata={"description": "The milestone's date"})
    site = fields.String(metadata={"description": "The site number, for a site milestone"})
    owner_id = fields.Integer(metadata={"description": "Who is reminded of its overdue documents "
                                                       "(default: the caller)"})


class MilestoneMove(Strict):
    due_on = fields.Date(required=True, metadata={"description": "The new date"})
    reason = fields.String(required=True, metadata={"description": "Why it moves (audit trail)"})
