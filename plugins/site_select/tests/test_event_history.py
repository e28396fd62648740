"""History gathered from edc and pmcp through domain events, raised here as those tools will
raise them (the host delivers them after the emitter commits, only to tools enabled in the
organization, once per event id)."""
from __future__ import annotations

from sqlalchemy import select

from sdk import services, tool

from ..models import TrialHistory
from ..services.shortlists import create_shortlist
from .seeds import RANK_SPEC, add_site


def emit(name, **payload):
    services().events.emit(name, payload)


def history_of(site_id):
    session = services().db_session()
    return [(h.trial_ref, h.source, h.phase, h.therapeutic_area, h.selected_on and h.selected_on.isoformat(),
             h.activated_on and h.activated_on.isoformat(),
             h.first_subject_in and h.first_subject_in.isoformat(),
             h.last_subject_in and h.last_subject_in.isoformat(), h.screened, h.enrolled, h.queries_per_100,
             h.deviations)
            for h in session.scalars(select(TrialHistory).where(TrialHistory.site_id == site_id))]


def run_trial(site_ref: str) -> None:
    """A small trial at one site, as pmcp and edc report it."""
    ref = {"trial_ref": "HF-301", "site_ref": site_ref}
    emit("pmcp.milestone_completed", **ref, milestone="site_selected", completed_on="2025-01-06")
    emit("pmcp.milestone_completed", **ref, milestone="site_activated", completed_on="2025-02-03")
    for n, day in enumerate(["2025-02-10", "2025-02-20", "2025-03-05"], start=1):
        emit("edc.subject_screened", **ref, subject_ref=f"S{n}", screened_on=day)
    emit("edc.subject_enrolled", **ref, subject_ref="S1", enrolled_on="2025-02-17")
    emit("edc.subject_enrolled", **ref, subject_ref="S3", enrolled_on="2025-03-12")
    emit("edc.form_completed", **ref, form_ref="VS", completed_on="2025-03-12", data_points=150, queries=3)
    emit("edc.form_completed", **ref, form_ref="AE", completed_on="2025-03-13", data_points=50, queries=1)
    emit("pmcp.milestone_completed", **ref, milestone="protocol_deviation", completed_on="2025-03-14")


BERLIN_HF301 = [("HF-301", "event", "PHASE3", "cardiology", "2025-01-06", "2025-02-03", "2025-02-17",
                 "2025-03-12", 3, 2, 2.0, 1)]


def _berlin_with_shortlist() -> int:
    site = add_site("Berlin Heart Center", "DE", "Berlin", 52.52, 13.405)
    create_shortlist("HF-3", {**RANK_SPEC, "title": "HF phase 3"}, [site.id], trial_ref="HF-301")
    return site.id


def test_events_build_the_site_history(world):
    site_id = world.run(world.acme, _berlin_with_shortlist)
    world.run(world.acme, run_trial, str(site_id))  # delivered when this commits
    assert world.run(world.acme, history_of, site_id) == BERLIN_HF301


def test_events_of_a_rolled_back_transaction_change_nothing(world):
    site_id = world.run(world.acme, _berlin_with_shortlist)

    def run_and_roll_back():
        run_trial(str(site_id))
        tool().db_session().rollback()

    world.run(world.acme, run_and_roll_back)
    assert world.run(world.acme, history_of, site_id) == []


def test_a_redelivered_event_counts_once(world, support):
    site_id = world.run(world.acme, _berlin_with_shortlist)
    world.run(world.acme, run_trial, str(site_id))
    assert support.redeliver_events() == 10  # every event of the trial, as a lapsed lease would
    assert support.deliver_events() == 10
    assert world.run(world.acme, history_of, site_id) == BERLIN_HF301


def test_event_history_shows_on_the_site_profile(world):
    site_id = world.run(world.acme, lambda: add_site("Berlin Heart Center", "DE", "Berlin", 52.52, 13.405).id)
    world.run(world.acme, run_trial, str(site_id))
    page = world.client.get(f"/o/acme/site_select/sites/{site_id}").get_data(as_text=True)
    assert "HF-301" in page and ">event<" in page


def test_events_for_unknown_sites_or_other_organizations_change_nothing(world):
    acme_site = world.run(world.acme, lambda: add_site("Berlin Heart Center", "DE", "Berlin", 52.52, 13.405).id)
    world.run(world.other, run_trial, str(acme_site))
    world.run(world.acme, run_trial, "not-a-site")
    world.run(world.acme, run_trial, "987654")
    world.run(world.acme, emit, "pmcp.milestone_completed", trial_ref="HF-301", site_ref="",
              milestone="project_kickoff", completed_on="2025-01-01")
    assert world.run(world.acme, history_of, acme_site) == []


def test_events_are_not_handled_where_the_tool_is_switched_off(world, support):
    site_id = world.run(world.acme, lambda: add_site("Berlin Heart Center", "DE", "Berlin", 52.52, 13.405).id)
    support.set_enabled(world.acme, "site_select", False)
    world.run(world.acme, run_trial, str(site_id))
    support.set_enabled(world.acme, "site_select", True)
    assert world.run(world.acme, history_of, site_id) == []
