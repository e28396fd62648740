"""The sharing pages' forms on the kit (issue 10): a refusal beside the share's roles and in the
summary (the team grid: in the summary), with the boxes kept as ticked; other forms untouched."""
import re
from html import unescape

import pytest
from sqlalchemy import select

from host.models import Membership
from sdk.testing import submit_form
from tests.runtime_fixtures import signed_in
from tests.sharing.world import build_world


@pytest.fixture
def world(app, support, fast_user):
    return build_world(app, support, fast_user)


def _roles_form(html: str, grant_id: int) -> str:
    start = html.index(f'action="/o/sponsor/sharing/{grant_id}/roles"')
    return html[start:html.index("</form>", start)]


def test_unticking_every_role_is_refused_beside_the_roles_with_the_ticks_kept(world):
    cro_grant = world.share(world.cro, ["monitor"])
    site_grant = world.share(world.site_org, ["site_coordinator"], site="Site 3")
    sponsor = signed_in(world.app, world.sponsor_owner)
    action = f"/o/sponsor/sharing/{cro_grant}/roles"
    refused = submit_form(sponsor, "/o/sponsor/sharing", {}, action=action)
    html = unescape(refused.get_data(as_text=True))
    assert refused.status_code == 400
    message = "Choose at least one role for the organization you share with."
    summary = html[html.index('class="error-summary"'):]
    assert message in summary[:summary.index("</div>")] and f'href="#roles-{cro_grant}"' in summary
    form = _roles_form(html, cro_grant)
    assert message in form and 'class="field field-invalid"' in form
    assert not re.search(r"\schecked", form)  # as sent: nothing ticked
    assert re.search(r'value="site_coordinator"[^>]*checked|checked[^>]*value="site_coordinator"',
                     _roles_form(html, site_grant))  # the other share shows what it grants

    kept = submit_form(sponsor, "/o/sponsor/sharing", {"role": ["data_manager", "boss"]}, action=action)
    html = unescape(kept.get_data(as_text=True))
    assert kept.status_code == 400 and "has no role boss" in _roles_form(html, cro_grant)
    assert re.search(r'checked[^>]*value="data_manager"', _roles_form(html, cro_grant))

    assert submit_form(sponsor, "/o/sponsor/sharing", {"role": ["monitor", "data_manager"]},
                       action=action).status_code == 302


def test_a_refused_team_is_told_on_top_with_the_ticks_kept(world):
    grant_id = world.share(world.site_org, ["site_coordinator"], site="Site 3")
    with world.app.app_context():
        member = world.session.scalar(select(Membership.id).where(
            Membership.user_id == world.site_member.id, Membership.org_id == world.site_org.id))
    owner = signed_in(world.app, world.site_owner)
    team_page = f"/o/site-org/sharing/{grant_id}/team"
    refused = submit_form(owner, team_page, {"assign": [f"{member}:site_coordinator", f"{member}:data_manager"]})
    html = unescape(refused.get_data(as_text=True))
    assert refused.status_code == 400
    summary = html[html.index('class="error-summary"'):]
    assert "'data_manager' is not a role of this share." in summary[:summary.index("</div>")]
    assert re.search(rf'value="{member}:site_coordinator" checked', html)  # kept as ticked, nothing saved
    assert not re.search(rf'value="{member}:site_coordinator" checked',
                         owner.get(team_page).get_data(as_text=True))
