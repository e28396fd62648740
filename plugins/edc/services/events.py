"""The platform events edc emits (declared in ``sdk.events``: the first-party contracts other
tools consume). ``trial_ref`` is the study's protocol name (its OID when it has none),
``site_ref`` the site's OID (a site master reference once sites are linked to site_select),
``subject_ref`` the subject's number. Emitted in the same transaction as the change, through the
outbox: a change rolled back was never announced. They are emitted in the study owner's
organization (a site organization enrolls into the sponsor's study), so the sponsor's other
tools (rtsm randomizing on enrollment, site_select's site history) hear of them."""
from __future__ import annotations

from sqlalchemy import func, select

from sdk import org_scope, tool, utcnow

from ..models import FormInstance, ItemValue, Query, Study, StudySite, Subject


def trial_ref(study: Study) -> str:
    return study.protocol_name or study.oid


def subject_enrolled(study: Study, site: StudySite, subject: Subject) -> None:
    with org_scope(study.org_id):
        tool().events.emit("edc.subject_enrolled", {
            "trial_ref": trial_ref(study), "site_ref": site.oid, "subject_ref": subject.subject_key,
            "enrolled_on": utcnow().date().isoformat()})


def form_completed(study: Study, subject: Subject, form: FormInstance) -> None:
    session = tool().db_session()
    data_points = session.scalar(select(func.count(ItemValue.id)).where(ItemValue.form_id == form.id)) or 0
    queries = session.scalar(select(func.count(Query.id)).where(Query.form_id == form.id)) or 0
    with org_scope(study.org_id):
        tool().events.emit("edc.form_completed", {
            "trial_ref": trial_ref(study), "site_ref": subject.site.oid, "form_ref": form.form_oid,
            "completed_on": utcnow().date().isoformat(), "data_points": data_points, "queries": queries})
