"""Fixtures for edc's tests: apps with edc, a sponsor with a study built from a REDCap
dictionary and published, with two sites."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

import plugins.edc as edc
from sdk import org_scope, tool
from sdk.tool import host_runs_tool

from .domain.redcap_sample import HEADER, ROWS

DICTIONARY = (HEADER + ROWS).encode("utf-8")


@pytest.fixture(scope="session")
def trialoffice_plugins():
    return [edc]


@dataclass
class Sponsor:
    app: object
    org: object
    owner: object
    client: object
    study_id: int
    site_ids: dict

    def run(self, fn, *args, org=None, **kwargs):
        """Call ``fn(session, *args)`` as edc's code in the sponsor's (or ``org``'s) scope and commit.

        (A scope never outlives its block, so this is a call, not a context manager.)"""
        with self.app.test_request_context(), org_scope((org or self.org).id), host_runs_tool("edc"):
            result = fn(tool().db_session(), *args, **kwargs)
            tool().db_session().commit()
            return result


def _build(session):
    from plugins.edc.services import studies

    study = studies.create_study({"name": "Heart failure 301", "oid": "HF301", "protocol_name": "HF-301"})
    studies.publish(studies.import_definition(study, DICTIONARY, "dictionary"))
    sites = {code: studies.add_site(study, {"code": code, "name": name}).id
             for code, name in (("101", "Charité Berlin"), ("102", "Hôpital Lyon"))}
    return study.id, sites


@pytest.fixture
def sponsor(app, make_user, make_org, grant_license, login_as) -> Sponsor:
    """acme-pharma's owner with edc, study HF301 from the sample dictionary, published, and sites
    101 and 102."""
    owner = make_user("olivia@acme-pharma.example.org", name="Olivia Owner")
    org = make_org("acme-pharma", owner=owner, name="Acme Pharma")
    grant_license(org, "edc", enable=True)
    made = Sponsor(app, org, owner, login_as(owner), 0, {})
    made.study_id, made.site_ids = made.run(_build)
    return made
