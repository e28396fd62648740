def test_tool_page_gated(make_app, make_org, make_user, grant_license, login_as, add_member):
    make_app(plugins=["testtool"])
    owner = make_user("owner@a.org")
    org = make_org("acme", owner=owner)
    client = login_as(owner)
    r = client.get("/o/acme/testtool/")
    assert r.status_code == 402, r.data
    grant_license(org, "testtool", enable=True)
    r = client.get("/o/acme/testtool/")
    assert r.status_code == 200, r.data
    r = client.get("/o/acme/")
    assert r.status_code == 200, r.data
    assert b"records in Acme" in r.data
