"""The study's team page: the sponsor names who of its people holds which rtsm role on one study.
Nobody is unblinded by office: the owner sees no allocation until it names itself."""
from sdk.testing import post_with_token, submit_form


def _allocations(client, study_id):
    return client.get(f"/api/v1/o/acme-pharma/rtsm/studies/{study_id}/allocations")


def test_roles_given_on_one_study_unblind_there_only(sponsor, make_user, add_member, login_as):
    stats = make_user("sam.stat@acme-pharma.example.org", name="Sam Stat")
    add_member(sponsor.org, stats)
    client = login_as(stats)
    team = f"/o/acme-pharma/rtsm/studies/{sponsor.study_id}/team"
    page = sponsor.client.get(team)
    assert page.status_code == 200 and "Sam Stat" in page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    assert "<title>Team and sharing of Heart failure 301 · Trial Office</title>" in html
    assert html.count('id="sharing"') == 1 and html.count('name="assign"') == 2 * 6, "two members, six roles"
    assert _allocations(sponsor.client, sponsor.study_id).status_code == 403, "the owner is blinded by default"
    assert _allocations(client, sponsor.study_id).status_code == 403

    saved = submit_form(sponsor.client, team, {"assign": [f"{stats.id}:statistician"]}, action=team)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    assert _allocations(client, sponsor.study_id).status_code == 200
    assert _allocations(sponsor.client, sponsor.study_id).status_code == 403, "naming another unblinds only them"
    assert f'value="{stats.id}:statistician" checked' in sponsor.client.get(team).get_data(as_text=True)

    taken = submit_form(sponsor.client, team, {"assign": []}, action=team)
    assert taken.status_code == 302
    assert _allocations(client, sponsor.study_id).status_code == 403


def test_a_bad_assignment_saves_nothing(sponsor, make_user, add_member):
    stats = make_user("sam.stat@acme-pharma.example.org")
    add_member(sponsor.org, stats)
    team = f"/o/acme-pharma/rtsm/studies/{sponsor.study_id}/team"
    refused = post_with_token(sponsor.client, team, {"assign": [f"{stats.id}:statistician", f"{stats.id}:pope"]},
                              token_from=team)
    assert refused.status_code == 422 and "is not a role of tool" in refused.get_data(as_text=True)
    stranger = post_with_token(sponsor.client, team, {"assign": ["999999:unblinded"]}, token_from=team)
    assert stranger.status_code == 422 and "is not a member" in stranger.get_data(as_text=True)
    assert f'value="{stats.id}:statistician" checked' not in sponsor.client.get(team).get_data(as_text=True)


def test_a_member_without_manage_study_cannot_change_the_team(sponsor, make_user, add_member, login_as):
    member = make_user("mo@acme-pharma.example.org")
    add_member(sponsor.org, member)
    client = login_as(member)
    team = f"/o/acme-pharma/rtsm/studies/{sponsor.study_id}/team"
    assert client.get(team).status_code == 200
    assert post_with_token(client, team, {"assign": [f"{member.id}:unblinded"]}, token_from=team).status_code == 403


def test_another_organization_gets_404(sponsor, make_user, make_org, grant_license, login_as):
    owner = make_user("eve@rival.example.org")
    rival = make_org("rival", owner=owner)
    grant_license(rival, "rtsm", enable=True)
    assert login_as(owner).get(f"/o/rival/rtsm/studies/{sponsor.study_id}/team").status_code == 404


def test_the_owner_shares_a_site_with_its_organization_and_revokes(sponsor, make_user, make_org):
    make_org("charite", owner=make_user("sam@charite.example.org"), name="Charité")
    team = f"/o/acme-pharma/rtsm/studies/{sponsor.study_id}/team"
    site = str(sponsor.site_ids["S01"])
    wrong = submit_form(sponsor.client, team, {"org": "charite", "site": site, "roles": ["statistician"]},
                        action=f"/o/acme-pharma/rtsm/studies/{sponsor.study_id}/shares")
    assert wrong.status_code == 422 and "site staff or investigator" in wrong.get_data(as_text=True)
    assert 'value="charite"' in wrong.get_data(as_text=True), "the values are kept"
    sent = submit_form(sponsor.client, team, {"org": "charite", "site": site, "roles": ["site_staff"]},
                       action=f"/o/acme-pharma/rtsm/studies/{sponsor.study_id}/shares")
    assert sent.status_code == 302
    listed = sponsor.client.get(team).get_data(as_text=True)
    assert 'data-grant="charite"' in listed and "Site staff" in listed
    grant_id = int(listed.split("/shares/")[1].split("/revoke")[0])
    revoked = post_with_token(sponsor.client, f"/o/acme-pharma/rtsm/studies/{sponsor.study_id}/shares/{grant_id}/revoke",
                              {}, token_from=team)
    assert revoked.status_code == 302
    assert 'data-grant="charite"' not in sponsor.client.get(team).get_data(as_text=True)
