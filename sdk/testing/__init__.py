"""The SDK's test harness: a pytest plugin (auto-loaded) and the interface the host implements.

In a tool's tests::

    def test_page(make_app, make_user, make_org, grant_license, login_as):
        app = make_app(plugins=["mytool"])
        owner = make_user("owner@example.org")
        org = make_org("acme", owner=owner)
        grant_license(org, "mytool", enable=True)
        client = login_as(owner)
        assert client.get("/o/acme/mytool/").status_code == 200
        r = submit_form(client, "/o/acme/mytool/new", {"name": "x"})  # with the form's CSRF token

CSRF protection stays on in the harness: post forms through :func:`submit_form`, and send
:func:`csrf_token` as the ``X-CSRFToken`` header for a JSON post made with a signed-in client;
:func:`post_with_token` posts where no page offers the form (a refused action, a forged id).
"""
from .forms import csrf_token, page_forms, post_with_token, submit_form
from .people import accept_share, give_tool_roles, membership_id
from .records import sign_record
from .support import TestingSupport

__all__ = ["TestingSupport", "accept_share", "csrf_token", "give_tool_roles", "membership_id", "page_forms",
           "post_with_token", "sign_record", "submit_form"]
