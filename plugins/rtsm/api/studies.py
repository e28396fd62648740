"""rtsm API: studies (set-up and reading) and the scheme's simulation.

Reading needs ``view_study`` on the study (another organization's ids answer 404); creating
needs ``manage_study``. A study's block sizes and list fingerprint are in an answer only for an
unblinded caller (``see_arms``): knowing the block sizes helps guess the next assignment."""
from __future__ import annotations

from contextlib import contextmanager

from flask import abort, jsonify, url_for
from sqlalchemy import select

from sdk import requires_permission, tool
from sdk.api_docs import InvalidInput, responds, takes_body, takes_query

from ..models import Scheme, Study
from ..services import access, schemes
from ..services import studies as service
from ..services.dispensing import report_if_short
from ..services.errors import ConflictError, NotAllowed, RtsmInputError
from . import api, schemas


@contextmanager
def refusals():
    """A service's refusal as the platform's answer (422, 409 or 403); nothing written. A kit
    shortage met while randomizing is reported to the supply managers after the rollback."""
    session = tool().db_session()
    try:
        yield
    except RtsmInputError as problems:
        session.rollback()
        report_if_short(problems)
        raise InvalidInput(problems) from None
    except ConflictError as conflict:
        session.rollback()
        abort(409, str(conflict))
    except NotAllowed as refused:
        session.rollback()
        abort(403, str(refused))


def visible(study_id: int) -> Study:
    study = access.visible_study(study_id)
    if study is None:
        abort(404, "There is no such study.")
    return study


def scheme_json(scheme: Scheme, *, unblinded: bool) -> dict:
    config = schemes.config_of(scheme)
    found = {"version": scheme.version, "type": scheme.type, "ratio": config.ratio_label,
             "strata": list(config.strata), "factors": {name: list(levels) for name, levels in config.factors.items()},
             "randomized": scheme.randomized}
    if unblinded:
        found.update(block_sizes=list(config.block_sizes), list_sha256=scheme.list_sha256)
    return found


def study_json(study: Study) -> dict:
    return {"id": study.id, "name": study.name, "protocol": study.protocol, "own": service.owns(study),
            "randomize_on_enrollment": study.randomize_on_enrollment}


def study_detail(study: Study) -> dict:
    return {**study_json(study),
            "arms": [{"code": arm.code, "name": arm.name, "ratio": arm.ratio} for arm in service.arms_of(study)],
            "sites": [{"id": site.id, "code": site.code, "name": site.name} for site in access.visible_sites(study)],
            "scheme": scheme_json(schemes.current(study), unblinded=access.unblinded(study))}


@api.get("/studies")
@requires_permission("view_study")
@responds(200, "The organization's own studies and those shared with it", schema=schemas.StudyList)
def list_studies():
    """List the studies (own and shared)"""
    rows = tool().db_session().scalars(select(Study).order_by(Study.name, Study.id))
    return jsonify(studies=[study_json(study) for study in rows if tool().can("view_study", study)])


@api.post("/studies")
@requires_permission("manage_study")
@takes_body(schemas.StudyIn)
@responds(201, "The study, set up with its arms, sites, depots and scheme version 1", schema=schemas.StudyDetail)
def create_study(body: dict):
    """Set up a study

    Arms with their ratio, sites, and the randomization scheme: `simple`, `block` (permuted blocks
    of sizes drawn from `block_sizes`, multiples of the ratio sum), `stratified_block` (one list
    per stratum of `strata`: "site" and/or declared `factors`) or `minimization` (Pocock-Simon
    over `factors` with `weights`, a biased coin `p` and the `range` or `variance` imbalance).
    Every problem of the whole study is named in one 422."""
    with refusals():
        study = service.create_study(body)
        tool().db_session().commit()
    return jsonify(study_detail(study)), 201, {"Location": url_for(".show_study", study_id=study.id)}


@api.get("/studies/<int:study_id>")
@requires_permission("view_study")
@responds(200, "The study: arms, the sites this organization sees, and its scheme in use",
          schema=schemas.StudyDetail)
def show_study(study_id: int):
    """One study"""
    return jsonify(study_detail(visible(study_id)))


@api.get("/studies/<int:study_id>/scheme/simulation")
@requires_permission("manage_study")
@takes_query(schemas.SimulationQuery)
@responds(200, "Balance of the scheme in use over simulated trials (a fresh seed: never the study's list)",
          schema=schemas.SimulationOut)
@responds(403, "Simulating needs manage_study on the study")
def simulate_scheme(study_id: int, query: dict):
    """Simulate the scheme

    `subjects` subjects per trial (default 200) in `trials` trials (default 50): arm totals, each
    factor's marginal imbalance, and the imbalance as subjects accrue."""
    study = visible(study_id)
    if not tool().can("manage_study", study):
        abort(403, "Simulating the scheme needs the 'manage_study' permission on this study.")
    with refusals():
        result = schemes.simulate(study, query["subjects"], query["trials"])
    return jsonify(result.to_json())
