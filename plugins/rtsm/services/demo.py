"""The demo's randomization and supply (``trialoffice demo``): the sponsor's heart-failure study,
the one edc's demo builds (protocol HF-301, sites 101 and 102, subjects 101-001, 101-002 and
102-001), randomized in stratified blocks by site and sex, with a kit list at the central depot,
both sites activated and stocked by their initial shipments, three subjects randomized with their
kits, and a resupply shipment to site 102 still in transit.

The study is shared with the demo's site organizations (Lakeside for 101, Meridian for 102, as
investigator and site staff of their own site) and with its CRO (Helix, blinded); the host
accepts those shares and gives the demo people their roles after every tool's demo data. An
organization that does not exist (a tool's own tests) is left out of the sharing. Other kinds
of organizations get no study of their own.

The host runs this as the sponsor's owner, who is blinded (no role with ``see_arms``): nothing
here needs to see an arm.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from ..models import Study, StudySite
from . import depots, kits, randomization, shipments, studies
from .errors import RtsmInputError

log = logging.getLogger(__name__)

STUDY = {
    "name": "Heart failure phase 3 (demo)", "protocol": "HF-301",
    "arms": [{"code": "A", "name": "Cardiozol 10 mg", "ratio": 1}, {"code": "B", "name": "Placebo", "ratio": 1}],
    "sites": [{"code": "101", "name": "Lakeside Clinical Research Center"},
              {"code": "102", "name": "Meridian Site Porto"}],
    "depots": [{"code": "D01", "name": "Central depot Rotterdam"}],
    "scheme": {"type": "stratified_block", "block_sizes": [2, 4], "strata": ["site", "sex"],
               "factors": {"sex": ["F", "M"]}},
}
#: (organization, site or None for the whole study, roles)
SHARES = (
    ("lakeside-research", "101", ["investigator", "site_staff"]),
    ("meridian-smo", "102", ["investigator", "site_staff"]),
    ("helix-cro", None, ["blinded"]),
)
#: edc's demo subjects, with the sex edc's enrolment form records for them
SUBJECTS = (("101-001", "101", "F"), ("101-002", "101", "M"), ("102-001", "102", "M"))
KITS_PER_ARM = 20
#: kits of the last lot expire soon: inside the do-not-ship window, so they stay at the depot
SHORT_DATED = 4
RESUPPLY_KITS = 2


def kit_list() -> list[dict]:
    """The kit list: arms alternating, two lots a year and more from expiry, a short-dated third."""
    today = kits.today()
    rows = []
    for i in range(2 * KITS_PER_ARM):
        short = i >= 2 * KITS_PER_ARM - SHORT_DATED
        lot, days = ("L2026-03", 45) if short else (("L2026-01", 420) if i < KITS_PER_ARM else ("L2026-02", 540))
        rows.append({"kit": f"HF{i + 1:04d}", "arm": "AB"[i % 2], "lot": lot,
                     "expiry": (today + timedelta(days=days)).isoformat(), "depot": "D01"})
    return rows


def load_demo(org_type: str) -> Study | None:
    if org_type != "sponsor":
        return None
    study = studies.create_study(STUDY)
    sites = {site.code: site for site in study.sites}
    kits.add_kits(study, kit_list())
    for code in ("101", "102"):
        _stock(sites[code])
    for subject, code, sex in SUBJECTS:
        randomization.randomize(study, subject=subject, site=sites[code], factors={"sex": sex}, source="page")
    resupply = shipments.request_shipment(sites["102"], quantity=RESUPPLY_KITS, kind="resupply")
    shipments.ship(resupply)
    _share(study, sites)
    return study


def _stock(site: StudySite) -> None:
    """Activate the site: its initial shipment is requested, shipped and received in good condition."""
    shipment = depots.activate_site(site)
    shipments.receive(shipments.ship(shipment))


def _share(study: Study, sites: dict[str, StudySite]) -> None:
    for org, code, roles in SHARES:
        try:
            studies.share_study(study, with_org=org, roles=roles, site=sites[code] if code else None)
        except RtsmInputError as refused:  # no such organization here (a tool's own tests)
            log.info("rtsm demo: study not shared with %s: %s", org, refused)
