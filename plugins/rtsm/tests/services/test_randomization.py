"""Randomizing a subject: the stratum's list in order, once per subject, every problem named,
audited without the arm, announced without the arm; minimization balances over the factors."""
import json

import pytest
from sqlalchemy import func, select, text

from plugins.rtsm.domain.lists import generate_list
from plugins.rtsm.models import Allocation, Scheme, Study, StudySite
from plugins.rtsm.services import randomization, schemes, studies
from plugins.rtsm.services.errors import RtsmInputError
from sdk import tool

from ..conftest import STUDY


def randomize(sponsor, subject, site="S01", factors=None, user=None):
    def act(session):
        study = session.get(Study, sponsor.study_id)
        site_row = session.scalar(select(StudySite).where(StudySite.study_id == study.id, StudySite.code == site))
        allocation, created = randomization.randomize(study, subject=subject, site=site_row,
                                                      factors={"sex": "F"} if factors is None else factors)
        return allocation.id, allocation.sequence, allocation.arm_code, allocation.stratum, created
    return sponsor.as_user(user or sponsor.owner, act)


def test_subjects_follow_their_stratum_list_and_get_study_wide_numbers(sponsor):
    made = [randomize(sponsor, f"S01-{n:03d}", "S01", {"sex": "F"}) for n in range(5)]
    made += [randomize(sponsor, "S02-001", "S02", {"sex": "M"})]
    assert [m[1] for m in made] == [1, 2, 3, 4, 5, 6]

    def expected(session):
        scheme = schemes.current(session.get(Study, sponsor.study_id))
        return [e.arm for e in generate_list(schemes.config_of(scheme), schemes.seed_of(scheme), "site=S01|sex=F", 5)]
    assert [m[2] for m in made[:5]] == sponsor.run(expected)
    assert {m[3] for m in made} == {"site=S01|sex=F", "site=S02|sex=M"}


def test_a_subject_is_randomized_once(sponsor):
    first = randomize(sponsor, "S01-001")
    again = randomize(sponsor, "S01-001", factors={"sex": "M"})
    assert again[:4] == first[:4] and (first[4], again[4]) == (True, False)
    counted = sponsor.run(lambda session: (session.scalar(select(func.count(Allocation.id))),
                                           session.scalar(select(Scheme.randomized))))
    assert counted == (1, 1), "asking again claims no slot"
    with pytest.raises(RtsmInputError) as elsewhere:
        randomize(sponsor, "S01-001", site="S02")
    assert "randomized at site S01" in str(elsewhere.value)


def test_every_problem_is_named_and_nothing_is_written(sponsor):
    with pytest.raises(RtsmInputError) as refused:
        randomize(sponsor, "x" * 61, factors={"sex": "X", "age": "old"})
    assert set(refused.value.by_field()) == {"subject", "factors.sex", "factors.age"}
    with pytest.raises(RtsmInputError) as missing:
        randomize(sponsor, " ", factors={})
    assert set(missing.value.by_field()) == {"subject", "factors.sex"}
    assert sponsor.run(lambda session: session.scalar(select(func.count(Allocation.id)))) == 0


def test_a_member_without_randomize_may_not_randomize_at_a_site(sponsor):
    viewer = sponsor.member("vic@acme-pharma.example.org", "Vic Viewer", "blinded")
    with pytest.raises(RtsmInputError) as refused:
        randomize(sponsor, "S01-001", user=viewer)
    assert "You may not randomize at site S01" in refused.value.by_field()["site"][0]


def test_a_randomization_is_audited_and_announced_without_its_arm(sponsor):
    allocation_id = randomize(sponsor, "S01-001")[0]

    def trail(session):
        return tool().audit.history(entity_type="allocation", entity_id=str(allocation_id))
    entries = sponsor.run(trail)
    assert [e.action for e in entries] == ["create", "eligibility_confirmed"]
    assert entries[0].changes["subject"] == [None, "S01-001"]
    assert entries[1].changes["eligibility"][1].startswith("The subject meets every inclusion criterion")
    assert "arm_code" not in entries[0].changes and "stratum" not in entries[0].changes
    rows = sponsor.run(lambda session: session.execute(text(
        "SELECT payload FROM outbox_event WHERE name = 'rtsm.subject_randomized'")).scalars().all())
    (payload,) = [json.loads(row) if isinstance(row, str) else row for row in rows]
    assert payload == {"trial_ref": "HF-301", "site_ref": "S01", "subject_ref": "S01-001",
                       "randomization_number": 1, "kit_ref": None, "randomized_on": payload["randomized_on"]}


MINIMIZATION = {**STUDY, "name": "Minimized", "protocol": "MIN-1",
                "arms": [{"code": "A", "name": "Drug", "ratio": 1}, {"code": "P", "name": "Placebo", "ratio": 1}],
                "scheme": {"type": "minimization", "factors": {"sex": ["F", "M"], "site": []}, "p": 1}}


def test_minimization_balances_each_factor_over_every_site(sponsor):
    def run(session):
        study = studies.create_study(MINIMIZATION)
        sites = {site.code: site for site in study.sites}
        arms = []
        for n in range(24):
            allocation, _ = randomization.randomize(study, subject=f"M-{n:02d}", site=sites["S01" if n % 3 else "S02"],
                                                    factors={"sex": "F" if n % 2 else "M"})
            arms.append((n, allocation.arm_code, allocation.list_position, allocation.stratum))
        return arms
    arms = sponsor.as_user(sponsor.owner, run)
    assert all(position is None and stratum == "" for _, _, position, stratum in arms)
    by_arm = {arm: sum(1 for _, a, _, _ in arms if a == arm) for arm in ("A", "P")}
    assert abs(by_arm["A"] - by_arm["P"]) <= 1
    women = [a for n, a, _, _ in arms if n % 2]
    assert abs(women.count("A") - women.count("P")) <= 1
