"""Data quality pages: run rules A to H and the study's custom rules, see the findings per rule,
raise queries for them; list, add and switch custom rules."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from sdk import requires_permission, tool
from sdk.charts import bar_chart

from ..domain.quality import RULES
from ..models import Rule
from ..services import quality as service
from ..services.access import visible_study
from ..services.errors import EdcInputError, NotAllowed
from . import bp
from .query_forms import RaiseFromFindingsForm, RuleForm, choices

#: findings listed per rule on the page (the counts and the queries cover all of them)
SHOWN_PER_RULE = 50


def _study(study_id: int):
    study = visible_study(study_id) or abort(404)
    if not tool().can("manage_queries", study):
        abort(403, "Data quality is the monitors' and data managers' work.")
    return study


def render_quality(study, status: int = 200, form=None):
    report = service.run(study)
    counts = report.counts
    chart = bar_chart([(f"{code} {title}", counts[code]) for code, title in report.titles.items()],
                      title="Findings per rule", label_title="Rule", value_title="Findings", value_format="{:.0f}",
                      narrow=True)
    form = form or RaiseFromFindingsForm()
    form.rule.choices = choices((code, f"{code} {title}") for code, title in report.titles.items() if counts[code])
    return render_template("edc/quality.html", study=study, report=report, counts=counts, rule_chart=chart,
                           form=form, shown=SHOWN_PER_RULE, builtin=RULES), status


@bp.get("/studies/<int:study_id>/quality")
@requires_permission("manage_queries")
def quality(study_id: int):
    return render_quality(_study(study_id))


@bp.post("/studies/<int:study_id>/quality/queries")
@requires_permission("manage_queries")
def quality_queries(study_id: int):
    study = _study(study_id)
    form = RaiseFromFindingsForm()
    form.rule.choices = []
    if not form.validate_on_submit():
        return render_quality(study, 422, form)
    if not form.rule.data:
        form.rule.errors = ["Tick the rules whose findings should become queries."]
        return render_quality(study, 422, form)
    try:
        raised = service.raise_queries_for(study, form.rule.data)
    except NotAllowed as refused:
        tool().db_session().rollback()
        abort(403, str(refused))
    tool().db_session().commit()
    flash(f"{raised} {'query' if raised == 1 else 'queries'} raised; findings already queried were left alone.",
          "success")
    return redirect(url_for(".queries", study_id=study.id, origin="rule"))


def render_rules(study, form=None, status: int = 200):
    return render_template("edc/quality_rules.html", study=study, rules=service.custom_rules(study),
                           form=form or RuleForm()), status


@bp.get("/studies/<int:study_id>/rules")
@requires_permission("manage_queries")
def quality_rules(study_id: int):
    return render_rules(_study(study_id))


@bp.post("/studies/<int:study_id>/rules")
@requires_permission("manage_queries")
def add_quality_rule(study_id: int):
    study = _study(study_id)
    form = RuleForm()
    if form.validate_on_submit():
        try:
            rule = service.add_rule(study, form.data)
            tool().db_session().commit()
            flash(f"Rule {rule.code} {rule.name} added: it runs with rules A to H.", "success")
            return redirect(url_for(".quality_rules", study_id=study.id))
        except EdcInputError as problems:
            tool().db_session().rollback()
            form.absorb(problems)
    return render_rules(study, form, 422)


@bp.post("/rules/<int:rule_id>/<any(enable, disable):switch>")
@requires_permission("manage_queries")
def switch_quality_rule(rule_id: int, switch: str):
    rule = tool().db_session().get(Rule, rule_id)
    if rule is None or visible_study(rule.study_id) is None:
        abort(404)
    try:  # (the host checks the CSRF token of every cookie-authenticated post)
        service.set_rule_enabled(rule, switch == "enable")
    except NotAllowed as refused:
        tool().db_session().rollback()
        abort(403, str(refused))
    tool().db_session().commit()
    flash(f"Rule {rule.name} is {'on' if rule.enabled else 'off'}.", "success")
    return redirect(url_for(".quality_rules", study_id=rule.study_id))
