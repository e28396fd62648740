"""The host's :class:`sdk.notifications.Notifications`: what ``services().notifications`` is."""
from __future__ import annotations

from collections.abc import Iterable

from sdk.notifications import Notifications, check_notification
from sdk.tenancy import current_org_id

from ..db import db_session
from ..models import Organization
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
