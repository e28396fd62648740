"""The studies list, a new study, and the study's hub (arms, sites, the scheme in use and links to
the study's other pages).

Reading needs ``view_study`` on the study. Block sizes and the list's SHA-256 are shown to the
unblinded only (``see_arms``): knowing the block sizes lets a site guess the last assignments of
a block, which breaks allocation concealment (ICH E9 2.3.1)."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, url_for
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from sdk import requires_permission, tool
from sdk.forms import InputProblems
from sdk.tables import Column, list_page

from ..models import SCHEME_TYPES, Allocation, Scheme, Study
from ..services import schemes as scheme_service
from ..services import studies as service
from ..services.access import owns, sites_where, unblinded, visible_sites
from . import bp
from .lookups import commit_or_refuse, study_or_404
from .scheme_forms import with_form_problems
from .study_forms import SettingsForm, SiteForm, StudyForm, absorb_study_problems, study_input

STUDY_COLUMNS = (
    Column("name", "Study", lambda row: row["study"].name.lower()),
    Column("protocol", "Protocol", lambda row: row["study"].protocol.lower(), width="8rem"),
    Column("scheme", "Scheme", lambda row: row["scheme"], width="12rem"),
    Column("randomized", "Subjects randomized", lambda row: row["randomized"], numeric=True, width="8rem"),
    Column("access", "Your access", width="13rem"),
)
#: the study's pages the hub links to, when their views exist and the person may use them:
#: (label, endpoint, permission on the study)
SECTIONS = (("Randomize a subject", "rtsm.randomize", "randomize"), ("Subjects", "rtsm.subjects", "view_study"),
            ("Unblindings", "rtsm.unblindings", "view_study"), ("Randomization scheme", "rtsm.scheme", "manage_study"),
            ("Supply", "rtsm.supply_dashboard", "view_study"), ("Team and sharing", "rtsm.team", "view_study"))


def access_label(study: Study) -> str:
    """The person's access to the study in the words of the manifest's roles."""
    can = tool().can
    if can("see_arms", study):
        if can("manage_study", study):
            return "Unblinded statistician"
        return "Unblinded supply manager" if can("manage_supply", study) else "Unblinded"
    if can("manage_study", study):
        return "Manages the study (blinded)"
    if can("emergency_unblind", study):
        return "Investigator (blinded)"
    if can("randomize", study):
        return "Site staff (blinded)"
    return "Blinded (read only)"


def _study_rows() -> list[dict]:
    session = tool().db_session()
    current: dict[int, str] = {}
    for study_id, kind in session.execute(select(Scheme.study_id, Scheme.type).order_by(Scheme.version)):
        current[study_id] = SCHEME_TYPES.get(kind, kind)
    counts = dict(session.execute(select(Allocation.study_id, func.count()).group_by(Allocation.study_id)).all())
    studies = session.scalars(select(Study).order_by(Study.name, Study.id))
    return [{"study": study, "scheme": current.get(study.id, "none yet"), "randomized": counts.get(study.id, 0),
             "access": access_label(study)} for study in studies]


def _may_create() -> bool:
    """Whether to offer "New study": not to an organization that uses rtsm only through a grant."""
    return tool().can("manage_study") and g.get("tool_access") != "shared"


@bp.get("/")
@requires_permission("view_study")
def studies():
    page = list_page(_study_rows(), STUDY_COLUMNS, default_sort="name")
    return render_template("rtsm/studies.html", page=page, can_create=_may_create(),
                           own_org=tool().current_org().id)


@bp.route("/studies/new", methods=["GET", "POST"])
@requires_permission("manage_study")
def new_study():
    form = StudyForm()
    if not form.is_submitted():
        return render_template("rtsm/study_new.html", form=form)

    def render():
        return render_template("rtsm/study_new.html", form=form)

    if not form.validate():
        return render(), 422
    problems = InputProblems()
    data = study_input(form, problems)

    outcome = commit_or_refuse(render, form, with_form_problems(lambda: service.create_study(data), problems),
                               on_problems=lambda found: absorb_study_problems(form, found))
    if outcome.refusal:
        return outcome.refusal
    flash(f"Study {outcome.result.name} created with its randomization scheme.", "success")
    return redirect(url_for(".study", study_id=outcome.result.id))


def section_links(study: Study) -> list[tuple[str, str]]:
    """The study's other pages: only those whose views exist and that the person may open."""
    links = []
    for label, endpoint, permission in SECTIONS:
        if endpoint == "rtsm.randomize" and not sites_where("randomize", study):
            continue
        if endpoint in current_app.view_functions and tool().can(permission, study):
            try:
                links.append((label, url_for(endpoint, study_id=study.id)))
            except BuildError:
                continue
    return links


def render_study(study: Study, *, site_form=None, settings_form=None):
    scheme = scheme_service.current(study)
    return render_template(
        "rtsm/study.html", study=study, arms=list(study.arms), sites=visible_sites(study), scheme=scheme,
        config=scheme_service.config_of(scheme) if scheme else None, scheme_types=SCHEME_TYPES,
        unblinded=unblinded(study), owner=owns(study), access=access_label(study), sections=section_links(study),
        manager=service.may_manage(study), site_form=site_form or SiteForm(formdata=None),
        settings_form=settings_form or SettingsForm(formdata=None, obj=study))


@bp.get("/studies/<int:study_id>")
@requires_permission("view_study")
def study(study_id: int):
    return render_study(study_or_404(study_id))
