"""The randomize screen: subject number, site (only the sites where the person may randomize), the
scheme's factors and the eligibility confirmation; the answer is the subject's page with its
randomization number and kit (the arm only for the unblinded).

Eligibility: the person confirms, by ticking the box, that the subject meets every inclusion
criterion and no exclusion criterion of the protocol. rtsm does not hold the criteria
themselves (they are in the protocol and in EDC's eligibility form); without the confirmation
nothing is randomized. The confirmation is recorded in the allocation's audit trail
("eligibility_confirmed", with the sentence confirmed), beside who randomized and when.

A second request for a subject already randomized returns the first result, with a note, and
changes nothing (the service answers ``created=False``)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from sdk import requires_permission
from sdk.forms import InputProblems, ToolForm

from ..domain.schemes import SITE, factor_problems
from ..models import Study
from ..services import randomization
from ..services import schemes as scheme_service
from ..services.access import sites_where
from ..services.errors import RtsmInputError
from ..services.randomization import ELIGIBILITY
from . import bp
from .lookups import commit_or_refuse, study_or_404
from .scheme_forms import absorb_mapped
from .subjects import arrival_note

NO_SITE = ("You may randomize at none of this study's sites: randomizing needs the 'randomize' permission "
           "for a site (site staff and investigators have it).")


class RandomizeForm(ToolForm):
    subject = StringField("Subject number", render_kw={"maxlength": 60, "autocomplete": "off"})
    site = SelectField("Site", validate_choice=False)
    eligible = BooleanField(ELIGIBILITY)

    #: form field name -> the scheme's factor name (set on each form class made for a scheme)
    factor_fields: dict[str, str] = {}


def randomize_form(config, sites, formdata=...):
    """The form for this scheme: one choice field per factor the subject answers (the site
    factor comes from the site)."""
    fields: dict[str, str] = {}
    attributes: dict = {}
    for index, (name, levels) in enumerate(config.factors.items()):
        if name == SITE:
            continue
        fields[f"factor_{index}"] = name
        attributes[f"factor_{index}"] = RadioField(name[:1].upper() + name[1:],
                                                   choices=[SelectChoice(level, level) for level in levels],
                                                   validate_choice=False)
    form_class = type("SchemeRandomizeForm", (RandomizeForm,), {**attributes, "factor_fields": fields})
    form = form_class() if formdata is ... else form_class(formdata=formdata)
    choices = [SelectChoice(site.code, str(site)) for site in sites]
    form.site.choices = ([SelectChoice("", "Choose the subject's site")] if len(sites) > 1 else []) + choices
    return form


def _answers(form) -> tuple[str, str, dict[str, str]]:
    factors = {name: form[field].data for field, name in form.factor_fields.items() if form[field].data}
    return (form.subject.data or "").strip(), form.site.data or "", factors


def _own_problems(form, config, sites) -> InputProblems:
    """What the page itself refuses before asking the service: the confirmation, the site, and
    the factors the scheme needs (the service checks them again)."""
    subject, site, factors = _answers(form)
    problems = InputProblems()
    if not subject:
        problems.add("subject", "Enter the subject number, for example 101-001.")
    if site not in {s.code for s in sites}:
        problems.add("site", "Choose the subject's site among the sites where you may randomize.")
    for path, message in factor_problems(config, site, factors):
        if path != "site":
            problems.add(path, message)
    if not form.eligible.data:
        problems.add("eligible", "Confirm that the subject meets every inclusion criterion and no exclusion "
                                 "criterion: nobody is randomized without it.")
    return problems


def _field_map(form) -> dict[str, str]:
    return {"subject": "subject", "site": "site", "eligible": "eligible",
            **{f"factors.{name}": field for field, name in form.factor_fields.items()}}


def _scheme_or_409(study: Study):
    scheme = scheme_service.current(study)
    if scheme is None:
        abort(409, "The study has no randomization scheme yet: its owner sets one up first.")
    return scheme_service.config_of(scheme)


@bp.route("/studies/<int:study_id>/randomize", methods=["GET", "POST"])
@requires_permission("randomize")
def randomize(study_id: int):
    study = study_or_404(study_id)
    sites = sites_where("randomize", study)
    if not sites:
        abort(403, NO_SITE)
    config = _scheme_or_409(study)
    form = randomize_form(config, sites)

    def render():
        return render_template("rtsm/randomize.html", study=study, form=form, eligibility=ELIGIBILITY)

    if not form.is_submitted():
        return render()
    if not form.validate():
        return render(), 422
    own = _own_problems(form, config, sites)
    if own.items:
        absorb_mapped(form, own, _field_map(form))
        return render(), 422
    subject, site_code, factors = _answers(form)
    site = next(s for s in sites if s.code == site_code)

    def randomize_confirmed():
        return randomization.randomize(study, subject=subject, site=site, factors=factors, source="page",
                                       eligible=bool(form.eligible.data))

    outcome = commit_or_refuse(render, form, randomize_confirmed, on_problems=lambda found: absorb_mapped(
        form, RtsmInputError(found.items), _field_map(form)))
    if outcome.refusal:
        return outcome.refusal
    allocation, created = outcome.result
    flash(*arrival_note(allocation, created))
    return redirect(url_for(".subject", study_id=study.id, allocation_id=allocation.id))

