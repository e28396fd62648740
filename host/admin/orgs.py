"""Organizations across the platform: the list, and one organization's members and licenses."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select

from sdk.tenancy import all_organizations

from ..db import db_session
from ..licensing import LicensingError
from ..models import ORG_TYPES, License, Membership, Organization, OrgTool, User
from .blueprint import bp, registry
from .licenses import change_from_form
from .paging import paginate


@bp.get("/orgs")
def orgs():
    session = db_session()
    query = request.args.get("q", "").strip()[:100]
    org_type = request.args.get("type", "")
    members = (select(Membership.org_id, func.count().label("members"))
               .group_by(Membership.org_id).subquery())
    stmt = (select(Organization, func.coalesce(members.c.members, 0))
            .outerjoin(members, members.c.org_id == Organization.id).order_by(Organization.name))
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(or_(func.lower(Organization.name).like(like), Organization.slug.like(like)))
    if org_type in ORG_TYPES:
        stmt = stmt.where(Organization.type == org_type)
    page = paginate(session, stmt)
    org_ids = [row[0].id for row in page.items]
    tools: dict[int, list[License]] = {}
    with all_organizations():
        for lic in session.scalars(select(License).where(License.org_id.in_(org_ids))
                                   .order_by(License.tool_key)):
            tools.setdefault(lic.org_id, []).append(lic)
    return render_template("admin/orgs.html", page=page, tools=tools, query=query,
                           org_type=org_type, org_types=ORG_TYPES)


def _org_or_404(slug: str) -> Organization:
    org = db_session().scalar(select(Organization).where(Organization.slug == slug))
    if org is None:
        abort(404, "There is no such organization.")
    return org


def _render_org(org: Organization, status: int = 200):
    session = db_session()
    members = session.execute(
        select(Membership, User).join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org.id).order_by(User.email)).all()
    with all_organizations():
        licenses = list(session.scalars(select(License).where(License.org_id == org.id)
                                        .order_by(License.tool_key)))
        enabled = set(session.scalars(select(OrgTool.tool_key).where(
            OrgTool.org_id == org.id, OrgTool.enabled.is_(True))))
    grantable = sorted((r.manifest for r in registry().available()), key=lambda m: m.name.casefold())
    return render_template("admin/org_detail.html", org=org, members=members, licenses=licenses,
                           enabled=enabled, grantable=grantable, form=request.form), status


@bp.get("/orgs/<slug>")
def org_detail(slug: str):
    return _render_org(_org_or_404(slug))


@bp.post("/orgs/<slug>/grant")
def grant_license(slug: str):
    """Grant (or renew) a license for one tool from the organization's page."""
    org = _org_or_404(slug)
    tool_key = request.form.get("tool", "")
    try:
        lic = change_from_form(org, tool_key, "grant")
    except LicensingError as exc:
        db_session().rollback()
        flash(str(exc), "error")
        return _render_org(org, 422)
    flash(f"Granted {registry().manifest(tool_key).name} to {org.name}.", "success")
    return redirect(url_for("admin.license_detail", license_id=lic.id), 303)
