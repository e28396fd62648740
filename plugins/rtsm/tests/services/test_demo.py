"""The demo's study (``trialoffice demo``): built in a sponsor organization by its blinded owner,
stocked, with a shipment in transit, edc's demo subjects randomized, shared with the demo's
site organizations and CRO when they exist."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select, text

from plugins.rtsm.models import Allocation, Kit, LedgerEntry, Scheme, Shipment, Study
from plugins.rtsm.services import demo, ledger, schemes
from plugins.rtsm.tests.conftest import Sponsor
from sdk import tool


@pytest.fixture
def northwind(app, make_user, make_org, grant_license, login_as, support) -> Sponsor:
    """A sponsor with rtsm and no study yet; its owner holds no unblinded role."""
    owner = make_user("maria@northwind.example.org", name="Maria Chen")
    org = make_org("northwind", owner=owner, name="Northwind Therapeutics")
    grant_license(org, "rtsm", enable=True)
    return Sponsor(app, org, owner, login_as(owner), login_as, support)


def load(sponsor: Sponsor, org_type: str = "sponsor") -> int | None:
    """``demo.load_demo`` as the owner, as the host's demo runs it; the study's id."""
    def run(session):
        study = demo.load_demo(org_type)
        return study.id if study else None
    return sponsor.as_user(sponsor.owner, run)


def read(sponsor: Sponsor, fn):
    return sponsor.run(lambda session: fn(session))


def test_the_demo_builds_the_study_edc_names_with_a_stratified_block_scheme(northwind):
    study_id = load(northwind)

    def check(session):
        study = session.get(Study, study_id)
        assert (study.name, study.protocol) == ("Heart failure phase 3 (demo)", "HF-301")
        assert [(arm.code, arm.ratio) for arm in study.arms] == [("A", 1), ("B", 1)]
        assert [(site.code, site.name) for site in study.sites] == [
            ("101", "Lakeside Clinical Research Center"), ("102", "Meridian Site Porto")]
        config = schemes.config_of(schemes.current(study))
        assert (config.type, config.strata, config.block_sizes) == ("stratified_block", ("site", "sex"), (2, 4))
        assert session.scalar(select(func.count(Scheme.id)).where(Scheme.study_id == study_id)) == 1
    read(northwind, check)


def test_the_demo_stocks_both_sites_and_leaves_a_resupply_in_transit(northwind):
    study_id = load(northwind)

    def check(session):
        study = session.get(Study, study_id)
        sites = {site.code: site for site in study.sites}
        assert all(site.activated_at is not None for site in sites.values())
        rows = session.execute(select(Shipment.site_id, Shipment.kind, Shipment.status)
                               .where(Shipment.study_id == study_id).order_by(Shipment.id)).all()
        assert [(kind, status) for _, kind, status in rows] == [
            ("initial", "received"), ("initial", "received"), ("resupply", "shipped")]
        in_transit = session.scalars(select(Kit).where(Kit.status == "in_transit")).all()
        assert len(in_transit) == demo.RESUPPLY_KITS
        assert {kit.site_id for kit in in_transit} == {sites["102"].id}
        for site in sites.values():
            on_hand = session.scalar(select(func.count(Kit.id)).where(
                Kit.site_id == site.id, Kit.status == "available"))
            assert on_hand > 0 and ledger.stock_on_hand(site) == on_hand  # the ledger agrees
        short_dated = session.scalars(select(Kit).where(Kit.lot == "L2026-03")).all()
        assert len(short_dated) == demo.SHORT_DATED
        assert all(kit.status == "available" and kit.site_id is None for kit in short_dated)  # never shipped
    read(northwind, check)


def test_the_demo_randomizes_edcs_subjects_each_with_a_kit_of_their_arm(northwind):
    study_id = load(northwind)

    def check(session):
        allocations = session.scalars(select(Allocation).where(Allocation.study_id == study_id)
                                      .order_by(Allocation.sequence)).all()
        assert [(a.subject, a.sequence, a.site.code, a.factors) for a in allocations] == [
            ("101-001", 1, "101", {"sex": "F"}), ("101-002", 2, "101", {"sex": "M"}),
            ("102-001", 3, "102", {"sex": "M"})]
        assert [a.stratum for a in allocations] == ["site=101|sex=F", "site=101|sex=M", "site=102|sex=M"]
        for allocation in allocations:
            kit = session.get(Kit, allocation.kit_id)
            assert (kit.status, kit.allocation_id, kit.site_id) == ("dispensed", allocation.id, allocation.site_id)
            assert kit.arm_code == allocation.arm_code
        dispensed = session.scalar(select(func.count(LedgerEntry.id)).where(LedgerEntry.kind == "dispensed"))
        assert dispensed == 3
    read(northwind, check)


def test_the_demo_announces_each_randomization_without_its_arm(northwind):
    load(northwind)

    def emitted(session):
        rows = session.execute(text("SELECT name, payload FROM outbox_event"))
        return [(name, json.loads(payload) if isinstance(payload, str) else payload) for name, payload in rows]
    events = [(name, payload) for name, payload in northwind.run(emitted) if name.startswith("rtsm.")]
    randomized = sorted((payload for name, payload in events if name == "rtsm.subject_randomized"),
                        key=lambda payload: payload["randomization_number"])
    assert [(p["trial_ref"], p["site_ref"], p["subject_ref"], p["randomization_number"]) for p in randomized] == [
        ("HF-301", "101", "101-001", 1), ("HF-301", "101", "101-002", 2), ("HF-301", "102", "102-001", 3)]
    assert len([name for name, _ in events if name == "rtsm.kit_dispensed"]) == 3
    for _, payload in events:
        assert not {"arm", "arm_code", "arm_name"} & set(payload)
        assert not {"Cardiozol 10 mg", "Placebo"} & {str(value) for value in payload.values()}


def test_the_blinded_owner_who_loaded_it_is_still_blinded(northwind):
    load(northwind)
    assert not northwind.as_user(northwind.owner, lambda session: tool().can("see_arms"))
    subjects = northwind.client.get("/api/v1/o/northwind/rtsm/studies").get_data(as_text=True)
    assert "Heart failure phase 3 (demo)" in subjects


def test_the_demo_subjects_show_arms_to_the_unblinded_statistician_only(northwind):
    study_id = load(northwind)
    statistician = northwind.support.create_user("david@northwind.example.org", name="David Okafor")
    northwind.support.add_member(northwind.org, statistician)
    northwind.give_roles(northwind.membership_id(statistician), "statistician", "supply_manager", org_slug="northwind")
    first = read(northwind, lambda session: session.scalar(select(Allocation.id).where(Allocation.subject == "101-001")))
    pages = (f"/o/northwind/rtsm/studies/{study_id}/subjects", f"/o/northwind/rtsm/studies/{study_id}/subjects/{first}")
    for url in pages:
        blinded = northwind.client.get(url)
        assert blinded.status_code == 200 and "101-001" in blinded.get_data(as_text=True)
        assert not re.search(r"Cardiozol 10 mg|Placebo", blinded.get_data(as_text=True))
        unblinded = northwind.login_as(statistician).get(url).get_data(as_text=True)
        assert re.search(r"Cardiozol 10 mg|Placebo", unblinded)


def test_the_demo_shares_the_study_with_the_demo_sites_and_cro_when_they_exist(northwind, make_user, make_org):
    for slug, kind in (("lakeside-research", "site"), ("meridian-smo", "smo"), ("helix-cro", "cro")):
        make_org(slug, type=kind, owner=make_user(f"owner@{slug}.example.org"))
    study_id = load(northwind)

    def shares(session):
        return sorted((g.grantee_org, g.site_label or "", tuple(g.roles), g.status)
                      for g in tool().sharing.grants_of(session.get(Study, study_id)))
    assert read(northwind, shares) == [
        ("helix-cro", "", ("blinded",), "pending"),
        ("lakeside-research", "101 Lakeside Clinical Research Center", ("investigator", "site_staff"), "pending"),
        ("meridian-smo", "102 Meridian Site Porto", ("investigator", "site_staff"), "pending")]


def test_without_those_organizations_the_demo_shares_nothing_and_still_loads(northwind):
    study_id = load(northwind)
    assert read(northwind, lambda session: tool().sharing.grants_of(session.get(Study, study_id))) == []


@pytest.mark.parametrize("org_type", ["cro", "site", "smo", "freelancer"])
def test_other_organizations_get_no_study_of_their_own(northwind, org_type):
    assert load(northwind, org_type) is None
    assert read(northwind, lambda session: session.scalar(select(func.count(Study.id)))) == 0
