"""The demo's trial master file (``trialoffice demo``): the sponsor's binder for HF-301, the study
edc and rtsm's demos run, with its two sites (101 Lakeside in the United States, 102 Meridian in
Portugal), shared with those sites' organizations (each files its own site's documents) and with
the CRO (Helix, which monitors and passes QC).

1. The sponsor (``demo_data``) opens the binder, sets the study-start milestone (three months
   ago) and the sites' activation milestones (101 ten days ago, so what it still misses is
   overdue; 102 next month), files the protocol (version 1, and version 2 after an amendment),
   the investigator's brochure, the informed consent form, the TMF plan and the regulatory
   decision, and sends most of them to QC.
2. Once the host accepted the shares (``demo_data_shared``), the CRO passes QC of the protocol
   (its version 1 is superseded) and of the brochure with its approval signature, makes the
   protocol effective and rejects the TMF plan with a reason; the consent form stays waiting in
   QC. Each site files its principal investigator's CV (Lakeside also its FDA 1572 and sends the
   CV to QC).

Every document is a real PDF (``demo_files``), so the preview and the search work on it.
"""
from __future__ import annotations

import io
import logging
from datetime import timedelta

from sqlalchemy import select

from sdk import tool, utcnow
from sdk.demo import DEMO_PASSWORD

from ..models import Document, Study, Version
from . import documents, milestones, studies, transitions
from .demo_files import demo_pdf
from .errors import ConflictError, EdocsInputError, NotAllowed

log = logging.getLogger(__name__)

STUDY = {"name": "Heart failure phase 3 (demo)", "protocol": "HF-301",
         "sites": [{"code": "101", "name": "Lakeside Clinical Research Center", "country": "US"},
                   {"code": "102", "name": "Meridian Site Porto", "country": "PT"}]}
#: (organization, site or None for the whole binder, roles)
SHARES = (("lakeside-research", "101", ["site_filer"]), ("meridian-smo", "102", ["site_filer"]),
          ("helix-cro", None, ["monitor"]))
TRIAL_DOCUMENTS = (
    # (artifact, title, file name, text, send to QC)
    ("02.01.02", "Clinical study protocol HF-301", "HF-301_protocol_v1.pdf",
     "A randomized, double-blind, placebo-controlled trial of cardiozol in chronic heart failure with "
     "reduced left ventricular ejection fraction.", False),
    ("02.01.01", "Investigator's brochure, cardiozol", "cardiozol_IB_ed7.pdf",
     "Edition 7. Nonclinical pharmacology, pharmacokinetics and the safety profile of cardiozol.", True),
    ("02.02.03", "Informed consent form, master", "HF-301_ICF_master.pdf",
     "You are invited to take part in a research study of cardiozol, a medicine for heart failure.", True),
    ("01.01.01", "Trial master file plan", "HF-301_TMF_plan.pdf",
     "Which documents are filed where, by whom and when; the QC process and the inspection readiness review.",
     True),
    ("03.01.02", "Regulatory authority decision, FDA", "HF-301_FDA_may_proceed.pdf",
     "The investigational new drug application is in effect: the study may proceed.", False),
)


def load_demo(org_type: str) -> Study | None:
    if org_type != "sponsor":
        return None
    study = studies.create_study(STUDY)
    sites = {site.code: site for site in study.sites}
    today = utcnow().date()
    milestones.add_milestone(study, "study_start", today - timedelta(days=90))
    milestones.add_milestone(study, "site_activation", today - timedelta(days=10), site=sites["101"])
    milestones.add_milestone(study, "site_activation", today + timedelta(days=30), site=sites["102"])
    for number, title, filename, text, to_qc in TRIAL_DOCUMENTS:
        version = _file(study, number, title, filename, text)
        if to_qc:
            transitions.transition(version, "qc")
    protocol = _document(study, "02.01.02")
    amended = documents.add_version(protocol, {"version_label": "2.0"}, _upload(
        "HF-301_protocol_v2.pdf", demo_pdf("Clinical study protocol HF-301, amendment 1",
                                           "Amendment 1 widens the ejection fraction criterion to 40 percent.")))
    transitions.transition(amended, "qc")
    tool().db_session().flush()
    _share(study, sites)
    return study


def load_shared_demo(org_slug: str) -> None:
    """What the CRO and the sites do once the sponsor's binder is shared with them."""
    study = tool().db_session().scalar(select(Study).where(Study.protocol == STUDY["protocol"],
                                                            Study.name == STUDY["name"]))
    if study is None:
        return
    if org_slug == "helix-cro":
        _review(study)
    elif org_slug == "lakeside-research":
        cv = _file(study, "05.02.04", "CV of Dr. Hannah Weiss, principal investigator", "Weiss_CV_2026.pdf",
                   "Cardiologist, principal investigator of 14 heart failure trials; GCP training 2026.", site="101")
        transitions.transition(cv, "qc")
        _file(study, "05.02.08", "Form FDA 1572, site 101", "site101_FDA1572.pdf",
              "Statement of investigator: Dr. Hannah Weiss, Lakeside Clinical Research Center.", site="101")
    elif org_slug == "meridian-smo":
        _file(study, "05.02.04", "CV of Dr. Carlos Mendes, principal investigator", "Mendes_CV_2026.pdf",
              "Cardiologist at Meridian Site Porto; principal investigator of 6 trials.", site="102")


def _review(study: Study) -> None:
    """The CRO's monitor passes QC with a signature (the demo's published password) and rejects."""
    user = tool().current_user()
    try:
        for number in ("02.01.02", "02.01.01"):
            transitions.transition(_newest(study, number), "approved", password=DEMO_PASSWORD, email=user.email)
        transitions.transition(_newest(study, "02.01.02"), "effective")
        transitions.transition(_newest(study, "01.01.01"), "rejected",
                               reason="The QC schedule in section 4 is missing; add it and file a new version.")
    except (NotAllowed, ConflictError, EdocsInputError) as refused:  # another demo password, a repeated run
        log.warning("edocs demo: the CRO's review was left out: %s", refused)
        tool().db_session().rollback()


def _file(study: Study, number: str, title: str, filename: str, text: str, site: str | None = None) -> Version:
    data = {"artifact": number, "title": title, "language": "en",
            "document_date": (utcnow().date() - timedelta(days=30)).isoformat()}
    if site:
        data.update(level="site", site=site)
    return documents.file_document(study, data, _upload(filename, demo_pdf(title, text)))


def _upload(filename: str, data: bytes):
    upload = io.BytesIO(data)
    upload.filename = filename
    return upload


def _document(study: Study, number: str) -> Document:
    artifact = studies.artifact_by_number(study, number)
    return tool().db_session().scalar(select(Document).where(Document.study_id == study.id,
                                                             Document.artifact_id == artifact.id))


def _newest(study: Study, number: str) -> Version:
    document = _document(study, number)
    return tool().db_session().scalar(select(Version).where(Version.document_id == document.id,
                                                            Version.number == document.current_version))


def _share(study: Study, sites: dict) -> None:
    for org, code, roles in SHARES:
        try:
            studies.share_study(study, with_org=org, roles=roles, site=sites[code] if code else None)
        except EdocsInputError as refused:  # no such organization here (a tool's own tests)
            log.info("edocs demo: binder not shared with %s: %s", org, refused)
