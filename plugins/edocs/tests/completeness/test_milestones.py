"""Setting milestones up: who may, what is refused (nothing written), and the expectations a
template brings."""
from __future__ import annotations

from datetime import date

import pytest

from plugins.edocs.models import Expectation, Milestone, Study
from plugins.edocs.services import milestones
from plugins.edocs.services.errors import EdocsInputError, NotAllowed

from .helpers import add_milestone, move


def _count(sponsor, model):
    return sponsor.run(lambda s: s.query(model).count())


def test_a_site_milestone_brings_its_documents_at_its_site_owned_by_its_creator(sponsor):
    milestone_id = add_milestone(sponsor, "site_activation", "2026-05-01", site="101")

    def read(session):
        milestone = session.get(Milestone, milestone_id)
        return milestone.name, {(e.artifact.number, e.site_id, e.owner_id, milestones.due_on(e))
                                for e in milestones.expectations_of(milestone)}
    name, rows = sponsor.as_user(sponsor.owner, read)
    assert name == "Site activation, site 101"
    assert ("05.02.04", sponsor.site_ids["101"], sponsor.owner.id, date(2026, 4, 17)) in rows
    assert len(rows) == 9


def test_bad_input_names_every_problem_and_writes_nothing(sponsor):
    def bad(session):
        study = session.get(Study, sponsor.study_id)
        milestones.add_milestone(study, "launch_party", "1 May", owner_id=999999)
    with pytest.raises(EdocsInputError) as refused:
        sponsor.as_user(sponsor.owner, bad)
    assert {field for field, _ in refused.value.items} == {"kind", "due_on", "owner"}

    def no_site(session):
        milestones.add_milestone(session.get(Study, sponsor.study_id), "site_activation", "2026-05-01")
    with pytest.raises(EdocsInputError, match="choose the site"):
        sponsor.as_user(sponsor.owner, no_site)
    assert _count(sponsor, Milestone) == 0 and _count(sponsor, Expectation) == 0


def test_the_same_milestone_twice_is_refused(sponsor):
    add_milestone(sponsor, "study_start", "2026-05-01")
    with pytest.raises(EdocsInputError, match="set already"):
        add_milestone(sponsor, "study_start", "2026-06-01")


def test_moving_needs_a_reason_and_only_a_manager_of_the_owner_may(sponsor):
    milestone_id = add_milestone(sponsor, "study_start", "2026-05-01")
    with pytest.raises(EdocsInputError, match="Say why"):
        move(sponsor, milestone_id, "2026-06-01", reason=" ")
    cta = sponsor.member("carl@acme-pharma.example.org", "Carl CTA", "cta")
    with pytest.raises(NotAllowed, match="manage_binder"):
        sponsor.as_user(cta, lambda s: milestones.move_milestone(s.get(Milestone, milestone_id), "2026-06-01", "x"))
    assert sponsor.run(lambda s: s.get(Milestone, milestone_id).due_on) == date(2026, 5, 1)
    move(sponsor, milestone_id, "2026-06-01", reason="Authority asked for more data")

    def history(session):
        from sdk import tool
        return [(e.changes, e.reason) for e in tool().audit.history(entity_type="milestone", entity_id=str(milestone_id))
                if "due_on" in e.changes and e.action != "create"]
    (changes, reason), = sponsor.as_user(sponsor.owner, history)
    assert reason == "Authority asked for more data"


def test_a_site_organization_cannot_set_milestones(sponsor):
    org, owner = sponsor.share_site("meridian", "102", ["site_filer"])

    def add(session):
        study = session.get(Study, sponsor.study_id)
        milestones.add_milestone(study, "site_activation", "2026-05-01", site=study.sites[0])
    with pytest.raises(NotAllowed):
        sponsor.as_user(owner, add, org=org)


def test_adding_and_removing_one_expected_document(sponsor):
    milestone_id = add_milestone(sponsor, "site_initiation", "2026-05-01", site="102")

    def add(session, number, offset=7):
        return milestones.add_expectation(session.get(Milestone, milestone_id), number, due_offset_days=offset).id
    with pytest.raises(EdocsInputError) as refused:
        sponsor.as_user(sponsor.owner, add, "02.01.01", "soon")  # IB: trial/country level only
    assert {field for field, _ in refused.value.items} == {"artifact", "due_offset_days"}
    with pytest.raises(EdocsInputError, match="already"):
        sponsor.as_user(sponsor.owner, add, "05.03.01")
    added = sponsor.as_user(sponsor.owner, add, "05.04.04")
    assert sponsor.run(lambda s: s.get(Expectation, added).due_offset_days) == 7
    sponsor.as_user(sponsor.owner, lambda s: milestones.remove_expectation(s.get(Expectation, added)))
    assert sponsor.run(lambda s: s.get(Expectation, added)) is None
