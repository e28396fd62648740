"""The exchange export and import through the API: a binder exported and imported into a new
binder of another organization keeps its artifacts, titles, statuses and hashes; a damaged or
malicious zip is refused with every problem named and nothing written."""
from __future__ import annotations

import io
import zipfile

from sqlalchemy import func, select

from plugins.edocs.models import Artifact, Document, Study, StudySite, Version
from plugins.edocs.services import studies
from plugins.edocs.tests.conftest import PASSWORD
from sdk import tool

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _api(sponsor):
    return sponsor.app.test_client()


def _binder(sponsor, client, headers, slug="acme-pharma", name="Imported HF-301"):
    created = client.post(f"/api/v1/o/{slug}/edocs/studies", json={"name": name, "sites": [{"code": "101"}]},
                          headers=headers)
    assert created.status_code == 201, created.get_json()
    return created.get_json()["id"]


def _filed_binder(sponsor):
    """HF-301 with a protocol in three versions (v3 approved, v1 and v2 superseded) and a site CV."""
    reviewer = sponsor.member("quinn@acme-pharma.example.org", "Quinn Reviewer", "qc_reviewer")
    client, base = _api(sponsor), "/api/v1/o/acme-pharma/edocs"
    first = None
    for n in (1, 2, 3):
        form = {"artifact": "02.01.01", "title": "Protocol", "document_date": "2024-03-05",
                "file": (io.BytesIO(f"protocol v{n}\n".encode()), "protocol.txt")}
        if first:
            form["document"] = str(first)
        answer = client.post(f"{base}/studies/{sponsor.study_id}/documents", data=form, headers=sponsor.headers(),
                             content_type="multipart/form-data")
        assert answer.status_code == 201, answer.get_json()
        first = first or answer.get_json()["id"]
    client.post(f"{base}/documents/{first}/transitions", json={"to": "qc"}, headers=sponsor.headers())
    approved = client.post(f"{base}/documents/{first}/transitions", headers=sponsor.headers(reviewer),
                           json={"to": "approved", "password": PASSWORD, "email": reviewer.email})
    assert approved.status_code == 200, approved.get_json()
    sponsor.file("05.02.04", PDF, "CV Müller.pdf", level="site", site="102", title="CV Dr Müller")
    return first


def _export(sponsor) -> bytes:
    answer = _api(sponsor).get(f"/api/v1/o/acme-pharma/edocs/studies/{sponsor.study_id}/exchange",
                               headers=sponsor.headers())
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert "attachment" in answer.headers["Content-Disposition"]
    return answer.data


def _import(client, slug, study_id, data: bytes, headers):
    return client.post(f"/api/v1/o/{slug}/edocs/studies/{study_id}/exchange", headers=headers,
                       data={"file": (io.BytesIO(data), "binder.zip")}, content_type="multipart/form-data")


def _inventory(session, study_id):
    rows = session.execute(select(Document.title, Document.level, Version.number, Version.status, Version.sha256)
                           .join(Version, Version.document_id == Document.id).where(Document.study_id == study_id)
                           .order_by(Document.title, Version.number)).all()
    artifacts = session.scalars(select(Document.artifact_id).where(Document.study_id == study_id)).all()
    numbers = sorted(session.get(Artifact, a).number for a in artifacts)
    return numbers, [tuple(r) for r in rows]


def _counts(sponsor, org):
    def count(session):
        return tuple(session.scalar(select(func.count()).select_from(model)) for model in (Document, Version, StudySite))
    return sponsor.run(count, org=org)


def test_export_then_import_into_another_organization_keeps_artifacts_titles_and_hashes(
        sponsor, make_user, make_org, grant_license, support):
    _filed_binder(sponsor)
    exported = _export(sponsor)
    with zipfile.ZipFile(io.BytesIO(exported)) as zf:
        names = zf.namelist()
    assert "exchange.xml" in names and any(n.startswith("02 ") and "/02.01.01 " in n for n in names)

    owner = make_user("rita@receiver.example.org", name="Rita Receiver")
    receiver = make_org("receiver", owner=owner, name="Receiver CRO")
    grant_license(receiver, "edocs", enable=True)
    client, headers = _api(sponsor), {"Authorization": f"Bearer {support.issue_token(receiver, owner)}"}
    target = _binder(sponsor, client, headers, slug="receiver")
    answer = _import(client, "receiver", target, exported, headers)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json() == {"documents": 2, "versions": 4, "sites_created": ["102"]}

    source = sponsor.run(lambda s: _inventory(s, sponsor.study_id))
    copied = sponsor.run(lambda s: _inventory(s, target), org=receiver)
    assert copied == source
    assert copied[1][-1][:4] == ("Protocol", "trial", 3, "approved")
    provenance = sponsor.as_user(owner, lambda s: [
        e.reason for v in s.scalars(select(Version).where(Version.study_id == target))
        for e in tool().audit.history(entity_type="version", entity_id=str(v.id)) if e.action == "import"],
        org=receiver)
    assert len(provenance) == 4 and all("Acme Pharma" in r and "not signed" in r for r in provenance)
    cv = client.get(f"/api/v1/o/receiver/edocs/studies/{target}/documents?site=102", headers=headers).get_json()
    assert cv["documents"][0]["title"] == "CV Dr Müller" and cv["documents"][0]["source"] == "import"


def test_export_then_import_into_a_new_binder_of_the_same_organization(sponsor):
    _filed_binder(sponsor)
    exported = _export(sponsor)
    client = _api(sponsor)
    target = _binder(sponsor, client, sponsor.headers())
    assert _import(client, "acme-pharma", target, exported, sponsor.headers()).status_code == 201
    assert sponsor.run(lambda s: _inventory(s, target)) == sponsor.run(lambda s: _inventory(s, sponsor.study_id))


def _rezip(data: bytes, replace: dict | None = None, add: tuple = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            dst.writestr(info, (replace or {}).get(info.filename, lambda b: b)(content))
        for name, content in add:
            dst.writestr(name, content)
    return out.getvalue()


def _refused(sponsor, data: bytes) -> list[str]:
    client = _api(sponsor)
    target = _binder(sponsor, client, sponsor.headers())
    before = _counts(sponsor, sponsor.org)
    answer = _import(client, "acme-pharma", target, data, sponsor.headers())
    assert answer.status_code == 422, answer.get_json()
    assert _counts(sponsor, sponsor.org) == before
    return answer.get_json()["problems"]


def test_a_corrupted_file_aborts_the_whole_import_naming_it(sponsor):
    _filed_binder(sponsor)
    exported = _export(sponsor)
    with zipfile.ZipFile(io.BytesIO(exported)) as zf:
        cv = next(n for n in zf.namelist() if n.endswith(".pdf"))
    problems = _refused(sponsor, _rezip(exported, replace={cv: lambda b: b.replace(b"Catalog", b"Katalog")}))
    assert any(cv in p and "SHA-256" in p for p in problems)


def test_a_path_traversal_zip_is_refused(sponsor):
    sponsor.file()
    problems = _refused(sponsor, _rezip(_export(sponsor), add=(("../../etc/evil.txt", b"owned\n"),)))
    assert any("evil.txt" in p and "'..'" in p for p in problems)


def test_a_zip_bomb_is_refused(sponsor):
    sponsor.file()
    problems = _refused(sponsor, _rezip(_export(sponsor), add=(("bomb.txt", b"\0" * (20 * 1024 * 1024)),)))
    assert any("bomb.txt" in p and "zip bomb" in p for p in problems)


def test_an_artifact_the_binder_lacks_is_refused(sponsor):
    sponsor.file()
    problems = _refused(sponsor, _rezip(_export(sponsor), replace={
        "exchange.xml": lambda b: b.replace(b"<ARTIFACTNUMBER>02.01.01<", b"<ARTIFACTNUMBER>02.01.99<")}))
    assert any("02.01.99 is not an artifact" in p for p in problems)


def test_something_that_is_not_a_zip_is_refused(sponsor):
    assert any("not a zip" in p for p in _refused(sponsor, b"just some text\n"))


def test_exchange_needs_manage_binder_and_the_binders_owner(sponsor):
    cta = sponsor.member("cara@acme-pharma.example.org", "Cara Associate", "cta")
    client = _api(sponsor)
    url = f"/api/v1/o/acme-pharma/edocs/studies/{sponsor.study_id}/exchange"
    assert client.get(url, headers=sponsor.headers(cta)).status_code == 403
    org, owner = sponsor.share_site("lakeside", "101", ["site_filer"])
    assert client.get(f"/api/v1/o/lakeside/edocs/studies/{sponsor.study_id}/exchange",
                      headers=sponsor.headers(owner, org)).status_code == 403


def test_importing_into_a_closed_binder_is_refused(sponsor):
    sponsor.file()
    exported = _export(sponsor)
    sponsor.as_user(sponsor.owner, lambda s: studies.close_study(s.get(Study, sponsor.study_id)))
    answer = _import(_api(sponsor), "acme-pharma", sponsor.study_id, exported, sponsor.headers())
    assert answer.status_code == 409 and "closed" in answer.get_json()["message"]
