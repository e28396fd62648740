"""The "Exchange" page: the export download and the import form, all or nothing."""
from __future__ import annotations

import io
import zipfile

from sqlalchemy import func, select

from plugins.edocs.models import Document, Version
from sdk.testing import submit_form


def _exchange_page(study_id):
    return f"/o/acme-pharma/edocs/studies/{study_id}/exchange"


def _new_binder(sponsor, name="Copy of HF-301"):
    created = sponsor.app.test_client().post("/api/v1/o/acme-pharma/edocs/studies", json={"name": name},
                                             headers=sponsor.headers())
    return created.get_json()["id"]


def _count(sponsor, study_id):
    return sponsor.run(lambda s: (
        s.scalar(select(func.count()).select_from(Document).where(Document.study_id == study_id)),
        s.scalar(select(func.count()).select_from(Version).where(Version.study_id == study_id))))


def test_export_download_then_import_through_the_page(sponsor):
    sponsor.file(data=b"Protocol v1\n")
    page = sponsor.client.get(_exchange_page(sponsor.study_id)).get_data(as_text=True)
    assert "Download the exchange zip" in page
    download = sponsor.client.get(f"/o/acme-pharma/edocs/studies/{sponsor.study_id}/exchange.zip")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert "exchange.xml" in zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    target = _new_binder(sponsor)
    answer = submit_form(sponsor.client, _exchange_page(target), {"file": [(io.BytesIO(download.data), "hf.zip")]},
                         follow_redirects=True)
    assert "Imported 1 documents with 1 versions" in answer.get_data(as_text=True)
    assert _count(sponsor, target) == (1, 1)


def test_a_bad_zip_on_the_page_lists_the_problems_and_writes_nothing(sponsor):
    target = _new_binder(sponsor)
    bad = io.BytesIO()
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("../outside.txt", "x")
    answer = submit_form(sponsor.client, _exchange_page(target), {"file": [(io.BytesIO(bad.getvalue()), "bad.zip")]})
    assert answer.status_code == 422
    text = answer.get_data(as_text=True)
    assert "Nothing was imported" in text and "outside.txt" in text
    assert _count(sponsor, target) == (0, 0)


def test_without_a_file_the_page_says_so(sponsor):
    answer = submit_form(sponsor.client, _exchange_page(sponsor.study_id), {})
    assert answer.status_code == 422 and "Choose the exchange zip" in answer.get_data(as_text=True)
