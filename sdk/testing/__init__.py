"""The SDK's test harness: a pytest plugin (auto-loaded) and the interface the host implements.

In a tool's tests::

    def test_page(make_app, make_org, make_user, grant_license, login_as):
        app = make_app(plugins=["mytool"])
        owner = make_user("owner@example.org")
        org = make_org("acme", owner=owner)
        grant_license(org, "mytool", enable=True)
        client = login_as(owner)
        assert client.get("/o/acme/mytool/").status_code == 200
"""
from .support import TestingSupport

__all__ = ["TestingSupport"]
