"""A version's lifecycle through the services: filing, QC, signed approval, superseding."""
from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import text

from plugins.edocs.models import Version
from plugins.edocs.services import transitions
from plugins.edocs.services.errors import ConflictError, EdocsInputError, NotAllowed
from plugins.edocs.services.stored_files import read_version
from plugins.edocs.tests.conftest import PASSWORD
from sdk import tool


def _move(sponsor, user, version_id, to, org=None, **kwargs):
    return sponsor.as_user(user, lambda s: transitions.transition(s.get(Version, version_id), to, **kwargs).status,
                           org=org)


def _statuses(sponsor, ids):
    return sponsor.run(lambda s: [s.get(Version, i).status for i in ids])


def test_approving_v3_supersedes_v1_and_v2_and_keeps_their_bytes(sponsor):
    reviewer = sponsor.member("quinn@acme-pharma.example.org", "Quinn Reviewer", "qc_reviewer")
    v1 = sponsor.file(data=b"protocol v1\n")
    document_id = sponsor.run(lambda s: s.get(Version, v1).document_id)
    v2 = sponsor.file(data=b"protocol v2\n", document_id=document_id)
    v3 = sponsor.file(data=b"protocol v3\n", document_id=document_id)
    assert _move(sponsor, sponsor.owner, v3, "qc") == "qc"
    assert _move(sponsor, reviewer, v3, "approved", password=PASSWORD, email=reviewer.email) == "approved"
    assert _statuses(sponsor, [v1, v2, v3]) == ["superseded", "superseded", "approved"]

    def first_bytes(session):
        version = session.get(Version, v1)
        with read_version(version) as stream:
            return version.sha256, stream.read()
    sha, data = sponsor.as_user(sponsor.owner, first_bytes)
    assert data == b"protocol v1\n" and sha == hashlib.sha256(b"protocol v1\n").hexdigest()


def test_draft_straight_to_effective_is_refused_and_changes_nothing(sponsor):
    v1 = sponsor.file()
    with pytest.raises(ConflictError, match="Draft cannot go to Effective"):
        _move(sponsor, sponsor.owner, v1, "effective")
    assert _statuses(sponsor, [v1]) == ["draft"]


def test_approval_needs_the_password_and_an_independent_reviewer(sponsor):
    reviewer = sponsor.member("quinn@acme-pharma.example.org", "Quinn Reviewer", "qc_reviewer")
    v1 = sponsor.file()
    _move(sponsor, sponsor.owner, v1, "qc")
    with pytest.raises(NotAllowed, match="someone else"):
        _move(sponsor, sponsor.owner, v1, "approved", password=PASSWORD, email=sponsor.owner.email)
    with pytest.raises(NotAllowed, match="Signature refused"):
        _move(sponsor, reviewer, v1, "approved", password="wrong", email=reviewer.email)
    assert _statuses(sponsor, [v1]) == ["qc"]


def test_a_rejection_needs_a_reason(sponsor):
    reviewer = sponsor.member("quinn@acme-pharma.example.org", "Quinn Reviewer", "qc_reviewer")
    v1 = sponsor.file()
    _move(sponsor, sponsor.owner, v1, "qc")
    with pytest.raises(EdocsInputError, match="needs a reason"):
        _move(sponsor, reviewer, v1, "rejected", reason="  ")
    assert _move(sponsor, reviewer, v1, "rejected", reason="Signature page missing") == "rejected"
    assert sponsor.run(lambda s: s.get(Version, v1).qc_reason) == "Signature page missing"


def test_an_approval_goes_out_as_an_event_through_the_outbox_and_nothing_else_does(sponsor):
    reviewer = sponsor.member("quinn@acme-pharma.example.org", "Quinn Reviewer", "qc_reviewer")
    v1 = sponsor.file(data=b"CV of the PI\n", filename="cv.txt", artifact="05.02.04", level="site", site="101")
    _move(sponsor, sponsor.owner, v1, "qc")
    _move(sponsor, reviewer, v1, "rejected", reason="Unsigned")
    assert _approved_events(sponsor) == []
    _move(sponsor, sponsor.owner, v1, "qc")
    _move(sponsor, reviewer, v1, "approved", password=PASSWORD, email=reviewer.email)
    (payload,) = _approved_events(sponsor)
    document_id, sha = sponsor.run(lambda s: (s.get(Version, v1).document_id, s.get(Version, v1).sha256))
    assert payload == {"trial_ref": "HF-301", "site_ref": "101", "artifact": "05.02.04", "document_id": document_id,
                       "version": 1, "sha256": sha, "approved_on": payload["approved_on"]}


def _approved_events(sponsor):
    rows = sponsor.run(lambda s: s.execute(text(
        "SELECT payload FROM outbox_event WHERE name = 'edocs.document_approved'")).scalars().all())
    return [json.loads(row) if isinstance(row, str) else row for row in rows]


def test_reviewers_hear_of_documents_in_qc_and_the_sites_filers_of_a_rejection(sponsor):
    reviewer = sponsor.member("quinn@acme-pharma.example.org", "Quinn Reviewer", "qc_reviewer")
    site_org, site_owner = sponsor.share_site("lakeside", "101", ["site_filer"])
    other_site, other_owner = sponsor.share_site("meridian", "102", ["site_filer"])
    cv = sponsor.file(data=b"CV\n", filename="cv.txt", artifact="05.02.04", level="site", site="101",
                      user=site_owner, org=site_org)
    _move(sponsor, site_owner, cv, "qc", org=site_org)
    assert "QC waiting: cv v1" in sponsor.login_as(reviewer).get("/notifications").get_data(as_text=True)
    _move(sponsor, reviewer, cv, "rejected", reason="Not signed and dated")
    told = sponsor.login_as(site_owner).get("/notifications").get_data(as_text=True)
    assert "QC rejected: cv v1" in told and "Not signed and dated" in told
    assert "QC rejected" not in sponsor.login_as(other_owner).get("/notifications").get_data(as_text=True)


def test_an_approval_that_fails_after_the_signature_keeps_neither(sponsor, monkeypatch):
    reviewer = sponsor.member("quinn@acme-pharma.example.org", "Quinn Reviewer", "qc_reviewer")
    v1 = sponsor.file()
    _move(sponsor, sponsor.owner, v1, "qc")

    def outbox_down(*args):
        raise RuntimeError("the outbox is unavailable")
    monkeypatch.setattr(transitions, "announce_approval", outbox_down)
    with pytest.raises(RuntimeError, match="outbox"):
        _move(sponsor, reviewer, v1, "approved", password=PASSWORD, email=reviewer.email)
    assert _statuses(sponsor, [v1]) == ["qc"]
    assert sponsor.run(lambda s: tool().signatures.for_record(s.get(Version, v1))) == []
