"""The host's :class:`sdk.notifications.Notifications`: what ``services().notifications`` is."""
from __future__ import annotations

from collections.abc import Iterable

from sdk import org_scope
from sdk.notifications import Notifications, check_notification
from sdk.tenancy import current_org_id
from sdk.tenancy.grant_lookup import granting_owner
from sdk.tool import running_tool_key

from ..db import db_session
from ..members.roles import members_of
from ..models import Organization
from ..permissions import has_tool_permission, record_scope
from ..sharing.reach import grantees_covering
from .service import deliver, members_among


class HostNotifications(Notifications):
    def notify(self, user_ids: Iterable[int], *, kind: str, subject: str, body: str,
               link: str | None = None) -> int:
        """Recipients are resolved in the current organization only, so that a tool cannot reach
        people of organizations it does not serve."""
        check_notification(kind, subject, body, link)
        org_id = current_org_id()
        if org_id is None:
            raise RuntimeError("notifications of a tool need an organization in scope")
        session = db_session()
        recipients = members_among(session, org_id, user_ids)
        return len(deliver(session, recipients, org=session.get(Organization, org_id), kind=kind,
                           subject=subject, body=body, link=link))

    def notify_holders(self, permission: str, record, *, kind: str, subject: str, body: str = "",
                       link: str | None = None) -> int:
        tool_key = running_tool_key()
        if tool_key is None:
            raise RuntimeError("notify_holders names a permission of the running tool; no tool's code runs")
        return notify_holders_of(tool_key, permission, record, kind=kind, subject=subject, body=body, link=link)


def notify_holders_of(tool_key: str, permission: str, record, *, kind: str, subject: str, body: str = "",
                      link: str | None = None) -> int:
    """Everyone holding ``tool_key``'s ``permission`` on ``record`` across its grants.

    Each organization's people are resolved and notified inside that organization's scope (its
    grants and roles are what ``can`` reads for them), and each notification names the
    recipient's organization. A person in several of these organizations is notified once, by
    the first of them (the owner first).
    """
    check_notification(kind, subject, body, link)
    org_id = current_org_id()
    if org_id is None:
        raise RuntimeError("notifications of a tool need an organization in scope")
    session = db_session()
    session.flush()  # an unsaved record gets its owner and coordinates, as the caller's organization
    scope = record_scope(record)
    if scope.org_id != org_id and granting_owner(session, record, org_id, writable=False) != scope.org_id:
        raise PermissionError("the record is neither this organization's nor shared with it")
    acting = session.get(Organization, org_id)
    with org_scope(scope.org_id):
        org_ids = [scope.org_id]
        if scope.record_type is not None:
            org_ids += grantees_covering(session, scope.org_id, tool_key, scope.record_type, scope.record_id,
                                         site_id=scope.site_id, has_site=scope.has_site)
    notified: set[int] = set()
    for recipient_org_id in org_ids:
        with org_scope(recipient_org_id):
            org = session.get(Organization, recipient_org_id)
            holders = [m.user for m in members_of(session, recipient_org_id)
                       if m.user_id not in notified and has_tool_permission(m, tool_key, permission, record)]
            if holders:
                written = deliver(session, holders, org=org, kind=kind, subject=subject, body=body,
                                  link=_link_in(link, acting.slug, org.slug))
                notified |= {n.user_id for n in written}
    return len(notified)


def _link_in(link: str | None, from_slug: str, to_slug: str) -> str | None:
    """The same page in the recipient's organization: ``/o/<from>/...`` becomes ``/o/<to>/...``."""
    if link is None or from_slug == to_slug:
        return link
    for prefix in ("/o/", "/api/v1/o/"):
        if link.startswith(f"{prefix}{from_slug}/"):
            return f"{prefix}{to_slug}/" + link[len(f"{prefix}{from_slug}/"):]
    return link
