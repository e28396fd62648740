"""Shared steps of edc's entry page and API tests: enrolling through the service, the form's
page path and its input names."""
from plugins.edc.models import Study, StudySite
from plugins.edc.services import entry
from plugins.edc.services.layout import field_name

EVENT = "SE.event_1"


def enroll(sponsor, key="101-001", site="101", org=None):
    def _enroll(session):
        study = session.get(Study, sponsor.study_id)
        return entry.enroll(study, session.get(StudySite, sponsor.site_ids[site]), key).id
    return sponsor.run(_enroll, org=org)


def form_path(org_slug, subject_id, form="vitals", occurrence=None):
    path = f"/o/{org_slug}/edc/subjects/{subject_id}/events/{EVENT}/forms/F.{form}"
    return path + (f"?occurrence={occurrence}" if occurrence else "")


def name(item, form="vitals"):
    return field_name(f"IG.{form}", 1, f"IT.{item}")
