"""The milestone templates against the shipped reference model, and the pure counting rules."""
from __future__ import annotations

from datetime import date

import pytest

from plugins.edocs.domain.completeness import ExpectedRow, FiledRow, count
from plugins.edocs.domain.milestone_templates import TEMPLATES
from plugins.edocs.domain.reference_model import artifact_type

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_every_templated_artifact_is_in_the_reference_model_at_the_milestones_level(kind):
    found = TEMPLATES[kind]
    for item in found.expects:
        artifact = artifact_type(item.number)
        assert artifact is not None, f"{kind}: {item.number} is not in TMF RM v3.3.1"
        wanted = {"site"} if found.level == "site" else {"trial", "country"}
        assert wanted & set(artifact.levels), f"{kind}: {item.number} is not filed at {found.level} level"


def test_the_1572_replaces_the_regulatory_agreement_at_a_us_site_only():
    activation = TEMPLATES["site_activation"]
    us = {item.number for item in activation.expected_for("US")}
    de = {item.number for item in activation.expected_for("de")}
    assert "05.02.08" in us and "05.02.09" not in us
    assert "05.02.09" in de and "05.02.08" not in de
    assert len(us) == len(de) == 9


def _row(i, number="05.02.04", site_id=1, due=date(2026, 5, 1), zone="05"):
    return ExpectedRow(id=i, artifact=number, artifact_name="x", zone=zone, zone_name="Site Management",
                       site_id=site_id, site_code=f"{100 + site_id}" if site_id else "",
                       site_label=f"{100 + site_id} Clinic" if site_id else "", due_on=due, milestone="Activation")


def test_a_filed_draft_is_overdue_but_not_missing_and_an_approval_elsewhere_does_not_count():
    expected = [_row(1), _row(2, "05.02.05"), _row(3, site_id=None, number="02.01.02", zone="02")]
    filed = [FiledRow("05.02.04", 1, date(2026, 4, 20), qc_passed=False),
             FiledRow("05.02.05", 2, date(2026, 4, 20), qc_passed=True),   # another site's document
             FiledRow("02.01.02", None, date(2026, 5, 3), qc_passed=True)]
    found = count(expected, filed, today=TODAY)
    assert found.totals.as_dict() == {"expected": 3, "filed": 2, "qc_passed": 1, "overdue": 2, "missing": 1,
                                      "filed_on_time": 1, "completeness": 33.3, "timeliness": 50.0}
    assert [g.key for g in found.by_site] == [None, "101"]
    assert [g.key for g in found.by_zone] == ["02", "05"]
    assert [s.row.id for s in found.overdue] == [1, 2]


def test_nothing_is_overdue_before_its_due_date_and_empty_reports_have_no_percentages():
    found = count([_row(1, due=TODAY)], [], today=TODAY)
    assert (found.totals.overdue, found.totals.missing, found.totals.timeliness) == (0, 1, None)
    assert count([], [], today=TODAY).totals.completeness is None
