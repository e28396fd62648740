"""Shared set-up for the compliance tests: an organization using the audited test tool."""
from sqlalchemy import func, select

from host.db import get_db
from host.models import AuditEntry
from sdk.testing import submit_form


def org_with_tool(make_app, make_user, make_org, grant_license, login_as, slug="acme", **config):
    app = make_app(plugins=["testtool"], **config)
    owner = make_user(f"owner@{slug}.example.org", name=f"Olivia Owner {slug}")
    org = make_org(slug, owner=owner)
    grant_license(org, "testtool", enable=True)
    return app, owner, org, login_as(owner)


def create_record(client, slug, title):
    response = submit_form(client, f"/o/{slug}/testtool/", {"title": title})
    assert response.status_code == 200, response.data
    return response


def entries(app, **where):
    session = get_db(app).session
    query = select(AuditEntry).order_by(AuditEntry.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEntry, key) == value)
    rows = list(session.scalars(query))
    session.remove()
    return rows


def entry_count(app) -> int:
    session = get_db(app).session
    count = session.scalar(select(func.count(AuditEntry.id)))
    session.remove()
    return count
