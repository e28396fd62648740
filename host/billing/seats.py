"""Seats of per-seat licenses: which members hold one. Assignment beyond the count is refused.

The gate lets a member into a per-seat tool only with a seat (see ``runtime/gating.py``); flat
plans have no seats to assign.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from sdk.tenancy import org_scope

from ..licensing import LicensingError, _attributed_to, get_license
from ..models import License, Membership, Organization, SeatAssignment, User


def is_per_seat(lic: License | None) -> bool:
    if lic is None:
        return False
    manifest = current_app.extensions["trialoffice.registry"].manifest(lic.tool_key)
    plan = manifest.plan(lic.plan_code) if manifest else None
    return bool(plan and plan.per_seat)


def assigned_count(session, org: Organization, tool_key: str) -> int:
    with org_scope(org.id):
        return session.scalar(select(func.count(SeatAssignment.id)).where(SeatAssignment.tool_key == tool_key))


def seat_holders(session, org: Organization, tool_key: str) -> list[User]:
    with org_scope(org.id):
        ids = session.scalars(select(SeatAssignment.user_id).where(SeatAssignment.tool_key == tool_key))
        ids = list(ids)
    return list(session.scalars(select(User).where(User.id.in_(ids)).order_by(User.email))) if ids else []


def holds_seat(session, org_id: int, tool_key: str, user_id: int) -> bool:
    with org_scope(org_id):
        return session.scalar(select(SeatAssignment.id).where(SeatAssignment.tool_key == tool_key,
                                                              SeatAssignment.user_id == user_id)) is not None


def assign_seat(session, org: Organization, tool_key: str, user: User, actor: User | None = None, *,
                quiet: bool = False) -> SeatAssignment | None:
    """Give ``user`` (a member) a seat; refused when every seat is taken.

    ``quiet`` skips, instead of refusing, when the user already holds one or no seat is free
    (used when a purchase gives the buyer a seat).
    """
    lic = get_license(session, org, tool_key)
    if lic is None or not is_per_seat(lic):
        raise LicensingError("This tool's plan has no seats to assign.")
    if session.scalar(select(Membership.id).where(Membership.org_id == org.id,
                                                  Membership.user_id == user.id)) is None:
        raise LicensingError(f"{user.email} is not a member of {org.name}.")
    in_use = assigned_count(session, org, tool_key)
    if holds_seat(session, org.id, tool_key, user.id):
        if quiet:
            return None
        raise LicensingError(f"{user.email} already holds a seat.")
    if in_use >= lic.seats:
        if quiet:
            return None
        raise LicensingError(f"All {lic.seats} seats are assigned; release a seat or buy more seats "
                             "before assigning another member.")
    with org_scope(org.id), _attributed_to(actor or user):
        seat = SeatAssignment(tool_key=tool_key, user_id=user.id)
        session.add(seat)
        session.flush()
    return seat


def release_seat(session, org: Organization, tool_key: str, user: User, actor: User | None = None) -> None:
    with org_scope(org.id):
        seat = session.scalar(select(SeatAssignment).where(SeatAssignment.tool_key == tool_key,
                                                           SeatAssignment.user_id == user.id))
        if seat is None:
            raise LicensingError(f"{user.email} holds no seat.")
        with _attributed_to(actor):
            session.delete(seat)
            session.flush()
