"""Files through the storage service: the type is decided by the content (a PDF-named file that
is not a PDF is refused, nothing kept), size and name are recorded, uploads stream in chunks,
limits hold, downloads carry the stored headers, and organizations and tools stay apart."""
import hashlib
import io
import tracemalloc
from types import SimpleNamespace

import pytest
from fpdf import FPDF
from sqlalchemy import func, select

from host.files.models import StoredFileRecord
from sdk import all_organizations, org_scope, services, tool
from sdk.files import FileRefused
from sdk.testing import csrf_token

TOOL = "/o/acme/testtool"


def make_pdf(pages: int = 1) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for page in range(pages):
        pdf.add_page()
        pdf.cell(text=f"Protocol amendment, page {page + 1}")
    return bytes(pdf.output())


@pytest.fixture
def acme(app, make_user, make_org, grant_license, login_as):
    owner = make_user("owner@acme.example.org")
    org = make_org("acme", owner=owner)
    grant_license(org, "testtool", enable=True)
    client = login_as(owner)
    return SimpleNamespace(app=app, org=org, client=client, token=csrf_token(client, f"{TOOL}/"))


def _upload(acme, data: bytes, name: str, content_type: str = "application/pdf"):
    return acme.client.post(f"{TOOL}/files", content_type="multipart/form-data",
                            data={"file": (io.BytesIO(data), name, content_type), "csrf_token": acme.token})


def _kept(app) -> tuple[int, list[str]]:
    """Rows in stored_file (all organizations) and files on disk (waiting uploads included)."""
    with app.app_context(), all_organizations():
        rows = services().db_session().scalar(select(func.count()).select_from(StoredFileRecord))
    root = app.extensions["trialoffice.services"].storage.root
    return rows, sorted(p.name for p in root.rglob("*") if p.is_file())


def test_an_upload_named_pdf_that_is_not_a_pdf_is_refused_and_nothing_is_kept(acme):
    r = _upload(acme, b"%!PS-Adobe-3.0 pretending\n" * 20, "report.pdf")
    assert r.status_code == 415
    assert "only application/pdf can be uploaded here" in r.get_data(as_text=True)
    zipped = _upload(acme, b"PK\x03\x04" + b"\x00" * 200, "scan.pdf")
    assert zipped.status_code == 415 and "a ZIP file (application/zip)" in zipped.get_data(as_text=True)
    assert _kept(acme.app) == (0, [])


def test_a_real_pdf_is_kept_and_downloaded_with_its_stored_type_length_and_name(acme):
    pdf = make_pdf()
    r = _upload(acme, pdf, "Protocol résumé.pdf", content_type="application/octet-stream")
    key = hashlib.sha256(pdf).hexdigest()
    assert r.status_code == 201 and key in r.get_data(as_text=True)
    download = acme.client.get(f"{TOOL}/files/{key}")
    assert download.status_code == 200 and download.data == pdf
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Length"] == str(len(pdf))
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"Protocol resume.pdf\"; filename*=UTF-8''Protocol%20r%C3%A9sum%C3%A9.pdf")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in download.headers["Cache-Control"]
    assert acme.client.get(f"{TOOL}/files/{key}", headers={"If-None-Match": f'"{key}"'}).status_code == 304
    with acme.app.test_request_context(), org_scope(acme.org.id):
        stored = services().storage.info(key)
        with services().storage.open(key) as stream:
            assert stream.read(5) == b"%PDF-"
    assert (stored.size, stored.content_type, stored.original_name, stored.tool_key) == (
        len(pdf), "application/pdf", "Protocol résumé.pdf", "testtool")
    assert stored.created_by is not None


def test_a_file_over_the_tools_limit_is_refused_with_413_and_a_clear_message(acme):
    padded = make_pdf() + b"%" + b"x" * 40_000  # a PDF, but over the view's 32 KB
    r = _upload(acme, padded, "big.pdf")
    assert r.status_code == 413 and "at most 32 KB can be uploaded here" in r.get_data(as_text=True)
    over_request = _upload(acme, padded + b"x" * 40_000, "bigger.pdf")  # over @upload_limit: 64 KB
    assert over_request.status_code == 413
    assert _kept(acme.app) == (0, [])


def test_another_organization_cannot_download_or_see_the_file(acme, make_user, make_org, grant_license,
                                                               login_as):
    pdf = make_pdf()
    assert _upload(acme, pdf, "mine.pdf").status_code == 201
    key = hashlib.sha256(pdf).hexdigest()
    other_owner = make_user("owner@other.example.org")
    other = make_org("other", owner=other_owner)
    grant_license(other, "testtool", enable=True)
    assert login_as(other_owner).get(f"/o/other/testtool/files/{key}").status_code == 404
    assert acme.client.get(f"{TOOL}/files/{'0' * 64}").status_code == 404
    assert acme.client.get(f"{TOOL}/files/not-a-key").status_code == 404
    with acme.app.test_request_context(), org_scope(other.id):
        assert not services().storage.exists(key)
        with pytest.raises(KeyError):
            services().storage.info(key)
        with pytest.raises(KeyError):
            services().storage.open(key)


class Lines:
    """A readable stream of ``total`` bytes of CSV made chunk by chunk, never held whole."""

    def __init__(self, total: int):
        self.left, self.line = total, b"site,country,enrolled\n"

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        self.left -= size
        return (self.line * (size // len(self.line) + 1))[:size]


def test_save_streams_in_chunks_and_keeps_text_by_the_utf8_rule(app, support, make_org):
    org = make_org("acme")
    size = 24 * 1024 * 1024
    with app.test_request_context(), org_scope(org.id), support.running_tool("testtool"):
        tracemalloc.start()
        stored = tool().storage.save(Lines(size), filename="sites.csv", max_bytes=size,
                                     allowed_types=("text/plain", "text/csv"))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < size / 20, f"save() held {peak} bytes for a {size}-byte upload"
        assert (stored.size, stored.content_type) == (size, "text/csv")
        notes = tool().storage.save(b"caf\xc3\xa9 notes\n", filename="notes.txt", allowed_types=("text/plain",
                                                                                                 "text/csv"))
        assert notes.content_type == "text/plain"
        for data, why in ((b"a,b\n\x00\x01", "NUL"), (b"caf\xe9,latin-1\n", "not UTF-8"), (b"", "empty")):
            with pytest.raises(FileRefused) as refused:
                tool().storage.save(data, filename="sites.csv", allowed_types=("text/csv",))
            assert refused.value.status in (415, 422), why
        with pytest.raises(FileRefused) as too_big:
            tool().storage.save(Lines(2048), filename="sites.csv", allowed_types=("text/csv",), max_bytes=1024)
        assert too_big.value.status == 413
        services().db_session().commit()


def test_put_and_get_still_keep_bare_bytes_and_each_tool_reads_its_own_files(app, support, make_org):
    org = make_org("acme")
    with app.test_request_context(), org_scope(org.id):
        key = services().storage.put(b"raw import,1\n")
        assert services().storage.get(key) == b"raw import,1\n" and services().storage.exists(key)
        with pytest.raises(KeyError):
            services().storage.info(key)  # bare bytes have no recorded type or name
        with support.running_tool("testtool"):
            assert tool().storage is services().storage  # level 2 and level 1 reach one service
            saved = tool().storage.save(b"raw import,1\n", filename="import.csv", allowed_types=("text/csv",))
            again = tool().storage.save(b"raw import,1\n", filename="renamed.csv", allowed_types=("text/csv",))
        assert saved.key == again.key == key and again.original_name == "import.csv"
        with support.running_tool("site_select"), pytest.raises(KeyError):
            tool().storage.info(key)
        assert services().storage.info(key).tool_key == "testtool"  # the host reads any tool's
        services().db_session().commit()


@pytest.mark.parametrize("data, name, allowed, expected", [
    (b"BMI,weight\n31,90\n", "bmi.csv", ("text/csv",), "text/csv"),  # "BM" is a bitmap's signature
    (b"ID3,site\n1,Lyon\n", "ids.txt", ("text/plain", "text/csv"), "text/plain"),
    (b"site,country\n", "sites.dat", ("text/csv",), "text/csv"),
    (b"%PDF-1.4\n%%EOF\n", "plain.csv", ("text/csv",), None),  # an all-ASCII PDF is still a PDF
    (b"%PDF-1.4\n%%EOF\n", "x.bin", ("application/pdf",), "application/pdf"),
    (b"BM\x36\x00\x00\x00\x00\x00", "photo.csv", ("text/csv",), None),  # a real bitmap header
    (b"site,country\n", "sites.pdf", ("application/pdf",), None),
])
def test_the_content_decides_the_type_and_chance_signatures_do_not_beat_text(data, name, allowed, expected):
    from host.files.sniff import TextCheck, content_type_of

    check = TextCheck()
    check.feed(data)
    is_text = check.finish()
    if expected is None:
        with pytest.raises(FileRefused):
            content_type_of(data, is_text, name, allowed)
    else:
        assert content_type_of(data, is_text, name, allowed) == expected
