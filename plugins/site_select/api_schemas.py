"""JSON Schemas of the API's request bodies, for the OpenAPI document (``sdk.api_docs``).

The bounds are the ones the services check (``services.specs``, ``services.history``), so a
client reads in the document what the API accepts; the services stay the judge of the rest.
"""
from __future__ import annotations

from sdk.numbers import INT32_MAX, ROW_ID_MAX

from .domain import WEIGHT_NAMES
from .services.history import COUNT_FIELDS, DATE_FIELDS, QUERIES_PER_100_MAX
from .services.specs import LATITUDE, LONGITUDE, RADIUS_KM, SHORTLIST_SIZE, TARGET, WEIGHT_MAX

TEXT = {"type": "string"}
DATE = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}
SITE_IDS = {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": ROW_ID_MAX}}
TEXT_OR_LIST = {"oneOf": [TEXT, {"type": "array", "items": TEXT}],
                "description": "A list, or text separated by ';'"}


def _number(bounds, *, whole: bool = False) -> dict:
    return {"type": "integer" if whole else "number", "minimum": bounds[0], "maximum": bounds[1]}


WEIGHTS = {"type": "object", "additionalProperties": False, "description": "Only the proportions matter",
           "properties": {name: _number((0, WEIGHT_MAX)) for name in WEIGHT_NAMES}}
TRIAL_SPEC = {
    "type": "object",
    "required": ["therapeutic_area", "target_enrollment"],
    "properties": {
        "therapeutic_area": TEXT, "condition": TEXT, "phase": {**TEXT, "description": "e.g. PHASE3"},
        "countries": {"type": "array", "items": {**TEXT, "description": "ISO 3166-1 alpha-2"}},
        "target_enrollment": _number(TARGET, whole=True), "start_date": DATE, "target_lsi": DATE,
        "center_lat": _number(LATITUDE), "center_lon": _number(LONGITUDE), "radius_km": _number(RADIUS_KM),
        "exclude_site_ids": SITE_IDS, "shortlist_size": _number(SHORTLIST_SIZE, whole=True),
        "weights": WEIGHTS,
    },
}
RANK = {**TRIAL_SPEC, "properties": {
    **TRIAL_SPEC["properties"],
    "preset": {**TEXT, "description": "Name of a saved weight preset, instead of weights"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 1000, "description": "Results to return (default 50)"},
}}
SITE = {
    "type": "object",
    "required": ["name", "country"],
    "properties": {
        "name": {"type": "string", "maxLength": 300}, "country": {**TEXT, "description": "ISO code or name"},
        "city": TEXT, "lat": _number(LATITUDE), "lon": _number(LONGITUDE), "network": TEXT,
        "therapeutic_areas": TEXT_OR_LIST, "conditions": TEXT_OR_LIST, "investigators": TEXT_OR_LIST,
    },
}
HISTORY = {
    "type": "object",
    "required": ["trial_ref"],
    "properties": {
        "trial_ref": {"type": "string", "maxLength": 64}, "trial_title": TEXT, "phase": TEXT,
        "condition": TEXT, "therapeutic_area": TEXT,
        **{name: DATE for name, _ in DATE_FIELDS},
        **{name: {"type": "integer", "minimum": 0, "maximum": INT32_MAX} for name, _ in COUNT_FIELDS},
        "queries_per_100": _number((0, QUERIES_PER_100_MAX)),
    },
}
PRESET = {"type": "object", "required": ["name", "weights"],
          "properties": {"name": {"type": "string", "maxLength": 100}, "weights": WEIGHTS}}
SHORTLIST = {
    "type": "object",
    "required": ["name", "spec", "site_ids"],
    "properties": {"name": TEXT, "trial_ref": TEXT, "spec": {**TRIAL_SPEC, "description": "The trial spec and "
                                                             "weights the sites were ranked by"},
                   "site_ids": SITE_IDS},
}
IMPORT = {"type": "object", "required": ["files"], "properties": {
    "files": {"type": "array", "items": {"type": "string", "format": "binary"},
              "description": "AACT-layout files, e.g. studies.txt, facilities.txt, conditions.txt"}}}
NULLABLE_TEXT = {"type": "string", "nullable": True}
JOB_STARTED = {"type": "object", "required": ["job"], "properties": {"job": {
    "type": "object", "description": "The job as the host's API answers it (GET /api/v1/o/{org}/jobs/{job_id})",
    "required": ["id", "status", "status_url"],
    "properties": {
        "id": {"type": "integer"}, "tool": TEXT, "kind": TEXT, "label": TEXT,
        "status": {"type": "string", "enum": ["queued", "running", "succeeded", "failed"]},
        "done": {"type": "integer"}, "total": {"type": "integer", "nullable": True},
        "percent": {"type": "integer", "nullable": True}, "message": TEXT,
        "result": {"type": "object", "nullable": True, "properties": {
            "summary": TEXT, "link": NULLABLE_TEXT, "data": {"type": "object"}}},
        "error": NULLABLE_TEXT, "created_at": TEXT, "started_at": NULLABLE_TEXT, "finished_at": NULLABLE_TEXT,
        "url": NULLABLE_TEXT, "status_url": NULLABLE_TEXT,
    }}}}
