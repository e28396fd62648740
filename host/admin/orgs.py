"""Organizations across the platform: the list, and one organization's members and licenses."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select

from sdk.tables import Column, table_page
from sdk.tenancy import all_organizations

from ..db import db_session
from ..licensing import LicensingError
from ..models import ORG_TYPES, License, Membership, Organization, OrgTool, User
from .blueprint import PER_PAGE, bp, registry
from .forms import OrgFilter, OrgGrantForm, choices
from .licenses import change_from_form

MEMBERS = (select(Membership.org_id, func.count().label("members")).group_by(Membership.org_id)
           .subquery("member_counts"))
MEMBER_COUNT = func.coalesce(MEMBERS.c.members, 0)

ORG_COLUMNS = (
    Column("name", "Organization", Organization.name), Column("type", "Type", Organization.type, width="9rem"),
    Column("members", "Members", MEMBER_COUNT, numeric=True, width="6rem"), Column("tools", "Tools", width="16rem"),
    Column("created", "Created", Organization.created_at, width="8rem"))


@bp.get("/orgs")
def orgs():
    session = db_session()
    filters = OrgFilter(request.args)
    filters.type.choices = choices(ORG_TYPES, "All types", ORG_TYPES.get)
    query, org_type = filters.value("q")[:100], filters.value("type")
    stmt = select(Organization, MEMBER_COUNT).outerjoin(MEMBERS, MEMBERS.c.org_id == Organization.id)
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(or_(func.lower(Organization.name).like(like), Organization.slug.like(like)))
    if org_type:
        stmt = stmt.where(Organization.type == org_type)
    page = table_page(session, stmt, ORG_COLUMNS, default_sort="name", per_page=PER_PAGE,
                      tiebreak=Organization.id, scalars=False)
    org_ids = [row[0].id for row in page.items]
    tools: dict[int, list[License]] = {}
    with all_organizations():
        for lic in session.scalars(select(License).where(License.org_id.in_(org_ids))
                                   .order_by(License.tool_key)):
            tools.setdefault(lic.org_id, []).append(lic)
    return render_template("admin/orgs.html", page=page, tools=tools, filters=filters,
                           filtered=bool(query or org_type))


def _org_or_404(slug: str) -> Organization:
    org = db_session().scalar(select(Organization).where(Organization.slug == slug))
    if org is None:
        abort(404, "There is no such organization.")
    return org


def _grantable():
    return sorted((r.manifest for r in registry().available()), key=lambda m: m.name.casefold())


def _render_org(org: Organization, form: OrgGrantForm | None = None, status: int = 200):
    session = db_session()
    members = session.execute(
        select(Membership, User).join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org.id).order_by(User.email)).all()
    with all_organizations():
        licenses = list(session.scalars(select(License).where(License.org_id == org.id)
                                        .order_by(License.tool_key)))
        enabled = set(session.scalars(select(OrgTool.tool_key).where(
            OrgTool.org_id == org.id, OrgTool.enabled.is_(True))))
    grantable = _grantable()
    form = form or OrgGrantForm(formdata=None, id_prefix="grant-")
    return render_template("admin/org_detail.html", org=org, members=members, licenses=licenses,
                           enabled=enabled, grantable=grantable, form=form.setup(grantable)), status


@bp.get("/orgs/<slug>")
def org_detail(slug: str):
    return _render_org(_org_or_404(slug))


@bp.post("/orgs/<slug>/grant")
def grant_license(slug: str):
    """Grant (or renew) a license for one tool from the organization's page."""
    org = _org_or_404(slug)
    form = OrgGrantForm(id_prefix="grant-").setup(_grantable())
    if form.validate_on_submit():
        try:
            lic = change_from_form(org, form.tool.data, "grant", form)
        except LicensingError as exc:
            db_session().rollback()
            form.refuse(str(exc))
        else:
            flash(f"Granted {registry().manifest(form.tool.data).name} to {org.name}.", "success")
            return redirect(url_for("admin.license_detail", license_id=lic.id), 303)
    return _render_org(org, form, 422)
