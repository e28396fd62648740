"""Steps an administrator takes on the platform's pages, for a tool's tests: find a member's
membership on the Members page, give them the tool's roles there, accept a share on the Sharing
page. Each goes through the page and its form (with CSRF), as a person would."""
from __future__ import annotations

import re

from .forms import submit_form


def membership_id(client, org_slug: str, email: str) -> int:
    """The id of ``email``'s membership of ``org_slug``, read from its Members page."""
    page = client.get(f"/o/{org_slug}/members").get_data(as_text=True)
    found = re.search(rf'{re.escape(email)}.*?/o/{org_slug}/members/(\d+)/permissions', page, re.S)
    assert found, f"{email} is not on the Members page of {org_slug}"
    return int(found.group(1))


def give_tool_roles(client, org_slug: str, membership: int, tool_key: str, roles) -> None:
    """Give a member organization-wide roles of ``tool_key`` on the Members page."""
    page = f"/o/{org_slug}/members/{membership}/permissions"
    answer = submit_form(client, page, {"role": [f"{tool_key}:{role}" for role in roles]})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]


def accept_share(client, org_slug: str, grant_id: int) -> None:
    """Accept a pending share on ``org_slug``'s Sharing page, as ``client``'s admin."""
    answer = submit_form(client, f"/o/{org_slug}/sharing", {}, action=f"/o/{org_slug}/sharing/{grant_id}/accept")
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
