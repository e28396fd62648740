"""The completeness counts through the services: the issue's two required tests, per site and per
zone, and what a site organization sees."""
from __future__ import annotations

from datetime import date

from plugins.edocs.models import Study
from plugins.edocs.services.completeness import report

from .helpers import add_milestone, approve, move, reviewer_of, totals

STUDY_START = ("02.01.02", "02.01.01", "02.02.03", "03.01.02", "01.01.08")
TODAY = date(2026, 6, 1)


def test_five_expected_three_approved_is_sixty_percent(sponsor):
    reviewer = reviewer_of(sponsor)
    add_milestone(sponsor, "study_start", "2026-05-01")
    for number in STUDY_START[:3]:
        approve(sponsor, reviewer, sponsor.file(number, data=f"{number}\n".encode(), filename=f"{number}.txt"))
    counts = totals(sponsor, TODAY)
    assert counts["expected"] == 5 and counts["qc_passed"] == 3
    assert counts["completeness"] == 60.0
    assert counts["missing"] == 2 and counts["overdue"] == 2


def test_moving_the_milestone_date_changes_overdue_not_missing(sponsor):
    milestone = add_milestone(sponsor, "study_start", "2026-05-01")
    sponsor.file("02.01.02")  # filed, still a draft: not missing, not QC-passed
    before = totals(sponsor, TODAY)
    assert (before["missing"], before["overdue"], before["filed"]) == (4, 5, 1)

    assert move(sponsor, milestone, "2026-09-01") == date(2026, 9, 1)
    after = totals(sponsor, TODAY)
    assert (after["missing"], after["overdue"], after["filed"]) == (4, 0, 1)

    move(sponsor, milestone, date(2026, 6, 10))  # due dates 30 and 14 days before move back into the past
    partly = totals(sponsor, TODAY)
    assert partly["missing"] == 4 and partly["overdue"] == 3


def test_counts_per_site_and_per_zone(sponsor):
    reviewer = reviewer_of(sponsor)
    add_milestone(sponsor, "site_activation", "2026-05-01", site="101")
    add_milestone(sponsor, "site_activation", "2026-07-01", site="102")
    late = sponsor.file("05.02.04", data=b"PI CV 101\n", filename="cv.txt", level="site", site="101")
    approve(sponsor, reviewer, late)
    sponsor.file("04.01.02", data=b"IEC 102\n", filename="iec.txt", level="site", site="102")
    sponsor.file("05.02.04", data=b"PI CV of the other site\n", filename="cv2.txt", level="site", site="102")
    sponsor.file("02.01.02", data=b"trial protocol\n", filename="p.txt")  # not expected by any milestone

    def read(session):
        found = report(session.get(Study, sponsor.study_id), today=TODAY)
        return ({g.label: g.counts.as_dict() for g in found.by_site},
                {g.key: g.counts.as_dict() for g in found.by_zone})
    sites, zones = sponsor.as_user(sponsor.owner, read)
    site101, site102 = sites["101 Lakeside Clinic"], sites["102 Meridian Hospital"]
    assert (site101["expected"], site101["filed"], site101["qc_passed"], site101["overdue"]) == (9, 1, 1, 8)
    assert site101["completeness"] == round(100 / 9, 1)
    # the file went in today, after its due date (14 days before 1 May)
    assert site101["timeliness"] == 0.0
    assert (site102["expected"], site102["filed"], site102["qc_passed"], site102["overdue"]) == (9, 2, 0, 0)
    assert site102["timeliness"] == 0.0
    assert zones["04"]["expected"] == 2 and zones["04"]["filed"] == 1
    assert zones["05"]["expected"] == 14 and zones["08"]["expected"] == 2


def test_fda_1572_is_expected_only_at_the_us_site(sponsor):
    add_milestone(sponsor, "site_activation", "2026-05-01", site="101")
    add_milestone(sponsor, "site_activation", "2026-05-01", site="102")

    def numbers(session):
        found = report(session.get(Study, sponsor.study_id), today=TODAY)
        return {site: {s.row.artifact for s in found.states if s.row.site_label.startswith(site)}
                for site in ("101", "102")}
    expected = sponsor.as_user(sponsor.owner, numbers)
    assert "05.02.08" in expected["102"] and "05.02.09" not in expected["102"]
    assert "05.02.08" not in expected["101"] and "05.02.09" in expected["101"]


def test_a_site_organization_sees_only_its_own_site(sponsor):
    add_milestone(sponsor, "study_start", "2026-05-01")
    add_milestone(sponsor, "site_activation", "2026-05-01", site="101")
    add_milestone(sponsor, "site_activation", "2026-05-01", site="102")
    sponsor.file("05.02.04", data=b"CV 102\n", filename="cv.txt", level="site", site="102")
    org, owner = sponsor.share_site("meridian", "102", ["site_filer"])

    def read(session):
        found = report(session.get(Study, sponsor.study_id), today=TODAY)
        return [g.label for g in found.by_site], found.totals.as_dict()
    labels, counts = sponsor.as_user(owner, read, org=org)
    assert labels == ["102 Meridian Hospital"]
    assert counts["expected"] == 9 and counts["filed"] == 1
    assert totals(sponsor, TODAY)["expected"] == 5 + 9 + 9
