"""The notification centre and its email: one SDK call, per-kind email choices, sent on commit only."""
import logging
import re

import pytest
from sqlalchemy import select

from host.config import load_config
from host.db import db_session
from host.licensing import admin_change
from host.licensing_sweep import sweep_licenses
from host.models import AuditEntry, Organization, User
from host.notifications.mail import ConsoleMailer, build_message
from host.notifications.models import Notification
from sdk import services
from sdk.notifications import NotificationError, declare_kind
from sdk.tenancy import org_scope
from sdk.testing import post_with_token, submit_form
from tests.billing_helpers import buy
from tests.notification_helpers import BASE_URL, mail_app, mails, notify

REMINDER = declare_kind("testtool.reminder", "Visit reminders from the test tool")


@pytest.fixture
def outbox(tmp_path):
    return tmp_path / "mail"


@pytest.fixture
def app(make_app, outbox):
    return mail_app(make_app, outbox)


@pytest.fixture
def owner(make_user):
    return make_user("owner@acme.org", name="Olive Owner")


@pytest.fixture
def member(make_user):
    return make_user("mia@acme.org", name="Mia Member")


@pytest.fixture
def acme(make_org, add_member, owner, member):
    org = make_org("acme", owner=owner, name="Acme Trials")
    add_member(org, member)
    return org


def notifications(app, user) -> list[Notification]:
    with app.app_context():
        return list(db_session().scalars(select(Notification).where(Notification.user_id == user.id)
                                         .order_by(Notification.id)))


def unread_badge(client) -> int:
    return int(re.search(r'data-unread="(\d+)"', client.get("/notifications").get_data(as_text=True)).group(1))


# --- the SDK call -----------------------------------------------------------------------------

def test_notify_shows_in_the_centre_and_emails_after_commit(app, acme, member, login_as, outbox):
    assert notify(app, acme, [member.id], link="/o/acme/tools") == 1
    client = login_as(member)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Visit due" in page and "Subject 7 is due." in page and "Acme Trials" in page
    assert unread_badge(client) == 1
    [mail] = mails(outbox)
    assert mail["To"] == "mia@acme.org" and mail["Subject"] == "Visit due"
    text = mail.get_content()
    assert "Subject 7 is due." in text and f"{BASE_URL}/o/acme/tools" in text
    assert f"{BASE_URL}/account/notifications" in text


def test_a_tool_reaches_members_of_its_organization_only(app, acme, make_user, make_org):
    stranger = make_user("sam@other.org")
    make_org("other", owner=stranger)
    with pytest.raises(PermissionError):
        notify(app, acme, [stranger.id])
    assert notifications(app, stranger) == []


@pytest.mark.parametrize("change", [{"kind": "testtool.undeclared"}, {"link": "https://evil.example/x"},
                                    {"link": "//evil.example/x"}, {"subject": ""},
                                    {"subject": "two\nlines"}])
def test_a_bad_notification_is_refused(app, acme, member, change):
    with pytest.raises(NotificationError):
        notify(app, acme, [member.id], **change)


def test_nothing_is_kept_or_sent_for_a_rolled_back_transaction(app, acme, member, outbox):
    notify(app, acme, [member.id], commit=False)
    assert notifications(app, member) == [] and mails(outbox) == []


def test_a_rolled_back_savepoint_drops_its_email_but_not_the_transactions(app, acme, member, outbox):
    with app.app_context(), org_scope(acme.id):
        session, notes = db_session(), services().notifications
        notes.notify([member.id], kind=REMINDER.key, subject="Kept", body="")
        savepoint = session.begin_nested()
        notes.notify([member.id], kind=REMINDER.key, subject="Dropped", body="")
        savepoint.rollback()
        session.commit()
    assert [m["Subject"] for m in mails(outbox)] == ["Kept"]
    assert [n.subject for n in notifications(app, member)] == ["Kept"]


# --- the centre -------------------------------------------------------------------------------

def test_header_counts_unread_and_marking_one_read_is_audited(app, acme, member, login_as):
    notify(app, acme, [member.id], subject="First")
    notify(app, acme, [member.id], subject="Second")
    client = login_as(member)
    assert unread_badge(client) == 2
    first = notifications(app, member)[0]
    r = submit_form(client, "/notifications", {}, action=f"/notifications/{first.id}/read")
    assert r.status_code == 303
    assert unread_badge(client) == 1
    assert notifications(app, member)[0].read_at is not None
    with app.app_context():
        actions = [e.action for e in db_session().scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "notification", AuditEntry.entity_id == str(first.id)))]
    assert actions == ["create", "update"]


def test_open_marks_read_and_goes_to_the_link(app, acme, member, login_as):
    notify(app, acme, [member.id], link="/o/acme/tools")
    client = login_as(member)
    note = notifications(app, member)[0]
    r = submit_form(client, "/notifications", {"open": "1"}, action=f"/notifications/{note.id}/read")
    assert r.status_code == 303 and r.headers["Location"].endswith("/o/acme/tools")
    assert notifications(app, member)[0].read_at is not None


def test_mark_all_read(app, acme, member, owner, login_as):
    notify(app, acme, [member.id, owner.id], subject="One")
    notify(app, acme, [member.id], subject="Two")
    client = login_as(member)
    r = submit_form(client, "/notifications", {}, action="/notifications/read-all", follow_redirects=True)
    assert "2 notification(s) marked as read" in r.get_data(as_text=True)
    assert unread_badge(client) == 0
    assert all(n.read_at for n in notifications(app, member))
    assert notifications(app, owner)[0].read_at is None


def test_another_persons_notification_is_invisible_and_not_markable(app, acme, member, owner, login_as):
    notify(app, acme, [owner.id], subject="For the owner only")
    note = notifications(app, owner)[0]
    client = login_as(member)
    assert "For the owner only" not in client.get("/notifications").get_data(as_text=True)
    assert post_with_token(client, f"/notifications/{note.id}/read", {"open": "1"}).status_code == 404
    post_with_token(client, "/notifications/read-all")
    assert notifications(app, owner)[0].read_at is None


def test_the_centre_needs_a_sign_in(client):
    assert client.get("/notifications").status_code in (302, 401)


# --- email choices ----------------------------------------------------------------------------

def test_email_is_on_by_default_and_a_choice_turns_it_off(app, acme, member, login_as, outbox):
    client = login_as(member)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="testtool.reminder"', page) and 'value="invitation"' not in page
    r = submit_form(client, "/account/notifications", {"email": ["invoice_issued"]})
    assert r.status_code == 303
    notify(app, acme, [member.id])
    assert mails(outbox) == []
    assert len(notifications(app, member)) == 1  # still in the centre
    submit_form(client, "/account/notifications", {"email": ["testtool.reminder"]})
    notify(app, acme, [member.id])
    assert len(mails(outbox)) == 1
    with app.app_context():
        assert db_session().scalar(select(AuditEntry).where(
            AuditEntry.entity_type == "notification_preference"))
    forged = submit_form(client, "/account/notifications", {"email": ["testtool.reminder", "no.such_kind"]})
    assert forged.status_code == 422 and "not a valid choice" in forged.get_data(as_text=True)


# --- what the platform sends ------------------------------------------------------------------

def test_an_invitation_is_emailed_and_an_existing_account_sees_it_in_the_app(app, acme, owner, login_as,
                                                                             make_user, outbox):
    invitee = make_user("ivy@elsewhere.org")
    client = login_as(owner)
    r = submit_form(client, "/o/acme/members", {"email": "ivy@elsewhere.org", "role": "admin"},
                    action="/o/acme/members/invitations")
    assert r.status_code == 201
    [mail] = mails(outbox)
    assert mail["To"] == "ivy@elsewhere.org" and "Acme Trials" in mail["Subject"]
    assert re.search(rf"{BASE_URL}/invite/\S+", mail.get_content())
    [note] = notifications(app, invitee)
    assert note.kind == "invitation" and note.link is None and "/invite/" not in note.body


def test_suspending_a_license_tells_the_organizations_admins(app, acme, owner, member, grant_license,
                                                              make_user, outbox):
    grant_license(acme, "testtool")
    admin = make_user("root@platform.org", platform_admin=True)
    with app.app_context():
        session = db_session()
        admin_change(session, session.get(Organization, acme.id), "testtool", "suspend", "unpaid",
                     session.get(User, admin.id))
        session.commit()
    [note] = notifications(app, owner)
    assert note.kind == "license_suspended" and note.link == "/o/acme/tools"
    assert notifications(app, member) == []
    assert [m["To"] for m in mails(outbox)] == ["owner@acme.org"]


def test_the_sweep_warns_of_a_trial_ending_once(app, acme, owner, grant_license, outbox):
    grant_license(acme, "testtool", status="trialing", days=2)
    for _ in range(2):
        with app.app_context():
            sweep_licenses(db_session())
            db_session().commit()
    [note] = notifications(app, owner)
    assert note.kind == "trial_ending" and "trial ends on" in note.subject
    assert len(mails(outbox)) == 1


def test_a_manual_invoice_is_announced_to_the_organizations_admins(app, acme, owner, outbox):
    buy(app, acme, owner, plan_code="basic")
    [note] = notifications(app, owner)
    assert note.kind == "invoice_issued" and "USD 5.00" in note.subject and note.link == "/o/acme/billing"
    [mail] = mails(outbox)
    assert mail["Subject"] == note.subject and f"{BASE_URL}/o/acme/billing" in mail.get_content()


# --- configuration ----------------------------------------------------------------------------

def test_the_mail_backend_is_checked_and_console_is_the_default(tmp_path, monkeypatch):
    monkeypatch.delenv("TRIALOFFICE_MAIL_BACKEND", raising=False)
    assert load_config(str(tmp_path))["MAIL_BACKEND"] == "console"
    assert load_config(str(tmp_path))["MAIL_DIR"] == str(tmp_path / "mail")
    monkeypatch.setenv("TRIALOFFICE_MAIL_BACKEND", "pigeon")
    with pytest.raises(ValueError, match="TRIALOFFICE_MAIL_BACKEND"):
        load_config(str(tmp_path))


def test_the_console_backend_logs_the_message(caplog):
    message = build_message(sender="a@example.org", to="b@example.org", subject="Hello", body="Body text")
    with caplog.at_level(logging.WARNING, logger="host.notifications.mail"):
        ConsoleMailer().send(message)
    assert "Subject: Hello" in caplog.text and "Body text" in caplog.text
