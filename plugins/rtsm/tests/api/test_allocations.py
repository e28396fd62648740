"""GET /studies/<id>/allocations: the unblinded list in randomization-number order with subject,
site, stratum and arm; 403 for everyone blinded, the study's owner included."""
BASE = "/api/v1/o/acme-pharma/rtsm"


def test_the_allocation_list_is_for_the_unblinded_only(sponsor):
    client = sponsor.app.test_client()
    for n, (site, sex) in enumerate([("S01", "F"), ("S02", "M"), ("S01", "M")], start=1):
        answer = client.post(f"{BASE}/studies/{sponsor.study_id}/randomize", headers=sponsor.headers(),
                             json={"subject": f"{site}-{n:03d}", "site": site, "factors": {"sex": sex}})
        assert answer.status_code == 201
    url = f"{BASE}/studies/{sponsor.study_id}/allocations"
    refused = client.get(url, headers=sponsor.headers())
    assert refused.status_code == 403 and "unblinded role" in refused.get_json()["message"]
    staff = sponsor.member("sid@acme-pharma.example.org", "Sid Staff", "site_staff")
    assert client.get(url, headers=sponsor.headers(staff)).status_code == 403
    una = sponsor.member("una@acme-pharma.example.org", "Una Unblinded", "unblinded")
    rows = client.get(url, headers=sponsor.headers(una)).get_json()["allocations"]
    assert [(r["sequence"], r["subject"], r["site"], r["stratum"]) for r in rows] == [
        (1, "S01-001", "S01", "site=S01|sex=F"), (2, "S02-002", "S02", "site=S02|sex=M"),
        (3, "S01-003", "S01", "site=S01|sex=M")]
    assert all(r["arm"] in ("A", "P") and r["arm_name"] in ("Cardiozol 10 mg", "Placebo") for r in rows)
