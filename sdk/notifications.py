"""Notifications: tell people something, in the app and by email, with one call.

A tool declares each kind of notification it sends (people choose per kind whether they also
want it by email), then notifies members of the current organization, or everyone who holds a
permission on a record shared between organizations::

    from sdk import services, tool
    from sdk.notifications import declare_kind

    QUERY_RAISED = declare_kind("edc.query_raised", "A query was raised on your data")

    services().notifications.notify(
        [coordinator_id], kind=QUERY_RAISED.key, subject="Query on subject 0042",
        body="Visit 3, weight: value out of range.", link=url_for("edc.query", query_id=q.id))
    # everyone holding the tool's "review" permission on a shared record, in every organization:
    tool().notifications.notify_holders("review", visit, kind=QUERY_RAISED.key,
                                        subject="Query on subject 0042")

The notification is written in the caller's transaction; its email goes out only after that
transaction commits (never for a rolled-back change), and a failed email never fails the caller.
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")
MAX_KIND_LENGTH = 64
MAX_SUBJECT_LENGTH = 200
MAX_BODY_LENGTH = 5000
MAX_LINK_LENGTH = 500


@dataclass(frozen=True)
class NotificationKind:
    """What a person opts in or out of: ``key`` is ``<tool>.<name>`` for a tool, a bare name for
    the platform; ``label`` is shown on the preferences page. ``always_email`` is for the few
    notifications whose email is the only copy of what they carry (an invitation's link)."""

    key: str
    label: str
    description: str = ""
    always_email: bool = False


class NotificationError(ValueError):
    """An undeclared kind, or a subject, body or link that cannot be sent."""


NOTIFICATION_KINDS: dict[str, NotificationKind] = {}


def declare_kind(key: str, label: str, description: str = "", *, always_email: bool = False) -> NotificationKind:
    """Declare a kind once, at import; declaring it again replaces the label."""
    if len(key) > MAX_KIND_LENGTH or not KIND_PATTERN.match(key):
        raise NotificationError(f"notification kind {key!r} must look like 'tool.name' (a-z, 0-9, _)")
    kind = NotificationKind(key, label, description, always_email)
    NOTIFICATION_KINDS[key] = kind
    return kind


def check_notification(kind: str, subject: str, body: str, link: str | None) -> None:
    """Refuse an undeclared kind, an empty or long subject, a long body, or a link leaving the app."""
    if kind not in NOTIFICATION_KINDS:
        raise NotificationError(f"notification kind {kind!r} is not declared (sdk.notifications.declare_kind)")
    if not subject.strip() or len(subject) > MAX_SUBJECT_LENGTH or "\n" in subject or "\r" in subject:
        raise NotificationError(f"a subject is one line of 1 to {MAX_SUBJECT_LENGTH} characters")
    if len(body) > MAX_BODY_LENGTH:
        raise NotificationError(f"a body is at most {MAX_BODY_LENGTH} characters of plain text")
    if link is not None and (not link.startswith("/") or link.startswith("//") or "\\" in link
                             or len(link) > MAX_LINK_LENGTH or any(c.isspace() for c in link)):
        raise NotificationError("a link is a path inside the app, such as url_for(...) returns")


class Notifications(ABC):
    """In-app notifications with email, sent by the platform and by tools."""

    @abstractmethod
    def notify(self, user_ids: Iterable[int], *, kind: str, subject: str, body: str,
               link: str | None = None) -> int:
        """Notify members of the current organization; returns how many were notified.

        ``kind`` is a declared kind; ``subject`` one line; ``body`` plain text (never HTML);
        ``link`` a path inside the app (``url_for(...)``) that the notification opens. Each
        person sees it in their notification centre and gets it by email unless they turned email
        off for ``kind``. Raises :class:`NotificationError` for a bad notification and
        ``PermissionError`` for a user who is not a member of the current organization.
        """

    @abstractmethod
    def notify_holders(self, permission: str, record, *, kind: str, subject: str, body: str = "",
                       link: str | None = None) -> int:
        """Notify everyone who holds the running tool's ``permission`` on ``record``, in every
        organization that works on it; returns how many people were notified.

        The people are the members of the record's owner and of each organization holding an
        active grant that covers the record (a grant limited to a site only for that site's
        rows) who hold ``permission`` on it by the rule of ``tool().can(permission, record)``.
        ``record`` must be the current organization's own or shared with it (else
        ``PermissionError``). Each person gets the notification under their own organization,
        with a ``link`` starting ``/o/<current org>/`` pointed at theirs, and by email unless they
        turned email off for ``kind``; written in the caller's transaction like :meth:`notify`.
        """


# The platform's own kinds, sent by the host.
INVITATION = declare_kind("invitation", "Invitations to join an organization",
                          "Sent to the invited address; the email carries the link to accept.",
                          always_email=True)
TRIAL_ENDING = declare_kind("trial_ending", "A free trial is about to end",
                            "Sent to an organization's owners and admins a few days before.")
INVOICE_ISSUED = declare_kind("invoice_issued", "An invoice was issued",
                              "Sent to an organization's owners and admins.")
LICENSE_SUSPENDED = declare_kind("license_suspended", "A tool's license was suspended",
                                 "Sent to an organization's owners and admins.")
