"""Apps that write their email to a folder, and reading that folder back."""
from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from host.db import db_session
from sdk import services
from sdk.tenancy import org_scope

BASE_URL = "https://trials.example.org"


def mail_app(make_app, folder: Path, **config):
    return make_app(MAIL_BACKEND="file", MAIL_DIR=str(folder), BASE_URL=BASE_URL, **config)


def mails(folder: Path) -> list[EmailMessage]:
    if not folder.exists():
        return []
    return [message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(folder.glob("*.eml"))]


def notify(app, org, user_ids, *, kind="testtool.reminder", subject="Visit due", body="Subject 7 is due.",
           link="/o/acme", commit=True) -> int:
    """Notify through the SDK call, as a tool does, in the organization's scope."""
    with app.app_context(), org_scope(org.id):
        count = services().notifications.notify(user_ids, kind=kind, subject=subject, body=body, link=link)
        if commit:
            db_session().commit()
        else:
            db_session().rollback()
        return count
