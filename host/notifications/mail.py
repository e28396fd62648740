"""Email backends chosen by ``TRIALOFFICE_MAIL_BACKEND``: console (the default), file or smtp.

Messages are plain text, built with the standard library; the backends only deliver them.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from sdk.models import utcnow

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 15


def build_message(*, sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    return message


class ConsoleMailer:
    """Writes each message to the app's log: enough to follow a link on a development machine."""

    def send(self, message: EmailMessage) -> None:
        log.warning("email (console backend, not sent):\n%s", message.as_string())


class FileMailer:
    """Writes each message as an ``.eml`` file into a folder (a shared inbox for a test server)."""

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S%f}-{make_msgid().strip('<>').split('@')[0]}.eml"
        (self.folder / name).write_bytes(message.as_bytes())


class SmtpMailer:
    """Sends through an SMTP server, upgrading to TLS with STARTTLS when told to."""

    def __init__(self, host: str, port: int, *, username: str | None, password: str | None,
                 starttls: bool):
        self.host, self.port = host, port
        self.username, self.password, self.starttls = username, password, starttls

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def mailer_from_config(config) -> ConsoleMailer | FileMailer | SmtpMailer:
    backend = config["MAIL_BACKEND"]
    if backend == "file":
        return FileMailer(config["MAIL_DIR"])
    if backend == "smtp":
        return SmtpMailer(config["SMTP_HOST"], config["SMTP_PORT"], username=config["SMTP_USERNAME"],
                          password=config["SMTP_PASSWORD"], starttls=config["SMTP_STARTTLS"])
    return ConsoleMailer()
