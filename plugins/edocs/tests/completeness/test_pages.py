"""The milestones page and the completeness dashboard, through their forms."""
from __future__ import annotations

import re

from sdk.testing import post_with_token, submit_form

from .helpers import add_milestone

PAGES = "/o/acme-pharma/edocs"


def _milestones_url(sponsor):
    return f"{PAGES}/studies/{sponsor.study_id}/milestones"


def test_a_manager_sets_and_moves_a_milestone_on_the_page(sponsor):
    page = _milestones_url(sponsor)
    assert "No milestone yet" in sponsor.client.get(page).get_data(as_text=True)
    refused = submit_form(sponsor.client, page, {"kind": "site_activation", "site": "", "due_on": "2026-05-01"},
                          action=page)
    assert refused.status_code == 422 and "choose the site" in refused.get_data(as_text=True)
    added = submit_form(sponsor.client, page, {"kind": "site_activation", "site": "102", "due_on": "2026-05-01"},
                        action=page)
    assert added.status_code == 302
    html = sponsor.client.get(page).get_data(as_text=True)
    assert "Site activation, site 102 · 2026-05-01" in html and "05.02.08 Form FDA 1572" in html
    milestone_id = int(re.search(r'id="milestone-(\d+)"', html).group(1))
    move_url = f"{PAGES}/milestones/{milestone_id}/move"
    no_reason = submit_form(sponsor.client, page, {"due_on": "2026-06-01"}, action=move_url)
    assert no_reason.status_code == 422 and "Say why the date moves" in no_reason.get_data(as_text=True)
    moved = submit_form(sponsor.client, page, {"due_on": "2026-06-01", "reason": "IRB meets later"}, action=move_url)
    assert moved.status_code == 302
    assert "Site activation, site 102 · 2026-06-01" in sponsor.client.get(page).get_data(as_text=True)


def test_people_without_manage_binder_read_the_page_but_get_no_forms(sponsor):
    add_milestone(sponsor, "study_start", "2026-05-01")
    cta = sponsor.member("carl@acme-pharma.example.org", "Carl CTA", "cta")
    client = sponsor.login_as(cta)
    html = client.get(_milestones_url(sponsor)).get_data(as_text=True)
    assert "Study start · 2026-05-01" in html and "Set a milestone" not in html
    forged = post_with_token(client, _milestones_url(sponsor), {"kind": "study_close", "due_on": "2027-01-01"},
                             token_from=_milestones_url(sponsor))
    assert forged.status_code == 403


def test_the_dashboard_shows_totals_charts_and_overdue_documents_with_a_link_to_file_them(sponsor):
    add_milestone(sponsor, "study_start", "2026-01-10")
    add_milestone(sponsor, "site_activation", "2026-01-10", site="101")
    sponsor.file("02.01.02")
    html = sponsor.client.get(f"{PAGES}/studies/{sponsor.study_id}/completeness").get_data(as_text=True)
    assert html.count('class="chart-image"') >= 2
    assert "Completeness per zone" in html and "Completeness per site" in html
    assert "Trial level" in html and "101 Lakeside Clinic" in html
    assert "Olivia Owner" in html  # the owner of the overdue documents
    assert "Not QC-passed" in html and "Missing" in html
    assert "artifact=05.02.04" in html and "site=101" in html  # "File it" for the PI's CV at site 101
    assert "Remind owners now" in html


def test_the_dashboard_of_a_site_organization_has_its_site_only(sponsor):
    add_milestone(sponsor, "study_start", "2026-01-10")
    add_milestone(sponsor, "site_activation", "2026-01-10", site="101")
    add_milestone(sponsor, "site_activation", "2026-01-10", site="102")
    org, owner = sponsor.share_site("meridian", "102", ["site_filer"])
    html = sponsor.login_as(owner).get(f"/o/meridian/edocs/studies/{sponsor.study_id}/completeness").get_data(
        as_text=True)
    assert "102 Meridian Hospital" in html
    assert "Lakeside" not in html and "Trial level" not in html and "Remind owners now" not in html


def test_an_empty_dashboard_says_what_to_do(sponsor):
    html = sponsor.client.get(f"{PAGES}/studies/{sponsor.study_id}/completeness").get_data(as_text=True)
    assert "No milestone expects a document yet" in html and "Set the milestones" in html


def test_reminding_owners_from_the_dashboard_runs_the_job(sponsor):
    add_milestone(sponsor, "study_start", "2026-01-10")
    page = f"{PAGES}/studies/{sponsor.study_id}/completeness"
    started = submit_form(sponsor.client, page, {}, action=f"{page}/remind")
    assert started.status_code == 302 and "/jobs/" in started.location
    job = sponsor.client.get(started.location).get_data(as_text=True)
    assert "1 owner(s) reminded of overdue documents." in job
    again = submit_form(sponsor.client, page, {}, action=f"{page}/remind")
    assert "0 owner(s) reminded" in sponsor.client.get(again.location).get_data(as_text=True)
