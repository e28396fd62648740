"""The completeness dashboard: what the binder's milestones expect, counted per zone and per
site (expected, filed, QC-passed, overdue, missing; completeness and timeliness), two charts, and
the overdue documents with their owner and a link to file each. A site organization sees its own
site's rows (the tenant wall narrows the counts). A binder manager can remind the owners now."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.routing import BuildError

from sdk import requires_permission, tool, utcnow
from sdk.charts import bar_chart
from sdk.tables import Column, list_page

from ..domain.completeness import ExpectationState, Report
from ..services.access import owns
from ..services.completeness import report
from ..services.studies import may_manage
from . import bp
from .lookups import binder_links, study_or_404
from .milestone_forms import ActionForm

COUNT_COLUMNS = (
    Column("expected", "Expected", lambda g: g.counts.expected, numeric=True, width="6rem"),
    Column("filed", "Filed", lambda g: g.counts.filed, numeric=True, width="5rem"),
    Column("qc_passed", "QC-passed", lambda g: g.counts.qc_passed, numeric=True, width="6rem"),
    Column("overdue", "Overdue", lambda g: g.counts.overdue, numeric=True, width="6rem"),
    Column("missing", "Missing", lambda g: g.counts.missing, numeric=True, width="6rem"),
    Column("completeness", "Complete", lambda g: g.counts.completeness or 0, numeric=True, width="6rem"),
    Column("timeliness", "On time", lambda g: g.counts.timeliness or 0, numeric=True, width="6rem"),
)
ZONE_COLUMNS = (Column("zone", "Zone", lambda g: g.key),) + COUNT_COLUMNS
SITE_COLUMNS = (Column("site", "Site", lambda g: (g.key is not None, g.key or "")),) + COUNT_COLUMNS
OVERDUE_COLUMNS = (
    Column("due", "Due", lambda s: s.row.due_on, width="8rem"),
    Column("artifact", "Document", lambda s: s.row.artifact),
    Column("where", "Where", lambda s: s.row.site_code, width="6rem"),
    Column("state", "State", lambda s: s.filed, width="9.5rem"),
    Column("owner", "Owner", width="9rem"),
    Column("action", "", width="5rem"),
)
#: many zones or sites on one page: the tables are summaries, not lists to page through
SUMMARY_ROWS = 100


def charts(found: Report) -> list:
    percent = "{:.0f} %"
    by_zone = bar_chart([(f"{g.key} {g.label}", g.counts.completeness) for g in found.by_zone],
                        title="Completeness per zone (QC-passed of expected)", label_title="Zone",
                        value_title="%", value_format=percent, value_range=(0, 100),
                        empty="No milestone expects a document yet", narrow=True)
    by_site = bar_chart([(g.label, g.counts.completeness) for g in found.by_site],
                        title="Completeness per site (QC-passed of expected)", label_title="Site",
                        value_title="%", value_format=percent, value_range=(0, 100),
                        empty="No milestone expects a document yet", narrow=True)
    return [by_zone, by_site]


def owner_names(study) -> dict[int, str]:
    """The names of the binder owner's members; another organization sees no names."""
    return {m.user_id: m.name for m in tool().sharing.team(study)} if owns(study) else {}


def upload_link(study, state: ExpectationState) -> str | None:
    """The upload page, set for the missing document (only when that page exists)."""
    args = {"artifact": state.row.artifact}
    if state.row.site_code:
        args.update(level="site", site=state.row.site_code)
    try:
        return url_for("edocs.upload", study_id=study.id, **args)
    except BuildError:
        return None


@bp.get("/studies/<int:study_id>/completeness")
@requires_permission("view_binder")
def completeness(study_id: int):
    study = study_or_404(study_id)
    today = utcnow().date()
    found = report(study, today=today)
    return render_template(
        "edocs/completeness.html", study=study, found=found, today=today, charts=charts(found),
        zones=list_page(found.by_zone, ZONE_COLUMNS, default_sort="zone", per_page=SUMMARY_ROWS),
        sites=list_page(found.by_site, SITE_COLUMNS, default_sort="site", per_page=SUMMARY_ROWS),
        overdue=list_page(found.overdue, OVERDUE_COLUMNS, default_sort="due"),
        owners=owner_names(study), upload_link=lambda s: upload_link(study, s) if not s.filed else None,
        may_manage=may_manage(study), form=ActionForm(), links=binder_links(study))


@bp.post("/studies/<int:study_id>/completeness/remind")
@requires_permission("manage_binder")
def remind_owners(study_id: int):
    study = study_or_404(study_id)
    if not may_manage(study):
        abort(403, "Reminding owners needs 'manage_binder' in the organization that owns the binder.")
    if not ActionForm().validate_on_submit():
        abort(400)
    job = tool().jobs.start("remind_overdue", study_id=study.id)
    tool().db_session().commit()
    flash("The owners of overdue documents are being reminded (once a day at most).", "success")
    return redirect(job.url)
