"""Signing a record through its page's sign dialog, as a person does (see ``docs/sdk/records.md``)."""
from __future__ import annotations

import re

from .forms import _get_page, page_forms, submit_form

_SIGN_ACTION = re.compile(r"/o/[^/]+/records/[^/]+/[^/]+/[^/?]+/sign(\?|$)")


def sign_record(client, page_path: str, data, *, follow_redirects: bool = True):
    """Fill in the sign dialog of ``signature_block(record)`` on ``page_path`` and post it.

    ``data`` holds ``meaning``, ``password`` and, on the first signing of a session, ``email``.
    Redirects are followed by default: the answer is the record's page with the outcome flashed.
    """
    forms = page_forms(_get_page(client, page_path).get_data(as_text=True))
    actions = [form.action for form in forms if form.action and _SIGN_ACTION.search(form.action)]
    assert actions, f"no sign dialog (signature_block) on {page_path}"
    return submit_form(client, page_path, data, action=actions[0], follow_redirects=follow_redirects)
