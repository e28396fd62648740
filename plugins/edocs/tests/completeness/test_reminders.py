"""Owners of overdue expected documents are reminded, one notification each, once a day."""
from __future__ import annotations

from datetime import date

from plugins.edocs.models import Study
from plugins.edocs.services.reminders import remind_overdue

from .helpers import add_milestone

TODAY = date(2026, 6, 1)
SUBJECT = "Heart failure 301: {} expected documents are overdue"


def _remind(sponsor, today=TODAY):
    return sponsor.run(lambda s: remind_overdue(s.get(Study, sponsor.study_id), today=today))


def _notifications(sponsor, user) -> str:
    return sponsor.login_as(user).get("/notifications").get_data(as_text=True)


def test_each_owner_is_reminded_once_a_day_of_their_own_overdue_documents(sponsor):
    carl = sponsor.member("carl@acme-pharma.example.org", "Carl CTA", "cta")
    add_milestone(sponsor, "study_start", "2026-05-01", owner_id=carl.id)       # 5 overdue, Carl's
    add_milestone(sponsor, "site_activation", "2026-05-20", site="101")          # 9 overdue, Olivia's
    add_milestone(sponsor, "site_activation", "2026-09-01", site="102")          # not due yet
    sponsor.file("02.01.02")  # filed but not QC-passed: still overdue

    assert _remind(sponsor) == 2
    carls = _notifications(sponsor, carl)
    assert carls.count(SUBJECT.format(5)) == 1 and SUBJECT.format(9) not in carls
    assert _notifications(sponsor, sponsor.owner).count(SUBJECT.format(9)) == 1

    assert _remind(sponsor) == 0  # the same day: nobody twice
    assert _notifications(sponsor, carl).count(SUBJECT.format(5)) == 1
    assert _remind(sponsor, today=date(2026, 6, 2)) == 2  # the next day, again


def test_nothing_overdue_reminds_nobody(sponsor):
    add_milestone(sponsor, "study_start", "2026-09-01")
    assert _remind(sponsor) == 0


def test_the_cli_command_reminds_in_every_open_binder_once_a_day(sponsor):
    from click.testing import CliRunner

    from plugins.edocs.cli import remind_overdue_command
    from sdk.tool import host_runs_tool

    add_milestone(sponsor, "study_start", "2026-05-01")

    def run():
        with sponsor.app.app_context(), host_runs_tool("edocs"):
            return CliRunner().invoke(remind_overdue_command, ["--today", "2026-06-01"], catch_exceptions=False)
    assert run().output.strip() == "1 binder(s) checked, 1 reminder(s) sent."
    assert run().output.strip() == "1 binder(s) checked, 0 reminder(s) sent."
    assert _notifications(sponsor, sponsor.owner).count(SUBJECT.format(5)) == 1
