"""Shared steps of the page tests."""
from __future__ import annotations

from plugins.edocs.models import Version
from plugins.edocs.services import transitions


def move(sponsor, user, version_id, to, **kwargs):
    """Move a version as ``user`` through the service (the pages' own tests post the forms)."""
    return sponsor.as_user(user, lambda s: transitions.transition(s.get(Version, version_id), to, **kwargs).status)
