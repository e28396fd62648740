"""The demo's study (``trialoffice demo``): a sponsor's heart-failure study built from the REDCap
data dictionary edc ships, published, with two sites, three subjects and their first data, so
that a visitor sees a study at work (one systolic pressure above its usual range has raised a
query). The study is shared with the demo's site organizations (Lakeside for 101, Meridian for
102, as site coordinator and investigator of their own site) and its CRO (Helix, as monitor); the
host accepts those shares after every tool's demo data. An organization that does not exist (a
tool's own tests) is left out. Other kinds of organizations get no study of their own."""
from __future__ import annotations

import logging
from pathlib import Path

from ..models import Study
from . import entry, studies
from .auto_queries import raise_auto_queries
from .errors import EdcInputError
from .layout import field_name

log = logging.getLogger(__name__)

DICTIONARY = Path(__file__).resolve().parents[1] / "data" / "sample_study_dictionary.csv"
EVENT = "SE.event_1"
SUBJECTS = (
    ("101-001", "101", {"sex": "2", "pregnant": "0", "dob": "1961-04-02"},
     {"visit_date": "2026-10-05", "weight": "68.5", "height": "164", "sbp": "128", "dbp": "82", "smoker": "0"}),
    ("101-002", "101", {"sex": "1", "dob": "1954-11-23"},
     {"visit_date": "2026-10-12", "weight": "91.0", "height": "178", "sbp": "232", "dbp": "101", "smoker": "2",
      "cig_per_day": "15"}),
    ("102-001", "102", {"sex": "1", "dob": "1970-01-30"}, None),
)
#: (organization, site or None for the whole study, roles)
SHARES = (
    ("lakeside-research", "101", ["site_coordinator", "investigator"]),
    ("meridian-smo", "102", ["site_coordinator", "investigator"]),
    ("helix-cro", None, ["monitor"]),
)


def _values(form: str, values: dict) -> dict:
    return {field_name(f"IG.{form}", 1, f"IT.{name}"): value for name, value in values.items()}


def load_demo_study(org_type: str) -> Study | None:
    if org_type != "sponsor":
        return None
    study = studies.create_study({"name": "Heart failure phase 3 (demo)", "oid": "HF301", "protocol_name": "HF-301",
                                  "description": "A demonstration study built from the sample REDCap dictionary."})
    studies.publish(studies.import_definition(study, DICTIONARY.read_bytes(), "dictionary", name="Version 1"))
    sites = {"101": studies.add_site(study, {"code": "101", "name": "Lakeside Clinical Research Center"}),
             "102": studies.add_site(study, {"code": "102", "name": "Meridian Site Porto"})}
    for key, site, enrolment, vitals in SUBJECTS:
        subject = entry.enroll(study, sites[site], key)
        entry.save_form(study, subject, EVENT, "F.enrolment",
                        _values("enrolment", {"record_id": key, "consent_date": "2026-09-28", **enrolment}))
        if vitals:
            raise_auto_queries(entry.save_form(study, subject, EVENT, "F.vitals", _values("vitals", vitals)))
    for org, site, roles in SHARES:
        try:
            studies.share_study(study, with_org=org, roles=roles, site=sites[site] if site else None)
        except EdcInputError as refused:  # no such organization here (a tool's own tests)
            log.info("edc demo: study not shared with %s: %s", org, refused)
    return study
