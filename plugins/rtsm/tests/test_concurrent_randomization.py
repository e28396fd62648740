"""Claiming the next slot is atomic: 50 requests at once against the running app (threads, API
tokens) get 50 distinct randomization numbers and list slots, nobody twice, no 500 and no
"database is locked"; the same subject asked 10 times at once is randomized exactly once."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import func, select

from plugins.rtsm.models import Allocation, Scheme, StratumList
from sdk.testing.serving import served

THREADS = 50


def _post_all(base: str, headers: dict, study_id: int, bodies: list[dict]) -> list[requests.Response]:
    url = f"{base}/api/v1/o/acme-pharma/rtsm/studies/{study_id}/randomize"

    def post(body):
        return requests.post(url, json=body, headers=headers, timeout=120)
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


def test_fifty_concurrent_randomizations_get_fifty_distinct_slots(sponsor):
    headers = sponsor.headers()
    bodies = [{"subject": f"C-{n:03d}", "site": "S01" if n % 2 else "S02",
               "factors": {"sex": "F" if n % 3 else "M"}} for n in range(THREADS)]
    with served(sponsor.app) as base:
        answers = _post_all(base, headers, sponsor.study_id, bodies)
    assert [a.status_code for a in answers] == [201] * THREADS, [a.text[:300] for a in answers if a.status_code != 201]
    sequences = sorted(a.json()["sequence"] for a in answers)
    assert sequences == list(range(1, THREADS + 1))
    assert all("arm" not in a.json() for a in answers), "the owner is blinded"

    def stored(session):
        rows = session.execute(select(Allocation.subject, Allocation.stratum, Allocation.list_position)).all()
        used = dict(session.execute(select(StratumList.stratum, StratumList.used)).all())
        counter = session.scalar(select(Scheme.randomized).where(Scheme.study_id == sponsor.study_id))
        return rows, used, counter
    rows, used, counter = sponsor.run(stored)
    assert len({subject for subject, _, _ in rows}) == THREADS == len(rows)
    slots = {(stratum, position) for _, stratum, position in rows}
    assert len(slots) == THREADS, "two subjects got the same slot of a stratum's list"
    for stratum, count in used.items():
        assert sorted(p for _, s, p in rows if s == stratum) == list(range(count))
    assert counter == THREADS


def test_the_same_subject_ten_times_at_once_is_randomized_once(sponsor):
    headers = sponsor.headers()
    bodies = [{"subject": "TWIN-001", "site": "S01", "factors": {"sex": "F"}}
              for _ in range(10)]
    with served(sponsor.app) as base:
        answers = _post_all(base, headers, sponsor.study_id, bodies)
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] * 9 + [201], [a.text[:300] for a in answers]
    assert {a.json()["sequence"] for a in answers} == {1}
    count, counter = sponsor.run(lambda session: (
        session.scalar(select(func.count(Allocation.id))),
        session.scalar(select(Scheme.randomized).where(Scheme.study_id == sponsor.study_id))))
    assert count == 1 and counter == 1
