"""Small AACT-layout files written by hand: three good studies and a few bad rows of each kind."""
from __future__ import annotations

STUDIES = """nct_id|phase|start_date|brief_title
NCT90000001|Phase 3|2020-01-15|Heart failure study
NCT90000002|PHASE2|2021-03-01|Asthma study
NCT90000003|Phase 2/Phase 3|2022-05-01|Second heart failure study
NCT90000004|Phase 9|2022-06-01|Bad phase
NCT90000005|PHASE2|someday|Bad date
"""
CONDITIONS = """nct_id|name
NCT90000001|Heart Failure
NCT90000002|Asthma
NCT90000003|Heart Failure
NCT90000099|Orphan condition
"""
FACILITIES = """id|nct_id|name|city|country
1|NCT90000001|Charite Universitaetsmedizin Berlin|Berlin|Germany
2|NCT90000001|Hopital Europeen Georges Pompidou|Paris|France
3|NCT90000002|Charite Universitaetsmedizin Berlin|Berlin|Germany
4|NCT90000003|Charité Universitätsmedizin Berlin|Berlin|Germany
5|NCT90000002|Hospital Clinic de Barcelona|Barcelona|Spain
6|NCT90000001|Nowhere Clinic|Atlantis|Atlantis
7|NCT90000004|Bad Phase Hospital|Rome|Italy
8|NCT90000001|Too|Few
"""
PERFORMANCE = """facility_id|selected_on|activated_on|first_subject_in|last_subject_in|screened|enrolled|target
1|2020-02-01|2020-03-01|2020-03-15|2021-01-15|50|28|30
2|2020-02-01|2020-05-01|2020-06-01|2021-01-15|30|12|30
3|2021-03-15|2021-04-15|2021-05-01|2021-12-01|40|30|25
4|2022-05-10|2022-06-01|2022-06-20|2023-03-01|35|22|20
5|2021-03-15|2021-05-01|2021-05-20|2021-12-01|20|25|25
"""

GOOD_SITES = {"Charite Universitaetsmedizin Berlin", "Hopital Europeen Georges Pompidou",
              "Hospital Clinic de Barcelona"}


def files(**overrides) -> dict[str, bytes]:
    texts = {"studies.txt": STUDIES, "conditions.txt": CONDITIONS, "facilities.txt": FACILITIES,
             "facility_performance.txt": PERFORMANCE}
    texts.update(overrides)
    return {name: text.encode("utf-8") for name, text in texts.items() if text is not None}
