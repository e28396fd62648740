"""Shipment pages: the study's shipments with the request form (supply managers), and one
shipment with its kits and the next step (ship or cancel for supply managers; receive, with
each kit's condition, for the site's staff). A site organization sees its own site's shipments
only, and a shipment's kits once they travel (before that they are the depot's stock)."""
from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from sdk import requires_permission, tool
from sdk.tables import Column, table_page

from ..models import KIT_STATES, SHIPMENT_STATES, Shipment
from ..services import shipments
from ..services.access import site_by_code, unblinded, visible_sites
from ..services.errors import RtsmInputError
from ..services.supply_access import may_manage_supply
from . import bp
from .lookups import commit_or_refuse, study_or_404
from .supply_forms import ActionForm, ShipmentRequestForm, receive_form

SHIPMENT_COLUMNS = (
    Column("number", "Shipment", Shipment.number, width="7rem"),
    Column("site", "To site", width="6rem"),
    Column("kind", "Why", Shipment.kind, width="6rem"),
    Column("status", "Status", Shipment.status, width="7rem"),
    Column("updated", "Updated", Shipment.updated_at, width="10rem"),
)
KINDS = {"initial": "Initial", "resupply": "Resupply", "manual": "Manual"}


def render_shipments(study, form, status=200):
    stmt = select(Shipment).where(Shipment.study_id == study.id)
    chosen = request.args.get("status", "")
    if chosen in SHIPMENT_STATES:
        stmt = stmt.where(Shipment.status == chosen)
    page = table_page(tool().db_session(), stmt, SHIPMENT_COLUMNS, default_sort="-updated", tiebreak=Shipment.id)
    return render_template("rtsm/supply_shipments.html", study=study, page=page, form=form, kinds=KINDS,
                           states=SHIPMENT_STATES, chosen=chosen, may_manage=may_manage_supply(study)), status


def _numbers(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text or "") if part]


@bp.route("/studies/<int:study_id>/supply/shipments", methods=["GET", "POST"])
@requires_permission("view_study")
def supply_shipments(study_id: int):
    study = study_or_404(study_id)
    form = ShipmentRequestForm([site for site in visible_sites(study) if site.activated_at])
    if request.method == "GET":
        return render_shipments(study, form)
    if not may_manage_supply(study):
        abort(403, "Requesting shipments needs the 'manage_supply' permission on a study your organization owns.")
    if not form.validate_on_submit():
        return render_shipments(study, form, 422)

    def request_one():
        problems = RtsmInputError()
        site = site_by_code(study, form.site.data or "")
        if site is None:
            problems.add("site", "Choose one of the study's active sites.")
        quantity, numbers = (form.quantity.data or "").strip(), _numbers(form.kits.data)
        if quantity and not quantity.isdigit():
            problems.add("quantity", "The number of kits must be a whole number from 1 to 1000.")
        problems.raise_if_any()
        return shipments.request_shipment(site, quantity=int(quantity) if quantity else None,
                                          kit_numbers=numbers or None)
    outcome = commit_or_refuse(lambda: render_shipments(study, form, 422)[0], form, request_one)
    if outcome.refusal:
        return outcome.refusal
    shipment = outcome.result
    flash(f"Shipment {shipment.number} requested with {len(shipments.kits_of(shipment))} kits.", "success")
    return redirect(url_for(".supply_shipment", study_id=study.id, shipment_id=shipment.id))


def shipment_or_404(study, shipment_id: int) -> Shipment:
    shipment = shipments.visible_shipment(shipment_id)
    if shipment is None or shipment.study_id != study.id:
        abort(404)
    return shipment


def render_shipment(study, shipment, form=None, status=200):
    kits = shipments.kits_of(shipment)
    may_receive = shipment.status == "shipped" and shipments.may_receive(shipment)
    return render_template(
        "rtsm/supply_shipment.html", study=study, shipment=shipment, kits=kits, show_arm=unblinded(shipment),
        receive=(form or receive_form(kits)) if may_receive else None, action_form=ActionForm(),
        may_manage=may_manage_supply(study), kinds=KINDS, states=SHIPMENT_STATES, kit_states=KIT_STATES), status


@bp.get("/studies/<int:study_id>/supply/shipments/<int:shipment_id>")
@requires_permission("view_study")
def supply_shipment(study_id: int, shipment_id: int):
    study = study_or_404(study_id)
    return render_shipment(study, shipment_or_404(study, shipment_id))


MOVES = {"ship": (shipments.ship, "shipped"), "cancel": (shipments.cancel, "cancelled")}


@bp.post("/studies/<int:study_id>/supply/shipments/<int:shipment_id>/<move>")
@requires_permission("view_study")
def move_shipment(study_id: int, shipment_id: int, move: str):
    study = study_or_404(study_id)
    shipment = shipment_or_404(study, shipment_id)
    if move == "receive":
        return _receive(study, shipment)
    if move not in MOVES:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        return render_shipment(study, shipment, status=400)
    action, done = MOVES[move]
    outcome = commit_or_refuse(lambda: _refused_page(study, shipment_id, form), form, lambda: action(shipment))
    if outcome.refusal:
        return outcome.refusal
    flash(f"Shipment {shipment.number} {done}.", "success")
    return redirect(url_for(".supply_shipment", study_id=study.id, shipment_id=shipment.id))


def _refused_page(study, shipment_id, form):
    shipment = tool().db_session().get(Shipment, shipment_id)
    page, _ = render_shipment(study, shipment)
    for message in form.form_errors:
        flash(message, "error")
    return page


def _receive(study, shipment):
    kits = shipments.kits_of(shipment)
    form = receive_form(kits, request.form)
    if not form.validate_on_submit():
        return render_shipment(study, shipment, form, 422)
    conditions = {kit.number: getattr(form, f"kit_{kit.id}").data or "received" for kit in kits}
    outcome = commit_or_refuse(lambda: render_shipment(study, shipment, form, 422)[0], form,
                               lambda: shipments.receive(shipment, conditions))
    if outcome.refusal:
        return outcome.refusal
    bad = sum(1 for condition in conditions.values() if condition != "received")
    flash(f"Shipment {shipment.number} received" + (f"; {bad} kit(s) recorded damaged or missing." if bad else "."),
          "success")
    return redirect(url_for(".supply_shipment", study_id=study.id, shipment_id=shipment.id))
