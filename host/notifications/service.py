"""Writing a person's notifications, queueing their email, and reading and marking them.

Every query here names the user: a person sees and marks their own notifications only.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, has_request_context, render_template, request, url_for
from sqlalchemy import func, select

from sdk.models import utcnow
from sdk.notifications import NOTIFICATION_KINDS, check_notification

from ..models import ADMIN_ROLES, Membership, Organization, User
from .delivery import queue_mail
from .mail import build_message
from .models import Notification, NotificationPreference

MAILER_KEY = "trialoffice.mailer"


def app_path(endpoint: str, **values) -> str:
    """A path inside the app, also outside a request (the license sweep, the CLI)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute_url(path: str) -> str:
    """``path`` on the site's address: ``TRIALOFFICE_BASE_URL``, else the request's host."""
    base = current_app.config.get("BASE_URL") or (request.host_url if has_request_context() else "")
    return base.rstrip("/") + path


def email_wanted(session, user_id: int, kind: str) -> bool:
    spec = NOTIFICATION_KINDS.get(kind)
    if spec is not None and spec.always_email:
        return True
    choice = session.scalar(select(NotificationPreference.email).where(
        NotificationPreference.user_id == user_id, NotificationPreference.kind == kind))
    return True if choice is None else choice


def send_email(session, to: str, *, subject: str, body: str, link: str | None = None,
               org_name: str | None = None, with_preferences: bool = True) -> None:
    """Queue a plain-text email for after the session's transaction commits."""
    text = render_template("notifications/email.txt", body=body,
                           link=absolute_url(link) if link else None, org_name=org_name,
                           preferences=absolute_url(app_path("notifications.preferences"))
                           if with_preferences else None)
    message = build_message(sender=current_app.config["MAIL_FROM"], to=to, subject=subject, body=text)
    queue_mail(session, current_app.extensions[MAILER_KEY], message)


def deliver(session, recipients: Iterable[User], *, org: Organization | None, kind: str, subject: str,
            body: str, link: str | None = None, dedupe_key: str | None = None,
            send_mail: bool = True) -> list[Notification]:
    """Write one notification per active recipient, and queue the email of those who want it.

    With ``dedupe_key``, a person who already has a notification with that key gets no other.
    """
    check_notification(kind, subject, body, link)
    written = []
    for user in {u.id: u for u in recipients}.values():
        if not user.active:
            continue
        if dedupe_key and session.scalar(select(Notification.id).where(
                Notification.user_id == user.id, Notification.dedupe_key == dedupe_key)):
            continue
        notification = Notification(user_id=user.id, org_id=org.id if org else None, kind=kind,
                                    subject=subject, body=body, link=link, dedupe_key=dedupe_key)
        session.add(notification)
        written.append(notification)
        if send_mail and email_wanted(session, user.id, kind):
            send_email(session, user.email, subject=subject, body=body, link=link,
                       org_name=org.name if org else None)
    session.flush()
    return written


def org_admins(session, org_id: int) -> list[User]:
    """The owners and admins of an organization: who hears about its licenses and invoices."""
    return list(session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.org_id == org_id, Membership.role.in_(ADMIN_ROLES)).order_by(User.id)))


def members_among(session, org_id: int, user_ids: Iterable[int]) -> list[User]:
    """The users of ``user_ids`` who are members of the organization; refuses anyone else."""
    wanted = {int(user_id) for user_id in user_ids}
    found = list(session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.org_id == org_id, User.id.in_(wanted))))
    strangers = wanted - {user.id for user in found}
    if strangers:
        raise PermissionError(f"users {sorted(strangers)} are not members of this organization")
    return found


def unread_count(session, user_id: int) -> int:
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def notifications_query(user_id: int):
    """A person's notifications, newest first, each with the name of its organization."""
    return (select(Notification, Organization.name)
            .outerjoin(Organization, Organization.id == Notification.org_id)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


def notification_of(session, user_id: int, notification_id: int) -> Notification | None:
    return session.scalar(select(Notification).where(Notification.id == notification_id,
                                                     Notification.user_id == user_id))


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(session, user_id: int) -> int:
    """Mark every unread notification read, one row at a time so that each change is audited."""
    now = utcnow()
    unread = list(session.scalars(select(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))))
    for notification in unread:
        notification.read_at = now
    return len(unread)


def email_choices(session, user_id: int) -> dict[str, bool]:
    """Whether the person wants email, for every kind they can choose."""
    stored = dict(session.execute(select(NotificationPreference.kind, NotificationPreference.email)
                                  .where(NotificationPreference.user_id == user_id)).all())
    return {key: stored.get(key, True) for key, kind in sorted(NOTIFICATION_KINDS.items())
            if not kind.always_email}


def set_email_choices(session, user_id: int, wanted: set[str]) -> None:
    """Store email on for the kinds in ``wanted`` and off for every other choosable kind."""
    rows = {row.kind: row for row in session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user_id))}
    for key in email_choices(session, user_id):
        row = rows.get(key)
        if row is None:
            if key not in wanted:
                session.add(NotificationPreference(user_id=user_id, kind=key, email=False))
        elif row.email != (key in wanted):
            row.email = key in wanted
    session.flush()
