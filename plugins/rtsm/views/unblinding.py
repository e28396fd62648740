"""Emergency unblinding: one subject per request, with a reason and the requester's signature.

1. On a subject's page, a person holding ``emergency_unblind`` for the subject asks with a
   reason (``services.unblinding.request``: audited, no arm anywhere yet).
2. The unblinding's page shows the kit's signature dialog (meaning "responsibility"); the host
   re-authenticates, signs and redirects back here.
3. Signed, the page asks ``services.unblinding.reveal``, which shows the arm to the requester
   only (audited, the sponsor's unblinded contacts notified), with who, when and why.

Everyone who sees the study sees the list of its unblindings (who, when, why), never an arm."""
from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from sqlalchemy import select
from wtforms import TextAreaField

from sdk import requires_permission, tool
from sdk.forms import ToolForm
from sdk.tables import Column, table_page

from ..models import Allocation, Unblinding
from ..services import unblinding as service
from ..services.errors import ConflictError, NotAllowed
from . import bp
from .lookups import allocation_or_404, commit_or_refuse, study_or_404, unblinding_or_404

NOT_UNBLINDER = ("Emergency unblinding needs the 'emergency_unblind' permission for this subject's site "
                 "(the investigator role has it).")
UNBLINDING_COLUMNS = (
    Column("created", "Requested", Unblinding.created_at, width="12rem"),
    Column("subject", "Subject", Allocation.subject, width="8rem"),
    Column("by", "By", width="12rem"),
    Column("reason", "Reason"),
    Column("state", "State", Unblinding.revealed_at, width="7rem"),
)


class UnblindingForm(ToolForm):
    reason = TextAreaField("Reason", render_kw={"rows": 4, "maxlength": 2000})


def requesters(unblindings) -> dict[int, str]:
    """Who asked for each unblinding: the printed name on its signature once signed, else the
    actor of its first audit entry."""
    histories = tool().audit.history_many("unblinding", [unblinding.id for unblinding in unblindings])
    found = {}
    for unblinding in unblindings:
        signed = [s for s in tool().signatures.for_record(unblinding) if s.meaning == "responsibility"]
        entries = histories.get(unblinding.id) or []
        if signed:
            found[unblinding.id] = f"{signed[0].printed_name} ({signed[0].signer_email})"
        elif entries:
            found[unblinding.id] = entries[0].actor
    return found


@bp.route("/studies/<int:study_id>/subjects/<int:allocation_id>/unblind", methods=["GET", "POST"])
@requires_permission("view_study")
def request_unblinding(study_id: int, allocation_id: int):
    """Gated on view_study, not emergency_unblind: the subject is looked up first, so another
    organization's id answers 404 like every other id; emergency_unblind is checked on the subject."""
    study = study_or_404(study_id)
    allocation = allocation_or_404(study, allocation_id)
    if not tool().can("emergency_unblind", allocation):
        abort(403, NOT_UNBLINDER)
    form = UnblindingForm()

    def render():
        return render_template("rtsm/unblind.html", study=study, allocation=allocation, form=form)

    if not form.is_submitted():
        return render()
    if not form.validate():
        return render(), 422
    outcome = commit_or_refuse(render, form, lambda: service.request(allocation, form.reason.data or ""))
    if outcome.refusal:
        return outcome.refusal
    return redirect(url_for(".unblinding", study_id=study.id, unblinding_id=outcome.result.id))


def _reveal(unblinding: Unblinding):
    """The arm for the requester once signed (committing the reveal's audit entry and
    notifications the first time); None while unsigned or for anyone else."""
    user = tool().current_user()
    if user is None or user.id != unblinding.requested_by_id:
        return None
    if not service.is_signed(unblinding):
        return None
    try:
        arm = service.reveal(unblinding)
    except (NotAllowed, ConflictError):
        tool().db_session().rollback()
        return None
    tool().db_session().commit()
    return arm


@bp.get("/studies/<int:study_id>/unblindings/<int:unblinding_id>")
@bp.get("/unblindings/<int:unblinding_id>")
@requires_permission("view_study")
def unblinding(unblinding_id: int, study_id: int | None = None):
    """The unblinding's page; also at a short address without the study (the notification's link).
    Only the requester gets the kit's signature dialog: anyone else holding emergency_unblind
    would otherwise be offered to sign another person's code break."""
    if study_id is None:
        found = tool().db_session().get(Unblinding, unblinding_id)
        study_id = found.study_id if found is not None else 0
    study = study_or_404(study_id)
    unblinding = unblinding_or_404(study, unblinding_id)
    arm = _reveal(unblinding)
    user = tool().current_user()
    return render_template("rtsm/unblinding.html", study=study, unblinding=unblinding, arm=arm,
                           allocation=unblinding.allocation, requester=requesters([unblinding]).get(unblinding.id),
                           is_requester=user is not None and user.id == unblinding.requested_by_id,
                           signatures=tool().signatures.for_record(unblinding))


@bp.get("/studies/<int:study_id>/unblindings")
@requires_permission("view_study")
def unblindings(study_id: int):
    study = study_or_404(study_id)
    query = (select(Unblinding).join(Allocation, Allocation.id == Unblinding.allocation_id)
             .where(Unblinding.study_id == study.id))
    page = table_page(tool().db_session(), query, UNBLINDING_COLUMNS, default_sort="-created", tiebreak=Unblinding.id)
    return render_template("rtsm/unblindings.html", study=study, page=page, requesters=requesters(page.items))

