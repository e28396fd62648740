"""Searching as a person: ``find(sponsor, words, user=, org=)`` answers the titles found, with
the version each result points at."""
from __future__ import annotations

import pytest

from plugins.edocs.models import Version
from plugins.edocs.services import search


def find(sponsor, words: str, *, user=None, org=None, **options) -> list[tuple[str, int]]:
    def run(session):
        return [(r.document.title, r.version.number) for r in search.search(words, **options)]
    return sponsor.as_user(user or sponsor.owner, run, org=org)


def text_status(sponsor, version_id: int) -> str:
    return sponsor.run(lambda s: s.get(Version, version_id).text_status)


@pytest.fixture
def outsider(make_user, make_org, grant_license):
    """An organization with edocs and no grant on acme's binder; (org, owner)."""
    owner = make_user("owen@other-cro.example.org", name="Owen Outsider")
    org = make_org("other-cro", owner=owner, name="Other CRO")
    grant_license(org, "edocs", enable=True)
    return org, owner
