"""Who may do what in a tool: owners and admins hold every permission, members those granted."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from .db import db_session
from .models import MemberPermission, Membership


def has_tool_permission(membership: Membership | None, tool_key: str, permission: str) -> bool:
    if membership is None:
        return False
    if membership.is_admin:
        return True
    manifest = current_app.extensions["trialoffice.registry"].manifest(tool_key)
    declared = {p.key: p for p in manifest.permissions} if manifest else {}
    if permission not in declared:
        return False
    if declared[permission].default_for_members:
        return True
    return db_session().scalar(
        select(MemberPermission.id).where(
            MemberPermission.membership_id == membership.id,
            MemberPermission.tool_key == tool_key,
            MemberPermission.permission == permission,
        )
    ) is not None
