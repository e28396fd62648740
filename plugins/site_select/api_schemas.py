"""marshmallow schemas of the API's bodies: checked by ``sdk.api_docs`` before a view runs, and
put in the OpenAPI document as ``site_select.<Name>``.

The schemas check the shape (an object, the fields it may have, the required ones, text where
text belongs). Numbers, dates and lists of ids are :class:`Judged`: documented with the bounds
the services check (``services.specs``, ``services.history``), and judged by those services, so
the API answers the same words as the pages ("target enrollment must be at most 1,000,000").
"""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from sdk.numbers import INT32_MAX, ROW_ID_MAX

from .domain import WEIGHT_NAMES
from .services.history import COUNT_FIELDS, DATE_FIELDS, QUERIES_PER_100_MAX
from .services.specs import LATITUDE, LONGITUDE, RADIUS_KM, SHORTLIST_SIZE, TARGET, WEIGHT_MAX

NOT_IDS = "site_ids must be a list of site ids"
DATE = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}
SITE_IDS = {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": ROW_ID_MAX}}
TEXT_OR_LIST = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                "description": "A list, or text separated by ';'"}


def _number(bounds, *, whole: bool = False, **extra) -> dict:
    return {"type": "integer" if whole else "number", "minimum": bounds[0], "maximum": bounds[1], **extra}


WEIGHTS = {"type": "object", "additionalProperties": False, "description": "Only the proportions matter",
           "properties": {name: _number((0, WEIGHT_MAX)) for name in WEIGHT_NAMES}}


class Judged(fields.Raw):
    """A value the service judges (and names in its message); ``json_schema`` documents it."""

    def __init__(self, json_schema: dict, **kwargs):
        super().__init__(metadata=dict(json_schema), **kwargs)


def _required(message: str) -> dict:
    return {"required": message}


class Body(Schema):
    class Meta:
        unknown = RAISE


class TrialSpecIn(Body):
    therapeutic_area = fields.String(required=True, error_messages=_required("therapeutic area is required"))
    condition = fields.String()
    phase = fields.String(metadata={"description": "e.g. PHASE3"})
    countries = Judged({"type": "array", "items": {"type": "string", "description": "ISO 3166-1 alpha-2"}})
    target_enrollment = Judged(_number(TARGET, whole=True), required=True,
                               error_messages=_required("target enrollment is required"))
    start_date = Judged(DATE)
    target_lsi = Judged(DATE)
    center_lat = Judged(_number(LATITUDE))
    center_lon = Judged(_number(LONGITUDE))
    radius_km = Judged(_number(RADIUS_KM))
    exclude_site_ids = Judged(SITE_IDS)
    shortlist_size = Judged(_number(SHORTLIST_SIZE, whole=True))
    weights = Judged(WEIGHTS)


class RankIn(TrialSpecIn):
    preset = fields.String(metadata={"description": "Name of a saved weight preset, instead of weights"})
    limit = Judged(_number((1, 1000), whole=True, description="Results to return (default 50)"))


class SiteIn(Body):
    name = fields.String(required=True, error_messages=_required("name is required"),
                         metadata={"maxLength": 300})
    country = fields.String(required=True, error_messages=_required("country is required"),
                            metadata={"description": "ISO code or name"})
    city = fields.String()
    lat = Judged(_number(LATITUDE))
    lon = Judged(_number(LONGITUDE))
    network = fields.String()
    therapeutic_areas = Judged(TEXT_OR_LIST)
    conditions = Judged(TEXT_OR_LIST)
    investigators = Judged(TEXT_OR_LIST)


HistoryIn = Body.from_dict({
    "trial_ref": fields.String(required=True, error_messages=_required("trial reference is required"),
                               metadata={"maxLength": 64}),
    "trial_title": fields.String(), "phase": fields.String(), "condition": fields.String(),
    "therapeutic_area": fields.String(),
    **{name: Judged(DATE) for name, _ in DATE_FIELDS},
    **{name: Judged({"type": "integer", "minimum": 0, "maximum": INT32_MAX}) for name, _ in COUNT_FIELDS},
    "queries_per_100": Judged(_number((0, QUERIES_PER_100_MAX))),
}, name="HistoryIn")


class PresetIn(Body):
    name = fields.String(required=True, error_messages=_required("a preset needs a name"),
                         metadata={"maxLength": 100})
    weights = Judged(WEIGHTS, required=True, error_messages=_required("a preset needs weights"))


class ShortlistSpecIn(TrialSpecIn):
    title = fields.String(metadata={"description": "The trial's title, shown on the shortlist"})


class ShortlistIn(Body):
    name = fields.String(required=True, error_messages=_required("a shortlist needs a name"))
    trial_ref = fields.String()
    spec = fields.Nested(ShortlistSpecIn, required=True, error_messages=_required("a shortlist needs its spec"),
                         metadata={"description": "The trial spec and weights the sites were ranked by"})
    site_ids = fields.List(fields.Integer(strict=True, validate=validate.Range(1, ROW_ID_MAX, error=NOT_IDS),
                                          error_messages={"invalid": NOT_IDS}), required=True,
                           error_messages={"required": NOT_IDS, "invalid": NOT_IDS})


class HandOffIn(Body):
    """No fields: the shortlist in the path is handed off as it is."""


IMPORT = {"type": "object", "required": ["files"], "properties": {
    "files": {"type": "array", "items": {"type": "string", "format": "binary"},
              "description": "AACT-layout files, e.g. studies.txt, facilities.txt, conditions.txt"}}}


class SitesQuery(Schema):
    class Meta:
        unknown = RAISE

    country = fields.String(metadata={"description": "ISO 3166-1 alpha-2 code"})
    area = fields.String(metadata={"description": "Therapeutic area"})
    network = fields.String()
    q = fields.String(metadata={"description": "Words in the name, city or investigators"})
    page = fields.Integer(validate=validate.Range(1, 1_000_000), metadata={"description": "From 1"})


# What the API answers -------------------------------------------------------------------------

Text = fields.String


def _maybe(field_type, **kwargs):
    return field_type(required=True, allow_none=True, **kwargs)


class Site(Schema):
    id = fields.Integer(required=True)
    name = Text(required=True)
    country = _maybe(Text)
    city = _maybe(Text)
    lat = _maybe(fields.Float)
    lon = _maybe(fields.Float)
    therapeutic_areas = fields.List(Text(), required=True)
    conditions = fields.List(Text(), required=True)
    network = _maybe(Text)
    investigators = fields.List(Text(), required=True)


class SiteList(Schema):
    sites = fields.List(fields.Nested(Site), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class SiteAdded(Schema):
    site = fields.Nested(Site, required=True)


class HistoryAdded(Schema):
    id = fields.Integer(required=True)
    site_id = fields.Integer(required=True)
    trial_ref = Text(required=True)
    source = Text(required=True, metadata={"description": "manual"})


class ScoredSite(Schema):
    rank = fields.Integer(required=True)
    site_id = fields.Integer(required=True)
    name = Text(required=True)
    country = _maybe(Text)
    city = _maybe(Text)
    network = _maybe(Text)
    score = fields.Float(required=True, metadata={"description": "0 to 100"})
    components = fields.Dict(keys=Text(), values=fields.Float(allow_none=True), required=True,
                             metadata={"description": "Each weight's component, 0 to 1"})
    contributions = fields.Dict(keys=Text(), values=fields.Float(allow_none=True), required=True)
    distance_km = _maybe(fields.Float)
    metrics = fields.Dict(required=True, metadata={"description": "The site's history in numbers"})
    reasons_up = fields.List(Text(), required=True)
    reasons_down = fields.List(Text(), required=True)


class SiteRate(Schema):
    site_id = fields.Integer(required=True)
    monthly_rate = _maybe(fields.Float)


class MonthExpected(Schema):
    month = fields.Integer(required=True)
    subjects = fields.Float(required=True)


class Forecast(Schema):
    monthly_rate = _maybe(fields.Float)
    months_to_target = _maybe(fields.Float)
    projected_lsi = _maybe(Text, metadata={"format": "date"})
    target_lsi = _maybe(Text, metadata={"format": "date"})
    on_track = _maybe(fields.Boolean)
    per_site = fields.List(fields.Nested(SiteRate), required=True)
    expected_by_month = fields.List(fields.Nested(MonthExpected))


class Ranking(Schema):
    spec = fields.Dict(required=True, metadata={"description": "The trial spec, as understood"})
    weights = fields.Dict(keys=Text(), values=fields.Float(), required=True)
    candidates = fields.Integer(required=True)
    eligible = fields.Integer(required=True)
    results = fields.List(fields.Nested(ScoredSite), required=True)
    forecast = fields.Nested(Forecast, required=True, allow_none=True)


class ImportBatch(Schema):
    id = fields.Integer(required=True)
    created_at = Text(required=True, metadata={"format": "date-time"})
    files = fields.Dict(required=True)
    sites_created = fields.Integer(required=True)
    sites_merged = fields.Integer(required=True)
    history_created = fields.Integer(required=True)
    history_skipped = fields.Integer(required=True)
    rejected = fields.List(fields.Dict(), required=True)


class ImportBatchOut(Schema):
    batch = fields.Nested(ImportBatch, required=True)


class JobResult(Schema):
    summary = Text()
    link = Text(allow_none=True)
    data = fields.Dict()


class Job(Schema):
    """The job as the host's API answers it (GET /api/v1/o/{org}/jobs/{job_id})."""

    id = fields.Integer(required=True)
    tool = Text()
    kind = Text()
    label = Text()
    status = Text(required=True, validate=validate.OneOf(["queued", "running", "succeeded", "failed"]))
    done = fields.Integer()
    total = fields.Integer(allow_none=True)
    percent = fields.Integer(allow_none=True)
    message = Text()
    result = fields.Nested(JobResult, allow_none=True)
    error = Text(allow_none=True)
    created_at = Text()
    started_at = Text(allow_none=True)
    finished_at = Text(allow_none=True)
    url = Text(allow_none=True)
    status_url = Text(required=True, allow_none=True)


class JobStarted(Schema):
    job = fields.Nested(Job, required=True)


class Preset(Schema):
    id = fields.Integer(required=True)
    name = Text(required=True)
    weights = fields.Dict(keys=Text(), values=fields.Float(), required=True)


class PresetList(Schema):
    presets = fields.List(fields.Nested(Preset), required=True)


class ShortlistSite(Schema):
    position = fields.Integer(required=True)
    site_id = fields.Integer(required=True)
    name = Text(required=True)
    score = _maybe(fields.Float)


class Shortlist(Schema):
    id = fields.Integer(required=True)
    name = Text(required=True)
    trial_ref = _maybe(Text)
    spec = fields.Dict(required=True)
    handed_off_at = _maybe(Text, metadata={"format": "date-time"})
    sites = fields.List(fields.Nested(ShortlistSite), required=True)


class ShortlistOut(Schema):
    shortlist = fields.Nested(Shortlist, required=True)


class ShortlistList(Schema):
    shortlists = fields.List(fields.Nested(Shortlist), required=True)


class ShortlistEvaluation(Schema):
    shortlist = fields.Nested(Shortlist, required=True)
    results = fields.List(fields.Nested(ScoredSite), required=True)
    forecast = fields.Nested(Forecast, required=True, allow_none=True)
