"""Events about a shared record reach the organizations a grant lets see it: the handler runs
in the grantee's scope, and a grant that ends before delivery stops it (issue 9, item 4).

Most tests simulate grants by replacing ``grantee_orgs`` where the outbox looks them up, to pin
the outbox's part; the last one uses a grant row as the sharing service writes it.
"""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from host.db import get_db
from host.models import ShareGrant
from sdk import org_scope, tool
from sdk.events import EventSpec
from sdk.tenancy import current_org_id
from tests.generated_tools import make_tool
from tests.outbox_helpers import deliveries, emit
from tests.plugins.testtool.models import TestRecord
from tests.runtime_fixtures import support_of

SHIPPED = EventSpec("lab.sample_shipped", "A sample of a study left the site.",
                    {"study_id": int, "sample_id": int}, version=2, record=("study", "study_id"))
CALIBRATED = EventSpec("lab.freezer_calibrated", "A freezer was calibrated (no shared record).",
                       {"freezer_id": int})


def lab_tool(handlers: dict):
    """A third-party tool that declares its own events in its manifest."""
    module = make_tool("lab", handlers=handlers)
    module.manifest = dataclasses.replace(module.manifest, events=(SHIPPED, CALIBRATED))
    return module


@pytest.fixture
def world(app_with, fast_user, monkeypatch):
    seen = []

    def shipped(event):
        seen.append((event.name, event.org_id, current_org_id(), event.version))
        session = tool().db_session()
        session.add(TestRecord(title=f"sample {event.payload['sample_id']}"))
        session.flush()

    def calibrated(event):
        seen.append((event.name, event.org_id, current_org_id(), event.version))

    app = app_with(lab_tool({SHIPPED.name: shipped, CALIBRATED.name: calibrated}))
    support = support_of(app)
    sponsor = support.create_org("sponsor", owner=fast_user("owner@sponsor.org"))
    site = support.create_org("site", type="site", owner=fast_user("owner@site.org"))
    other = support.create_org("other", owner=fast_user("owner@other.org"))
    support.grant_license(sponsor, "lab", enable=True)  # the sponsor's license covers what it shares
    grants = {(sponsor.id, "lab", ("study", 7)): [site.id]}

    def grantee_orgs(session, owner_org_id, tool_key, record=None):
        return sorted(grants.get((owner_org_id, tool_key, record), []))

    monkeypatch.setattr("host.events.outbox.grantee_orgs", grantee_orgs)
    monkeypatch.setattr("host.events.relay.grantee_orgs", grantee_orgs)
    return {"app": app, "sponsor": sponsor, "site": site, "other": other, "seen": seen, "grants": grants,
            "support": support}


def titles(app, org) -> list[str]:
    with app.app_context(), org_scope(org.id):
        return list(get_db(app).session.scalars(select(TestRecord.title).order_by(TestRecord.id)))


def test_an_event_about_a_shared_record_runs_the_handler_in_the_grantees_scope(world):
    app, sponsor, site, other = world["app"], world["sponsor"], world["site"], world["other"]
    emit(app, sponsor, {"study_id": 7, "sample_id": 1}, name=SHIPPED.name, as_tool="lab")
    assert sorted(world["seen"]) == sorted([(SHIPPED.name, sponsor.id, sponsor.id, 2),
                                            (SHIPPED.name, sponsor.id, site.id, 2)])
    assert titles(app, sponsor) == ["sample 1"] and titles(app, site) == ["sample 1"] and titles(app, other) == []
    assert sorted((d.tool_key, d.org_id, d.status) for d in deliveries(app)) == sorted([
        ("lab", sponsor.id, "done"), ("lab", site.id, "done")])


def test_an_event_about_an_unshared_record_or_about_no_record_stays_home(world):
    app, sponsor = world["app"], world["sponsor"]
    emit(app, sponsor, {"study_id": 8, "sample_id": 2}, name=SHIPPED.name, as_tool="lab")
    emit(app, sponsor, {"freezer_id": 7}, name=CALIBRATED.name, as_tool="lab")
    assert world["seen"] == [(SHIPPED.name, sponsor.id, sponsor.id, 2), (CALIBRATED.name, sponsor.id, sponsor.id, 1)]


def test_a_grant_that_ends_before_delivery_stops_the_event(world):
    app, sponsor, site = world["app"], world["sponsor"], world["site"]
    app.extensions["trialoffice.outbox_waker"] = lambda app: None  # delivered later, by a worker
    emit(app, sponsor, {"study_id": 7, "sample_id": 3}, name=SHIPPED.name, as_tool="lab")
    world["grants"].clear()  # revoked between the commit and the delivery
    world["support"].deliver_events()
    assert world["seen"] == [(SHIPPED.name, sponsor.id, sponsor.id, 2)]
    [gone] = deliveries(app, org_id=site.id)
    assert (gone.status, gone.last_error) == (
        "skipped", f"organization {site.id} no longer holds a grant covering the record")
    assert titles(app, site) == []


def test_the_grantee_gets_nothing_when_the_owner_no_longer_serves_the_tool(world):
    app, sponsor, site = world["app"], world["sponsor"], world["site"]
    app.extensions["trialoffice.outbox_waker"] = lambda app: None
    emit(app, sponsor, {"study_id": 7, "sample_id": 4}, name=SHIPPED.name, as_tool="lab")
    world["support"].set_enabled(sponsor, "lab", False)
    world["support"].deliver_events()
    assert world["seen"] == [] and titles(app, site) == []
    assert {(d.org_id, d.status) for d in deliveries(app)} == {(sponsor.id, "skipped"), (site.id, "skipped")}


def test_a_grant_of_the_sharing_service_brings_the_event_and_its_revocation_stops_it(app_with, fast_user):
    """The same path with a real grant row, found by ``host.sharing.reach.grantee_orgs``."""
    seen = []
    app = app_with(lab_tool({SHIPPED.name: lambda e: seen.append((e.payload["sample_id"], current_org_id()))}))
    support = support_of(app)
    sponsor = support.create_org("sponsor", owner=fast_user("owner@sponsor.org"))
    site = support.create_org("site", type="site", owner=fast_user("owner@site.org"))
    support.grant_license(sponsor, "lab", enable=True)
    with app.app_context(), org_scope(sponsor.id):  # a grant is visible to its two parties only
        session = get_db(app).session
        grant = ShareGrant(owner_org_id=sponsor.id, grantee_org_id=site.id, tool_key="lab", record_type="study",
                           record_id=7, record_label="Study 7", roles=["viewer"], status="active")
        session.add(grant)
        session.commit()
        grant_id = grant.id
    emit(app, sponsor, {"study_id": 7, "sample_id": 1}, name=SHIPPED.name, as_tool="lab")
    assert sorted(seen) == sorted([(1, sponsor.id), (1, site.id)])
    with app.app_context(), org_scope(sponsor.id):
        session = get_db(app).session
        session.get(ShareGrant, grant_id).status = "revoked"
        session.commit()
    emit(app, sponsor, {"study_id": 7, "sample_id": 2}, name=SHIPPED.name, as_tool="lab")
    assert [s for s in seen if s[0] == 2] == [(2, sponsor.id)]
