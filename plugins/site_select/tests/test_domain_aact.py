"""AACT-layout import: good rows kept, each bad row reported with file, line and reason."""

import io

import pytest

from plugins.site_select.domain import RejectedRow, generate_aact, generate_dataset, parse_aact

STUDIES = """nct_id|study_type|phase|overall_status|start_date|completion_date|enrollment|brief_title
NCT00000001|INTERVENTIONAL|Phase 2|COMPLETED|2018-03-01|2020-06-01|120|Good study
NCT00000002|INTERVENTIONAL|PHASE3|COMPLETED|2019-01|2021-01-01|300|Month-only start date
NCT00000003|INTERVENTIONAL|Phase 9|COMPLETED|2019-01-01|2021-01-01|10|Bad phase
NCT00000004|INTERVENTIONAL|PHASE2|COMPLETED|2019-13-45|2021-01-01|10|Bad date
NCT00000001|INTERVENTIONAL|PHASE2|COMPLETED|2019-01-01|2021-01-01|10|Duplicate
NCT00000005|INTERVENTIONAL|PHASE2|COMPLETED
"""
CONDITIONS = """id|nct_id|name|downcase_name
1|NCT00000001|Breast Cancer|breast cancer
2|NCT00000002|Rare Thing|rare thing
3|NCT00000002|Type 2 Diabetes|type 2 diabetes
4|NCT00000003|Asthma|asthma
"""
FACILITIES = """id|nct_id|status|name|city|state|zip|country
10|NCT00000001|COMPLETED|St. Mary's Hospital|Boston|Massachusetts|02115|United States
11|NCT00000001|COMPLETED|Charité Universitätsmedizin|Berlin|Berlin|10117|Germany
12|NCT00000002|COMPLETED|St Mary's Hospital|Boston|Massachusetts|02115|United States
13|NCT00000002|COMPLETED|Hospital Atlantis|Atlantis||00000|Atlantis
14|NCT00000003|COMPLETED|Clinic of a rejected study|Paris||75001|France
15|NCT00000002|COMPLETED||Paris||75001|France
16|NCT00000002|COMPLETED|Seoul Site|Seoul||04501|Korea, Republic of
"""
PERFORMANCE = """facility_id|nct_id|network|selected_on|activated_on|first_subject_in|last_subject_in|screened|enrolled|target|queries_per_100|deviations
10|NCT00000001|Cedar SMO|2018-01-01|2018-03-01|2018-03-15|2019-03-01|40|24|20|4.5|2
11|NCT00000001||2018-01-10|2018-04-01|2018-05-01|2019-03-01|30|12|20|6|1
12|NCT00000002||2019-01-01|2019-02-01|2019-03-01|2020-02-01|10|30|20|3|0
16|NCT00000002||2019-01-01|2018-12-01|||||||
99|NCT00000002||2019-01-01|2019-02-01|||||||
"""


def test_good_rows_are_imported_and_bad_rows_reported_with_reasons():
    result = parse_aact(
        {
            "studies.txt": io.StringIO(STUDIES),
            "conditions.txt": CONDITIONS,
            "facilities.txt": FACILITIES,
            "facility_performance.txt": PERFORMANCE,
        }
    )
    assert [(row.file, row.line) for row in result.rejected] == [
        ("studies.txt", 4),
        ("studies.txt", 5),
        ("studies.txt", 6),
        ("studies.txt", 7),
        ("conditions.txt", 5),
        ("facilities.txt", 5),
        ("facilities.txt", 6),
        ("facilities.txt", 7),
        ("facility_performance.txt", 4),
        ("facility_performance.txt", 5),
        ("facility_performance.txt", 6),
    ]
    reasons = [row.reason for row in result.rejected]
    assert "unknown trial phase" in reasons[0]
    assert "not a date" in reasons[1]
    assert "duplicate study NCT00000001" in reasons[2]
    assert "expected 8 fields, found 4" in reasons[3]
    assert "NCT00000003" in reasons[4]
    assert "unknown country 'Atlantis'" in reasons[5]
    assert "NCT00000003" in reasons[6]
    assert "name is empty" in reasons[7]
    assert "enrolled (30) exceeds screened (10)" in reasons[8]
    assert "activated_on 2018-12-01 is before selected_on 2019-01-01" in reasons[9]
    assert "unknown or rejected facility '99'" in reasons[10]
    assert all(isinstance(row, RejectedRow) for row in result.rejected)

    # St. Mary's appears in two studies under two facility ids: one site, id = the smaller one.
    assert [(site.site_id, site.country, site.city) for site in result.sites] == [
        (10, "US", "Boston"),
        (11, "DE", "Berlin"),
        (16, "KR", "Seoul"),
    ]
    boston = result.sites[0]
    assert boston.therapeutic_areas == ("endocrinology", "oncology")
    assert boston.network == "Cedar SMO"
    assert boston.coordinates == pytest.approx((42.3601, -71.0589))
    rows = {(row.site_id, row.trial_ref): row for row in result.history}
    assert set(rows) == {(10, "NCT00000001"), (11, "NCT00000001"), (10, "NCT00000002"), (16, "NCT00000002")}
    first = rows[(10, "NCT00000001")]
    assert (first.phase, first.therapeutic_area, first.condition) == ("PHASE2", "oncology", "Breast Cancer")
    assert (first.screened, first.enrolled, first.queries_per_100) == (40, 24, 4.5)
    second = rows[(10, "NCT00000002")]
    assert second.therapeutic_area == "endocrinology"  # "Rare Thing" maps to no area, the next condition does
    assert second.started_on.isoformat() == "2019-01-01" and second.enrolled is None


def test_missing_files_and_columns_stop_the_import():
    with pytest.raises(ValueError, match="missing AACT file"):
        parse_aact({"studies.txt": STUDIES, "facilities.txt": FACILITIES})
    with pytest.raises(ValueError, match="facilities.txt lacks column"):
        parse_aact(
            {"studies.txt": STUDIES, "conditions.txt": CONDITIONS, "facilities.txt": "id|nct_id|name\n"}
        )
    with pytest.raises(ValueError, match="is empty"):
        parse_aact({"studies.txt": "", "conditions.txt": CONDITIONS, "facilities.txt": FACILITIES})


def test_generated_aact_files_round_trip():
    files = generate_aact(11, 300, 30)
    assert set(files) == {
        "studies.txt",
        "conditions.txt",
        "facilities.txt",
        "facility_investigators.txt",
        "facility_performance.txt",
    }
    assert files["facilities.txt"].splitlines()[0] == "id|nct_id|status|name|city|state|zip|country"
    result = parse_aact({f"export/{name}": text for name, text in files.items()})
    assert result.rejected == ()
    sites, history = generate_dataset(11, 300, 30)
    assert len(result.history) == len(history)
    assert len(result.sites) == len({row.site_id for row in history})
    assert sum(row.enrolled or 0 for row in result.history) == sum(row.enrolled or 0 for row in history)
    assert all(site.coordinates is not None and site.investigator for site in result.sites)
