"""Platform admins see failing and dead event deliveries with their error and requeue them;
every requeue is audited (issue 9, item 4)."""
from __future__ import annotations

import pytest

from sdk.testing import post_with_token, submit_form
from tests.compliance_helpers import entries
from tests.generated_tools import make_tool
from tests.outbox_helpers import EVENT, declare_test_event, deliveries, emit, later
from tests.runtime_fixtures import signed_in, support_of


@pytest.fixture(autouse=True)
def declared_event(monkeypatch):
    declare_test_event(monkeypatch)


@pytest.fixture
def world(app_with, fast_user):
    """A ``picky`` tool whose handler fails while ``state["broken"]``; two tries, then dead."""
    state = {"broken": True, "handled": []}

    def picky(event):
        if state["broken"]:
            raise KeyError("freezer 12 is not in the lab's register")
        state["handled"].append(event.payload["sample_id"])

    app = app_with(make_tool("picky", handlers={EVENT: picky}), OUTBOX_MAX_ATTEMPTS=2)
    support = support_of(app)
    acme = support.create_org("acme", owner=fast_user("owner@acme.org"))
    support.grant_license(acme, "picky", enable=True)
    admin = signed_in(app, fast_user("root@platform.org", platform_admin=True))
    return {"app": app, "acme": acme, "state": state, "support": support, "admin": admin,
            "member": signed_in(app, fast_user("member@acme.org"))}


def row_of(page: str, delivery_id: int) -> str:
    return page.split(f'data-delivery="{delivery_id}"')[1].split("</tr>")[0]


def test_failing_then_dead_deliveries_show_with_their_error(world):
    app, admin = world["app"], world["admin"]
    event_id = emit(app, world["acme"], {"sample_id": 11})
    [delivery] = deliveries(app)
    page = admin.get("/admin/events").get_data(as_text=True)
    row = row_of(page, delivery.id)
    assert EVENT in row and event_id in row and "picky" in row and "Acme" in row and "Failing" in row
    assert "KeyError: &#34;freezer 12 is not in the lab&#39;s register&#34;" in row
    assert f'data-delivery="{delivery.id}"' not in admin.get("/admin/events?state=dead").get_data(as_text=True)

    world["support"].deliver_events(now=later(40))
    assert deliveries(app)[0].status == "dead"
    dead_page = admin.get("/admin/events?state=dead").get_data(as_text=True)
    assert "Dead" in row_of(dead_page, delivery.id) and "Traceback" in dead_page
    assert "No failing or dead deliveries match" in admin.get("/admin/events?tool=testtool").get_data(as_text=True)


def test_requeue_needs_a_reason_then_delivers_and_is_audited(world):
    app, admin, acme, state = world["app"], world["admin"], world["acme"], world["state"]
    emit(app, acme, {"sample_id": 12})
    world["support"].deliver_events(now=later(40))
    [dead] = deliveries(app)
    url = f"/admin/events/{dead.id}/requeue"
    refused = submit_form(admin, "/admin/events", {"reason": "  "}, action=url)
    assert refused.status_code == 422
    beside = row_of(refused.get_data(as_text=True), dead.id).split('data-field="reason"')[1].split("</div>")[0]
    assert "A reason is required to requeue a delivery." in beside and 'aria-invalid="true"' in beside
    assert deliveries(app)[0].status == "dead" and entries(app, entity_type="event_delivery") == []

    state["broken"] = False  # the lab fixed its register
    done = submit_form(admin, "/admin/events", {"reason": "Freezer 12 registered (ticket 881)"}, action=url,
                       follow_redirects=True)
    assert f"Delivery #{dead.id} to picky was requeued; it was delivered." in done.get_data(as_text=True)
    assert state["handled"] == [12]
    [delivered] = deliveries(app)
    assert (delivered.status, delivered.attempts) == ("done", 0)
    [audit] = entries(app, entity_type="event_delivery")
    assert (audit.org_id, audit.entity_id, audit.action, audit.actor_label, audit.reason) == (
        acme.id, str(dead.id), "requeue", "root@platform.org", "Freezer 12 registered (ticket 881)")
    assert audit.changes == {"status": ["dead", "pending"], "attempts": [2, 0]}

    again = post_with_token(admin, url, {"reason": "once more"}, follow_redirects=True)
    assert "Only failed or dead deliveries can be requeued; this one is done." in again.get_data(as_text=True)
    assert state["handled"] == [12]


def test_a_requeued_delivery_that_fails_again_waits_for_its_next_try(world):
    app, admin = world["app"], world["admin"]
    emit(app, world["acme"], {"sample_id": 13})
    [failing] = deliveries(app)
    page = submit_form(admin, "/admin/events", {"reason": "retry now"}, action=f"/admin/events/{failing.id}/requeue",
                       follow_redirects=True).get_data(as_text=True)
    assert "it is waiting for its next try" in page
    assert (deliveries(app)[0].status, deliveries(app)[0].attempts) == ("pending", 1)


def test_the_page_and_its_action_are_404_for_everyone_else(world):
    emit(world["app"], world["acme"], {"sample_id": 14})
    assert world["app"].test_client().get("/admin/events").status_code == 404
    assert world["member"].get("/admin/events").status_code == 404
    assert post_with_token(world["member"], "/admin/events/1/requeue", {"reason": "x"}).status_code == 404
    assert deliveries(world["app"])[0].attempts == 1


def test_requeueing_an_unknown_delivery_is_404(world):
    assert post_with_token(world["admin"], "/admin/events/999/requeue", {"reason": "x"}).status_code == 404
