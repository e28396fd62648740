"""Verified reads: every read-back of a stored file checks its SHA-256 against its key, so a file
damaged on disk is refused by get, verify, the end of an open stream and send (never served)."""
import hashlib
import io
import logging
from types import SimpleNamespace

import pytest
from fpdf import FPDF

from sdk import org_scope, services
from sdk.files import FileCorrupted
from sdk.testing import csrf_token

TOOL = "/o/acme/testtool"


def make_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(text="Signed protocol, version 3")
    return bytes(pdf.output())


@pytest.fixture
def acme(app, make_user, make_org, grant_license, login_as):
    owner = make_user("owner@acme.example.org")
    org = make_org("acme", owner=owner)
    grant_license(org, "testtool", enable=True)
    client = login_as(owner)
    return SimpleNamespace(app=app, org=org, client=client, token=csrf_token(client, f"{TOOL}/"))


def stored_path(app, org, key):
    """Where the storage service keeps ``key`` of ``org`` under the app's STORAGE_DIR."""
    return app.extensions["trialoffice.services"].storage.root / str(org.id) / key[:2] / key


def corrupt(app, org, key) -> bytes:
    """Flip one byte of the stored file in place; returns the damaged bytes."""
    path = stored_path(app, org, key)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    return bytes(data)


def upload(acme, data: bytes) -> str:
    r = acme.client.post(f"{TOOL}/files", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(data), "protocol.pdf", "application/pdf"),
                               "csrf_token": acme.token})
    assert r.status_code == 201
    return hashlib.sha256(data).hexdigest()


def test_intact_files_read_back_through_get_verify_and_open(app, make_org):
    org = make_org("acme")
    data = b"site,country\n" * 10_000
    with app.test_request_context(), org_scope(org.id):
        key = services().storage.put(data)
        assert services().storage.get(key) == data
        assert services().storage.verify(key) is None
        with services().storage.open(key) as stream:
            assert stream.read(5) == b"site,"
            assert b"".join(iter(lambda: stream.read(4096), b"")) == data[5:]
            assert stream.read() == b""
        with pytest.raises(KeyError):
            services().storage.verify("0" * 64)


def test_a_damaged_file_is_refused_by_get_verify_and_at_the_end_of_open(app, make_org):
    org = make_org("acme")
    data = b"investigator CV, page 1\n" * 5_000
    with app.test_request_context(), org_scope(org.id):
        key = services().storage.put(data)
        damaged = corrupt(app, org, key)
        for read in (services().storage.get, services().storage.verify):
            with pytest.raises(FileCorrupted) as refused:
                read(key)
            assert refused.value.key == key and refused.value.org_id == org.id
            assert str(refused.value) == (f"The stored file {key[:12]}… no longer matches its SHA-256; "
                                          "it was not read.")
        with services().storage.open(key) as stream:
            assert stream.read(10) == damaged[:10]  # a partial read has no check yet
            with pytest.raises(FileCorrupted):
                stream.read()
        with services().storage.open(key) as stream, pytest.raises(FileCorrupted):
            for _chunk in iter(lambda: stream.read(1000), b""):
                pass
        assert isinstance(refused.value, RuntimeError)


def test_a_truncated_file_is_refused_too(app, make_org):
    org = make_org("acme")
    with app.test_request_context(), org_scope(org.id):
        key = services().storage.put(b"ethics approval letter" * 100)
        path = stored_path(app, org, key)
        path.write_bytes(path.read_bytes()[:-1])
        with pytest.raises(FileCorrupted):
            services().storage.get(key)


def test_send_refuses_a_damaged_file_with_a_clear_500_and_an_error_log(acme, caplog):
    pdf = make_pdf()
    key = upload(acme, pdf)
    assert acme.client.get(f"{TOOL}/files/{key}").data == pdf
    corrupt(acme.app, acme.org, key)
    with caplog.at_level(logging.ERROR, logger="host.errors"):
        page = acme.client.get(f"{TOOL}/files/{key}")
    assert page.status_code == 500
    body = page.get_data(as_text=True)
    assert f"The stored file {key[:12]}… no longer matches its SHA-256; it was not read." in body
    assert "%PDF" not in body and page.headers["Content-Type"].startswith("text/html")
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR and key in r.getMessage()]
    assert "acme" in record.getMessage() and str(acme.org.id) in record.getMessage()

    with acme.app.test_request_context(f"/api/v1/o/acme/testtool/files/{key}"):
        response, status = acme.app.handle_user_exception(FileCorrupted(key, acme.org.id))
    assert status == 500 and response.get_json() == {
        "error": "file_corrupted",
        "message": f"The stored file {key[:12]}… no longer matches its SHA-256; it was not read."}
