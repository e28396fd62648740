"""Query budget: a page costs the same number of SQL statements whatever the size of the platform.

Counted with a ``before_cursor_execute`` event on the app's engine, on the second request (the
first one warms the per-process tool-state cache), once with 1 organization and 1 tool, once with
500 organizations (owners, memberships, licenses, records) and 20 tools enabled.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, insert, select

from host.db import get_db
from host.models import License, Membership, Organization, OrgTool, User
from sdk import all_organizations
from sdk.models import utcnow
from tests.generated_tools import make_tools
from tests.plugins.testtool.models import TestRecord
from tests.runtime_fixtures import signed_in, support_of

BULK_ORGS = 499
GENERATED_TOOLS = 19
PAGES = ("/o/acme/testtool/", "/o/acme/", "/api/v1/o/acme/testtool/records")


def statements_of(app, client, url: str, headers: dict) -> list[str]:
    """The SQL statements of one warm request to ``url``."""
    assert client.get(url, headers=headers).status_code == 200, url
    engine = get_db(app).engine
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(url, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200, url
    return seen


def measure(app, owner, org) -> dict[str, list[str]]:
    client = signed_in(app, owner)
    token = {"Authorization": f"Bearer {support_of(app).issue_token(org, owner)}"}
    return {url: statements_of(app, client if "/api/" not in url else app.test_client(), url,
                               token if "/api/" in url else {})
            for url in PAGES}


def seed_platform(app, tool_keys: list[str], member_id: int) -> None:
    """499 more organizations, each with an owner, every tool licensed and on, and a record;
    the measured user also belongs to ten of them."""
    now, until = utcnow(), utcnow() + timedelta(days=30)
    with all_organizations(), get_db(app).engine.begin() as conn:  # seeds every org at once
        conn.execute(insert(User.__table__), [
            {"email": f"owner{i}@bulk.test", "name": f"Owner {i}", "password_hash": "!unusable"}
            for i in range(BULK_ORGS)])
        users = dict(conn.execute(select(User.email, User.id).where(User.email.like("%@bulk.test"))).all())
        conn.execute(insert(Organization.__table__), [
            {"slug": f"bulk-{i:03d}", "name": f"Bulk {i}", "type": "cro", "tools_version": 1}
            for i in range(BULK_ORGS)])
        orgs = dict(conn.execute(select(Organization.slug, Organization.id)
                                 .where(Organization.slug.like("bulk-%"))).all())
        memberships = [{"org_id": orgs[f"bulk-{i:03d}"], "user_id": users[f"owner{i}@bulk.test"],
                        "role": "owner"} for i in range(BULK_ORGS)]
        memberships += [{"org_id": orgs[f"bulk-{i:03d}"], "user_id": member_id, "role": "member"}
                        for i in range(10)]
        conn.execute(insert(Membership.__table__), memberships)
        conn.execute(insert(License.__table__), [
            {"org_id": org_id, "tool_key": key, "plan_code": "basic", "status": "active", "seats": 1,
             "valid_until": until, "created_at": now, "updated_at": now}
            for org_id in orgs.values() for key in tool_keys])
        conn.execute(insert(OrgTool.__table__), [
            {"org_id": org_id, "tool_key": key, "enabled": True, "changed_at": now}
            for org_id in orgs.values() for key in tool_keys])
        conn.execute(insert(TestRecord.__table__), [
            {"org_id": org_id, "title": f"record of {org_id}"} for org_id in orgs.values()])


@pytest.fixture
def small_and_large(app_with, fast_user):
    """Statements per page: with 1 organization and only the test tool, then at full size."""
    owner = fast_user("owner@acme.org")
    small_app = app_with(plugins=["testtool"])
    support = support_of(small_app)
    org = support.create_org("acme", owner=owner)
    support.grant_license(org, "testtool", enable=True)
    small = measure(small_app, owner, org)

    tools = make_tools(GENERATED_TOOLS)
    keys = ["testtool", *(tool.manifest.key for tool in tools)]
    large_app = app_with(*tools, plugins=keys)
    for key in keys[1:]:
        support_of(large_app).grant_license(org, key, enable=True)
    seed_platform(large_app, keys, owner.id)
    large = measure(large_app, owner, org)
    return small, large, large_app


def test_statement_count_does_not_grow_with_organizations_or_tools(small_and_large):
    small, large, large_app = small_and_large
    assert len(large_app.extensions["trialoffice.registry"].available()) == 1 + GENERATED_TOOLS
    for url in PAGES:
        assert small[url], f"the counter saw no statements for {url}"
        assert len(large[url]) == len(small[url]), "\n".join(
            [url, "with 1 organization and 1 tool:", *small[url], "", "with 500 and 20:", *large[url]])


def test_the_large_case_really_serves_twenty_tools(small_and_large):
    _, _, large_app = small_and_large
    with large_app.app_context():
        owner = get_db(large_app).session.scalar(select(User).where(User.email == "owner@acme.org"))
    page = signed_in(large_app, owner).get("/o/acme/").get_data(as_text=True)
    assert page.count('<section class="widget') == 1 + GENERATED_TOOLS
    assert page.count('<a href="/o/acme/gen') == GENERATED_TOOLS
