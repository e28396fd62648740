"""The organization home's eTMF panel: each binder's completeness, what is overdue and what
waits for the person's QC."""
from __future__ import annotations

from datetime import date, timedelta

from plugins.edocs.models import Study
from plugins.edocs.services import milestones
from plugins.edocs.tests.pages.helpers import move


def test_the_home_panel_shows_completeness_overdue_and_the_qc_waiting(sponsor):
    reviewer = sponsor.member("quinn@acme-pharma.example.org", "Quinn Reviewer", "qc_reviewer")
    sponsor.as_user(sponsor.owner, lambda s: milestones.add_milestone(
        s.get(Study, sponsor.study_id), "study_start", date.today() - timedelta(days=30)))
    version = sponsor.file("02.01.02", b"Protocol\n", filename="protocol.txt")
    move(sponsor, sponsor.owner, version, "qc")
    home = sponsor.login_as(reviewer).get("/o/acme-pharma/").get_data(as_text=True)
    panel = home.split("eTMF", 1)[1]
    assert "Heart failure 301" in panel and "0 % complete" in panel and "5 overdue" in panel
    assert "1 waiting for your QC" in panel
    owners_home = sponsor.client.get("/o/acme-pharma/").get_data(as_text=True)
    assert "waiting for your QC" not in owners_home.split("eTMF", 1)[1].split("All binders")[0]
