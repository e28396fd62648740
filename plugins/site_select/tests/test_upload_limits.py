"""The import declares its own upload limit (every AACT file at its largest), above the platform's
request limit and for the import alone; each uploaded file is read no further than it may be."""
from __future__ import annotations

import io

import pytest

from sdk.testing import csrf_token

from ..services import SiteSelectError
from ..services import imports as import_service


def test_the_import_takes_more_than_the_platform_limit_and_other_views_do_not(world):
    world.app.config["MAX_CONTENT_LENGTH"] = 1024
    headers = {"X-CSRFToken": csrf_token(world.client, "/o/acme/site_select/imports")}
    upload = world.client.post("/api/v1/o/acme/site_select/imports", headers=headers,
                               data={"files": (io.BytesIO(b"x" * 4096), "notes.txt")},
                               content_type="multipart/form-data")
    assert upload.status_code == 422 and "notes.txt: not an AACT file" in upload.get_json()["message"]
    site = world.client.post("/api/v1/o/acme/site_select/sites", headers=headers,
                             json={"name": "Big " + "x" * 4096, "country": "DE"})
    assert site.status_code == 413 and site.get_json()["error"] == "request_entity_too_large"


class CountingUpload:
    def __init__(self, filename: str, data: bytes):
        self.filename, self._data, self.asked = filename, data, []

    def __bool__(self):
        return bool(self.filename)

    def read(self, size: int = -1) -> bytes:
        self.asked.append(size)
        return self._data if size < 0 else self._data[:size]


def test_each_upload_is_read_only_one_byte_past_the_file_limit(monkeypatch):
    monkeypatch.setattr(import_service, "MAX_FILE_BYTES", 10)
    big = CountingUpload("C:\\exports\\facilities.txt", b"y" * 100)
    files = import_service.read_uploads([big, CountingUpload("", b"ignored")])
    assert files == {"facilities.txt": b"y" * 11} and big.asked == [11]
    with pytest.raises(SiteSelectError, match="facilities.txt: larger than"):
        import_service.decode_uploads(files)
