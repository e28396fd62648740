"""Documents other tools hand over through the SDK's document service: filed as drafts into the
binder whose protocol is the request's trial, at its artifact and site, with the tool as source;
what cannot be filed is recorded as refused in the audit trail and never retried."""
from __future__ import annotations

from sqlalchemy import select

from plugins.edocs.models import Document, Version
from sdk import org_scope, tool
from sdk.tool import host_runs_tool

RECEIPT = b"shipment,site,kit,condition\nSHP-0001,101,HF0001,received\n"


def hand_over(sponsor, **overrides):
    """What rtsm does on a received shipment: ask for the filing in the binder owner's scope."""
    request = {"trial_ref": "HF-301", "artifact": "06.01.04", "level": "site", "site_ref": "101",
               "filename": "shipment-SHP-0001-receipt.csv", "data": RECEIPT, "title": "IP shipment SHP-0001 receipt",
               **overrides}
    with sponsor.app.test_request_context(), org_scope(sponsor.org.id), host_runs_tool("rtsm"):
        event_id = tool().documents.file(**request)
        tool().db_session().commit()
        return event_id


def filed(sponsor):
    return sponsor.run(lambda session: [
        (d.artifact.number, d.level, d.site.code if d.site else None, d.source, d.title, v.status, v.content_type)
        for d in session.scalars(select(Document).order_by(Document.id))
        for v in session.scalars(select(Version).where(Version.document_id == d.id))])


def refusals(sponsor):
    def read(session):
        studies = tool().audit.history(entity_type="study", entity_id=str(sponsor.study_id))
        return [entry.reason for entry in studies if entry.action == "filing_refused"]
    return sponsor.run(read)


def test_a_document_another_tool_hands_over_is_filed_as_a_draft(sponsor, support):
    assert hand_over(sponsor) is not None
    support.deliver_events()
    assert filed(sponsor) == [("06.01.04", "site", "101", "rtsm", "IP shipment SHP-0001 receipt", "draft", "text/csv")]


def test_what_cannot_be_filed_is_recorded_as_refused_and_nothing_is_filed(sponsor, support):
    hand_over(sponsor, site_ref="999")
    hand_over(sponsor, artifact="06.01.99")
    hand_over(sponsor, data=b"MZ\x90\x00\x03" + bytes(200), filename="receipt.csv")  # not a document
    support.deliver_events()
    assert filed(sponsor) == []
    reasons = refusals(sponsor)
    assert len(reasons) == 3 and any("999" in reason for reason in reasons)
    told = sponsor.client.get("/notifications").get_data(as_text=True)
    assert told.count("Not filed: ") == 3 and "from rtsm" in told


def test_without_the_document_tool_nothing_is_handed_over(sponsor, grant_license, make_org, make_user):
    other = make_org("quiet-bio", owner=make_user("q@quiet.example.org"))
    with sponsor.app.test_request_context(), org_scope(other.id), host_runs_tool("rtsm"):
        assert tool().documents.file(trial_ref="HF-301", artifact="06.01.04", filename="r.csv", data=RECEIPT) is None
