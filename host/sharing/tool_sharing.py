"""The host's :class:`sdk.sharing.ToolSharing`: one tool's grants, as ``tool().sharing``."""
from __future__ import annotations

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import inspect, select

from sdk.sharing import GrantInfo, ShareError, ToolSharing
from sdk.tenancy import current_org_id, sharing_of

from ..db import db_session
from ..models import Organization, ShareGrant, User
from . import grants
from .own_team import own_team, set_own_team


class HostToolSharing(ToolSharing):
    def __init__(self, key: str):
        self._key = key

    def share(self, record, *, with_org, roles, site_id=None, site_label=None, label=None,
              message=None) -> GrantInfo:
        sharing = sharing_of(type(record))
        if sharing is None or sharing.via != inspect(record).mapper.primary_key[0].key:
            raise ShareError(f"{type(record).__name__} is not a record that can be shared "
                             "(its model needs __sharing__ = Sharing(\"<tool>.<record>\"))")
        if sharing.tool_key != self._key:
            raise ShareError(f"{type(record).__name__} belongs to tool {sharing.tool_key!r}, not {self._key!r}")
        session = db_session()
        owner = _current_org(session)
        if record.org_id != owner.id:
            raise ShareError("Only the organization that owns a record can share it.")
        grant = grants.invite(session, owner=owner, grantee_slug=with_org, tool_key=self._key,
                              record_type=sharing.record_type, record_id=record.id,
                              record_label=label or str(record), roles=roles, site_id=site_id,
                              site_label=site_label, message=message, by=_acting_user(session))
        return grants.info(grant)

    def grants_of(self, record) -> list[GrantInfo]:
        sharing = sharing_of(type(record))
        if sharing is None:
            return []
        rows = db_session().scalars(select(ShareGrant).where(
            ShareGrant.owner_org_id == current_org_id(), ShareGrant.record_type == sharing.record_type,
            ShareGrant.record_id == record.id, ShareGrant.status.in_(grants.OPEN_STATUSES))
            .order_by(ShareGrant.id))
        return [grants.info(row) for row in rows]

    def received(self) -> list[GrantInfo]:
        rows = db_session().scalars(select(ShareGrant).where(
            ShareGrant.grantee_org_id == current_org_id(), ShareGrant.tool_key == self._key,
            ShareGrant.status == "active").order_by(ShareGrant.id))
        return [grants.info(row) for row in rows]

    def revoke(self, grant_id: int) -> None:
        session = db_session()
        grant = session.scalar(select(ShareGrant).where(
            ShareGrant.id == grant_id, ShareGrant.owner_org_id == current_org_id(),
            ShareGrant.tool_key == self._key))
        if grant is None:
            raise ShareError("No such share of this organization.")
        grants.end(session, grant, _acting_user(session), by_grantee=False)

    def team(self, record):
        return own_team(db_session(), self._key, record)

    def set_team(self, record, roles_by_user):
        return set_own_team(db_session(), self._key, record, roles_by_user)


def _current_org(session) -> Organization:
    org_id = current_org_id()
    if org_id is None:
        raise ShareError("Sharing needs an organization in scope.")
    return session.get(Organization, org_id)


def _acting_user(session) -> User | None:
    if has_request_context() and current_user.is_authenticated:
        return session.get(User, current_user.id)
    return None
