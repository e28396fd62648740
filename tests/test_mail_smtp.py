"""Email through a real SMTP server (aiosmtpd, started here): an invitation arrives with a link
that works, and a server that is down never breaks the request that sent the email."""
import logging
import re
import socket
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy import select

from host.db import db_session
from host.models import Membership, User
from sdk.testing import submit_form


class Inbox(Message):
    """Keeps every message the server receives."""

    def __init__(self):
        super().__init__()
        self.mails = []

    def handle_message(self, message):
        self.mails.append(message)


def free_port() -> int:
    """aiosmtpd 1.4 cannot start on port 0 (aio-libs/aiosmtpd#276): ask the system for one."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    for attempt in range(3):  # another process may take the port between probe and start
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), ready_timeout=10)
        try:
            controller.start()
            break
        except (OSError, RuntimeError):
            if attempt == 2:
                raise
    yield controller, inbox
    if getattr(controller, "_thread", None) is not None:
        controller.stop()


@pytest.fixture
def app(make_app, smtp_server):
    controller, _ = smtp_server
    return make_app(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port,
                    SMTP_STARTTLS=False, MAIL_FROM="Trial Office <no-reply@trials.example.org>")


@pytest.fixture
def owner(make_user, make_org):
    user = make_user("owner@acme.org", name="Olive Owner")
    make_org("acme", owner=user, name="Acme Trials")
    return user


def invite(client, email):
    return submit_form(client, "/o/acme/members", {"email": email, "role": "member"},
                       action="/o/acme/members/invitations")


def test_an_invitation_email_arrives_with_a_link_that_works(app, owner, login_as, smtp_server):
    _, inbox = smtp_server
    assert invite(login_as(owner), "New@Example.org").status_code == 201
    [mail] = inbox.mails
    assert mail["X-RcptTo"] == "new@example.org" and mail["To"] == "new@example.org"
    assert mail["Subject"] == "Olive Owner invited you to join Acme Trials on Trial Office"
    assert mail["From"] == "Trial Office <no-reply@trials.example.org>"
    body = mail.get_payload(decode=True).decode()
    link = re.search(r"http://localhost/invite/\S+", body).group(0)

    newcomer = app.test_client()
    path = urlsplit(link).path
    assert "Acme Trials" in newcomer.get(path).get_data(as_text=True)
    r = submit_form(newcomer, path, {"name": "Nina New", "password": "correct horse 42"},
                    action=f"{path}/signup")
    assert r.status_code == 302 and r.headers["Location"].endswith("/o/acme/")
    with app.app_context():
        user = db_session().scalar(select(User).where(User.email == "new@example.org"))
        assert db_session().scalar(select(Membership).where(Membership.user_id == user.id)).role == "member"


def test_a_server_that_is_down_does_not_break_the_request(app, owner, login_as, smtp_server, caplog):
    controller, inbox = smtp_server
    controller.stop()
    with caplog.at_level(logging.ERROR, logger="host.after_commit"):
        r = invite(login_as(owner), "new@example.org")
    assert r.status_code == 201 and "/invite/" in r.get_data(as_text=True)
    assert "failed after its transaction committed" in caplog.text and inbox.mails == []
