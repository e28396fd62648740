"""``signature_block(record, action=..., button=..., offer=...)``: a tool whose own action is a
signature (approve = sign with meaning approved) points the kit's sign dialog at its route; a
record signed only through that action lists its signatures without offering the dialog."""
from __future__ import annotations

from html import unescape

import pytest
from flask import Blueprint, abort, flash, redirect, render_template_string, request, url_for
from sqlalchemy import select

from host.db import get_db
from sdk import org_scope, tool
from sdk.audit import SignatureError
from sdk.testing import page_forms, submit_form
from sdk.testing.support import TEST_PASSWORD
from tests.compliance_helpers import create_record
from tests.generated_tools import make_tool
from tests.plugins.testtool.models import TestRecord
from tests.runtime_fixtures import signed_in, support_of

PAGE = """{% extends "layout.html" %}{% block content %}<main>
{{ signature_block(record, meanings=["approved"], action=url_for("approver.approve", rid=record.id),
                   button="Approve…", title="Approvals") }}</main>{% endblock %}"""
LISTED = """{% extends "layout.html" %}{% block content %}{{ signature_block(record, offer=False) }}{% endblock %}"""


def _record(rid: int) -> TestRecord:
    return tool().db_session().get(TestRecord, rid) or abort(404)


def approver_blueprint() -> Blueprint:
    """The approving tool's pages: the record with the Approve dialog, and its own approve route
    that signs through ``tool().signatures`` and answers a refusal with a flashed message."""
    bp = Blueprint("approver", __name__)

    @bp.get("/records/<int:rid>")
    def page(rid):
        return render_template_string(PAGE, record=_record(rid))

    @bp.get("/records/<int:rid>/signatures")
    def listed(rid):
        return render_template_string(LISTED, record=_record(rid))

    @bp.post("/records/<int:rid>/approve")
    def approve(rid):
        record = _record(rid)
        try:
            signature = tool().signatures.sign(record, meaning=request.form.get("meaning", ""),
                                               password=request.form.get("password", ""),
                                               email=request.form.get("email") or None)
        except SignatureError as exc:
            tool().db_session().rollback()
            flash(str(exc), "error")
            return redirect(url_for("approver.page", rid=rid), 303)
        flash(f"Approved by {signature.printed_name}.", "success")
        return redirect(url_for("approver.page", rid=rid), 303)

    return bp


@pytest.fixture
def acme(app, app_with, make_user, add_member):
    """acme with the test tool (whose records are signed) and the approving tool; the owner signs,
    a member without the test tool's ``edit`` permission may not."""
    tools = app_with(make_tool("approver", pages=False, tool_blueprint=approver_blueprint))
    support = support_of(tools)
    owner = make_user("owner@acme.example.org", name="Olivia Owner")
    org = support.create_org("acme", owner=owner)
    for key in ("testtool", "approver"):
        support.grant_license(org, key, enable=True)
    reader = make_user("reader@acme.example.org")
    add_member(org, reader, permissions={"testtool": ["view"]})
    client = signed_in(tools, owner)
    create_record(client, "acme", "Protocol v3")
    session = get_db(tools).session
    with org_scope(org.id):
        rid = session.scalar(select(TestRecord.id))
    session.remove()
    return {"app": tools, "owner": owner, "org": org, "client": client, "rid": rid,
            "reader": signed_in(tools, reader)}


def sign_forms(html: str) -> list:
    """The forms posting to a sign route: the tool's approve route or the host's."""
    return [form for form in page_forms(html)
            if form.action and ("/approve" in form.action or "/sign" in form.action)]


def test_the_dialog_posts_to_the_tools_own_route_with_its_button(acme):
    html = unescape(acme["client"].get(f"/o/acme/approver/records/{acme['rid']}").get_data(as_text=True))
    [form] = sign_forms(html)
    assert form.action == f"/o/acme/approver/records/{acme['rid']}/approve"
    assert "/records/testtool/" not in html  # not the host's sign route
    assert 'data-dialog-open="sign-testtool-record-' in html and ">Approve…</button>" in html
    assert '<button type="submit" class="button">Approve</button>' in html
    assert "Not signed yet." in html and "<h2>Approvals</h2>" in html


def test_signing_through_the_tools_route_shows_the_signature(acme):
    page = f"/o/acme/approver/records/{acme['rid']}"
    action = f"{page}/approve"
    refused = submit_form(acme["client"], page, {"meaning": "approved", "email": acme["owner"].email,
                                                 "password": "wrong"}, action=action, follow_redirects=True)
    assert "Signature refused: enter your email and password correctly." in unescape(refused.get_data(as_text=True))
    done = submit_form(acme["client"], page, {"meaning": "approved", "email": acme["owner"].email,
                                              "password": TEST_PASSWORD}, action=action, follow_redirects=True)
    html = unescape(done.get_data(as_text=True))
    assert done.status_code == 200 and "Approved by Olivia Owner." in html
    assert "Olivia Owner" in html and "Approved" in html and "Not signed yet." not in html


def test_offer_false_lists_the_signatures_but_never_offers_the_dialog(acme):
    page = f"/o/acme/approver/records/{acme['rid']}"
    submit_form(acme["client"], page, {"meaning": "approved", "email": acme["owner"].email,
                                       "password": TEST_PASSWORD}, action=f"{page}/approve")
    html = unescape(acme["client"].get(f"{page}/signatures").get_data(as_text=True))
    assert "<dialog" not in html and "data-dialog-open" not in html and sign_forms(html) == []
    assert "Olivia Owner" in html and "Approved" in html


def test_a_member_who_may_not_sign_gets_no_dialog_even_with_an_action(acme):
    html = acme["reader"].get(f"/o/acme/approver/records/{acme['rid']}").get_data(as_text=True)
    assert "<dialog" not in html and sign_forms(html) == [] and "Not signed yet." in html


def test_by_default_the_dialog_still_posts_to_the_hosts_sign_route(acme):
    html = acme["client"].get(f"/o/acme/testtool/records/{acme['rid']}").get_data(as_text=True)
    [form] = sign_forms(unescape(html))
    assert form.action.startswith(f"/o/acme/records/testtool/record/{acme['rid']}/sign")
    assert ">Sign…</button>" in html and '<button type="submit" class="button">Sign</button>' in html
