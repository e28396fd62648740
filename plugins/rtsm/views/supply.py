"""Supply pages: the dashboard (stock per site against min/max, expiring kits, shipments in
transit, the latest ledger entries), the kit list with its upload, and one kit with its ledger
and the actions on it. Reading needs ``view_study``; a kit's arm is shown to the unblinded only
(``see_arms``), so a blinded person's page never holds one."""
from __future__ import annotations

import csv
import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from sdk import requires_permission, tool
from sdk.charts import bar_chart
from sdk.tables import Column, table_page

from ..models import KIT_STATES, Depot, Kit, LedgerEntry, StudySite
from ..services import dispensing, kit_returns, kits, ledger, resupply
from ..services import supply_dashboard as dashboard
from ..services.access import unblinded
from ..services.errors import NotAllowed, RtsmInputError
from ..services.supply_access import may_manage_supply
from . import bp
from .lookups import allocation_or_404, commit_or_refuse, study_or_404
from .supply_forms import ActionForm, KitUploadForm, ReasonForm, ReverseForm

KIT_COLUMNS = (
    Column("number", "Kit", Kit.number, width="7rem"),
    Column("lot", "Lot", Kit.lot, width="6rem"),
    Column("expiry", "Expiry", Kit.expiry, width="7rem"),
    Column("status", "Status", Kit.status, width="7rem"),
    Column("where", "Where", width="7rem"),
)
ARM_COLUMN = Column("arm", "Arm", Kit.arm_code, width="4rem")
KIT_ACTIONS = {"quarantine": (kit_returns.quarantine, "quarantined"), "release": (kit_returns.release, "released"),
               "return": (kit_returns.take_back, "returned by the subject"),
               "destroy": (kit_returns.destroy, "destroyed")}
#: which actions a kit's page offers in each status (the services decide who may)
OFFERED = {"available": ("quarantine", "destroy"), "quarantined": ("release", "destroy"), "dispensed": ("return",),
           "returned": ("destroy",)}


def places(study) -> tuple[dict, dict]:
    session = tool().db_session()
    depots = {d.id: d.code for d in session.scalars(select(Depot).where(Depot.study_id == study.id))}
    sites = {s.id: s.code for s in session.scalars(select(StudySite).where(StudySite.study_id == study.id))}
    return depots, sites


def stock_chart(rows):
    return bar_chart([(row.site.code, row.usable + row.in_transit) for row in rows if row.active],
                     title="Usable stock and kits in transit per site", label_title="Site", value_title="Kits",
                     value_format="{:.0f}", empty="No site is active yet", narrow=True)


@bp.get("/studies/<int:study_id>/supply")
@requires_permission("view_study")
def supply_dashboard(study_id: int):
    study = study_or_404(study_id)
    rows = dashboard.site_rows(study)
    days = max(1, min(request.args.get("days", dashboard.EXPIRING_DAYS, type=int) or 1, 3650))
    depot_codes, site_codes = places(study)
    return render_template(
        "rtsm/supply_dashboard.html", study=study, rows=rows, stock_chart=stock_chart(rows), days=days,
        depots=dashboard.depot_rows(study) if dashboard.sees_depots(study) else None,
        expiring=dashboard.expiring_kits(study, days), shipments=dashboard.in_transit(study),
        entries=dashboard.recent_entries(study), depot_codes=depot_codes, site_codes=site_codes,
        may_manage=may_manage_supply(study), form=ActionForm(), kit_states=KIT_STATES)


@bp.post("/studies/<int:study_id>/supply/resupply")
@requires_permission("view_study")
def run_resupply(study_id: int):
    study = study_or_404(study_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = commit_or_refuse(lambda: "", form, lambda: resupply.run(study))
    if outcome.refusal:
        abort(400)
    for result in outcome.result or []:
        flash(f"Site {result.site}: {result.action}", "warning" if result.short else "success")
    if not outcome.result:
        flash("No site is active: activate sites on the supply settings page first.", "warning")
    return redirect(url_for(".supply_dashboard", study_id=study.id))


def render_kits(study, form, status=200):
    show_arm = unblinded(study)
    columns = KIT_COLUMNS + ((ARM_COLUMN,) if show_arm else ())
    stmt = select(Kit).where(Kit.study_id == study.id)
    chosen = request.args.get("status", "")
    if chosen in KIT_STATES:
        stmt = stmt.where(Kit.status == chosen)
    page = table_page(tool().db_session(), stmt, columns, default_sort="number", tiebreak=Kit.id)
    depot_codes, site_codes = places(study)
    return render_template("rtsm/supply_kits.html", study=study, page=page, show_arm=show_arm, form=form,
                           may_manage=may_manage_supply(study), kit_states=KIT_STATES, chosen=chosen,
                           where=lambda kit: kits.where_is(kit, depot_codes, site_codes)), status


@bp.route("/studies/<int:study_id>/supply/kits", methods=["GET", "POST"])
@requires_permission("view_study")
def supply_kits(study_id: int):
    study = study_or_404(study_id)
    form = KitUploadForm()
    if request.method == "GET":
        return render_kits(study, form)
    if not may_manage_supply(study):
        abort(403, "Uploading a kit list needs the 'manage_supply' permission on a study your organization owns.")
    if not form.validate_on_submit():
        return render_kits(study, form, 422)
    upload = request.files.get("file")

    def add():
        if upload is None or not upload.filename:
            raise RtsmInputError([("file", "Choose the kit list's CSV file.")])
        return kits.add_kits_from_csv(study, upload.read())

    def on_problems(problems):
        form.file.errors = list(form.file.errors or []) + problems.messages
    outcome = commit_or_refuse(lambda: render_kits(study, form, 422)[0], form, add, on_problems=on_problems)
    if outcome.refusal:
        return outcome.refusal
    flash(f"{len(outcome.result)} kits added to the kit list.", "success")
    return redirect(url_for(".supply_kits", study_id=study.id))


def kit_or_404(study, kit_id: int) -> Kit:
    kit = kits.visible_kit(kit_id)
    if kit is None or kit.study_id != study.id:
        abort(404)
    return kit


def render_kit(study, kit, form=None, reverse_form=None, status=200):
    depot_codes, site_codes = places(study)
    entries = ledger.entries_of_kit(kit)
    reversed_ids = {entry.reverses_id for entry in entries if entry.reverses_id}
    may_manage = may_manage_supply(study)
    return render_template(
        "rtsm/supply_kit.html", study=study, kit=kit, show_arm=unblinded(kit), entries=entries,
        reversible={e.id for e in entries if may_manage and e.kind in ledger.REVERSIBLE and not e.reverses_id
                    and e.id not in reversed_ids},
        where=kits.where_is(kit, depot_codes, site_codes), depot_codes=depot_codes, site_codes=site_codes,
        actions=OFFERED.get(kit.status, ()) if kit_returns.may_handle(kit) else (), may_manage=may_manage,
        form=form or ReasonForm(), reverse_form=reverse_form or ReverseForm(), kit_states=KIT_STATES), status


@bp.get("/studies/<int:study_id>/supply/kits/<int:kit_id>")
@requires_permission("view_study")
def supply_kit(study_id: int, kit_id: int):
    study = study_or_404(study_id)
    return render_kit(study, kit_or_404(study, kit_id))


@bp.post("/studies/<int:study_id>/supply/kits/<int:kit_id>/<action>")
@requires_permission("view_study")
def kit_action(study_id: int, kit_id: int, action: str):
    study = study_or_404(study_id)
    kit = kit_or_404(study, kit_id)
    if action not in KIT_ACTIONS:
        abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        return render_kit(study, kit, form, status=422)
    do, done = KIT_ACTIONS[action]
    outcome = commit_or_refuse(lambda: render_kit(study, kit, form, status=422)[0], form,
                               lambda: do(kit, form.reason.data or ""))
    if outcome.refusal:
        return outcome.refusal
    flash(f"Kit {kit.number} {done}.", "success")
    return redirect(url_for(".supply_kit", study_id=study.id, kit_id=kit.id))


@bp.post("/studies/<int:study_id>/supply/ledger/<int:entry_id>/reverse")
@requires_permission("view_study")
def reverse_entry(study_id: int, entry_id: int):
    study = study_or_404(study_id)
    entry = tool().db_session().get(LedgerEntry, entry_id)
    if entry is None or entry.study_id != study.id or not tool().can("view_study", entry):
        abort(404)
    kit = kit_or_404(study, entry.kit_id)
    if not may_manage_supply(study):
        abort(403, "Reversing a ledger entry needs the 'manage_supply' permission.")
    form = ReverseForm()
    if not form.validate_on_submit():
        return render_kit(study, kit, reverse_form=form, status=422)
    outcome = commit_or_refuse(lambda: render_kit(study, kit, reverse_form=form, status=422)[0], form,
                               lambda: ledger.reverse(entry, form.reason.data or "", form.condition.data or None))
    if outcome.refusal:
        return outcome.refusal
    flash(f"Ledger entry {entry.id} reversed.", "success")
    return redirect(url_for(".supply_kit", study_id=study.id, kit_id=kit.id))


@bp.get("/studies/<int:study_id>/supply/kits.csv")
@requires_permission("view_study")
def kits_csv(study_id: int):
    """The kits the person sees as CSV; the arm column only for the unblinded."""
    study = study_or_404(study_id)
    show_arm, (depot_codes, site_codes) = unblinded(study), places(study)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kit", "lot", "expiry", "status", "where"] + (["arm"] if show_arm else []))
    for kit in tool().db_session().scalars(select(Kit).where(Kit.study_id == study.id).order_by(Kit.number)):
        writer.writerow([kit.number, kit.lot, kit.expiry.isoformat(), kit.status,
                         kits.where_is(kit, depot_codes, site_codes)] + ([kit.arm_code] if show_arm else []))
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="kits-study-{study.id}.csv"'})


@bp.post("/studies/<int:study_id>/subjects/<int:allocation_id>/dispense")
@requires_permission("view_study")
def dispense_next(study_id: int, allocation_id: int):
    """The next kit for a randomized subject's later visit (a button of the subject's page)."""
    study = study_or_404(study_id)
    allocation = allocation_or_404(study, allocation_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    session = tool().db_session()
    back = redirect(url_for(".subject", study_id=study.id, allocation_id=allocation.id))
    try:
        kit = dispensing.dispense_next(allocation)
        session.commit()
    except RtsmInputError as problems:
        session.rollback()
        dispensing.report_if_short(problems)
        flash(" ".join(problems.messages), "error")
        return back
    except NotAllowed as refused:
        session.rollback()
        abort(403, str(refused))
    flash(f"Kit {kit.number} dispensed to subject {allocation.subject}.", "success")
    return back


from . import supply_settings, supply_shipments  # noqa: E402,F401  (the other supply pages register their routes)
