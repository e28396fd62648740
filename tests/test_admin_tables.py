"""The console's lists on the kit's table (issue 10, item 2): sortable columns, pages, filters kept in
the links, an unknown sort falling back, and an empty state that says what to do next."""
from __future__ import annotations

import re

import pytest

ORGS = {"bravo": "Bravo Sites", "alpha": "Alpha Pharma", "charlie": "Charlie CRO"}


@pytest.fixture
def world(app, make_user, make_org, add_member, login_as):
    orgs = {slug: make_org(slug, owner=make_user(f"owner@{slug}.org"), name=name) for slug, name in ORGS.items()}
    for n in range(2):
        add_member(orgs["charlie"], make_user(f"member{n}@charlie.org"))
    return {"app": app, "orgs": orgs, "admin": login_as(make_user("root@platform.org", platform_admin=True))}


def order(html: str, attribute: str) -> list[str]:
    return re.findall(rf'{attribute}="([^"]+)"', html)


def get(world, url: str) -> str:
    response = world["admin"].get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_organizations_sort_by_a_column_either_way(world):
    assert order(get(world, "/admin/orgs"), "data-org") == ["alpha", "bravo", "charlie"]
    assert order(get(world, "/admin/orgs?sort=-name"), "data-org") == ["charlie", "bravo", "alpha"]
    by_members = order(get(world, "/admin/orgs?sort=-members"), "data-org")
    assert by_members[0] == "charlie"  # three members
    html = get(world, "/admin/orgs?sort=-name")
    header = html[html.index('aria-sort="descending"'):]
    assert header.index("Organization") < header.index("</th>")


@pytest.mark.parametrize("sort", ["bogus", "-", "tools", "name;drop", ""])
def test_an_unknown_or_unsortable_column_falls_back_to_the_default(world, sort):
    html = get(world, f"/admin/orgs?sort={sort}")
    assert order(html, "data-org") == ["alpha", "bravo", "charlie"]
    assert 'aria-sort="ascending"' in html


def test_lists_page_and_keep_their_filters_and_sort_in_the_links(world, monkeypatch):
    monkeypatch.setattr("host.admin.orgs.PER_PAGE", 2)
    first = get(world, "/admin/orgs?sort=-name&type=sponsor&q=")
    assert "1–2 of 3 organizations · page 1 of 2" in first
    assert order(first, "data-org") == ["charlie", "bravo"]
    next_link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "page=2" in next_link and "sort=-name" in next_link and "type=sponsor" in next_link
    second = get(world, "/admin/orgs?sort=-name&page=2")
    assert order(second, "data-org") == ["alpha"] and "3–3 of 3 organizations" in second
    assert order(get(world, "/admin/orgs?sort=-name&page=99"), "data-org") == ["alpha"]  # the last page
    assert order(get(world, "/admin/orgs?page=abc"), "data-org") == ["alpha", "bravo"]
    sort_link = re.search(r'href="([^"]+)" class="sort-link">Members', get(world, "/admin/orgs?type=sponsor")).group(1)
    assert "type=sponsor" in sort_link and "sort=members" in sort_link


def test_users_and_licenses_sort(world, grant_license):
    emails = order(get(world, "/admin/users?sort=-email"), "data-user")
    assert emails == sorted(emails, reverse=True) and len(emails) == 6
    grant_license(world["orgs"]["alpha"], "testtool", seats=7)
    grant_license(world["orgs"]["bravo"], "testtool", seats=2, status="suspended")
    by_seats = get(world, "/admin/licenses?sort=-seats")
    assert by_seats.index("Alpha Pharma") < by_seats.index("Bravo Sites")
    by_seats = get(world, "/admin/licenses?sort=seats")
    assert by_seats.index("Bravo Sites") < by_seats.index("Alpha Pharma")
    by_status = get(world, "/admin/licenses?sort=-status")
    assert by_status.index("Bravo Sites") < by_status.index("Alpha Pharma")  # suspended after active
    assert "Suspended" in by_status and ">suspended<" not in by_status  # words, not codes


def test_plugins_sort_by_key(world):
    keys = order(get(world, "/admin/plugins?sort=-key"), "data-plugin")
    assert keys == sorted(keys, reverse=True) and "testtool" in keys


@pytest.mark.parametrize("url, text, action", [
    ("/admin/licenses", "No organization holds a license yet. Grant one from an organization&#39;s page.",
     "Find an organization"),
    ("/admin/licenses?org=nosuch", "No licenses match these filters.", "Clear the filters"),
    ("/admin/orgs?q=zzz", "No organizations match these filters.", "Clear the filters"),
    ("/admin/users?q=zzz", "No users match this search.", "Show every user"),
    ("/admin/billing/invoices", "No invoices yet. One is issued when an organization buys a tool by invoice.", None),
    ("/admin/billing/invoices?status=paid", "No invoices match.", "Clear the filters"),
    ("/admin/events", "No failing or dead deliveries: every event was handled.", None),
    ("/admin/events?state=dead", "No failing or dead deliveries match these filters.", "Clear the filters")])
def test_empty_lists_say_what_to_do_next(world, url, text, action):
    html = get(world, url)
    empty = html[html.index('<div class="empty">'):]
    empty = empty[:empty.index("</div>")]
    assert text in empty
    if action:
        assert f">{action}</a>" in empty
    assert "<table" not in html[html.index("<main"):] or "data-table" not in html
