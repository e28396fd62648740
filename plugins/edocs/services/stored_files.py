"""A version's bytes, read from the binder owner's storage (a site organization's filings are
kept there too): the storage service checks the SHA-256 as they are read, so a damaged file is
never passed on (``sdk.files.FileCorrupted``)."""
from __future__ import annotations

from sdk import org_scope, tool

from ..models import Version


def read_version(version: Version):
    """A stream of the version's bytes from the owner's storage; the storage service checks the
    SHA-256 as it is read (``sdk.files.FileCorrupted`` when the bytes were damaged)."""
    with org_scope(version.org_id):
        return tool().storage.open(version.sha256)


def send_version(version: Version, *, inline: bool = False):
    """The download (or, ``inline``, the in-browser preview) of the version, verified first."""
    with org_scope(version.org_id):
        return tool().storage.send(version.sha256, as_attachment=not inline, download_name=version.filename)
