"""Randomizing on enrollment: an ``edc.subject_enrolled`` event of the sponsor randomizes the
subject into the study whose protocol is the event's trial (source "edc"), exactly once however
often the event is delivered; an unknown trial or site, or a study not set up so, is left alone."""
import pytest
from sqlalchemy import func, select

from plugins.rtsm.models import Allocation, Scheme, Study
from plugins.rtsm.services import studies
from sdk import org_scope, tool
from sdk.tool import host_runs_tool

from ..conftest import STUDY

ON_ENROLLMENT = {**STUDY, "name": "Enrolled 1", "protocol": "EN-1", "randomize_on_enrollment": True,
                 "scheme": {"type": "stratified_block", "block_sizes": [3], "strata": ["site"]}}


@pytest.fixture
def enrolling(sponsor, grant_license):
    grant_license(sponsor.org, "edc", enable=True)
    return sponsor.run(lambda session: studies.create_study(ON_ENROLLMENT).id)


def enroll(sponsor, subject, trial="EN-1", site="S01"):
    """What edc does: emit the event in the study owner's organization, and commit."""
    with sponsor.app.test_request_context(), org_scope(sponsor.org.id), host_runs_tool("edc"):
        tool().events.emit("edc.subject_enrolled", {"trial_ref": trial, "site_ref": site, "subject_ref": subject,
                                                    "enrolled_on": "2026-11-30"})
        tool().db_session().commit()


def allocations(sponsor):
    return sponsor.run(lambda session: [(a.subject, a.source, a.randomized_by_id, a.study_id, a.sequence)
                                        for a in session.scalars(select(Allocation).order_by(Allocation.id))])


def test_an_enrolled_subject_is_randomized_exactly_once(sponsor, support, enrolling):
    enroll(sponsor, "S01-100")
    support.deliver_events()
    assert allocations(sponsor) == [("S01-100", "edc", None, enrolling, 1)]
    assert support.redeliver_events() >= 1
    support.deliver_events()
    enroll(sponsor, "S01-100")  # edc announcing it again (a new event id) changes nothing either
    support.deliver_events()
    assert allocations(sponsor) == [("S01-100", "edc", None, enrolling, 1)]
    counter = sponsor.run(lambda session: session.scalar(select(Scheme.randomized).where(
        Scheme.study_id == enrolling)))
    assert counter == 1


def test_unknown_trials_sites_and_studies_not_set_up_so_are_left_alone(sponsor, support, enrolling):
    enroll(sponsor, "S01-200", trial="NOPE")
    enroll(sponsor, "S09-001", site="S09")
    enroll(sponsor, "S01-300", trial="HF-301")  # HF-301 does not randomize on enrollment
    enroll(sponsor, "x" * 80)  # too long a subject id: refused, logged, never retried
    support.deliver_events()
    assert allocations(sponsor) == []
    assert sponsor.run(lambda session: session.scalar(select(func.sum(Scheme.randomized)))) == 0
    assert sponsor.run(lambda session: session.scalar(select(func.count(Study.id)))) == 2


def test_a_site_without_kits_leaves_the_subject_unrandomized_and_tells_supply(sponsor, support, enrolling):
    """The study has a kit list but site S01 holds no kit: the randomization is taken back whole
    (no number used), and the supply managers (the owner, an admin) are notified."""
    from plugins.rtsm.services import kits

    from ..supply_world import as_user, kit_rows

    as_user(sponsor, sponsor.owner, lambda session: kits.add_kits(session.get(Study, enrolling), kit_rows(3, 3)))
    enroll(sponsor, "S01-400")
    support.deliver_events()
    assert allocations(sponsor) == []
    assert sponsor.run(lambda session: session.scalar(select(Scheme.randomized).where(Scheme.study_id == enrolling))) == 0
    notices = sponsor.client.get("/notifications").get_data(as_text=True)
    assert "no kit could be dispensed at site S01" in notices
