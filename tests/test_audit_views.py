"""Viewing and exporting the audit trail: filters, CSV, PDF, API, and tenant isolation."""
import csv
import io

import pytest

from tests.compliance_helpers import create_record


@pytest.fixture
def two_orgs(make_app, make_user, make_org, grant_license, login_as, add_member):
    app = make_app(plugins=["testtool"])
    alice, bob = make_user("alice@a.example.org"), make_user("bob@b.example.org")
    org_a, org_b = make_org("org-a", owner=alice), make_org("org-b", owner=bob)
    for org in (org_a, org_b):
        grant_license(org, "testtool", enable=True)
    a_client, b_client = login_as(alice), login_as(bob)
    create_record(a_client, "org-a", "Alpha protocol deviation")
    create_record(b_client, "org-b", "Bravo secret finding")
    member = make_user("member@a.example.org")
    add_member(org_a, member)
    return app, a_client, b_client, login_as(member), org_a, org_b


def test_org_admin_sees_only_own_trail_on_every_surface(two_orgs):
    app, a_client, b_client, member_client, org_a, org_b = two_orgs
    page = a_client.get("/o/org-a/audit").get_data(as_text=True)
    assert "Alpha protocol deviation" in page and "Bravo secret finding" not in page
    exported = a_client.get("/o/org-a/audit/export.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert rows and {r["organization"] for r in rows} == {"org-a"}
    assert "Bravo" not in exported
    pdf = a_client.get("/o/org-a/audit/export.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert a_client.get("/o/org-b/audit").status_code == 404
    assert a_client.get("/o/org-b/audit/export.csv").status_code == 404
    api = a_client.get("/api/v1/o/org-a/audit").get_json()
    assert api["entries"] and all("Bravo" not in str(e) for e in api["entries"])
    assert a_client.get("/api/v1/o/org-b/audit").status_code == 404


def test_api_with_token_is_limited_to_its_org(two_orgs, support, make_user, add_member):
    app, a_client, b_client, member_client, org_a, org_b = two_orgs
    auditor = make_user("auditor@a.example.org")
    add_member(org_a, auditor, role="admin")
    token = support.issue_token(org_a, auditor)
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    ok = client.get("/api/v1/o/org-a/audit", headers=headers)
    assert ok.status_code == 200 and ok.get_json()["entries"]
    other = client.get("/api/v1/o/org-b/audit", headers=headers)
    assert other.status_code == 404 and other.is_json


def test_members_without_admin_role_cannot_read_the_trail(two_orgs):
    app, a_client, b_client, member_client, org_a, org_b = two_orgs
    assert member_client.get("/o/org-a/audit").status_code == 403
    assert member_client.get("/o/org-a/audit/export.csv").status_code == 403
    assert member_client.get("/api/v1/o/org-a/audit").status_code == 403


def test_filters_narrow_the_trail(two_orgs):
    app, a_client, *_ = two_orgs
    only_testtool = a_client.get("/o/org-a/audit?tool=testtool").get_data(as_text=True)
    assert "Alpha protocol deviation" in only_testtool
    by_user = a_client.get("/o/org-a/audit?user=nobody@").get_data(as_text=True)
    assert "No audit entries match" in by_user
    future = a_client.get("/o/org-a/audit?date_from=2999-01-01").get_data(as_text=True)
    assert "No audit entries match" in future
    bad = a_client.get("/o/org-a/audit?date_from=yesterday")
    assert bad.status_code == 400 and "date" in bad.get_data(as_text=True)


def test_platform_admin_sees_all_organizations(two_orgs, make_user, login_as):
    app, a_client, *_ = two_orgs
    admin = login_as(make_user("root@platform.example.org", platform_admin=True))
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "Alpha protocol deviation" in page and "Bravo secret finding" in page
    only_b = admin.get("/admin/audit?org=org-b").get_data(as_text=True)
    assert "Bravo secret finding" in only_b and "Alpha protocol deviation" not in only_b
    assert admin.get("/admin/audit/export.csv").status_code == 200
    assert a_client.get("/admin/audit").status_code == 404


def test_bad_filters_are_all_named_beside_their_fields_in_the_page_and_the_api(two_orgs, make_user, login_as):
    app, a_client, *_ = two_orgs
    bad = a_client.get("/o/org-a/audit?date_from=yesterday&date_to=soon&user=alice")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "These filters cannot be used (2)" in html
    assert html.count('class="field-error"') == 2 and 'value="alice"' in html, "values are kept"
    assert "From must be a date like 2026-01-31." in html and "To must be a date like 2026-01-31." in html
    backwards = a_client.get("/o/org-a/audit?date_from=2026-02-01&date_to=2026-01-01").get_data(as_text=True)
    assert "The end date is before the start date." in backwards
    api = a_client.get("/api/v1/o/org-a/audit?date_from=2026-02-01&date_to=2026-01-01")
    assert api.status_code == 422 and api.get_json()["fields"] == {"date_to": ["The end date is before the start date."]}
    admin = login_as(make_user("root@platform.example.org", platform_admin=True))
    unknown = admin.get("/admin/audit?org=nobody&date_to=never").get_data(as_text=True)
    assert "There is no organization &#39;nobody&#39;." in unknown and "To must be a date" in unknown


def test_the_trail_sorts_by_a_column_and_pages(two_orgs):
    app, a_client, *_ = two_orgs
    html = a_client.get("/o/org-a/audit?sort=action").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html and "sort=-action" in html
    actions = [chunk.split('"')[0] for chunk in html.split('data-action="')[1:]]
    assert actions == sorted(actions)
    odd = a_client.get("/o/org-a/audit?sort=nonsense&page=999")
    assert odd.status_code == 200 and 'aria-sort="descending"' in odd.get_data(as_text=True)
