"""Setting up a study: arms, sites, depots and scheme version 1 at once; every problem named and
nothing written on a refusal; scheme versions with sealed seeds and lists (the same seed always
gives the same lists)."""
import json

import pytest
from sqlalchemy import func, select

from plugins.rtsm.domain.lists import generate_list
from plugins.rtsm.models import Arm, Depot, Scheme, StratumList, Study
from plugins.rtsm.services import schemes, studies
from plugins.rtsm.services.errors import RtsmInputError
from plugins.rtsm.services.schemes import ListTampered

from ..conftest import STUDY

SEED = bytes(range(32))


def _refused(sponsor, data) -> dict[str, list[str]]:
    def make(session):
        with pytest.raises(RtsmInputError) as refused:
            studies.create_study(data)
        session.rollback()
        return refused.value.by_field()
    return sponsor.run(make)


def test_a_study_is_set_up_with_arms_sites_a_default_depot_and_scheme_version_1(sponsor):
    def read(session):
        study = session.get(Study, sponsor.study_id)
        arms = [(a.code, a.name, a.ratio) for a in session.scalars(select(Arm).order_by(Arm.position))]
        depots = [(d.code, d.name) for d in session.scalars(select(Depot))]
        scheme = schemes.current(study)
        return study.protocol, arms, [s.code for s in study.sites], depots, scheme.version, scheme.list_sha256
    protocol, arms, sites, depots, version, sha = sponsor.run(read)
    assert protocol == "HF-301" and arms == [("A", "Cardiozol 10 mg", 2), ("P", "Placebo", 1)]
    assert sites == ["S01", "S02"] and depots == [("D01", "Central depot")]
    assert version == 1 and len(sha) == 64


def test_every_problem_of_a_study_is_named_at_once_and_nothing_is_written(sponsor):
    bad = {"name": "", "arms": [{"code": "A", "name": "Drug", "ratio": 2}, {"code": "P", "name": "", "ratio": 0}],
           "sites": ["S01", "S01", "S|2"], "scheme": {"type": "stratified_block", "block_sizes": [4],
                                                      "strata": ["site", "age"]},
           "randomize_on_enrollment": "yes"}
    fields = _refused(sponsor, bad)
    assert {"name", "arms[1].name", "arms[1].ratio", "sites[1]", "sites[2]", "scheme.strata",
            "randomize_on_enrollment"} <= set(fields)
    assert sponsor.run(lambda session: session.scalar(select(func.count(Study.id)))) == 1


def test_block_sizes_must_be_multiples_of_the_ratio_sum(sponsor):
    fields = _refused(sponsor, {**STUDY, "name": "Other", "scheme": {"type": "block", "block_sizes": [4, 6]}})
    assert fields == {"scheme.block_sizes": ["Block size 4 is not a multiple of the ratio sum 3 (2:1)."]}


def test_a_name_is_unique_in_the_organization(sponsor):
    fields = _refused(sponsor, STUDY)
    assert "already" in fields["name"][0]


def test_randomizing_on_enrollment_needs_a_scheme_with_no_factor_but_the_site(sponsor):
    fields = _refused(sponsor, {**STUDY, "name": "On enrollment", "randomize_on_enrollment": True})
    assert "no factor other than the site" in fields["randomize_on_enrollment"][0]
    site_only = {**STUDY, "name": "By site", "randomize_on_enrollment": True,
                 "scheme": {"type": "stratified_block", "block_sizes": [3], "strata": ["site"]}}
    made = sponsor.run(lambda session: studies.create_study(site_only).randomize_on_enrollment)
    assert made is True


def test_settings_change_only_what_is_given_and_refuse_with_every_problem(sponsor):
    def change(session, data):
        study = session.get(Study, sponsor.study_id)
        try:
            studies.update_settings(study, data)
        except RtsmInputError as refused:
            session.rollback()
            return refused.by_field()
        return {"name": study.name, "do_not_ship_days": study.do_not_ship_days}
    assert sponsor.run(change, {"do_not_ship_days": 90}) == {"name": "Heart failure 301", "do_not_ship_days": 90}
    refused = sponsor.run(change, {"do_not_dispense_days": -1, "randomize_on_enrollment": True, "colour": "red"})
    assert set(refused) == {"do_not_dispense_days", "randomize_on_enrollment", "colour"}


def test_the_same_seed_gives_the_same_lists_and_a_different_seed_different_ones(sponsor):
    def versions(session):
        study = session.get(Study, sponsor.study_id)
        one = schemes.new_version(study, STUDY["scheme"], seed=SEED)
        two = schemes.new_version(study, STUDY["scheme"], seed=SEED)
        three = schemes.new_version(study, STUDY["scheme"])
        return (one.version, two.version, one.list_sha256, two.list_sha256, three.list_sha256,
                one.seed_sealed != two.seed_sealed, schemes.seed_of(two))
    v1, v2, first, second, other, resealed, seed = sponsor.run(versions)
    assert (v1, v2) == (2, 3) and first == second != other
    assert resealed, "each version seals its seed afresh (Fernet tokens differ)"
    assert seed == SEED


def test_a_stratum_list_is_stored_sealed_checked_and_extended_prefix_stable(sponsor):
    scheme = {**STUDY["scheme"], "list_length": 6}

    def use(session):
        study = session.get(Study, sponsor.study_id)
        version = schemes.new_version(study, scheme, seed=SEED)
        taken = [schemes.take_next(version, "site=S01|sex=F").arm for _ in range(9)]
        row = session.scalar(select(StratumList).where(StratumList.scheme_id == version.id))
        return version.id, taken, row.entries_sealed, row.length, row.used
    scheme_id, taken, sealed, length, used = sponsor.run(use)
    config = sponsor.run(lambda session: schemes.config_of(session.get(Scheme, scheme_id)))
    assert taken == [e.arm for e in generate_list(config, SEED, "site=S01|sex=F", 9)]
    assert (length, used) == (12, 9), "extended to twice its length when it ran out"
    assert '"A"' not in sealed and '"P"' not in sealed and "Cardiozol" not in sealed
    with pytest.raises(ValueError):
        json.loads(sealed)

    def tamper(session):
        row = session.scalar(select(StratumList).where(StratumList.scheme_id == scheme_id))
        row.sha256 = "0" * 64
        session.flush()
        with pytest.raises(ListTampered):
            schemes.entry_at(session.get(Scheme, scheme_id), "site=S01|sex=F", 0)
        session.rollback()
    sponsor.run(tamper)


def test_a_simulation_previews_a_scheme_and_refuses_silly_sizes(sponsor):
    def simulate(session):
        study = session.get(Study, sponsor.study_id)
        result = schemes.simulate(study, 60, 3)
        preview = schemes.preview(study, {"type": "minimization", "factors": {"sex": ["F", "M"], "site": []}}, 30)
        with pytest.raises(RtsmInputError) as refused:
            schemes.simulate(study, 0, 1)
        return result, preview, refused.value.by_field()
    result, preview, refused = sponsor.run(simulate)
    assert result.trials == 3 and sum(result.totals.values()) == 180 and set(result.totals) == {"A", "P"}
    assert preview.subjects == 30 and "site" in preview.factor_imbalance
    assert list(refused) == ["subjects"]
