"""Running the data quality rules over a study's data, the study's custom rules, and raising
queries for findings.

Running stores nothing: the findings are computed from the data the acting organization sees
(the tenant wall hides other sites' rows) each time. "Raise queries" runs the chosen rules
again and opens one query per finding that has no open query on the same item yet.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from sdk import tool

from ..domain.expressions import ExpressionError, validate
from ..domain.quality import RULES, CustomRule, Finding, FormData, run_custom, run_rules
from ..models import (
    OPEN_STATUSES,
    RULE_SEVERITIES,
    FormInstance,
    ItemValue,
    MetadataVersion,
    Query,
    Rule,
    Study,
    StudyEvent,
    Subject,
)
from . import current_user_id
from .definitions import definition
from .errors import EdcInputError, NotAllowed
from .queries import open_query_on, raise_query
from .studies import published_version, versions

NAME_LIMIT = 200


@dataclass
class QualityReport:
    findings: list[Finding]
    #: rule code -> its title (the built-in ones, then the study's enabled custom rules)
    titles: dict[str, str]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(f.rule for f in self.findings)
        return {code: counted.get(code, 0) for code in self.titles}

    def of(self, code: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == code]


def load_forms(study: Study) -> list[FormData]:
    """Every form instance of ``study`` the acting organization sees, with its stored values:
    three queries whatever the number of forms."""
    session = tool().db_session()
    forms = session.execute(
        select(FormInstance.id, FormInstance.form_oid, FormInstance.version_id, FormInstance.subject_id,
               Subject.subject_key, StudyEvent.event_oid, StudyEvent.repeat_key)
        .join(Subject, Subject.id == FormInstance.subject_id).join(StudyEvent, StudyEvent.id == FormInstance.event_id)
        .where(FormInstance.study_id == study.id).order_by(Subject.subject_key, FormInstance.id)).all()
    values: dict[int, dict] = defaultdict(dict)
    nulls: dict[int, dict] = defaultdict(dict)
    for form_id, group, repeat, item, value, null in session.execute(
            select(ItemValue.form_id, ItemValue.group_oid, ItemValue.group_repeat, ItemValue.item_oid,
                   ItemValue.value, ItemValue.null_flavour).where(ItemValue.study_id == study.id)):
        values[form_id][(group, repeat, item)] = value
        if null:
            nulls[form_id][(group, repeat, item)] = null
    defs = {row.id: definition(row) for row in session.scalars(
        select(MetadataVersion).where(MetadataVersion.study_id == study.id))}
    return [FormData(defs[version_id], subject_key, event_oid, form_oid, values.get(form_id, {}),
                     nulls.get(form_id, {}), event_repeat, subject_ref=subject_id, form_ref=form_id)
            for form_id, form_oid, version_id, subject_id, subject_key, event_oid, event_repeat in forms]


def custom_rules(study: Study, *, enabled_only: bool = False) -> list[Rule]:
    stmt = select(Rule).where(Rule.study_id == study.id).order_by(Rule.name)
    if enabled_only:
        stmt = stmt.where(Rule.enabled.is_(True))
    return list(tool().db_session().scalars(stmt))


def run(study: Study, codes: list[str] | None = None) -> QualityReport:
    """The findings of rules ``codes`` (None: A to H and every enabled custom rule)."""
    rules = custom_rules(study, enabled_only=True)
    titles = dict(RULES) | {rule.code: rule.name for rule in rules}
    wanted = list(titles) if codes is None else [code for code in titles if code in codes]
    forms = load_forms(study)
    findings = run_rules(forms, [code for code in wanted if code in RULES])
    for rule in rules:
        if rule.code in wanted:
            try:
                findings += run_custom(CustomRule(rule.code, rule.name, rule.expression), forms)
            except ExpressionError:
                continue  # validated on save; a version published since may have dropped a field
    return QualityReport(findings, {code: titles[code] for code in wanted})


def raise_queries_for(study: Study, codes: list[str]) -> int:
    """Open a query (origin "rule") for each finding of rules ``codes`` not queried yet."""
    if not tool().can("manage_queries", study):
        raise NotAllowed("Monitors and data managers raise queries from data quality findings.")
    report = run(study, codes)
    session = tool().db_session()
    subjects = {s.id: s for s in session.scalars(select(Subject).where(Subject.study_id == study.id))}
    forms = {f.id: f for f in session.scalars(select(FormInstance).where(FormInstance.study_id == study.id))}
    raised = 0
    for finding in report.findings:
        subject = subjects.get(finding.subject_ref)
        if subject is None or _queried(finding):
            continue
        text = f"{finding.rule}: {finding.message}" if finding.item else f"{finding.message} (rule {finding.rule})"
        raise_query(subject, text, form=forms.get(finding.form_ref), item_oid=finding.item, group_oid=finding.group,
                    group_repeat=finding.repeat, event_oid=finding.event, origin="rule", rule=finding.rule)
        raised += 1
    return raised


def _queried(finding: Finding) -> bool:
    if finding.item is not None and finding.form_ref is not None:
        return open_query_on(finding.form_ref, finding.group, finding.repeat, finding.item) is not None
    return tool().db_session().scalar(select(Query.id).where(
        Query.subject_id == finding.subject_ref, Query.event_oid == finding.event, Query.rule == finding.rule,
        Query.item_oid.is_(None), Query.status.in_(OPEN_STATUSES)).limit(1)) is not None


def expression_problems(study: Study, expression: str) -> list[str]:
    """What keeps ``expression`` from working on the study's published (else latest) version."""
    row = published_version(study) or (versions(study) or [None])[-1]
    if row is None:
        return ["The study has no definition yet: import one before writing rules."]
    version = definition(row)
    checkboxes = {item.variable: version.codelist(item.codelist_oid).codes for item in version.items
                  if item.control == "checkbox" and version.codelist(item.codelist_oid) is not None}
    events = {event.name for event in version.events} | {event.oid for event in version.events}
    return validate(expression, {item.variable for item in version.items if item.variable}, events,
                    checkbox_codes=checkboxes)


def add_rule(study: Study, data) -> Rule:
    """A custom rule from ``data`` (name, expression, severity): every problem named, nothing
    written unless all is right."""
    if not tool().can("manage_queries", study):
        raise NotAllowed("Monitors and data managers write data quality rules.")
    problems = EdcInputError()
    name = (data.get("name") or "").strip()
    expression = (data.get("expression") or "").strip()
    severity = (data.get("severity") or "warning").strip()
    if not name:
        problems.add("name", "Name the rule, for example \"Diastolic above systolic\".")
    elif len(name) > NAME_LIMIT:
        problems.add("name", f"Keep the name to {NAME_LIMIT} characters.")
    elif tool().db_session().scalar(select(Rule.id).where(Rule.study_id == study.id, Rule.name == name)):
        problems.add("name", f"The study has a rule named {name} already.")
    if not expression:
        problems.add("expression", "Write the rule's logic: TRUE where the data is wrong, for example "
                                   "[dbp] > [sbp].")
    else:
        for problem in expression_problems(study, expression):
            problems.add("expression", problem)
    if severity not in RULE_SEVERITIES:
        problems.add("severity", f"Choose {' or '.join(RULE_SEVERITIES.values()).lower()}.")
    problems.raise_if_any()
    rule = Rule(study_id=study.id, name=name, expression=expression, severity=severity, enabled=True,
                created_by_id=current_user_id())
    tool().db_session().add(rule)
    tool().db_session().flush()
    return rule


def set_rule_enabled(rule: Rule, enabled: bool) -> Rule:
    if not tool().can("manage_queries", rule):
        raise NotAllowed("Monitors and data managers switch data quality rules on and off.")
    if rule.enabled != enabled:
        rule.enabled = enabled
        tool().db_session().flush()
    return rule
