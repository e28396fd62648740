"""site_select's JSON API, mounted by the host at ``/api/v1/o/<org>/site_select/``.

Every endpoint declares its bodies with marshmallow schemas (``api_schemas``, through
``sdk.api_docs``), which check the input's shape before the view runs; the services judge the
values. Either way a refusal is the platform's 422, ``{"error": "invalid_input", "message",
"problems": [...], "fields": {...}}``, and nothing is saved; a body that is not JSON is a 400.
"""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from sdk import requires_permission, tool, upload_limit
from sdk.api_docs import responds, takes_body, takes_query
from sdk.numbers import NumberError, whole_number

from . import api_schemas as schemas
from .serializers import batch_json, forecast_json, scored_json, shortlist_json, site_json
from .services import SiteSelectError
from .services import shortlists as shortlist_service
from .services import sites as site_master
from .services.evaluation import evaluate_shortlist, expected_by_month
from .services.history import add_manual_history
from .services.import_job import start_import
from .services.imports import UPLOAD_LIMIT, get_batch, read_uploads
from .services.presets import find_preset, list_presets, preset_weights, save_preset_input
from .services.ranking import rank
from .services.specs import parse_ranking, parse_spec, spec_to_dict

api = Blueprint("site_select_api", __name__)
DEFAULT_LIMIT, MAX_LIMIT = 50, 1000
INVALID = "The input does not validate; `problems` lists every reason and nothing is saved"


@api.errorhandler(SiteSelectError)
def invalid_input(exc: SiteSelectError):
    tool().db_session().rollback()
    if exc.status == 422:  # the platform's 422, as the schemas' own refusals answer it
        return jsonify(exc.as_json()), 422
    return jsonify(error=exc.code, message=str(exc), problems=exc.problems), exc.status


def _found(value):
    if value is None:
        abort(404, "No such record in this organization.")
    return value


def _ranking(body: dict):
    """The spec and the weights (or the named preset's) of a ranking body, every problem at once."""
    if not body.get("preset"):
        return parse_ranking(body, default_size=tool().settings.get("shortlist_size"))
    preset = find_preset(str(body["preset"]))
    try:
        spec = parse_spec(body, default_size=tool().settings.get("shortlist_size"))
    except SiteSelectError as exc:
        problems = exc.items
    else:
        problems = []
    if preset is None:
        problems.append(("preset", f"no weight preset named {str(body['preset'])[:100]!r}"))
    if problems:
        raise SiteSelectError.of(problems)
    return spec, preset_weights(preset)


@api.post("/rank")
@requires_permission("rank")
@takes_body(schemas.RankIn)
@responds(200, "The ranked sites and the forecast of the shortlist", schema=schemas.Ranking)
@responds(422, INVALID)
def rank_sites(body: dict):
    """Rank the organization's sites for a trial spec

    Body: therapeutic_area, target_enrollment (required); condition, phase, countries [..],
    start_date, target_lsi, center_lat, center_lon, radius_km, exclude_site_ids [..],
    shortlist_size, weights {name: number} or preset (name), limit. Returns the ranked sites with
    score, components, contributions and reasons, and the forecast of the top shortlist_size.
    """
    problems = []
    try:
        limit = whole_number(body.get("limit", DEFAULT_LIMIT), "limit", minimum=1, maximum=MAX_LIMIT)
    except NumberError as exc:
        problems.append(("limit", str(exc)))
    try:
        spec, weights = _ranking(body)
    except SiteSelectError as exc:
        problems[:0] = exc.items
    if problems:
        raise SiteSelectError.of(problems)
    ranking = rank(spec, weights)
    return jsonify(spec=spec_to_dict(spec), weights=weights.as_dict(), candidates=ranking.candidates,
                   eligible=len(ranking.ranked),
                   results=[scored_json(item, n) for n, item in enumerate(ranking.ranked[:limit], start=1)],
                   forecast=forecast_json(ranking.forecast, expected_by_month(ranking.shortlist,
                                                                              spec.target_enrollment)))


@api.get("/sites")
@requires_permission("view")
@takes_query(schemas.SitesQuery)
@responds(200, "One page of the site master", schema=schemas.SiteList)
def list_sites(query: dict):
    """List the site master (filters: country, area, network, q; page)"""
    page = site_master.directory(site_master.SiteFilters.from_args(query))
    return jsonify(sites=[site_json(s) for s in page.sites], total=page.total, page=page.page, pages=page.pages)


@api.post("/sites")
@requires_permission("manage_sites")
@takes_body(schemas.SiteIn)
@responds(201, "The site, added to the site master", schema=schemas.SiteAdded)
@responds(422, INVALID)
def create_site(body: dict):
    """Add a site: name, country (ISO code or name), city, lat, lon, therapeutic_areas, ..."""
    site = site_master.create_site(body)
    tool().db_session().commit()
    return jsonify(site=site_json(site)), 201


@api.post("/sites/<int:site_id>/history")
@requires_permission("manage_sites")
@takes_body(schemas.HistoryIn)
@responds(201, "The history entry, recorded", schema=schemas.HistoryAdded)
@responds(422, INVALID)
def add_history(site_id: int, body: dict):
    """Record a site's part in a trial by hand (source "manual")"""
    row = add_manual_history(_found(site_master.get_site(site_id)), body)
    tool().db_session().commit()
    return jsonify(id=row.id, site_id=row.site_id, trial_ref=row.trial_ref, source=row.source), 201


@api.post("/imports")
@requires_permission("import")
@upload_limit(UPLOAD_LIMIT)
@takes_body(schemas.IMPORT, media_type="multipart/form-data")
@responds(202, "The import job, started: follow `status_url` (the Location) until it succeeded (its "
              "result's `data.batch_id` is the import batch) or failed (`error` says why)",
          schema=schemas.JobStarted)
@responds(422, "No AACT file, or a file that cannot be read or lacks a required column; nothing is imported")
def upload_import():
    """Import AACT-layout files (multipart field "files") in a background job"""
    job = start_import(read_uploads(request.files.getlist("files")))
    tool().db_session().commit()  # queues the job; in immediate mode it has run by now
    job = tool().jobs.get(job.id) or job
    return jsonify(job=job.as_json()), 202, {"Location": job.status_url}


@api.get("/imports/<int:batch_id>")
@requires_permission("import")
@responds(200, "The import batch", schema=schemas.ImportBatchOut)
def show_import(batch_id: int):
    """One import batch with its counts and every rejected row"""
    return jsonify(batch=batch_json(_found(get_batch(batch_id))))


@api.get("/presets")
@requires_permission("view")
@responds(200, "The presets, by name", schema=schemas.PresetList)
def presets():
    """The saved weight presets"""
    return jsonify(presets=[{"id": p.id, "name": p.name, "weights": p.weights} for p in list_presets()])


@api.post("/presets")
@requires_permission("rank")
@takes_body(schemas.PresetIn)
@responds(201, "The preset, saved", schema=schemas.Preset)
@responds(403, "A preset of that name exists and belongs to another member (only they, or a holder of "
               "manage_all, replace it)")
@responds(422, INVALID)
def put_preset(body: dict):
    """Save a weight preset: {"name": ..., "weights": {...}} (replaces one of the same name that
    the caller made, or any with manage_all)"""
    preset = save_preset_input(str(body.get("name") or ""), body)
    tool().db_session().commit()
    return jsonify(id=preset.id, name=preset.name, weights=preset.weights), 201


@api.get("/shortlists")
@requires_permission("view")
@responds(200, "The shortlists, newest first", schema=schemas.ShortlistList)
def shortlists():
    """The organization's shortlists"""
    return jsonify(shortlists=[shortlist_json(s) for s in shortlist_service.list_shortlists()])


@api.post("/shortlists")
@requires_permission("rank")
@takes_body(schemas.ShortlistIn)
@responds(201, "The shortlist, saved", schema=schemas.ShortlistOut)
@responds(422, INVALID)
def create_shortlist(body: dict):
    """Save a shortlist: {"name", "trial_ref", "spec": {...trial spec, weights}, "site_ids": [...]}"""
    spec_data, ids = body["spec"], body["site_ids"]
    spec, weights = parse_ranking(spec_data)
    shortlist = shortlist_service.create_shortlist(
        str(body.get("name") or ""), spec_to_dict(spec, weights, title=str(spec_data.get("title") or "")[:300]),
        ids, trial_ref=str(body.get("trial_ref") or ""))
    tool().db_session().commit()
    return jsonify(shortlist=shortlist_json(shortlist)), 201


@api.get("/shortlists/<int:shortlist_id>")
@requires_permission("view")
@responds(200, "The shortlist, its sites scored again, and its forecast", schema=schemas.ShortlistEvaluation)
def show_shortlist(shortlist_id: int):
    """A shortlist with its sites scored again and its enrollment forecast"""
    evaluation = evaluate_shortlist(_found(shortlist_service.get_shortlist(shortlist_id)))
    return jsonify(shortlist=shortlist_json(evaluation.shortlist),
                   results=[scored_json(item, n) for n, item in enumerate(evaluation.scored, start=1)],
                   forecast=forecast_json(evaluation.forecast, evaluation.curve))


@api.post("/shortlists/<int:shortlist_id>/hand-off")
@requires_permission("rank")
@takes_body(schemas.HandOffIn, required=False)
@responds(200, "The shortlist, handed off", schema=schemas.ShortlistOut)
@responds(422, "Project planning (pmcp) is not enabled, or the shortlist was handed off already")
def hand_off(shortlist_id: int, body: dict):
    """Hand the shortlist to project planning (pmcp must be enabled): emits activation_requested"""
    shortlist = _found(shortlist_service.get_shortlist(shortlist_id))
    shortlist_service.hand_off(shortlist, evaluate_shortlist(shortlist).rates)
    tool().db_session().commit()
    return jsonify(shortlist=shortlist_json(shortlist))
