"""The record components: ``record_history(record)`` and ``signature_block(record)`` on a tool's
record page, the host's signing route behind the sign dialog, and the audit trail as a reader
sees it (labels, money, local times, the acting user)."""
import csv
import io
import re
from html import unescape
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from flask_login import login_user
from sqlalchemy import select

from host.db import get_db
from host.models import User
from sdk import org_scope, services
from sdk.audit import AUDITED, audited_model, field_label, humanize
from sdk.testing import page_forms, post_with_token, sign_record, submit_form
from sdk.testing.support import TEST_PASSWORD
from tests.compliance_helpers import create_record, entries
from tests.plugins.testtool.models import TestRecord

BERLIN = "Europe/Berlin"


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def set_timezone(app, user, zone):
    session = get_db(app).session
    session.get(User, user.id).timezone = zone
    session.commit()
    session.remove()


@pytest.fixture
def acme(make_app, make_user, make_org, grant_license, login_as):
    app = make_app(plugins=["testtool"])
    owner = make_user("owner@acme.example.org", name="Olivia Owner")
    org = make_org("acme", owner=owner)
    grant_license(org, "testtool", enable=True)
    set_timezone(app, owner, BERLIN)
    client = login_as(owner)
    create_record(client, "acme", "Adverse event 7")
    session = get_db(app).session
    with org_scope(org.id):
        rid = session.scalar(select(TestRecord.id))
    session.remove()
    return app, owner, org, client, rid


def record_page(rid):
    return f"/o/acme/testtool/records/{rid}"


def sign_action(page_html: str) -> str:
    return next(f.action for f in page_forms(page_html) if f.action and "/sign" in f.action)


# --- declaring ----------------------------------------------------------------------------------

def test_labels_are_declared_or_humanized():
    assert humanize("trial_ref") == "Trial ref"
    model = audited_model("testtool", "record")
    assert model is TestRecord and AUDITED[model].sign_permission == "edit"
    assert field_label(model, "title") == "Record title" and field_label(model, "org_id") == "Org id"
    assert field_label(None, "amount_due") == "Amount due"


# --- history --------------------------------------------------------------------------------------

def test_history_shows_labels_old_and_new_reason_user_and_local_time(acme):
    app, owner, org, client, rid = acme
    submit_form(client, record_page(rid), {"title": "Adverse event 7 (serious)", "reason": "Seriousness updated"})
    page = text(client.get(record_page(rid)))
    history = page.split('class="record-history"')[1]
    update, create = history.split('data-action="update"')[1], history.split('data-action="create"')[1]
    assert "Record title" in update and "<del>Adverse event 7</del>" in update
    assert "<ins>Adverse event 7 (serious)</ins>" in update
    assert "Reason:</span> Seriousness updated" in update
    assert "by Olivia Owner" in update and "<owner@acme.example.org>" in update
    (changed,) = entries(app, action="update", entity_type="record", entity_id=str(rid))
    local = changed.at.astimezone(ZoneInfo(BERLIN)).strftime("%Y-%m-%d %H:%M:%S")
    assert f"{local} {BERLIN}" in update
    assert "Created" in create and "Adverse event 7" in create
    assert "anonymous" not in history.lower()


# --- signing ----------------------------------------------------------------------------------------

def test_sign_dialog_asks_for_email_first_then_password_alone(acme):
    app, owner, org, client, rid = acme
    page = text(client.get(record_page(rid)))
    dialog = page.split("<dialog")[1].split("</dialog>")[0]
    assert 'name="email"' in dialog and 'name="password"' in dialog and 'name="meaning"' in dialog
    assert "data-dialog-open" in page and "Not signed yet." in page
    signed = sign_record(client, record_page(rid), {"meaning": "approved", "email": owner.email,
                                                     "password": TEST_PASSWORD})
    page = text(signed)
    assert signed.status_code == 200 and "Signed by Olivia Owner, meaning: Approved." in page
    block = page.split('class="signature-block"')[1].split("</section>")[0]
    assert "Approved" in block and "Olivia Owner" in block and "UTC" in block and BERLIN in block
    assert 'name="email"' not in block  # the session is continuous now: password alone
    again = sign_record(client, record_page(rid), {"meaning": "reviewed", "password": TEST_PASSWORD})
    assert "meaning: Reviewed." in text(again)
    assert [e.changes["meaning"][1] for e in entries(app, action="sign")] == ["approved", "reviewed"]


def test_wrong_password_signs_nothing_and_the_dialog_says_why(acme):
    app, owner, org, client, rid = acme
    refused = sign_record(client, record_page(rid), {"meaning": "approved", "email": owner.email,
                                                      "password": "not my password"})
    page = text(refused)
    assert refused.status_code == 200 and "Signature refused: enter your email and password correctly." in page
    dialog = page.split("<dialog")[1].split("</dialog>")[0]
    assert "data-open-on-load" in dialog and "Signature refused" in dialog
    assert "Not signed yet." in page and entries(app, action="sign") == []
    assert len(entries(app, action="sign_failed")) == 1
    calm = text(client.get(record_page(rid)))  # the refusal is shown once
    assert "data-open-on-load" not in calm


def test_the_route_answers_with_a_redirect_to_the_page_only(acme):
    app, owner, org, client, rid = acme
    action = sign_action(text(client.get(record_page(rid))))
    assert action.startswith(f"/o/acme/records/testtool/record/{rid}/sign?next=")
    r = submit_form(client, record_page(rid), {"meaning": "approved", "email": owner.email,
                                               "password": TEST_PASSWORD}, action=action)
    assert r.status_code == 303 and r.headers["Location"] == record_page(rid)
    evil = f"/o/acme/records/testtool/record/{rid}/sign?" + urlencode({"next": "//evil.example/x"})
    r = post_with_token(client, evil, {"meaning": "reviewed", "password": TEST_PASSWORD},
                        token_from=record_page(rid))
    assert r.status_code == 303 and r.headers["Location"] == "/o/acme/"


def test_another_orgs_record_unknown_records_and_host_records_are_404(acme, make_user, make_org,
                                                                      grant_license, login_as):
    app, owner, org, client, rid = acme
    beta_owner = make_user("owner@beta.example.org")
    beta = make_org("beta", owner=beta_owner)
    grant_license(beta, "testtool", enable=True)
    beta_client = login_as(beta_owner)
    form = {"meaning": "approved", "email": beta_owner.email, "password": TEST_PASSWORD}
    for url in (f"/o/beta/records/testtool/record/{rid}/sign",  # acme's id through beta
                "/o/beta/records/testtool/record/99999/sign", "/o/beta/records/testtool/nothing/1/sign",
                "/o/beta/records/testtool/record/x/sign", f"/o/beta/records/host/membership/{rid}/sign"):
        assert post_with_token(beta_client, url, form, token_from="/o/beta/").status_code == 404, url
    assert post_with_token(beta_client, f"/o/acme/records/testtool/record/{rid}/sign", form,
                           token_from="/o/beta/").status_code == 404  # not a member of acme
    assert entries(app, action="sign") == [] and entries(app, action="sign_failed") == []


def test_signing_needs_the_models_sign_permission(acme, make_user, add_member, login_as):
    app, owner, org, client, rid = acme
    viewer = make_user("viewer@acme.example.org")
    add_member(org, viewer)
    viewer_client = login_as(viewer)
    assert "data-dialog-open" not in text(viewer_client.get(record_page(rid)))
    r = post_with_token(viewer_client, f"/o/acme/records/testtool/record/{rid}/sign",
                        {"meaning": "approved", "email": viewer.email, "password": TEST_PASSWORD},
                        token_from=record_page(rid))
    assert r.status_code == 403 and entries(app, action="sign") == []


def test_behind_the_dialog_is_the_signatures_service(acme):
    """A tool with a signing flow of its own calls the same service the host's route calls."""
    app, owner, org, client, rid = acme
    session = get_db(app).session
    with app.test_request_context(), org_scope(org.id):
        login_user(session.get(User, owner.id))
        record = session.get(TestRecord, rid)
        info = services().signatures.sign(record, meaning="authored", password=TEST_PASSWORD, email=owner.email)
        assert info.meaning_label == "Authored" and not info.stale
        assert [s.meaning for s in services().signatures.for_record(record)] == ["authored"]
    session.remove()
    block = text(client.get(record_page(rid))).split('class="signature-block"')[1].split("</section>")[0]
    assert "Authored" in block and "Olivia Owner" in block


# --- the audit trail ---------------------------------------------------------------------------------

def test_trail_pages_and_csv_show_labels_local_times_and_people(acme):
    app, owner, org, client, rid = acme
    submit_form(client, record_page(rid), {"title": "Adverse event 7b", "reason": "Typo"})
    page = text(client.get("/o/acme/audit"))
    row = page.split('data-action="update"')[1].split("</tr>")[0]
    assert "Record title" in row and "Adverse event 7 → Adverse event 7b" in row
    assert "Olivia Owner" in row and "owner@acme.example.org" in row and BERLIN in row and "Changed" in row
    assert "Record " + str(rid) in row
    rows = list(csv.DictReader(io.StringIO(client.get("/o/acme/audit/export.csv").get_data(as_text=True))))
    title_row = next(r for r in rows if r["action"] == "Changed" and r["field"] == "title")
    assert (title_row["field_label"], title_row["old_value"], title_row["new_value"]) == (
        "Record title", "Adverse event 7", "Adverse event 7b")
    assert title_row["actor_name"] == "Olivia Owner" and title_row["time_local"].endswith(BERLIN)
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d Europe/Berlin$", title_row["time_local"])


def test_trail_shows_invoice_amounts_as_money(make_app, make_user, make_org, login_as):
    app = make_app(plugins=["testtool"])
    owner = make_user("owner@acme.example.org", name="Olivia Owner")
    make_org("acme", owner=owner)
    client = login_as(owner)
    page = "/o/acme/billing/buy/testtool"
    assert submit_form(client, f"{page}?plan=basic", {"plan": "basic"}, action=page).status_code == 303
    admin = login_as(make_user("root@platform.example.org", platform_admin=True, name="Root Admin"))
    (invoice,) = entries(app, entity_type="invoice", action="create")
    assert submit_form(admin, f"/admin/billing/invoices/{invoice.entity_id}", {"note": "wire"},
                       action=f"/admin/billing/invoices/{invoice.entity_id}/paid").status_code in (302, 303)
    trail = text(client.get("/o/acme/audit?entity_type=invoice"))
    created = trail.split('data-action="create"')[1].split("</tr>")[0]
    assert "Amount due</span>: USD 5.00" in created and "Currency</span>: USD" in created
    paid = trail.split('data-action="update"')[1].split("</tr>")[0]
    assert "Amount paid</span>: USD 0.00 → USD 5.00" in paid
    assert "Currency</span>: USD <span class=\"muted\">(unchanged)</span>" in paid
    assert "Root Admin" in paid and "root@platform.example.org" in paid
    assert "Status</span>: Due → Paid" in paid, "coded values show as the words models declare"
    rows = list(csv.DictReader(io.StringIO(client.get("/o/acme/audit/export.csv?entity_type=invoice")
                                           .get_data(as_text=True))))
    assert {"Amount due", "USD 5.00"} <= {v for r in rows for v in (r["field_label"], r["new_value"])}


def test_accepting_an_invitation_is_done_by_the_new_member(app, make_user, make_org, login_as, client):
    owner = make_user("owner@acme.org", name="Olive Owner")
    org = make_org("acme", owner=owner)
    owner_client = login_as(owner)
    created = post_with_token(owner_client, "/o/acme/members/invitations", {"email": "new@example.org",
                                                                            "role": "member"})
    link = re.search(r'value="http://localhost(/invite/[^"]+)"', created.get_data(as_text=True)).group(1)
    r = submit_form(client, link, {"name": "Nina New", "password": TEST_PASSWORD}, action=f"{link}/signup")
    assert r.status_code == 302
    session = get_db(app).session
    nina = session.scalar(select(User).where(User.email == "new@example.org"))
    session.remove()
    joined = entries(app, entity_type="membership", action="create", org_id=org.id)[-1]
    used = entries(app, entity_type="invitation", action="update")[-1]
    for entry in (joined, used):
        assert (entry.actor_type, entry.actor_id, entry.actor_label) == ("user", str(nina.id), "new@example.org")
    account = entries(app, entity_type="user", action="create", entity_id=str(nina.id))[0]
    assert account.actor_type == "user" and account.actor_label == "new@example.org"
    trail = text(owner_client.get("/o/acme/audit?entity_type=membership"))
    row = trail.split('data-action="create"')[1].split("</tr>")[0]
    assert "Nina New" in row and "new@example.org" in row and "Not signed in" not in row
    assert "Member</span>: Nina New (new@example.org)" in row, "a user id shows as the person"
