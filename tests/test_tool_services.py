"""The level-2 handle's services through ``sdk.tool()``: file storage per organization, settings
written and validated, and whether another tool serves the organization."""
from __future__ import annotations

import pytest

from sdk import Manifest, Plan, SettingField, org_scope, tool
from tests.generated_tools import make_tool
from tests.runtime_fixtures import support_of


@pytest.fixture
def world(app_with, fast_user):
    keeper = make_tool("keeper", api_level=2)
    keeper.manifest = Manifest(key="keeper", name="Keeper", summary="Keeps files.", version="1.0.0",
                               publisher="Trial Office QA", api_level=2,
                               plans=(Plan(code="basic", name="Basic", amount=300),),
                               settings=(SettingField("retention_days", "Retention", type="int", default=30),))
    app = app_with(keeper)
    support = support_of(app)
    acme = support.create_org("acme", owner=fast_user("owner@acme.org"))
    other = support.create_org("other", owner=fast_user("owner@other.org"))
    support.grant_license(acme, "keeper", enable=True)
    support.grant_license(acme, "testtool", enable=True)
    return app, support, acme, other


def test_storage_keeps_each_organizations_files_apart(world):
    app, support, acme, other = world
    with app.app_context(), support.running_tool("keeper"):
        with org_scope(acme.id):
            key = tool().storage.put(b"signed protocol")
            assert tool().storage.exists(key) and tool().storage.get(key) == b"signed protocol"
        with org_scope(other.id):
            assert not tool().storage.exists(key)
            with pytest.raises(KeyError):
                tool().storage.get(key)


def test_settings_are_validated_and_stored_per_organization(world):
    app, support, acme, other = world
    with app.app_context(), support.running_tool("keeper"):
        with org_scope(acme.id):
            tool().settings.set("retention_days", 90)
            with pytest.raises(ValueError):
                tool().settings.set("retention_days", "forever")
            tool().db_session().commit()
            assert tool().settings.get("retention_days") == 90
        with org_scope(other.id):
            assert tool().settings.get("retention_days") == 30


def test_serves_tells_which_other_tools_the_organization_uses(world):
    app, support, acme, other = world
    with app.app_context(), support.running_tool("keeper"):
        with org_scope(acme.id):
            assert tool().serves("testtool")
        with org_scope(other.id):
            assert not tool().serves("testtool")
